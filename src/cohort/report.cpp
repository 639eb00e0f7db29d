#include "cohort/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include <switchpoint/version.h>
#include "cohort/stats.h"
#include "core/engine.h"
#include "core/knowledge/catalogue.h"
#include "presenters/html_escape.h"
#include "presenters/text_escape.h"

namespace switchpoint::cohort {
namespace {

constexpr double kDaysPerMonth = 30.4375;
constexpr std::string_view kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd",
                                        "#ff7f0e", "#8c564b", "#e377c2", "#17becf"};
constexpr std::size_t kDefs = kDefinitions.size();

// HTML text of a string from the input: hidden characters made visible first
// (presenters/text_escape.h), then & < > " ' as character references.
std::string esc(std::string_view s) { return html::escape(escape_text(s)); }

std::string pct(long a, long b) {
  return b > 0 ? fmt::format("{:.1f}%", 100.0 * static_cast<double>(a) / static_cast<double>(b)) : "–";
}
std::string p_text(std::optional<double> p) {
  if (!p) return "–";
  return *p < 0.001 ? "&lt; 0.001" : fmt::format("{:.3f}", *p);
}
std::string months(std::optional<double> m) { return m ? fmt::format("{:.1f}", *m) : "not reached"; }
double months_between(Date a, Date b) { return days_between(a, b) / kDaysPerMonth; }

bool evaluated_with_tace(const CohortRow& r) { return r.input == InputStatus::Ok && r.first_tace.has_value(); }
// Refractory or not: insufficient data and not applicable (no TACE) are left out of agreement.
bool determinate(RefractorinessStatus s) {
  return s == RefractorinessStatus::Refractory || s == RefractorinessStatus::NotRefractory;
}

// ---- SVG ---------------------------------------------------------------------------------

struct Curve {
  std::string label;
  std::string_view color;
  const KaplanMeier* km;
};

double tick_step(double x_max) { return x_max <= 24 ? 3 : x_max <= 60 ? 6 : 12; }

double axis_max(const std::vector<Curve>& curves) {
  double m = 0;
  for (const auto& c : curves)
    if (!c.km->times.empty()) m = std::max(m, c.km->times.back());
  const double step = tick_step(m);
  return std::max(step, std::ceil(m / step) * step);
}

// Step curves of S(t) (or 1 − S(t) when `rising`) with axes, drawn as an inline SVG.
std::string km_svg(const std::vector<Curve>& curves, double x_max, bool rising, std::string_view y_label,
                   std::string_view title) {
  constexpr double W = 680, H = 330, ml = 58, mr = 14, mt = 14, mb = 46;
  const double pw = W - ml - mr, ph = H - mt - mb;
  auto x = [&](double t) { return ml + std::min(t, x_max) / x_max * pw; };
  auto y = [&](double v) { return mt + (1 - v) * ph; };
  std::string s = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {:.0f} {:.0f}" width="{:.0f}" height="{:.0f}" role="img" aria-label="{}">)"
      "\n",
      W, H, W, H, esc(title));
  s += fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="#fff" stroke="#999"/>)"
                   "\n",
                   ml, mt, pw, ph);
  for (int k = 0; k <= 4; ++k) {
    const double v = k / 4.0;
    s += fmt::format(R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="#e5e5e5"/>)"
                     R"(<text x="{:.1f}" y="{:.1f}" text-anchor="end" font-size="11">{:.0f}%</text>)"
                     "\n",
                     ml, y(v), ml + pw, y(v), ml - 6, y(v) + 4, v * 100);
  }
  const double step = tick_step(x_max);
  for (double t = 0; t <= x_max + 1e-9; t += step)
    s += fmt::format(R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" stroke="#999"/>)"
                     R"(<text x="{0:.1f}" y="{3:.1f}" text-anchor="middle" font-size="11">{4:.0f}</text>)"
                     "\n",
                     x(t), mt + ph, mt + ph + 5, mt + ph + 18, t);
  s += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" text-anchor="middle" font-size="12">months</text>)"
                   "\n",
                   ml + pw / 2, H - 8);
  s += fmt::format(
      R"svg(<text x="14" y="{:.1f}" text-anchor="middle" font-size="12" transform="rotate(-90 14 {:.1f})">{}</text>)svg"
      "\n",
      mt + ph / 2, mt + ph / 2, esc(y_label));
  for (const auto& c : curves) {
    if (c.km->n == 0) continue;
    auto val = [&](double surv) { return rising ? 1 - surv : surv; };
    std::string d = fmt::format("M{:.1f},{:.1f}", x(0), y(val(1)));
    for (const auto& st : c.km->steps) {
      if (st.time > x_max) break;
      d += fmt::format(" H{:.1f} V{:.1f}", x(st.time), y(val(st.survival)));
    }
    d += fmt::format(" H{:.1f}", x(c.km->times.back()));
    s += fmt::format(R"(<path d="{}" fill="none" stroke="{}" stroke-width="1.8"/>)"
                     "\n",
                     d, c.color);
  }
  s += "</svg>\n";
  return s;
}

