#include "core/therapy/plan.h"

#include <fmt/compile.h>
#include <fmt/format.h>
#include <algorithm>

#include "core/facts.h"
#include "core/number_text.h"
#include "core/scores/child_pugh.h"
#include "core/text.h"
#include "core/timeline.h"

namespace switchpoint {

std::string_view to_string(OptionStatus s) {
  switch (s) {
    case OptionStatus::Recommended:
      return "recommended";
    case OptionStatus::Eligible:
      return "eligible";
    case OptionStatus::NeedsPrerequisite:
      return "needs-prerequisite";
    case OptionStatus::Caution:
      return "caution";
    case OptionStatus::NotIndicated:
      return "not-indicated";
    case OptionStatus::Contraindicated:
      return "contraindicated";
  }
  return "?";
}

bool condition_active(const PatientRecord& r, ConditionKind k, Date at, int recent_months) {
  for (const auto& c : r.conditions) {
    if (c.kind != k) continue;
    if (c.onset && *c.onset > at) continue;
    if (recent_months >= 0) {
      // An event (bleeding, thrombosis) counts when its onset lies within the last
      // `recent_months` calendar months, exactly as the endoscopy window is counted.
      if (c.onset && *c.onset >= at.plus_months(-recent_months)) return true;
      if (!c.onset && !c.abatement) return true;
      continue;
    }
    if (!c.abatement || *c.abatement > at) return true;
  }
  return false;
}

const Endoscopy* latest_endoscopy_within_6_months(const PatientRecord& r, Date at) {
  const Date earliest = at.plus_months(-6);  // "within 6 months": exactly 6 months before qualifies
  const Endoscopy* found = nullptr;
  for (const auto& e : r.endoscopies)
    if (e.date <= at && e.date >= earliest) found = &e;
  return found;
}

namespace {

// Severity order: the most severe finding decides the status.
int severity(OptionStatus s) {
  switch (s) {
    case OptionStatus::Contraindicated:
      return 5;
    case OptionStatus::NotIndicated:
      return 4;
    case OptionStatus::NeedsPrerequisite:
      return 3;
    case OptionStatus::Caution:
      return 2;
    case OptionStatus::Eligible:
      return 1;
    case OptionStatus::Recommended:
      return 0;
  }
  return 0;
}

// One option's status and its explanations; with Detail::Verdicts only the status is kept. Each
// text is a string or a callable returning it (text_of, core/detail.h): built only when explained.
struct Assess {
  TherapyOption o;
  bool explain = true;
  template <typename Why>
  void raise(OptionStatus s, Why&& why) {
    if (severity(s) > severity(o.status)) o.status = s;
    if (explain) o.reasons.push_back(text_of(std::forward<Why>(why)));
  }
  template <typename Why>
  void note(Why&& why) {
    if (explain) o.reasons.push_back(text_of(std::forward<Why>(why)));
  }
  template <typename What>
  void prerequisite(What&& what) {
    if (severity(OptionStatus::NeedsPrerequisite) > severity(o.status)) o.status = OptionStatus::NeedsPrerequisite;
    if (!explain) return;
    std::string text = text_of(std::forward<What>(what));
    o.reasons.push_back("prerequisite: " + text);
    o.prerequisites.push_back(std::move(text));
  }
  // P-confirmation: listed under "confirm before prescribing"; the status is unchanged.
  template <typename What>
  void confirm(What&& what) {
    if (explain) o.confirmations.push_back(text_of(std::forward<What>(what)));
  }
};

// One entry of the systemic-therapy history with the line it belongs to.
struct Episode {
  const SystemicTherapy* s;
  int line;
};

struct Context {
  const PatientRecord& r;
  Date at;
  bool explain;  // Detail::Full
  int line;
  std::optional<char> cp_class;
  std::optional<int> cp_points;
  const ClinicalAssessment* ecog;
  const LabValue* weight;
  const LabValue* afp;
  const ImagingStudy* vascular;
  const ImagingStudy* occupation;
  const ImagingStudy* bile_duct;
  std::vector<Episode> history;  // every episode of the earlier lines (P-later-lines), by start date
};

// "sorafenib 2024-03-04 → 2024-06-24, stopped for progression"
std::string episode_text(const Episode& e) {
  const SystemicTherapy& s = *e.s;
  std::string stop = "no stop reason recorded";
  if (s.stop_reason) switch (*s.stop_reason) {
      case StopReason::Progression:
        stop = "stopped for progression";
        break;
      case StopReason::Intolerance:
        stop = "stopped for intolerance";
        break;
      case StopReason::Completed:
        stop = "completed";
        break;
      case StopReason::Other:
        stop = "stopped for another reason";
        break;
    }
  return format_text(FMT_COMPILE("{} in line {}, {} → {}, {}"), s.regimen, e.line, s.start.iso(),
                     s.end ? s.end->iso() : "no end date recorded", stop);
}

// Progressed on or stopped for intolerance, with the stop dated on or before the as-of date.
bool failed(const Episode& e, Date at) {
  const SystemicTherapy& s = *e.s;
  return s.end && *s.end <= at &&
         (s.stop_reason == StopReason::Progression || s.stop_reason == StopReason::Intolerance);
}

bool in_history(const Context& c, std::string_view id) {
  for (const auto& e : c.history)
    if (e.s->regimen == id) return true;
  return false;
}

bool immunotherapy_in_history(const Context& c) {
  for (const auto& e : c.history)
    if (is_immunotherapy_regimen(e.s->regimen)) return true;
  return false;
}

std::string ecog_text(const ClinicalAssessment& e, Date at) {
  const std::string note = confirm_today_note(e.date, at);
  return note.empty() ? format_text(FMT_COMPILE("ECOG {} ({})"), *e.ecog, e.date.iso())
                      : format_text(FMT_COMPILE("ECOG {}{}"), *e.ecog, note);
}

void general_eligibility(Assess& a, const Context& c) {
  if (!c.cp_class) {
    // One prerequisite per missing input, in the words every other rule uses (P-obtain-list).
    for (const auto& m : child_pugh(c.r, c.at, c.explain ? Detail::Full : Detail::Verdicts).report.missing)
      a.prerequisite([&] { return facts::child_pugh_input(m, c.at); });
  } else if (*c.cp_class == 'C') {
    a.raise(OptionStatus::Contraindicated,
            format_text(FMT_COMPILE("Child-Pugh C{}: best supportive care only (BCLC 2022 stage D: no survival benefit "
                                    "from systemic therapy)"),
                        *c.cp_points));
  } else if (*c.cp_class == 'B') {
    if (c.line >= 2)
      a.raise(OptionStatus::NotIndicated,
              format_text(
                  FMT_COMPILE(
                      "Child-Pugh B{}: no agent after a first line is approved for Child-Pugh B (RESORCE, CELESTIAL, "
                      "REACH-2 and KEYNOTE-240 enrolled Child-Pugh A only)"),
                  *c.cp_points));
    else if (*c.cp_points == 7)
      a.raise(OptionStatus::Caution, "Child-Pugh B7: no regimen has trial evidence (trials enrolled Child-Pugh A)");
    else
      a.raise(OptionStatus::Caution,
              format_text(FMT_COMPILE("Child-Pugh B{}: systemic therapy generally not recommended; "
                                      "individual decision"),
                          *c.cp_points));
  } else {
    a.note([&] { return format_text(FMT_COMPILE("Child-Pugh A{}"), *c.cp_points); });
  }
  if (!c.ecog) {
    // P-ecog-weight-currency: older than 90 days is missing, never assumed.
    a.prerequisite([&] { return facts::ecog(c.r, c.at); });
    return;
  }
  const std::string ecog = c.explain ? ecog_text(*c.ecog, c.at) : std::string();
  if (*c.ecog->ecog > 2) {
    a.raise(OptionStatus::Contraindicated,
            format_text(FMT_COMPILE("{} > 2: best supportive care only (BCLC 2022 stage D)"), ecog));
  } else if (*c.ecog->ecog == 2) {
    if (c.line >= 2)
      a.raise(OptionStatus::NotIndicated,
              format_text(
                  FMT_COMPILE(
                      "{}: after a first line only ECOG 0–1 is supported (the second-line trials enrolled ECOG 0–1)"),
                  ecog));
    else a.raise(OptionStatus::Caution, format_text(FMT_COMPILE("{}: outside the trial populations (ECOG 0–1)"), ecog));
  } else {
    a.note(ecog);
  }
  if (needs_confirmation_today(c.ecog->date, c.at))
    a.confirm([&] {
      return format_text(FMT_COMPILE("ECOG {} recorded {}, {} days before: confirm today"), *c.ecog->ecog,
                         c.ecog->date.iso(), days_between(c.ecog->date, c.at));
    });
}

void immunotherapy_checks(Assess& a, const Context& c) {
  if (condition_active(c.r, ConditionKind::ActiveAutoimmuneDisease, c.at))
    a.raise(OptionStatus::Contraindicated, "active autoimmune disease: immune checkpoint inhibitors contraindicated");
  if (condition_active(c.r, ConditionKind::SolidOrganTransplant, c.at))
    a.raise(OptionStatus::Contraindicated,
            "solid-organ transplant: immune checkpoint inhibitors contraindicated (rejection)");
}

void bevacizumab_checks(Assess& a, const Context& c) {
  if (condition_active(c.r, ConditionKind::VaricealBleeding, c.at, 6))
    a.raise(OptionStatus::Contraindicated, "variceal bleeding within 6 months: bevacizumab contraindicated");
  if (condition_active(c.r, ConditionKind::UncontrolledHypertension, c.at))
    a.raise(OptionStatus::Contraindicated, "uncontrolled hypertension: bevacizumab contraindicated");
  if (condition_active(c.r, ConditionKind::MajorBleeding, c.at, 6))
    a.raise(OptionStatus::Contraindicated, "major bleeding within 6 months: bevacizumab contraindicated");
  if (condition_active(c.r, ConditionKind::ArterialThrombosis, c.at, 6))
    a.raise(OptionStatus::Contraindicated, "arterial thrombosis within 6 months: bevacizumab contraindicated");
  const Endoscopy* e = latest_endoscopy_within_6_months(c.r, c.at);
  if (!e) {
    const Endoscopy* last = c.r.endoscopies.empty() ? nullptr : &c.r.endoscopies.back();
    a.prerequisite([&] {
      return format_text(
          FMT_COMPILE("upper GI endoscopy with treatment of varices before the first dose (IMbrave150 "
                      "inclusion; none within the 6 months before {}{})"),
          c.at.iso(), last ? format_text(FMT_COMPILE("; last {}"), last->date.iso()) : std::string("; none recorded"));
    });
  } else if (e->varices == Varices::HighRiskUntreated) {
    a.raise(OptionStatus::Contraindicated,
            format_text(
                FMT_COMPILE("untreated high-risk varices on endoscopy {}: treat (band ligation) before bevacizumab"),
                e->date.iso()));
  } else {
    a.note([&] {
      return format_text(FMT_COMPILE("upper GI endoscopy {} (varices {}): within 6 months"), e->date.iso(),
                         to_string(e->varices));
    });
  }
}

// REFLECT exclusions: a recorded exclusion is a contraindication; an unrecorded one is a
// confirmation (P-confirmation), never a prerequisite.
void lenvatinib_checks(Assess& a, const Context& c) {
  const std::string window =
      c.explain ? format_text(FMT_COMPILE("not stated on imaging in the 92 days before {}"), c.at.iso()) : "";
  if (!c.vascular) a.confirm(format_text(FMT_COMPILE("no main portal vein invasion (REFLECT exclusion; {})"), window));
  else if (*c.vascular->vascular_invasion == VascularInvasion::MainPortalVein)
    a.raise(OptionStatus::Contraindicated,
            format_text(FMT_COMPILE("main portal vein invasion on {} (REFLECT exclusion)"), c.vascular->date.iso()));
  if (!c.occupation) a.confirm(format_text(FMT_COMPILE("liver occupation < 50% (REFLECT excluded ≥ 50%; {})"), window));
  else if (at_least(*c.occupation->liver_occupation_percent, 50.0))
    a.raise(OptionStatus::Contraindicated,
            format_text(FMT_COMPILE("liver occupation {}% ≥ 50% on {} (REFLECT exclusion)"),
                        G{*c.occupation->liver_occupation_percent}, c.occupation->date.iso()));
  else
    a.note(format_text(FMT_COMPILE("liver occupation {}% < 50% on {}"), G{*c.occupation->liver_occupation_percent},
                       c.occupation->date.iso()));
  if (!c.bile_duct) a.confirm(format_text(FMT_COMPILE("no bile duct invasion (REFLECT exclusion; {})"), window));
  else if (*c.bile_duct->bile_duct_invasion)
    a.raise(OptionStatus::Contraindicated,
            format_text(FMT_COMPILE("bile duct invasion on {} (REFLECT exclusion)"), c.bile_duct->date.iso()));
}

bool tolerated_dose(const SystemicTherapy& s) {
  return at_least(*s.dose_mg_per_day, 400.0) && *s.days_at_dose_last_28 >= 20;
}

// Regorafenib needs tolerated sorafenib at any earlier line (RESORCE inclusion: ≥ 400 mg/day on
// ≥ 20 of the last 28 days). Every earlier sorafenib episode is read; intolerance in any of them
// makes regorafenib not-indicated.
void regorafenib_checks(Assess& a, const Context& c) {
  bool tolerated = false;
  const Episode* unconfirmed = nullptr;  // ended for progression, no dose recorded
  const Episode* unknown = nullptr;      // no stop reason (or another one) and no dose recorded
  for (const auto& e : c.history) {
    const SystemicTherapy& s = *e.s;
    if (s.regimen != "sorafenib") continue;
    if (s.stop_reason == StopReason::Intolerance) {
      a.raise(OptionStatus::NotIndicated,
              format_text(FMT_COMPILE("sorafenib not tolerated ({}): regorafenib only after tolerated sorafenib "
                                      "(RESORCE inclusion)"),
                          episode_text(e)));
    } else if (s.dose_mg_per_day && s.days_at_dose_last_28) {
      if (tolerated_dose(s)) {
        tolerated = true;
        a.note(format_text(
            FMT_COMPILE("sorafenib tolerated: {} mg/day on {} of the last 28 days ({}; RESORCE inclusion ≥ 400 "
                        "mg/day on ≥ 20 days)"),
            G{*s.dose_mg_per_day}, *s.days_at_dose_last_28, episode_text(e)));
      } else {
        a.raise(
            OptionStatus::NotIndicated,
            format_text(
                FMT_COMPILE("sorafenib not tolerated: {} mg/day on {} of the last 28 days ({}; RESORCE inclusion needs "
                            "≥ 400 mg/day on ≥ 20 days)"),
                G{*s.dose_mg_per_day}, *s.days_at_dose_last_28, episode_text(e)));
      }
    } else if (s.stop_reason == StopReason::Progression && s.end && *s.end <= c.at) {
      unconfirmed = &e;
    } else {
      unknown = &e;
    }
  }
  if (tolerated) return;
  if (unconfirmed) {
    a.note(format_text(FMT_COMPILE("sorafenib taken until progression ({}); its dose is not recorded"),
                       episode_text(*unconfirmed)));
    a.confirm(format_text(
        FMT_COMPILE("sorafenib tolerance: ≥ 400 mg/day on ≥ 20 of the last 28 days (RESORCE inclusion; {}, dose "
                    "not recorded)"),
        episode_text(*unconfirmed)));
  } else if (unknown) {
    a.prerequisite(format_text(
        FMT_COMPILE("sorafenib tolerance: why sorafenib stopped, or its daily dose and days at that dose in the "
                    "last 28 days (RESORCE inclusion: ≥ 400 mg/day on ≥ 20 days; {})"),
        episode_text(*unknown)));
  }
}

// Ramucirumab needs AFP ≥ 400 ng/mL at any line (REACH-2 inclusion and label; ≥, not >).
void ramucirumab_checks(Assess& a, const Context& c) {
  if (!c.afp) {
    const LabValue* last = nullptr;
    for (const auto& v : c.r.labs.afp_ng_per_ml)
      if (v.date <= c.at) last = &v;
    a.prerequisite(format_text(
        FMT_COMPILE("AFP within 30 days before {} (REACH-2 inclusion: AFP ≥ 400 ng/mL){}"), c.at.iso(),
        last ? format_text(FMT_COMPILE("; last {} ng/mL on {}"), G{last->value}, last->date.iso()) : std::string()));
  } else if (at_least(c.afp->value, 400.0)) {
    a.note(format_text(FMT_COMPILE("AFP {} ng/mL on {} ≥ 400 ng/mL (REACH-2 inclusion)"), G{c.afp->value},
                       c.afp->date.iso()));
  } else {
    a.raise(OptionStatus::NotIndicated,
            format_text(
                FMT_COMPILE(
                    "AFP {} ng/mL on {} < 400 ng/mL: REACH-2 enrolled only AFP ≥ 400 ng/mL (no benefit shown below)"),
                G{c.afp->value}, c.afp->date.iso()));
  }
}

// What the history lists at line ≥ 2 (CLINICAL_RULES §7 second-line table, applied to every
// earlier regimen): "after sorafenib: regorafenib, cabozantinib, ramucirumab, pembrolizumab".
std::string listed_after(std::string_view prior) {
  if (is_immunotherapy_regimen(prior))
    return format_text(FMT_COMPILE("after {} (immunotherapy): lenvatinib or sorafenib"), prior);
  if (prior == "sorafenib") return "after sorafenib: regorafenib, cabozantinib, ramucirumab or pembrolizumab";
  if (prior == "lenvatinib") return "after lenvatinib: sorafenib or cabozantinib";
  return format_text(FMT_COMPILE("after {}: none listed"), prior);
}

bool listed(const Regimen& reg, const Context& c) {
  for (const auto& e : c.history) {
    const std::string_view prior = e.s->regimen;
    if (is_immunotherapy_regimen(prior) && (reg.id == "lenvatinib" || reg.id == "sorafenib")) return true;
    if (prior == "sorafenib" && reg.line == TherapyLine::Second) return true;
    if (prior == "lenvatinib" && (reg.id == "sorafenib" || reg.id == "cabozantinib")) return true;
  }
  return false;
}

bool shares_drug(const Regimen& a, const Regimen& b) {
  for (const auto& x : a.doses)
    for (const auto& y : b.doses)
      if (x.drug == y.drug) return true;
  return false;
}

// Why a regimen does not belong to this line, given the whole history (P-later-lines), or
// nullopt when it does. With Detail::Verdicts (c.explain false) the reason is decided the same way
// and left empty: only whether there is one decides the option's status.
std::optional<std::string> line_reason(const Regimen& reg, const Context& c) {
  auto why = [&c](auto&& text) -> std::optional<std::string> {
    if (!c.explain) return std::string();
    return text_of(text);
  };
  if (c.line == 1) {
    if (reg.line == TherapyLine::Second)
      return why("agent studied after sorafenib (RESORCE, CELESTIAL, REACH-2, KEYNOTE-240): not for first line");
    return std::nullopt;
  }
  // The same regimen at an earlier line: progressed on or not tolerated → never again; any
  // other ending: re-treatment is not a listed option.
  const Episode* same = nullptr;
  for (const auto& e : c.history)
    if (e.s->regimen == reg.id && (!same || failed(e, c.at))) same = &e;
  if (same) {
    if (failed(*same, c.at))
      return why([&] {
        return format_text(FMT_COMPILE("{} ({}): not given again at a later line"),
                           same->s->stop_reason == StopReason::Progression ? "progressed on it" : "not tolerated",
                           episode_text(*same));
      });
    return why([&] {
      return format_text(FMT_COMPILE("already given ({}): re-treatment is not a listed option"), episode_text(*same));
    });
  }
  // A drug the patient progressed on or did not tolerate, inside another regimen (durvalumab
  // after durvalumab-tremelimumab, bevacizumab after atezolizumab-bevacizumab).
  for (const auto& e : c.history) {
    const Regimen* given = find_regimen(e.s->regimen);
    if (!given || !failed(e, c.at) || !shares_drug(reg, *given)) continue;
    return why([&] {
      std::string drugs;
      for (const auto& x : reg.doses)
        for (const auto& y : given->doses)
          if (x.drug == y.drug && drugs.find(x.drug) == std::string::npos)
            drugs += (drugs.empty() ? "" : ", ") + std::string(x.drug);
      return format_text(FMT_COMPILE("contains {}, already {} ({}): not given again"), drugs,
                         e.s->stop_reason == StopReason::Progression ? "progressed on" : "not tolerated",
                         episode_text(e));
    });
  }
  if (listed(reg, c)) return std::nullopt;
  return why([&] {
    std::string after;
    std::vector<std::string_view> seen;
    for (const auto& e : c.history) {
      if (std::find(seen.begin(), seen.end(), e.s->regimen) != seen.end()) continue;
      seen.push_back(e.s->regimen);
      after += (after.empty() ? "" : "; ") + listed_after(e.s->regimen);
    }
    return format_text(FMT_COMPILE("not a listed option at line {} ({})"), c.line, after);
  });
}

TherapyOption assess(const Regimen& reg, const Context& c) {
  Assess a;
  a.explain = c.explain;
  a.o.regimen = &reg;
  // dose_for's needs_weight, without its text when no explanation is asked for.
  const bool needs_weight = !c.weight && weight_based(reg);
  if (c.explain) a.o.dose = dose_for(reg, c.weight, c.at).text;
  if (auto why = line_reason(reg, c)) {
    a.raise(OptionStatus::NotIndicated, *why);
    return std::move(a.o);
  }
  general_eligibility(a, c);
  if (reg.immunotherapy) immunotherapy_checks(a, c);
  if (reg.bevacizumab) bevacizumab_checks(a, c);
  if (reg.lenvatinib) lenvatinib_checks(a, c);
  if (reg.caution_main_portal_vein && c.vascular && *c.vascular->vascular_invasion == VascularInvasion::MainPortalVein)
    a.raise(OptionStatus::Caution, format_text(FMT_COMPILE("main portal vein invasion on {}: excluded from HIMALAYA"),
                                               c.vascular->date.iso()));
  if (c.line >= 2) {
    // P-later-lines: every rule of line 2 holds at every later line, against the whole history.
    if (reg.id == "regorafenib") regorafenib_checks(a, c);
    if (reg.id == "ramucirumab") ramucirumab_checks(a, c);
    // Listed with trial evidence only as an agent after sorafenib; otherwise by mechanism.
    const bool evidence = reg.line == TherapyLine::Second && in_history(c, "sorafenib");
    if (!evidence && immunotherapy_in_history(c) && (reg.id == "lenvatinib" || reg.id == "sorafenib"))
      a.raise(OptionStatus::Caution, "after immunotherapy: reasonable by mechanism, no prospective trial data");
    if (!evidence && in_history(c, "lenvatinib") && (reg.id == "sorafenib" || reg.id == "cabozantinib"))
      a.raise(OptionStatus::Caution, "after lenvatinib: no randomized evidence; individual option");
    if (reg.id == "pembrolizumab" && immunotherapy_in_history(c))
      a.raise(OptionStatus::Caution,
              "after an immune checkpoint inhibitor: KEYNOTE-240 and KEYNOTE-394 excluded patients "
              "previously given one; no evidence for a second checkpoint inhibitor");
    if (c.line >= 3)
      a.note(format_text(FMT_COMPILE("line {}: the rules of the second line apply to the whole treatment history"),
                         c.line));
  }
  if (needs_weight) {
    a.prerequisite([&] { return facts::weight(c.r, c.at) + " — the dose is weight-based"; });
  } else if (c.weight && weight_based(reg) && needs_confirmation_today(c.weight->date, c.at)) {
    a.confirm([&] {
      return format_text(
          FMT_COMPILE("body weight {} kg recorded {}, {} days before: confirm today (the dose depends on it)"),
          Fixed{c.weight->value, 1}, c.weight->date.iso(), days_between(c.weight->date, c.at));
    });
  }
  a.note(reg.evidence);
  return std::move(a.o);
}

std::string rank_reason(const Regimen& r, int line) {
  if (line >= 2) return "listed after it among the options after a first line";
  if (r.immunotherapy && r.doses.size() > 1)
    return "atezolizumab-bevacizumab is preferred (KLCA-NCC 2022); the other immunotherapy combinations follow (AASLD "
           "2023 "
           "lists STRIDE alongside)";
  if (r.immunotherapy) return "immunotherapy monotherapy: non-inferior to sorafenib, ranked below the combinations";
  return "tyrosine kinase inhibitors are used when an immune checkpoint inhibitor is contraindicated (KLCA-NCC 2022, "
         "AASLD 2023)";
}

template <typename T>
const ImagingStudy* latest(const PatientRecord& r, Date at, std::optional<T> ImagingStudy::*f) {
  return latest_imaging_with(r, at, f);
}

}  // namespace

TherapyPlan plan_therapy(const PatientRecord& r, Date at, const Scores& scores, Detail detail) {
  const bool explain = detail == Detail::Full;
  TherapyPlan plan;
  // Lines from the systemic-therapy history: each change of regimen is a new line; consecutive
  // episodes of one regimen are one line.
  std::vector<const SystemicTherapy*> given;
  for (const auto& s : r.systemic)
    if (s.start <= at) given.push_back(&s);
  std::stable_sort(given.begin(), given.end(),
                   [](const SystemicTherapy* a, const SystemicTherapy* b) { return a->start < b->start; });
  std::vector<Episode> episodes;
  int n = 0;
  for (const auto* s : given) {
    if (episodes.empty() || episodes.back().s->regimen != s->regimen) ++n;
    episodes.push_back({s, n});
  }
  const SystemicTherapy* last = episodes.empty() ? nullptr : episodes.back().s;
  const bool ongoing = last && (!last->end || *last->end > at);
  const SystemicTherapy* current = nullptr;
  if (ongoing) {
    current = last;
    // The line's first episode gives its start.
    for (const auto& e : episodes)
      if (e.line == n) {
        current = e.s;
        break;
      }
    plan.line = n;
    plan.current_regimen = current->regimen;
    if (explain)
      plan.reasons.push_back(
          format_text(FMT_COMPILE("on {} since {} (line {}): the options below are those of line {}"), current->regimen,
                      current->start.iso(), plan.line, plan.line));
  } else {
    plan.line = n + 1;
    if (!explain) {
    } else if (!last) plan.reasons.emplace_back("no systemic therapy recorded: first line");
    else
      plan.reasons.push_back(format_text(
          FMT_COMPILE("{} stopped on {}{}: line {}"), last->regimen, last->end ? last->end->iso() : "?",
          last->stop_reason ? format_text(FMT_COMPILE(" ({})"), to_string(*last->stop_reason)) : "", plan.line));
  }
  std::vector<Episode> history;
  for (const auto& e : episodes)
    if (e.line < plan.line) history.push_back(e);
  for (const auto& e : history)
    if (e.line == plan.line - 1) {
      plan.prior_regimen = e.s->regimen;
      break;
    }
  if (explain && plan.line >= 3) {
    std::string earlier;
    for (const auto& e : history) earlier += (earlier.empty() ? "" : "; ") + episode_text(e);
    plan.reasons.push_back(format_text(FMT_COMPILE("earlier lines: {}"), earlier));
  }

  Context c{r,
            at,
            explain,
            plan.line,
            std::nullopt,
            std::nullopt,
            latest_ecog(r, at),
            nullptr,
            latest_lab(r.labs.afp_ng_per_ml, at),
            latest(r, at, &ImagingStudy::vascular_invasion),
            latest(r, at, &ImagingStudy::liver_occupation_percent),
            latest(r, at, &ImagingStudy::bile_duct_invasion),
            std::move(history)};
  if (scores.child_pugh) {
    c.cp_class = scores.child_pugh->cls;
    c.cp_points = scores.child_pugh->points;
  }
  if (const auto* w = latest_weight(r, at)) c.weight = &*w->weight_kg;

  plan.supportive_care_only = (c.cp_class == 'C') || (c.ecog && *c.ecog->ecog > 2);
  if (explain && plan.supportive_care_only)
    plan.reasons.push_back(c.cp_class == 'C'
                               ? std::string("Child-Pugh C: best supportive care only (BCLC 2022 stage D)")
                               : format_text(FMT_COMPILE("{} > 2: best supportive care only (BCLC 2022 stage D)"),
                                             ecog_text(*c.ecog, at)));

  for (const auto& reg : regimens()) plan.options.push_back(assess(reg, c));
  // The first eligible option in the knowledge base's ranking is the recommendation; every
  // other eligible option says why it ranks lower.
  const TherapyOption* first = nullptr;
  for (auto& o : plan.options) {
    if (o.status != OptionStatus::Eligible) continue;
    if (!first) {
      o.status = OptionStatus::Recommended;
      first = &o;
      if (!explain) continue;
      o.reasons.insert(o.reasons.begin(),
                       plan.line == 1 && o.regimen->immunotherapy
                           ? "first choice: immunotherapy combinations first when not contraindicated "
                             "(IMbrave150, HIMALAYA, CheckMate 9DW; KLCA-NCC 2022, AASLD 2023)"
                           : "first choice: highest-ranked eligible option for this line");
      continue;
    }
    if (explain)
      o.reasons.insert(o.reasons.begin(), format_text(FMT_COMPILE("ranked below {}: {}"), first->regimen->name,
                                                      rank_reason(*o.regimen, plan.line)));
  }
  // Ranked for display: status first, then the knowledge base's order.
  std::stable_sort(plan.options.begin(), plan.options.end(), [](const TherapyOption& a, const TherapyOption& b) {
    return severity(a.status) < severity(b.status);
  });
  if (!explain) return plan;
  plan.trial_information = {
      "TACE combined with systemic agents is not routine outside trials:",
      "TACE + sorafenib failed to improve overall survival (SPACE, ORIENTAL)",
      "TACE + durvalumab + bevacizumab (EMERALD-1): PFS 15.0 vs 8.2 months",
      "TACE + lenvatinib + pembrolizumab (LEAP-012): PFS 14.6 vs 10.0 months; closed in 2025, overall survival not "
      "significant",
  };
  return plan;
}

}  // namespace switchpoint
