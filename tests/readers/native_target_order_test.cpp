// The order in which a native record lists its target lesions never changes the record: they are
// kept in the order of their ids, as the FHIR reader keeps them (docs/record-format.md), so a FHIR
// twin of a native record gives the same decision word for word (tests/golden/standard_twins_test.cpp).
#include <gtest/gtest.h>

#include <string>

#include "readers/native_json.h"

namespace switchpoint {
namespace {

std::string record_with_targets(const std::string& targets) {
  return R"({"schema": "switchpoint.record/1", "patient": {"id": "p"},
             "imaging": [{"date": "2024-01-05", "tumor_count": 3, "largest_diameter": {"value": 5, "unit": "cm"},
                          "target_lesions": [)" +
         targets + "]}]}";
}

TEST(NativeTargetOrder, TargetsAreKeptInTheOrderOfTheirIds) {
  const std::string s7 = R"({"id": "S7", "viable_diameter": {"value": 45, "unit": "mm"}})";
  const std::string s4 = R"({"id": "S4", "viable_diameter": {"value": 2.8, "unit": "cm"}})";
  const std::string s10 = R"({"id": "S10", "viable_diameter": {"value": 1, "unit": "cm"}})";
  for (const std::string& targets : {s7 + "," + s4 + "," + s10, s4 + "," + s10 + "," + s7, s10 + "," + s7 + "," + s4}) {
    const ReadResult rr = read_native_json(record_with_targets(targets));
    ASSERT_TRUE(rr.ok()) << targets;
    const auto& t = *rr.record->imaging.at(0).target_lesions;
    ASSERT_EQ(t.size(), 3u);
    // Ids compare as text, as the FHIR reader orders them: "S10" < "S4" < "S7".
    EXPECT_EQ(t[0].id, "S10") << targets;
    EXPECT_EQ(t[1].id, "S4") << targets;
    EXPECT_EQ(t[2].id, "S7") << targets;
    EXPECT_DOUBLE_EQ(t[2].viable_diameter_cm, 4.5);
  }
}

// Two studies of one date are one study; the targets of both, in id order, whichever is listed first.
TEST(NativeTargetOrder, TargetsOfTwoStudiesOfOneDateAreInIdOrder) {
  const std::string a =
      R"({"date": "2024-01-05", "modality": "CT", "target_lesions": [{"id": "S8", "viable_diameter": {"value": 2, "unit": "cm"}}]})";
  const std::string b =
      R"({"date": "2024-01-05", "modality": "CT", "target_lesions": [{"id": "S2", "viable_diameter": {"value": 3, "unit": "cm"}}]})";
  for (const std::string& studies : {a + "," + b, b + "," + a}) {
    const ReadResult rr =
        read_native_json(R"({"schema": "switchpoint.record/1", "patient": {"id": "p"}, "imaging": [)" + studies + "]}");
    ASSERT_TRUE(rr.ok()) << studies;
    const auto& t = *rr.record->imaging.at(0).target_lesions;
    ASSERT_EQ(t.size(), 2u);
    EXPECT_EQ(t[0].id, "S2");
    EXPECT_EQ(t[1].id, "S8");
  }
}

}  // namespace
}  // namespace switchpoint
