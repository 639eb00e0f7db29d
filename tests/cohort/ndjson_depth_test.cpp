// A patient's NDJSON lines are read as one JSON array of them (cohort/ndjson_input.h), one level
// deeper than each line: a line nested as deep as the parser allows (simdjson's maximum depth,
// which the scan accepts) must be read all the same, line by line, with every problem at the same
// place "file:line#/pointer" as for a patient whose lines fit in the array. One level deeper is an
// invalid line at the scan (both sides of the limit).
#include <gtest/gtest.h>

#include <simdjson.h>

#include <string>

#include "cohort/cohort.h"
#include "cohort_test_util.h"

namespace switchpoint::cohort {
namespace {

using testing::spit;
using testing::TempDir;

// A Patient line whose member "x" holds arrays nested so that the line is `depth` deep (the
// Patient object itself is the first level).
std::string patient(const std::string& id, std::size_t depth) {
  const std::size_t arrays = depth - 1;
  return R"({"resourceType":"Patient","id":")" + id + R"(","birthDate":"1950-02-03","x":)" + std::string(arrays, '[') +
         std::string(arrays, ']') + "}\n";
}

// An Observation of the patient naming "status" twice: a problem of the patient, at its line.
std::string repeated_status(const std::string& id) {
  return R"({"resourceType":"Observation","status":"final","status":"final","code":{"coding":[{"system":)"
         R"("http://loinc.org","code":"1975-2"}]},"subject":{"reference":"Patient/)" +
         id + R"("},"effectiveDateTime":"2020-01-02","valueQuantity":{"value":1.1,"unit":"mg/dL"}})" + "\n";
}

TEST(NdjsonDepth, ALineAsDeepAsTheParserAllowsIsReadWithItsProblemsInPlace) {
  constexpr std::size_t kMax = simdjson::DEFAULT_MAX_DEPTH;
  TempDir d;
  const std::string patients = d.file("Patient.ndjson");
  const std::string observations = d.file("Observation.ndjson");
  spit(patients, patient("deep", kMax) + patient("deeper", kMax + 1) + patient("shallow", 3));
  spit(observations, repeated_status("deep") + repeated_status("shallow"));
  Options o;
  o.inputs = {patients, observations};
  o.threads = 1;
  o.select_cohort = false;
  const Result r = evaluate_cohort(o);

  // One level beyond the parser's depth: an invalid line (the second Patient line), not a patient.
  // Each patient's problem is listed too, at its line.
  const std::string message =
      "/status: 'status' appears more than once in this object; which one is meant cannot be told (each member "
      "name once)";
  ASSERT_EQ(r.stats.invalid.size(), 3u);
  int too_deep = 0, repeated = 0;
  for (const auto& l : r.stats.invalid) {
    if (l.file == patients) {
      ++too_deep;
      EXPECT_EQ(l.line, 2);
      EXPECT_NE(l.message.find("too deep"), std::string::npos) << l.message;
    } else {
      ++repeated;
      EXPECT_EQ(l.file, observations);
      EXPECT_EQ(l.line, repeated);
      EXPECT_EQ(l.message, message);
    }
  }
  EXPECT_EQ(too_deep, 1);
  EXPECT_EQ(repeated, 2);

  ASSERT_EQ(r.rows.size(), 2u);
  const std::string problem =
      "#/status: 'status' appears more than once in this object; which one is meant cannot be told (each member "
      "name once)";
  EXPECT_EQ(r.rows[0].patient_id, "deep");
  EXPECT_EQ(r.rows[0].problems, 1);
  EXPECT_EQ(r.rows[0].first_problem, observations + ":1" + problem);
  EXPECT_EQ(r.rows[1].patient_id, "shallow");
  EXPECT_EQ(r.rows[1].problems, 1);
  EXPECT_EQ(r.rows[1].first_problem, observations + ":2" + problem);
}

TEST(NdjsonDepth, ADeepPatientWithoutProblemsIsEvaluatedAsAShallowOne) {
  constexpr std::size_t kMax = simdjson::DEFAULT_MAX_DEPTH;
  TempDir d;
  const std::string patients = d.file("Patient.ndjson");
  spit(patients, patient("deep", kMax) + patient("shallow", 2));
  Options o;
  o.inputs = {patients};
  o.threads = 1;
  o.select_cohort = false;
  const Result r = evaluate_cohort(o);
  EXPECT_TRUE(r.stats.invalid.empty());
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].patient_id, "deep");
  EXPECT_EQ(r.rows[1].patient_id, "shallow");
  for (const auto& row : r.rows) {
    EXPECT_EQ(row.problems, 0) << row.patient_id << ": " << row.first_problem;
    EXPECT_EQ(row.input, r.rows[1].input) << row.patient_id;
  }
}

}  // namespace
}  // namespace switchpoint::cohort
