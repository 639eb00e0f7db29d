#pragma once
// `switchpoint synth`: a synthetic cohort of TACE-treated HCC patients as FHIR R4 Bulk Data
// NDJSON (Patient, Observation, Procedure, MedicationStatement and Condition .ndjson), with a
// disease course calibrated to published figures. docs/synth.md documents every parameter.
// Deterministic: the same options give byte-identical files on every platform (synth/prng.h).
#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace switchpoint::synth {

// The model's parameters (docs/synth.md gives the source or reason of each).
struct Parameters {
  // Objective response (mRECIST CR or PR) on the assessment of TACE session 1, 2, 3, 4; later
  // sessions use the last figure (OPTIMIS, Raoul et al. 2019 / Peck-Radosavljevic et al.).
  std::array<double, 4> objective_response{0.40, 0.26, 0.24, 0.25};
  double complete_among_responses = 0.35;  // CR share of CR + PR
  double pd_among_non_responses = 0.40;    // PD share of SD + PD
  double new_lesions_given_pd = 0.55;      // PD shows new intrahepatic lesions (else growth)
  // New findings per session (after its assessment), higher after PD.
  double new_vascular_invasion = 0.025, new_vascular_invasion_after_pd = 0.07;
  double new_extrahepatic_spread = 0.025, new_extrahepatic_spread_after_pd = 0.07;
  double main_portal_vein_share = 0.25;  // of new macrovascular invasion
  // Liver: latent damage D (0 = baseline) raised by each session; labs follow D.
  double damage_per_session_min = 0.08, damage_per_session_max = 0.34;
  double acute_damage_probability = 0.05, acute_damage = 1.0;
  // Clinicians' choices at an assessment.
  double switch_when_refractory_fit = 0.70;     // Child-Pugh A and ECOG 0–1
  double switch_when_refractory_unfit = 0.25;   // otherwise
  double continue_tace_when_refractory = 0.60;  // of those not switched (else supportive care)
  double stop_after_complete_response = 0.50;   // then surveillance imaging
  int max_sessions = 8;
  // Death per ~2-month interval: base + per finding; does not depend on the treatment given.
  double death_base = 0.015, death_per_child_pugh_point_above_5 = 0.02, death_vascular_invasion = 0.05,
         death_extrahepatic_spread = 0.05;

  // The control model (`--switch-hr`, Options::switch_hr; docs/synth.md "Controls"), unused without it.
  // Response correlated within a patient: a good responder (this share) has the objective-response
  // probability of each session times the first factor (at most 0.95), a poor one times the second;
  // the mean over patients is the published figure (0.5 × 1.6 + 0.5 × 0.4 = 1).
  double good_responder_share = 0.5, good_responder_factor = 1.6, poor_responder_factor = 0.4;
  // Death has one daily probability for the whole course: the base times one factor per ECOG
  // point, times switch_hr on every day after the first day of systemic therapy. ECOG is drawn
  // once (these shares of 0, 1, 2, from the responder stream) and stays constant, so that the
  // analysis finds it on any date; nothing else (liver function, response, tumour, continued
  // TACE) changes the hazard, and nobody switches later than at the refractoriness assessment.
  // Switching depends on fitness (Child-Pugh ≤ 6 and ECOG ≤ 1), so ECOG confounds it.
  double control_death_per_day = 0.0006, control_hr_per_ecog_point = 1.5;
  std::array<double, 3> control_ecog_share{0.50, 0.35, 0.15};
  // Alive patients are seen (a weight) every 80–120 days until death or the end of follow-up, so
  // that the last record is the end of follow-up and censoring does not depend on death.
  int control_contact_min_days = 80, control_contact_max_days = 120;
};

struct Options {
  int patients = 100;
  std::uint64_t seed = 1;
  Parameters parameters;
  // `--switch-hr H`: the control model with true hazard ratio H of death after switching to
  // systemic therapy versus not switching (Parameters, docs/synth.md). Absent: today's model,
  // whose patients stay byte-identical for a seed.
  std::optional<double> switch_hr;
};

// truth.csv, written beside the NDJSON files: one row per patient with the model's own
// refractoriness date and what followed (docs/synth.md gives the columns).
inline constexpr std::string_view kTruthHeader =
    "patient_id,refractory_on,child_pugh_points,ecog,vascular_invasion,extrahepatic_spread,switched,"
    "systemic_start,died_on,follow_up_end,responder,switch_hr\n";

// The five files' contents.
struct Ndjson {
  std::string patient, observation, procedure, medication, condition;
  std::string truth;  // truth.csv rows, without the header (also filled by summarize_cohort)
};

// What was generated, from the model's own truth (not read back): for docs/synth.md and the
// calibration tests.
struct Summary {
  int patients = 0;
  std::array<long, 8> assessed{};        // session k+1 assessed (k ≥ 7 pooled in the last)
  std::array<long, 8> responded{};       // … with CR or PR
  int refractory = 0;                    // the model's event: 2 consecutive without CR/PR, or new MVI/EHS
  int refractory_child_pugh_b_or_c = 0;  // Child-Pugh B or C at that assessment
  int switched = 0, continued_tace = 0, supportive_care = 0;
  int new_vascular_invasion = 0, new_extrahepatic_spread = 0;
  int died = 0;
  long sessions = 0;
  long lines_patient = 0, lines_observation = 0, lines_unrelated_observation = 0, lines_procedure = 0,
       lines_medication = 0, lines_condition = 0;

  void add(const Summary& o);
};

// Appends patient `index` (0-based) of the cohort to `out`.
void generate_patient(const Options& options, int index, Ndjson& out, Summary& summary);

// The model's summary without writing anything (the same draws, so the same figures as
// generate_cohort): calibration checks on many patients; `truth`, when given, receives the
// truth.csv rows (without the header).
Summary summarize_cohort(const Options& options, std::string* truth = nullptr);

// The whole cohort in memory (tests and the benchmark).
Summary generate_cohort(const Options& options, Ndjson& out);

// Writes DIR/{Patient,Observation,Procedure,MedicationStatement,Condition}.ndjson (or .ndjson.gz)
// and DIR/truth.csv,
// each written to a temporary file beside it and renamed when complete. Throws
// std::runtime_error naming the file when writing fails.
Summary write_cohort(const Options& options, const std::string& dir, bool gzip);

// A one-paragraph text summary (what `switchpoint synth` prints).
std::string describe(const Summary& s);

}  // namespace switchpoint::synth
