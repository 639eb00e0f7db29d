#include "presenters/svg_timeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

#include "core/response/assessment.h"
#include "core/scores/albi.h"
#include "core/scores/series.h"
#include "core/therapy/regimens.h"
#include "core/timeline.h"
#include "presenters/html_escape.h"

namespace switchpoint::chart {

// ---- scales ------------------------------------------------------------------------------

double TimeScale::operator()(Date d) const {
  const double span = days_between(from, to);
  return x0 + (x1 - x0) * days_between(from, d) / span;
}

double LogScale::operator()(double v) const {
  if (!(v > 0)) return y_bottom;
  const double e = std::log10(v);
  const double y = y_bottom - (e - lo_exp) * decade_px();
  return std::clamp(y, y_top, y_bottom);
}

LogScale log_scale_for(const std::vector<double>& values, double y_top, double y_bottom) {
  LogScale s;
  s.y_top = y_top;
  s.y_bottom = y_bottom;
  double lo = 0, hi = 0;
  bool any = false;
  for (const double v : values) {
    if (!(v > 0) || !std::isfinite(v)) continue;
    lo = any ? std::min(lo, v) : v;
    hi = any ? std::max(hi, v) : v;
    any = true;
  }
  if (!any) {
    s.lo_exp = 0;
    s.hi_exp = 3;
    return s;
  }
  // A tiny epsilon keeps exact powers of ten (1000) on their own decade line.
  s.lo_exp = static_cast<int>(std::floor(std::log10(lo) + 1e-9));
  s.hi_exp = static_cast<int>(std::ceil(std::log10(hi) - 1e-9));
  if (s.hi_exp <= s.lo_exp) s.hi_exp = s.lo_exp + 1;
  return s;
}

std::vector<int> stagger(const std::vector<Span>& spans, double gap) {
  std::vector<double> row_end;  // right edge of the last span placed in each row
  std::vector<int> rows;
  rows.reserve(spans.size());
  for (const Span& s : spans) {
    std::size_t r = 0;
    while (r < row_end.size() && s.left < row_end[r] + gap) ++r;
    if (r == row_end.size()) row_end.push_back(s.right);
    else row_end[r] = s.right;
    rows.push_back(static_cast<int>(r));
  }
  return rows;
}

double text_width(std::string_view text, double font_size) {
  int chars = 0;
  for (const char c : text)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++chars;  // count code points, not bytes
  return chars * font_size * 0.62;
}

namespace {

// ---- layout ------------------------------------------------------------------------------

constexpr double kWidth = 900;
constexpr double kPlotX0 = 160;  // left column: lane titles and y ticks
constexpr double kPlotX1 = 830;  // right margin: band labels
constexpr double kLaneGap = 6;
constexpr double kFont = 11;
constexpr double kSmall = 10;

constexpr const char* kRefractoryColour = "#a4161a";
constexpr const char* kAfpColour = "#1d4f91";
constexpr const char* kDcpColour = "#8a4b08";
constexpr const char* kInk = "#1f2933";
constexpr const char* kMuted = "#52606d";

std::string f1(double v) {
  if (std::fabs(v) < 0.05) v = 0;  // never "-0.0"
  return fmt::format("{:.1f}", v);
}

// Values as a clinician reads them in a label: 468, 9.5, 0.8, 12000.
std::string short_value(double v) {
  if (std::fabs(v) >= 100 || v == std::round(v)) return fmt::format("{:.0f}", v);
  if (std::fabs(v) >= 10) return fmt::format("{:.1f}", v);
  return fmt::format("{:.2g}", v);
}

struct Ymd {
  int y;
  int m;
  int d;
};
Ymd ymd(Date date) {
  const std::string s = date.iso();
  return {std::stoi(s.substr(0, 4)), std::stoi(s.substr(5, 2)), std::stoi(s.substr(8, 2))};
}

constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

class Svg {
 public:
  void raw(std::string_view s) { out_ += s; }
  void line(double x1, double y1, double x2, double y2, std::string_view attrs) {
    out_ += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" {}/>\n", f1(x1), f1(y1), f1(x2), f1(y2), attrs);
  }
  void rect(double x, double y, double w, double h, std::string_view attrs) {
    out_ += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {}/>\n", f1(x), f1(y), f1(std::max(0.0, w)),
                        f1(std::max(0.0, h)), attrs);
  }
  // Text is always escaped; `attrs` are the project's own constants.
  void text(double x, double y, std::string_view s, std::string_view attrs) {
    out_ += fmt::format("<text x=\"{}\" y=\"{}\" {}>{}</text>\n", f1(x), f1(y), attrs, html::escape(s));
  }
  // A group with a tooltip (its <title> child); close with close_group().
  void open_group(std::string_view cls, std::string_view tooltip) {
    out_ += fmt::format("<g class=\"{}\"><title>{}</title>", cls, html::escape(tooltip));
  }
  void close_group() { out_ += "</g>\n"; }
  std::size_t size() const { return out_.size(); }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

struct Lane {
  std::string title;
  std::string subtitle;
  double top = 0;
  double height = 0;
  double bottom() const { return top + height; }
  double mid() const { return top + height / 2; }
};

void lane_frame(Svg& svg, const Lane& lane, bool shaded) {
  svg.rect(kPlotX0, lane.top, kPlotX1 - kPlotX0, lane.height,
           shaded ? "fill=\"#f4f6f8\" stroke=\"#c3cad3\" stroke-width=\"0.8\""
                  : "fill=\"#ffffff\" stroke=\"#c3cad3\" stroke-width=\"0.8\"");
  svg.text(6, lane.top + 13, lane.title, fmt::format("font-size=\"{}\" font-weight=\"700\" fill=\"{}\"", 11.5, kInk));
  if (!lane.subtitle.empty())
    svg.text(6, lane.top + 25, lane.subtitle, fmt::format("font-size=\"{}\" fill=\"{}\"", kSmall, kMuted));
}

void lane_empty(Svg& svg, const Lane& lane, std::string_view message) {
  svg.text((kPlotX0 + kPlotX1) / 2, lane.mid() + 4, message,
           fmt::format("font-size=\"{}\" font-style=\"italic\" fill=\"{}\" text-anchor=\"middle\" stroke=\"#ffffff\" "
                       "stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\"",
                       kFont, kMuted));
}

// Left-axis tick with a short grid line.
void y_tick(Svg& svg, double y, std::string_view label, bool grid = true) {
  svg.line(kPlotX0 - 4, y, kPlotX0, y, "stroke=\"#7b8794\" stroke-width=\"0.8\"");
  if (grid) svg.line(kPlotX0, y, kPlotX1, y, "stroke=\"#dde2e8\" stroke-width=\"0.6\"");
  svg.text(kPlotX0 - 6, y + 3.5, label,
           fmt::format("font-size=\"{}\" fill=\"{}\" text-anchor=\"end\"", kSmall, kMuted));
}

// A linear scale for a lane: value lo at the lane's bottom (less padding), hi at its top.
struct LinearScale {
  double lo = 0, hi = 1, y_top = 0, y_bottom = 1;
  double operator()(double v) const { return y_bottom - (v - lo) / (hi - lo) * (y_bottom - y_top); }
};

double nice_step(double range, int max_ticks) {
  for (const double s : {0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0})
    if (range / s <= max_ticks) return s;
  return 1000;
}

// ---- date ticks ----------------------------------------------------------------------------

struct Tick {
  Date date;
  std::string line1;
  std::string line2;  // the year, when it changes (or on the first tick)
};

std::vector<Tick> date_ticks(const TimeScale& ts) {
  const int span = days_between(ts.from, ts.to);
  constexpr int kMaxTicks = 9;
  std::vector<Tick> ticks;
  int last_year = -1;
  auto push = [&](Date d, std::string l1, bool with_year) {
    const Ymd t = ymd(d);
    std::string l2 = with_year && t.y != last_year ? std::to_string(t.y) : "";
    last_year = t.y;
    ticks.push_back({d, std::move(l1), std::move(l2)});
  };
  // Day steps for short spans.
  for (const int step : {1, 2, 7, 14}) {
    if (span / step > kMaxTicks) continue;
    int first = ts.from.days();
    if (step == 7) {
      // Mondays: 1970-01-01 (day 0) was a Thursday, so Monday is day 4 mod 7.
      first += ((4 - first) % 7 + 7) % 7;
    } else {
      first += ((-first) % step + step) % step;
    }
    for (int dd = first; dd <= ts.to.days(); dd += step) {
      const Date d = Date::from_days(dd);
      const Ymd t = ymd(d);
      push(d, fmt::format("{} {}", t.d, kMonths[static_cast<std::size_t>(t.m - 1)]), true);
    }
    return ticks;
  }
  // Month steps.
  const Ymd a = ymd(ts.from);
  for (const int step : {1, 2, 3, 6}) {
    const int months = (ymd(ts.to).y - a.y) * 12 + (ymd(ts.to).m - a.m);
    if (months / step > kMaxTicks) continue;
    int y = a.y, m = a.m;
    // First month start on or after `from`, aligned so that January is a tick.
    const std::optional<Date> first = Date::from_ymd(y, static_cast<unsigned>(m), 1);
    if (!first || *first < ts.from) {
      if (++m > 12) m = 1, ++y;
    }
    while ((m - 1) % step != 0)
      if (++m > 12) m = 1, ++y;
    for (;;) {
      const std::optional<Date> d = Date::from_ymd(y, static_cast<unsigned>(m), 1);  // none past 2200
      if (!d || *d > ts.to) break;
      push(*d, kMonths[static_cast<std::size_t>(m - 1)], true);
      m += step;
      while (m > 12) m -= 12, ++y;
    }
    return ticks;
  }
  // Year steps.
  for (const int step : {1, 2, 5, 10, 20, 50}) {
    const int years = ymd(ts.to).y - a.y;
    if (years / step > kMaxTicks) continue;
    int y = a.y + 1;
    while (y % step != 0) ++y;
    if (step == 1 && a.m == 1 && a.d == 1) y = a.y;
    for (; y <= ymd(ts.to).y; y += step)
      if (const auto d = Date::from_ymd(y, 1, 1)) push(*d, std::to_string(y), false);
    return ticks;
  }
  return ticks;
}

// ---- series ----------------------------------------------------------------------------------

struct Point {
  Date date;
  double value;
  std::string tip;                                 // the tooltip: value, unit as entered, date
  std::string label;                               // the value label drawn beside the mark (may be empty)
  std::optional<bool> label_above = std::nullopt;  // overrides the series' default side
};

std::vector<Point> lab_points(const LabSeries& s, Quantity q, std::string_view name) {
  std::vector<Point> out;
  for (const auto& v : s)
    out.push_back({v.date, v.value, fmt::format("{} {} on {}", name, describe(v, q), v.date.iso()),
                   v.value > 0 ? short_value(v.value) : std::string("≤0")});
  return out;
}

std::string regimen_name(std::string_view id) {
  if (const Regimen* r = find_regimen(id)) return std::string(r->name);
  return std::string(id);
}

const char* mrecist_fill(std::optional<MrecistCategory> c) {
  if (!c) return "#7b8794";
  switch (*c) {
    case MrecistCategory::CR:
      return "#1e6b34";
    case MrecistCategory::PR:
      return "#2f7d7a";
    case MrecistCategory::SD:
      return "#5f6b7a";
    case MrecistCategory::PD:
      return "#b3261e";
  }
  return "#7b8794";
}

// Mark shapes: the series differ by shape and line dash as well as by colour.
enum class Shape { Circle, Square, Diamond };

void mark(Svg& svg, Shape shape, double x, double y, std::string_view fill, std::string_view stroke) {
  switch (shape) {
    case Shape::Circle:
      svg.raw(fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"3.4\" fill=\"{}\" stroke=\"{}\" stroke-width=\"1.2\"/>",
                          f1(x), f1(y), fill, stroke));
      break;
    case Shape::Square:
      svg.raw(fmt::format(
          "<rect x=\"{}\" y=\"{}\" width=\"6.4\" height=\"6.4\" fill=\"{}\" stroke=\"{}\" stroke-width=\"1.2\"/>",
          f1(x - 3.2), f1(y - 3.2), fill, stroke));
      break;
    case Shape::Diamond:
      svg.raw(
          fmt::format("<path d=\"M{} {}l4.2 4.2l-4.2 4.2l-4.2 -4.2z\" fill=\"{}\" stroke=\"{}\" stroke-width=\"1.2\"/>",
                      f1(x), f1(y - 4.2), fill, stroke));
      break;
  }
}

