#include "core/scores/hap.h"

#include <fmt/compile.h>
#include <fmt/format.h>

#include "core/number_text.h"
#include "core/scores/tumor_burden.h"
#include "core/text.h"
#include "core/timeline.h"
#include "core/units.h"

namespace switchpoint {

int hap_albumin_point(double v) { return below(v, 36.0) ? 1 : 0; }
int hap_afp_point(double v) { return above(v, 400.0) ? 1 : 0; }
int hap_bilirubin_point(double v) { return above(v, 17.0) ? 1 : 0; }
int hap_diameter_point(double v) { return above(v, 7.0) ? 1 : 0; }
int mhap_ii_multiplicity_point(int tumor_count) { return tumor_count >= 2 ? 1 : 0; }

char hap_class(int points) {
  if (points <= 0) return 'A';
  if (points == 1) return 'B';
  if (points == 2) return 'C';
  return 'D';
}

namespace {

std::string point_text(int p) { return format_text(FMT_COMPILE("{} point{}"), p, p == 1 ? "" : "s"); }

// HAP and mHAP-II share everything but the multiplicity point.
HapResult hap_like(const PatientRecord& r, Date at, bool with_multiplicity, Detail detail) {
  HapResult out{std::nullopt, with_multiplicity ? start_score("mhap_ii", "mhap-ii", at, detail)
                                                : start_score("hap", "hap", at, detail)};
  ScoreResult& rep = out.report;
  int points = 0;
  bool complete = true;

  auto lab = [&](Quantity q, const char* name, int (*score)(double)) {
    if (const LabValue* v = latest_lab(r.labs.of(q), at)) {
      const int p = score(v->value);
      points += p;
      rep.use(name, v->date, [&] { return format_text(FMT_COMPILE("{} → {}"), describe(*v, q), point_text(p)); });
    } else {
      complete = false;
      rep.missing.emplace_back(name);
    }
  };
  lab(Quantity::Albumin, "albumin", hap_albumin_point);
  lab(Quantity::Afp, "afp", hap_afp_point);
  lab(Quantity::Bilirubin, "bilirubin", hap_bilirubin_point);

  const TumorBurdenLookup tb = latest_tumor_burden(r, at);
  if (with_multiplicity) {
    rep.missing.insert(rep.missing.end(), tb.missing.begin(), tb.missing.end());
    if (tb.value) {
      const int pd = hap_diameter_point(tb.value->largest_diameter_cm);
      const int pm = mhap_ii_multiplicity_point(tb.value->tumor_count);
      points += pd + pm;
      rep.use("largest_diameter_cm", tb.value->study_date,
              [&] { return format_text(FMT_COMPILE("{} cm → {}"), G{tb.value->largest_diameter_cm}, point_text(pd)); });
      rep.use("intrahepatic_tumor_count", tb.value->study_date,
              [&] { return format_text(FMT_COMPILE("{} → {}"), tb.value->tumor_count, point_text(pm)); });
    } else {
      complete = false;
    }
  } else if (tb.largest_diameter_cm) {
    const int pd = hap_diameter_point(*tb.largest_diameter_cm);
    points += pd;
    rep.use("largest_diameter_cm", *tb.largest_diameter_date,
            [&] { return format_text(FMT_COMPILE("{} cm → {}"), G{*tb.largest_diameter_cm}, point_text(pd)); });
  } else {
    complete = false;
    for (const auto& m : tb.missing)
      if (m.starts_with("largest_diameter_cm") || m.starts_with("consistent")) rep.missing.push_back(m);
  }
  if (!complete) return out;

  const Hap h{points, hap_class(points)};
  out.value = h;
  rep.computed = true;
  rep.summarize([&] {
    return format_text(FMT_COMPILE("{}, {} {}"), point_text(h.points), with_multiplicity ? "mHAP-II" : "HAP", h.cls);
  });
  rep.fields.push_back({"points", h.points});
  rep.fields.push_back({"class", std::string(1, h.cls)});
  return out;
}

}  // namespace

HapResult hap(const PatientRecord& r, Date at, Detail detail) { return hap_like(r, at, false, detail); }
HapResult mhap_ii(const PatientRecord& r, Date at, Detail detail) { return hap_like(r, at, true, detail); }

}  // namespace switchpoint
