#pragma once
// Building blocks for score and response tests: records are assembled from dated parts so each
// test states exactly the inputs the rule needs, and nothing else.
#include <optional>
#include <string>
#include <vector>

#include "core/record.h"
#include "core/units.h"

namespace switchpoint::test_records {

inline Date day(const char* iso) { return *Date::parse(iso); }

// A lab value entered in the canonical unit.
inline LabValue lab(Date d, double canonical) { return LabValue{d, canonical, canonical, ""}; }

// A lab value entered in another unit and converted as the readers do.
inline LabValue lab_in(Date d, Quantity q, double value, const char* unit) {
  return LabValue{d, *to_canonical(q, value, unit).canonical, value, unit};
}

inline double diameter_from_mm(double mm) { return *to_canonical(Quantity::Diameter, mm, "mm").canonical; }

// Child-Pugh inputs chosen to give `points` (5–10): bilirubin, albumin, INR, ascites and
// encephalopathy each 1 point, then albumin/bilirubin/INR/ascites raised one step at a time.
inline void add_child_pugh(PatientRecord& r, Date d, int points, std::optional<int> ecog = std::nullopt) {
  double bili = 15, alb = 40, inr = 1.1;      // 1 + 1 + 1
  Ascites asc = Ascites::None;                // 1
  Encephalopathy enc = Encephalopathy::None;  // 1
  int extra = points - 5;
  if (extra > 0) {
    alb = 30;
    --extra;
  }  // albumin 2
  if (extra > 0) {
    bili = 40;
    --extra;
  }  // bilirubin 2
  if (extra > 0) {
    inr = 2.0;
    --extra;
  }  // INR 2
  if (extra > 0) {
    asc = Ascites::Slight;
    --extra;
  }  // ascites 2
  if (extra > 0) {
    alb = 25;
    --extra;
  }  // albumin 3
  r.labs.bilirubin_umol_per_l.push_back(lab(d, bili));
  r.labs.albumin_g_per_l.push_back(lab(d, alb));
  r.labs.inr.push_back(lab(d, inr));
  r.clinical.push_back(ClinicalAssessment{d, asc, enc, ecog, std::nullopt});
}

inline ImagingStudy study(Date d, std::optional<int> count, std::optional<double> largest_cm) {
  ImagingStudy s;
  s.date = d;
  s.modality = "CT";
  s.intrahepatic_tumor_count = count;
  s.largest_diameter_cm = largest_cm;
  return s;
}

inline std::vector<TargetLesion> targets(std::vector<std::pair<const char*, double>> lesions) {
  std::vector<TargetLesion> out;
  for (const auto& [id, cm] : lesions) out.push_back(TargetLesion{id, cm});
  return out;
}

inline TaceSession session(Date d) { return TaceSession{d, "cTACE", true}; }

// True when some entry of `missing` starts with `name` (entries add a reason after the name).
inline bool names_missing(const std::vector<std::string>& missing, const std::string& name) {
  for (const auto& m : missing)
    if (m.rfind(name, 0) == 0) return true;
  return false;
}

}  // namespace switchpoint::test_records
