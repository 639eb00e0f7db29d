// Issue 16: evaluate() with Detail::Verdicts (what `switchpoint cohort` asks for) builds no
// explanation, and every field a verdict is made of (core/engine.h EvaluateOptions) is the one
// Detail::Full gives. Compared field by field on every golden record and example, at its default
// as-of date and at each of its imaging dates, and on a synthetic cohort, so the two modes cannot drift.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "core/engine.h"
#include "core/response/mrecist.h"
#include "core/scores/child_pugh_once.h"
#include "readers/read_any.h"
#include "synth/synth.h"

namespace switchpoint {
namespace {

namespace fs = std::filesystem;

struct Case {
  std::string name;
  PatientRecord record;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<Case> golden_cases() {
  std::vector<fs::path> files;
  for (const char* dir : {"tests/golden/records", "examples", "examples/fhir", "examples/fhir/twins"})
    for (const auto& e : fs::directory_iterator(fs::path(SWITCHPOINT_SOURCE_DIR) / dir))
      if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<Case> out;
  for (const auto& f : files) {
    ReadResult rr = read_record(slurp(f));
    if (rr.ok()) out.push_back({f.filename().string(), std::move(*rr.record)});
  }
  return out;
}

// One synthetic patient's NDJSON lines as the entries of a collection Bundle (as engine_bench reads them).
std::string bundle_of(const synth::Ndjson& p) {
  std::string out = R"({"resourceType":"Bundle","type":"collection","entry":[)";
  bool first = true;
  for (const std::string* file : {&p.patient, &p.condition, &p.observation, &p.procedure, &p.medication}) {
    std::istringstream lines(*file);
    for (std::string line; std::getline(lines, line);) {
      if (line.empty()) continue;
      out += first ? R"({"resource":)" : R"(,{"resource":)";
      out += line;
      out += '}';
      first = false;
    }
  }
  return out + "]}";
}

std::vector<Case> synthetic_cases(int patients) {
  synth::Options o;
  o.patients = patients;
  o.seed = 16;
  std::vector<Case> out;
  for (int i = 0; i < patients; ++i) {
    synth::Ndjson p;
    synth::Summary s;
    synth::generate_patient(o, i, p, s);
    ReadResult rr = read_record(bundle_of(p));
    if (rr.ok()) out.push_back({"synthetic patient " + std::to_string(i), std::move(*rr.record)});
  }
  return out;
}

std::string text(const FieldValue& v) {
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (const auto* i = std::get_if<int>(&v)) return std::to_string(*i);
  if (const auto* n = std::get_if<Number>(&v)) return std::to_string(n->value) + "/" + std::to_string(n->decimals);
  return std::get<std::string>(v);
}

// Every field EvaluateOptions lists for Detail::Verdicts.
void expect_same_verdicts(const Decision& full, const Decision& lean) {
  EXPECT_EQ(full.patient_id, lean.patient_id);
  EXPECT_EQ(full.as_of, lean.as_of);

  // History: the sessions, their dates, their assessments and the course's bounds.
  ASSERT_EQ(full.history.sessions.size(), lean.history.sessions.size());
  for (std::size_t i = 0; i < full.history.sessions.size(); ++i) {
    const auto &a = full.history.sessions[i], &b = lean.history.sessions[i];
    EXPECT_EQ(a.session_date, b.session_date);
    EXPECT_EQ(a.study_index, b.study_index);
    EXPECT_EQ(a.pre_study_index, b.pre_study_index);
    EXPECT_EQ(a.state, b.state);
    EXPECT_EQ(a.study_date, b.study_date);
    EXPECT_EQ(a.response.category, b.response.category);
    EXPECT_EQ(a.te, b.te);
  }

  // Scores: state, computed, applicable and every display field of every report; the typed values the
  // cohort reads.
  ASSERT_EQ(full.scores.size(), lean.scores.size());
  for (std::size_t i = 0; i < full.scores.size(); ++i) {
    const ScoreResult &a = full.scores[i], &b = lean.scores[i];
    SCOPED_TRACE(std::string(a.key));
    EXPECT_EQ(a.key, b.key);
    EXPECT_EQ(a.computed, b.computed);
    EXPECT_EQ(a.applicable, b.applicable);
    EXPECT_EQ(a.at, b.at);
    ASSERT_EQ(a.fields.size(), b.fields.size());
    for (std::size_t k = 0; k < a.fields.size(); ++k) {
      EXPECT_EQ(a.fields[k].key, b.fields[k].key);
      EXPECT_EQ(text(a.fields[k].value), text(b.fields[k].value)) << a.fields[k].key;
    }
  }
  const Scores &fs_ = full.scores, &ls = lean.scores;
  ASSERT_EQ(bool(fs_.child_pugh), bool(ls.child_pugh));
  if (fs_.child_pugh) {
    EXPECT_EQ(fs_.child_pugh->points, ls.child_pugh->points);
    EXPECT_EQ(fs_.child_pugh->cls, ls.child_pugh->cls);
  }
  ASSERT_EQ(bool(fs_.albi), bool(ls.albi));
  if (fs_.albi) {
    EXPECT_EQ(fs_.albi->mgrade, ls.albi->mgrade);
  }
  ASSERT_EQ(bool(fs_.up_to_seven), bool(ls.up_to_seven));
  if (fs_.up_to_seven) {
    EXPECT_EQ(fs_.up_to_seven->within, ls.up_to_seven->within);
  }
  ASSERT_EQ(bool(fs_.bclc), bool(ls.bclc));
  if (fs_.bclc) {
    EXPECT_EQ(fs_.bclc->stage, ls.bclc->stage);
  }
  ASSERT_EQ(bool(fs_.hap), bool(ls.hap));
  if (fs_.hap) {
    EXPECT_EQ(fs_.hap->cls, ls.hap->cls);
  }
  EXPECT_EQ(fs_.art_group, ls.art_group);

  // Refractoriness: each definition's status and since date; each criterion's id, state, met-on
  // date and missing inputs (the cohort's --criteria table).
  ASSERT_EQ(full.refractoriness.size(), lean.refractoriness.size());
  for (std::size_t i = 0; i < full.refractoriness.size(); ++i) {
    const DefinitionResult &a = full.refractoriness[i], &b = lean.refractoriness[i];
    SCOPED_TRACE(a.id);
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.since, b.since);
    ASSERT_EQ(a.criteria.size(), b.criteria.size());
    for (std::size_t k = 0; k < a.criteria.size(); ++k) {
      const CriterionResult &x = a.criteria[k], &y = b.criteria[k];
      SCOPED_TRACE(x.id);
      EXPECT_EQ(x.id, y.id);
      EXPECT_EQ(x.state, y.state);
      EXPECT_EQ(x.on, y.on);
      EXPECT_EQ(x.missing, y.missing);
    }
  }
  ASSERT_EQ(full.child_pugh_at_since.size(), lean.child_pugh_at_since.size());
  for (std::size_t i = 0; i < full.child_pugh_at_since.size(); ++i) {
    const auto &a = full.child_pugh_at_since[i], &b = lean.child_pugh_at_since[i];
    ASSERT_EQ(a.has_value(), b.has_value());
    if (a) {
      EXPECT_EQ(a->points, b->points);
      EXPECT_EQ(a->cls, b->cls);
    }
  }