std::string legend(const std::vector<Curve>& curves) {
  std::string s = "<p class=\"legend\">";
  for (const auto& c : curves)
    s += fmt::format(R"(<span><i style="background:{}"></i>{}</span> )", c.color, esc(c.label));
  return s + "</p>\n";
}

std::string at_risk_table(const std::vector<Curve>& curves, double x_max) {
  const double step = tick_step(x_max);
  std::string s = "<table class=\"num\"><tr><th>numbers at risk, months</th>";
  for (double t = 0; t <= x_max + 1e-9; t += step) s += fmt::format("<th>{:.0f}</th>", t);
  s += "</tr>\n";
  for (const auto& c : curves) {
    s += fmt::format(R"(<tr><td><i class="sw" style="background:{}"></i>{}</td>)", c.color, esc(c.label));
    for (double t = 0; t <= x_max + 1e-9; t += step) s += fmt::format("<td>{}</td>", c.km->at_risk_at(t));
    s += "</tr>\n";
  }
  return s + "</table>\n";
}

// Overall survival from a landmark (times in days, drawn in months): the step curve with its
// Greenwood 95% band (shaded), censor ticks, each curve cut where fewer than 10 remain at risk,
// the legend and the numbers at risk.
std::string km_band_plot(const std::vector<Curve>& curves) {
  constexpr double W = 680, H = 330, ml = 58, mr = 14, mt = 14, mb = 46;
  constexpr long kMinAtRisk = 10;
  const double pw = W - ml - mr, ph = H - mt - mb;
  double m = 0;
  for (const auto& c : curves)
    if (const auto cut = c.km->cut_time(kMinAtRisk)) m = std::max(m, *cut / kDaysPerMonth);
  const double step = tick_step(m), x_max = std::max(step, std::ceil(m / step) * step);
  auto x = [&](double days) { return ml + std::min(days / kDaysPerMonth, x_max) / x_max * pw; };
  auto y = [&](double v) { return mt + (1 - v) * ph; };
  std::string s = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {:.0f} {:.0f}" width="{:.0f}" height="{:.0f}" role="img" aria-label="overall survival from the landmark">)"
      "\n",
      W, H, W, H);
  s += fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="#fff" stroke="#999"/>)"
                   "\n",
                   ml, mt, pw, ph);
  for (int k = 0; k <= 4; ++k)
    s += fmt::format(R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="#e5e5e5"/>)"
                     R"(<text x="{:.1f}" y="{:.1f}" text-anchor="end" font-size="11">{:.0f}%</text>)"
                     "\n",
                     ml, y(k / 4.0), ml + pw, y(k / 4.0), ml - 6, y(k / 4.0) + 4, k * 25.0);
  for (double t = 0; t <= x_max + 1e-9; t += step)
    s += fmt::format(R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" stroke="#999"/>)"
                     R"(<text x="{0:.1f}" y="{3:.1f}" text-anchor="middle" font-size="11">{4:.0f}</text>)"
                     "\n",
                     x(t * kDaysPerMonth), mt + ph, mt + ph + 5, mt + ph + 18, t);
  s += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" text-anchor="middle" font-size="12">months from the landmark</text>)"
                   "\n",
                   ml + pw / 2, H - 8);
  for (const auto& c : curves) {
    const auto cut = c.km->cut_time(kMinAtRisk);
    if (!cut) continue;
    // The band: upper edge forwards, lower edge backwards, as steps.
    std::vector<std::pair<double, std::pair<double, double>>> edges{{0, {1, 1}}};
    for (const auto& st : c.km->steps) {
      if (st.time > *cut) break;
      if (st.lower && st.upper) edges.push_back({st.time, {*st.lower, *st.upper}});
    }
    std::string up = fmt::format("M{:.1f},{:.1f}", x(0), y(1)), down;
    for (std::size_t k = 1; k < edges.size(); ++k)
      up += fmt::format(" H{:.1f} V{:.1f}", x(edges[k].first), y(edges[k].second.second));
    up += fmt::format(" H{:.1f}", x(*cut));
    down = fmt::format(" V{:.1f}", y(edges.back().second.first));
    for (std::size_t k = edges.size() - 1; k > 0; --k)
      down += fmt::format(" H{:.1f} V{:.1f}", x(edges[k].first), y(edges[k - 1].second.first));
    s += fmt::format(R"(<path d="{}{} H{:.1f} Z" fill="{}" fill-opacity="0.15" stroke="none"/>)"
                     "\n",
                     up, down, x(0), c.color);
    std::string d = fmt::format("M{:.1f},{:.1f}", x(0), y(1));
    for (const auto& st : c.km->steps) {
      if (st.time > *cut) break;
      d += fmt::format(" H{:.1f} V{:.1f}", x(st.time), y(st.survival));
    }
    d += fmt::format(" H{:.1f}", x(*cut));
    s += fmt::format(R"(<path d="{}" fill="none" stroke="{}" stroke-width="1.8"/>)"
                     "\n",
                     d, c.color);
    for (double t : c.km->censored_times) {
      if (t > *cut) break;
      const double v = c.km->survival_at(t);
      s += fmt::format(R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" stroke="{3}"/>)", x(t), y(v) - 4,
                       y(v) + 4, c.color);
    }
    s += "\n";
  }
  s += "</svg>\n" + legend(curves);
  s += "<table class=\"num\"><tr><th>numbers at risk, months</th>";
  for (double t = 0; t <= x_max + 1e-9; t += step) s += fmt::format("<th>{:.0f}</th>", t);
  s += "</tr>\n";
  for (const auto& c : curves) {
    s += fmt::format(R"(<tr><td><i class="sw" style="background:{}"></i>{}</td>)", c.color, esc(c.label));
    for (double t = 0; t <= x_max + 1e-9; t += step)
      s += fmt::format("<td>{}</td>", c.km->at_risk_at(t * kDaysPerMonth));
    s += "</tr>\n";
  }
  return s +
         "</table>\n<p class=\"small\">Shaded: Greenwood 95% confidence band (log scale); ticks: censored; "
         "each curve stops where fewer than 10 patients remain at risk.</p>\n";
}

