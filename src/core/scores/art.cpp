#include "core/scores/art.h"

#include <fmt/compile.h>
#include <fmt/format.h>

#include "core/number_text.h"
#include "core/response/assessment.h"
#include "core/scores/tace_course.h"
#include "core/text.h"
#include "core/timeline.h"
#include "core/units.h"

namespace switchpoint {

double art_ast_points(double before, double now) {
  // Rise as difference × 100 / reference, so 40 → 50 U/L is exactly 25% (no point).
  return above((now - before) * 100.0 / before, 25.0) ? 4.0 : 0.0;
}

double art_child_pugh_points(int rise) {
  if (rise <= 0) return 0.0;
  if (rise == 1) return 1.5;
  return 3.0;
}

double art_response_points(MrecistCategory c) {
  return (c == MrecistCategory::CR || c == MrecistCategory::PR) ? 0.0 : 1.0;
}

ArtGroup art_group(double points) {
  if (at_most(points, 1.5)) return ArtGroup::FavoursRetreatment;
  if (at_least(points, 2.5)) return ArtGroup::PoorPrognosis;
  return ArtGroup::BetweenGroups;
}

std::string_view to_string(ArtGroup g) {
  switch (g) {
    case ArtGroup::FavoursRetreatment:
      return "favours-retreatment";
    case ArtGroup::BetweenGroups:
      return "between-groups";
    case ArtGroup::PoorPrognosis:
      return "poor-prognosis";
  }
  return "?";
}

namespace {

std::string group_text(ArtGroup g) {
  switch (g) {
    case ArtGroup::FavoursRetreatment:
      return "0–1.5: favours retreatment";
    case ArtGroup::BetweenGroups:
      return "between the published groups (0–1.5 favours retreatment, ≥ 2.5 poor prognosis): no interpretation";
    case ArtGroup::PoorPrognosis:
      return "≥ 2.5: poor prognosis (median OS 6.6 vs 23.5 months)";
  }
  return "?";
}

}  // namespace

ArtResult art(const PatientRecord& r, Date at, Detail detail) {
  ArtResult out{std::nullopt, std::nullopt, start_score("art", "art", at, detail)};
  ScoreResult& rep = out.report;
  if (tace_sessions_before(r, at) == 0) {
    rep.applicable = false;
    rep.summary = "before the first TACE: ART is assessed before the 2nd and later sessions";
    return out;
  }
  const Date first = r.tace.front().date;
  double known = 0;        // points of the components that are known
  double missing_max = 0;  // the most the missing components could add

  // AST: the latest on or before the first session vs the latest after it (P-input-currency).
  const LabValue* ast0 = latest_lab(r.labs.ast_u_per_l, first);
  const LabValue* ast1 = latest_lab(r.labs.ast_u_per_l, at);
  if (ast1 != nullptr && !(ast1->date > first)) ast1 = nullptr;
  if (ast0 == nullptr)
    rep.missing.push_back(
        format_text(FMT_COMPILE("ast before the first TACE (on or within 30 days before {})"), first.iso()));
  if (ast1 == nullptr) rep.missing.emplace_back("ast after the first TACE (within 30 days)");
  if (ast0 != nullptr && ast1 != nullptr) {
    const double p = art_ast_points(ast0->value, ast1->value);
    known += p;
    rep.use("ast before the first TACE", ast0->date, [&] { return describe(*ast0, Quantity::Ast); });
    rep.use("ast", ast1->date, [&] {
      return format_text(FMT_COMPILE("{} ({:+.1f}% from before the first TACE) → {} points"),
                         describe(*ast1, Quantity::Ast), (ast1->value - ast0->value) * 100.0 / ast0->value, G{p});
    });
  } else {
    missing_max += 4.0;
  }

  const ChildPughChange cp = child_pugh_change(r, first, at, rep);
  if (cp.rise) {
    const double p = art_child_pugh_points(*cp.rise);
    known += p;
    rep.use("child_pugh rise", at,
            [&] { return format_text(FMT_COMPILE("{:+d} points → {} points"), *cp.rise, G{p}); });
  } else {
    missing_max += 3.0;
  }

  if (const auto resp = response_after_last_tace(r, at, rep)) {
    const double p = art_response_points(*resp);
    known += p;
    rep.use("radiological response", at,
            [&] { return format_text(FMT_COMPILE("{} → {} point{}"), to_string(*resp), G{p}, p == 1.0 ? "" : "s"); });
  } else {
    missing_max += 1.0;
  }

  if (missing_max > 0) {
    if (at_least(known, 2.5)) out.group = ArtGroup::PoorPrognosis;
    else if (at_most(known + missing_max, 1.5)) out.group = ArtGroup::FavoursRetreatment;
    if (out.group)
      rep.note([&] {
        return format_text(FMT_COMPILE("not computed, but the known components give {} points and the missing ones "
                                       "at most {} more: {}"),
                           G{known}, G{missing_max}, group_text(*out.group));
      });
    return out;
  }
  const Art a{known, art_group(known)};
  out.value = a;
  out.group = a.group;
  rep.computed = true;
  rep.summarize([&] { return format_text(FMT_COMPILE("{} points, {}"), Fixed{a.points, 1}, group_text(a.group)); });
  rep.fields.push_back({"points", Number{a.points, 1}});
  rep.fields.push_back({"interpretation", std::string(to_string(a.group))});
  return out;
}

}  // namespace switchpoint
