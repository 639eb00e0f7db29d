#pragma once
// A long CSV (one row per patient per observation date) read through a named column profile.
// The one profile so far is `dtsdhcc`: the DTSDHCC data set of the R package SurvivalPath
// (data/dtsdhcc/README.md). docs/cohort.md and the cohort report state what the
// profile maps and what it cannot; in short:
//
//  column                               → record / row
//  ID, Date                             patient id, the date of the row's entries
//  Amount.of.Hepatic.Lesions            imaging: intrahepatic tumour count 0–3; 4 means "4 or
//                                       more" and is NOT read as a count (not reported), noted
//  Largest.Diameter.of.Hepatic.Lesions  imaging: largest diameter, mm → cm
//  New.Lesion                           imaging: new intrahepatic lesions (count)
//  Vascular.Invasion                    imaging: macrovascular invasion present (level not
//                                       recorded: read as "branch", noted) or absent
//  Distant.Metastasis, Local.Lymph.Node.Metastasis
//                                       imaging: extrahepatic spread (either present → present;
//                                       both absent → absent; BCLC counts nodes as spread)
//  AFP                                  lab: AFP ng/mL
//  Embolization = 1                     a TACE session on that date
//  TargetedTherapy = 1                  systemic therapy of unrecorded regimen: not in the
//                                       record (the record needs a regimen id); a row flag, and
//                                       the "switched" group of the outcome analysis
//  Child_pugh_score                     recorded points, carried to the output (no raw labs:
//                                       the engine's Child-Pugh is not computed)
//  Resection = 1                        noted (the record has no resection)
//  Status_of_death, OStime_day          outcome: died; follow-up end = date + OStime_day
//  Age                                  not read (the record holds a birth date)
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cohort/cohort.h"
#include "core/record.h"
#include "readers/problems.h"

namespace switchpoint::cohort {

inline constexpr std::string_view kCsvProfiles = "dtsdhcc";

struct CsvPatient {
  CohortRow row;                        // id, outcome, recorded values and notes; the decision part is filled later
  std::optional<PatientRecord> record;  // absent when the patient's rows had problems
  std::vector<Problem> problems;        // locations "file:line"
  std::vector<std::pair<Date, int>> recorded_child_pugh;  // by date
  bool vascular_invasion_at_end = false;
};

// Reads `path` with `profile`. Throws UsageError for an unknown profile, a file that cannot be
// opened or a header without the profile's columns. Invalid rows are problems of their patient
// (or, without a usable ID, entries of stats.invalid).
std::vector<CsvPatient> read_csv(const std::string& path, std::string_view profile, Stats& stats);

// After evaluation: what the profile withholds or adds to the row (therapy fields that depend
// on what the data cannot say; Child-Pugh class at each since date from the recorded points).
void finish_csv_row(CsvPatient& p);

}  // namespace switchpoint::cohort
