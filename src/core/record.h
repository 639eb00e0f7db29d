#pragma once
// The patient record: a dated timeline in canonical units. Readers build it and guarantee its
// invariants (every value converted and plausible, every list sorted by date); the engine
// never sees raw units or unsorted data. Field names carry their units.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/units.h"

namespace switchpoint {

// One dated lab value, canonical unit given by its series. The value as entered is kept
// for the evidence shown to clinicians ("3.0 mg/dL = 51.3 µmol/L").
struct LabValue {
  Date date;
  double value = 0;          // canonical unit
  double entered_value = 0;  // as given
  std::string entered_unit;  // as given
};

using LabSeries = std::vector<LabValue>;  // sorted by date, ascending

struct Labs {
  LabSeries bilirubin_umol_per_l;
  LabSeries albumin_g_per_l;
  LabSeries inr;
  LabSeries pt_prolongation_s;
  LabSeries ast_u_per_l;
  LabSeries alt_u_per_l;
  LabSeries platelets_1e9_per_l;
  LabSeries creatinine_umol_per_l;
  LabSeries afp_ng_per_ml;
  LabSeries dcp_mau_per_ml;

  const LabSeries& of(Quantity q) const;
  LabSeries& of(Quantity q);
};

enum class Ascites : std::uint8_t { None, Slight, ModerateSevere };
enum class Encephalopathy : std::uint8_t { None, Grade1to2, Grade3to4 };

// A dated bedside assessment; any part may be absent.
struct ClinicalAssessment {
  Date date;
  std::optional<Ascites> ascites;
  std::optional<Encephalopathy> encephalopathy;
  std::optional<int> ecog;  // 0..5
  std::optional<LabValue> weight_kg;
  // Karnofsky performance status, 0..100 in steps of 10 (FHIR LOINC 89243-0). Kept as given:
  // never converted to ECOG (the scales do not map one to one); no rule reads it yet.
  std::optional<int> karnofsky = std::nullopt;
  // Ascites / hepatic encephalopathy recorded as present without a grade (e.g. SNOMED CT
  // 389026000 valued "Present"). Set only when `ascites` / `encephalopathy` is absent: a grade
  // is never guessed; Child-Pugh is then not computed and gives the range of points.
  bool ascites_present_ungraded = false;
  bool encephalopathy_present_ungraded = false;
  // Child-Pugh points as recorded by the source (5–15) when its inputs are not given (a registry
  // such as data/dtsdhcc). Never turned into labs; ≥ 10 (class C) after the first TACE session is
  // decompensation (P-decompensation).
  std::optional<int> child_pugh_points_recorded = std::nullopt;
};

enum class MrecistCategory : std::uint8_t { CR, PR, SD, PD };
enum class VascularInvasion : std::uint8_t { Absent, Branch, MainPortalVein };
enum class NonTargetStatus : std::uint8_t { Absent, CR, NonCRNonPD, PD };
enum class Morphology : std::uint8_t {
  SimpleNodular,
  ConfluentMultinodular,
  MassiveInfiltrative,
  ExtranodularGrowth,
  PoorlyDifferentiated,
  MultipleDisseminated,
  SarcomatousChange,
};

// mRECIST target lesion: longest diameter of the viable (arterially enhancing) part.
struct TargetLesion {
  std::string id;
  double viable_diameter_cm = 0;
};

// One imaging study (CT or MRI) and what was read from it. Absent = not reported.
struct ImagingStudy {
  Date date;
  std::string modality;  // "CT", "MRI", … (informational)
  std::optional<int> intrahepatic_tumor_count;
  // A lower bound only: at least this many intrahepatic tumours (a registry's "4" meaning "4 or
  // more", data/dtsdhcc). Set only when intrahepatic_tumor_count is absent; read by up-to-seven
  // (beyond when the bound already exceeds 7) and by tumour-count increases (issue 15 item 5).
  std::optional<int> intrahepatic_tumor_count_at_least = std::nullopt;
  std::optional<double> largest_diameter_cm;
  // mRECIST measurements: present only when targets were measured on this study.
  std::optional<std::vector<TargetLesion>> target_lesions;
  std::optional<NonTargetStatus> nontarget;
  std::optional<int> new_lesions;  // new typical HCC ≥ 1 cm since the previous study
  std::optional<MrecistCategory> mrecist_recorded;
  std::optional<double> viable_tumor_percent;         // viable part of the treated nodules
  std::optional<double> treated_size_change_percent;  // change of the treated nodules' size
  std::optional<VascularInvasion> vascular_invasion;
  std::optional<bool> extrahepatic_spread;
  std::optional<Morphology> morphology;
  std::optional<bool> bilobar;
  std::optional<double> liver_occupation_percent;
  std::optional<bool> bile_duct_invasion;
};

struct TaceSession {
  Date date;
  std::string technique;  // "cTACE", "DEB-TACE" (informational)
  std::optional<bool> selective;
  // P-session-merge: when procedures 14 days or less apart with no imaging between them were
  // merged into this session (a staged treatment), the dates of all of them, the first = date.
  // Empty for a session of one procedure.
  std::vector<Date> procedure_dates = {};
};

enum class StopReason : std::uint8_t { Progression, Intolerance, Completed, Other };

struct SystemicTherapy {
  std::string regimen;  // regimen id of CLINICAL_RULES.md §7
  Date start;
  std::optional<Date> end;  // absent: ongoing
  std::optional<StopReason> stop_reason;
  // Tolerance over the last 28 days of treatment (regorafenib needs ≥ 400 mg/day sorafenib
  // on ≥ 20 of the last 28 days).
  std::optional<double> dose_mg_per_day;
  std::optional<int> days_at_dose_last_28;
};

enum class Varices : std::uint8_t { None, LowRisk, HighRiskUntreated, Treated };

struct Endoscopy {
  Date date;
  Varices varices = Varices::None;
};

enum class ConditionKind : std::uint8_t {
  ActiveAutoimmuneDisease,
  SolidOrganTransplant,
  VaricealBleeding,
  UncontrolledHypertension,
  MajorBleeding,
  ArterialThrombosis,
};

struct Condition {
  ConditionKind kind;
  std::optional<Date> onset;
  std::optional<Date> abatement;  // absent: still active
};

// A procedure that ends a TACE course (CLINICAL_RULES §5 "Common terms", rule P-course-end):
// sessions after it start a new course; findings after it are not failure of the earlier one.
enum class CourseEndingKind : std::uint8_t { Resection, Ablation, LiverTransplantation };

struct CourseEndingProcedure {
  Date date;
  CourseEndingKind kind = CourseEndingKind::Resection;
};

// What a resource that was sent but not read was about, when the reader knows it from the code
// (FHIR reader only: a code of the not-read tables, a known code with a void status or no value).
// An unknown code has no fact kind: it is only counted among what was not read. The obtain list
// (core/obtain.h) names such a resource beside the fact it would have given; nothing else in the
// engine reads these entries, so they never change a verdict or a status.
enum class FactKind : std::uint8_t {
  Bilirubin,
  Albumin,
  Coagulation,  // INR or the prothrombin-time prolongation
  Ast,
  Alt,
  Platelets,
  Creatinine,
  Afp,
  Dcp,
  Ascites,
  Encephalopathy,
  Ecog,
  Weight,
  Varices,
  VascularInvasion,
  Imaging,          // a finding of a CT/MRI (tumour count, diameter, mRECIST, …)
  SystemicTherapy,  // a medication resource
};

struct UnreadEntry {
  FactKind fact = FactKind::Imaging;
  std::optional<Date> date;  // the resource's date when it has a full one
  std::string what;          // "SNOMED CT 389026000 Ascites", as the resource named it
  std::string reason;        // "status entered-in-error", "no value: dataAbsentReason asked-unknown"
};

// The fact kind of a lab series (Inr and PtProlongation are both Coagulation; Weight is Weight;
// the imaging quantities are Imaging).
FactKind fact_kind_of(Quantity q);
std::string_view to_string(FactKind);

struct PatientRecord {
  std::string patient_id;
  std::optional<Date> birth_date;
  // Whether curative options (resection, transplantation, ablation) were judged unsuitable;
  // the candidacy rules of APASL, KLCA-NCC and JSH need it. Absent = not stated.
  std::optional<bool> curative_treatment_unsuitable;

