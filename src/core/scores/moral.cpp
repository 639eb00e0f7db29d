#include "core/scores/moral.h"

#include <fmt/compile.h>
#include <fmt/format.h>
#include <algorithm>
#include <cmath>

#include "core/number_text.h"
#include "core/response/assessment.h"
#include "core/text.h"
#include "core/timeline.h"
#include "core/units.h"

namespace switchpoint {

double moral_value(double dcp_mau_per_ml, double afp_ng_per_ml) {
  return 11.0 * std::sqrt(dcp_mau_per_ml) + 2.0 * std::sqrt(afp_ng_per_ml);
}

bool moral_tace_flag(double before, double after) {
  // "≥ 5% rise" compared as a ratio so a before-value of 0 needs no division.
  return at_least(after, 89.5) && at_least(after, before * 1.05);
}

namespace {

constexpr const char* kInformational =
    "informational only (grade U): the rule was found in no primary source and may not trigger "
    "refractoriness, a verdict or a contraindication";

}  // namespace

MoralResult moral(const PatientRecord& r, Date at) {
  MoralResult out{std::nullopt, start_score("moral", "moral", at)};
  ScoreResult& rep = out.report;
  const LabValue* dcp = latest_lab(r.labs.dcp_mau_per_ml, at);
  const LabValue* afp = latest_lab(r.labs.afp_ng_per_ml, at);
  if (dcp) rep.used.push_back({"dcp", dcp->date, describe(*dcp, Quantity::Dcp)});
  else rep.missing.emplace_back("dcp");
  if (afp) rep.used.push_back({"afp", afp->date, describe(*afp, Quantity::Afp)});
  else rep.missing.emplace_back("afp");
  if (!dcp || !afp) return out;
  const double v = moral_value(dcp->value, afp->value);
  out.value = v;
  rep.computed = true;
  rep.summary = format_text(FMT_COMPILE("{} (11 × √{} + 2 × √{})"), Fixed{v, 1}, G{dcp->value}, G{afp->value});
  rep.fields.push_back({"value", Number{v, 1}});
  return out;
}

MoralTaceResult moral_tace(const PatientRecord& r, Date at) {
  MoralTaceResult out{std::nullopt, start_score("moral_tace", "moral-tace", at)};
  ScoreResult& rep = out.report;
  rep.notes.emplace_back(kInformational);
  if (tace_sessions_before(r, at) == 0) {
    rep.applicable = false;
    rep.summary = "before the first TACE: the rule compares MoRAL before and after the first session";
    return out;
  }
  const Date first = r.tace.front().date;

  bool complete = true;
  auto marker = [&](const LabSeries& s, Quantity q, const char* name, Date when, bool after_first,
                    const char* label) -> const LabValue* {
    const LabValue* v = latest_lab(s, when);
    if (v != nullptr && after_first && !(v->date > first)) v = nullptr;
    if (v == nullptr) {
      complete = false;
      rep.missing.push_back(format_text(FMT_COMPILE("{} {} ({})"), name, label, first.iso()));
      return nullptr;
    }
    rep.used.push_back({format_text(FMT_COMPILE("{} {}"), name, label), v->date, describe(*v, q)});
    return v;
  };
  const LabValue* dcp0 = marker(r.labs.dcp_mau_per_ml, Quantity::Dcp, "dcp", first, false, "before the first TACE");
  const LabValue* afp0 = marker(r.labs.afp_ng_per_ml, Quantity::Afp, "afp", first, false, "before the first TACE");
  const LabValue* dcp1 = marker(r.labs.dcp_mau_per_ml, Quantity::Dcp, "dcp", at, true, "after the first TACE");
  const LabValue* afp1 = marker(r.labs.afp_ng_per_ml, Quantity::Afp, "afp", at, true, "after the first TACE");
  if (!complete) return out;

  MoralTace m;
  m.before = moral_value(dcp0->value, afp0->value);
  m.before_date = std::max(dcp0->date, afp0->date);
  m.after = moral_value(dcp1->value, afp1->value);
  m.after_date = std::max(dcp1->date, afp1->date);
  if (m.before > 0) m.rise_percent = (m.after - m.before) * 100.0 / m.before;
  m.met = moral_tace_flag(m.before, m.after);
  out.value = m;
  rep.computed = true;
  const std::string rise =
      m.rise_percent ? format_text(FMT_COMPILE("{:+.1f}%"), *m.rise_percent) : std::string("from 0");
  rep.summary =
      format_text(FMT_COMPILE("MoRAL {} before the first TACE → {} after ({}): {} the seed-004 statement (≥ 89.5 "
                              "with a ≥ 5% rise → median OS < 10 months); informational only"),
                  Fixed{m.before, 1}, Fixed{m.after, 1}, rise, m.met ? "meets" : "does not meet");
  rep.fields.push_back({"before", Number{m.before, 1}});
  rep.fields.push_back({"after", Number{m.after, 1}});
  if (m.rise_percent) rep.fields.push_back({"rise_percent", Number{*m.rise_percent, 1}});
  rep.fields.push_back({"met", m.met});
  return out;
}

}  // namespace switchpoint
