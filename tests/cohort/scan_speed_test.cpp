// Pass 1 (branch h-scan4) must answer exactly as before its shortcuts:
//  - count_newlines (cohort/line_source.h) counts 16 bytes at a time, summing per-byte counters
//    every 255 rounds: any length, any alignment, a file of line breaks only;
//  - a mapped block no longer than the line cap has its line breaks counted, a longer one is walked
//    line by line to find the lines over the cap: both give the same line numbers;
//  - json::duplicate_keys, run on every line of the scan, reports every repeated name at its
//    pointer whatever the size of its object (pairwise up to 16 names, sorted beyond), and only
//    repeats (names alike in length and first, middle and last bytes are not).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cohort/line_source.h"
#include "cohort_test_util.h"
#include "readers/json_walk.h"

namespace switchpoint::cohort {
namespace {

using testing::spit;
using testing::TempDir;

std::size_t newlines_one_by_one(std::string_view s) {
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

TEST(ScanSpeed, CountNewlinesCountsEveryLineBreakAtAnyLengthAndAlignment) {
  std::string text;
  for (int i = 0; i < 700; ++i) text += (i % 7 == 0) ? "\n" : (i % 3 == 0 ? "ab\n" : "xyz");
  for (std::size_t start = 0; start < 17; ++start)
    for (std::size_t n = 0; start + n <= text.size(); n += (n < 70 ? 1 : 37))
      ASSERT_EQ(count_newlines(text.data() + start, n), newlines_one_by_one(std::string_view(text).substr(start, n)))
          << start << " " << n;
  // Line breaks only: every byte counter reaches 255 before it is summed (255 rounds of 16 bytes),
  // one more round would wrap it to 0.
  for (const std::size_t n : {std::size_t{16} * 255, std::size_t{16} * 255 + 1, std::size_t{16} * 256,
                              std::size_t{16} * 255 * 3 + 5, std::size_t{100000}}) {
    const std::string breaks(n, '\n');
    EXPECT_EQ(count_newlines(breaks.data(), n), n);
  }
  const std::string none(5000, 'q');
  EXPECT_EQ(count_newlines(none.data(), none.size()), 0u);
  EXPECT_EQ(count_newlines(none.data(), 0), 0u);
}

struct Numbered {
  std::vector<long> first_lines, overlong;
};
Numbered number(const std::string& file, std::size_t block, std::size_t cap) {
  LineSource src({file}, block, cap);
  auto map = MappedFile::map(file);
  EXPECT_NE(map, nullptr);
  src.use_maps({map});
  Block b;
  Numbered out;
  while (src.next(b)) {
    out.first_lines.push_back(b.first_line);
    out.overlong.insert(out.overlong.end(), b.overlong.begin(), b.overlong.end());
  }
  return out;
}

TEST(ScanSpeed, AMappedBlockCountedOrWalkedGivesTheSameLineNumbers) {
  TempDir d;
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "line " + std::to_string(i) + (i % 11 == 0 ? "\r\n" : "\n");
  text += "\n\nlast";
  const std::string f = d.file("a.ndjson");
  spit(f, text);
  // Blocks of 4096 bytes: under a cap of 5000 they are counted, under a cap of 100 walked (a block
  // is longer than the cap), and no line is over either cap.
  const Numbered counted = number(f, 4096, 5000);
  const Numbered walked = number(f, 4096, 100);
  EXPECT_EQ(counted.first_lines, walked.first_lines);
  EXPECT_TRUE(counted.overlong.empty());
  EXPECT_TRUE(walked.overlong.empty());
  ASSERT_GT(counted.first_lines.size(), 3u);
  EXPECT_EQ(counted.first_lines.front(), 1);
  // The second block starts after the first block's lines: as many as its line breaks.
  long expected = 1;
  std::size_t pos = 0;
  for (std::size_t k = 1; k < counted.first_lines.size(); ++k) {
    const std::size_t end = text.rfind('\n', pos + 4096 - 1) + 1;
    expected += static_cast<long>(newlines_one_by_one(std::string_view(text).substr(pos, end - pos)));
    EXPECT_EQ(counted.first_lines[k], expected) << k;
    pos = end;
  }
  // A line over the cap of 100 in a walked block is found, numbered as the counted blocks number it.
  std::string with_long = text.substr(0, 2000);
  with_long.erase(with_long.rfind('\n') + 1);
  const long long_line = static_cast<long>(newlines_one_by_one(with_long)) + 1;
  with_long += std::string(150, 'L') + "\n" + text;
  spit(f, with_long);
  const Numbered long_walked = number(f, 4096, 100);
  EXPECT_EQ(long_walked.overlong, std::vector<long>{long_line});
  EXPECT_EQ(long_walked.first_lines, number(f, 4096, 5000).first_lines);
  EXPECT_TRUE(number(f, 4096, 5000).overlong.empty());
}

std::vector<Problem> repeats(const std::string& json, std::string_view skip = {}) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  EXPECT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;
  std::vector<Problem> problems;
  const std::size_t found = json::duplicate_keys(doc, "L:1#", problems, skip);
  EXPECT_EQ(found, problems.size()) << json;
  return problems;
}
std::vector<std::string> locations(const std::vector<Problem>& problems) {
  std::vector<std::string> out;
  for (const auto& p : problems) out.push_back(p.location);
  return out;
}

std::string object_of(int keys, const std::string& extra = "") {
  std::string s = "{";
  for (int i = 0; i < keys; ++i)
    s += (i ? "," : "") + std::string("\"k") + std::to_string(i) + "\":" + std::to_string(i);
  return s + extra + "}";
}

TEST(ScanSpeed, DuplicateKeysFindsEveryRepeatInSmallAndLargeObjects) {
  // Distinct names: none, whatever their number (16 are compared pairwise, 17 and more sorted).
  EXPECT_TRUE(repeats(object_of(3)).empty());
  EXPECT_TRUE(repeats(object_of(16)).empty());
  EXPECT_TRUE(repeats(object_of(17)).empty());
  EXPECT_TRUE(repeats(object_of(40)).empty());
  // Names of one length with the same first, middle and last bytes (one signature) are not repeats.
  EXPECT_TRUE(repeats(R"({"aXbc":1,"aYbc":2,"aZbc":{"aXbc":1,"aYbc":2}})").empty());
  EXPECT_TRUE(repeats(R"({"":1,"a":2,"b":[{"":1,"x":{}}]})").empty());
  // A repeat at the 16th name (in the table) and at the 17th (past it), at the top and nested.
  EXPECT_EQ(locations(repeats(object_of(15, R"(,"k3":0)"))), std::vector<std::string>{"L:1#/k3"});
  EXPECT_EQ(locations(repeats(object_of(16, R"(,"k3":0)"))), std::vector<std::string>{"L:1#/k3"});
  EXPECT_EQ(locations(repeats(object_of(40, R"(,"k39":0,"k2":1,"k39":2)"))),
            (std::vector<std::string>{"L:1#/k2", "L:1#/k39"}));
  EXPECT_EQ(locations(repeats(R"({"a":[1,{"b":{"c":1,"c":2}}],"d":{"e":[[{"f":0,"g":1,"f":2}]]}})")),
            (std::vector<std::string>{"L:1#/a/1/b/c", "L:1#/d/e/0/0/f"}));
  EXPECT_EQ(locations(repeats(R"({"a":1,"a":2,"a":3,"":0,"":1})")), (std::vector<std::string>{"L:1#/a", "L:1#/"}));
  // A repeat after a nested object that has none, and a repeat inside an object past 16 names.
  EXPECT_EQ(locations(repeats(R"({"x":{"y":1},"z":0,"x":2})")), std::vector<std::string>{"L:1#/x"});
  EXPECT_EQ(locations(repeats(R"({"big":)" + object_of(20, R"(,"in":{"q":1,"q":1})") + "}")),
            std::vector<std::string>{"L:1#/big/in/q"});
  // The skipped member's value is not looked into.
  EXPECT_TRUE(repeats(R"({"entry":[{"resource":{"a":1,"a":2}}]})", "resource").empty());
  EXPECT_EQ(locations(repeats(R"({"entry":[{"resource":{"a":1,"a":2}}]})")),
            std::vector<std::string>{"L:1#/entry/0/resource/a"});
  EXPECT_EQ(locations(repeats(R"({"entry":[{"resource":{"a":1},"resource":{}}]})", "resource")),
            std::vector<std::string>{"L:1#/entry/0/resource"});
  // The object overload.
  simdjson::dom::parser parser;
  simdjson::dom::object o;
  ASSERT_EQ(parser.parse(std::string(R"({"p":{"q":[{"r":1,"r":1}]}})")).get(o), simdjson::SUCCESS);
  std::vector<Problem> problems;
  EXPECT_EQ(json::duplicate_keys(o, "", problems), 1u);
  EXPECT_EQ(locations(problems), std::vector<std::string>{"/p/q/0/r"});
  problems.clear();
  ASSERT_EQ(parser.parse(std::string(R"({"p":{"q":[{"r":1,"s":1}]}})")).get(o), simdjson::SUCCESS);
  EXPECT_EQ(json::duplicate_keys(o, "", problems), 0u);
  EXPECT_TRUE(problems.empty());
}

}  // namespace
}  // namespace switchpoint::cohort
