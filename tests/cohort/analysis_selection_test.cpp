// Who enters the landmark comparison (cohort/analysis.h, docs/cohort.md "Comparing switch with
// continue"): each exclusion and each boundary on both sides.
#include <gtest/gtest.h>

#include <map>

#include "cohort/analysis.h"
#include "cohort_test_util.h"
#include "synth/synth.h"

namespace switchpoint::cohort {
namespace {

Date d(const char* iso) { return *Date::parse(iso); }

// Refractory under the first definition on 2020-01-01 with every covariate, followed to `end`.
CohortRow row(std::string id, const char* end, bool died, std::vector<Date> systemic = {}) {
  CohortRow r;
  r.patient_id = std::move(id);
  r.definitions[0].status = RefractorinessStatus::Refractory;
  r.definitions[0].since = d("2020-01-01");
  r.died = died;
  r.follow_up_end = d(end);
  r.systemic_starts = std::move(systemic);
  auto& c = r.covariates_at_since[0];
  for (std::size_t j = 0; j < c.size(); ++j) c[j] = static_cast<double>(r.patient_id.size() % 3 + j);
  return r;
}

// A continued patient who switches after the landmark is followed until the switch and censored
// there (per protocol, docs/cohort.md); a death on the day of the switch is still a death on
// continued TACE; a switch on the landmark day makes the patient switched, not censored; with the
// option off (classical landmark) the later switcher is followed to the end as continued.
TEST(AnalysisSelection, ContinuedPatientIsCensoredAtALaterSwitch) {
  std::vector<CohortRow> rows;
  // The landmark is 2020-03-31 (since + 90 days).
  rows.push_back(row("switch-day-91", "2021-01-01", true, {d("2020-04-01")}));        // censored on day 1
  rows.push_back(row("switch-day-200", "2021-01-01", true, {d("2020-07-19")}));       // censored on day 110
  rows.push_back(row("switch-on-death-day", "2020-07-19", true, {d("2020-07-19")}));  // death kept
  rows.push_back(row("switch-on-landmark", "2021-01-01", true, {d("2020-03-31")}));   // switched
  rows.push_back(row("never-switched", "2021-01-01", true));                          // continued to the end
  const Comparison c = compare_switch_continue(rows, {90})[0];
  EXPECT_EQ(c.censored_at_later_switch, 2);
  EXPECT_EQ(c.n_switch, 1);
  EXPECT_EQ(c.n_continue, 4);
  EXPECT_EQ(c.events_continue, 2);  // switch-on-death-day and never-switched
  std::map<std::string, AnalysisLine> by_id;
  for (const auto& l : c.landmark) by_id[l.patient_id] = l;
  EXPECT_DOUBLE_EQ(by_id.at("switch-day-91").tstop, 1);
  EXPECT_FALSE(by_id.at("switch-day-91").died);
  EXPECT_DOUBLE_EQ(by_id.at("switch-day-200").tstop, 110);
  EXPECT_FALSE(by_id.at("switch-day-200").died);
  EXPECT_FALSE(by_id.at("switch-day-200").switched);
  EXPECT_DOUBLE_EQ(by_id.at("switch-on-death-day").tstop, 110);
  EXPECT_TRUE(by_id.at("switch-on-death-day").died);
  EXPECT_TRUE(by_id.at("switch-on-landmark").switched);
  EXPECT_TRUE(by_id.at("switch-on-landmark").died);
  EXPECT_DOUBLE_EQ(by_id.at("never-switched").tstop, days_between(d("2020-03-31"), d("2021-01-01")));
  EXPECT_NE(analysis_json({c}).find("\"continued_censored_at_later_switch\": 2,"), std::string::npos);
  EXPECT_NE(analysis_json({c}).find("\"later_switch\": \"a continued patient who switches after the landmark is "
                                    "censored at the switch (per protocol"),
            std::string::npos);

  const Comparison classical = compare_switch_continue(rows, {90, false})[0];
  EXPECT_EQ(classical.censored_at_later_switch, 0);
  EXPECT_EQ(classical.events_continue, 4);
  EXPECT_NE(analysis_json({classical}).find("stays continued (as assigned)"), std::string::npos);
  for (const auto& l : classical.landmark)
    if (l.patient_id == "switch-day-200") {
      EXPECT_DOUBLE_EQ(l.tstop, days_between(d("2020-03-31"), d("2021-01-01")));
      EXPECT_TRUE(l.died);
    }
}

TEST(AnalysisSelection, LandmarkBoundariesAndExclusions) {
  std::vector<CohortRow> rows;
  // The landmark is 2020-03-31 (since + 90 days).
  rows.push_back(row("switched-on-landmark", "2021-01-01", true, {d("2020-03-31")}));     // day 90: switched
  rows.push_back(row("switched-after-landmark", "2021-01-01", true, {d("2020-04-01")}));  // day 91: continued
  rows.push_back(row("switched-on-since", "2021-01-01", false, {d("2020-01-01")}));       // day 0: switched
  rows.push_back(row("systemic-before", "2021-01-01", true, {d("2019-12-31")}));          // left out
  rows.push_back(row("ends-on-landmark", "2020-03-31", true));                            // left out
  rows.push_back(row("ends-day-after", "2020-04-01", true));                              // in, 1 day
  CohortRow no_outcome = row("no-outcome", "2021-01-01", false);
  no_outcome.died.reset();
  rows.push_back(no_outcome);
  CohortRow missing = row("missing-ecog", "2021-01-01", true);
  missing.covariates_at_since[0][static_cast<std::size_t>(Covariate::Ecog)].reset();
  rows.push_back(missing);
  CohortRow not_refractory = row("not-refractory", "2021-01-01", true);
  not_refractory.definitions[0].status = RefractorinessStatus::NotRefractory;
  rows.push_back(not_refractory);

  const Comparison c = compare_switch_continue(rows, {90})[0];
  EXPECT_EQ(c.refractory, 8);
  EXPECT_EQ(c.no_outcome, 1);
  EXPECT_EQ(c.systemic_before, 1);
  EXPECT_EQ(c.ended_before_landmark, 1);
  EXPECT_EQ(c.missing_covariates, 1);
  EXPECT_EQ(c.n_switch, 2);
  EXPECT_EQ(c.n_continue, 2);
  std::map<std::string, AnalysisLine> by_id;
  for (const auto& l : c.landmark) by_id[l.patient_id] = l;
  EXPECT_TRUE(by_id.at("switched-on-landmark").switched);
  EXPECT_FALSE(by_id.at("switched-after-landmark").switched);
  EXPECT_TRUE(by_id.at("switched-on-since").switched);
  EXPECT_DOUBLE_EQ(by_id.at("ends-day-after").tstop, 1);
  EXPECT_DOUBLE_EQ(by_id.at("switched-on-landmark").tstop, days_between(d("2020-03-31"), d("2021-01-01")));
  EXPECT_TRUE(c.not_in_data.empty());

  // Time-varying: the late switcher is continued for 91 days, then switched; the day-0 switcher is
  // switched throughout; the one who ended on the landmark day is in (no landmark there).
  int late = 0;
  for (const auto& l : c.time_varying)
    if (l.patient_id == "switched-after-landmark") {
      ++late;
      if (l.switched) {
        EXPECT_DOUBLE_EQ(l.tstart, 91);
      } else {
        EXPECT_DOUBLE_EQ(l.tstop, 91);
      }
    }
  EXPECT_EQ(late, 2);
  EXPECT_EQ(c.tv_patients, 5);  // all but no-outcome, systemic-before and missing-ecog

  // A different landmark moves the boundary: at 91 days the day-91 switcher is switched.
  const Comparison c91 = compare_switch_continue(rows, {91})[0];
  for (const auto& l : c91.landmark)
    if (l.patient_id == "switched-after-landmark") {
      EXPECT_TRUE(l.switched);
    }
}

// A covariate no refractory patient has is not in the data: not adjusted for, nobody left out for it.
TEST(AnalysisSelection, CovariateAbsentForEveryoneIsNotInTheData) {
  std::vector<CohortRow> rows;
  for (int k = 0; k < 6; ++k) {
    CohortRow r = row("p" + std::to_string(k), k % 2 ? "2021-01-01" : "2020-09-01", true,
                      k < 3 ? std::vector<Date>{d("2020-02-01")} : std::vector<Date>{});
    r.covariates_at_since[0][static_cast<std::size_t>(Covariate::Ecog)].reset();
    rows.push_back(r);
  }
  const Comparison c = compare_switch_continue(rows, {})[0];
  EXPECT_EQ(c.missing_covariates, 0);
  EXPECT_EQ(c.not_in_data, std::vector<std::string>{"ecog"});
  for (const auto& n : c.adjusted_for) EXPECT_NE(n, "ecog");
}

TEST(AnalysisSelection, NoEstimateIsSaidNotGuessed) {
  std::vector<CohortRow> rows{row("a", "2021-01-01", true), row("b", "2021-02-01", true)};
  const Comparison c = compare_switch_continue(rows, {})[0];
  EXPECT_FALSE(c.hr);
  EXPECT_NE(c.problem.find("had switched"), std::string::npos) << c.problem;
  const std::string json = analysis_json({c});
  EXPECT_NE(json.find("\"hr\": null, \"ci95\": null, \"p\": null"), std::string::npos) << json;
  EXPECT_NE(json.find("\"method\": \"landmark-cox\", \"landmark_days\": 90"), std::string::npos);
}

}  // namespace
}  // namespace switchpoint::cohort