struct SeriesStyle {
  Shape shape = Shape::Circle;
  const char* colour = kInk;
  const char* dash = "";  // stroke-dasharray of the connecting line
  bool labels_above = true;
  double label_min_px = 26;  // the minimum distance between two value labels
  bool log = false;          // values ≤ 0 are off the axis: hollow marks at the floor, not joined
};

// Marks joined by a line, with value labels where they fit: the latest value is always
// labelled, earlier ones when at least label_min_px from the next labelled one.
template <typename YMap>
void draw_series(Svg& svg, const std::vector<Point>& pts, const TimeScale& ts, YMap ymap, const SeriesStyle& st,
                 std::string_view cls, double lane_top, double lane_bottom) {
  if (pts.empty()) return;
  std::string path;
  for (const auto& p : pts) {
    if (st.log && !(p.value > 0)) continue;
    path += fmt::format("{}{} {}", path.empty() ? "M" : " L", f1(ts(p.date)), f1(ymap(p.value)));
  }
  if (path.find(" L") != std::string::npos)
    svg.raw(fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\"{}/>\n", path, st.colour,
                        *st.dash ? fmt::format(" stroke-dasharray=\"{}\"", st.dash) : ""));
  std::vector<bool> labelled(pts.size(), false);
  double next_x = 1e9;
  for (std::size_t i = pts.size(); i-- > 0;) {
    const double x = ts(pts[i].date);
    if (pts[i].label.empty() || next_x - x < st.label_min_px) continue;
    labelled[i] = true;
    next_x = x;
  }
  for (std::size_t i = 0; i < pts.size(); ++i) {
    const auto& p = pts[i];
    const double x = ts(p.date), y = ymap(p.value);
    const bool off_axis = st.log && !(p.value > 0);
    svg.open_group(cls, p.tip);
    mark(svg, st.shape, x, y, off_axis ? "#ffffff" : st.colour, st.colour);
    svg.close_group();
    if (!labelled[i]) continue;
    double ly = p.label_above.value_or(st.labels_above) ? y - 6 : y + 13;
    if (ly < lane_top + 9) ly = y + 13;
    if (ly > lane_bottom - 2) ly = y - 6;
    svg.text(x, ly, p.label,
             fmt::format("font-size=\"{}\" fill=\"{}\" text-anchor=\"middle\" stroke=\"#ffffff\" stroke-width=\"2.6\" "
                         "stroke-linejoin=\"round\" paint-order=\"stroke\" class=\"value\"",
                         kSmall, st.colour));
  }
}

}  // namespace

