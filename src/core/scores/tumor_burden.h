#pragma once
// Tumour burden from the latest imaging: up-to-seven (rule "up-to-seven"; Mazzaferro 2009; V),
// six-and-twelve (rule "six-and-twelve"; Wang 2019; V) and the tumour burden score (rule
// "tumor-burden-score"; Sasaki 2018; S). All three are sums of the largest diameter (cm) and the
// number of intrahepatic tumours, so they share one lookup of those two inputs.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"
#include "core/scores/score.h"

namespace switchpoint {

// Tumour count and largest diameter read from ONE study (project rule P-tumor-burden-study):
// a count and a diameter from different dates describe no real liver, so an older value is
// never combined with a newer partial report.
struct TumorBurden {
  Date study_date;
  int tumor_count = 0;
  double largest_diameter_cm = 0;  // 0 when the study reports no tumour
};

struct TumorBurdenLookup {
  std::optional<TumorBurden> value;  // both inputs known (or a count of 0: no tumour)
  // The largest diameter alone, when the study that gives it is the latest one reporting any
  // burden field (HAP needs only the diameter). 0 when the latest count is 0.
  std::optional<double> largest_diameter_cm;
  std::optional<Date> largest_diameter_date;
  std::vector<InputUsed> used;
  std::vector<std::string> missing;  // names the input and, when relevant, the study date
};

// The latest study within the imaging window (P-input-currency, 92 days) that reports the
// tumour count or the largest diameter; both must come from it, except that a count of 0
// needs no diameter. Contradictory findings (count 0 with a diameter > 0, or tumours with a
// diameter of 0) are not used.
TumorBurdenLookup latest_tumor_burden(const PatientRecord& r, Date at);

// ---- up-to-seven ---------------------------------------------------------------------------
double up_to_seven_value(double largest_diameter_cm, int tumor_count);  // largest + number
bool within_up_to_seven(double value);                                  // ≤ 7 (7.0 is within)

struct UpToSeven {
  double value = 0;
  bool within = false;
};
struct UpToSevenResult {
  std::optional<UpToSeven> value;
  ScoreResult report;  // key "up_to_seven": value (1 decimal), within
};
UpToSevenResult up_to_seven(const PatientRecord& r, Date at);
// The same from an already looked-up burden (the engine looks it up once for every score).
UpToSevenResult up_to_seven(const TumorBurdenLookup& tb, Date at);

// ---- six-and-twelve ------------------------------------------------------------------------
enum class SixAndTwelveStratum : unsigned char { Low, Intermediate, High };  // ≤ 6 / > 6 and ≤ 12 / > 12
SixAndTwelveStratum six_and_twelve_stratum(double largest_plus_number);
std::string_view to_string(SixAndTwelveStratum);  // "low", "intermediate", "high"

struct SixAndTwelve {
  double value = 0;  // largest diameter cm + number of tumours
  SixAndTwelveStratum stratum = SixAndTwelveStratum::Low;
};
struct SixAndTwelveResult {
  std::optional<SixAndTwelve> value;
  ScoreResult report;  // key "six_and_twelve": value (1 decimal), stratum
};
SixAndTwelveResult six_and_twelve(const PatientRecord& r, Date at);
SixAndTwelveResult six_and_twelve(const TumorBurdenLookup& tb, Date at);

// ---- tumour burden score -------------------------------------------------------------------
double tumor_burden_score_value(double largest_diameter_cm, int tumor_count);  // √(largest² + number²)

struct TumorBurdenScoreResult {
  std::optional<double> value;
  ScoreResult report;  // key "tumor_burden_score": value (2 decimals)
};
TumorBurdenScoreResult tumor_burden_score(const PatientRecord& r, Date at);
TumorBurdenScoreResult tumor_burden_score(const TumorBurdenLookup& tb, Date at);

}  // namespace switchpoint
