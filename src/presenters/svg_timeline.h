#pragma once
// The patient's course as one inline SVG, drawn here without a chart library: a shared date
// axis and aligned lanes — TACE sessions, mRECIST response per assessment, tumour count and
// largest diameter, AFP and DCP on a log axis, ALBI with its grade bands, Child-Pugh points,
// systemic therapy episodes — crossed by one labelled vertical line per refractory definition.
// Deterministic: fixed number formatting, no locale, no clock.
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/engine.h"
#include "core/record.h"

namespace switchpoint::chart {

// Dates → x (SVG user units), linear in days.
struct TimeScale {
  Date from;
  Date to;  // > from
  double x0 = 0;
  double x1 = 1;
  double operator()(Date d) const;
};

// The date range the chart spans: the first to the last dated entry it draws, or the as-of
// date when that is later, padded a little on both sides so no mark sits on the frame; at
// least 60 days wide (a single data point is centred).
TimeScale time_scale_for(const PatientRecord& record, const Decision& d, double x0, double x1);

// A base-10 logarithmic axis over whole decades: 10^lo_exp at y_bottom, 10^hi_exp at y_top.
struct LogScale {
  int lo_exp = 0;
  int hi_exp = 1;  // > lo_exp
  double y_top = 0;
  double y_bottom = 1;
  double decade_px() const { return (y_bottom - y_top) / (hi_exp - lo_exp); }
  // y of a positive value; a value ≤ 0 (not on a log axis) maps to the floor, y_bottom.
  double operator()(double v) const;
};

// The decades spanned by the positive values (≤ 0 are ignored): floor(log10(min)) to
// ceil(log10(max)), at least one decade; 1 to 1000 when there is no positive value.
LogScale log_scale_for(const std::vector<double>& values, double y_top, double y_bottom);

// Greedy row assignment for labels laid out along x so that none overlap: each span [left,
// right] goes to the first row whose last span ends more than `gap` before it. Spans are taken
// in the given order; the result holds one row index (0-based) per span.
struct Span {
  double left = 0;
  double right = 0;
};
std::vector<int> stagger(const std::vector<Span>& spans, double gap);

// An estimate of a label's width in user units for a sans-serif font (no font metrics are
// available without a browser; generous so that staggered labels do not touch).
double text_width(std::string_view text, double font_size);

// The chart. `record` is the record cut at the decision's as-of date.
std::string timeline_svg(const Decision& d, const PatientRecord& record);

}  // namespace switchpoint::chart
