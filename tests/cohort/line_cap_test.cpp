// The longest NDJSON line (cohort/line_source.h, kMaxLineBytes = 16 MiB): a longer line is an
// invalid line, skipped while it is read, for plain and gzip files alike; the lines around it are
// read with their own numbers. Both sides of the cap are tested.
#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

#include "cohort/cohort.h"
#include "cohort/line_source.h"
#include "cohort_test_util.h"

namespace switchpoint::cohort {
namespace {

using testing::spit;
using testing::TempDir;

struct Lines {
  std::vector<std::pair<long, std::string>> lines;  // number, text
  std::vector<long> overlong;
  std::string error;
};

Lines read_lines(const std::string& file, std::size_t block, std::size_t cap) {
  LineSource src({file}, block, cap);
  Block b;
  Lines out;
  while (src.next(b)) {
    long line = b.first_line;
    std::size_t pos = 0;
    while (pos < b.size) {
      const std::size_t nl = std::string_view(b.data(), b.size).find('\n', pos);
      const std::size_t end = nl == std::string_view::npos ? b.size : nl;
      out.lines.emplace_back(line++, std::string(b.data() + pos, end - pos));
      pos = end + 1;
    }
    out.overlong.insert(out.overlong.end(), b.overlong.begin(), b.overlong.end());
    if (!b.error.empty()) out.error = b.error;
  }
  return out;
}

void gzip(const std::string& path, const std::string& data) {
  gzFile gz = gzopen(path.c_str(), "wb");
  std::size_t at = 0;
  while (at < data.size()) {
    const auto n = static_cast<unsigned>(std::min<std::size_t>(data.size() - at, 1u << 20));
    gzwrite(gz, data.data() + at, n);
    at += n;
  }
  gzclose(gz);
}

TEST(LineCap, ALineOverTheCapIsSkippedAndTheOthersKeepTheirNumbers) {
  TempDir d;
  constexpr std::size_t kCap = 10000;
  const std::string text = "first\n" + std::string(kCap + 1, 'x') + "\nthird\n" + std::string(kCap, 'y') + "\nfifth";
  for (const bool packed : {false, true}) {
    const std::string f = d.file(packed ? "a.ndjson.gz" : "a.ndjson");
    packed ? gzip(f, text) : spit(f, text);
    const Lines r = read_lines(f, 4096, kCap);
    EXPECT_EQ(r.overlong, std::vector<long>{2}) << packed;
    ASSERT_EQ(r.lines.size(), 5u) << packed;
    EXPECT_EQ(r.lines[0], (std::pair<long, std::string>{1, "first"}));
    EXPECT_EQ(r.lines[1], (std::pair<long, std::string>{2, ""}));  // the stand-in for the long line
    EXPECT_EQ(r.lines[2], (std::pair<long, std::string>{3, "third"}));
    EXPECT_EQ(r.lines[3].first, 4);  // exactly the cap: read
    EXPECT_EQ(r.lines[3].second.size(), kCap);
    EXPECT_EQ(r.lines[4], (std::pair<long, std::string>{5, "fifth"}));
    EXPECT_EQ(r.error, "");
  }
}

TEST(LineCap, ALongLastLineWithoutALineBreak) {
  TempDir d;
  const std::string f = d.file("b.ndjson");
  spit(f, "first\n" + std::string(50000, 'x'));
  const Lines r = read_lines(f, 4096, 10000);
  EXPECT_EQ(r.overlong, std::vector<long>{2});
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_EQ(r.lines[0].second, "first");
}

constexpr std::string_view kPatient = R"({"resourceType":"Patient","id":"p1","birthDate":"1950-02-03"})";
constexpr std::string_view kTace =
    R"({"resourceType":"Procedure","id":"t1","status":"completed","subject":{"reference":"Patient/p1"},)"
    R"("code":{"coding":[{"system":"urn:switchpoint:hcc","code":"tace"}]},"performedDateTime":"2024-01-01"})";

// A Basic resource of `bytes` bytes in all (the reader skips Basic: only its length matters).
std::string basic_line(std::size_t bytes) {
  const std::string head = R"({"resourceType":"Basic","id":")", tail = R"("})";
  return head + std::string(bytes - head.size() - tail.size(), 'x') + tail;
}

TEST(LineCap, TheCohortReportsALineOverSixteenMebibytesPlainAndGzip) {
  TempDir d;
  for (const bool packed : {false, true}) {
    for (const std::size_t len : {kMaxLineBytes, kMaxLineBytes + 1}) {
      const std::string text = std::string(kPatient) + "\n" + basic_line(len) + "\n" + std::string(kTace) + "\n";
      const std::string f = d.file(packed ? "in.ndjson.gz" : "in.ndjson");
      packed ? gzip(f, text) : spit(f, text);
      Options o;
      o.inputs = {f};
      o.threads = 1;
      const Result r = evaluate_cohort(o);
      ASSERT_EQ(r.rows.size(), 1u);
      EXPECT_EQ(r.rows[0].input, InputStatus::Ok);
      EXPECT_EQ(r.rows[0].sessions, 1);
      EXPECT_EQ(r.stats.lines, 3u);
      if (len > kMaxLineBytes) {
        ASSERT_EQ(r.stats.invalid.size(), 1u) << packed;
        EXPECT_EQ(r.stats.invalid[0].line, 2);
        EXPECT_NE(r.stats.invalid[0].message.find("the line is longer than 16 MiB"), std::string::npos);
      } else {
        EXPECT_TRUE(r.stats.invalid.empty()) << packed << " " << r.stats.invalid.front().message;
      }
    }
  }
}

}  // namespace
}  // namespace switchpoint::cohort
