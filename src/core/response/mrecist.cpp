#include "core/response/mrecist.h"
#include "core/number_text.h"
#include "core/text.h"

#include <fmt/compile.h>
#include <fmt/format.h>
#include <algorithm>

#include "core/response/assessment.h"
#include "core/response/mrecist_once.h"
#include "core/timeline.h"
#include "core/units.h"

namespace switchpoint {

namespace {

bool has_targets(const ImagingStudy& s) { return s.target_lesions && !s.target_lesions->empty(); }

double sum_cm(const std::vector<TargetLesion>& t) {
  double sum = 0;
  for (const auto& l : t) sum += l.viable_diameter_cm;
  return sum;
}

bool all_zero(const std::vector<TargetLesion>& t) {
  return std::all_of(t.begin(), t.end(), [](const TargetLesion& l) { return !(l.viable_diameter_cm > 0); });
}

// mRECIST follows the same targets through time; a different set makes the sums incomparable.
bool same_targets(const std::vector<TargetLesion>& a, const std::vector<TargetLesion>& b) {
  if (a.size() != b.size()) return false;
  auto named = [](const std::vector<TargetLesion>& v) {
    return std::all_of(v.begin(), v.end(), [](const TargetLesion& l) { return !l.id.empty(); });
  };
  if (!named(a) || !named(b)) return true;  // no ids to check: equal numbers is all we can verify
  std::vector<std::string> ia, ib;
  for (const auto& l : a) ia.push_back(l.id);
  for (const auto& l : b) ib.push_back(l.id);
  std::sort(ia.begin(), ia.end());
  std::sort(ib.begin(), ib.end());
  return ia == ib;
}

std::string lesion_list(const std::vector<TargetLesion>& t, bool with_sizes) {
  std::string out;
  for (const auto& l : t) {
    if (!out.empty()) out += with_sizes ? " + " : ", ";
    out += l.id.empty() ? std::string("(no id)") : l.id;
    if (with_sizes) out += format_text(FMT_COMPILE(" {}"), G{l.viable_diameter_cm});
  }
  return out;
}

std::string percent_from(double from, double to) {
  if (!(from > 0)) return "from 0";
  return format_text(FMT_COMPILE("{:+.1f}%"), (to - from) * 100.0 / from);
}

bool has_response_data(const ImagingStudy& s) {
  return s.target_lesions || s.nontarget || s.new_lesions || s.mrecist_recorded;
}

// P-course-end: the latest resection, ablation or transplantation dated before `d` (a procedure on
// the day of a study or session is taken as done after it).
std::optional<CourseEndingProcedure> course_end_before(const PatientRecord& r, Date d) {
  std::optional<CourseEndingProcedure> out;
  for (const auto& p : r.procedures)
    if (p.date < d && (!out || p.date > out->date)) out = p;
  return out;
}

// The first session of `r.tace` dated after `since` (all of them when there is none).
const TaceSession* first_session_after(const PatientRecord& r, const std::optional<CourseEndingProcedure>& since) {
  for (const auto& t : r.tace)
    if (!since || t.date > since->date) return &t;
  return nullptr;
}

std::optional<std::size_t> baseline_before(const PatientRecord& r, Date first, std::optional<Date> not_before) {
  for (std::size_t i = r.imaging.size(); i-- > 0;) {
    const ImagingStudy& s = r.imaging[i];
    if (s.date > first) continue;
    if (days_between(s.date, first) > kImagingWindowDays) return std::nullopt;
    if (not_before && s.date <= *not_before) return std::nullopt;
    if (has_targets(s) && sum_cm(*s.target_lesions) > 0) return i;
  }
  return std::nullopt;
}

MrecistCategory overall_of(MrecistCategory target, NonTargetStatus nontarget, bool new_lesion) {
  if (target == MrecistCategory::PD || nontarget == NonTargetStatus::PD || new_lesion) return MrecistCategory::PD;
  if (target == MrecistCategory::CR)
    return nontarget == NonTargetStatus::NonCRNonPD ? MrecistCategory::PR : MrecistCategory::CR;
  return target;
}

// The overall categories the study's measurements leave possible (every combination of the
// unknown parts). A viable target (> 0) rules out a target CR even when no target category can be
// computed (no baseline, other lesions measured).
std::vector<MrecistCategory> possible_overall(const ImagingStudy& s, std::optional<MrecistCategory> target) {
  using C = MrecistCategory;
  std::vector<C> targets;
  if (target) targets = {*target};
  else if (has_targets(s) && !all_zero(*s.target_lesions)) targets = {C::PR, C::SD, C::PD};
  else targets = {C::CR, C::PR, C::SD, C::PD};
  std::vector<NonTargetStatus> nts;
  if (s.nontarget) nts = {*s.nontarget};
  else nts = {NonTargetStatus::Absent, NonTargetStatus::NonCRNonPD, NonTargetStatus::PD};
  std::vector<bool> nls;
  if (s.new_lesions) nls = {*s.new_lesions >= 1};
  else nls = {false, true};
  std::vector<C> out;
  for (C t : targets)
    for (NonTargetStatus n : nts)
      for (bool nl : nls) {
        const C c = overall_of(t, n, nl);
        if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
      }
  std::sort(out.begin(), out.end());
  return out;
}

std::string or_list(const std::vector<MrecistCategory>& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += (i + 1 == v.size()) ? " or " : ", ";
    out += to_string(v[i]);
  }
  return out;
}

std::string study_name(const ImagingStudy& s) {
  return format_text(FMT_COMPILE("{} of {}"), s.modality.empty() ? std::string("imaging study") : s.modality,
                     s.date.iso());
}

}  // namespace

