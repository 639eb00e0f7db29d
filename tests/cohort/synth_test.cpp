// switchpoint synth: the same seed gives byte-identical files; the course is calibrated to the
// published figures; the engine reads back what the model wrote.
#include "synth/synth.h"

#include <gtest/gtest.h>

#include "cohort/ndjson_input.h"
#include "cohort_test_util.h"
#include "core/engine.h"
#include "core/refractoriness/tace_history.h"

namespace switchpoint::cohort {
namespace {

using testing::slurp;
using testing::TempDir;

constexpr const char* kFiles[] = {"Patient", "Observation", "Procedure", "MedicationStatement", "Condition"};

TEST(Synth, SameSeedGivesByteIdenticalFiles) {
  TempDir a("a"), b("b"), c("c");
  synth::Options o;
  o.patients = 40;
  o.seed = 7;
  synth::write_cohort(o, a.path(), false);
  synth::write_cohort(o, b.path(), false);
  o.seed = 8;
  synth::write_cohort(o, c.path(), false);
  for (const char* f : kFiles) {
    const std::string name = std::string(f) + ".ndjson";
    const std::string x = slurp(a.file(name));
    EXPECT_FALSE(x.empty()) << name;
    EXPECT_EQ(x, slurp(b.file(name))) << name;
  }
  EXPECT_NE(slurp(a.file("Observation.ndjson")), slurp(c.file("Observation.ndjson")));
}

TEST(Synth, GzipFilesAreDeterministicToo) {
  TempDir a("a"), b("b");
  synth::Options o;
  o.patients = 10;
  synth::write_cohort(o, a.path(), true);
  synth::write_cohort(o, b.path(), true);
  for (const char* f : kFiles) {
    const std::string name = std::string(f) + ".ndjson.gz";
    EXPECT_EQ(slurp(a.file(name)), slurp(b.file(name))) << name;
  }
}

TEST(Synth, APatientsCourseDoesNotDependOnTheCohortSize) {
  synth::Options small, large;
  small.patients = 3;
  large.patients = 9;
  synth::Ndjson a, b;
  synth::generate_cohort(small, a);
  synth::generate_cohort(large, b);
  EXPECT_EQ(b.procedure.substr(0, a.procedure.size()), a.procedure);
}

TEST(Synth, InMemoryAndFilesAgree) {
  TempDir d;
  synth::Options o;
  o.patients = 5;
  synth::Ndjson mem;
  const auto s1 = synth::generate_cohort(o, mem);
  const auto s2 = synth::write_cohort(o, d.path(), false);
  EXPECT_EQ(mem.observation, slurp(d.file("Observation.ndjson")));
  EXPECT_EQ(s1.lines_observation, s2.lines_observation);
  const auto dry = synth::summarize_cohort(o);
  EXPECT_EQ(dry.lines_observation, s1.lines_observation);
  EXPECT_EQ(dry.assessed, s1.assessed);
  EXPECT_EQ(dry.died, s1.died);
}

// OPTIMIS: objective response 40%, 26%, 24%, 25% on the assessments of sessions 1–4; 20–25%
// Child-Pugh B or C by refractoriness; about half the observations unrelated to HCC.
TEST(Synth, CalibratedToThePublishedFigures) {
  synth::Options o;
  o.patients = 4000;
  o.seed = 2024;
  const synth::Summary s = synth::summarize_cohort(o);
  const double expected[] = {40, 26, 24, 25};
  for (std::size_t k = 0; k < 4; ++k) {
    ASSERT_GT(s.assessed[k], 1000) << "session " << k + 1;
    const double rate = 100.0 * static_cast<double>(s.responded[k]) / static_cast<double>(s.assessed[k]);
    EXPECT_NEAR(rate, expected[k], k < 3 ? 3.0 : 4.0) << "session " << k + 1;
  }
  const double cp_bc = 100.0 * s.refractory_child_pugh_b_or_c / s.refractory;
  EXPECT_GE(cp_bc, 18.0);
  EXPECT_LE(cp_bc, 27.0);
  const double unrelated =
      100.0 * static_cast<double>(s.lines_unrelated_observation) / static_cast<double>(s.lines_observation);
  EXPECT_NEAR(unrelated, 50.0, 5.0);
  EXPECT_GT(s.switched, 0);
  EXPECT_GT(s.continued_tace, 0);
  EXPECT_GT(s.new_vascular_invasion, 0);
  EXPECT_GT(s.new_extrahepatic_spread, 0);
}

// The engine reads, from the written files, exactly the per-session responses the model drew:
// the calibration holds for what the engine sees, not only for the model.
TEST(Synth, TheEngineSeesTheModelsResponses) {
  TempDir d;
  synth::Options o;
  o.patients = 150;
  o.seed = 99;
  const synth::Summary truth = synth::write_cohort(o, d.path(), false);
  Stats stats;
  Options copts;
  Progress progress(false);
  std::vector<std::string> files;
  for (const char* f : kFiles) files.push_back(d.file(std::string(f) + ".ndjson"));
  const NdjsonPatients in = scan_ndjson(files, copts, 1, stats, progress);
  ASSERT_EQ(in.patients.size(), 150u);
  EXPECT_TRUE(stats.invalid.empty());
  std::array<long, 8> assessed{}, responded{};
  simdjson::dom::parser parser;
  for (std::size_t i = 0; i < in.patients.size(); ++i) {
    const NdjsonPatient p = read_ndjson_patient(in, i, parser);
    ASSERT_TRUE(p.rr.ok()) << in.patients[i].first << ": " << (p.rr.problems.empty() ? "" : p.rr.problems[0].message);
    const PatientRecord& r = *p.rr.record;
    const Date as_of = *default_as_of(r);
    const TaceHistory h = build_tace_history(r.as_of(as_of), as_of);
    for (const auto& a : h.sessions) {
      if (!a.objective_response_known()) continue;
      const std::size_t k = std::min<std::size_t>(a.session_index, 7);
      ++assessed[k];
      if (a.objective_response()) ++responded[k];
    }
  }
  EXPECT_EQ(assessed, truth.assessed);
  EXPECT_EQ(responded, truth.responded);
}

}  // namespace
}  // namespace switchpoint::cohort
