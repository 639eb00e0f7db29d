// Procedures that end a TACE course (CLINICAL_RULES §5, P-course-end) in both readers: the native
// "procedures" array and FHIR Procedure coded with urn:switchpoint:hcc or SNOMED CT (docs/fhir.md).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "readers/fhir_r4.h"
#include "readers/native_json.h"

namespace switchpoint {
namespace {

std::string native(const std::string& procedures) {
  return R"({"schema":"switchpoint.record/1","patient":{"id":"x"},"procedures":)" + procedures + "}";
}

TEST(NativeProcedures, ReadsEachKindSorted) {
  const auto rr = read_native_json(native(R"([{"date":"2024-05-02","code":"liver-transplantation"},
      {"date":"2024-03-01","code":"resection"},{"date":"2024-03-01","code":"ablation"}])"));
  ASSERT_TRUE(rr.ok()) << rr.problems[0].message;
  ASSERT_EQ(rr.record->procedures.size(), 3u);
  EXPECT_EQ(rr.record->procedures[0].date, Date::parse("2024-03-01"));
  EXPECT_EQ(rr.record->procedures[0].kind, CourseEndingKind::Resection);  // same date: as given
  EXPECT_EQ(rr.record->procedures[1].kind, CourseEndingKind::Ablation);
  EXPECT_EQ(rr.record->procedures[2].kind, CourseEndingKind::LiverTransplantation);
  EXPECT_EQ(rr.record->latest_entry_date(), Date::parse("2024-05-02"));
}

TEST(NativeProcedures, TheSameProcedureTwiceOnOneDateIsOne) {
  const auto rr = read_native_json(
      native(R"([{"date":"2024-03-01","code":"resection"},{"date":"2024-03-01","code":"resection"}])"));
  ASSERT_TRUE(rr.ok());
  EXPECT_EQ(rr.record->procedures.size(), 1u);
}

TEST(NativeProcedures, UnknownCodeMissingDateAndUnknownKeyAreProblemsNamed) {
  const auto rr = read_native_json(native(R"([{"date":"2024-03-01","code":"tace"},{"code":"ablation"},
      {"date":"2024-03-01","code":"ablation","site":"segment 7"}])"));
  ASSERT_FALSE(rr.ok());
  ASSERT_EQ(rr.problems.size(), 3u);
  EXPECT_EQ(rr.problems[0].location, "/procedures/0/code");
  EXPECT_NE(rr.problems[0].message.find("resection, ablation, liver-transplantation"), std::string::npos)
      << rr.problems[0].message;
  EXPECT_EQ(rr.problems[1].location, "/procedures/1/date");
  EXPECT_NE(rr.problems[2].location.find("/procedures/2"), std::string::npos) << rr.problems[2].location;
}

std::string fhir_procedure(const std::string& system, const std::string& code, const std::string& status,
                           const std::string& date) {
  return R"({"resource":{"resourceType":"Procedure","status":")" + status + R"(","code":{"coding":[{"system":")" +
         system + R"(","code":")" + code + R"("}]},"subject":{"reference":"Patient/p1"},"performedDateTime":")" + date +
         R"("}})";
}

std::string fhir_bundle(const std::vector<std::string>& entries) {
  std::string out = R"({"resourceType":"Bundle","type":"collection","entry":[)"
                    R"({"resource":{"resourceType":"Patient","id":"p1"}})";
  for (const auto& e : entries) out += "," + e;
  return out + "]}";
}

