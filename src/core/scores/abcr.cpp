#include "core/scores/abcr.h"

#include <fmt/compile.h>
#include <fmt/format.h>

#include "core/response/assessment.h"
#include "core/scores/tace_course.h"
#include "core/text.h"
#include "core/timeline.h"
#include "core/units.h"

namespace switchpoint {

int abcr_afp_points(double afp) { return at_least(afp, 200.0) ? 1 : 0; }

std::optional<int> abcr_bclc_points(BclcStage s) {
  switch (s) {
    case BclcStage::A:
      return 0;
    case BclcStage::B:
      return 2;
    case BclcStage::C:
      return 3;
    case BclcStage::Stage0:
    case BclcStage::D:
      break;
  }
  return std::nullopt;
}

int abcr_child_pugh_points(int rise) { return rise >= 2 ? 2 : 0; }

int abcr_response_points(MrecistCategory c) { return (c == MrecistCategory::CR || c == MrecistCategory::PR) ? -3 : 0; }

AbcrGroup abcr_group(int points) {
  if (points <= 0) return AbcrGroup::FavoursRetreatment;
  if (points >= 4) return AbcrGroup::NoBenefit;
  return AbcrGroup::Intermediate;
}

std::string_view to_string(AbcrGroup g) {
  switch (g) {
    case AbcrGroup::FavoursRetreatment:
      return "favours-retreatment";
    case AbcrGroup::Intermediate:
      return "intermediate";
    case AbcrGroup::NoBenefit:
      return "no-benefit";
  }
  return "?";
}

namespace {
constexpr const char* kInformational =
    "informational only (grade U): the ABCR points are not verified against the source and may not trigger "
    "refractoriness, a verdict or a contraindication";

std::string points_text(int p) { return format_text(FMT_COMPILE("{} point{}"), p, (p == 1 || p == -1) ? "" : "s"); }
}  // namespace

AbcrResult abcr(const PatientRecord& r, Date at, Detail detail) {
  AbcrResult out{std::nullopt, start_score("abcr", "abcr", at, detail)};
  ScoreResult& rep = out.report;
  rep.note([] { return std::string(kInformational); });
  if (tace_sessions_before(r, at) == 0) {
    rep.applicable = false;
    rep.summary = "before the first TACE: ABCR is assessed before the 2nd and later sessions";
    return out;
  }
  const Date first = r.tace.front().date;
  int points = 0;
  bool complete = true;

  // AFP and BCLC describe the patient at baseline (Adhoute 2015), i.e. on or before the first session.
  if (const LabValue* afp = latest_lab(r.labs.afp_ng_per_ml, first)) {
    const int p = abcr_afp_points(afp->value);
    points += p;
    rep.use("afp before the first TACE", afp->date,
            [&] { return format_text(FMT_COMPILE("{} → {}"), describe(*afp, Quantity::Afp), points_text(p)); });
  } else {
    complete = false;
    rep.missing.push_back(
        format_text(FMT_COMPILE("afp before the first TACE (on or within 30 days before {})"), first.iso()));
  }

  const BclcResult stage = bclc(r, first, detail);
  if (stage.value) {
    const std::optional<int> p = abcr_bclc_points(stage.value->stage);
    if (!p) {
      rep.applicable = false;
      rep.summary =
          format_text(FMT_COMPILE("BCLC stage {} before the first TACE: ABCR gives points only for stages A, B and C"),
                      to_string(stage.value->stage));
      return out;
    }
    points += *p;
    rep.use("bclc before the first TACE", first,
            [&] { return format_text(FMT_COMPILE("stage {} → {}"), to_string(stage.value->stage), points_text(*p)); });
  } else {
    complete = false;
    std::string parts;
    for (const auto& m : stage.report.missing) parts += (parts.empty() ? "" : ", ") + m;
    rep.missing.push_back(format_text(FMT_COMPILE("bclc before the first TACE ({})"),
                                      parts.empty() ? stage.report.summary : "missing " + parts));
  }

  const ChildPughChange cp = child_pugh_change(r, first, at, rep);
  if (cp.rise) {
    const int p = abcr_child_pugh_points(*cp.rise);
    points += p;
    rep.use("child_pugh rise", at,
            [&] { return format_text(FMT_COMPILE("{:+d} points → {}"), *cp.rise, points_text(p)); });
  } else {
    complete = false;
  }

  if (const auto resp = response_after_last_tace(r, at, rep)) {
    const int p = abcr_response_points(*resp);
    points += p;
    rep.use("radiological response", at,
            [&] { return format_text(FMT_COMPILE("{} → {}"), to_string(*resp), points_text(p)); });
  } else {
    complete = false;
  }
  if (!complete) return out;

  const Abcr a{points, abcr_group(points)};
  out.value = a;
  rep.computed = true;
  std::string_view meaning = "≤ 0: favours retreatment";
  if (a.group == AbcrGroup::Intermediate) meaning = "1–3: between the published groups";
  if (a.group == AbcrGroup::NoBenefit) meaning = "≥ 4: no benefit from retreatment";
  rep.summarize([&] { return format_text(FMT_COMPILE("{}, {}; informational only"), points_text(a.points), meaning); });
  rep.fields.push_back({"points", a.points});
  rep.fields.push_back({"interpretation", std::string(to_string(a.group))});
  return out;
}

}  // namespace switchpoint
