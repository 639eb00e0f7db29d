#pragma once
// One patient of a cohort: what `switchpoint cohort` writes per patient (CSV or NDJSON), and
// what the cohort report counts. Built from the engine's Decision as of the patient's last
// record, plus what the input says about outcomes (death, follow-up) outside the record.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "cohort/covariates.h"
#include "core/date.h"
#include "core/engine.h"
#include "core/refractoriness/registry.h"
#include "core/refractoriness/result.h"

namespace switchpoint::cohort {

// The definitions in the engine's order (core/refractoriness/registry.h); the output's columns.
inline constexpr auto kDefinitions = kRefractorinessDefinitionIds;

// One criterion of a definition, as the decision JSON lists it (for --criteria).
struct CriterionOutcome {
  std::string id;  // "1a", "pd-after-second", …
  CriterionState state = CriterionState::NotJudgeable;
  std::optional<Date> on;
  std::vector<std::string> missing;
};

struct DefinitionOutcome {
  RefractorinessStatus status = RefractorinessStatus::InsufficientData;
  std::optional<Date> since;
  std::vector<CriterionOutcome> criteria;
  // Child-Pugh class at the since date ('A', 'B', 'C'; '?' when not computable), for the report.
  char child_pugh_at_since = '?';
};

enum class InputStatus : unsigned char {
  Ok,            // read and evaluated
  Invalid,       // the patient's lines had problems: the record is withheld, nothing evaluated
  NoDatedEntry,  // nothing dated to evaluate as of
};
std::string_view to_string(InputStatus);

struct CohortRow {
  std::string patient_id;
  InputStatus input = InputStatus::Ok;
  int problems = 0;
  std::string first_problem;  // "Observation.ndjson:12#/valueQuantity: …"

  std::optional<Date> as_of;   // the last record
  bool hcc_diagnosis = false;  // the record has an HCC diagnosis (cohort inclusion counts)
  bool any_tace = false;       // the record has a TACE, in any course
  int sessions = 0;
  std::optional<Date> first_tace;
  std::array<DefinitionOutcome, kDefinitions.size()> definitions{};
  std::string verdict;  // checkpoint verdict
  std::optional<int> therapy_line;
  std::string first_choice;  // the recommended regimen, "" when none is recommended
  // Key scores as of the last record ("" when not computed).
  std::string child_pugh;   // "6 A"
  std::string albi_grade;   // mALBI grade: 1, 2a, 2b, 3
  std::string up_to_seven;  // "8.5 beyond" / "6.0 within"
  std::string bclc;         // stage
  std::string art;          // points
  std::string hap;          // class

  // For the report's outcome analysis (not all inputs have them).
  std::vector<Date> tace_dates;  // sessions (P-session-merge) of the course the decision describes
  // P-course-end: resections, ablations and transplantations on or before as_of, by date.
  std::vector<CourseEndingProcedure> course_ending;
  std::vector<Date> systemic_starts;      // systemic therapy episodes (known regimen or a CSV flag)
  std::vector<SystemicTherapy> systemic;  // the record's systemic therapies on or before as_of (--episodes)
  std::optional<bool> died;
  std::optional<Date> follow_up_end;  // death or last follow-up
  // Per definition: the analysis covariates on its since date (cohort/analysis.h); all absent
  // when the definition gives no since date.
  std::array<Covariates, kDefinitions.size()> covariates_at_since{};

  // Input-specific (CSV profiles): recorded values the engine cannot use, and caveats.
  std::optional<int> recorded_child_pugh_points;
  std::optional<Date> systemic_unknown_regimen_from;
  std::vector<std::string> notes;
};

// What a definition's status means for this row, one word more precise than the engine's status
// (which it never contradicts): "not-applicable-no-tace" (no TACE session: TACE cannot have
// failed), "not-evaluable-yet" (insufficient-data or not-refractory with a single TACE session:
// no definition can judge response to TACE before a second session), "withheld" (invalid input,
// nothing evaluated), else the status itself. Never "not-refractory" for either of the first two.
std::string_view status_detail(const CohortRow& row, std::size_t definition);
std::string_view to_string(CriterionState);  // met, not-met, not-judgeable

// Fills the row's decision part from an evaluation.
void fill_from_decision(CohortRow& row, const PatientRecord& record, const Decision& d);

// The output file, one row per patient in the given order. CSV: a header and RFC 4180 quoting;
// NDJSON: one JSON object per line. Byte-identical for the same rows.
std::string rows_to_csv(const std::vector<CohortRow>& rows);
std::string rows_to_ndjson(const std::vector<CohortRow>& rows);

// --criteria: one row per patient × definition × criterion (INTERFACES.md: patient_id,
// definition, criterion, status, met_on, missing), then definition_status, status_detail and
// since of the definition. A definition that lists no criterion (not applicable, withheld) has
// one row with an empty criterion, so that every patient × definition appears.
std::string criteria_to_csv(const std::vector<CohortRow>& rows);
// --episodes: dated treatment episodes, one per row: TACE sessions, systemic therapies (with
// their regimen and end when known), course-ending procedures.
std::string episodes_to_csv(const std::vector<CohortRow>& rows);
// --dictionary: the columns of the rows CSV, the criteria CSV and the episodes CSV with type,
// unit, allowed values and meaning (JSON, schema switchpoint.cohort-dictionary/1).
std::string data_dictionary_json();
// The header line's columns of each CSV (for the dictionary's test).
std::vector<std::string> rows_csv_columns();
std::vector<std::string> criteria_csv_columns();
std::vector<std::string> episodes_csv_columns();

}  // namespace switchpoint::cohort