MrecistCategory mrecist_target_response(double baseline_sum, double nadir_sum, double current_sum,
                                        bool all_targets_zero) {
  if (all_targets_zero) return MrecistCategory::CR;
  // Percentages are formed as difference × 100 / reference so that round inputs stay exact;
  // the tolerant comparison puts a value entered at the cut-off on the source's side.
  if (!(nadir_sum > 0)) return MrecistCategory::PD;  // enhancement back after a nadir of 0
  if (at_least((current_sum - nadir_sum) * 100.0 / nadir_sum, 20.0)) return MrecistCategory::PD;
  if (baseline_sum > 0 && at_least((baseline_sum - current_sum) * 100.0 / baseline_sum, 30.0))
    return MrecistCategory::PR;
  return MrecistCategory::SD;
}

std::optional<std::size_t> mrecist_baseline_study(const PatientRecord& r) {
  if (r.tace.empty()) return std::nullopt;
  const auto since = course_end_before(r, r.tace.back().date);
  const TaceSession* first = first_session_after(r, since);
  if (!first) return std::nullopt;
  return baseline_before(r, first->date, since ? std::optional<Date>(since->date) : std::nullopt);
}

namespace {
StudyResponse judge_mrecist_response(const PatientRecord& r, std::size_t study_index);
}  // namespace

StudyResponse mrecist_response(const PatientRecord& r, std::size_t study_index) {
  return MrecistOnce::get(r, study_index, judge_mrecist_response);
}

