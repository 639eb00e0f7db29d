#include "core/candidacy.h"

#include <fmt/compile.h>
#include <fmt/format.h>

#include "core/number_text.h"
#include "core/refractoriness/apple.h"
#include "core/scores/tumor_burden.h"
#include "core/text.h"
#include "core/timeline.h"

namespace switchpoint {
namespace {

// The conjunction of a guideline's conditions: one failing → not a candidate; all passing →
// candidate; otherwise unknown, naming what is missing.
struct Conditions {
  std::vector<std::string> reasons, missing;
  bool failed = false, unknown = false;

  void require(std::optional<bool> ok, std::string pass, std::string fail, std::string missing_input) {
    if (!ok) {
      unknown = true;
      missing.push_back(std::move(missing_input));
    } else if (*ok) {
      reasons.push_back(std::move(pass));
    } else {
      failed = true;
      reasons.push_back(std::move(fail));
    }
  }
  CandidacyResult result(std::string_view guideline) {
    CandidacyResult c;
    c.guideline = std::string(guideline);
    c.rule = &rule("candidacy/" + std::string(guideline));
    c.candidate = failed ? std::optional<bool>(false) : unknown ? std::nullopt : std::optional<bool>(true);
    c.reasons = std::move(reasons);
    if (!failed) c.missing = std::move(missing);
    return c;
  }
};

struct Findings {
  std::optional<int> count;
  std::optional<double> largest_cm;
  std::optional<VascularInvasion> vascular;
  std::optional<bool> ehs;
  std::optional<Morphology> morphology;
  std::optional<bool> bilobar;
  std::optional<BclcStage> bclc;
  std::optional<char> cp_class;
  std::optional<int> cp_points;
  std::optional<int> ecog;
  std::optional<double> creatinine;
  std::optional<Ascites> ascites;
  std::optional<Encephalopathy> encephalopathy;
  bool recent_variceal_bleeding = false;
  std::optional<bool> curative_unsuitable;
};

template <typename T>
std::optional<T> from_study(const PatientRecord& r, Date at, std::optional<T> ImagingStudy::*field) {
  const ImagingStudy* s = latest_imaging_with(r, at, field);
  return s ? (*s).*field : std::nullopt;
}

Findings gather(const PatientRecord& r, Date at, const Scores& scores) {
  Findings f;
  f.count = from_study(r, at, &ImagingStudy::intrahepatic_tumor_count);
  f.largest_cm = from_study(r, at, &ImagingStudy::largest_diameter_cm);
  f.vascular = from_study(r, at, &ImagingStudy::vascular_invasion);
  f.ehs = from_study(r, at, &ImagingStudy::extrahepatic_spread);
  f.morphology = from_study(r, at, &ImagingStudy::morphology);
  f.bilobar = from_study(r, at, &ImagingStudy::bilobar);
  if (scores.bclc) f.bclc = scores.bclc->stage;
  if (scores.child_pugh) {
    f.cp_class = scores.child_pugh->cls;
    f.cp_points = scores.child_pugh->points;
  }
  if (const auto* e = latest_ecog(r, at)) f.ecog = e->ecog;
  if (const auto* v = latest_lab(r.labs.creatinine_umol_per_l, at)) f.creatinine = v->value;
  if (const auto* a = latest_ascites(r, at)) f.ascites = a->ascites;
  if (const auto* e = latest_encephalopathy(r, at)) f.encephalopathy = e->encephalopathy;
  for (const auto& c : r.conditions)
    if (c.kind == ConditionKind::VaricealBleeding && c.onset && *c.onset <= at && days_between(*c.onset, at) <= 183)
      f.recent_variceal_bleeding = true;
  f.curative_unsuitable = r.curative_treatment_unsuitable;
  return f;
}

std::string_view stage_text(std::optional<BclcStage> s) { return s ? to_string(*s) : "?"; }

template <typename T, typename F>
std::optional<bool> test(const std::optional<T>& v, F f) {
  if (!v) return std::nullopt;
  return f(*v);
}

std::optional<bool> no_vascular_invasion(const Findings& f) {
  return test(f.vascular, [](VascularInvasion v) { return v == VascularInvasion::Absent; });
}
std::optional<bool> no_ehs(const Findings& f) {
  return test(f.ehs, [](bool e) { return !e; });
}

void common_tumour_exclusions(Conditions& c, const Findings& f) {
  c.require(no_vascular_invasion(f), "no vascular invasion",
            format_text(FMT_COMPILE("vascular invasion ({})"), f.vascular ? to_string(*f.vascular) : ""),
            "vascular invasion status");
  c.require(no_ehs(f), "no extrahepatic spread", "extrahepatic spread", "extrahepatic spread status");
}

void curative_unsuitable(Conditions& c, const Findings& f) {
  c.require(f.curative_unsuitable, "curative treatment (resection, transplantation, ablation) judged unsuitable",
            "curative treatment is an option: TACE is not the first choice",
            "whether resection, transplantation or ablation is unsuitable (patient.curative_treatment_unsuitable)");
}

CandidacyResult apasl(const Findings& f) {
  Conditions c;
  curative_unsuitable(c, f);
  std::optional<bool> large_or_multi;
  if (f.count && *f.count >= 2) large_or_multi = true;
  else if (f.largest_cm && above(*f.largest_cm, 5.0)) large_or_multi = true;
  else if (f.count && f.largest_cm) large_or_multi = false;
  c.require(large_or_multi, "large (> 5 cm) or multifocal HCC", "single HCC ≤ 5 cm: not large or multifocal",
            "tumour count and largest diameter");
  common_tumour_exclusions(c, f);
  return c.result("apasl-2017");
}

CandidacyResult easl(const Findings& f) {
  Conditions c;
  c.require(test(f.bclc, [](BclcStage s) { return s == BclcStage::B; }), "BCLC B",
            format_text(FMT_COMPILE("BCLC {} (TACE is the BCLC B treatment)"), stage_text(f.bclc)), "BCLC stage");
  std::optional<bool> compensated;
  if ((f.cp_points && *f.cp_points >= 8) || f.ascites == Ascites::ModerateSevere ||
      (f.encephalopathy && *f.encephalopathy != Encephalopathy::None) || f.recent_variceal_bleeding)
    compensated = false;
  else if (f.cp_points && f.ascites && f.encephalopathy) compensated = true;
  c.require(
      compensated,
      "no decompensation (Child-Pugh < 8, no moderate-severe ascites, no encephalopathy, no recent variceal bleeding)",
      "decompensated liver disease (Child-Pugh ≥ B8, moderate-severe ascites, encephalopathy or variceal bleeding "
      "within 6 months)",
      "Child-Pugh, ascites and encephalopathy");
  c.require(test(f.creatinine, [](double v) { return at_most(v, 2.0 * 88.4); }), "creatinine ≤ 2 mg/dL",
            format_text(FMT_COMPILE("creatinine {} µmol/L > 2 mg/dL (advanced kidney dysfunction)"),
                        G{f.creatinine.value_or(0)}),
            "creatinine");
  common_tumour_exclusions(c, f);
  return c.result("easl-2018");
}

CandidacyResult klca(const Findings& f) {
  Conditions c;
  c.require(test(f.ecog, [](int e) { return e <= 1; }), "good performance status (ECOG 0–1)",
            format_text(FMT_COMPILE("ECOG {}: performance status not good"), f.ecog.value_or(-1)), "ECOG");
  c.require(test(f.vascular, [](VascularInvasion v) { return v != VascularInvasion::MainPortalVein; }),
            "no major (main portal vein) vascular invasion", "main portal vein invasion", "vascular invasion status");
  c.require(no_ehs(f), "no extrahepatic spread", "extrahepatic spread", "extrahepatic spread status");
  curative_unsuitable(c, f);
  return c.result("klca-ncc-2019");
}

CandidacyResult jsh(const Findings& f) {
  Conditions c;
  curative_unsuitable(c, f);
  c.require(test(f.cp_class, [](char k) { return k == 'A' || k == 'B'; }), "Child-Pugh A or B", "Child-Pugh C",
            "Child-Pugh class");
  std::optional<bool> burden;
  if (f.count && *f.count >= 4) burden = true;
  else if (f.count && *f.count >= 1 && f.largest_cm) burden = at_least(*f.largest_cm, 3.0);
  else if (f.count && *f.count == 0) burden = false;
  c.require(burden, "1–3 nodules with the largest ≥ 3 cm, or ≥ 4 nodules",
            "1–3 nodules all < 3 cm (ablation or resection territory) or no nodule",
            "tumour count and largest diameter");
  common_tumour_exclusions(c, f);
  return c.result("jsh-2019");
}

CandidacyResult bclc(const Findings& f) {
  Conditions c;
  c.require(test(f.bclc, [](BclcStage s) { return s == BclcStage::B; }), "BCLC B",
            format_text(FMT_COMPILE("BCLC {}"), stage_text(f.bclc)), "BCLC stage");
  c.require(
      test(f.morphology,
           [](Morphology m) { return m != Morphology::MassiveInfiltrative && m != Morphology::MultipleDisseminated; }),
      "well-defined nodules", "diffuse or infiltrative disease: systemic therapy instead", "tumour morphology");
  std::optional<bool> not_extensive;
  std::optional<double> sum;
  if (f.count && f.largest_cm) sum = up_to_seven_value(*f.largest_cm, *f.count);
  if (f.bilobar && !*f.bilobar) not_extensive = true;
  else if (sum && !beyond_up_to_seven(*sum)) not_extensive = true;
  else if (f.bilobar && sum) not_extensive = false;
  c.require(not_extensive, "not extensive bilobar disease", "extensive bilobar disease (bilobar, beyond up-to-seven)",
            "bilobar extent and tumour burden");
  return c.result("bclc-2022");
}

}  // namespace

std::vector<CandidacyResult> evaluate_candidacy(const PatientRecord& r, Date at, const Scores& scores) {
  const Findings f = gather(r, at, scores);
  return {apasl(f), easl(f), klca(f), jsh(f), bclc(f)};
}

}  // namespace switchpoint
