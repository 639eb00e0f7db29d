#include "core/refractoriness/apple.h"

#include <fmt/compile.h>
#include <fmt/format.h>

#include "core/facts.h"
#include "core/number_text.h"
#include "core/scores/albi.h"
#include "core/scores/tumor_burden.h"
#include "core/text.h"
#include "core/timeline.h"
#include "core/units.h"

namespace switchpoint {

std::optional<double> up_to_seven_sum(const ImagingStudy& s) {
  if (!s.intrahepatic_tumor_count || !s.largest_diameter_cm) return std::nullopt;
  return up_to_seven_value(*s.largest_diameter_cm, *s.intrahepatic_tumor_count);
}

bool beyond_up_to_seven(double sum) { return !within_up_to_seven(sum); }

bool unfavourable_morphology(Morphology m) { return m != Morphology::SimpleNodular; }

std::string AppleAssessment::summary() const {
  std::string out;
  for (const auto& r : reasons) out += (out.empty() ? "" : "; ") + r;
  return out.empty() ? "no part known" : out;
}

AppleAssessment apple_unsuitability(const PatientRecord& r, const ImagingStudy& study) {
  AppleAssessment a;
  if (auto sum = up_to_seven_sum(study)) {
    a.beyond_up_to_seven = beyond_up_to_seven(*sum);
    a.reasons.push_back(format_text(FMT_COMPILE("up-to-seven {} + {} = {} ({})"), G{*study.largest_diameter_cm},
                                    *study.intrahepatic_tumor_count, G{*sum},
                                    *a.beyond_up_to_seven ? "beyond" : "within"));
  } else if (study.intrahepatic_tumor_count_at_least && study.largest_diameter_cm &&
             beyond_up_to_seven(
                 up_to_seven_value(*study.largest_diameter_cm, *study.intrahepatic_tumor_count_at_least))) {
    // "4 or more" nodules: the sum is at least largest + 4; beyond when that already exceeds 7.
    a.beyond_up_to_seven = true;
    a.reasons.push_back(
        format_text(FMT_COMPILE("up-to-seven ≥ {} + {} = {} (beyond: {} or more nodules)"),
                    G{*study.largest_diameter_cm}, *study.intrahepatic_tumor_count_at_least,
                    G{up_to_seven_value(*study.largest_diameter_cm, *study.intrahepatic_tumor_count_at_least)},
                    *study.intrahepatic_tumor_count_at_least));
  } else {
    a.missing.push_back(facts::tumour_burden_on(study.date));
  }
  const AlbiResult al = albi(r, study.date);
  if (al.value) {
    a.malbi_2b_or_worse = al.value->mgrade == "2b" || al.value->mgrade == "3";
    a.reasons.push_back(
        format_text(FMT_COMPILE("mALBI {} (ALBI {})"), al.value->mgrade, albi_display(al.value->value)));
  } else {
    for (const auto& m : al.report.missing) a.missing.push_back(facts::child_pugh_input(m, study.date));
  }
  const ImagingStudy* m = study.morphology ? &study : latest_imaging_with(r, study.date, &ImagingStudy::morphology);
  if (m) {
    a.bad_morphology = unfavourable_morphology(*m->morphology);
    a.reasons.push_back(format_text(FMT_COMPILE("morphology {} ({})"), to_string(*m->morphology), m->date.iso()));
  } else {
    a.missing.push_back(facts::morphology(study.date));
  }
  a.unsuitable =
      a.beyond_up_to_seven.value_or(false) || a.malbi_2b_or_worse.value_or(false) || a.bad_morphology.value_or(false);
  if (a.unsuitable) a.missing.clear();
  return a;
}

}  // namespace switchpoint
