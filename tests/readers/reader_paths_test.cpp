// The FHIR R4 reader's quick ways and the ways they stand beside (branch h-read4): a subject
// reference "Patient/<id>" compared at once, the general reference otherwise; a coding's and a
// Quantity's members found in one pass, whatever their order and whatever is wrong with them; a
// unit spelled as its UCUM code, and one spelled otherwise; value[x] and dataAbsentReason in one
// pass. Each case asserts what docs/fhir.md and FHIR R4 say the reader does.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "readers/fhir_r4.h"

namespace switchpoint {
namespace {

// A Bundle of a Patient (id `patient_id`) and one resource.
std::string bundle(const std::string& patient_id, const std::string& resource) {
  return R"({"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":")" +
         patient_id + R"(","birthDate":"1950-01-01"}},{"resource":)" + resource + "}]}";
}

// A bilirubin Observation of 2024-01-10 with the given subject reference and valueQuantity.
std::string bilirubin(const std::string& reference, const std::string& quantity, const std::string& extra = "") {
  return R"({"resourceType":"Observation","id":"o1","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"1975-2"}]},"subject":{"reference":")" +
         reference + R"("},"effectiveDateTime":"2024-01-10",)" + extra + R"("valueQuantity":)" + quantity + "}";
}

const std::string kMgDl = R"({"value":1.0,"unit":"mg/dL","system":"http://unitsofmeasure.org","code":"mg/dL"})";

bool has_problem(const ReadResult& rr, const std::string& location, const std::string& words) {
  for (const auto& p : rr.problems)
    if (p.location == location && p.message.find(words) != std::string::npos) return true;
  return false;
}

std::string problems_of(const ReadResult& rr) {
  std::string s;
  for (const auto& p : rr.problems) s += "\n  " + p.location + ": " + p.message;
  return s;
}

double bilirubin_read(const ReadResult& rr) {
  EXPECT_TRUE(rr.record) << problems_of(rr);
  if (!rr.record || rr.record->labs.bilirubin_umol_per_l.size() != 1) return -1;
  return rr.record->labs.bilirubin_umol_per_l.front().value;
}

// ---- the subject ------------------------------------------------------------------------

TEST(ReaderPaths, PatientReferenceOfThePatientIsRead) {
  const auto rr = read_fhir_bundle(bundle("p1", bilirubin("Patient/p1", kMgDl)));
  EXPECT_NEAR(bilirubin_read(rr), 17.1, 1e-9);  // 1 mg/dL = 17.1 µmol/L
}

TEST(ReaderPaths, AbsoluteReferenceToThePatientIsRead) {
  const auto rr = read_fhir_bundle(bundle("p1", bilirubin("https://ehr.example.org/fhir/Patient/p1", kMgDl)));
  EXPECT_NEAR(bilirubin_read(rr), 17.1, 1e-9);
}

TEST(ReaderPaths, ReferenceOfAnotherPatientOfTheSameLengthIsAProblem) {
  for (const std::string ref : {"Patient/p2", "Patient/q1", "Xatient/p1"}) {
    const auto rr = read_fhir_bundle(bundle("p1", bilirubin(ref, kMgDl)));
    EXPECT_FALSE(rr.record) << ref;
    EXPECT_TRUE(has_problem(rr, "/entry/1/resource/subject/reference", "is not this bundle's patient 'p1'"))
        << ref << problems_of(rr);
  }
}

TEST(ReaderPaths, ReferenceLongerOrShorterThanThePatientsIsAProblem) {
  for (const std::string ref : {"Patient/p10", "Patient/p", "Patient/"}) {
    const auto rr = read_fhir_bundle(bundle("p1", bilirubin(ref, kMgDl)));
    EXPECT_FALSE(rr.record) << ref;
    EXPECT_TRUE(has_problem(rr, "/entry/1/resource/subject/reference", "is not this bundle's patient"))
        << ref << problems_of(rr);
  }
}

