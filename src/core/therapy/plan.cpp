#include "core/therapy/plan.h"

#include <algorithm>
#include <fmt/format.h>

#include "core/scores/lookup.h"
#include "core/timeline.h"

namespace switchpoint {

std::string_view to_string(OptionStatus s) {
  switch (s) {
    case OptionStatus::Recommended: return "recommended";
    case OptionStatus::Eligible: return "eligible";
    case OptionStatus::NeedsPrerequisite: return "needs-prerequisite";
    case OptionStatus::Caution: return "caution";
    case OptionStatus::NotIndicated: return "not-indicated";
    case OptionStatus::Contraindicated: return "contraindicated";
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
    case OptionStatus::Contraindicated: return 5;
    case OptionStatus::NotIndicated: return 4;
    case OptionStatus::NeedsPrerequisite: return 3;
    case OptionStatus::Caution: return 2;
    case OptionStatus::Eligible: return 1;
    case OptionStatus::Recommended: return 0;
  }
  return 0;
}

struct Assess {
  TherapyOption o;
  void raise(OptionStatus s, std::string why) {
    if (severity(s) > severity(o.status)) o.status = s;
    o.reasons.push_back(std::move(why));
  }
  void note(std::string why) { o.reasons.push_back(std::move(why)); }
  void prerequisite(std::string what) {
    raise(OptionStatus::NeedsPrerequisite, "prerequisite: " + what);
    o.prerequisites.push_back(std::move(what));
  }
};

struct Context {
  const PatientRecord& r;
  Date at;
  int line;
  std::optional<char> cp_class;
  std::optional<int> cp_points;
  const ClinicalAssessment* ecog;
  const LabValue* weight;
  const LabValue* afp;
  const ImagingStudy* vascular;
  const ImagingStudy* occupation;
  const ImagingStudy* bile_duct;
  const SystemicTherapy* prior;  // the episode of the previous line
};

void general_eligibility(Assess& a, const Context& c) {
  if (!c.cp_class) {
    a.prerequisite("Child-Pugh assessment within 30 days (bilirubin, albumin, INR, ascites, encephalopathy)");
  } else if (*c.cp_class == 'C') {
    a.raise(OptionStatus::Contraindicated,
            fmt::format("Child-Pugh C{}: best supportive care only (seed 004 pitfall 3)", *c.cp_points));
  } else if (*c.cp_class == 'B') {
    if (c.line >= 2)
      a.raise(OptionStatus::NotIndicated, fmt::format("Child-Pugh B{}: no second-line agent is approved for Child-Pugh B (seed 004)", *c.cp_points));
    else if (*c.cp_points == 7)
      a.raise(OptionStatus::Caution, "Child-Pugh B7: no regimen has trial evidence (trials enrolled Child-Pugh A)");
    else
      a.raise(OptionStatus::Caution, fmt::format("Child-Pugh B{}: systemic therapy generally not recommended; "
                                                 "individual decision",
                                                 *c.cp_points));
  } else {
    a.note(fmt::format("Child-Pugh A{}", *c.cp_points));
  }
  if (!c.ecog) {
    a.prerequisite("ECOG performance status within 30 days");
  } else if (*c.ecog->ecog > 2) {
    a.raise(OptionStatus::Contraindicated, fmt::format("ECOG {} on {} > 2: best supportive care only", *c.ecog->ecog, c.ecog->date.iso()));
  } else if (*c.ecog->ecog == 2) {
    if (c.line >= 2)
      a.raise(OptionStatus::NotIndicated, fmt::format("ECOG 2 on {}: second line is for ECOG 0–1 only (seed 004)", c.ecog->date.iso()));
    else
      a.raise(OptionStatus::Caution, fmt::format("ECOG 2 on {}: outside the trial populations (ECOG 0–1)", c.ecog->date.iso()));
  } else {
    a.note(fmt::format("ECOG {} ({})", *c.ecog->ecog, c.ecog->date.iso()));
  }
}

void immunotherapy_checks(Assess& a, const Context& c) {
  if (condition_active(c.r, ConditionKind::ActiveAutoimmuneDisease, c.at))
    a.raise(OptionStatus::Contraindicated, "active autoimmune disease: immune checkpoint inhibitors contraindicated");
  if (condition_active(c.r, ConditionKind::SolidOrganTransplant, c.at))
    a.raise(OptionStatus::Contraindicated, "solid-organ transplant: immune checkpoint inhibitors contraindicated (rejection)");
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
    a.prerequisite(fmt::format("upper GI endoscopy with treatment of varices before the first dose (none within the 6 "
                               "months before {}{})",
                               c.at.iso(), last ? fmt::format("; last {}", last->date.iso()) : std::string("; none recorded")));
  } else if (e->varices == Varices::HighRiskUntreated) {
    a.raise(OptionStatus::Contraindicated,
            fmt::format("untreated high-risk varices on endoscopy {}: treat (band ligation) before bevacizumab", e->date.iso()));
  } else {
    a.note(fmt::format("upper GI endoscopy {} (varices {}): within 6 months", e->date.iso(), to_string(e->varices)));
  }
}