// ---- the time range --------------------------------------------------------------------------

TimeScale time_scale_for(const PatientRecord& r, const Decision& d, double x0, double x1) {
  std::optional<Date> lo, hi;
  auto see = [&](Date x) {
    if (x > d.as_of) return;
    lo = lo ? std::min(*lo, x) : x;
    hi = hi ? std::max(*hi, x) : x;
  };
  for (const Quantity q :
       {Quantity::Bilirubin, Quantity::Albumin, Quantity::Inr, Quantity::PtProlongation, Quantity::Afp, Quantity::Dcp})
    for (const auto& v : r.labs.of(q)) see(v.date);
  for (const auto& c : r.clinical) see(c.date);
  for (const auto& i : r.imaging) see(i.date);
  for (const auto& t : r.tace) see(t.date);
  for (const auto& p : r.procedures) see(p.date);
  for (const auto& s : r.systemic) {
    see(s.start);
    if (s.end) see(*s.end);
  }
  see(d.as_of);  // the right edge: the date the decision describes
  Date from = *lo, to = *hi;
  const int span = days_between(from, to);
  const int pad = std::max(5, span / 30);
  from = from.plus_days(-pad);
  to = to.plus_days(pad);
  if (days_between(from, to) < 60) {
    const int extra = (60 - days_between(from, to) + 1) / 2;
    from = from.plus_days(-extra);
    to = to.plus_days(extra);
  }
  return TimeScale{from, to, x0, x1};
}

// ---- the chart ---------------------------------------------------------------------------------

namespace {

// -- Refractoriness labels and the as-of label, staggered in rows at the top. The definitions
// that became refractory on one date share a line of text ("2024-08-19: raoul-2011, …"),
// wrapped when long; each definition keeps its own vertical line and its own label.
struct TopLabel {
  Date date;
  std::vector<const DefinitionResult*> defs;  // empty: the as-of label
  bool with_date = true;                      // the first line of a date's group
  std::string text;
  bool anchor_end = false;
  Span span;
};
constexpr double kTopRow = 13;

// mRECIST per assessment: a box per session.
struct Box {
  const SessionAssessment* a;
  double x;
  double half_width;
};

// Systemic therapy: a bar per episode.
struct Bar {
  const SystemicTherapy* s;
  double x0, x1;
  std::string label;
  std::string tip;
  bool label_end = false;  // the label ends at the bar's end (it would leave the chart otherwise)
};

// The chart's layout and layers, drawn part by part (each a member below) in the order of the
// layers: labels at the top, the lanes, then their data, the axis, the vertical lines, the legend.
class Chart {
 public:
  Chart(const Decision& decision, const PatientRecord& record)
      : d(decision),
        r(record),
        ts(time_scale_for(record, decision, kPlotX0 + 4, kPlotX1 - 4)),
        series(score_series(record)) {}
  std::string render();

 private:
  void layout_top_labels();
  Lane& add_lane(std::string title, std::string subtitle, double h);
  void layout_lanes();
  void draw_frames_and_grid();
  void draw_sessions();
  void draw_responses();
  void draw_tumours();
  void draw_markers();
  void draw_albi();
  void draw_child_pugh();
  void draw_systemic();
  void draw_axis();
  void draw_refractory_lines();
  void draw_legend();
  std::string assemble();

  const Decision& d;
  const PatientRecord& r;
  const TimeScale ts;
  // Child-Pugh and ALBI on each dated input (the core's score_series), computed here, for the
  // chart only: the engine does not build them for every decision (cohorts, CDS calls).
  const ScoreSeries series;
  Svg body;  // lanes and their data; the bands, grid and vertical lines are spliced in beneath the data
  // Layers, bottom to top: lane frames, grade bands, date grid, vertical lines, data, labels.
  Svg bands, grid, vlines, over, legend;
  double y = 0;
  const double band_top = 4;

  std::vector<TopLabel> top;
  std::vector<const DefinitionResult*> refractory;
  std::vector<int> rows;  // of `top`

