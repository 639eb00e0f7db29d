// SNOMED CT 28670008 (oesophageal varices) as an Observation: valued absent it is the record's
// "no varices" on that date, like urn:switchpoint:hcc|varices = none; present, or any grade, is
// skipped and counted with the reason (the risk grade the therapy rules need has no standard code).
// Source: CLINICAL_RULES.md §10 (28670008), docs/terminology.md "Conditions of the therapy rules".
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "readers/fhir_r4.h"

namespace switchpoint {
namespace {

std::string bundle(const std::vector<std::string>& resources) {
  std::string out = R"({"resourceType":"Bundle","type":"collection","entry":[)"
                    R"({"resource":{"resourceType":"Patient","id":"p1"}})";
  for (const auto& r : resources) out += R"(,{"resource":)" + r + "}";
  return out + "]}";
}

std::string varices(const std::string& value, const std::string& date = "2024-03-01",
                    const std::string& status = "final") {
  return R"({"resourceType":"Observation","status":")" + status +
         R"(","code":{"coding":[{"system":"http://snomed.info/sct","code":"28670008"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":")" +
         date + R"(",)" + value + "}";
}
const std::string kAbsent =
    R"("valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"2667000"}]})";
const std::string kPresent =
    R"("valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"52101004"}]})";
const std::string kProjectNone =
    R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":"urn:switchpoint:hcc","code":"varices"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2024-03-01","valueCodeableConcept":{"coding":[{"system":"urn:switchpoint:hcc","code":"none"}]}})";

int skipped_with(const ReadResult& rr, const std::string& part) {
  int n = 0;
  for (const auto& [k, v] : rr.skipped)
    if (k.find(part) != std::string::npos) n += v;
  return n;
}

TEST(TermsVarices, AbsentIsNoVaricesOnThatDateLikeTheProjectCode) {
  for (const std::string& value : {kAbsent, std::string(R"("valueBoolean":false)")}) {
    const auto rr = read_fhir_bundle(bundle({varices(value)}));
    ASSERT_TRUE(rr.ok()) << value;
    ASSERT_EQ(rr.record->endoscopies.size(), 1u);
    EXPECT_EQ(rr.record->endoscopies[0].date.iso(), "2024-03-01");
    EXPECT_EQ(rr.record->endoscopies[0].varices, Varices::None);
    const auto twin = read_fhir_bundle(bundle({kProjectNone}));
    ASSERT_TRUE(twin.ok());
    EXPECT_EQ(twin.record->endoscopies.size(), 1u);
    EXPECT_EQ(twin.record->endoscopies[0].varices, rr.record->endoscopies[0].varices);
  }
  // The same finding twice (standard and project) on one date is read once.
  const auto both = read_fhir_bundle(bundle({varices(kAbsent), kProjectNone}));
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both.record->endoscopies.size(), 1u);
}

TEST(TermsVarices, PresentOrUngradedIsSkippedWithTheReasonNeverAGrade) {
  for (const std::string& value : {kPresent, std::string(R"("valueBoolean":true)")}) {
    const auto rr = read_fhir_bundle(bundle({varices(value)}));
    ASSERT_TRUE(rr.ok()) << value;
    EXPECT_TRUE(rr.record->endoscopies.empty());
    EXPECT_EQ(skipped_with(rr, "28670008 (oesophageal varices without a risk grade"), 1) << value;
  }
}

TEST(TermsVarices, AbsentContradictingAProjectGradeOnTheSameDateIsAProblem) {
  const std::string high =
      R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":"urn:switchpoint:hcc","code":"varices"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2024-03-01","valueCodeableConcept":{"coding":[{"system":"urn:switchpoint:hcc","code":"high-risk-untreated"}]}})";
  EXPECT_FALSE(read_fhir_bundle(bundle({varices(kAbsent), high})).ok());
  // On another date it is a later endoscopy, not a contradiction.
  const auto later = read_fhir_bundle(bundle({varices(kAbsent, "2024-05-01"), high}));
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later.record->endoscopies.size(), 2u);
}

TEST(TermsVarices, EnteredInErrorIsSkippedAndAMissingDateIsAProblem) {
  const auto err = read_fhir_bundle(bundle({varices(kAbsent, "2024-03-01", "entered-in-error")}));
  ASSERT_TRUE(err.ok());
  EXPECT_TRUE(err.record->endoscopies.empty());
  EXPECT_EQ(skipped_with(err, "28670008 (status entered-in-error)"), 1);
  const std::string undated =
      R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://snomed.info/sct","code":"28670008"}]},"subject":{"reference":"Patient/p1"},)" +
      kAbsent + "}";
  EXPECT_FALSE(read_fhir_bundle(bundle({undated})).ok());
}

}  // namespace
}  // namespace switchpoint