void lenvatinib_checks(Assess& a, const Context& c) {
  // REFLECT exclusions (seed 004 pitfall 5).
  if (!c.vascular) a.prerequisite("imaging report of portal vein invasion (REFLECT excluded main portal vein invasion)");
  else if (*c.vascular->vascular_invasion == VascularInvasion::MainPortalVein)
    a.raise(OptionStatus::Contraindicated, fmt::format("main portal vein invasion on {} (REFLECT exclusion; seed 004 pitfall 5)", c.vascular->date.iso()));
  if (!c.occupation) a.prerequisite("liver occupation % on imaging (REFLECT excluded ≥ 50%)");
  else if (at_least(*c.occupation->liver_occupation_percent, 50.0))
    a.raise(OptionStatus::Contraindicated, fmt::format("liver occupation {:g}% ≥ 50% on {} (REFLECT exclusion)",
                                                       *c.occupation->liver_occupation_percent, c.occupation->date.iso()));
  if (!c.bile_duct) a.prerequisite("imaging report of bile duct invasion (REFLECT exclusion)");
  else if (*c.bile_duct->bile_duct_invasion)
    a.raise(OptionStatus::Contraindicated, fmt::format("bile duct invasion on {} (REFLECT exclusion)", c.bile_duct->date.iso()));
}

void second_line_checks(Assess& a, const Context& c, std::string_view id) {
  if (id == "regorafenib") {
    const SystemicTherapy* p = c.prior;
    if (p->stop_reason == StopReason::Intolerance)
      a.raise(OptionStatus::NotIndicated,
              fmt::format("sorafenib stopped for intolerance on {}: regorafenib only after tolerated sorafenib (seed 004 pitfall 6)",
                          p->end ? p->end->iso() : "?"));
    else if (!p->dose_mg_per_day || !p->days_at_dose_last_28)
      a.prerequisite("sorafenib tolerance: daily dose and days at that dose in the last 28 days (≥ 400 mg/day on ≥ 20 days)");
    else if (at_least(*p->dose_mg_per_day, 400.0) && *p->days_at_dose_last_28 >= 20)
      a.note(fmt::format("sorafenib tolerated: {:g} mg/day on {} of the last 28 days", *p->dose_mg_per_day, *p->days_at_dose_last_28));
    else
      a.raise(OptionStatus::NotIndicated, fmt::format("sorafenib not tolerated: {:g} mg/day on {} of the last 28 days "
                                                      "(needs ≥ 400 mg/day on ≥ 20 days; seed 004 pitfall 6)",
                                                      *p->dose_mg_per_day, *p->days_at_dose_last_28));
  } else if (id == "ramucirumab") {
    if (!c.afp) a.prerequisite("AFP within 30 days (ramucirumab needs AFP ≥ 400 ng/mL)");
    else if (at_least(c.afp->value, 400.0))
      a.note(fmt::format("AFP {:g} ng/mL on {} ≥ 400 (REACH-2 population)", c.afp->value, c.afp->date.iso()));
    else
      a.raise(OptionStatus::NotIndicated, fmt::format("AFP {:g} ng/mL on {} < 400: REACH-2 benefit only with AFP ≥ 400", c.afp->value, c.afp->date.iso()));
  }
}