constexpr std::string_view kStyle = R"(<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1100px;padding:0 16px;color:#222}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}h3{font-size:15px}
table{border-collapse:collapse;margin:8px 0 16px}th,td{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f5f5f5}table.num td,table.num th{text-align:right}table.num td:first-child,table.num th:first-child{text-align:left}
.legend span{margin-right:14px;white-space:nowrap}.legend i,i.sw{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}
.note{background:#fff8e1;border:1px solid #f0d58c;padding:8px 12px}.small{font-size:12px;color:#555}
code{font-size:12px}ul.problems{font-size:12px;max-height:480px;overflow:auto}
</style>
)";

// ---- sections ----------------------------------------------------------------------------

struct Ctx {
  const Result& res;
  std::vector<const CohortRow*> evaluated;  // input ok
  std::vector<const CohortRow*> treated;    // input ok and ≥ 1 TACE session
  bool dtsdhcc = false;
};

std::string header(const Ctx& c) {
  const Stats& st = c.res.stats;
  std::string s = fmt::format(
      "<h1>Cohort report: refractoriness to TACE under eight definitions</h1>\n"
      "<p class=\"note\">{} Research use: the definitions are applied by switchpoint engine {} (knowledge {}) to "
      "each patient's record as of the last entry; see <i>Method and biases</i> before reading any comparison.</p>\n",
      kDecisionSupportNotice, kEngineVersion, kKnowledgeVersion);
  s += "<table>\n";
  s += fmt::format("<tr><th>input</th><td>{}</td></tr>\n", esc(st.source));
  std::string files;
  for (const auto& f : st.files) files += (files.empty() ? "" : "<br>") + esc(f);
  s += fmt::format("<tr><th>files</th><td>{}</td></tr>\n", files);
  s += fmt::format("<tr><th>lines read</th><td>{} ({:.1f} MB); kept for a record: {}</td></tr>\n", st.lines,
                   static_cast<double>(st.bytes) / 1e6, st.lines_kept);
  s += fmt::format("<tr><th>invalid lines</th><td>{} (listed at the end)</td></tr>\n", st.invalid_line_count);
  s += fmt::format(
      "<tr><th>patients</th><td>{} — evaluated {}, withheld for invalid input {}, nothing dated {}; with ≥ 1 TACE "
      "session {}</td></tr>\n",
      st.patients, st.patients_evaluated, st.patients_withheld,
      st.patients - st.patients_evaluated - st.patients_withheld, c.treated.size());
  // Cohort selection of a whole-population export (issue 15 item 7; docs/cohort.md).
  if (st.selected)
    s += fmt::format(
        "<tr><th>cohort selection</th><td>{} patients in the export; {} in the cohort (an HCC diagnosis, a TACE or an "
        "HCC systemic therapy: {} with an HCC diagnosis, {} with TACE, {} with systemic therapy among those "
        "evaluated); {} not in the cohort, never evaluated</td></tr>\n",
        st.export_patients, st.patients, st.with_hcc_diagnosis, st.with_tace, st.with_systemic,
        st.not_in_cohort.size());
  s += "</table>\n";
  return s;
}