  std::vector<Lane> lanes;
  Lane tace_lane, resp_lane, count_lane, diam_lane, marker_lane, albi_lane, cp_lane, sys_lane;
  std::vector<int> s_rows;  // of the session labels
  std::vector<Box> boxes;
  std::vector<int> b_rows;  // of the response boxes
  std::vector<Bar> bars;
  std::vector<int> bar_rows;
  double lanes_bottom = 0;
  double axis_y = 0;
  std::size_t bands_at = 0;  // where the bands, grid and vertical lines go into `body`
  std::vector<Tick> ticks;
  std::vector<TaceSession> merged;  // the record's procedures merged into sessions
  double height = 0;
};

void Chart::layout_top_labels() {
  {
    for (const auto& def : d.refractoriness)
      if (def.status == RefractorinessStatus::Refractory && def.since) refractory.push_back(&def);
    std::stable_sort(refractory.begin(), refractory.end(),
                     [](const DefinitionResult* a, const DefinitionResult* b) { return *a->since < *b->since; });
    constexpr double kMaxLine = 330;
    for (std::size_t i = 0; i < refractory.size();) {
      const Date since = *refractory[i]->since;
      TopLabel line{since, {}, true, since.iso() + ":", false, {}};
      for (; i < refractory.size() && *refractory[i]->since == since; ++i) {
        const std::string more = line.text + (line.defs.empty() ? " " : ", ") + refractory[i]->id;
        if (!line.defs.empty() && text_width(more, kSmall) > kMaxLine) {
          top.push_back(line);
          line = TopLabel{since, {}, false, "", false, {}};
          line.text = refractory[i]->id;
        } else {
          line.text = more;
        }
        line.defs.push_back(refractory[i]);
      }
      top.push_back(line);
    }
    top.push_back({d.as_of, {}, true, fmt::format("as of {}", d.as_of.iso()), false, {}});
  }
  std::vector<Span> spans;
  for (auto& l : top) {
    const double x = ts(l.date), w = text_width(l.text, kSmall) + 6;
    l.anchor_end = x + 4 + w > kWidth - 4;
    l.span = l.anchor_end ? Span{x - 4 - w, x} : Span{x, x + 4 + w};
    spans.push_back(l.span);
  }
  rows = stagger(spans, 4);
  const int top_rows = rows.empty() ? 1 : *std::max_element(rows.begin(), rows.end()) + 1;
  const double band_height = top_rows * kTopRow + 6;
  y = band_top + band_height + 4;
}

Lane& Chart::add_lane(std::string title, std::string subtitle, double h) {
  lanes.push_back({std::move(title), std::move(subtitle), y, h});
  y += h + kLaneGap;
  return lanes.back();
}

void Chart::layout_lanes() {
  // TACE sessions: labels S1…Sn staggered.
  std::vector<Span> s_spans;
  for (const auto& s : d.history.sessions) {
    const double x = ts(s.session_date);
    const double w = text_width(fmt::format("S{}", s.session_index + 1), kSmall) * 1.15;  // bold
    s_spans.push_back({x - w / 2, x + w / 2});
  }
  s_rows = stagger(s_spans, 3);
  const int s_row_count = s_rows.empty() ? 1 : *std::max_element(s_rows.begin(), s_rows.end()) + 1;
  tace_lane = add_lane("TACE", "sessions", std::max(34.0, 22 + s_row_count * 11.0));

  // mRECIST per assessment: boxes staggered.
  // A session whose assessment is pending or missing gets a hollow box under the session.
  std::vector<Span> b_spans;
  for (const auto& a : d.history.sessions) {
    const bool assessed = a.state == AssessmentState::Assessed && a.study_date;
    const double x = ts(assessed ? *a.study_date : a.session_date);
    const double hw = assessed ? 13 : a.state == AssessmentState::Pending ? 22 : 15;
    boxes.push_back({&a, x, hw});
    b_spans.push_back({x - hw, x + hw});
  }
  b_rows = stagger(b_spans, 2);
  const int b_row_count = b_rows.empty() ? 1 : *std::max_element(b_rows.begin(), b_rows.end()) + 1;
  resp_lane = add_lane("mRECIST", "per assessment", std::max(32.0, 10 + b_row_count * 19.0));

  count_lane = add_lane("Tumours", "intrahepatic, n", 76);
  diam_lane = add_lane("Largest nodule", "diameter, cm", 62);
  marker_lane = add_lane("AFP · DCP", "log scale", 124);
  albi_lane = add_lane("ALBI", "grade bands", 104);
  cp_lane = add_lane("Child-Pugh", "points, class", 70);

  // Systemic therapy: bars staggered by their extent including the label.
  std::vector<Span> bar_spans;
  for (const auto& s : r.systemic) {
    if (s.start > d.as_of) continue;
    const Date end = s.end && *s.end <= d.as_of ? *s.end : d.as_of;
    const bool ongoing = !s.end || *s.end > d.as_of;
    std::string label = regimen_name(s.regimen);
    if (ongoing) label += " (ongoing)";
    else if (s.stop_reason) label += fmt::format(" (stopped: {})", to_string(*s.stop_reason));
    std::string tip =
        fmt::format("{}: {} to {}", regimen_name(s.regimen), s.start.iso(), ongoing ? "ongoing" : end.iso());
    if (s.stop_reason) tip += fmt::format(", stopped: {}", to_string(*s.stop_reason));
    if (s.dose_mg_per_day) tip += fmt::format(", {:g} mg/day", *s.dose_mg_per_day);
    const double bx0 = ts(s.start), bx1 = std::max(ts(end), bx0 + 3);
    const double lw = text_width(label, kSmall) + 8;
    const bool label_end = bx0 + lw > kWidth - 4;
    bars.push_back({&s, bx0, bx1, label, tip, label_end});
    bar_spans.push_back(label_end ? Span{std::min(bx0, bx1 + 6 - lw), bx1 + 6} : Span{bx0, std::max(bx1, bx0 + lw)});
  }
  bar_rows = stagger(bar_spans, 6);
  const int bar_row_count = bar_rows.empty() ? 1 : *std::max_element(bar_rows.begin(), bar_rows.end()) + 1;
  sys_lane = add_lane("Systemic", "therapy", std::max(30.0, 8 + bar_row_count * 20.0));

  lanes_bottom = lanes.back().bottom();
  axis_y = lanes_bottom;
}

void Chart::draw_frames_and_grid() {
  // -- Lane frames, then the date grid through all lanes.
  // Layers, bottom to top: lane frames, grade bands, date grid, vertical lines, data, labels.
  for (std::size_t i = 0; i < lanes.size(); ++i) lane_frame(body, lanes[i], i % 2 == 1);
  bands_at = body.size();
  ticks = date_ticks(ts);
  for (const auto& t : ticks) {
    const double x = ts(t.date);
    for (const auto& l : lanes) grid.line(x, l.top, x, l.bottom(), "stroke=\"#dde2e8\" stroke-width=\"0.6\"");
  }
}

void Chart::draw_sessions() {
  // -- TACE sessions. The record holds procedures: the sessions drawn are merged as the decision
  // merges them (P-session-merge), those of the course described from the history (S1…Sn), those
  // of an earlier course (before a resection, ablation or transplantation: P-course-end) muted.
  merged = merge_tace_procedures(r.tace, r.imaging);
  auto merged_at = [&](Date day) -> const TaceSession* {
    for (const auto& m : merged)
      if (m.date == day) return &m;
    return nullptr;
  };
  auto dates_text = [](const std::vector<Date>& dates) {
    std::string out;
    for (Date p : dates) out += (out.empty() ? "" : " + ") + p.iso();
    return out;
  };
  const double my = tace_lane.bottom() - 8;
  if (d.history.sessions.empty() && merged.empty())
    lane_empty(body, tace_lane, "no TACE session on or before the as-of date");
  for (const auto& m : merged) {
    const bool described = std::any_of(d.history.sessions.begin(), d.history.sessions.end(),
                                       [&](const SessionAssessment& a) { return a.session_date == m.date; });
    if (described) continue;
    const std::vector<Date> pd = procedure_dates(m);
    std::string tip = fmt::format("TACE on {} ({}earlier course: not part of the course described)",
                                  pd.size() > 1 ? m.date.iso() + ", staged: " + dates_text(pd) : m.date.iso(),
                                  m.technique.empty() ? std::string() : m.technique + "; ");
    body.open_group("session earlier-course", tip);
    body.raw(fmt::format("<path d=\"M{} {}l5 -8h-10z\" fill=\"#ffffff\" stroke=\"{}\" stroke-width=\"1\"/>",
                         f1(ts(m.date)), f1(my + 4), kMuted));
    body.close_group();
  }
  for (const auto& p : r.procedures) {
    const double x = ts(p.date);
    const std::string_view kind = p.kind == CourseEndingKind::LiverTransplantation ? "transplant" : to_string(p.kind);
    body.open_group("course-end",
                    fmt::format("{}: ends the TACE course (sessions after it start a new course)", course_end_text(p)));
    body.rect(x - 3.5, my - 7.5, 7, 7, fmt::format("fill=\"{}\"", kRefractoryColour));
    body.close_group();
    body.text(x + 5, tace_lane.top + 9, kind,
              fmt::format("font-size=\"{}\" fill=\"{}\" class=\"course-end-label\"", kSmall, kRefractoryColour));
  }
  for (std::size_t i = 0; i < d.history.sessions.size(); ++i) {
    const auto& s = d.history.sessions[i];
    const double x = ts(s.session_date);
    const std::vector<Date> pd = s.procedure_dates.empty() ? std::vector<Date>{s.session_date} : s.procedure_dates;
    std::string tip = fmt::format("S{} TACE on {}", s.session_index + 1, s.session_date.iso());
    if (pd.size() > 1) tip += ", staged: " + dates_text(pd);
    if (const TaceSession* m = merged_at(s.session_date); m && !m->technique.empty()) tip += " (" + m->technique + ")";
    body.open_group("session", tip);
    body.raw(fmt::format("<path d=\"M{} {}l5 -8h-10z\" fill=\"{}\"/>", f1(x), f1(my + 4), kInk));
    // The later procedures of a staged session: a tick at each.
    for (std::size_t k = 1; k < pd.size(); ++k)
      body.line(ts(pd[k]), my - 4, ts(pd[k]), my + 4,
                fmt::format("stroke=\"{}\" stroke-width=\"1.5\" class=\"staged-procedure\"", kInk));
    body.close_group();
    body.text(
        x, my - 7 - s_rows[i] * 11.0, fmt::format("S{}", s.session_index + 1),
        fmt::format("font-size=\"{}\" font-weight=\"700\" fill=\"{}\" text-anchor=\"middle\" class=\"session-label\"",
                    kSmall, kInk));
  }
}

void Chart::draw_responses() {
  // -- mRECIST boxes, each joined to its session by a thin line.
  if (boxes.empty()) lane_empty(body, resp_lane, "no TACE session");
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    const auto& a = *boxes[i].a;
    const double x = boxes[i].x;
    const double by = resp_lane.top + 5 + b_rows[i] * 19.0;
    if (a.state != AssessmentState::Assessed || !a.study_date) {
      const bool pending = a.state == AssessmentState::Pending;
      const double hw = boxes[i].half_width;
      body.open_group(
          pending ? "response response-pending" : "response response-missing",
          pending
              ? fmt::format("S{} ({}): response assessment pending (window open on the as-of date)",
                            a.session_index + 1, a.session_date.iso())
              : fmt::format("S{} ({}): no response assessment (no imaging within 120 days, before the next session)",
                            a.session_index + 1, a.session_date.iso()));
      body.rect(x - hw, by, 2 * hw, 15,
                "rx=\"3\" fill=\"#ffffff\" stroke=\"#7b8794\" stroke-width=\"1\" stroke-dasharray=\"3 2\"");
      body.text(x, by + 11, pending ? "pending" : "none",
                fmt::format("font-size=\"9\" fill=\"{}\" text-anchor=\"middle\"", kMuted));
      body.close_group();
      continue;
    }
    body.line(ts(a.session_date), tace_lane.bottom() - 4, x, by, "stroke=\"#9aa5b1\" stroke-width=\"0.8\"");
    const std::string cat = a.response.category ? std::string(to_string(*a.response.category)) : "?";
    std::string tip = fmt::format("S{} ({}) → imaging {} ({} days after{}): mRECIST {}", a.session_index + 1,
                                  a.session_date.iso(), a.study_date->iso(), a.days_after_session,
                                  a.outside_window ? ", outside 28–92" : "", a.response.category ? cat : "unknown");
    if (a.te) tip += fmt::format(", JSH {}", to_string(*a.te));
    body.open_group(fmt::format("response response-{}", cat == "?" ? "unknown" : cat), tip);
    body.rect(x - 13, by, 26, 15, fmt::format("rx=\"3\" fill=\"{}\"", mrecist_fill(a.response.category)));
    body.text(x, by + 11, cat, "font-size=\"10\" font-weight=\"700\" fill=\"#ffffff\" text-anchor=\"middle\"");
    body.close_group();
  }
}