// Which regimens belong to this line, given the previous one.
std::optional<std::string> line_reason(const Regimen& reg, const Context& c) {
  if (c.line == 1) {
    if (reg.line == TherapyLine::Second) return std::string("second-line agent: not for first line");
    return std::nullopt;
  }
  if (c.line > 2) return std::nullopt;
  const std::string_view prior = c.prior->regimen;
  if (reg.id == prior) return fmt::format("given in line 1 ({} from {})", prior, c.prior->start.iso());
  if (is_immunotherapy_regimen(prior)) {
    if (reg.id == "lenvatinib" || reg.id == "sorafenib") return std::nullopt;
    return fmt::format("not a listed option after an immunotherapy-based first line ({})", prior);
  }
  if (prior == "sorafenib") {
    if (reg.line == TherapyLine::Second) return std::nullopt;
    return std::string("not a listed second-line option after sorafenib");
  }
  if (prior == "lenvatinib") {
    if (reg.id == "sorafenib" || reg.id == "cabozantinib") return std::nullopt;
    return std::string("not a listed option after lenvatinib");
  }
  return std::nullopt;
}

TherapyOption assess(const Regimen& reg, const Context& c) {
  Assess a;
  a.o.regimen = &reg;
  const DoseText dose = dose_for(reg, c.weight);
  a.o.dose = dose.text;
  if (auto why = line_reason(reg, c)) {
    a.raise(OptionStatus::NotIndicated, *why);
    return a.o;
  }
  general_eligibility(a, c);
  if (reg.immunotherapy) immunotherapy_checks(a, c);
  if (reg.bevacizumab) bevacizumab_checks(a, c);
  if (reg.lenvatinib) lenvatinib_checks(a, c);
  if (reg.caution_main_portal_vein && c.vascular && *c.vascular->vascular_invasion == VascularInvasion::MainPortalVein)
    a.raise(OptionStatus::Caution, fmt::format("main portal vein invasion on {}: excluded from HIMALAYA", c.vascular->date.iso()));
  if (c.line == 2) {
    second_line_checks(a, c, reg.id);
    if (is_immunotherapy_regimen(c.prior->regimen) && (reg.id == "lenvatinib" || reg.id == "sorafenib"))
      a.raise(OptionStatus::Caution, "after immunotherapy: reasonable by mechanism, no prospective data (seed 004)");
    if (c.prior->regimen == "lenvatinib")
      a.raise(OptionStatus::Caution, "after lenvatinib: no randomized evidence; individual option");
  }
  if (c.line > 2)
    a.raise(OptionStatus::Caution, "beyond second line: no randomized evidence; individual decision");
  if (dose.needs_weight) a.prerequisite("current body weight (the dose is weight-based)");
  a.note(std::string(reg.evidence));
  return a.o;
}

std::string rank_reason(const Regimen& r, int line) {
  if (line >= 2) return "listed after it for this line (CLINICAL_RULES §7 order)";
  if (r.immunotherapy && r.doses.size() > 1)
    return "seed 004 prefers atezolizumab-bevacizumab; the other immunotherapy combinations follow (AASLD 2023 lists STRIDE alongside)";
  if (r.immunotherapy) return "immunotherapy monotherapy: non-inferior to sorafenib, ranked below the combinations";
  return "tyrosine kinase inhibitors are used when an immune checkpoint inhibitor is contraindicated (seed 004 step 3)";
}

template <typename T>
const ImagingStudy* latest(const PatientRecord& r, Date at, std::optional<T> ImagingStudy::*f) {
  return latest_imaging_with(r, at, f);
}

}  // namespace