namespace {

StudyResponse judge_mrecist_response(const PatientRecord& r, std::size_t study_index) {
  const ImagingStudy& s = r.imaging.at(study_index);
  StudyResponse out;
  out.date = s.date;
  out.recorded = s.mrecist_recorded;
  std::vector<std::string> why;    // what prevents a computed category
  std::vector<std::string> basis;  // what was seen

  // P-course-end: the study is judged in the course of the latest resection, ablation or
  // transplantation before it: only sessions after that procedure count, and the baseline (hence
  // the nadir) is dated after it.
  const auto since = course_end_before(r, s.date);
  const TaceSession* first = first_session_after(r, since);
  std::optional<MrecistCategory> target;
  bool responding = false;  // a study after a session of its course: a response is defined
  std::string target_text;  // the target part of the basis, for a contradiction warning
  double base_sum = 0, nadir = 0, cur = 0;
  if (since && (!first || s.date <= first->date)) {
    why.push_back(format_text(FMT_COMPILE("a TACE session between the {} and the study (none recorded)"),
                              course_end_text(*since)));
    basis.push_back(format_text(FMT_COMPILE("study after the {} with no TACE since: not a response to TACE"),
                                course_end_text(*since)));
  } else if (!first || s.date <= first->date) {
    why.push_back(
        !first ? std::string("a TACE session before the study (none recorded)")
               : format_text(FMT_COMPILE("a TACE session before the study (the first is on {})"), first->date.iso()));
    basis.emplace_back("pre-treatment study: no response is defined");
  } else {
    responding = true;
    const std::optional<std::size_t> base =
        baseline_before(r, first->date, since ? std::optional<Date>(since->date) : std::nullopt);
    if (!base) {
      why.emplace_back("baseline target measurements");
      basis.emplace_back(
          format_text(FMT_COMPILE("no study with target measurements within {} days on or before the first "
                                  "TACE ({}){}"),
                      kImagingWindowDays, first->date.iso(),
                      since ? format_text(FMT_COMPILE(" and after the {}"), course_end_text(*since)) : std::string()));
    } else if (!has_targets(s)) {
      why.emplace_back("target measurements");
    } else {
      const ImagingStudy& b = r.imaging[*base];
      const auto& bt = *b.target_lesions;
      const auto& ct = *s.target_lesions;
      if (!same_targets(bt, ct)) {
        why.push_back(
            format_text(FMT_COMPILE("target measurements of the baseline lesions (baseline {}: {}; this study: {})"),
                        b.date.iso(), lesion_list(bt, false), lesion_list(ct, false)));
      } else {
        base_sum = sum_cm(bt);
        nadir = base_sum;
        Date nadir_date = b.date;
        for (std::size_t j = *base + 1; j < study_index; ++j) {
          const ImagingStudy& m = r.imaging[j];
          if (!has_targets(m) || !same_targets(bt, *m.target_lesions)) continue;
          const double sum = sum_cm(*m.target_lesions);
          if (sum < nadir) {
            nadir = sum;
            nadir_date = m.date;
          }
        }
        cur = sum_cm(ct);
        target = mrecist_target_response(base_sum, nadir, cur, all_zero(ct));
        target_text = format_text(FMT_COMPILE("target sum {} cm, {} from the baseline {} cm"), Fixed{cur, 1},
                                  percent_from(base_sum, cur), Fixed{base_sum, 1});
        if (nadir < base_sum)
          target_text +=
              format_text(FMT_COMPILE(" and {} from the nadir {} cm"), percent_from(nadir, cur), Fixed{nadir, 1});
        target_text += format_text(FMT_COMPILE(": target {}"), to_string(*target));
        basis.push_back(format_text(FMT_COMPILE("target sum {} cm ({}); baseline {} cm on {} ({}); nadir {} cm on "
                                                "{} ({}): target {}"),
                                    Fixed{cur, 1}, lesion_list(ct, true), Fixed{base_sum, 1}, b.date.iso(),
                                    percent_from(base_sum, cur), Fixed{nadir, 1}, nadir_date.iso(),
                                    percent_from(nadir, cur), to_string(*target)));
      }
    }
    if (s.nontarget) basis.push_back(format_text(FMT_COMPILE("non-target {}"), to_string(*s.nontarget)));
    if (s.new_lesions) basis.push_back(format_text(FMT_COMPILE("new lesions {}"), *s.new_lesions));

    const bool new_lesion = s.new_lesions && *s.new_lesions >= 1;
    const bool nontarget_pd = s.nontarget == NonTargetStatus::PD;
    if (target == MrecistCategory::PD || nontarget_pd || new_lesion) {
      // Any one of these is progression, whatever else is unknown.
      out.computed = MrecistCategory::PD;
    } else {
      if (!s.nontarget) why.emplace_back("non-target lesion status");
      if (!s.new_lesions) why.emplace_back("new lesions");
      if (target && s.nontarget && s.new_lesions) {
        if (*target == MrecistCategory::CR)
          out.computed = (*s.nontarget == NonTargetStatus::NonCRNonPD) ? MrecistCategory::PR : MrecistCategory::CR;
        else out.computed = target;
      }
    }
    if (out.computed) basis.push_back(format_text(FMT_COMPILE("overall {}"), to_string(*out.computed)));
  }

  out.disagreement = out.recorded && out.computed && *out.recorded != *out.computed;
  // P-recorded-vs-measured: a recorded category the study's own measurements rule out is not used.
  if (responding && out.recorded) {
    const std::vector<MrecistCategory> possible = possible_overall(s, target);
    out.contradicted = std::find(possible.begin(), possible.end(), *out.recorded) == possible.end();
    if (out.contradicted) {
      std::vector<std::string> shown;  // the measurements that decide
      const bool new_lesion = s.new_lesions && *s.new_lesions >= 1;
      if (new_lesion)
        shown.push_back(format_text(FMT_COMPILE("{} new lesion{}"), *s.new_lesions, *s.new_lesions == 1 ? "" : "s"));
      if (s.nontarget == NonTargetStatus::PD) shown.emplace_back("non-target PD");
      if (target && (*target == MrecistCategory::PD || out.computed != MrecistCategory::PD))
        shown.push_back(target_text);
      if (!target && !out.computed && has_targets(s))
        shown.push_back(format_text(FMT_COMPILE("viable target sum {} cm ({}): not CR"),
                                    Fixed{sum_cm(*s.target_lesions), 1}, lesion_list(*s.target_lesions, true)));
      if (out.computed && *out.computed != MrecistCategory::PD) {
        if (s.nontarget) shown.push_back(format_text(FMT_COMPILE("non-target {}"), to_string(*s.nontarget)));
        if (s.new_lesions) shown.emplace_back("no new lesion");
      }
      if (out.computed) {
        out.contradiction =
            format_text(FMT_COMPILE("mRECIST recorded {} on the {} is contradicted by the measurements ({} → {}): the "
                                    "measurements are used; "
                                    "check the report"),
                        to_string(*out.recorded), study_name(s), join(shown, ", "), to_string(*out.computed));
      } else {
        out.contradiction = format_text(
            FMT_COMPILE(
                "mRECIST recorded {} on the {} is contradicted by the measurements ({}; they allow only {}, and no "
                "category can be computed without {}): no category is used; check the report"),
            to_string(*out.recorded), study_name(s), join(shown, ", "), or_list(possible), join(why, ", "));
        why.insert(why.begin(),
                   format_text(FMT_COMPILE("a category the measurements allow ({}; recorded {} is contradicted)"),
                               or_list(possible), to_string(*out.recorded)));
      }
    }
  }
  out.category = out.contradicted ? out.computed : (out.recorded ? out.recorded : out.computed);
  if (out.recorded) {
    basis.push_back(format_text(FMT_COMPILE("recorded {}"), to_string(*out.recorded)));
    if (out.contradicted && out.computed)
      basis.push_back(
          format_text(FMT_COMPILE("recorded {} is contradicted by the measurements: the computed {} is used"),
                      to_string(*out.recorded), to_string(*out.computed)));
    else if (out.contradicted)
      basis.push_back(
          format_text(FMT_COMPILE("recorded {} is contradicted by the measurements (they allow only {}): not used"),
                      to_string(*out.recorded), or_list(possible_overall(s, target))));
    if (!out.computed && !out.contradicted && !why.empty())
      basis.push_back("not computed from measurements: missing " + join(why, ", "));
  }
  if (!out.category) out.missing = std::move(why);
  out.basis = join(basis, "; ");
  return out;
}

}  // namespace