void Chart::draw_tumours() {
  // -- Tumour count and largest diameter, with vascular invasion / extrahepatic spread flags.
  std::vector<Point> count, diam;
  for (const auto& s : r.imaging) {
    if (s.intrahepatic_tumor_count)
      count.push_back(
          {s.date, static_cast<double>(*s.intrahepatic_tumor_count),
           fmt::format("{} {}: {} intrahepatic tumour(s)", s.modality, s.date.iso(), *s.intrahepatic_tumor_count),
           std::to_string(*s.intrahepatic_tumor_count)});
    if (s.largest_diameter_cm)
      diam.push_back({s.date, *s.largest_diameter_cm,
                      fmt::format("{} {}: largest nodule {:.1f} cm", s.modality, s.date.iso(), *s.largest_diameter_cm),
                      fmt::format("{:.1f}", *s.largest_diameter_cm)});
  }
  auto linear_lane = [&](const Lane& lane, const std::vector<Point>& pts, double min_hi, std::string_view empty) {
    if (pts.empty()) {
      lane_empty(body, lane, empty);
      return;
    }
    double hi = min_hi;
    for (const auto& p : pts) hi = std::max(hi, p.value);
    const double step = nice_step(hi, 3);
    hi = std::ceil(hi / step) * step;
    const LinearScale sc{0, hi, lane.top + (&lane == &count_lane ? 28 : 12), lane.bottom() - 6};
    for (double v = 0; v <= hi + 1e-9; v += step) y_tick(body, sc(v), short_value(v));
    draw_series(body, pts, ts, sc, SeriesStyle{Shape::Circle, kInk, "", true, 22, false}, "imaging", lane.top,
                lane.bottom());
  };
  linear_lane(count_lane, count, 3, "no imaging with a tumour count");
  linear_lane(diam_lane, diam, 3, "no imaging with a largest diameter");
  // Findings along the count lane's top edge: consecutive studies with the same finding form
  // one run, labelled once and underlined from its first to its last study.
  struct Run {
    std::string flag;
    std::vector<const ImagingStudy*> studies;
  };
  std::vector<Run> runs;
  for (const auto& s : r.imaging) {
    const bool vi = s.vascular_invasion && *s.vascular_invasion != VascularInvasion::Absent;
    const bool ehs = s.extrahepatic_spread && *s.extrahepatic_spread;
    std::string flag = vi ? "VI" : "";
    if (ehs) flag += vi ? "+EHS" : "EHS";
    if (flag.empty()) {
      if (!runs.empty() && !runs.back().flag.empty()) runs.push_back({"", {}});
      continue;
    }
    if (runs.empty() || runs.back().flag != flag) runs.push_back({flag, {}});
    runs.back().studies.push_back(&s);
  }
  double last_right = -1e9;
  for (const auto& run : runs) {
    if (run.flag.empty()) continue;
    std::string tip;
    for (const auto* s : run.studies) {
      tip += fmt::format("{}{} {}:", tip.empty() ? "" : "; ", s->modality, s->date.iso());
      if (s->vascular_invasion && *s->vascular_invasion != VascularInvasion::Absent)
        tip += fmt::format(" vascular invasion ({})", to_string(*s->vascular_invasion));
      if (s->extrahepatic_spread && *s->extrahepatic_spread) tip += " extrahepatic spread";
    }
    const double x0 = ts(run.studies.front()->date), x1 = ts(run.studies.back()->date);
    const double w = text_width(run.flag, kSmall) * 1.1;
    const bool single = run.studies.size() == 1;
    const double left = single ? x0 - w / 2 : x0 - 3;
    body.open_group("finding", tip);
    if (!single)
      body.line(x0, count_lane.top + 12, x1, count_lane.top + 12,
                fmt::format("stroke=\"{}\" stroke-width=\"1.6\"", kRefractoryColour));
    if (left > last_right + 3) {
      body.text(single ? x0 : x0 - 3, count_lane.top + 9.5, run.flag,
                fmt::format("font-size=\"{}\" font-weight=\"700\" fill=\"{}\" text-anchor=\"{}\"", kSmall,
                            kRefractoryColour, single ? "middle" : "start"));
      last_right = left + w;
    }
    body.close_group();
  }
}

