#pragma once
// Standard codes for systemic therapy in FHIR input (issue 14, part 2): RxNorm ingredients and
// WHO ATC codes of the agents of CLINICAL_RULES.md §7, and how components given together become
// one §7 regimen. docs/terminology.md "Medications and procedures" lists every code with the
// source it was checked against; a code that could not be checked is not in the table (it is
// then skipped and counted like any code the engine does not read).
#include <optional>
#include <span>
#include <string_view>

#include "core/record.h"

namespace switchpoint::fhir {

inline constexpr std::string_view kRxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
inline constexpr std::string_view kAtc = "http://www.whocc.no/atc";

// One coded agent: the system and code, the ingredient (an INN, lower case) and where the code
// was checked.
struct AgentCode {
  std::string_view system;
  std::string_view code;
  std::string_view ingredient;
  std::string_view source;
};

std::span<const AgentCode> agent_codes();
const AgentCode* find_agent_code(std::string_view system, std::string_view code);

// A §7 regimen made of two agents given together (atezolizumab + bevacizumab, durvalumab +
// tremelimumab, nivolumab + ipilimumab).
struct Combination {
  std::string_view regimen;  // regimen id of CLINICAL_RULES.md §7
  std::string_view first;
  std::string_view second;
};
std::span<const Combination> combinations();

// Two components form the combination when their start dates are at most this many days apart
// (same day or ≤ 7 days: the first cycle of every combination of §7 gives both agents on day 1;
// a week leaves room for a split first infusion, and is less than one 21-day cycle).
inline constexpr int kCombinationWindowDays = 7;

// The regimen id an agent given alone maps to (sorafenib → "sorafenib"), or nullopt when the
// agent alone is not a §7 regimen (atezolizumab, bevacizumab, tremelimumab, nivolumab,
// ipilimumab: components of a combination).
std::optional<std::string_view> single_agent_regimen(std::string_view ingredient);

// True when the agent is an immune checkpoint inhibitor (a lone one changes the line of therapy).
bool is_checkpoint_inhibitor(std::string_view ingredient);

// True when the agent is a component of one of combinations().
bool is_combination_component(std::string_view ingredient);

// Standard stop reasons (MedicationStatement/MedicationRequest.statusReason): the SNOMED CT codes
// of the HL7 mCODE TreatmentTerminationReasonVS, each with the project stop reason it is read as,
// or none (then the code is recognised and a problem names why it is not read).
struct StopReasonCode {
  std::string_view system;
  std::string_view code;
  std::string_view display;
  std::optional<StopReason> reason;  // nullopt: recognised, not read (see `note`)
  std::string_view note;             // why it is read so, or why not
  std::string_view source;
};
std::span<const StopReasonCode> stop_reason_codes();
const StopReasonCode* find_stop_reason_code(std::string_view system, std::string_view code);

}  // namespace switchpoint::fhir