MrecistResult mrecist(const PatientRecord& r, Date at) {
  MrecistResult out{std::nullopt, start_score("mrecist", "mrecist", at)};
  ScoreResult& rep = out.report;
  std::optional<std::size_t> idx;
  for (std::size_t i = r.imaging.size(); i-- > 0;) {
    const ImagingStudy& s = r.imaging[i];
    if (s.date > at) continue;
    if (days_between(s.date, at) > kImagingWindowDays) break;
    if (has_response_data(s)) {
      idx = i;
      break;
    }
  }
  if (!idx) {
    rep.missing.push_back(format_text(FMT_COMPILE("imaging with mRECIST data within {} days"), kImagingWindowDays));
    return out;
  }
  const StudyResponse resp = mrecist_response(r, *idx);
  out.value = resp;
  rep.used.push_back({"imaging", resp.date, resp.basis});
  if (resp.contradicted) rep.notes.push_back(resp.contradiction);
  if (!resp.category) {
    rep.missing = resp.missing;
    return out;
  }
  rep.computed = true;
  const std::string cat(to_string(*resp.category));
  if (resp.contradicted)
    rep.summary = format_text(FMT_COMPILE("{} (computed from measurements; the recorded {} is contradicted by them)"),
                              cat, to_string(*resp.recorded));
  else if (resp.recorded && resp.computed)
    rep.summary = format_text(FMT_COMPILE("{} (recorded, agrees with the measurements)"), cat);
  else if (resp.recorded)
    rep.summary = format_text(FMT_COMPILE("{} (recorded; not computable from measurements)"), cat);
  else rep.summary = format_text(FMT_COMPILE("{} (computed from measurements)"), cat);
  rep.fields.push_back({"category", cat});
  // "computed" is already the ScoreResult's own key in the decision JSON, hence *_category.
  if (resp.computed) rep.fields.push_back({"computed_category", std::string(to_string(*resp.computed))});
  if (resp.recorded) rep.fields.push_back({"recorded_category", std::string(to_string(*resp.recorded))});
  rep.fields.push_back({"disagreement", resp.disagreement});
  if (resp.recorded) rep.fields.push_back({"recorded_contradicted", resp.contradicted});
  return out;
}

std::vector<std::string> response_contradictions(const PatientRecord& record, Date as_of) {
  // Judged as evaluate() judges: the record up to `as_of`, `tace` the sessions of the described course.
  PatientRecord r = record.as_of(as_of);
  r.tace = described_tace_course(r).sessions;
  return response_contradictions_prepared(r);
}

std::vector<std::string> response_contradictions_prepared(const PatientRecord& r) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < r.imaging.size(); ++i) {
    if (!r.imaging[i].mrecist_recorded) continue;
    StudyResponse resp = mrecist_response(r, i);
    if (resp.contradicted) out.push_back(std::move(resp.contradiction));
  }
  return out;
}

}  // namespace switchpoint