void Chart::draw_markers() {
  // -- AFP and DCP on one log axis, with the upper limits of normal (JSH criterion 2).
  std::vector<Point> afp = lab_points(r.labs.afp_ng_per_ml, Quantity::Afp, "AFP");
  std::vector<Point> dcp = lab_points(r.labs.dcp_mau_per_ml, Quantity::Dcp, "DCP");
  // Where both were measured on one date, the higher value is labelled above, the lower below.
  for (auto& a : afp)
    for (auto& c : dcp)
      if (a.date == c.date) {
        a.label_above = a.value >= c.value;
        c.label_above = !*a.label_above;
      }
  const Lane& lane = marker_lane;
  body.raw(fmt::format("<g class=\"legend-inline\">"));
  mark(body, Shape::Circle, 12, lane.top + 40, kAfpColour, kAfpColour);
  body.text(20, lane.top + 43, "AFP ng/mL", fmt::format("font-size=\"{}\" fill=\"{}\"", kSmall, kAfpColour));
  mark(body, Shape::Square, 12, lane.top + 55, kDcpColour, kDcpColour);
  body.text(20, lane.top + 58, "DCP mAU/mL", fmt::format("font-size=\"{}\" fill=\"{}\"", kSmall, kDcpColour));
  body.raw("</g>\n");
  if (afp.empty() && dcp.empty()) {
    lane_empty(body, lane, "no AFP or DCP recorded");
  } else {
    std::vector<double> values{10.0, 40.0};  // keep the upper limits of normal on the axis
    for (const auto& p : afp) values.push_back(p.value);
    for (const auto& p : dcp) values.push_back(p.value);
    const LogScale ls = log_scale_for(values, lane.top + 8, lane.bottom() - 8);
    const int every = ls.decade_px() < 13 ? 2 : 1;
    for (int e = ls.lo_exp; e <= ls.hi_exp; ++e) {
      static constexpr std::array<const char*, 3> kUnit{"", "k", "M"};
      std::string label;
      if (e < 0) label = fmt::format("{:g}", std::pow(10.0, e));
      else if (e < 3) label = fmt::format("{:.0f}", std::pow(10.0, e));
      else if (e < 9) label = fmt::format("{:.0f}{}", std::pow(10.0, e % 3), kUnit[static_cast<std::size_t>(e / 3)]);
      else label = fmt::format("1e{}", e);
      const bool show = (e - ls.lo_exp) % every == 0;
      y_tick(body, ls(std::pow(10.0, e)), show ? label : "", true);
    }
    // Upper limits of normal: dotted lines, labelled in the right margin.
    double afp_y = ls(10.0), dcp_y = ls(40.0);
    body.line(kPlotX0, afp_y, kPlotX1, afp_y,
              fmt::format("stroke=\"{}\" stroke-width=\"0.9\" stroke-dasharray=\"1.5 2.5\"", kAfpColour));
    body.line(kPlotX0, dcp_y, kPlotX1, dcp_y,
              fmt::format("stroke=\"{}\" stroke-width=\"0.9\" stroke-dasharray=\"1.5 2.5\"", kDcpColour));
    double afp_ly = afp_y + 3.5, dcp_ly = dcp_y + 3.5;
    if (afp_ly - dcp_ly < 11) {  // AFP ULN is below DCP ULN on the page: push them apart
      const double mid = (afp_ly + dcp_ly) / 2;
      afp_ly = mid + 5.5;
      dcp_ly = mid - 5.5;
    }
    body.text(kPlotX1 + 4, afp_ly, "ULN 10", fmt::format("font-size=\"{}\" fill=\"{}\"", kSmall, kAfpColour));
    body.text(kPlotX1 + 4, dcp_ly, "ULN 40", fmt::format("font-size=\"{}\" fill=\"{}\"", kSmall, kDcpColour));
    draw_series(body, afp, ts, ls, SeriesStyle{Shape::Circle, kAfpColour, "", true, 30, true}, "afp", lane.top,
                lane.bottom());
    draw_series(body, dcp, ts, ls, SeriesStyle{Shape::Square, kDcpColour, "5 3", false, 30, true}, "dcp", lane.top,
                lane.bottom());
  }
}

void Chart::draw_albi() {
  // -- ALBI with its grade bands and the mALBI 2a/2b line.
  const Lane& lane = albi_lane;
  std::vector<Point> pts;
  for (const auto& [at, a] : series.albi)
    pts.push_back(
        {at, a.value,
         fmt::format("ALBI {} on {}: grade {} (mALBI {})", albi_display(a.value), at.iso(), a.grade, a.mgrade),
         fmt::format("{:.3f}", a.value)});
  double lo = -3.4, hi = -1.0;
  for (const auto& p : pts) {
    lo = std::min(lo, p.value - 0.15);
    hi = std::max(hi, p.value + 0.15);
  }
  const LinearScale sc{lo, hi, lane.top + 2, lane.bottom() - 2};
  struct Band {
    double from, to;
    const char* fill;
    const char* label;
  };
  const std::array<Band, 4> albi_bands{Band{lo, -2.60, "#e3f1e6", "grade 1"}, Band{-2.60, -2.270, "#fbf3d5", "2a"},
                                       Band{-2.270, -1.39, "#fbe6d0", "2b"}, Band{-1.39, hi, "#f8dcdc", "grade 3"}};
  for (const auto& b : albi_bands) {
    const double y_top = sc(b.to), y_bottom = sc(b.from);
    bands.rect(kPlotX0, y_top, kPlotX1 - kPlotX0, y_bottom - y_top,
               fmt::format("fill=\"{}\" class=\"albi-band\"", b.fill));
    body.text(kPlotX1 + 4, (y_top + y_bottom) / 2 + 3.5, b.label,
              fmt::format("font-size=\"{}\" fill=\"{}\"", kSmall, kInk));
  }
  body.rect(kPlotX0, lane.top, kPlotX1 - kPlotX0, lane.height, "fill=\"none\" stroke=\"#c3cad3\" stroke-width=\"0.8\"");
  y_tick(body, sc(-2.60), "-2.60", false);
  y_tick(body, sc(-1.39), "-1.39", false);
  body.line(kPlotX0, sc(-2.60), kPlotX1, sc(-2.60), "stroke=\"#6b7785\" stroke-width=\"0.7\"");
  body.line(kPlotX0, sc(-1.39), kPlotX1, sc(-1.39), "stroke=\"#6b7785\" stroke-width=\"0.7\"");
  body.line(kPlotX0, sc(-2.270), kPlotX1, sc(-2.270),
            "stroke=\"#6b7785\" stroke-width=\"0.9\" stroke-dasharray=\"6 3\" class=\"malbi-line\"");
  y_tick(body, sc(-2.270), "-2.27", false);
  if (pts.empty()) lane_empty(body, lane, "ALBI not computable (bilirubin and albumin within 30 days needed)");
  draw_series(body, pts, ts, sc, SeriesStyle{Shape::Circle, kInk, "", true, 40, false}, "albi", lane.top,
              lane.bottom());
}