  Labs labs;
  std::vector<ClinicalAssessment> clinical;  // sorted by date
  std::vector<ImagingStudy> imaging;         // sorted by date
  std::vector<TaceSession> tace;             // sorted by date
  std::vector<SystemicTherapy> systemic;     // sorted by start
  std::vector<Endoscopy> endoscopies;        // sorted by date
  std::vector<Condition> conditions;

  // The date of the latest dated entry: the default as-of date (never today's date).
  std::optional<Date> latest_entry_date() const;
  // The date of the earliest dated entry (a reader checks that the patient was born by then).
  std::optional<Date> earliest_entry_date() const;
  // P-age-plausible: the latest entry when the patient would be older than kMaxPlausibleAgeYears
  // on it (a year typed wrong: 2150 for 2015, or a birth year a century off); nullopt otherwise or
  // without a birth date. A reader refuses such a record: the default as-of date is the latest
  // entry, so one mistyped year would silently age every other value out of date.
  std::optional<Date> entry_beyond_plausible_age() const;
  // The record as it stood on `as_of`: everything dated after it removed.
  PatientRecord as_of(Date as_of) const;
  // How many entries are dated after `cut`: what as_of(cut) removes (a therapy that started
  // after it, a condition with a later onset) or cuts short (a later therapy end or abatement).
  std::size_t entries_after(Date cut) const;
  // Restores the invariants (sorted timelines) after a reader filled the record.
  void sort_timelines();

