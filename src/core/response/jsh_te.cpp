#include "core/response/jsh_te.h"

#include <fmt/compile.h>
#include <fmt/format.h>

#include "core/number_text.h"
#include "core/text.h"
#include "core/timeline.h"
#include "core/units.h"

namespace switchpoint {

std::string_view to_string(TeGrade g) {
  switch (g) {
    case TeGrade::TE1:
      return "TE1";
    case TeGrade::TE2:
      return "TE2";
    case TeGrade::TE3:
      return "TE3";
    case TeGrade::TE4:
      return "TE4";
  }
  return "?";
}

std::optional<TeGrade> jsh_te_grade(std::optional<double> viable, std::optional<double> size_change) {
  if (size_change && at_most(*size_change, -100.0)) return TeGrade::TE4;
  if (size_change && at_least(*size_change, 50.0)) return TeGrade::TE1;
  if (!viable) return std::nullopt;  // shrinkage 50–<100% could still be TE4 with 100% necrosis
  if (at_most(*viable, 0.0)) return TeGrade::TE4;
  if (at_most(*viable, 50.0)) return TeGrade::TE3;  // necrosis ≥ 50% and < 100%
  if (size_change && at_most(*size_change, -50.0)) return TeGrade::TE3;
  return TeGrade::TE2;
}

namespace {
constexpr int kTeWindowMinDays = 28;
constexpr int kTeWindowMaxDays = 92;
}  // namespace

JshTeResult jsh_te(const PatientRecord& r, Date at) {
  JshTeResult out{std::nullopt, start_score("jsh_te", "jsh-te", at)};
  ScoreResult& rep = out.report;
  const ImagingStudy* s = nullptr;
  for (auto it = r.imaging.rbegin(); it != r.imaging.rend(); ++it) {
    if (it->date > at) continue;
    if (days_between(it->date, at) > kImagingWindowDays) break;
    if (it->viable_tumor_percent || it->treated_size_change_percent) {
      s = &*it;
      break;
    }
  }
  if (s == nullptr) {
    rep.missing.push_back(format_text(
        FMT_COMPILE("viable_tumor_percent or treated_size_change_percent (no imaging within {} days reports them)"),
        kImagingWindowDays));
    return out;
  }
  const TaceSession* session = nullptr;
  for (const auto& t : r.tace)
    if (t.date < s->date) session = &t;
  if (session == nullptr) {
    rep.applicable = false;
    rep.summary = format_text(
        FMT_COMPILE("no TACE session before the imaging of {}: TE grades the effect of a treatment"), s->date.iso());
    return out;
  }
  if (s->viable_tumor_percent)
    rep.used.push_back({"viable_tumor_percent", s->date, format_text(FMT_COMPILE("{}%"), G{*s->viable_tumor_percent})});
  if (s->treated_size_change_percent)
    rep.used.push_back(
        {"treated_size_change_percent", s->date, format_text(FMT_COMPILE("{:+g}%"), *s->treated_size_change_percent)});
  rep.used.push_back({"tace", session->date, session->technique.empty() ? "session" : session->technique});

  out.value = jsh_te_grade(s->viable_tumor_percent, s->treated_size_change_percent);
  if (!out.value) {
    rep.missing.push_back(
        format_text(FMT_COMPILE("viable_tumor_percent (the size change of {:+g}% alone does not decide the grade)"),
                    *s->treated_size_change_percent));
    return out;
  }
  rep.computed = true;
  const int days = days_between(session->date, s->date);
  rep.summary = format_text(FMT_COMPILE("{} on the imaging of {}, {} days after the TACE of {}"), to_string(*out.value),
                            s->date.iso(), days, session->date.iso());
  rep.fields.push_back({"grade", std::string(to_string(*out.value))});
  if (!s->treated_size_change_percent && *out.value != TeGrade::TE1)
    rep.notes.emplace_back("size change of the treated nodules not reported: enlargement by ≥ 50% (TE1) not assessed");
  if (days < kTeWindowMinDays || days > kTeWindowMaxDays)
    rep.notes.push_back(
        format_text(FMT_COMPILE("assessed {} days after TACE, outside the 28–92 days (1–3 months) of RECICL"), days));
  return out;
}

}  // namespace switchpoint