std::string counts(const Ctx& c) {
  std::string s =
      "<h2>Status per definition</h2>\n<p>Patients with at least one TACE session (a patient without TACE is "
      "not refractory under every definition: TACE has not been tried). Child-Pugh at the since date: ";
  s += c.dtsdhcc ? "from the recorded Child-Pugh points (the data set has no raw labs).</p>\n"
                 : "computed by the engine from the labs and bedside grades current on that date.</p>\n";
  s += "<table class=\"num\"><tr><th>definition</th><th>refractory</th><th>not refractory</th><th>insufficient "
       "data</th><th>Child-Pugh B/C at since (of known)</th></tr>\n";
  const long n = static_cast<long>(c.treated.size());
  for (std::size_t i = 0; i < kDefs; ++i) {
    long r = 0, nr = 0, in = 0, bc = 0, known = 0;
    for (const auto* row : c.treated) {
      const auto& d = row->definitions[i];
      if (d.status == RefractorinessStatus::Refractory) {
        ++r;
        if (d.child_pugh_at_since != '?') {
          ++known;
          if (d.child_pugh_at_since != 'A') ++bc;
        }
      } else if (d.status == RefractorinessStatus::NotRefractory) {
        ++nr;
      } else {
        ++in;
      }
    }
    s += fmt::format("<tr><td>{}</td><td>{} ({})</td><td>{} ({})</td><td>{} ({})</td><td>{} of {} ({})</td></tr>\n",
                     kDefinitions[i], r, pct(r, n), nr, pct(nr, n), in, pct(in, n), bc, known, pct(bc, known));
  }
  return s + "</table>\n";
}

std::string agreement(const Ctx& c) {
  std::string s =
      "<h2>Agreement between definitions</h2>\n<p>Cohen's kappa for refractory versus not refractory, over the "
      "patients with ≥ 1 TACE session for whom <em>both</em> definitions are determinate (a patient with "
      "insufficient data under either is left out of that pair); n in parentheses. κ = (p<sub>o</sub> − "
      "p<sub>e</sub>) / (1 − p<sub>e</sub>). κ is 0, or undefined (–), when one definition of the pair is never "
      "determinately <i>not refractory</i> among those patients — as when the data cannot show that its criteria "
      "are absent: then only its refractory patients enter the pair.</p>\n<table class=\"num\"><tr><th></th>";
  for (auto id : kDefinitions) s += fmt::format("<th>{}</th>", id);
  s += "</tr>\n";
  struct Pair {
    std::size_t a, b;
    Kappa k;
    std::vector<std::string> a_only, b_only;
  };
  std::vector<Pair> pairs;
  std::vector<std::vector<Kappa>> m(kDefs, std::vector<Kappa>(kDefs));
  for (std::size_t a = 0; a < kDefs; ++a)
    for (std::size_t b = 0; b < kDefs; ++b) {
      long yy = 0, yn = 0, ny = 0, nn = 0;
      Pair p{a, b, {}, {}, {}};
      for (const auto* row : c.treated) {
        const auto sa = row->definitions[a].status, sb = row->definitions[b].status;
        if (!determinate(sa) || !determinate(sb)) continue;
        const bool ra = sa == RefractorinessStatus::Refractory, rb = sb == RefractorinessStatus::Refractory;
        if (ra && rb) ++yy;
        else if (ra) {
          ++yn;
          if (p.a_only.size() < 5) p.a_only.push_back(row->patient_id);
        } else if (rb) {
          ++ny;
          if (p.b_only.size() < 5) p.b_only.push_back(row->patient_id);
        } else ++nn;
      }
      m[a][b] = cohen_kappa(yy, yn, ny, nn);
      p.k = m[a][b];
      if (a < b) pairs.push_back(std::move(p));
    }
  for (std::size_t a = 0; a < kDefs; ++a) {
    s += fmt::format("<tr><th>{}</th>", kDefinitions[a]);
    for (std::size_t b = 0; b < kDefs; ++b) {
      const Kappa& k = m[a][b];
      if (a == b) s += fmt::format("<td class=\"small\">n {}</td>", k.n());
      else if (k.kappa) s += fmt::format("<td>{:.2f} <span class=\"small\">({})</span></td>", *k.kappa, k.n());
      else s += fmt::format("<td>– <span class=\"small\">({})</span></td>", k.n());
    }
    s += "</tr>\n";
  }
  s += "</table>\n";

  std::stable_sort(pairs.begin(), pairs.end(), [](const Pair& x, const Pair& y) {
    return x.k.first_only + x.k.second_only > y.k.first_only + y.k.second_only;
  });
  s += "<h3>Disagreements, most first</h3>\n<table class=\"num\"><tr><th>definitions A / B</th><th>n</th><th>both "
       "refractory</th><th>A only</th><th>B only</th><th>neither</th><th>disagree</th><th>κ (95% CI)</th><th>examples, "
       "A "
       "only</th><th>examples, B only</th></tr>\n";
  auto ids = [](const std::vector<std::string>& v) {
    std::string out;
    for (const auto& x : v) out += (out.empty() ? "" : ", ") + esc(x);
    return out;
  };
  for (const auto& p : pairs) {
    const long dis = p.k.first_only + p.k.second_only;
    s += fmt::format(
        "<tr><td>{} / {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td class=\"small\">{}</td><td class=\"small\">{}</td></tr>\n",
        kDefinitions[p.a], kDefinitions[p.b], p.k.n(), p.k.both_yes, p.k.first_only, p.k.second_only, p.k.both_no,
        pct(dis, p.k.n()),
        p.k.kappa ? fmt::format("{:.2f} <span class=\"small\">({:.2f} to {:.2f})</span>", *p.k.kappa, *p.k.ci_low,
                                *p.k.ci_high)
                  : "–",
        ids(p.a_only), ids(p.b_only));
  }
  return s + "</table>\n";
}

