#pragma once
// "Stop and think carefully before proceeding to each TACE" (seed 000 Figure 1; CLINICAL_RULES
// §6; docs/refractoriness.md): two questions, each yes / no / unknown with reasons, and a verdict.
#include <string>
#include <string_view>
#include <vector>

#include "core/detail.h"
#include "core/record.h"
#include "core/refractoriness/result.h"
#include "core/refractoriness/tace_history.h"
#include "core/scores/all_scores.h"

namespace switchpoint {

enum class Answer : unsigned char { Yes, No, Unknown };
// NotApplicable: the record holds no tumour imaging, TACE or HCC treatment (P-not-applicable): there
// is nothing to decide a TACE on, so no verdict is given.
enum class Verdict : unsigned char { Proceed, Reconsider, Switch, SupportiveCare, NotApplicable };

std::string_view to_string(Answer);
std::string_view to_string(Verdict);

struct CheckpointQuestion {
  Answer answer = Answer::Unknown;
  std::vector<std::string> reasons;   // why no / why yes
  std::vector<std::string> failures;  // the reasons that answer no
  std::vector<std::string> obtain;    // what would turn unknown into an answer
};

struct Checkpoint {
  Verdict verdict = Verdict::Reconsider;
  CheckpointQuestion sustained_response;
  CheckpointQuestion liver_function;
  std::vector<std::string> reasons;         // the verdict's own reasons, first the decisive one
  std::vector<std::string> obtain;          // for reconsider: everything to obtain (facts, core/facts.h)
  std::vector<std::string> verdict_obtain;  // facts the verdict itself needs (ECOG > 2 excludes TACE)
};

// Whether the record holds anything about the tumour or its treatment: an imaging study, a TACE
// session, a systemic therapy, a resection, ablation or transplantation, or a recorded HCC diagnosis
// (P-not-applicable). A diagnosis alone is HCC data: the checkpoint then asks for imaging.
bool has_hcc_data(const PatientRecord& r);

// With Detail::Verdicts only the verdict and the two questions' answers are filled (the same as
// Full's); no reason, failure or fact to obtain is built.
Checkpoint evaluate_checkpoint(const PatientRecord& r, const TaceHistory& h, const Scores& scores,
                               const std::vector<DefinitionResult>& refractoriness, Detail detail = Detail::Full);

}  // namespace switchpoint
