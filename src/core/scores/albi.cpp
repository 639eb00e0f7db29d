#include "core/scores/albi.h"

#include <fmt/compile.h>
#include <fmt/format.h>
#include <cmath>

#include "core/number_text.h"
#include "core/text.h"
#include "core/timeline.h"

namespace switchpoint {

double albi_value(double bilirubin_umol_per_l, double albumin_g_per_l) {
  return 0.66 * std::log10(bilirubin_umol_per_l) - 0.085 * albumin_g_per_l;
}

int albi_grade(double v) {
  if (at_most(v, -2.60)) return 1;
  if (at_most(v, -1.39)) return 2;
  return 3;
}

std::string_view malbi_grade(double v) {
  switch (albi_grade(v)) {
    case 1:
      return "1";
    case 2:
      return at_most(v, -2.270) ? "2a" : "2b";
    default:
      return "3";
  }
}

int albi_display_decimals(double v) {
  for (int d = 3; d < 9; ++d) {
    const double scale = std::pow(10.0, d);
    const double shown = std::round(v * scale) / scale;
    if (albi_grade(shown) == albi_grade(v) && malbi_grade(shown) == malbi_grade(v)) return d;
  }
  return 9;
}

std::string albi_display(double v) { return format_text(FMT_COMPILE("{}"), Fixed{v, albi_display_decimals(v)}); }

AlbiResult albi(const PatientRecord& r, Date at, Detail detail) {
  AlbiResult out{std::nullopt, start_score("albi", "albi", at, detail)};
  ScoreResult& rep = out.report;
  const LabValue* bili = latest_lab(r.labs.bilirubin_umol_per_l, at);
  const LabValue* alb = latest_lab(r.labs.albumin_g_per_l, at);
  if (bili) rep.use("bilirubin", bili->date, [&] { return describe(*bili, Quantity::Bilirubin); });
  else rep.missing.emplace_back("bilirubin");
  if (alb) rep.use("albumin", alb->date, [&] { return describe(*alb, Quantity::Albumin); });
  else rep.missing.emplace_back("albumin");
  if (!bili || !alb) return out;

  const double v = albi_value(bili->value, alb->value);
  const Albi a{v, albi_grade(v), malbi_grade(v)};
  out.value = a;
  rep.computed = true;
  rep.summarize(
      [&] { return format_text(FMT_COMPILE("{}, grade {} (mALBI {})"), albi_display(a.value), a.grade, a.mgrade); });
  rep.fields.push_back({"value", Number{a.value, albi_display_decimals(a.value)}});
  rep.fields.push_back({"grade", std::to_string(a.grade)});
  rep.fields.push_back({"mgrade", std::string(a.mgrade)});
  rep.notes.emplace_back("mALBI 2a/2b split at −2.270 (Hiraoka 2017; cut-off source graded S)");
  return out;
}

}  // namespace switchpoint
