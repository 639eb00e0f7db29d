#pragma once
// Standard terminologies the FHIR R4 reader understands for Observations and Conditions (issue 14,
// docs/terminology.md "Observations and conditions"): LOINC answer codes of ECOG, Karnofsky,
// SNOMED CT and ICD-10-CM codes of ascites and hepatic encephalopathy, of the conditions the
// therapy rules need, and of the HCC diagnosis (SNOMED CT, ICD-10-CM, ICD-O-3). Every code here
// was checked against a source, cited in the table (and in docs/terminology.md); a code that
// could not be checked is not here, and a resource carrying only such a code is skipped and
// counted like any unknown code.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/record.h"

namespace switchpoint::fhir::terms {

inline constexpr std::string_view kIcdO3 = "http://terminology.hl7.org/CodeSystem/icd-o-3";

// ---- ECOG and Karnofsky (LOINC) ----------------------------------------------------------

// LOINC answer list LL529-9 (ECOG performance status): LA9622-7 = 0 … LA9627-6 = 5.
struct EcogAnswer {
  std::string_view code;
  int grade;
  std::string_view display;
};
std::span<const EcogAnswer> ecog_answers();
// The ECOG grade of a LOINC answer code; nullopt for any other code or system.
std::optional<int> ecog_grade(std::string_view system, std::string_view code);
// "LA9622-7 (0), LA9623-5 (1), …", for messages.
std::string_view ecog_answer_list();
// Where the answer codes were checked (docs/terminology.md).
std::string_view ecog_answers_source();

inline constexpr std::string_view kKarnofskyLoinc = "89243-0";  // Karnofsky Performance Status score
bool is_karnofsky(std::string_view system, std::string_view code);

// ---- Ascites and hepatic encephalopathy (SNOMED CT, ICD-10-CM) ---------------------------

enum class LiverFinding : std::uint8_t { Ascites, Encephalopathy };

struct LiverFindingCode {
  std::string_view system;
  std::string_view code;
  std::string_view display;
  LiverFinding finding;
  bool condition_only;  // an ICD-10-CM diagnosis code: read from a Condition only
  std::string_view source;
};
std::span<const LiverFindingCode> liver_finding_codes();
// The finding a code names, for an Observation (`condition` false) or a Condition.
const LiverFindingCode* find_liver_finding(std::string_view system, std::string_view code, bool condition);

// What a SNOMED CT value (Observation.valueCodeableConcept) or severity (Condition.severity)
// says about the finding.
enum class Presence : std::uint8_t { Absent, Present, Mild, Moderate, Severe };
struct PresenceCode {
  std::string_view system;
  std::string_view code;
  std::string_view display;
  Presence presence;
  std::optional<LiverFinding> only_for;  // e.g. 860638000 No ascites: ascites only
  std::string_view source;
};
std::span<const PresenceCode> presence_codes();
std::optional<Presence> presence_of(std::string_view system, std::string_view code, LiverFinding f);
// A severity (Condition.severity): mild, moderate or severe only.
std::optional<Presence> severity_of(std::string_view system, std::string_view code);
std::string_view to_string(Presence);
std::string_view to_string(LiverFinding);

// ---- Conditions of the therapy rules ---------------------------------------------------

struct ConditionCode {
  std::string_view system;
  std::string_view code;  // with `family`, every code that starts with it ("Z94.0" and "Z94.0…")
  bool family;
  ConditionKind kind;
  std::string_view display;
  std::string_view source;
};
std::span<const ConditionCode> condition_codes();
const ConditionCode* find_condition_code(std::string_view system, std::string_view code);

// Standard Condition codes recognised but deliberately not read, with the reason.
struct NotReadCondition {
  std::string_view system;
  std::string_view code;
  bool family;
  std::string_view reason;
  std::string_view source;
  // The fact the code concerns, when an obtain line asks for it (a resource with this code is then
  // named beside that line; core/record.h FactKind).
  std::optional<FactKind> fact = std::nullopt;
};
std::span<const NotReadCondition> not_read_conditions();
const NotReadCondition* find_not_read_condition(std::string_view system, std::string_view code);

// ---- The HCC diagnosis ------------------------------------------------------------------

struct DiagnosisCode {
  std::string_view system;
  std::string_view code;
  std::string_view display;
  std::string_view source;
};
std::span<const DiagnosisCode> hcc_diagnosis_codes();
bool is_hcc_diagnosis(std::string_view system, std::string_view code);

}  // namespace switchpoint::fhir::terms
