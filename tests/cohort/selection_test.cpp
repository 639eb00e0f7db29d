// Issue 15 item 7, whole-population exports: only patients with an HCC diagnosis, a TACE or an HCC
// systemic therapy are in the cohort; everyone else is listed as not in the cohort and never
// evaluated, and their lines are never kept (pass 0 finds the cohort, pass 1 keeps its lines).
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>

#include "cli/commands.h"
#include "cohort/cohort.h"
#include "cohort/report.h"
#include "cohort/row.h"
#include "cohort_test_util.h"
#include "synth/synth.h"

namespace switchpoint::cohort {
namespace {

using testing::slurp;
using testing::spit;
using testing::TempDir;

std::string patient(const std::string& id) {
  return R"({"resourceType":"Patient","id":")" + id + R"(","birthDate":"1950-02-03"})" + "\n";
}
std::string albumin(const std::string& id, const std::string& date) {
  return R"({"resourceType":"Observation","id":")" + id + date +
         R"(","status":"final","subject":{"reference":"Patient/)" + id +
         R"("},"code":{"coding":[{"system":"http://loinc.org","code":"1751-7"}]},"effectiveDateTime":")" + date +
         R"(","valueQuantity":{"value":40,"unit":"g/L","system":"http://unitsofmeasure.org","code":"g/L"}})" + "\n";
}
std::string condition(const std::string& id, const std::string& system, const std::string& code) {
  return R"({"resourceType":"Condition","id":")" + id + "-" + code +
         R"(","clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},"code":{"coding":[{"system":")" +
         system + R"(","code":")" + code + R"("}]},"subject":{"reference":"Patient/)" + id +
         R"("},"onsetDateTime":"2023-01-01"})" + "\n";
}
std::string tace(const std::string& id) {
  return R"({"resourceType":"Procedure","id":")" + id + R"(-t","status":"completed","subject":{"reference":"Patient/)" +
         id +
         R"("},"code":{"coding":[{"system":"urn:switchpoint:hcc","code":"tace"}]},"performedDateTime":"2024-01-01"})" +
         "\n";
}
std::string sorafenib(const std::string& id) {
  return R"({"resourceType":"MedicationStatement","id":")" + id +
         R"(-m","status":"active","medicationCodeableConcept":{"coding":[{"system":"urn:switchpoint:hcc","code":"sorafenib"}]},"subject":{"reference":"Patient/)" +
         id + R"("},"effectiveDateTime":"2024-02-01"})" + "\n";
}

TEST(CohortSelection, EachWayInAndEachWayOut) {
  TempDir d;
  std::string lines;
  // In: an HCC diagnosis (ICD-10 C22.0) alone; a TACE alone; a systemic therapy alone.
  lines +=
      patient("in-dx") + albumin("in-dx", "2024-01-02") + condition("in-dx", "http://hl7.org/fhir/sid/icd-10", "C22.0");
  lines += patient("in-tace") + albumin("in-tace", "2024-01-02") + tace("in-tace");
  // An HCC diagnosis without an onset date (the record keeps dated diagnoses only) is still one.
  std::string undated = condition("in-undated", "http://snomed.info/sct", "109841003");
  undated.replace(undated.find(",\"onsetDateTime\":\"2023-01-01\""), 29, "");
  lines += patient("in-undated") + albumin("in-undated", "2024-01-02") + undated;
  lines += patient("in-sys") + albumin("in-sys", "2024-01-02") + sorafenib("in-sys");
  // Out: labs only; a Condition that is not HCC (chronic hepatitis B, B18.1): a candidate of pass 0
  // that its record then leaves out.
  lines += patient("out-labs") + albumin("out-labs", "2024-01-02") + albumin("out-labs", "2024-03-02");
  lines += patient("out-hbv") + albumin("out-hbv", "2024-01-02") +
           condition("out-hbv", "http://hl7.org/fhir/sid/icd-10", "B18.1");
  spit(d.file("export.ndjson"), lines);
  Options o;
  o.inputs = {d.file("export.ndjson")};
  o.threads = 2;
  const Result r = evaluate_cohort(o);
  std::vector<std::string> ids;
  for (const auto& row : r.rows) ids.push_back(row.patient_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"in-dx", "in-sys", "in-tace", "in-undated"}));
  EXPECT_EQ(r.stats.not_in_cohort, (std::vector<std::string>{"out-hbv", "out-labs"}));
  EXPECT_TRUE(r.stats.selected);
  EXPECT_EQ(r.stats.export_patients, 6u);
  EXPECT_EQ(r.stats.patients, 4u);
  EXPECT_EQ(r.stats.with_hcc_diagnosis, 2u);
  EXPECT_EQ(r.stats.with_tace, 1u);
  EXPECT_EQ(r.stats.with_systemic, 1u);
  // Lines never kept: the labs-only person's 3, and out-hbv's Patient and albumin (B18.1 is skipped on its
  // code, so out-hbv is not even a candidate; the skipped line is counted as skipped, as before).
  EXPECT_EQ(r.stats.lines_not_in_cohort, 5u);
  EXPECT_TRUE(r.stats.invalid.empty());
  EXPECT_NE(cohort_report_html(r).find("6 patients in the export; 4 in the cohort"), std::string::npos);

  // --all-patients: everyone evaluated, as before.
  o.select_cohort = false;
  const Result all = evaluate_cohort(o);
  EXPECT_EQ(all.rows.size(), 6u);
  EXPECT_FALSE(all.stats.selected);
  EXPECT_TRUE(all.stats.not_in_cohort.empty());
}