TEST(FhirProcedures, ProjectCodesAndVerifiedSnomedCodesEndACourse) {
  const auto rr = read_fhir_bundle(fhir_bundle({
      fhir_procedure("urn:switchpoint:hcc", "resection", "completed", "2024-01-10"),
      fhir_procedure("urn:switchpoint:hcc", "ablation", "completed", "2024-02-10"),
      fhir_procedure("urn:switchpoint:hcc", "liver-transplantation", "completed", "2024-03-10"),
      fhir_procedure("http://snomed.info/sct", "18027006", "completed", "2024-04-10"),
      fhir_procedure("http://snomed.info/sct", "708625004", "completed", "2024-05-10"),
      fhir_procedure("http://snomed.info/sct", "897703001", "completed", "2024-06-10T09:30:00Z"),
  }));
  ASSERT_TRUE(rr.ok()) << rr.problems[0].location << " " << rr.problems[0].message;
  ASSERT_EQ(rr.record->procedures.size(), 6u);
  const CourseEndingKind want[] = {CourseEndingKind::Resection,
                                   CourseEndingKind::Ablation,
                                   CourseEndingKind::LiverTransplantation,
                                   CourseEndingKind::LiverTransplantation,
                                   CourseEndingKind::Ablation,
                                   CourseEndingKind::Resection};
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(rr.record->procedures[i].kind, want[i]) << i;
  EXPECT_EQ(rr.record->procedures[5].date, Date::parse("2024-06-10"));
  EXPECT_TRUE(rr.skipped.empty());
}

TEST(FhirProcedures, NotCompletedIsSkippedAndCounted) {
  const auto rr = read_fhir_bundle(fhir_bundle({
      fhir_procedure("urn:switchpoint:hcc", "resection", "in-progress", "2024-01-10"),
      fhir_procedure("urn:switchpoint:hcc", "resection", "completed", "2024-01-10"),
      fhir_procedure("urn:switchpoint:hcc", "resection", "completed", "2024-01-10"),
  }));
  ASSERT_TRUE(rr.ok());
  EXPECT_EQ(rr.record->procedures.size(), 1u);
  EXPECT_EQ(rr.skipped.at("Procedure urn:switchpoint:hcc|resection (status in-progress)"), 1);
  EXPECT_EQ(rr.skipped.at("Procedure urn:switchpoint:hcc|resection (second record of the resection on the same date, "
                          "merged)"),
            1);
}

TEST(FhirProcedures, CodingsNamingTwoDifferentProceduresAreRefused) {
  const std::string both = R"({"resource":{"resourceType":"Procedure","status":"completed","code":{"coding":[)"
                           R"({"system":"urn:switchpoint:hcc","code":"resection"},)"
                           R"({"system":"http://snomed.info/sct","code":"18027006"}]},)"
                           R"("subject":{"reference":"Patient/p1"},"performedDateTime":"2024-01-10"}})";
  const auto rr = read_fhir_bundle(fhir_bundle({both}));
  ASSERT_FALSE(rr.ok());
  EXPECT_NE(rr.problems[0].message.find("the codings disagree"), std::string::npos) << rr.problems[0].message;
}

TEST(FhirProcedures, ATaceCodingBesideAResectionCodingIsRefused) {
  const std::string both = R"({"resource":{"resourceType":"Procedure","status":"completed","code":{"coding":[)"
                           R"({"system":"urn:switchpoint:hcc","code":"tace"},)"
                           R"({"system":"urn:switchpoint:hcc","code":"resection"}]},)"
                           R"("subject":{"reference":"Patient/p1"},"performedDateTime":"2024-01-10"}})";
  const auto rr = read_fhir_bundle(fhir_bundle({both}));
  ASSERT_FALSE(rr.ok());
  EXPECT_NE(rr.problems[0].message.find("the codings disagree"), std::string::npos) << rr.problems[0].message;
}

TEST(FhirProcedures, AnotherSnomedProcedureIsStillSkippedOnItsCode) {
  const auto rr =
      read_fhir_bundle(fhir_bundle({fhir_procedure("http://snomed.info/sct", "80146002", "completed", "2024-01-10")}));
  ASSERT_TRUE(rr.ok());
  EXPECT_TRUE(rr.record->procedures.empty());
  EXPECT_EQ(rr.skipped.size(), 1u);
}

}  // namespace
}  // namespace switchpoint
