#pragma once
// HAP score (rule "hap"; Kadalayil L et al., Ann Oncol 2013; V) and mHAP-II (rule "mhap-ii";
// Park Y et al., Liver Int 2016; V for its table). The source's inequalities are strict: a
// value exactly at a cut-off scores no point.
#include <optional>

#include "core/record.h"
#include "core/scores/score.h"

namespace switchpoint {

int hap_albumin_point(double albumin_g_per_l);         // 1 when < 36 g/L
int hap_afp_point(double afp_ng_per_ml);               // 1 when > 400 ng/mL
int hap_bilirubin_point(double bilirubin_umol_per_l);  // 1 when > 17 µmol/L
int hap_diameter_point(double largest_diameter_cm);    // 1 when > 7 cm
int mhap_ii_multiplicity_point(int tumor_count);       // 1 when ≥ 2 tumours
char hap_class(int points);                            // A 0, B 1, C 2, D ≥ 3 (HAP and mHAP-II)

struct Hap {
  int points = 0;
  char cls = '?';
};

struct HapResult {
  std::optional<Hap> value;
  ScoreResult report;  // key "hap" or "mhap_ii": points, class
};

HapResult hap(const PatientRecord& r, Date at, Detail detail = Detail::Full);
HapResult mhap_ii(const PatientRecord& r, Date at, Detail detail = Detail::Full);

}  // namespace switchpoint
