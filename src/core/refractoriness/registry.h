#pragma once
// The one list of the TACE-refractoriness definitions (CLINICAL_RULES.md §5), in the order of
// every output: each definition's id, the function that evaluates it (<id>.cpp) and its rule
// catalogue entries (knowledge/rules_refractoriness.cpp: the definition first, then its
// criteria). evaluate_refractoriness, the rule catalogue and the cohort's columns all read it:
// adding a definition is one entry here (plus its evaluate function and catalogue text).
#include <array>
#include <span>
#include <string_view>

#include "core/detail.h"
#include "core/knowledge/catalogue.h"
#include "core/record.h"
#include "core/refractoriness/result.h"
#include "core/refractoriness/tace_history.h"

namespace switchpoint {

DefinitionResult evaluate_raoul_2011(const PatientRecord&, const TaceHistory&, Detail = Detail::Full);
DefinitionResult evaluate_jsh_lcsgj_2014(const PatientRecord&, const TaceHistory&, Detail = Detail::Full);
DefinitionResult evaluate_apasl_2017(const PatientRecord&, const TaceHistory&, Detail = Detail::Full);
DefinitionResult evaluate_galle_2017(const PatientRecord&, const TaceHistory&, Detail = Detail::Full);
DefinitionResult evaluate_aasld_2018(const PatientRecord&, const TaceHistory&, Detail = Detail::Full);
DefinitionResult evaluate_klca_ncc_2022(const PatientRecord&, const TaceHistory&, Detail = Detail::Full);
DefinitionResult evaluate_easl_2018(const PatientRecord&, const TaceHistory&, Detail = Detail::Full);
DefinitionResult evaluate_bclc_2022(const PatientRecord&, const TaceHistory&, Detail = Detail::Full);

std::span<const RuleInfo> raoul_2011_rules();
std::span<const RuleInfo> jsh_lcsgj_2014_rules();
std::span<const RuleInfo> apasl_2017_rules();
std::span<const RuleInfo> galle_2017_rules();
std::span<const RuleInfo> aasld_2018_rules();
std::span<const RuleInfo> klca_ncc_2022_rules();
std::span<const RuleInfo> easl_2018_rules();
std::span<const RuleInfo> bclc_2022_rules();

struct DefinitionEntry {
  std::string_view id;            // "raoul-2011": the catalogue id and the output key
  std::string_view display_name;  // "Raoul 2011": in sentences for clinicians
  // `record` is cut at the history's as-of and holds the course's sessions (course_record).
  // `detail`: with Detail::Verdicts the criteria's evidence and notes may be left out (result.h).
  DefinitionResult (*evaluate)(const PatientRecord& record, const TaceHistory& history, Detail detail);
  // The definition's catalogue entry (id, source, grade) first, then its criteria ("<id>/…").
  std::span<const RuleInfo> (*catalogue)();
};

inline constexpr std::array kRefractorinessDefinitions{
    DefinitionEntry{"raoul-2011", "Raoul 2011", evaluate_raoul_2011, raoul_2011_rules},
    DefinitionEntry{"jsh-lcsgj-2014", "JSH-LCSGJ 2014", evaluate_jsh_lcsgj_2014, jsh_lcsgj_2014_rules},
    DefinitionEntry{"apasl-2017", "APASL 2017", evaluate_apasl_2017, apasl_2017_rules},
    DefinitionEntry{"galle-2017", "Galle 2017", evaluate_galle_2017, galle_2017_rules},
    DefinitionEntry{"aasld-2018", "AASLD 2018", evaluate_aasld_2018, aasld_2018_rules},
    DefinitionEntry{"klca-ncc-2022", "KLCA-NCC 2022", evaluate_klca_ncc_2022, klca_ncc_2022_rules},
    DefinitionEntry{"easl-2018", "EASL 2018", evaluate_easl_2018, easl_2018_rules},
    DefinitionEntry{"bclc-2022", "BCLC 2022", evaluate_bclc_2022, bclc_2022_rules},
};

// The ids alone, in registry order (the cohort's columns).
inline constexpr auto kRefractorinessDefinitionIds = [] {
  std::array<std::string_view, kRefractorinessDefinitions.size()> ids{};
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = kRefractorinessDefinitions[i].id;
  return ids;
}();

}  // namespace switchpoint
