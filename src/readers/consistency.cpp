#include "readers/consistency.h"

#include <fmt/format.h>

namespace switchpoint {

std::string shown(int v) { return std::to_string(v); }
// Six significant digits: 53 mm shows as 5.3 cm, not 5.300000000000001 cm.
std::string shown(double v) { return fmt::format("{:g}", v); }
std::string shown(bool v) { return v ? "true" : "false"; }
std::string shown(const LabValue& v) { return fmt::format("{} {}", v.entered_value, v.entered_unit); }

std::vector<ImpossibleFinding> impossible_findings(const ImagingStudy& s) {
  using F = ImagingField;
  std::vector<ImpossibleFinding> out;
  const std::string on = s.date.iso();
  if (s.intrahepatic_tumor_count) {
    const int count = *s.intrahepatic_tumor_count;
    if (s.new_lesions && *s.new_lesions > count)
      out.push_back({F::NewLesions, F::TumorCount, "",
                     fmt::format("{} new intrahepatic lesion{} but an intrahepatic tumour count of {} on {}: new "
                                 "lesions are among the tumours counted, so the count cannot be lower; contradictory "
                                 "findings",
                                 *s.new_lesions, *s.new_lesions == 1 ? "" : "s", count, on)});
    if (s.target_lesions) {
      int viable = 0;
      for (const auto& t : *s.target_lesions) viable += t.viable_diameter_cm > 0 ? 1 : 0;
      if (viable > count)
        out.push_back({F::TargetLesion, F::TumorCount, "",
                       fmt::format("{} target lesion{} with viable tumour but an intrahepatic tumour count of {} on "
                                   "{}: each is a tumour seen, so the count cannot be lower; contradictory findings",
                                   viable, viable == 1 ? "" : "s", count, on)});
    }
    if (count == 0) {
      if (s.liver_occupation_percent && *s.liver_occupation_percent > 0)
        out.push_back({F::LiverOccupation, F::TumorCount, "",
                       fmt::format("liver occupation by tumour is {} % but the intrahepatic tumour count is 0 on {}: "
                                   "contradictory findings",
                                   shown(*s.liver_occupation_percent), on)});
      if (s.viable_tumor_percent && *s.viable_tumor_percent > 0)
        out.push_back(
            {F::ViablePercent, F::TumorCount, "",
             fmt::format("viable tumour is {} % of the treated nodules but the intrahepatic tumour count is 0 "
                         "on {}: contradictory findings",
                         shown(*s.viable_tumor_percent), on)});
      if (s.bilobar && *s.bilobar)
        out.push_back({F::Bilobar, F::TumorCount, "",
                       fmt::format("bilobar disease is reported but the intrahepatic tumour count is 0 on {}: "
                                   "contradictory findings",
                                   on)});
    }
  }
  if (s.largest_diameter_cm && s.target_lesions)
    for (const auto& t : *s.target_lesions)
      if (!at_most(t.viable_diameter_cm, *s.largest_diameter_cm))
        out.push_back({F::TargetLesion, F::LargestDiameter, t.id,
                       fmt::format("target lesion '{}' has a viable diameter of {} cm, more than the largest tumour "
                                   "diameter of {} cm on {}: the viable part of a tumour cannot be larger than the "
                                   "largest tumour; contradictory findings",
                                   t.id, shown(t.viable_diameter_cm), shown(*s.largest_diameter_cm), on)});
  return out;
}

}  // namespace switchpoint
