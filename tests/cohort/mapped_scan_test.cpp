// A plain NDJSON file is scanned from its mapping (cohort/line_source.h, LineSource::use_maps):
// its blocks are views of the file, not copies. The lines, their numbers and the lines over the cap
// must be those of the same bytes read with fread or from gzip, for any block size; simdjson reads
// SIMDJSON_PADDING bytes past a line, so a block whose padding would lie past the mapping's last
// page (a file ending at or near a page boundary) must be a padded copy instead.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cohort/cohort.h"
#include "cohort/line_source.h"
#include "cohort_test_util.h"

namespace switchpoint::cohort {
namespace {

using testing::spit;
using testing::TempDir;

struct Scanned {
  std::vector<std::pair<long, std::string>> lines;  // number, text (lines over the cap left out)
  std::vector<long> overlong;
  std::uint64_t bytes = 0;  // bytes counted as read (a long line's bytes are not)
};

// Every block of `file`, mapped or read; checks that each mapped view leaves its padding readable.
Scanned scan(const std::string& file, std::size_t block, std::size_t cap, bool mapped) {
  LineSource src({file}, block, cap);
  std::shared_ptr<const MappedFile> map;
  if (mapped) {
    map = MappedFile::map(file);
    EXPECT_NE(map, nullptr);
    src.use_maps({map});
  }
  Block b;
  Scanned out;
  while (src.next(b)) {
    if (b.view != nullptr) {
      EXPECT_TRUE(mapped);
      EXPECT_GE(b.view, map->data());
      EXPECT_LE(b.view + b.size + simdjson::SIMDJSON_PADDING, map->data() + map->readable()) << b.first_line;
    } else {
      for (std::size_t i = 0; i < simdjson::SIMDJSON_PADDING; ++i) EXPECT_EQ(b.data()[b.size + i], '\0');
    }
    out.bytes += b.size - b.overlong_bytes;
    long line = b.first_line;
    std::size_t pos = 0;
    while (pos < b.size) {
      const std::size_t nl = std::string_view(b.data(), b.size).find('\n', pos);
      const std::size_t end = nl == std::string_view::npos ? b.size : nl;
      if (std::find(b.overlong.begin(), b.overlong.end(), line) == b.overlong.end())
        out.lines.emplace_back(line, std::string(b.data() + pos, end - pos));
      ++line;
      pos = end + 1;
    }
    out.overlong.insert(out.overlong.end(), b.overlong.begin(), b.overlong.end());
  }
  return out;
}

void gzip(const std::string& path, const std::string& data) {
  gzFile gz = gzopen(path.c_str(), "wb");
  gzwrite(gz, data.data(), static_cast<unsigned>(data.size()));
  gzclose(gz);
}

std::size_t page() { return static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)); }

TEST(MappedScan, TheSameLinesAsReadForAnyBlockSize) {
  TempDir d;
  constexpr std::size_t kCap = 10000;
  // A line over the cap in the middle, one exactly at it, short lines, a blank line, CRLF, and a
  // last line without a line break.
  std::string text = "first\n";
  for (int i = 0; i < 300; ++i) text += "line " + std::to_string(i) + "\n";
  text += std::string(kCap + 1, 'x') + "\n\nthird\r\n" + std::string(kCap, 'y') + "\n";
  for (int i = 0; i < 300; ++i) text += "more " + std::to_string(i) + "\n";
  text += "last";
  const std::string f = d.file("a.ndjson");
  spit(f, text);
  // Block sizes up to the cap (as in use: 4 MiB blocks, a 16 MiB cap): the read path finds a long
  // line only as it crosses a block's end. The mapped path finds it in any block (the last size).
  for (const std::size_t block : {std::size_t{4096}, std::size_t{5000}, kCap}) {
    const Scanned read = scan(f, block, kCap, false);
    const Scanned mapped = scan(f, block, kCap, true);
    EXPECT_EQ(mapped.lines, read.lines) << block;
    EXPECT_EQ(mapped.overlong, std::vector<long>{302}) << block;
    EXPECT_EQ(read.overlong, std::vector<long>{302}) << block;
    EXPECT_EQ(mapped.bytes, read.bytes) << block;
    EXPECT_EQ(mapped.bytes, text.size() - (kCap + 1)) << block;
    ASSERT_EQ(mapped.lines.size(), 300u + 5 + 300) << block;
    EXPECT_EQ(mapped.lines.back(), (std::pair<long, std::string>{606, "last"}));
    EXPECT_EQ(mapped.lines[301], (std::pair<long, std::string>{303, ""}));
    EXPECT_EQ(mapped.lines[302], (std::pair<long, std::string>{304, "third\r"}));
  }
  const Scanned whole = scan(f, std::size_t{1} << 20, kCap, true);
  EXPECT_EQ(whole.overlong, std::vector<long>{302});
  EXPECT_EQ(whole.lines, scan(f, 4096, kCap, false).lines);
}

