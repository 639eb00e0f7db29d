#pragma once
// Liver-function scores over time, computed once by the engine for every output that draws or
// tabulates them (the SVG timeline, cohort rows): Child-Pugh and ALBI on each date an input of
// theirs is dated, each from the latest inputs within their windows (P-input-currency), the
// same values child_pugh() and albi() give on that date.
#include <optional>
#include <vector>

#include "core/record.h"
#include "core/scores/albi.h"
#include "core/scores/child_pugh.h"

namespace switchpoint {

struct ChildPughOn {
  Date at;
  ChildPugh value;
};

struct AlbiOn {
  Date at;
  Albi value;
};

struct ScoreSeries {
  // Dates of bilirubin, albumin, INR or PT results and of bedside assessments recording ascites
  // or encephalopathy, ascending; only the dates where Child-Pugh is computable.
  std::vector<ChildPughOn> child_pugh;
  // Dates of bilirubin or albumin results, ascending; only where ALBI is computable.
  std::vector<AlbiOn> albi;
};

// The series of `r` (cut at the as-of date by the caller: nothing later is read).
ScoreSeries score_series(const PatientRecord& r);

// Child-Pugh on each of `dates` (nullopt where not computable), in the order given, computed
// once per distinct date.
std::vector<std::optional<ChildPugh>> child_pugh_on(const PatientRecord& r, const std::vector<Date>& dates);

}  // namespace switchpoint
