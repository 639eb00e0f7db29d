#include "core/scores/tumor_burden.h"

#include <fmt/compile.h>
#include <fmt/format.h>
#include <algorithm>
#include <cmath>

#include "core/number_text.h"
#include "core/text.h"
#include "core/timeline.h"
#include "core/units.h"

namespace switchpoint {

namespace {

// Sums are shown with 1 decimal (diameters are read to the millimetre); a diameter given to a
// tenth of a millimetre gets 2, so that "7.0, beyond" can never be printed for 7.04.
Number sum_number(double v) {
  const double one_decimal = std::round(v * 10.0) / 10.0;
  return Number{v, std::fabs(one_decimal - v) < 1e-9 ? 1 : 2};
}

std::string fixed(const Number& n) { return format_text(FMT_COMPILE("{}"), Fixed{n.value, n.decimals}); }

void add_burden_inputs(ScoreResult& rep, const TumorBurdenLookup& tb) {
  rep.used.insert(rep.used.end(), tb.used.begin(), tb.used.end());
  rep.missing.insert(rep.missing.end(), tb.missing.begin(), tb.missing.end());
}

void note_no_tumour(ScoreResult& rep, const TumorBurden& b) {
  if (b.tumor_count == 0)
    rep.notes.push_back(
        format_text(FMT_COMPILE("no intrahepatic tumour on the imaging of {}: value 0"), b.study_date.iso()));
}

}  // namespace

TumorBurdenLookup latest_tumor_burden(const PatientRecord& r, Date at) {
  TumorBurdenLookup out;
  const ImagingStudy* c = latest_imaging_with(r, at, &ImagingStudy::intrahepatic_tumor_count);
  const ImagingStudy* d = latest_imaging_with(r, at, &ImagingStudy::largest_diameter_cm);
  if (c == nullptr && d == nullptr) {
    out.missing.emplace_back("intrahepatic_tumor_count (no imaging within 92 days)");
    out.missing.emplace_back("largest_diameter_cm (no imaging within 92 days)");
    return out;
  }
  // The latest date that reports either field; the other field must come from that date too.
  const Date latest = (c == nullptr) ? d->date : (d == nullptr) ? c->date : std::max(c->date, d->date);
  std::optional<int> count;
  std::optional<double> largest;
  if (c != nullptr && c->date == latest) {
    count = c->intrahepatic_tumor_count;
    out.used.push_back({"intrahepatic_tumor_count", latest, std::to_string(*count)});
  }
  if (d != nullptr && d->date == latest) {
    largest = d->largest_diameter_cm;
    out.used.push_back({"largest_diameter_cm", latest, format_text(FMT_COMPILE("{} cm"), G{*largest})});
  }

  if (count && *count == 0) {
    if (largest && *largest > 0) {
      out.missing.push_back(format_text(
          FMT_COMPILE(
              "consistent tumour count and largest diameter (imaging of {}: count 0 but largest diameter {} cm)"),
          latest.iso(), G{*largest}));
      return out;
    }
    out.value = TumorBurden{latest, 0, 0.0};
    out.largest_diameter_cm = 0.0;
    out.largest_diameter_date = latest;
    return out;
  }
  if (count && largest && !(*largest > 0)) {
    out.missing.push_back(format_text(
        FMT_COMPILE(
            "consistent tumour count and largest diameter (imaging of {}: {} tumours but largest diameter 0 cm)"),
        latest.iso(), *count));
    return out;
  }
  if (largest) {
    out.largest_diameter_cm = largest;
    out.largest_diameter_date = latest;
  }
  if (!count)
    out.missing.push_back(format_text(FMT_COMPILE("intrahepatic_tumor_count (not reported on the imaging of {}{})"),
                                      latest.iso(), c != nullptr ? "; an older count is not combined with it" : ""));
  if (!largest)
    out.missing.push_back(format_text(FMT_COMPILE("largest_diameter_cm (not reported on the imaging of {}{})"),
                                      latest.iso(), d != nullptr ? "; an older diameter is not combined with it" : ""));
  if (count && largest) out.value = TumorBurden{latest, *count, *largest};
  return out;
}

// ---- up-to-seven ---------------------------------------------------------------------------

double up_to_seven_value(double largest_diameter_cm, int tumor_count) { return largest_diameter_cm + tumor_count; }

bool within_up_to_seven(double value) { return at_most(value, 7.0); }

UpToSevenResult up_to_seven(const PatientRecord& r, Date at) { return up_to_seven(latest_tumor_burden(r, at), at); }

UpToSevenResult up_to_seven(const TumorBurdenLookup& tb, Date at) {
  UpToSevenResult out{std::nullopt, start_score("up_to_seven", "up-to-seven", at)};
  ScoreResult& rep = out.report;
  add_burden_inputs(rep, tb);
  if (!tb.value) return out;
  const double v = up_to_seven_value(tb.value->largest_diameter_cm, tb.value->tumor_count);
  const UpToSeven u{v, within_up_to_seven(v)};
  out.value = u;
  rep.computed = true;
  const Number n = sum_number(v);
  rep.summary =
      format_text(FMT_COMPILE("{} ({} cm + {} tumour{}): {} up-to-seven"), fixed(n), G{tb.value->largest_diameter_cm},
                  tb.value->tumor_count, tb.value->tumor_count == 1 ? "" : "s", u.within ? "within" : "beyond");
  rep.fields.push_back({"value", n});
  rep.fields.push_back({"within", u.within});
  note_no_tumour(rep, *tb.value);
  return out;
}

// ---- six-and-twelve ------------------------------------------------------------------------

SixAndTwelveStratum six_and_twelve_stratum(double v) {
  if (at_most(v, 6.0)) return SixAndTwelveStratum::Low;
  if (at_most(v, 12.0)) return SixAndTwelveStratum::Intermediate;
  return SixAndTwelveStratum::High;
}

std::string_view to_string(SixAndTwelveStratum s) {
  switch (s) {
    case SixAndTwelveStratum::Low:
      return "low";
    case SixAndTwelveStratum::Intermediate:
      return "intermediate";
    case SixAndTwelveStratum::High:
      return "high";
  }
  return "?";
}

SixAndTwelveResult six_and_twelve(const PatientRecord& r, Date at) {
  return six_and_twelve(latest_tumor_burden(r, at), at);
}

SixAndTwelveResult six_and_twelve(const TumorBurdenLookup& tb, Date at) {
  SixAndTwelveResult out{std::nullopt, start_score("six_and_twelve", "six-and-twelve", at)};
  ScoreResult& rep = out.report;
  add_burden_inputs(rep, tb);
  if (!tb.value) return out;
  const double v = up_to_seven_value(tb.value->largest_diameter_cm, tb.value->tumor_count);
  const SixAndTwelve s{v, six_and_twelve_stratum(v)};
  out.value = s;
  rep.computed = true;
  const Number n = sum_number(v);
  std::string_view band = "≤ 6";
  if (s.stratum == SixAndTwelveStratum::Intermediate) band = "> 6 and ≤ 12";
  if (s.stratum == SixAndTwelveStratum::High) band = "> 12";
  rep.summary = format_text(FMT_COMPILE("{} ({}): {} stratum"), fixed(n), band, to_string(s.stratum));
  rep.fields.push_back({"value", n});
  rep.fields.push_back({"stratum", std::string(to_string(s.stratum))});
  note_no_tumour(rep, *tb.value);
  return out;
}

// ---- tumour burden score -------------------------------------------------------------------

double tumor_burden_score_value(double largest_diameter_cm, int tumor_count) {
  return std::hypot(largest_diameter_cm, static_cast<double>(tumor_count));
}

TumorBurdenScoreResult tumor_burden_score(const PatientRecord& r, Date at) {
  return tumor_burden_score(latest_tumor_burden(r, at), at);
}

TumorBurdenScoreResult tumor_burden_score(const TumorBurdenLookup& tb, Date at) {
  TumorBurdenScoreResult out{std::nullopt, start_score("tumor_burden_score", "tumor-burden-score", at)};
  ScoreResult& rep = out.report;
  add_burden_inputs(rep, tb);
  if (!tb.value) return out;
  const double v = tumor_burden_score_value(tb.value->largest_diameter_cm, tb.value->tumor_count);
  out.value = v;
  rep.computed = true;
  rep.summary = format_text(FMT_COMPILE("{} (√({}² + {}²))"), Fixed{v, 2}, G{tb.value->largest_diameter_cm},
                            tb.value->tumor_count);
  rep.fields.push_back({"value", Number{v, 2}});
  note_no_tumour(rep, *tb.value);
  return out;
}

}  // namespace switchpoint