// A reference's id ends at its slash (".../Patient/p1/_history/2" names p1): an id with a slash
// never equals what a reference names, so the quick comparison must not accept it.
TEST(ReaderPaths, PatientIdWithASlashIsNotMatchedByItsSpelling) {
  const auto rr = read_fhir_bundle(bundle("a/b", bilirubin("Patient/a/b", kMgDl)));
  EXPECT_FALSE(rr.record);
  EXPECT_TRUE(has_problem(rr, "/entry/1/resource/subject/reference", "is not this bundle's patient 'a/b'"))
      << problems_of(rr);
}

TEST(ReaderPaths, VersionedReferenceToThePatientIsRead) {
  const auto rr = read_fhir_bundle(bundle("p1", bilirubin("Patient/p1/_history/2", kMgDl)));
  EXPECT_NEAR(bilirubin_read(rr), 17.1, 1e-9);
}

// ---- codings and quantities read in one pass -----------------------------------------------

TEST(ReaderPaths, CodingMembersInAnyOrderAreRead) {
  const std::string obs =
      R"({"resourceType":"Observation","status":"final","code":{"coding":[{"display":"Bilirubin","code":"1975-2","system":"http://loinc.org"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2024-01-10","valueQuantity":{"code":"mg/dL","system":"http://unitsofmeasure.org","unit":"mg/dL","value":2.0}})";
  const auto rr = read_fhir_bundle(bundle("p1", obs));
  EXPECT_NEAR(bilirubin_read(rr), 34.2, 1e-9);
}

TEST(ReaderPaths, CodingSystemThatIsNotAStringIsAProblem) {
  const std::string obs =
      R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":7,"code":"1975-2"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2024-01-10","valueQuantity":{"value":1.0,"unit":"mg/dL"}})";
  const auto rr = read_fhir_bundle(bundle("p1", obs));
  EXPECT_FALSE(rr.record);
  EXPECT_TRUE(has_problem(rr, "/entry/1/resource/code/coding/0/system", "'system' must be a string"))
      << problems_of(rr);
}

TEST(ReaderPaths, QuantityWithoutValueIsAProblem) {
  const auto rr = read_fhir_bundle(bundle("p1", bilirubin("Patient/p1", R"({"unit":"mg/dL"})")));
  EXPECT_FALSE(rr.record);
  EXPECT_TRUE(has_problem(rr, "/entry/1/resource/valueQuantity/value", "required field 'value' is missing"))
      << problems_of(rr);
}

TEST(ReaderPaths, QuantityValueThatIsNotANumberIsAProblem) {
  const auto rr = read_fhir_bundle(bundle("p1", bilirubin("Patient/p1", R"({"value":"1.0","unit":"mg/dL"})")));
  EXPECT_FALSE(rr.record);
  EXPECT_TRUE(has_problem(rr, "/entry/1/resource/valueQuantity/value", "'value' must be a number")) << problems_of(rr);
}

TEST(ReaderPaths, QuantityUnitThatIsNotAStringIsAProblem) {
  const auto rr = read_fhir_bundle(bundle("p1", bilirubin("Patient/p1", R"({"value":1.0,"unit":5,"code":"mg/dL"})")));
  EXPECT_FALSE(rr.record);
  EXPECT_TRUE(has_problem(rr, "/entry/1/resource/valueQuantity/unit", "'unit' must be a string")) << problems_of(rr);
}

// ---- a unit and its UCUM code ----------------------------------------------------------------

TEST(ReaderPaths, UnitSpelledAsItsCodeIsRead) {
  const auto rr = read_fhir_bundle(bundle("p1", bilirubin("Patient/p1", kMgDl)));
  EXPECT_NEAR(bilirubin_read(rr), 17.1, 1e-9);
}

