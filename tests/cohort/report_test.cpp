// The cohort report: self-contained, deterministic, with each section; rows as CSV and NDJSON.
#include "cohort/report.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include "cohort_test_util.h"
#include "synth/synth.h"

namespace switchpoint::cohort {
namespace {

using testing::TempDir;

TEST(CohortReport, SelfContainedWithEverySection) {
  TempDir d;
  synth::Options so;
  so.patients = 60;
  so.seed = 21;
  synth::write_cohort(so, d.path(), false);
  Options o;
  o.inputs = {d.path()};
  const Result res = evaluate_cohort(o);
  ASSERT_TRUE(res.has_outcomes);  // synthetic patients who died carry deceasedDateTime
  const std::string html = cohort_report_html(res);
  for (const char* part :
       {"Status per definition", "Agreement between definitions", "Disagreements, most first",
        "Time from the first TACE to refractoriness", "<svg", "numbers at risk", "Overall survival from refractoriness",
        "log-rank", "Method and biases", "Immortal-time bias", "Confounding by indication", "Synthetic cohorts"})
    EXPECT_NE(html.find(part), std::string::npos) << part;
  for (const char* banned : {"<script", "<link", " src=", "url(", "@import"})
    EXPECT_EQ(html.find(banned), std::string::npos) << banned;
  EXPECT_EQ(html, cohort_report_html(res));
}

TEST(CohortRows, CsvHasOneRowPerPatientAndNdjsonParses) {
  TempDir d;
  synth::Options so;
  so.patients = 6;
  synth::write_cohort(so, d.path(), false);
  Options o;
  o.inputs = {d.path()};
  const Result res = evaluate_cohort(o);
  const std::string csv = rows_to_csv(res.rows);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 7);
  EXPECT_EQ(csv.rfind("patient_id,input,problems,first_problem,as_of,tace_sessions,first_tace,raoul_2011_status,"
                      "raoul_2011_since,",
                      0),
            0u);
  const std::string nd = rows_to_ndjson(res.rows);
  simdjson::dom::parser parser;
  std::size_t n = 0;
  const simdjson::padded_string padded(nd);
  for (auto doc : parser.parse_many(padded)) {
    simdjson::dom::object obj;
    ASSERT_EQ(doc.get(obj), simdjson::SUCCESS);
    std::string_view status;
    EXPECT_EQ(obj["refractoriness"]["easl-2018"]["status"].get(status), simdjson::SUCCESS);
    ++n;
  }
  EXPECT_EQ(n, 6u);
}

}  // namespace
}  // namespace switchpoint::cohort
