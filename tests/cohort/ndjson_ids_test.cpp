// Bulk NDJSON patient ids: a FHIR R4 id is 1 to 64 of [A-Za-z0-9-.] (FHIR R4 datatypes, "id").
// A line whose patient id is anything else cannot be linked to a patient: an invalid line, never
// a phantom patient. Both sides of the length limit and of the character set are tested.
#include <gtest/gtest.h>

#include <string>

#include "cohort/cohort.h"
#include "cohort_test_util.h"

namespace switchpoint::cohort {
namespace {

using testing::spit;
using testing::TempDir;

Result run(const TempDir& d, const std::string& id) {
  const std::string f = d.file("Patient.ndjson");
  spit(f, R"({"resourceType":"Patient","id":")" + id + R"(","birthDate":"1950-02-03"})" + "\n");
  Options o;
  o.inputs = {f};
  o.threads = 1;
  o.select_cohort = false;  // a Patient line alone: ids are the matter here, not cohort selection
  return evaluate_cohort(o);
}

TEST(NdjsonIds, FhirIdsAreReadAndOthersAreInvalidLines) {
  TempDir d;
  for (const std::string& ok : {std::string(64, 'a'), std::string("A-z.0-9"), std::string("p")}) {
    const Result r = run(d, ok);
    ASSERT_EQ(r.rows.size(), 1u) << ok;
    EXPECT_EQ(r.rows[0].patient_id, ok);
    EXPECT_TRUE(r.stats.invalid.empty()) << ok;
  }
  for (const std::string& bad : {std::string(65, 'a'), std::string(" p1"), std::string("p1 "), std::string("p_1"),
                                 std::string("p1\\n"), std::string("=p1"), std::string("p\xC3\xA9")}) {
    const Result r = run(d, bad);
    EXPECT_TRUE(r.rows.empty()) << bad;
    ASSERT_EQ(r.stats.invalid.size(), 1u) << bad;
    EXPECT_NE(r.stats.invalid[0].message.find("is not a FHIR id"), std::string::npos) << r.stats.invalid[0].message;
  }
}

}  // namespace
}  // namespace switchpoint::cohort