TEST(ReaderPaths, UnitSpelledOtherwiseWithTheSameFactorIsRead) {
  const auto rr = read_fhir_bundle(bundle(
      "p1",
      bilirubin("Patient/p1", R"({"value":1.0,"unit":"MG/DL","system":"http://unitsofmeasure.org","code":"mg/dL"})")));
  EXPECT_NEAR(bilirubin_read(rr), 17.1, 1e-9);
}

TEST(ReaderPaths, UnitAndCodeOfDifferentFactorsAreAProblem) {
  const auto rr = read_fhir_bundle(bundle(
      "p1",
      bilirubin("Patient/p1", R"({"value":1.0,"unit":"mg/dL","system":"http://unitsofmeasure.org","code":"umol/L"})")));
  EXPECT_FALSE(rr.record);
  EXPECT_TRUE(has_problem(rr, "/entry/1/resource/valueQuantity", "unit 'mg/dL' and UCUM code 'umol/L' disagree"))
      << problems_of(rr);
}

// ---- value[x] and dataAbsentReason ---------------------------------------------------------

TEST(ReaderPaths, ValueWithDataAbsentReasonIsAProblemInEitherOrder) {
  const std::string reason = R"("dataAbsentReason":{"coding":[{"code":"error"}]},)";
  const auto before = read_fhir_bundle(bundle("p1", bilirubin("Patient/p1", kMgDl, reason)));
  EXPECT_TRUE(has_problem(before, "/entry/1/resource/dataAbsentReason", "has both a value (valueQuantity)"))
      << problems_of(before);
  const std::string after_value =
      R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"1975-2"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2024-01-10","valueQuantity":)" +
      kMgDl + R"(,"dataAbsentReason":{"coding":[{"code":"error"}]}})";
  const auto after = read_fhir_bundle(bundle("p1", after_value));
  EXPECT_TRUE(has_problem(after, "/entry/1/resource/dataAbsentReason", "has both a value (valueQuantity)"))
      << problems_of(after);
}

TEST(ReaderPaths, DataAbsentReasonWithoutValueIsSkippedAndCounted) {
  const std::string obs =
      R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"1975-2"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2024-01-10","dataAbsentReason":{"coding":[{"code":"asked-unknown"}]}})";
  const auto rr = read_fhir_bundle(bundle("p1", obs));
  EXPECT_TRUE(rr.problems.empty()) << problems_of(rr);
  EXPECT_EQ(rr.skipped.count("Observation http://loinc.org|1975-2 (no value: dataAbsentReason)"), 1U);
}

TEST(ReaderPaths, ObservationWithoutValueIsNamedByItsCode) {
  const std::string obs =
      R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"1975-2"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2024-01-10"})";
  const auto rr = read_fhir_bundle(bundle("p1", obs));
  EXPECT_TRUE(has_problem(rr, "/entry/1/resource",
                          "Observation http://loinc.org|1975-2 (Bilirubin.total [Mass/volume] in Serum or Plasma) has "
                          "no value; expected valueQuantity"))
      << problems_of(rr);
}

// ---- the status as written ------------------------------------------------------------------

TEST(ReaderPaths, StatusIsCaseSensitive) {
  std::string obs = bilirubin("Patient/p1", kMgDl);
  obs.replace(obs.find("\"final\""), 7, "\"Final\"");
  const auto rr = read_fhir_bundle(bundle("p1", obs));
  EXPECT_FALSE(rr.record);
  EXPECT_TRUE(has_problem(rr, "/entry/1/resource/status", "status 'Final' is not a FHIR R4 Observation status"))
      << problems_of(rr);
}

TEST(ReaderPaths, EnteredInErrorIsSkippedWithItsStatus) {
  std::string obs = bilirubin("Patient/p1", kMgDl);
  obs.replace(obs.find("\"final\""), 7, "\"entered-in-error\"");
  const auto rr = read_fhir_bundle(bundle("p1", obs));
  EXPECT_TRUE(rr.problems.empty()) << problems_of(rr);
  EXPECT_EQ(rr.skipped.count("Observation http://loinc.org|1975-2 (status entered-in-error)"), 1U);
  ASSERT_TRUE(rr.record);
  EXPECT_TRUE(rr.record->labs.bilirubin_umol_per_l.empty());
}

// ---- a resource's (type, id) seen twice --------------------------------------------------------

// A Bundle of a Patient p1 and `resources` (JSON objects, comma-separated).
std::string bundle_of(const std::vector<std::string>& resources) {
  std::string out =
      R"({"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"p1"}})";
  for (const auto& r : resources) out += R"(,{"resource":)" + r + "}";
  return out + "]}";
}

// A bilirubin Observation with id `id` on 2024-01-`day`, `mg` mg/dL.
std::string lab(const std::string& id, int day, double mg) {
  return R"({"resourceType":"Observation","id":")" + id +
         R"(","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"1975-2"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2024-01-)" +
         (day < 10 ? "0" : "") + std::to_string(day) + R"(","valueQuantity":{"value":)" + std::to_string(mg) +
         R"(,"unit":"mg/dL"}})";
}

TEST(ReaderPaths, ManyResourcesWithDistinctIdsAreEachRead) {
  std::vector<std::string> labs;
  for (int day = 1; day <= 28; ++day) labs.push_back(lab("o" + std::to_string(day), day, 1.0));
  const auto rr = read_fhir_bundle(bundle_of(labs));
  ASSERT_TRUE(rr.record) << problems_of(rr);
  EXPECT_EQ(rr.record->labs.bilirubin_umol_per_l.size(), 28U);
}

TEST(ReaderPaths, TheSameResourceTwiceIsReadOnceAmongMany) {
  std::vector<std::string> labs;
  for (int day = 1; day <= 28; ++day) labs.push_back(lab("o" + std::to_string(day), day, 1.0));
  labs.push_back(lab("o17", 17, 1.0));  // identical to the 17th
  const auto rr = read_fhir_bundle(bundle_of(labs));
  ASSERT_TRUE(rr.record) << problems_of(rr);
  EXPECT_EQ(rr.record->labs.bilirubin_umol_per_l.size(), 28U);
  ASSERT_EQ(rr.skipped.count("Observation (the same resource twice, read once)"), 1U);
  EXPECT_EQ(rr.skipped.at("Observation (the same resource twice, read once)"), 1);
}

TEST(ReaderPaths, OneIdWithDifferentContentIsAProblemNamingTheFirst) {
  std::vector<std::string> labs;
  for (int day = 1; day <= 28; ++day) labs.push_back(lab("o" + std::to_string(day), day, 1.0));
  labs.push_back(lab("o17", 17, 2.0));  // entry 29: another value under the id of entry 17
  const auto rr = read_fhir_bundle(bundle_of(labs));
  EXPECT_FALSE(rr.record);
  EXPECT_TRUE(has_problem(rr, "/entry/29/resource",
                          "Observation/o17 appears twice with different content (the other at /entry/17/resource)"))
      << problems_of(rr);
}

TEST(ReaderPaths, OneIdInTwoResourceTypesIsNoRepeat) {
  const std::string procedure =
      R"({"resourceType":"Procedure","id":"x1","status":"completed","code":{"coding":[{"system":"urn:switchpoint:hcc","code":"tace"}]},"subject":{"reference":"Patient/p1"},"performedDateTime":"2024-01-20"})";
  const auto rr = read_fhir_bundle(bundle_of({lab("x1", 3, 1.0), procedure}));
  ASSERT_TRUE(rr.record) << problems_of(rr);
  EXPECT_EQ(rr.record->labs.bilirubin_umol_per_l.size(), 1U);
  EXPECT_EQ(rr.record->tace.size(), 1U);
  EXPECT_EQ(rr.skipped.count("Observation (the same resource twice, read once)"), 0U);
  EXPECT_EQ(rr.skipped.count("Procedure (the same resource twice, read once)"), 0U);
}

}  // namespace
}  // namespace switchpoint
