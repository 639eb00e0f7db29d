#pragma once
// APPLE consensus TACE-unsuitability (Kudo M et al., Liver Cancer 2020;9:245; JSH consensus
// 2021 Table 10; grade V): beyond up-to-seven, or mALBI 2b, or an unfavourable morphology.
// Used by apasl-2017 and by the checkpoint.
#include <optional>
#include <string>
#include <vector>

#include "core/record.h"

namespace switchpoint {

// Up-to-seven from one study's findings (Mazzaferro 2009): largest (cm) + number ≤ 7 is within.
std::optional<double> up_to_seven_sum(const ImagingStudy& s);
bool beyond_up_to_seven(double sum);

// Every morphology but simple nodular is unlikely to respond (APPLE).
bool unfavourable_morphology(Morphology m);

struct AppleAssessment {
  bool unsuitable = false;
  std::optional<bool> beyond_up_to_seven;
  std::optional<bool> malbi_2b_or_worse;
  std::optional<bool> bad_morphology;
  std::vector<std::string> reasons;  // the parts found, with values
  std::vector<std::string> missing;  // the parts not known

  std::string summary() const;
};

// APPLE at an imaging study: the study's tumour findings, labs ≤ 30 days before it, and the
// morphology of the study or the latest reported within 92 days.
AppleAssessment apple_unsuitability(const PatientRecord& r, const ImagingStudy& study);

}  // namespace switchpoint
