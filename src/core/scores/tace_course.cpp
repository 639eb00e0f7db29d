#include "core/scores/tace_course.h"

#include <fmt/compile.h>
#include <fmt/format.h>
#include <algorithm>

#include "core/response/assessment.h"
#include "core/response/mrecist.h"
#include "core/text.h"

namespace switchpoint {

namespace {

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : ", ") + x;
  return out;
}

Date latest_input_date(const ScoreResult& s) {
  Date d = s.used.front().date;
  for (const auto& u : s.used) d = std::max(d, u.date);
  return d;
}

}  // namespace

ChildPughChange child_pugh_change(const PatientRecord& r, Date first_tace, Date at, ScoreResult& rep) {
  ChildPughChange out;
  // As much detail as the score reporting the change: its text quotes Child-Pugh's summary.
  const Detail detail = rep.explain ? Detail::Full : Detail::Verdicts;
  const ChildPughResult before = child_pugh(r, first_tace, detail);
  const ChildPughResult now = child_pugh(r, at, detail);
  if (before.value) {
    out.before = before.value;
    rep.used.push_back({"child_pugh before the first TACE", latest_input_date(before.report), before.report.summary});
  } else {
    rep.missing.push_back(format_text(FMT_COMPILE("child_pugh before the first TACE of {} (missing {})"),
                                      first_tace.iso(), joined(before.report.missing)));
  }
  if (now.value) {
    std::vector<std::string> stale;
    for (const auto& u : now.report.used)
      if (u.date <= first_tace) stale.push_back(format_text(FMT_COMPILE("{} of {}"), u.name, u.date.iso()));
    if (stale.empty()) {
      out.now = now.value;
      rep.used.push_back({"child_pugh", latest_input_date(now.report), now.report.summary});
    } else {
      rep.missing.push_back(format_text(FMT_COMPILE("child_pugh after the first TACE (the latest {} predate{} it)"),
                                        joined(stale), stale.size() == 1 ? "s" : ""));
    }
  } else {
    rep.missing.push_back(
        format_text(FMT_COMPILE("child_pugh after the first TACE (missing {})"), joined(now.report.missing)));
  }
  if (out.before && out.now) out.rise = out.now->points - out.before->points;
  return out;
}

std::optional<MrecistCategory> response_after_last_tace(const PatientRecord& r, Date at, ScoreResult& rep) {
  const std::size_t n = tace_sessions_before(r, at);
  if (n == 0) return std::nullopt;
  const TaceSession& last = r.tace[n - 1];
  const std::optional<std::size_t> idx = response_assessment_study(r, n - 1);
  if (!idx || r.imaging[*idx].date > at) {
    rep.missing.push_back(
        format_text(FMT_COMPILE("mrecist response after the last TACE of {} (no imaging within {} days after it)"),
                    last.date.iso(), kResponseAssessmentMaxDays));
    return std::nullopt;
  }
  const StudyResponse resp = mrecist_response(r, *idx);
  if (!resp.category) {
    rep.missing.push_back(format_text(FMT_COMPILE("mrecist response after the last TACE (imaging of {}: missing {})"),
                                      resp.date.iso(), joined(resp.missing)));
    return std::nullopt;
  }
  rep.used.push_back({"mrecist after the last TACE", resp.date,
                      format_text(FMT_COMPILE("{} ({})"), to_string(*resp.category),
                                  resp.contradicted ? "measured; the recorded category is contradicted"
                                  : resp.recorded   ? "recorded"
                                                    : "computed")});
  return resp.category;
}

}  // namespace switchpoint