namespace switchpoint::cohort {
namespace {

// Through the whole pipeline (FHIR NDJSON → engine → since dates → covariates read from the
// record): a strong effect of switching (true HR 0.3) is found under every definition, adjusted
// for all eight covariates, which FHIR input carries. docs/cohort.md gives the bias of this path.
TEST(AnalysisPipeline, StrongEffectFoundUnderEveryDefinitionWithEveryCovariate) {
  testing::TempDir dir("analysis");
  synth::Options so;
  so.patients = 300;
  so.seed = 5;
  so.switch_hr = 0.3;
  synth::write_cohort(so, dir.path(), false);
  Options o;
  o.inputs = {dir.path()};
  o.threads = 2;
  const Result res = evaluate_cohort(o);
  const auto comparisons = compare_switch_continue(res.rows, {});
  ASSERT_EQ(comparisons.size(), kDefinitions.size());
  const std::vector<std::string> all(kCovariateNames.begin(), kCovariateNames.end());
  for (const auto& c : comparisons) {
    SCOPED_TRACE(c.definition);
    ASSERT_TRUE(c.hr) << c.problem;
    EXPECT_EQ(c.adjusted_for, all);
    EXPECT_LT(*c.ci_high, 1.0);
    EXPECT_LT(*c.p, 0.05);
    ASSERT_TRUE(c.tv_hr) << c.tv_problem;
    EXPECT_LT(*c.tv_hr, 1.0);
  }
}

}  // namespace
}  // namespace switchpoint::cohort
