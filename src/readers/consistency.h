#pragma once
// Checks both readers apply to what they read, so that a native record and a FHIR Bundle with the
// same content are refused for the same reasons (docs/record-format.md and docs/fhir.md list them).
#include <cstdint>
#include <string>
#include <vector>

#include "core/record.h"

namespace switchpoint {

// Two measured values in one canonical unit are the same value: 3.0 mg/dL and 51.3 µmol/L of
// bilirubin, 52 mm and 5.2 cm (the relative tolerance of the cut-off comparisons).
inline bool same_value(double a, double b) { return at_least(a, b) && at_most(a, b); }

// The findings of one imaging study (one date) that a contradiction can involve.
enum class ImagingField : std::uint8_t {
  TumorCount,
  LargestDiameter,
  TargetLesion,
  NewLesions,
  ViablePercent,
  LiverOccupation,
  Bilobar,
};

// Findings of one study that cannot all be true. Only combinations that are impossible, never
// merely unusual: the target lesions of this record are intrahepatic (followed by segment), new
// lesions are new intrahepatic HCC, and both are among the intrahepatic tumours counted.
struct ImpossibleFinding {
  ImagingField field;     // where the problem is reported
  ImagingField other;     // the finding it contradicts
  std::string lesion_id;  // the target lesion, when field is TargetLesion
  std::string message;    // in a clinician's words, without locations (the reader adds them)
};

// tumor count 0 with a largest diameter above 0 is left to each reader (its message predates this).
std::vector<ImpossibleFinding> impossible_findings(const ImagingStudy& s);

// How an entry's value is shown in a message about two entries that disagree.
std::string shown(int v);
std::string shown(double v);
std::string shown(bool v);
std::string shown(const LabValue& v);
template <typename E>
requires std::is_enum_v<E> std::string shown(E e) { return std::string(to_string(e)); }

}  // namespace switchpoint