  // The date of death when known (native patient.deceased_date, FHIR Patient.deceasedDateTime;
  // a partial FHIR date is kept as the last day it allows). A reader refuses entries dated after it.
  std::optional<Date> deceased_date;
  // The patient is known to have died (a deceased date, or FHIR deceasedBoolean true without one).
  bool deceased = false;
  std::vector<CourseEndingProcedure> procedures = {};  // resection, ablation, transplantation; sorted by date
  // The date of the HCC diagnosis when a diagnosis Condition gives one (FHIR Condition coded
  // SNOMED CT 109841003, ICD-10(-CM) C22.0 or ICD-O-3 8170/3: onset, else recordedDate; the
  // earliest when several).
  std::optional<Date> hcc_diagnosis = std::nullopt;
  // Resources the FHIR reader was sent but did not read, with the fact each concerns (FactKind).
  // Never part of the native record format (not written, not read); as_of() keeps the entries
  // dated on or before the cut and the undated ones. No date here is an entry date: they do not
  // move the default as-of date.
  std::vector<UnreadEntry> unread = {};
};

inline constexpr int kMaxPlausibleAgeYears = 120;

std::string_view to_string(Ascites);
std::string_view to_string(Encephalopathy);
std::string_view to_string(MrecistCategory);
std::string_view to_string(VascularInvasion);
std::string_view to_string(NonTargetStatus);
std::string_view to_string(Morphology);
std::string_view to_string(StopReason);
std::string_view to_string(Varices);
std::string_view to_string(ConditionKind);

std::optional<Ascites> parse_ascites(std::string_view);
std::optional<Encephalopathy> parse_encephalopathy(std::string_view);
std::optional<MrecistCategory> parse_mrecist(std::string_view);
std::optional<VascularInvasion> parse_vascular_invasion(std::string_view);
std::optional<NonTargetStatus> parse_nontarget(std::string_view);
std::optional<Morphology> parse_morphology(std::string_view);
std::optional<StopReason> parse_stop_reason(std::string_view);
std::optional<Varices> parse_varices(std::string_view);
std::optional<ConditionKind> parse_condition_kind(std::string_view);

// "resection", "ablation", "liver-transplantation"
std::string_view to_string(CourseEndingKind);
std::optional<CourseEndingKind> parse_course_ending_kind(std::string_view);

}  // namespace switchpoint
