// Issue 15, synthetic controls (docs/synth.md "Controls"): cohorts of the control model
// (`synth --switch-hr H`) analysed by the landmark Cox model of cohort/analysis.h across seeds.
// The analysis runs on the model's own refractoriness dates and covariates (truth.csv), so that
// these tests judge the estimator and the design, not the definitions (the referee and the
// pipeline test below cover the rest).
//   H = 1: p < 0.05 for about 5% of the seeds (binomial bounds below).
//   H = 0.6: the 95% confidence interval covers 0.6 for about 95% of the seeds.
#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include "cohort/analysis.h"
#include "synth/synth.h"

namespace switchpoint::cohort {
namespace {

constexpr int kSeeds = 200;
constexpr int kPatients = 400;

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> f;
  std::string cur;
  for (char c : line) {
    if (c == ',') {
      f.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  f.push_back(cur);
  return f;
}

// truth.csv rows → cohort rows refractory under the first definition on the model's date, with
// the model's covariates there (the others constant, so left out of the model).
std::vector<CohortRow> rows_from_truth(const std::string& truth) {
  std::vector<CohortRow> rows;
  std::istringstream in(truth);
  std::string line;
  while (std::getline(in, line)) {
    const auto f = split(line);
    if (f.size() != 12) ADD_FAILURE() << "truth.csv line with " << f.size() << " fields: " << line;
    if (f.size() != 12 || f[1].empty()) continue;
    CohortRow r;
    r.patient_id = f[0];
    r.definitions[0].status = RefractorinessStatus::Refractory;
    r.definitions[0].since = Date::parse(f[1]);
    if (!f[7].empty()) r.systemic_starts.push_back(*Date::parse(f[7]));
    r.died = !f[8].empty();
    r.follow_up_end = Date::parse(*r.died ? f[8] : f[9]);
    Covariates& c = r.covariates_at_since[0];
    c.fill(0.0);
    c[static_cast<std::size_t>(Covariate::ChildPughPoints)] = std::stod(f[2]);
    c[static_cast<std::size_t>(Covariate::Ecog)] = std::stod(f[3]);
    c[static_cast<std::size_t>(Covariate::VascularInvasion)] = std::stod(f[4]);
    c[static_cast<std::size_t>(Covariate::ExtrahepaticSpread)] = std::stod(f[5]);
    rows.push_back(std::move(r));
  }
  return rows;
}

Comparison analyse(double hr, std::uint64_t seed) {
  synth::Options o;
  o.patients = kPatients;
  o.seed = seed;
  o.switch_hr = hr;
  std::string truth;
  synth::summarize_cohort(o, &truth);
  return compare_switch_continue(rows_from_truth(truth), {})[0];
}

TEST(AnalysisControls, TruthRowsCarryTheModelsCovariates) {
  const Comparison c = analyse(1.0, 1);
  ASSERT_TRUE(c.hr) << c.problem;
  EXPECT_GT(c.n_switch, 50);
  EXPECT_GT(c.n_continue, 50);
  EXPECT_EQ(c.adjusted_for,
            (std::vector<std::string>{"child_pugh_points", "ecog", "vascular_invasion", "extrahepatic_spread"}));
}

// With no effect of switching, a test at 5% rejects for about 5% of the seeds. X ~ Bin(200, 0.05):
// P(X ≤ 2) = 0.0023 and P(X ≥ 20) = 0.0027, so a correct analysis fails this test rarely.
// Switching goes with fitness (Child-Pugh ≤ 6 and ECOG ≤ 1), and ECOG sets the hazard of death:
// an analysis that did not adjust for it would reject far more often.
TEST(AnalysisControls, NoEffectRejectsAtTheNominalRate) {
  const auto t0 = std::chrono::steady_clock::now();
  int rejected = 0, estimated = 0;
  for (int s = 1; s <= kSeeds; ++s) {
    const Comparison c = analyse(1.0, static_cast<std::uint64_t>(s));
    if (!c.p) continue;
    ++estimated;
    if (*c.p < 0.05) ++rejected;
  }
  EXPECT_EQ(estimated, kSeeds);
  EXPECT_GE(rejected, 3);
  EXPECT_LE(rejected, 19);
  RecordProperty("rejected", rejected);
  std::printf("[controls] H = 1: p < 0.05 for %d of %d seeds (%.1f s)\n", rejected, estimated,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}

// H = 0.6: the 95% CI covers 0.6 for about 95% of the seeds. X ~ Bin(200, 0.95): P(X ≤ 180) =
// 0.0027 (and ≥ 199 is as unlikely, P = 0.00040: intervals too wide fail too).
TEST(AnalysisControls, TrueHazardRatioIsCoveredAtTheNominalRate) {
  const auto t0 = std::chrono::steady_clock::now();
  int covered = 0, estimated = 0;
  double sum_log_hr = 0;
  for (int s = 1; s <= kSeeds; ++s) {
    const Comparison c = analyse(0.6, static_cast<std::uint64_t>(1000 + s));
    if (!c.hr) continue;
    ++estimated;
    sum_log_hr += std::log(*c.hr);
    if (*c.ci_low <= 0.6 && 0.6 <= *c.ci_high) ++covered;
  }
  EXPECT_EQ(estimated, kSeeds);
  EXPECT_GE(covered, 181);
  EXPECT_LE(covered, 198);
  // No systematic bias: the geometric mean of the estimates is near 0.6.
  const double mean_hr = std::exp(sum_log_hr / estimated);
  EXPECT_NEAR(mean_hr, 0.6, 0.04);
  std::printf("[controls] H = 0.6: the 95%% CI covers 0.6 for %d of %d seeds; geometric mean HR %.3f (%.1f s)\n",
              covered, estimated, mean_hr,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}

}  // namespace
}  // namespace switchpoint::cohort