TEST(MappedScan, AFileEndingAtOrNearAPageBoundaryIsPaddedNotReadPast) {
  TempDir d;
  // Ends exactly at a page, one byte short of it, a padding's length short (the view's padding
  // just fits or just does not), and well inside a page.
  for (const std::size_t size : {page(), page() - 1, page() - simdjson::SIMDJSON_PADDING,
                                 page() - simdjson::SIMDJSON_PADDING - 1, 2 * page(), page() / 2}) {
    std::string text;
    while (text.size() + 20 < size) text += "0123456789abcdefghi\n";
    text += std::string(size - text.size() - 1, 'z') + "\n";
    ASSERT_EQ(text.size(), size);
    const std::string f = d.file("p" + std::to_string(size) + ".ndjson");
    spit(f, text);
    const Scanned read = scan(f, 4096, kMaxLineBytes, false);
    const Scanned mapped = scan(f, 4096, kMaxLineBytes, true);  // checks the views' padding
    EXPECT_EQ(mapped.lines, read.lines) << size;
    EXPECT_EQ(mapped.bytes, size);
  }
}

constexpr std::string_view kPatient = R"({"resourceType":"Patient","id":"p1","birthDate":"1950-02-03"})";
constexpr std::string_view kTace =
    R"({"resourceType":"Procedure","id":"t1","status":"completed","subject":{"reference":"Patient/p1"},)"
    R"("code":{"coding":[{"system":"urn:switchpoint:hcc","code":"tace"}]},"performedDateTime":"2024-01-01"})";

TEST(MappedScan, TheCohortCountsAPlainFileAsItsGzipCopy) {
  TempDir d;
  std::string text = "\xEF\xBB\xBF" + std::string(kPatient) + "\n";
  for (int i = 0; i < 200; ++i) {
    text += R"({"resourceType":"Observation","id":"v)" + std::to_string(i) +
            R"(","status":"final","subject":{"reference":"Patient/p1"},"code":{"coding":[{"system":)"
            R"("http://loinc.org","code":"8867-4"}]},"valueQuantity":{"value":70,"unit":"/min"}})" +
            "\r\n";
    if (i % 50 == 7) text += "{not json\n\n";
  }
  text += std::string(kTace);  // no line break at the end
  const std::string plain = d.file("in.ndjson"), packed = d.file("in.ndjson.gz");
  spit(plain, text);
  gzip(packed, text);
  Result results[2];
  for (int k = 0; k < 2; ++k) {
    Options o;
    o.inputs = {k == 0 ? plain : packed};
    o.threads = 1;
    o.block_bytes = 4096;
    results[k] = evaluate_cohort(o);
  }
  const Stats &a = results[0].stats, &b = results[1].stats;
  EXPECT_EQ(a.lines, b.lines);
  EXPECT_EQ(a.lines, 1u + 200 + 4 + 1);
  EXPECT_EQ(a.bytes, text.size());
  EXPECT_EQ(a.bytes, b.bytes);
  EXPECT_EQ(a.lines_kept, 2u);
  EXPECT_EQ(a.lines_kept, b.lines_kept);
  EXPECT_EQ(a.bytes_kept, b.bytes_kept);
  EXPECT_EQ(a.skipped, b.skipped);
  ASSERT_EQ(a.invalid.size(), 4u);
  ASSERT_EQ(b.invalid.size(), 4u);
  for (std::size_t i = 0; i < a.invalid.size(); ++i) {
    EXPECT_EQ(a.invalid[i].line, b.invalid[i].line);
    EXPECT_EQ(a.invalid[i].message, b.invalid[i].message);
  }
  ASSERT_EQ(results[0].rows.size(), 1u);
  ASSERT_EQ(results[1].rows.size(), 1u);
  EXPECT_EQ(results[0].rows[0].input, InputStatus::Ok);
  EXPECT_EQ(results[0].rows[0].sessions, 1);
  EXPECT_EQ(results[1].rows[0].sessions, 1);
}

}  // namespace
}  // namespace switchpoint::cohort