std::string time_to_refractoriness(const Ctx& c) {
  std::vector<KaplanMeier> kms(kDefs);
  std::vector<long> excluded(kDefs, 0);
  for (std::size_t i = 0; i < kDefs; ++i) {
    std::vector<Survival> subjects;
    for (const auto* row : c.treated) {
      const auto& d = row->definitions[i];
      if (d.status == RefractorinessStatus::Refractory && d.since)
        subjects.push_back({months_between(*row->first_tace, *d.since), true});
      else if (d.status == RefractorinessStatus::NotRefractory)
        subjects.push_back({months_between(*row->first_tace, *row->as_of), false});
      else ++excluded[i];
    }
    kms[i] = kaplan_meier(std::move(subjects));
  }
  std::vector<Curve> curves;
  for (std::size_t i = 0; i < kDefs; ++i) curves.push_back({std::string(kDefinitions[i]), kColors[i], &kms[i]});
  const double x_max = axis_max(curves);
  std::string s =
      "<h2>Time from the first TACE to refractoriness</h2>\n<p>Kaplan–Meier estimate of the proportion refractory "
      "(1 − S(t)) per definition. Origin: the first TACE session. Event: the definition's since date. Censored: "
      "not refractory as of the last record. Left out: insufficient data (see the biases below).</p>\n";
  s += km_svg(curves, x_max, true, "refractory (cumulative)", "Time from first TACE to refractoriness");
  s += legend(curves);
  s += "<table class=\"num\"><tr><th>definition</th><th>n</th><th>events</th><th>censored</th><th>left out "
       "(insufficient data)</th><th>median, months</th><th>refractory by 6 months</th><th>by 12 months</th><th>by 24 "
       "months</th></tr>\n";
  bool only_events = false;
  for (std::size_t i = 0; i < kDefs; ++i) {
    const bool none_censored = kms[i].n > 0 && kms[i].events == kms[i].n && excluded[i] > 0;
    only_events = only_events || none_censored;
    s += fmt::format(
        "<tr><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.1f}%</td><td>{:.1f}%</td>"
        "<td>{:.1f}%</td></tr>\n",
        kDefinitions[i], none_censored ? " *" : "", kms[i].n, kms[i].events, kms[i].n - kms[i].events, excluded[i],
        months(kms[i].median()), 100 * (1 - kms[i].survival_at(6)), 100 * (1 - kms[i].survival_at(12)),
        100 * (1 - kms[i].survival_at(24)));
  }
  s += "</table>\n";
  if (only_events)
    s += "<p class=\"note\">* No patient is determinably <i>not refractory</i> under this definition: every patient "
         "in its curve is one found refractory, and the others are left out. Its curve describes when those "
         "patients became refractory, not the time to refractoriness of the cohort, and it reaches 100% by "
         "construction.</p>\n";
  s += at_risk_table(curves, x_max);
  return s;
}