TEST(CohortSelection, AddingPeopleWithLabsOnlyChangesNoRowOfTheCohort) {
  TempDir a("-alone"), b("-mixed");
  synth::Options so;
  so.patients = 12;
  so.seed = 4;
  synth::write_cohort(so, a.path(), false);
  synth::write_cohort(so, b.path(), false);
  std::string people;
  for (int k = 0; k < 200; ++k) {
    const std::string id = "pop" + std::to_string(k);
    people += patient(id) + albumin(id, "2024-01-02") + albumin(id, "2024-02-02");
  }
  spit(b.file("Population.ndjson"), people);
  Options o;
  o.threads = 2;
  o.inputs = {a.path()};
  const Result alone = evaluate_cohort(o);
  o.inputs = {b.path()};
  const Result mixed = evaluate_cohort(o);
  EXPECT_EQ(rows_to_csv(mixed.rows), rows_to_csv(alone.rows));
  EXPECT_EQ(mixed.stats.not_in_cohort.size(), 200u);
  EXPECT_EQ(mixed.stats.export_patients, alone.stats.export_patients + 200u);
  EXPECT_EQ(mixed.stats.lines_kept, alone.stats.lines_kept);  // memory grows with the cohort only
  EXPECT_EQ(mixed.stats.bytes_kept, alone.stats.bytes_kept);
}

TEST(CohortSelection, CommandPrintsInclusionAndListsTheRest) {
  TempDir d;
  spit(d.file("export.ndjson"), patient("in-tace") + tace("in-tace") + patient("out") + albumin("out", "2024-01-02"));
  const std::string in = d.file("export.ndjson"), o = d.file("rows.csv"), ex = d.file("excluded.csv");
  const char* argv[] = {"switchpoint", "cohort", in.c_str(), "-o", o.c_str(), "--excluded", ex.c_str()};
  std::ostringstream out, err;
  ASSERT_EQ(run_cli(7, argv, out, err), 0) << err.str();
  EXPECT_NE(out.str().find("2 patients in the export; 1 in the cohort"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("1 not in the cohort, not evaluated"), std::string::npos) << out.str();
  EXPECT_EQ(slurp(ex),
            "patient_id,reason\nout,\"no HCC diagnosis, TACE or HCC systemic therapy in the export: not evaluated\"\n");
  const std::string rows = slurp(o);
  EXPECT_EQ(std::count(rows.begin(), rows.end(), '\n'), 2);
}

}  // namespace
}  // namespace switchpoint::cohort
