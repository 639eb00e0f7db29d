#include "core/checkpoint.h"
#include "core/number_text.h"
#include "core/text.h"

#include <fmt/compile.h>
#include <fmt/format.h>
#include <algorithm>

#include "core/facts.h"
#include "core/refractoriness/apple.h"
#include "core/scores/albi.h"
#include "core/scores/art.h"
#include "core/scores/child_pugh.h"
#include "core/timeline.h"

namespace switchpoint {

bool has_hcc_data(const PatientRecord& r) {
  return !r.imaging.empty() || !r.tace.empty() || !r.systemic.empty() || !r.procedures.empty() ||
         r.hcc_diagnosis.has_value();
}

std::string_view to_string(Answer a) {
  switch (a) {
    case Answer::Yes:
      return "yes";
    case Answer::No:
      return "no";
    case Answer::Unknown:
      return "unknown";
  }
  return "?";
}

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::Proceed:
      return "proceed";
    case Verdict::Reconsider:
      return "reconsider";
    case Verdict::Switch:
      return "switch";
    case Verdict::SupportiveCare:
      return "supportive-care";
    case Verdict::NotApplicable:
      return "not-applicable";
  }
  return "?";
}

namespace {

void add_unique(std::vector<std::string>& v, const std::string& s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

// One question's answer and, with Detail::Full, its reasons and what to obtain. The reasons and
// the facts to obtain are given as text or as a callable (text_of, core/detail.h): with
// Detail::Verdicts they are not built, and only `no` and `unknown` (the answer) are kept.
struct Question {
  CheckpointQuestion q;
  bool explain = true;
  bool no = false, unknown = false;
  explicit Question(Detail detail) : explain(detail == Detail::Full) {}
  template <typename Why>
  void fail(Why&& why) {
    no = true;
    if (!explain) return;
    std::string text = text_of(std::forward<Why>(why));
    q.failures.push_back(text);
    q.reasons.push_back(std::move(text));
  }
  template <typename Why>
  void pass(Why&& why) {
    if (explain) q.reasons.push_back(text_of(std::forward<Why>(why)));
  }
  template <typename What>
  void need(What&& what) {
    unknown = true;
    if (explain) add_unique(q.obtain, text_of(std::forward<What>(what)));
  }
  CheckpointQuestion done() {
    q.answer = no ? Answer::No : unknown ? Answer::Unknown : Answer::Yes;
    if (no) q.obtain.clear();
    return std::move(q);
  }
};

// What ART (Sieghart 2013) lacks, fact by fact: AST and Child-Pugh before the first TACE and now,
// and the response after the last TACE.
std::vector<std::string> art_missing_facts(const PatientRecord& r, const TaceHistory& h) {
  std::vector<std::string> out;
  const Date s1 = h.first_session();
  if (!latest_lab(r.labs.ast_u_per_l, s1)) add_unique(out, facts::lab_before_first_tace(Quantity::Ast, s1));
  const LabValue* ast_now = latest_lab(r.labs.ast_u_per_l, h.as_of);
  if (!ast_now || ast_now->date <= s1) add_unique(out, facts::lab(Quantity::Ast, h.as_of));
  for (const auto& m : child_pugh(r, s1).report.missing) add_unique(out, facts::child_pugh_input(m, s1));
  for (const auto& m : child_pugh(r, h.as_of).report.missing) add_unique(out, facts::child_pugh_input(m, h.as_of));
  // The last session performed before the as-of date.
  for (auto it = h.sessions.rbegin(); it != h.sessions.rend(); ++it) {
    if (it->session_date >= h.as_of) continue;
    if (it->state != AssessmentState::Assessed) add_unique(out, facts::response_imaging(it->session_date));
    else if (it->state == AssessmentState::Assessed && !it->objective_response_known())
      add_unique(out, facts::mrecist(*it->study_date, it->session_date));
    break;
  }
  return out;
}

CheckpointQuestion sustained_response(const PatientRecord& r, const TaceHistory& h, const Scores& scores,
                                      const std::vector<DefinitionResult>& defs, Detail detail) {
  Question q(detail);
  // One line for all refractory definitions, earliest first: the clinician needs the count
  // and the first date, the per-definition detail is in the refractoriness table.
  std::vector<const DefinitionResult*> refractory;
  for (const auto& d : defs) {
    if (d.status == RefractorinessStatus::Refractory) refractory.push_back(&d);
    else if (d.status == RefractorinessStatus::InsufficientData)
      for (const auto& m : d.missing) q.need(m);
  }
  if (!refractory.empty()) {
    q.fail([&] {
      std::stable_sort(refractory.begin(), refractory.end(),
                       [](const DefinitionResult* a, const DefinitionResult* b) { return *a->since < *b->since; });
      std::string list;
      for (const auto* d : refractory)
        list += format_text(FMT_COMPILE("{}{} ({})"), list.empty() ? "" : ", ", d->id, d->since->iso());
      return format_text(FMT_COMPILE("TACE-refractory under {} of {} definitions: {}"), refractory.size(), defs.size(),
                         list);
    });
  }
  if (!q.no && !q.unknown) q.pass("not refractory under any of the eight definitions");

  if (scores.up_to_seven) {
    const double v = scores.up_to_seven->value;
    if (!scores.up_to_seven->within)
      q.fail([&] {
        return format_text(FMT_COMPILE("beyond up-to-seven ({} > 7): likely to become refractory (APPLE)"),
                           Fixed{v, 1});
      });
    else q.pass([&] { return format_text(FMT_COMPILE("within up-to-seven ({})"), Fixed{v, 1}); });
  } else {
    q.need([&] { return facts::tumour_burden(h.as_of); });
  }

  if (const ImagingStudy* s = latest_imaging_with(r, h.as_of, &ImagingStudy::morphology)) {
    if (unfavourable_morphology(*s->morphology))
      q.fail([&] {
        return format_text(FMT_COMPILE("{} morphology on {}: unlikely to respond (APPLE)"), to_string(*s->morphology),
                           s->date.iso());
      });
    else q.pass([&] { return format_text(FMT_COMPILE("simple nodular morphology ({})"), s->date.iso()); });
  } else {
    q.need([&] { return facts::morphology(h.as_of); });
  }

  if (h.any_session()) {
    // ART (Sieghart 2013) before a repeat session. Its group can be known before every
    // component is: ≥ 2.5 from the known points alone decides "no".
    // The engine's scores are at the decision's as-of date; the history's as-of is earlier when
    // a resection or ablation ended the course, and ART is then computed at that date.
    std::optional<ArtResult> earlier;
    if (h.as_of != scores.at) earlier = art(r, h.as_of, detail);
    const std::optional<Art>& value = earlier ? earlier->value : scores.art.value;
    const std::optional<ArtGroup>& group = earlier ? earlier->group : scores.art_group;
    const ScoreResult& report = earlier ? earlier->report : scores.report(ScoreKey::Art);
    if (value) {
      if (at_least(value->points, 2.5))
        q.fail([&] {
          return format_text(FMT_COMPILE("ART score {} ≥ 2.5 before a repeat session"), Fixed{value->points, 1});
        });
      else q.pass([&] { return format_text(FMT_COMPILE("ART score {} < 2.5"), Fixed{value->points, 1}); });
    } else if (group == ArtGroup::PoorPrognosis) {
      q.fail(
          [&] { return format_text(FMT_COMPILE("ART ≥ 2.5 from the known components alone ({})"), report.summary); });
    } else if (report.applicable && !q.explain) {
      q.unknown = true;  // as below: unknown whether or not a single input can be named
    } else if (report.applicable) {
      const auto facts_needed = art_missing_facts(r, h);
      for (const auto& f : facts_needed) q.need(f);
      // ART unknown must never pass for "yes", even if no single input can be named.
      if (facts_needed.empty())
        q.need("AST, Child-Pugh and the response after the last TACE, before and after the first TACE (ART score)");
    }
  }
  return q.done();
}

CheckpointQuestion liver_function(const PatientRecord& r, const TaceHistory& h, const Scores& scores, Detail detail) {
  Question q(detail);
  if (const auto& a = scores.albi) {
    if (a->grade == 3 || a->mgrade == "2b")
      q.fail([&] {
        return format_text(FMT_COMPILE("ALBI grade {} (mALBI {}): liver function at risk"), a->grade, a->mgrade);
      });
    else q.pass([&] { return format_text(FMT_COMPILE("mALBI {}"), a->mgrade); });
  } else {
    for (const auto& m : albi(r, h.as_of, detail).report.missing)
      q.need([&] { return facts::child_pugh_input(m, h.as_of); });
  }

  std::optional<int> cp;
  if (scores.child_pugh) cp = scores.child_pugh->points;
  if (cp) {
    if (*cp >= 8) q.fail([&] { return format_text(FMT_COMPILE("Child-Pugh {} points (≥ 8)"), *cp); });
    else q.pass([&] { return format_text(FMT_COMPILE("Child-Pugh {} points"), *cp); });
  } else {
    for (const auto& m : child_pugh(r, h.as_of, detail).report.missing)
      q.need([&] { return facts::child_pugh_input(m, h.as_of); });
  }
  const auto* asc = latest_ascites(r, h.as_of);
  const auto* enc = latest_encephalopathy(r, h.as_of);
  if (asc && *asc->ascites == Ascites::ModerateSevere)
    q.fail([&] { return format_text(FMT_COMPILE("moderate-severe ascites ({})"), asc->date.iso()); });
  if (enc && *enc->encephalopathy != Encephalopathy::None)
    q.fail([&] {
      return format_text(FMT_COMPILE("hepatic encephalopathy {} ({})"), to_string(*enc->encephalopathy),
                         enc->date.iso());
    });

  std::optional<bool> within;
  if (scores.up_to_seven) within = scores.up_to_seven->within;
  const ImagingStudy* b = latest_imaging_with(r, h.as_of, &ImagingStudy::bilobar);
  if (within && !*within) {
    if (b && *b->bilobar) q.fail("beyond up-to-seven with bilobar disease: likely to fall to Child-Pugh B (APPLE)");
    else if (!b) q.need([&] { return facts::bilobar(h.as_of); });
  } else if (!within) {
    q.need([&] { return facts::tumour_burden(h.as_of); });
  }

  if (h.any_session()) {
    const std::optional<ChildPugh> before = child_pugh_value(r, h.first_session());
    if (before && cp) {
      const int rise = *cp - before->points;
      if (rise >= 2)
        q.fail([&] {
          return format_text(FMT_COMPILE("Child-Pugh rose {} points since before S1 ({} → {})"), rise, before->points,
                             *cp);
        });
      else q.pass([&] { return format_text(FMT_COMPILE("Child-Pugh change since before S1: {:+d}"), rise); });
    } else if (!before) {
      for (const auto& m : child_pugh(r, h.first_session(), detail).report.missing)
        q.need([&] { return facts::child_pugh_input(m, h.first_session()); });
    }
  }
  return q.done();
}

}  // namespace

Checkpoint evaluate_checkpoint(const PatientRecord& r, const TaceHistory& h, const Scores& scores,
                               const std::vector<DefinitionResult>& defs, Detail detail) {
  // With Detail::Verdicts the verdict and the two answers are decided as below, and no reason
  // or fact to obtain is written.
  const bool explain = detail == Detail::Full;
  Checkpoint c;
  if (!has_hcc_data(r)) {
    // P-not-applicable: labs alone (an ALBI grade 3, a Child-Pugh C) say nothing about a TACE.
    c.verdict = Verdict::NotApplicable;
    if (explain) {
      c.reasons.emplace_back(
          "no verdict: the record holds no tumour imaging, TACE or systemic HCC treatment — the checkpoint decides "
          "on a TACE for a known HCC");
      c.sustained_response.reasons.emplace_back("not assessed: no tumour imaging or TACE recorded");
      c.liver_function.reasons.emplace_back("not assessed: no tumour imaging or TACE recorded");
    }
    return c;
  }
  c.sustained_response = sustained_response(r, h, scores, defs, detail);
  c.liver_function = liver_function(r, h, scores, detail);

  // "Candidate of TACE" (seed 000 Figure 1, Table 1): macrovascular invasion or extrahepatic
  // spread on the latest imaging excludes TACE under APASL, EASL, JSH and BCLC alike.
  const ImagingStudy* invasion = latest_imaging_with(r, h.as_of, &ImagingStudy::vascular_invasion);
  if (invasion && *invasion->vascular_invasion == VascularInvasion::Absent) invasion = nullptr;
  const ImagingStudy* spread = latest_imaging_with(r, h.as_of, &ImagingStudy::extrahepatic_spread);
  if (spread && !*spread->extrahepatic_spread) spread = nullptr;

  const std::optional<char> cp_class = scores.child_pugh ? std::optional<char>(scores.child_pugh->cls) : std::nullopt;
  const auto* ecog = latest_ecog(r, h.as_of);
  if (cp_class == 'C') {
    c.verdict = Verdict::SupportiveCare;
    if (explain)
      c.reasons.push_back("Child-Pugh C: neither TACE nor systemic therapy — best supportive care (BCLC 2022 stage D)");
  } else if (ecog && *ecog->ecog > 2) {
    c.verdict = Verdict::SupportiveCare;
    if (explain)
      c.reasons.push_back(
          format_text(FMT_COMPILE("ECOG {} ({}{}) > 2: neither TACE nor systemic therapy — best supportive care"),
                      *ecog->ecog, ecog->date.iso(), confirm_today_note(ecog->date, h.as_of)));
  } else if (invasion || spread || c.sustained_response.answer == Answer::No || c.liver_function.answer == Answer::No) {
    c.verdict = Verdict::Switch;
    if (!explain) return c;
    if (invasion)
      c.reasons.push_back(format_text(
          FMT_COMPILE(
              "not a TACE candidate: macrovascular invasion ({}) on {} (Clin Mol Hepatol 2020;26:155–162, Table 1)"),
          to_string(*invasion->vascular_invasion), invasion->date.iso()));
    if (spread)
      c.reasons.push_back(format_text(
          FMT_COMPILE("not a TACE candidate: extrahepatic spread on {} (Clin Mol Hepatol 2020;26:155–162, Table 1)"),
          spread->date.iso()));
    if (c.sustained_response.answer == Answer::No)
      c.reasons.push_back("a sustained response cannot be expected: " + join(c.sustained_response.failures));
    if (c.liver_function.answer == Answer::No)
      c.reasons.push_back("liver function may not be maintained after TACE: " + join(c.liver_function.failures));
    c.reasons.push_back("stop TACE and convert to systemic therapy");
    if (!cp_class)
      for (const auto& m : child_pugh(r, h.as_of).report.missing)
        add_unique(c.obtain, facts::child_pugh_input(m, h.as_of));
    if (!ecog) add_unique(c.obtain, facts::ecog(r, h.as_of));
  } else {
    c.verdict = c.sustained_response.answer == Answer::Yes && c.liver_function.answer == Answer::Yes && ecog
                    ? Verdict::Proceed
                    : Verdict::Reconsider;
    if (!explain) return c;
    // ECOG is an input of the verdict itself (ECOG > 2 → supportive care), not of the questions.
    if (!ecog) {
      add_unique(c.obtain, facts::ecog(r, h.as_of));
      c.verdict_obtain.push_back(facts::ecog(r, h.as_of));
    }
    for (const auto& o : c.sustained_response.obtain) add_unique(c.obtain, o);
    for (const auto& o : c.liver_function.obtain) add_unique(c.obtain, o);
    if (c.verdict == Verdict::Proceed)
      c.reasons.push_back("a sustained response can be expected and liver function can be maintained");
    else c.reasons.push_back("nothing rules TACE out, but an answer is unknown: obtain what is listed before deciding");
  }
  return c;
}

}  // namespace switchpoint
