#pragma once
// mRECIST response per imaging study (rule "mrecist"; Lencioni R, Llovet JM, Semin Liver Dis
// 2010;30:52; V for the target rules, S for the overall rules). The refractoriness engine
// depends on this API.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/record.h"
#include "core/scores/score.h"

namespace switchpoint {

struct StudyResponse {
  Date date;
  std::optional<MrecistCategory> category;  // the one to use: recorded if given, else computed overall
  std::optional<MrecistCategory> computed;  // overall response from measurements, when computable
  std::optional<MrecistCategory> recorded;  // as recorded on the study
  bool disagreement = false;                // computed and recorded both present and different
  // P-recorded-vs-measured: the recorded category is one the study's own measurements rule out
  // (e.g. recorded CR with new lesions). `category` is then the computed one (nullopt when the
  // measurements exclude the recorded category without deciding another) and `contradiction`
  // the warning: "mRECIST recorded CR on the CT of 2024-04-12 is contradicted by …".
  bool contradicted = false;
  std::string contradiction;
  std::string basis;                 // human-readable: sums, baseline, nadir, % change, new lesions
  std::vector<std::string> missing;  // why no category could be given
};

// Baseline = latest study with target measurements on or before the first TACE session of the
// course the study belongs to (P-course-end: the sessions after the latest resection, ablation or
// transplantation dated before the study; the baseline is dated after that procedure, so neither
// baseline nor nadir comes from before it; a study after such a procedure with no TACE since has
// no response).
// Project choices (P-mrecist-baseline): the baseline must lie within the imaging window
// (92 days) before the first session, and have a sum of viable diameters > 0; a later study is
// compared with it only when it measures the same target lesions (same ids, or the same number
// when ids are not given).
StudyResponse mrecist_response(const PatientRecord& r, std::size_t study_index);

// Target response from sums (cm): CR all targets 0; else PD if ≥ 20% increase from nadir; else
// PR if ≥ 30% decrease from baseline; else SD. A nadir of 0 (earlier CR) makes any reappearing
// enhancement PD.
MrecistCategory mrecist_target_response(double baseline_sum, double nadir_sum, double current_sum,
                                        bool all_targets_zero);

// The index of the baseline study in r.imaging, or nullopt (no TACE session, or no study with
// target measurements in the window before the first one). The course is that of the latest
// session of `r.tace` (its first session is the first after the latest course-ending procedure
// before it; the baseline is dated after that procedure).
std::optional<std::size_t> mrecist_baseline_study(const PatientRecord& r);

// P-recorded-vs-measured: the warnings of every study on or before `as_of` whose recorded mRECIST
// category its measurements contradict, judged in the course a decision describes (evaluate()
// appends them to Decision::warnings). Empty when every recorded category is consistent.
std::vector<std::string> response_contradictions(const PatientRecord& r, Date as_of);
// The same for a record already prepared as evaluate() prepares it (cut at the as-of date, `tace`
// the sessions of the described course): no copy, and a study's response judged once per
// evaluation (MrecistOnce) is not judged again.
std::vector<std::string> response_contradictions_prepared(const PatientRecord& prepared);

struct MrecistResult {
  std::optional<StudyResponse> value;  // the latest study with response data, when there is one
  ScoreResult report;                  // key "mrecist": category, computed_category, recorded_category, disagreement
};

// The response of the latest study (on or before `at`, within the imaging window) that reports
// any mRECIST data: target measurements, non-target status, new lesions or a recorded category.
MrecistResult mrecist(const PatientRecord& r, Date at);

}  // namespace switchpoint
