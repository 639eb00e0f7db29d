#include "core/therapy/alerts.h"

#include <fmt/compile.h>
#include <fmt/format.h>
#include <algorithm>

#include "core/number_text.h"
#include "core/refractoriness/definitions.h"
#include "core/refractoriness/tace_history.h"
#include "core/scores/child_pugh.h"
#include "core/text.h"
#include "core/therapy/plan.h"
#include "core/timeline.h"

namespace switchpoint {

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::Info:
      return "info";
    case Severity::Warning:
      return "warning";
    case Severity::Critical:
      return "critical";
  }
  return "?";
}

namespace {

Date episode_end(const SystemicTherapy& s, Date as_of) { return s.end && *s.end < as_of ? *s.end : as_of; }

// (1) Sorafenib started as an adjuvant after TACE while TACE was not refractory.
void adjuvant_sorafenib(std::vector<Alert>& out, const PatientRecord& r) {
  if (r.tace.empty()) return;
  for (const auto& s : r.systemic) {
    if (s.regimen != "sorafenib" || s.start <= r.tace.front().date) continue;
    const PatientRecord then = r.as_of(s.start);
    const TaceHistory h = build_tace_history(then, s.start);
    bool refractory = false;
    // Only the statuses are read: the definitions' evidence is not built (Detail::Verdicts).
    for (const auto& d : evaluate_refractoriness(then, h, Detail::Verdicts))
      refractory = refractory || d.status == RefractorinessStatus::Refractory;
    if (!refractory)
      out.push_back(
          {"pitfall-1-adjuvant-sorafenib", Severity::Warning,
           format_text(
               FMT_COMPILE(
                   "sorafenib started on {} after TACE while not refractory under any definition: "
                   "adjuvant sorafenib after TACE did not improve survival (post-TACE phase III trial, Kudo 2011)"),
               s.start.iso()),
           s.start});
  }
}

// (2) Sorafenib concurrent with ongoing TACE.
void concurrent_sorafenib(std::vector<Alert>& out, const PatientRecord& r, Date as_of) {
  for (const auto& s : r.systemic) {
    if (s.regimen != "sorafenib") continue;
    for (const auto& t : r.tace)
      if (t.date >= s.start && t.date <= episode_end(s, as_of)) {
        out.push_back(
            {"pitfall-2-sorafenib-with-tace", Severity::Warning,
             format_text(
                 FMT_COMPILE("TACE on {} during sorafenib (from {}): TACE + sorafenib failed to improve overall "
                             "survival (SPACE, ORIENTAL)"),
                 t.date.iso(), s.start.iso()),
             t.date});
        break;
      }
  }
}

// (3) Any systemic therapy at Child-Pugh C: on any date from its start to its end (or the
// as-of date while it goes on) at which Child-Pugh is computable.
void systemic_at_child_pugh_c(std::vector<Alert>& out, const PatientRecord& r, Date as_of) {
  for (const auto& s : r.systemic) {
    const Date last = episode_end(s, as_of);
    std::vector<Date> dates{s.start};
    for (const auto& a : r.clinical)
      if (a.date > s.start && a.date <= last) dates.push_back(a.date);
    for (Quantity q : {Quantity::Bilirubin, Quantity::Albumin, Quantity::Inr, Quantity::PtProlongation})
      for (const auto& v : r.labs.of(q))
        if (v.date > s.start && v.date <= last) dates.push_back(v.date);
    std::sort(dates.begin(), dates.end());
    dates.erase(std::unique(dates.begin(), dates.end()), dates.end());
    for (Date d : dates) {
      const auto cp = child_pugh_value(r, d);
      if (!cp || cp->cls != 'C') continue;
      out.push_back(
          {"pitfall-3-systemic-at-child-pugh-c", Severity::Critical,
           format_text(
               FMT_COMPILE("{} {} at Child-Pugh C{} ({}): no benefit, best supportive care only (BCLC 2022 stage D)"),
               s.regimen, d == s.start ? "started" : "given", cp->points, d.iso()),
           d});
      break;
    }
  }
}

// (4) Bevacizumab without a qualifying endoscopy (within 6 months before the start, varices
// not untreated high-risk).
void bevacizumab_without_endoscopy(std::vector<Alert>& out, const PatientRecord& r) {
  for (const auto& s : r.systemic) {
    const Regimen* reg = find_regimen(s.regimen);
    if (!reg || !reg->bevacizumab) continue;
    const Endoscopy* e = latest_endoscopy_within_6_months(r, s.start);
    if (!e || e->varices == Varices::HighRiskUntreated)
      out.push_back(
          {"pitfall-4-bevacizumab-without-endoscopy", Severity::Critical,
           e ? format_text(
                   FMT_COMPILE("{} started on {} with untreated high-risk varices (endoscopy {}): variceal bleeding "
                               "risk (IMbrave150 required endoscopy within 6 months with varices treated)"),
                   s.regimen, s.start.iso(), e->date.iso())
             : format_text(
                   FMT_COMPILE("{} started on {} without an upper GI endoscopy in the 6 months before: variceal "
                               "bleeding risk (IMbrave150 required endoscopy within 6 months with varices treated)"),
                   s.regimen, s.start.iso()),
           s.start});
  }
}

// (5) Lenvatinib with main portal vein invasion.
void lenvatinib_with_main_portal_vein(std::vector<Alert>& out, const PatientRecord& r, Date as_of) {
  for (const auto& s : r.systemic) {
    if (s.regimen != "lenvatinib") continue;
    for (const auto& i : r.imaging) {
      if (i.date > episode_end(s, as_of) || i.vascular_invasion != VascularInvasion::MainPortalVein) continue;
      if (i.date < s.start && days_between(i.date, s.start) > kImagingWindowDays) continue;
      out.push_back(
          {"pitfall-5-lenvatinib-main-portal-vein", Severity::Critical,
           format_text(
               FMT_COMPILE("lenvatinib (from {}) with main portal vein invasion on {}: excluded from REFLECT (no "
                           "trial evidence with main portal vein invasion)"),
               s.start.iso(), i.date.iso()),
           std::max(i.date, s.start)});
      break;
    }
  }
}

// (6) Regorafenib after sorafenib intolerance.
void regorafenib_after_intolerance(std::vector<Alert>& out, const PatientRecord& r) {
  for (const auto& s : r.systemic) {
    if (s.regimen != "regorafenib") continue;
    for (const auto& p : r.systemic) {
      if (p.regimen != "sorafenib" || p.start >= s.start) continue;
      const bool intolerant = p.stop_reason == StopReason::Intolerance ||
                              (p.dose_mg_per_day && p.days_at_dose_last_28 &&
                               !(at_least(*p.dose_mg_per_day, 400.0) && *p.days_at_dose_last_28 >= 20));
      if (intolerant)
        out.push_back(
            {"pitfall-6-regorafenib-after-intolerance", Severity::Critical,
             format_text(
                 FMT_COMPILE("regorafenib started on {} after sorafenib was not tolerated ({}): RESORCE enrolled "
                             "only sorafenib-tolerant patients (≥ 400 mg/day on ≥ 20 of the last 28 days)"),
                 s.start.iso(),
                 p.stop_reason == StopReason::Intolerance
                     ? format_text(FMT_COMPILE("stopped for intolerance{}"), p.end ? " on " + p.end->iso() : "")
                     : format_text(FMT_COMPILE("{} mg/day on {} of the last 28 days"), G{*p.dose_mg_per_day},
                                   *p.days_at_dose_last_28)),
             s.start});
    }
  }
}

int ascites_rank(Ascites a) { return static_cast<int>(a); }

// (7) Hepatic decompensation: new or worsening ascites, encephalopathy, bilirubin rising above
// 51.3 µmol/L (3 mg/dL). The latest event of each kind is reported.
void decompensation(std::vector<Alert>& out, const PatientRecord& r) {
  std::optional<Alert> ascites, enceph, bili;
  const ClinicalAssessment* prev_a = nullptr;
  const ClinicalAssessment* prev_e = nullptr;
  for (const auto& c : r.clinical) {
    if (c.ascites) {
      if (prev_a && ascites_rank(*c.ascites) > ascites_rank(*prev_a->ascites))
        ascites = Alert{
            "pitfall-7-decompensation", Severity::Critical,
            format_text(FMT_COMPILE("ascites worsened from {} ({}) to {} ({}): hepatic decompensation: reassess liver "
                                    "function before any further treatment"),
                        to_string(*prev_a->ascites), prev_a->date.iso(), to_string(*c.ascites), c.date.iso()),
            c.date};
      prev_a = &c;
    }
    if (c.encephalopathy) {
      if (prev_e && static_cast<int>(*c.encephalopathy) > static_cast<int>(*prev_e->encephalopathy))
        enceph = Alert{
            "pitfall-7-decompensation", Severity::Critical,
            format_text(FMT_COMPILE("hepatic encephalopathy {} on {} (was {} on {}): hepatic decompensation: reassess "
                                    "liver function before any further treatment"),
                        to_string(*c.encephalopathy), c.date.iso(), to_string(*prev_e->encephalopathy),
                        prev_e->date.iso()),
            c.date};
      prev_e = &c;
    }
  }
  const LabSeries& b = r.labs.bilirubin_umol_per_l;
  for (std::size_t i = 1; i < b.size(); ++i)
    if (at_most(b[i - 1].value, 51.3) && above(b[i].value, 51.3))
      bili =
          Alert{"pitfall-7-decompensation", Severity::Critical,
                format_text(
                    FMT_COMPILE(
                        "bilirubin rose above 51.3 µmol/L (3 mg/dL): {} on {} after {} on {}: hepatic decompensation"),
                    describe(b[i], Quantity::Bilirubin), b[i].date.iso(), describe(b[i - 1], Quantity::Bilirubin),
                    b[i - 1].date.iso()),
                b[i].date};
  for (auto* a : {&ascites, &enceph, &bili})
    if (*a) out.push_back(std::move(**a));
}

}  // namespace

std::vector<Alert> evaluate_alerts(const PatientRecord& r, Date as_of) {
  std::vector<Alert> out;
  adjuvant_sorafenib(out, r);
  concurrent_sorafenib(out, r, as_of);
  systemic_at_child_pugh_c(out, r, as_of);
  bevacizumab_without_endoscopy(out, r);
  lenvatinib_with_main_portal_vein(out, r, as_of);
  regorafenib_after_intolerance(out, r);
  decompensation(out, r);
  return out;
}

}  // namespace switchpoint