std::string survival(const Ctx& c) {
  std::string s =
      "<h2>Overall survival from refractoriness: switched to systemic therapy versus continued TACE</h2>\n"
      "<p>Per definition, patients refractory under it with a known outcome. Origin: the since date. Groups by "
      "the first treatment recorded on or after that date: systemic therapy (with or without TACE the same day) "
      "→ <em>switched</em>; TACE → <em>continued TACE</em>. Left out: systemic therapy already before the since "
      "date, no further treatment recorded, or no known follow-up. Event: death; censored at the end of "
      "follow-up. Log-rank test with one degree of freedom.</p>\n";
  s += "<table class=\"num\"><tr><th>definition</th><th>switched: n (deaths)</th><th>median OS, "
       "months</th><th>continued TACE: n (deaths)</th><th>median OS, months</th><th>log-rank χ²</th><th>p</th>"
       "<th>left out: systemic before / no treatment / no follow-up</th></tr>\n";
  std::string plots;
  for (std::size_t i = 0; i < kDefs; ++i) {
    std::vector<Survival> sw, tc;
    long before = 0, none = 0, unknown = 0;
    for (const auto* row : c.treated) {
      const auto& d = row->definitions[i];
      if (d.status != RefractorinessStatus::Refractory || !d.since) continue;
      if (!row->died || !row->follow_up_end || *row->follow_up_end < *d.since) {
        ++unknown;
        continue;
      }
      const Date since = *d.since;
      std::optional<Date> next_sys, next_tace;
      bool sys_before = false;
      for (Date t : row->systemic_starts) {
        if (t < since) sys_before = true;
        else if (!next_sys || t < *next_sys) next_sys = t;
      }
      for (Date t : row->tace_dates)
        if (t >= since && (!next_tace || t < *next_tace)) next_tace = t;
      if (sys_before) {
        ++before;
        continue;
      }
      const Survival subj{months_between(since, *row->follow_up_end), *row->died};
      if (next_sys && (!next_tace || *next_sys <= *next_tace)) sw.push_back(subj);
      else if (next_tace) tc.push_back(subj);
      else ++none;
    }
    const KaplanMeier km_sw = kaplan_meier(sw), km_tc = kaplan_meier(tc);
    const LogRank lr = log_rank(sw, tc);
    s += fmt::format(
        "<tr><td>{}</td><td>{} ({})</td><td>{}</td><td>{} ({})</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{} / {} / {}</td></tr>\n",
        kDefinitions[i], km_sw.n, km_sw.events, km_sw.n ? months(km_sw.median()) : "–", km_tc.n, km_tc.events,
        km_tc.n ? months(km_tc.median()) : "–", lr.chi2 ? fmt::format("{:.2f}", *lr.chi2) : "–", p_text(lr.p), before,
        none, unknown);
    if (km_sw.n >= 5 && km_tc.n >= 5) {
      const std::vector<Curve> curves{{"switched to systemic therapy", "#d62728", &km_sw},
                                      {"continued TACE", "#1f77b4", &km_tc}};
      const double x_max = axis_max(curves);
      plots += fmt::format("<h3>{}</h3>\n", kDefinitions[i]);
      plots += km_svg(curves, x_max, false, "overall survival", fmt::format("Overall survival, {}", kDefinitions[i]));
      plots += legend(curves);
      plots += at_risk_table(curves, x_max);
      plots +=
          fmt::format("<p class=\"small\">O/E switched {:.0f}/{:.1f}, continued TACE {:.0f}/{:.1f}; χ² {}, p {}.</p>\n",
                      lr.observed1, lr.expected1, lr.observed2, lr.expected2,
                      lr.chi2 ? fmt::format("{:.2f}", *lr.chi2) : "–", p_text(lr.p));
    }
  }
  s += "</table>\n" + plots;
  return s;
}