void Chart::draw_child_pugh() {
  // -- Child-Pugh points per date where computable.
  const Lane& lane = cp_lane;
  std::vector<Point> pts;
  for (const auto& [at, c] : series.child_pugh)
    pts.push_back({at, static_cast<double>(c.points),
                   fmt::format("Child-Pugh {}{} on {} ({} points)", c.cls, c.points, at.iso(), c.points),
                   fmt::format("{}{}", c.cls, c.points)});
  double hi = 12.5;
  for (const auto& p : pts) hi = std::max(hi, p.value + 0.5);
  const LinearScale sc{4.5, hi, lane.top + 3, lane.bottom() - 3};
  struct Band {
    double from, to;
    const char* fill;
    const char* label;
  };
  const std::array<Band, 3> cp_bands{Band{4.5, 6.5, "#e3f1e6", "A"}, Band{6.5, 9.5, "#fbeed5", "B"},
                                     Band{9.5, hi, "#f8dcdc", "C"}};
  for (const auto& b : cp_bands) {
    bands.rect(kPlotX0, sc(b.to), kPlotX1 - kPlotX0, sc(b.from) - sc(b.to),
               fmt::format("fill=\"{}\" class=\"cp-band\"", b.fill));
    body.text(kPlotX1 + 4, (sc(b.to) + sc(b.from)) / 2 + 3.5, fmt::format("class {}", b.label),
              fmt::format("font-size=\"{}\" fill=\"{}\"", kSmall, kInk));
  }
  body.rect(kPlotX0, lane.top, kPlotX1 - kPlotX0, lane.height, "fill=\"none\" stroke=\"#c3cad3\" stroke-width=\"0.8\"");
  for (const int v : {5, 7, 10}) y_tick(body, sc(v), std::to_string(v), false);
  if (pts.empty()) lane_empty(body, lane, "Child-Pugh not computable on any date");
  draw_series(body, pts, ts, sc, SeriesStyle{Shape::Diamond, "#3e4c59", "", true, 24, false}, "child-pugh", lane.top,
              lane.bottom());
}

void Chart::draw_systemic() {
  // -- Systemic therapy bars.
  if (bars.empty()) lane_empty(body, sys_lane, "no systemic therapy recorded");
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const auto& b = bars[i];
    const double by = sys_lane.top + 5 + bar_rows[i] * 20.0;
    body.open_group("therapy", b.tip);
    body.rect(b.x0, by, b.x1 - b.x0, 7, "rx=\"2\" fill=\"#5b3f8c\"");
    if (!b.s->end || *b.s->end > d.as_of)  // ongoing: an arrow head at the as-of date
      body.raw(fmt::format("<path d=\"M{} {}l6 3.5l-6 3.5z\" fill=\"#5b3f8c\"/>", f1(b.x1), f1(by)));
    body.close_group();
    body.text(
        b.label_end ? b.x1 + 6 : b.x0, by + 17, b.label,
        fmt::format("font-size=\"{}\" fill=\"{}\"{}", kSmall, "#3b2a5c", b.label_end ? " text-anchor=\"end\"" : ""));
  }
}

void Chart::draw_axis() {
  // -- Date axis.
  body.line(kPlotX0, axis_y, kPlotX1, axis_y, "stroke=\"#52606d\" stroke-width=\"1\"");
  for (const auto& t : ticks) {
    const double x = ts(t.date);
    body.line(x, axis_y, x, axis_y + 4, "stroke=\"#52606d\" stroke-width=\"1\"");
    body.text(x, axis_y + 15, t.line1,
              fmt::format("font-size=\"{}\" fill=\"{}\" text-anchor=\"middle\"", kSmall, kInk));
    if (!t.line2.empty())
      body.text(x, axis_y + 27, t.line2,
                fmt::format("font-size=\"{}\" font-weight=\"700\" fill=\"{}\" text-anchor=\"middle\"", kSmall, kInk));
  }
  body.text(6, axis_y + 15, "Date", fmt::format("font-size=\"{}\" font-weight=\"700\" fill=\"{}\"", 11.5, kInk));
}

void Chart::draw_refractory_lines() {
  // -- Vertical lines: as of, then one per refractory definition; then their labels.
  over.text(6, band_top + 11, "Refractory since",
            fmt::format("font-size=\"{}\" font-weight=\"700\" fill=\"{}\"", 11.5, kRefractoryColour));
  if (refractory.empty())
    over.text(kPlotX0 + 4, band_top + 11, "no definition refractory on the as-of date",
              fmt::format("font-size=\"{}\" font-style=\"italic\" fill=\"{}\"", kSmall, kMuted));
  auto row_y = [&](std::size_t i) { return band_top + 10 + rows[i] * kTopRow; };
  for (std::size_t i = 0; i < top.size(); ++i)
    if (top[i].defs.empty()) {
      const double x = ts(top[i].date);
      vlines.open_group("as-of", fmt::format("as-of date {}", d.as_of.iso()));
      vlines.line(x, row_y(i) - 9, x, lanes_bottom, fmt::format("stroke=\"{}\" stroke-width=\"1.2\"", kMuted));
      vlines.close_group();
    }
  for (std::size_t i = 0; i < top.size(); ++i)
    for (const auto* def : top[i].defs) {
      std::string key;
      for (const auto& c : def->criteria)
        if (c.state == CriterionState::Met && c.on == def->since) {
          key = c.id;
          break;
        }
      // The line starts at the first row of its date's group.
      std::size_t first = i;
      while (first > 0 && top[first - 1].date == top[i].date && !top[first - 1].defs.empty()) --first;
      const double x = ts(*def->since);
      vlines.open_group("refractory-since", fmt::format("{}: refractory since {}{}", def->id, def->since->iso(),
                                                        key.empty() ? "" : " (criterion " + key + ")"));
      vlines.line(x, row_y(first) - 9, x, lanes_bottom,
                  fmt::format("stroke=\"{}\" stroke-width=\"1.3\" stroke-dasharray=\"5 3\"", kRefractoryColour));
      vlines.close_group();
    }
  for (std::size_t i = 0; i < top.size(); ++i) {
    const auto& l = top[i];
    const double x = ts(l.date), ly = row_y(i);
    const char* colour = l.defs.empty() ? kMuted : kRefractoryColour;
    over.rect(l.span.left, ly - 9.5, l.span.right - l.span.left, 12, "fill=\"#ffffff\" fill-opacity=\"0.9\"");
    std::string content;
    if (l.defs.empty()) {
      content = fmt::format("<tspan class=\"as-of-label\">{}</tspan>", html::escape(l.text));
    } else {
      if (l.with_date) content = fmt::format("<tspan font-weight=\"700\">{}:</tspan> ", l.date.iso());
      for (std::size_t k = 0; k < l.defs.size(); ++k)
        content += fmt::format("{}<tspan class=\"refractory-label\" data-definition=\"{}\">{}</tspan>", k ? ", " : "",
                               html::escape(l.defs[k]->id), html::escape(l.defs[k]->id));
    }
    over.raw(fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"{}\" text-anchor=\"{}\">{}</text>\n",
                         f1(l.anchor_end ? x - 4 : x + 4), f1(ly), kSmall, colour, l.anchor_end ? "end" : "start",
                         content));
  }
}

