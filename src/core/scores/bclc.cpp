#include "core/scores/bclc.h"

#include <fmt/compile.h>
#include <fmt/format.h>
#include <algorithm>

#include "core/number_text.h"
#include "core/scores/child_pugh.h"
#include "core/scores/tumor_burden.h"
#include "core/text.h"
#include "core/timeline.h"
#include "core/units.h"

namespace switchpoint {

std::string_view to_string(BclcStage s) {
  switch (s) {
    case BclcStage::Stage0:
      return "0";
    case BclcStage::A:
      return "A";
    case BclcStage::B:
      return "B";
    case BclcStage::C:
      return "C";
    case BclcStage::D:
      return "D";
  }
  return "?";
}

BclcStage bclc_tumor_stage(int tumor_count, double largest_diameter_cm) {
  if (tumor_count == 1) return at_most(largest_diameter_cm, 2.0) ? BclcStage::Stage0 : BclcStage::A;
  if (tumor_count <= 3 && at_most(largest_diameter_cm, 3.0)) return BclcStage::A;
  return BclcStage::B;
}

BclcDecision bclc_decide(const BclcInputs& in) {
  BclcDecision d;
  // D: one positive criterion suffices, whatever else is unknown.
  if (in.child_pugh_class && *in.child_pugh_class == 'C')
    d.reasons.emplace_back("Child-Pugh C (end-stage liver function)");
  if (in.ecog && *in.ecog > 2) d.reasons.push_back(format_text(FMT_COMPILE("ECOG {} > 2"), *in.ecog));
  if (!d.reasons.empty()) {
    d.stage = BclcStage::D;
    return d;
  }
  // Anything else needs D excluded.
  if (!in.child_pugh_class) d.missing.push_back(BclcInput::ChildPugh);
  if (!in.ecog) d.missing.push_back(BclcInput::Ecog);
  if (!d.missing.empty()) return d;

  // C: one positive criterion suffices once D is excluded.
  if (*in.ecog >= 1) d.reasons.push_back(format_text(FMT_COMPILE("ECOG {} of 1–2"), *in.ecog));
  if (in.vascular_invasion && *in.vascular_invasion != VascularInvasion::Absent)
    d.reasons.push_back(format_text(FMT_COMPILE("macrovascular invasion ({})"), to_string(*in.vascular_invasion)));
  if (in.extrahepatic_spread && *in.extrahepatic_spread) d.reasons.emplace_back("extrahepatic spread");
  if (!d.reasons.empty()) {
    d.stage = BclcStage::C;
    return d;
  }
  // 0/A/B need every C criterion known absent.
  if (!in.vascular_invasion) d.missing.push_back(BclcInput::VascularInvasion);
  if (!in.extrahepatic_spread) d.missing.push_back(BclcInput::ExtrahepaticSpread);
  if (!in.tumor_count || !in.largest_diameter_cm) d.missing.push_back(BclcInput::TumorBurden);
  if (!d.missing.empty()) return d;
  if (*in.tumor_count == 0) {
    d.no_tumour = true;
    return d;
  }
  d.stage = bclc_tumor_stage(*in.tumor_count, *in.largest_diameter_cm);
  const int n = *in.tumor_count;
  const double cm = *in.largest_diameter_cm;
  switch (*d.stage) {
    case BclcStage::Stage0:
      d.reasons.push_back(format_text(FMT_COMPILE("single tumour of {} cm ≤ 2 cm"), G{cm}));
      break;
    case BclcStage::A:
      d.reasons.push_back(n == 1 ? format_text(FMT_COMPILE("single tumour of {} cm > 2 cm"), G{cm})
                                 : format_text(FMT_COMPILE("{} nodules, each ≤ 3 cm (largest {} cm)"), n, G{cm}));
      break;
    default:
      d.reasons.push_back(n > 3 ? format_text(FMT_COMPILE("{} nodules: multinodular beyond A"), n)
                                : format_text(FMT_COMPILE("{} nodules, largest {} cm > 3 cm: beyond A"), n, G{cm}));
      break;
  }
  return d;
}

BclcResult bclc(const PatientRecord& r, Date at, Detail detail) {
  return bclc(r, at, child_pugh(r, at, detail), latest_tumor_burden(r, at));
}

BclcResult bclc(const PatientRecord& r, Date at, const ChildPughResult& cp, const TumorBurdenLookup& tb) {
  BclcResult out{std::nullopt, start_score("bclc", "bclc-2022-stage", at)};
  ScoreResult& rep = out.report;
  BclcInputs in;

  if (cp.value) {
    in.child_pugh_class = cp.value->cls;
    Date latest = cp.report.used.front().date;
    for (const auto& u : cp.report.used) latest = std::max(latest, u.date);
    rep.used.push_back({"child_pugh", latest, cp.report.summary});
  }
  if (const auto* c = latest_ecog(r, at)) {
    in.ecog = *c->ecog;
    rep.used.push_back({"ecog", c->date, std::to_string(*c->ecog) + confirm_today_note(c->date, at)});
  }
  if (const auto* s = latest_imaging_with(r, at, &ImagingStudy::vascular_invasion)) {
    in.vascular_invasion = *s->vascular_invasion;
    rep.used.push_back({"vascular_invasion", s->date, std::string(to_string(*s->vascular_invasion))});
  }
  if (const auto* s = latest_imaging_with(r, at, &ImagingStudy::extrahepatic_spread)) {
    in.extrahepatic_spread = *s->extrahepatic_spread;
    rep.used.push_back({"extrahepatic_spread", s->date, *s->extrahepatic_spread ? "present" : "absent"});
  }
  if (tb.value) {
    in.tumor_count = tb.value->tumor_count;
    in.largest_diameter_cm = tb.value->largest_diameter_cm;
    rep.used.insert(rep.used.end(), tb.used.begin(), tb.used.end());
  }

  rep.notes.emplace_back("BCLC 2022 (Reig 2022) is applied; a 2025 BCLC update exists and is not encoded");
  const BclcDecision d = bclc_decide(in);
  for (BclcInput m : d.missing) {
    switch (m) {
      case BclcInput::ChildPugh: {
        std::string parts;
        for (const auto& x : cp.report.missing) parts += (parts.empty() ? "" : ", ") + x;
        rep.missing.push_back(format_text(FMT_COMPILE("child_pugh (missing {})"), parts));
        break;
      }
      case BclcInput::Ecog:
        rep.missing.emplace_back("ecog");
        break;
      case BclcInput::VascularInvasion:
        rep.missing.emplace_back("vascular_invasion");
        break;
      case BclcInput::ExtrahepaticSpread:
        rep.missing.emplace_back("extrahepatic_spread");
        break;
      case BclcInput::TumorBurden:
        rep.missing.insert(rep.missing.end(), tb.missing.begin(), tb.missing.end());
        break;
    }
  }
  if (d.no_tumour) {
    rep.applicable = false;
    rep.summary = format_text(FMT_COMPILE("no intrahepatic tumour on the imaging of {}, and no stage C or D criterion: "
                                          "BCLC 0–B describe a tumour"),
                              tb.value->study_date.iso());
    return out;
  }
  if (!d.stage) return out;

  Bclc b;
  b.stage = *d.stage;
  if (cp.value) b.child_pugh_points = cp.value->points;
  b.ecog = in.ecog;
  if (tb.value)
    b.within_up_to_seven = within_up_to_seven(up_to_seven_value(tb.value->largest_diameter_cm, tb.value->tumor_count));
  out.value = b;
  rep.computed = true;
  std::string why;
  for (const auto& x : d.reasons) why += (why.empty() ? "" : "; ") + x;
  rep.summary = format_text(FMT_COMPILE("stage {} ({})"), to_string(b.stage), why);
  rep.fields.push_back({"stage", std::string(to_string(b.stage))});
  if (b.stage != BclcStage::D && in.child_pugh_class == 'B')
    rep.notes.emplace_back(
        "Child-Pugh B: BCLC stages 0–C assume preserved liver function, which this patient does not have; "
        "the treatments the stage points to may not apply");
  return out;
}

bool bclc_b_gate(const BclcResult& stage, ScoreResult& rep, std::string_view name) {
  const ScoreResult& b = stage.report;
  if (!b.applicable) {
    rep.applicable = false;
    rep.summary =
        format_text(FMT_COMPILE("BCLC stage not defined ({}); {} subclassifies BCLC B only"), b.summary, name);
    return false;
  }
  if (!stage.value) {
    rep.missing = b.missing;
    rep.notes.push_back(format_text(FMT_COMPILE("{} needs the BCLC stage, which is not computed"), name));
    return false;
  }
  if (stage.value->stage != BclcStage::B) {
    rep.applicable = false;
    rep.summary =
        format_text(FMT_COMPILE("BCLC stage {}: {} subclassifies BCLC B only"), to_string(stage.value->stage), name);
    return false;
  }
  rep.used.push_back({"bclc", b.at, std::string(to_string(stage.value->stage))});
  for (const auto& u : b.used)
    if (u.name != "vascular_invasion" && u.name != "extrahepatic_spread") rep.used.push_back(u);
  return true;
}

}  // namespace switchpoint