// The adjusted comparison (cohort/analysis.h): the numbers of --analysis, and the KM curves from
// the landmark with Greenwood bands, censor ticks and numbers at risk, cut below 10 at risk.
std::string landmark_analysis(const Ctx& c, const AnalysisOptions& options) {
  const auto comparisons = compare_switch_continue(c.res.rows, options);
  std::string s = fmt::format(
      "<h2>Switch versus continue: landmark Cox analysis ({} days)</h2>\n"
      "<p>Per definition: patients refractory under it, without systemic therapy before the since date, alive and "
      "under follow-up {} days after it (the landmark). <em>Switched</em>: systemic therapy started by the landmark; "
      "<em>continued</em>: not (whatever they had instead; one who switches later is followed until that switch and "
      "censored there, per protocol: the column after the deaths counts them). Overall survival from the "
      "landmark; Cox proportional-hazards model with Breslow ties, adjusted for the covariates on the since date "
      "(complete cases; a covariate with one value only among the patients is left out). Hazard ratio switched versus "
      "continued with its 95% confidence interval and Wald p. PH check: the coefficient of switched × log(days since "
      "the "
      "landmark) and its p (a small p: the hazard ratio changes with time). Sensitivity: switching as a time-varying "
      "exposure from the since date (no landmark; same covariates). The same numbers are written by "
      "<code>--analysis</code>.</p>\n",
      options.landmark_days, options.landmark_days);
  s += "<table class=\"num\"><tr><th>definition</th><th>switched: n (deaths)</th><th>continued: n (deaths)</th>"
       "<th>continued: censored at a later switch</th><th>HR (95% CI)</th><th>p</th><th>PH check "
       "p</th><th>time-varying HR (95% CI)</th><th>left out: no outcome / "
       "systemic before / ended by landmark / missing covariates</th><th>adjusted for</th></tr>\n";
  std::string plots;
  for (const auto& a : comparisons) {
    const auto hr = [](const std::optional<double>& h, const std::optional<double>& lo, const std::optional<double>& hi,
                       const std::string& problem) {
      return h ? fmt::format("{:.2f} ({:.2f}–{:.2f})", *h, *lo, *hi) : esc(problem.empty() ? "–" : problem);
    };
    std::string adj;
    for (const auto& n : a.adjusted_for) adj += (adj.empty() ? "" : ", ") + n;
    if (!a.not_in_data.empty()) {
      std::string missing;
      for (const auto& n : a.not_in_data) missing += (missing.empty() ? "" : ", ") + n;
      adj += "; not in the data: " + missing;
    }
    s += fmt::format(
        "<tr><td>{}</td><td>{} ({})</td><td>{} ({})</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{} / {} / {} / {}</td><td class=\"small\">{}</td></tr>\n",
        a.definition, a.n_switch, a.events_switch, a.n_continue, a.events_continue, a.censored_at_later_switch,
        hr(a.hr, a.ci_low, a.ci_high, a.problem), p_text(a.p), p_text(a.ph_p),
        hr(a.tv_hr, a.tv_ci_low, a.tv_ci_high, a.tv_problem), a.no_outcome, a.systemic_before, a.ended_before_landmark,
        a.missing_covariates, esc(adj));
    if (a.km_switch.n + a.km_continue.n > 0) {
      plots += fmt::format("<h3>{}: overall survival from the landmark</h3>\n", a.definition);
      plots += km_band_plot({{"switched by the landmark", "#d62728", &a.km_switch},
                             {"not switched by the landmark", "#1f77b4", &a.km_continue}});
    }
  }
  s += "</table>\n" + plots;
  s += "<p class=\"note\">What this cannot claim: the landmark groups are formed by what happened in the first "
       "days after refractoriness, and only the covariates listed are adjusted for; reasons for switching that the "
       "data do not hold (patient preference, access, a clinician's judgement of fitness beyond Child-Pugh and ECOG) "
       "remain confounders. A continued patient who switches later is censored at the switch, which assumes that the "
       "later switch depends only on the covariates adjusted for (a switch prompted by a worsening would favour "
       "continued TACE; the time-varying analysis is the check). Patients who died or were lost before the landmark "
       "are not compared. Eight definitions "
       "are compared: a p below 0.05 for one of them is expected by chance.</p>\n";
  return s;
}