TherapyPlan plan_therapy(const PatientRecord& r, Date at, const std::vector<ScoreResult>& scores) {
  TherapyPlan plan;
  // Lines from the systemic-therapy history: each new regimen is a new line.
  std::vector<const SystemicTherapy*> lines;
  for (const auto& s : r.systemic) {
    if (s.start > at) continue;
    if (lines.empty() || lines.back()->regimen != s.regimen) lines.push_back(&s);
  }
  const SystemicTherapy* current = nullptr;
  if (!lines.empty() && (!lines.back()->end || *lines.back()->end > at)) current = lines.back();
  if (current) {
    plan.line = static_cast<int>(lines.size());
    plan.current_regimen = current->regimen;
    plan.reasons.push_back(fmt::format("on {} since {} (line {}): the options below are those of line {}",
                                       current->regimen, current->start.iso(), plan.line, plan.line));
  } else {
    plan.line = static_cast<int>(lines.size()) + 1;
    if (lines.empty()) plan.reasons.emplace_back("no systemic therapy recorded: first line");
    else
      plan.reasons.push_back(fmt::format("{} stopped on {}{}: line {}", lines.back()->regimen,
                                         lines.back()->end ? lines.back()->end->iso() : "?",
                                         lines.back()->stop_reason ? fmt::format(" ({})", to_string(*lines.back()->stop_reason)) : "",
                                         plan.line));
  }
  const SystemicTherapy* prior = plan.line >= 2 ? lines[static_cast<std::size_t>(plan.line) - 2] : nullptr;
  if (prior) plan.prior_regimen = prior->regimen;

  Context c{r, at, plan.line, std::nullopt, std::nullopt, latest_ecog(r, at), nullptr,
            latest_lab(r.labs.afp_ng_per_ml, at),
            latest(r, at, &ImagingStudy::vascular_invasion), latest(r, at, &ImagingStudy::liver_occupation_percent),
            latest(r, at, &ImagingStudy::bile_duct_invasion), prior};
  if (auto k = score_text(scores, "child_pugh", "class")) c.cp_class = k->at(0);
  if (auto p = score_number(scores, "child_pugh", "points")) c.cp_points = static_cast<int>(*p);
  if (const auto* w = latest_weight(r, at)) c.weight = &*w->weight_kg;

  plan.supportive_care_only = (c.cp_class == 'C') || (c.ecog && *c.ecog->ecog > 2);
  if (plan.supportive_care_only)
    plan.reasons.emplace_back(c.cp_class == 'C' ? "Child-Pugh C: best supportive care only (seed 004 pitfall 3)"
                                                : "ECOG > 2: best supportive care only (seed 004 pitfall 3)");

  for (const auto& reg : regimens()) plan.options.push_back(assess(reg, c));
  // The first eligible option in the knowledge base's ranking is the recommendation; every
  // other eligible option says why it ranks lower.
  const TherapyOption* first = nullptr;
  for (auto& o : plan.options) {
    if (o.status != OptionStatus::Eligible) continue;
    if (!first) {
      o.status = OptionStatus::Recommended;
      o.reasons.insert(o.reasons.begin(), plan.line == 1 && o.regimen->immunotherapy
                                              ? "first choice: immunotherapy combinations first when not contraindicated (seed 004 step 3)"
                                              : "first choice: highest-ranked eligible option for this line");
      first = &o;
      continue;
    }
    o.reasons.insert(o.reasons.begin(), fmt::format("ranked below {}: {}", first->regimen->name, rank_reason(*o.regimen, plan.line)));
  }
  // Ranked for display: status first, then the knowledge base's order.
  std::stable_sort(plan.options.begin(), plan.options.end(), [](const TherapyOption& a, const TherapyOption& b) {
    return severity(a.status) < severity(b.status);
  });
  plan.trial_information = {
      "TACE combined with systemic agents is not routine outside trials (seed 004):",
      "TACE + sorafenib failed to improve overall survival (SPACE, ORIENTAL)",
      "TACE + durvalumab + bevacizumab (EMERALD-1): PFS 15.0 vs 8.2 months",
      "TACE + lenvatinib + pembrolizumab (LEAP-012): PFS 14.6 vs 10.0 months; closed in 2025, overall survival not significant",
  };
  return plan;
}

}  // namespace switchpoint
