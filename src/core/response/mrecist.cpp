#include "core/response/mrecist.h"

#include <algorithm>
#include <fmt/format.h>

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
    if (with_sizes) out += fmt::format(" {:g}", l.viable_diameter_cm);
  }
  return out;
}

std::string percent_from(double from, double to) {
  if (!(from > 0)) return "from 0";
  return fmt::format("{:+.1f}%", (to - from) * 100.0 / from);
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& x : v) {
    if (!out.empty()) out += sep;
    out += x;
  }
  return out;
}

bool has_response_data(const ImagingStudy& s) {
  return s.target_lesions || s.nontarget || s.new_lesions || s.mrecist_recorded;
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
  const Date first = r.tace.front().date;
  for (std::size_t i = r.imaging.size(); i-- > 0;) {
    const ImagingStudy& s = r.imaging[i];
    if (s.date > first) continue;
    if (days_between(s.date, first) > kImagingWindowDays) return std::nullopt;
    if (has_targets(s) && sum_cm(*s.target_lesions) > 0) return i;
  }
  return std::nullopt;
}

StudyResponse mrecist_response(const PatientRecord& r, std::size_t study_index) {
  const ImagingStudy& s = r.imaging.at(study_index);
  StudyResponse out;
  out.date = s.date;
  out.recorded = s.mrecist_recorded;
  std::vector<std::string> why;    // what prevents a computed category
  std::vector<std::string> basis;  // what was seen

  if (r.tace.empty() || s.date <= r.tace.front().date) {
    why.push_back(r.tace.empty() ? std::string("a TACE session before the study (none recorded)")
                                 : fmt::format("a TACE session before the study (the first is on {})",
                                               r.tace.front().date.iso()));
    basis.emplace_back("pre-treatment study: no response is defined");
  } else {
    std::optional<MrecistCategory> target;
    const std::optional<std::size_t> base = mrecist_baseline_study(r);
    if (!base) {
      why.emplace_back("baseline target measurements");
      basis.emplace_back(fmt::format("no study with target measurements within {} days on or before the first "
                                     "TACE ({})",
                                     kImagingWindowDays, r.tace.front().date.iso()));
    } else if (!has_targets(s)) {
      why.emplace_back("target measurements");
    } else {
      const ImagingStudy& b = r.imaging[*base];
      const auto& bt = *b.target_lesions;
      const auto& ct = *s.target_lesions;
      if (!same_targets(bt, ct)) {
        why.push_back(fmt::format("target measurements of the baseline lesions (baseline {}: {}; this study: {})",
                                  b.date.iso(), lesion_list(bt, false), lesion_list(ct, false)));
      } else {
        const double base_sum = sum_cm(bt);
        double nadir = base_sum;
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
        const double cur = sum_cm(ct);
        target = mrecist_target_response(base_sum, nadir, cur, all_zero(ct));
        basis.push_back(fmt::format("target sum {:.1f} cm ({}); baseline {:.1f} cm on {} ({}); nadir {:.1f} cm on "
                                    "{} ({}): target {}",
                                    cur, lesion_list(ct, true), base_sum, b.date.iso(), percent_from(base_sum, cur),
                                    nadir, nadir_date.iso(), percent_from(nadir, cur), to_string(*target)));
      }
    }
    if (s.nontarget) basis.push_back(fmt::format("non-target {}", to_string(*s.nontarget)));
    if (s.new_lesions) basis.push_back(fmt::format("new lesions {}", *s.new_lesions));

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
        else
          out.computed = target;
      }
    }
    if (out.computed) basis.push_back(fmt::format("overall {}", to_string(*out.computed)));
  }

  out.category = out.recorded ? out.recorded : out.computed;
  out.disagreement = out.recorded && out.computed && *out.recorded != *out.computed;
  if (out.recorded) {
    basis.push_back(fmt::format("recorded {}", to_string(*out.recorded)));
    if (out.disagreement)
      basis.push_back(fmt::format("recorded {} differs from the computed {}: the recorded category is used",
                                  to_string(*out.recorded), to_string(*out.computed)));
    if (!out.computed && !why.empty())
      basis.push_back("not computed from measurements: missing " + join(why, ", "));
  }
  if (!out.category) out.missing = std::move(why);
  out.basis = join(basis, "; ");
  return out;
}

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
    rep.missing.push_back(fmt::format("imaging with mRECIST data within {} days", kImagingWindowDays));
    return out;
  }
  const StudyResponse resp = mrecist_response(r, *idx);
  out.value = resp;
  rep.used.push_back({"imaging", resp.date, resp.basis});
  if (!resp.category) {
    rep.missing = resp.missing;
    return out;
  }
  rep.computed = true;
  const std::string cat(to_string(*resp.category));
  if (resp.disagreement)
    rep.summary = fmt::format("{} (recorded; computed from measurements: {})", cat, to_string(*resp.computed));
  else if (resp.recorded && resp.computed)
    rep.summary = fmt::format("{} (recorded, agrees with the measurements)", cat);
  else if (resp.recorded)
    rep.summary = fmt::format("{} (recorded; not computable from measurements)", cat);
  else
    rep.summary = fmt::format("{} (computed from measurements)", cat);
  rep.fields.push_back({"category", cat});
  // "computed" is already the ScoreResult's own key in the decision JSON, hence *_category.
  if (resp.computed) rep.fields.push_back({"computed_category", std::string(to_string(*resp.computed))});
  if (resp.recorded) rep.fields.push_back({"recorded_category", std::string(to_string(*resp.recorded))});
  rep.fields.push_back({"disagreement", resp.disagreement});
  if (resp.disagreement)
    rep.notes.push_back(fmt::format("recorded {} and computed {} disagree: the recorded category is used; check the "
                                    "measurements",
                                    to_string(*resp.recorded), to_string(*resp.computed)));
  return out;
}

}  // namespace switchpoint