std::string method(const Ctx& c) {
  std::string s = R"(<h2>Method and biases</h2>
<ul>
<li><b>What is counted.</b> Each patient's record is evaluated once, as of its latest entry. A definition is
<i>refractory</i> when one of its criteria is met (since = the earliest date a criterion was met),
<i>not refractory</i> when every criterion is judged not met, and <i>insufficient data</i> otherwise — a missing
input is never taken as normal (docs/refractoriness.md). Since dates are found looking back from the last record.</li>
<li><b>Agreement</b> is computed only where both definitions are determinate, so it describes the patients with
enough data for both, not the cohort.</li>
<li><b>Time to refractoriness</b> leaves out the patients with insufficient data instead of censoring them: they are
not known to be free of refractoriness. If data are missing more often in patients who progress (or in those who
do well and are imaged less), the curves are biased in the corresponding direction.</li>
<li><b>Immortal-time bias.</b> The survival groups are formed by what happened <em>after</em> the refractoriness
date: a patient must live until the first treatment to be placed in a group, and patients who died before any
further treatment are left out. The two groups may also differ in how long that wait was.</li>
<li><b>Confounding by indication.</b> Patients are switched, or kept on TACE, for reasons (liver function,
performance status, tumour burden, patient preference) that themselves predict survival. No adjustment is made:
the comparison is descriptive and does not estimate the effect of switching. The published figure (median
overall survival 25.4 versus 11.5 months in one Japanese study) carries the same biases.</li>
<li><b>Multiplicity.</b> Eight definitions are compared; a p-value below 0.05 for one of them is expected by chance.</li>
<li><b>Synthetic cohorts.</b> In a cohort made by <code>switchpoint synth</code>, death does not depend on the
treatment given (docs/synth.md): any survival difference between the groups there is produced by the biases above.</li>
<li><b>FHIR input</b>: death is the Patient's deceasedDateTime; otherwise follow-up ends at the latest entry.</li>
)";
  if (c.dtsdhcc)
    s += R"(<li><b>DTSDHCC</b> (profile <code>dtsdhcc</code>): missing values were imputed by the data set's authors
(random-forest regression), so individual values can be implausible and criteria built on them inherit the
imputation. The data set has no mRECIST category, no viable-tumour percentage, no raw liver labs and no ECOG:
definitions needing them are <i>insufficient data</i> unless another criterion is met (new lesions on a study
after a TACE give mRECIST progression). A tumour count of 4 means "4 or more" and is not read as a count. The level
of vascular invasion is not recorded (read as present, branch level). Targeted therapy is a flag without regimen:
it defines the <em>switched</em> group but is not in the engine's record, so the therapy line and first choice are
not given for those patients; the flag says "at or after this observation", and the first flagged row is taken
as the start. A resection is not in the record either: findings after a resection are read as if only TACE had
been given (those patients carry a note). Child-Pugh is carried as the recorded points; the engine's own
Child-Pugh is not computed. Follow-up ends at the last row's date plus OStime_day.</li>
)";
  return s + "</ul>\n";
}

std::string problems(const Ctx& c) {
  const Stats& st = c.res.stats;
  std::string s = fmt::format("<h2>Invalid lines ({})</h2>\n", st.invalid_line_count);
  if (st.invalid.empty()) s += "<p>None.</p>\n";
  else {
    s += "<p>A patient with an invalid line is withheld (not evaluated), as a single record with a problem is.</p>\n"
         "<ul class=\"problems\">\n";
    constexpr std::size_t kMax = 2000;
    for (std::size_t i = 0; i < st.invalid.size() && i < kMax; ++i) {
      const auto& p = st.invalid[i];
      s += fmt::format("<li><code>{}:{}</code> {}</li>\n", esc(p.file), p.line, esc(p.message));
    }
    if (st.invalid.size() > kMax)
      s += fmt::format("<li>… and {} more (all are printed on standard error)</li>\n", st.invalid.size() - kMax);
    s += "</ul>\n";
  }
  s += "<h2>Not used, by kind</h2>\n<table class=\"num\"><tr><th>kind</th><th>count</th></tr>\n";
  for (const auto& [k, n] : st.skipped) s += fmt::format("<tr><td>{}</td><td>{}</td></tr>\n", esc(k), n);
  return s + "</table>\n";
}

}  // namespace

std::string cohort_report_html(const Result& result, const AnalysisOptions& analysis) {
  Ctx c{result, {}, {}, result.stats.source.find("dtsdhcc") != std::string::npos};
  for (const auto& r : result.rows) {
    if (r.input != InputStatus::Ok) continue;
    c.evaluated.push_back(&r);
    if (evaluated_with_tace(r)) c.treated.push_back(&r);
  }
  std::string s =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>switchpoint cohort report</title>\n";
  s += kStyle;
  s += "</head>\n<body>\n";
  s += header(c);
  s += counts(c);
  s += agreement(c);
  s += time_to_refractoriness(c);
  if (result.has_outcomes) s += survival(c) + landmark_analysis(c, analysis);
  else s += "<h2>Overall survival</h2>\n<p>The input has no deaths and follow-up, so no survival analysis.</p>\n";
  s += method(c);
  s += problems(c);
  s += "</body>\n</html>\n";
  return s;
}

}  // namespace switchpoint::cohort