void Chart::draw_legend() {
  // -- Legend, laid out in rows.
  y = axis_y + 38;
  double lx = kPlotX0;
  double ly = y + 8;
  auto item = [&](std::string_view text, auto&& draw_symbol) {
    const double w = 22 + text_width(text, kSmall) + 14;
    if (lx + w > kWidth - 4) {
      lx = kPlotX0;
      ly += 17;
    }
    draw_symbol(lx, ly);
    legend.text(lx + 22, ly + 3.5, text, fmt::format("font-size=\"{}\" fill=\"{}\"", kSmall, kInk));
    lx += w;
  };
  legend.text(6, ly + 3.5, "Legend", fmt::format("font-size=\"{}\" font-weight=\"700\" fill=\"{}\"", 11.5, kInk));
  item("TACE session (tick: later procedure of a staged session)", [&](double x, double yy) {
    legend.raw(fmt::format("<path d=\"M{} {}l5 -8h-10z\" fill=\"{}\"/>", f1(x + 9), f1(yy + 4), kInk));
  });
  if (merged.size() > d.history.sessions.size())
    item("TACE of an earlier course", [&](double x, double yy) {
      legend.raw(fmt::format("<path d=\"M{} {}l5 -8h-10z\" fill=\"#ffffff\" stroke=\"{}\" stroke-width=\"1\"/>",
                             f1(x + 9), f1(yy + 4), kMuted));
    });
  if (!r.procedures.empty())
    item("resection, ablation, transplant (ends the TACE course)", [&](double x, double yy) {
      legend.rect(x + 5.5, yy - 3.5, 7, 7, fmt::format("fill=\"{}\"", kRefractoryColour));
    });
  for (const auto c : {MrecistCategory::CR, MrecistCategory::PR, MrecistCategory::SD, MrecistCategory::PD}) {
    const std::string_view name = c == MrecistCategory::CR   ? "complete response"
                                  : c == MrecistCategory::PR ? "partial response"
                                  : c == MrecistCategory::SD ? "stable disease"
                                                             : "progressive disease";
    item(name, [&](double x, double yy) {
      legend.rect(x, yy - 7, 20, 13, fmt::format("rx=\"2\" fill=\"{}\"", mrecist_fill(c)));
      legend.text(x + 10, yy + 3, to_string(c),
                  "font-size=\"8.5\" font-weight=\"700\" fill=\"#ffffff\" text-anchor=\"middle\"");
    });
  }
  item("assessment pending / none", [&](double x, double yy) {
    legend.rect(x, yy - 7, 20, 13,
                "rx=\"2\" fill=\"#ffffff\" stroke=\"#7b8794\" stroke-width=\"1\" stroke-dasharray=\"3 2\"");
  });
  item("AFP ng/mL", [&](double x, double yy) {
    legend.line(x, yy, x + 18, yy, fmt::format("stroke=\"{}\" stroke-width=\"1.5\"", kAfpColour));
    mark(legend, Shape::Circle, x + 9, yy, kAfpColour, kAfpColour);
  });
  item("DCP mAU/mL", [&](double x, double yy) {
    legend.line(x, yy, x + 18, yy,
                fmt::format("stroke=\"{}\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"", kDcpColour));
    mark(legend, Shape::Square, x + 9, yy, kDcpColour, kDcpColour);
  });
  item("upper limit of normal", [&](double x, double yy) {
    legend.line(x, yy, x + 18, yy,
                fmt::format("stroke=\"{}\" stroke-width=\"1\" stroke-dasharray=\"1.5 2.5\"", kMuted));
  });
  item("ALBI (grade 1 ≤ -2.60 < 2 ≤ -1.39 < 3)",
       [&](double x, double yy) { mark(legend, Shape::Circle, x + 9, yy, kInk, kInk); });
  item("mALBI 2a/2b split -2.270", [&](double x, double yy) {
    legend.line(x, yy, x + 18, yy, "stroke=\"#6b7785\" stroke-width=\"1\" stroke-dasharray=\"6 3\"");
  });
  item("Child-Pugh class and points",
       [&](double x, double yy) { mark(legend, Shape::Diamond, x + 9, yy, "#3e4c59", "#3e4c59"); });
  item("VI vascular invasion, EHS extrahepatic spread", [&](double x, double yy) {
    legend.text(x + 9, yy + 3.5, "VI",
                fmt::format("font-size=\"{}\" font-weight=\"700\" fill=\"{}\" text-anchor=\"middle\"", kSmall,
                            kRefractoryColour));
  });
  item("refractory since (definition)", [&](double x, double yy) {
    legend.line(x + 9, yy - 7, x + 9, yy + 7,
                fmt::format("stroke=\"{}\" stroke-width=\"1.3\" stroke-dasharray=\"5 3\"", kRefractoryColour));
  });
  item("as-of date", [&](double x, double yy) {
    legend.line(x + 9, yy - 7, x + 9, yy + 7, fmt::format("stroke=\"{}\" stroke-width=\"1.2\"", kMuted));
  });
  item("systemic therapy", [&](double x, double yy) { legend.rect(x, yy - 3.5, 18, 7, "rx=\"2\" fill=\"#5b3f8c\""); });
  height = ly + 14;
}

std::string Chart::assemble() {
  // -- Assemble, with a text alternative.

  const std::string summary = fmt::format(
      "Timeline of patient {} from {} to {}: {} TACE session(s), {} imaging study(ies), {} AFP and {} DCP value(s), {} "
      "systemic "
      "therapy episode(s); refractory under {} of {} definitions; checkpoint verdict {}.",
      d.patient_id, ts.from.iso(), ts.to.iso(), d.history.sessions.size(), r.imaging.size(),
      r.labs.afp_ng_per_ml.size(), r.labs.dcp_mau_per_ml.size(), bars.size(), refractory.size(),
      d.refractoriness.size(), to_string(d.checkpoint.verdict));
  std::string out = fmt::format(
      "<svg class=\"timeline\" viewBox=\"0 0 {} {}\" role=\"img\" "
      "aria-labelledby=\"timeline-title timeline-desc\" aria-label=\"{}\" "
      "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Liberation Sans', 'DejaVu "
      "Sans', sans-serif\">\n"
      "<title id=\"timeline-title\">Course of patient {}</title>\n<desc id=\"timeline-desc\">{}</desc>\n",
      f1(kWidth), f1(height), html::escape(summary), html::escape(d.patient_id), html::escape(summary));
  std::string body_text = body.take();
  body_text.insert(bands_at, bands.take() + grid.take() + vlines.take());
  out += body_text;
  out += over.take();
  out += legend.take();
  out += "</svg>\n";
  return out;
}

std::string Chart::render() {
  layout_top_labels();
  layout_lanes();
  draw_frames_and_grid();
  draw_sessions();
  draw_responses();
  draw_tumours();
  draw_markers();
  draw_albi();
  draw_child_pugh();
  draw_systemic();
  draw_axis();
  draw_refractory_lines();
  draw_legend();
  return assemble();
}

}  // namespace

std::string timeline_svg(const Decision& d, const PatientRecord& r) { return Chart(d, r).render(); }

}  // namespace switchpoint::chart