  // Checkpoint: the verdict and its two answers.
  EXPECT_EQ(full.checkpoint.verdict, lean.checkpoint.verdict);
  EXPECT_EQ(full.checkpoint.sustained_response.answer, lean.checkpoint.sustained_response.answer);
  EXPECT_EQ(full.checkpoint.liver_function.answer, lean.checkpoint.liver_function.answer);

  // Therapy: the line, supportive care, the regimens and each option's status, in order.
  EXPECT_EQ(full.therapy.line, lean.therapy.line);
  EXPECT_EQ(full.therapy.supportive_care_only, lean.therapy.supportive_care_only);
  EXPECT_EQ(full.therapy.current_regimen, lean.therapy.current_regimen);
  EXPECT_EQ(full.therapy.prior_regimen, lean.therapy.prior_regimen);
  ASSERT_EQ(full.therapy.options.size(), lean.therapy.options.size());
  for (std::size_t i = 0; i < full.therapy.options.size(); ++i) {
    EXPECT_EQ(full.therapy.options[i].regimen, lean.therapy.options[i].regimen);
    EXPECT_EQ(full.therapy.options[i].status, lean.therapy.options[i].status);
  }
}

// The as-of dates a case is evaluated on: the default, and every imaging date before it (each
// session's assessment changes what the definitions can judge).
std::vector<Date> as_of_dates(const PatientRecord& r) {
  std::vector<Date> out;
  if (auto d = default_as_of(r)) out.push_back(*d);
  for (const auto& s : r.imaging)
    if (std::find(out.begin(), out.end(), s.date) == out.end()) out.push_back(s.date);
  return out;
}

void check(const std::vector<Case>& cases, bool every_imaging_date) {
  const EvaluateOptions verdicts{.detail = Detail::Verdicts};
  for (const auto& c : cases) {
    std::vector<Date> at = as_of_dates(c.record);
    if (!every_imaging_date && at.size() > 1) at.resize(1);
    for (const Date d : at) {
      SCOPED_TRACE(c.name + " as of " + d.iso());
      const Decision full = evaluate(c.record, d), lean = evaluate(c.record, d, verdicts);
      expect_same_verdicts(full, lean);
      if (::testing::Test::HasFailure()) return;  // one record's differences, not thousands of lines
    }
  }
}

TEST(EvaluateDetail, GoldenRecordsGiveTheSameVerdictsWithoutExplanations) {
  const auto cases = golden_cases();
  ASSERT_GE(cases.size(), 150u);  // tests/golden/records and the examples, all readable
  check(cases, true);
}

TEST(EvaluateDetail, SyntheticCohortGivesTheSameVerdictsWithoutExplanations) {
  const auto cases = synthetic_cases(400);
  ASSERT_EQ(cases.size(), 400u);
  check(cases, false);
}

TEST(EvaluateDetail, VerdictsLeaveTheExplanationsEmpty) {
  // The cohort path must not pay for text: a refractory, treated patient with every explanation
  // in full mode has none in verdicts mode.
  const auto cases = golden_cases();
  std::size_t with_text = 0, checkpoint_text = 0;
  for (const auto& c : cases) {
    const auto d = default_as_of(c.record);
    if (!d) continue;
    const Decision full = evaluate(c.record, *d);
    const Decision lean = evaluate(c.record, *d, {.detail = Detail::Verdicts});
    if (!full.alerts.empty() || !full.therapy.trial_information.empty()) ++with_text;
    EXPECT_TRUE(lean.alerts.empty()) << c.name;
    EXPECT_TRUE(lean.warnings.empty()) << c.name;
    EXPECT_TRUE(lean.obtain.empty()) << c.name;
    EXPECT_TRUE(lean.tace_candidacy.empty()) << c.name;
    EXPECT_FALSE(lean.next_reassessment.has_value()) << c.name;
    EXPECT_TRUE(lean.therapy.reasons.empty()) << c.name;
    EXPECT_TRUE(lean.therapy.trial_information.empty()) << c.name;
    for (const auto& o : lean.therapy.options) {
      EXPECT_TRUE(o.reasons.empty()) << c.name;
      EXPECT_TRUE(o.dose.empty()) << c.name;
      EXPECT_TRUE(o.prerequisites.empty()) << c.name;
      EXPECT_TRUE(o.confirmations.empty()) << c.name;
    }
    // The checkpoint: its verdict and answers only.
    if (!full.checkpoint.reasons.empty()) ++checkpoint_text;
    EXPECT_TRUE(lean.checkpoint.reasons.empty()) << c.name;
    EXPECT_TRUE(lean.checkpoint.obtain.empty()) << c.name;
    EXPECT_TRUE(lean.checkpoint.verdict_obtain.empty()) << c.name;
    for (const CheckpointQuestion* q : {&lean.checkpoint.sustained_response, &lean.checkpoint.liver_function}) {
      EXPECT_TRUE(q->reasons.empty()) << c.name;
      EXPECT_TRUE(q->failures.empty()) << c.name;
      EXPECT_TRUE(q->obtain.empty()) << c.name;
    }
  }
  EXPECT_GT(with_text, 0u);  // the records do have explanations in full mode
  EXPECT_GT(checkpoint_text, 0u);
}

// Child-Pugh with Detail::Verdicts: the same value, missing inputs and each input's name and date
// (ABCR, ART and BCLC read them), none of the text. Within an evaluation's memo a full result
// answers a lean call, and a lean result never answers a full call: the full caller gets the
// text a fresh full computation gives.
TEST(EvaluateDetail, ChildPughLeanHasTheSameVerdictAndNeverServesAFullCall) {
  const auto cases = golden_cases();
  std::size_t explained = 0;
  for (const auto& c : cases) {
    for (const Date d : as_of_dates(c.record)) {
      SCOPED_TRACE(c.name + " as of " + d.iso());
      const ChildPughResult full = child_pugh(c.record, d);
      const ChildPughResult lean = child_pugh(c.record, d, Detail::Verdicts);
      ASSERT_EQ(full.value.has_value(), lean.value.has_value());
      if (full.value) {
        EXPECT_EQ(full.value->points, lean.value->points);
        EXPECT_EQ(full.value->cls, lean.value->cls);
      }
      EXPECT_EQ(full.report.computed, lean.report.computed);
      EXPECT_EQ(full.report.missing, lean.report.missing);
      ASSERT_EQ(full.report.used.size(), lean.report.used.size());
      for (std::size_t i = 0; i < full.report.used.size(); ++i) {
        EXPECT_EQ(full.report.used[i].name, lean.report.used[i].name);
        EXPECT_EQ(full.report.used[i].date, lean.report.used[i].date);
        EXPECT_TRUE(lean.report.used[i].value.empty());
        EXPECT_FALSE(full.report.used[i].value.empty());
      }
      EXPECT_TRUE(lean.report.summary.empty());
      if (!full.report.used.empty()) ++explained;

      auto same_text = [&](const ChildPughResult& got) {
        EXPECT_TRUE(got.report.explain);
        EXPECT_EQ(got.report.summary, full.report.summary);
        EXPECT_EQ(got.report.notes, full.report.notes);
        ASSERT_EQ(got.report.used.size(), full.report.used.size());
        for (std::size_t i = 0; i < got.report.used.size(); ++i)
          EXPECT_EQ(got.report.used[i].value, full.report.used[i].value);
      };
      {
        const ChildPughOnce once(c.record);
        (void)child_pugh(c.record, d, Detail::Verdicts);
        same_text(child_pugh(c.record, d));  // lean kept first: the full call computes afresh
        same_text(child_pugh(c.record, d));  // and keeps the full one
      }
      {
        const ChildPughOnce once(c.record);
        (void)child_pugh(c.record, d);
        same_text(child_pugh(c.record, d, Detail::Verdicts));  // full kept: it answers the lean call
      }
    }
  }
  EXPECT_GT(explained, 0u);
}

// evaluate() asks for the recorded-vs-measured contradictions of the record it prepared (no copy,
// each study's response judged once per evaluation): the warnings end with exactly those that
// response_contradictions gives, preparing its own copy and judging every response afresh.
TEST(EvaluateDetail, ContradictionsOfThePreparedRecordAreTheSame) {
  std::size_t warned = 0;
  for (const auto& c : golden_cases())
    for (const Date d : as_of_dates(c.record)) {
      const auto expected = response_contradictions(c.record, d);
      const auto warnings = evaluate(c.record, d).warnings;
      ASSERT_GE(warnings.size(), expected.size()) << c.name << " as of " << d.iso();
      const std::vector<std::string> tail(warnings.end() - static_cast<std::ptrdiff_t>(expected.size()),
                                          warnings.end());
      EXPECT_EQ(tail, expected) << c.name << " as of " << d.iso();
      EXPECT_LE(warnings.size(), expected.size() + 1) << c.name;  // at most the data-age warning before them
      warned += expected.empty() ? 0 : 1;
    }
  EXPECT_GT(warned, 0u);  // the golden records hold contradicted recorded categories
}

}  // namespace
}  // namespace switchpoint
