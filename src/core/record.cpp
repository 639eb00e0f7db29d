#include "core/record.h"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <utility>

namespace switchpoint {
namespace {

// One table per enum: the spelling used by the native record, the FHIR codes of
// urn:switchpoint:hcc and every output. Both directions come from the same table.
template <typename E, std::size_t N>
using Names = std::array<std::pair<E, std::string_view>, N>;

constexpr Names<Ascites, 3> kAscites{
    {{Ascites::None, "none"}, {Ascites::Slight, "slight"}, {Ascites::ModerateSevere, "moderate-severe"}}};
constexpr Names<Encephalopathy, 3> kEncephalopathy{{{Encephalopathy::None, "none"},
                                                    {Encephalopathy::Grade1to2, "grade-1-2"},
                                                    {Encephalopathy::Grade3to4, "grade-3-4"}}};
constexpr Names<MrecistCategory, 4> kMrecist{{{MrecistCategory::CR, "CR"},
                                              {MrecistCategory::PR, "PR"},
                                              {MrecistCategory::SD, "SD"},
                                              {MrecistCategory::PD, "PD"}}};
constexpr Names<VascularInvasion, 3> kVascular{{{VascularInvasion::Absent, "absent"},
                                                {VascularInvasion::Branch, "branch"},
                                                {VascularInvasion::MainPortalVein, "main-portal-vein"}}};
constexpr Names<NonTargetStatus, 4> kNonTarget{{{NonTargetStatus::Absent, "absent"},
                                                {NonTargetStatus::CR, "CR"},
                                                {NonTargetStatus::NonCRNonPD, "non-CR-non-PD"},
                                                {NonTargetStatus::PD, "PD"}}};
constexpr Names<Morphology, 7> kMorphology{{{Morphology::SimpleNodular, "simple-nodular"},
                                            {Morphology::ConfluentMultinodular, "confluent-multinodular"},
                                            {Morphology::MassiveInfiltrative, "massive-infiltrative"},
                                            {Morphology::ExtranodularGrowth, "extranodular-growth"},
                                            {Morphology::PoorlyDifferentiated, "poorly-differentiated"},
                                            {Morphology::MultipleDisseminated, "multiple-disseminated"},
                                            {Morphology::SarcomatousChange, "sarcomatous-change"}}};
constexpr Names<StopReason, 4> kStopReason{{{StopReason::Progression, "progression"},
                                            {StopReason::Intolerance, "intolerance"},
                                            {StopReason::Completed, "completed"},
                                            {StopReason::Other, "other"}}};
constexpr Names<Varices, 4> kVarices{{{Varices::None, "none"},
                                      {Varices::LowRisk, "low-risk"},
                                      {Varices::HighRiskUntreated, "high-risk-untreated"},
                                      {Varices::Treated, "treated"}}};
constexpr Names<ConditionKind, 6> kConditions{{{ConditionKind::ActiveAutoimmuneDisease, "active-autoimmune-disease"},
                                               {ConditionKind::SolidOrganTransplant, "solid-organ-transplant"},
                                               {ConditionKind::VaricealBleeding, "variceal-bleeding"},
                                               {ConditionKind::UncontrolledHypertension, "uncontrolled-hypertension"},
                                               {ConditionKind::MajorBleeding, "major-bleeding"},
                                               {ConditionKind::ArterialThrombosis, "arterial-thrombosis"}}};

template <typename E, std::size_t N>
std::string_view name_of(const Names<E, N>& table, E value) {
  for (const auto& [e, name] : table)
    if (e == value) return name;
  return "?";
}

template <typename E, std::size_t N>
std::optional<E> parse_from(const Names<E, N>& table, std::string_view text) {
  for (const auto& [e, name] : table)
    if (name == text) return e;
  return std::nullopt;
}

template <typename T, typename Key>
void sort_by(std::vector<T>& v, Key key) {
  std::stable_sort(v.begin(), v.end(), [&](const T& a, const T& b) { return key(a) < key(b); });
}

template <typename T, typename Key>
void drop_after(std::vector<T>& v, Date cut, Key key) {
  std::erase_if(v, [&](const T& x) { return key(x) > cut; });
}

}  // namespace

std::string_view to_string(Ascites v) { return name_of(kAscites, v); }
std::string_view to_string(Encephalopathy v) { return name_of(kEncephalopathy, v); }
std::string_view to_string(MrecistCategory v) { return name_of(kMrecist, v); }
std::string_view to_string(VascularInvasion v) { return name_of(kVascular, v); }
std::string_view to_string(NonTargetStatus v) { return name_of(kNonTarget, v); }
std::string_view to_string(Morphology v) { return name_of(kMorphology, v); }
std::string_view to_string(StopReason v) { return name_of(kStopReason, v); }
std::string_view to_string(Varices v) { return name_of(kVarices, v); }
std::string_view to_string(ConditionKind v) { return name_of(kConditions, v); }

FactKind fact_kind_of(Quantity q) {
  switch (q) {
    case Quantity::Bilirubin:
      return FactKind::Bilirubin;
    case Quantity::Albumin:
      return FactKind::Albumin;
    case Quantity::Inr:
    case Quantity::PtProlongation:
      return FactKind::Coagulation;
    case Quantity::Ast:
      return FactKind::Ast;
    case Quantity::Alt:
      return FactKind::Alt;
    case Quantity::Platelets:
      return FactKind::Platelets;
    case Quantity::Creatinine:
      return FactKind::Creatinine;
    case Quantity::Afp:
      return FactKind::Afp;
    case Quantity::Dcp:
      return FactKind::Dcp;
    case Quantity::Weight:
      return FactKind::Weight;
    case Quantity::Diameter:
    case Quantity::Percent:
      return FactKind::Imaging;
  }
  return FactKind::Imaging;
}

std::string_view to_string(FactKind k) {
  switch (k) {
    case FactKind::Bilirubin:
      return "bilirubin";
    case FactKind::Albumin:
      return "albumin";
    case FactKind::Coagulation:
      return "coagulation";
    case FactKind::Ast:
      return "ast";
    case FactKind::Alt:
      return "alt";
    case FactKind::Platelets:
      return "platelets";
    case FactKind::Creatinine:
      return "creatinine";
    case FactKind::Afp:
      return "afp";
    case FactKind::Dcp:
      return "dcp";
    case FactKind::Ascites:
      return "ascites";
    case FactKind::Encephalopathy:
      return "encephalopathy";
    case FactKind::Ecog:
      return "ecog";
    case FactKind::Weight:
      return "weight";
    case FactKind::Varices:
      return "varices";
    case FactKind::VascularInvasion:
      return "vascular-invasion";
    case FactKind::Imaging:
      return "imaging";
    case FactKind::SystemicTherapy:
      return "systemic-therapy";
  }
  return "?";
}

std::optional<Ascites> parse_ascites(std::string_view s) { return parse_from(kAscites, s); }
std::optional<Encephalopathy> parse_encephalopathy(std::string_view s) { return parse_from(kEncephalopathy, s); }
std::optional<MrecistCategory> parse_mrecist(std::string_view s) { return parse_from(kMrecist, s); }
std::optional<VascularInvasion> parse_vascular_invasion(std::string_view s) { return parse_from(kVascular, s); }
std::optional<NonTargetStatus> parse_nontarget(std::string_view s) { return parse_from(kNonTarget, s); }
std::optional<Morphology> parse_morphology(std::string_view s) { return parse_from(kMorphology, s); }
std::optional<StopReason> parse_stop_reason(std::string_view s) { return parse_from(kStopReason, s); }
std::optional<Varices> parse_varices(std::string_view s) { return parse_from(kVarices, s); }
std::optional<ConditionKind> parse_condition_kind(std::string_view s) { return parse_from(kConditions, s); }

const LabSeries& Labs::of(Quantity q) const { return const_cast<Labs*>(this)->of(q); }

LabSeries& Labs::of(Quantity q) {
  switch (q) {
    case Quantity::Bilirubin:
      return bilirubin_umol_per_l;
    case Quantity::Albumin:
      return albumin_g_per_l;
    case Quantity::Inr:
      return inr;
    case Quantity::PtProlongation:
      return pt_prolongation_s;
    case Quantity::Ast:
      return ast_u_per_l;
    case Quantity::Alt:
      return alt_u_per_l;
    case Quantity::Platelets:
      return platelets_1e9_per_l;
    case Quantity::Creatinine:
      return creatinine_umol_per_l;
    case Quantity::Afp:
      return afp_ng_per_ml;
    case Quantity::Dcp:
      return dcp_mau_per_ml;
    case Quantity::Weight:
    case Quantity::Diameter:
    case Quantity::Percent:
      break;
  }
  // Readers route only lab quantities here; anything else is a programming error.
  throw std::logic_error("Labs::of: not a lab quantity");
}

namespace {
constexpr Quantity kLabQuantities[] = {
    Quantity::Bilirubin, Quantity::Albumin, Quantity::Inr,       Quantity::PtProlongation,
    Quantity::Ast,       Quantity::Alt,     Quantity::Platelets, Quantity::Creatinine,
    Quantity::Afp,       Quantity::Dcp};
}

std::optional<Date> PatientRecord::entry_beyond_plausible_age() const {
  if (!birth_date) return std::nullopt;
  const auto latest = latest_entry_date();
  if (latest && *latest > birth_date->plus_months(12 * kMaxPlausibleAgeYears)) return latest;
  return std::nullopt;
}

std::optional<Date> PatientRecord::latest_entry_date() const {
  std::optional<Date> latest;
  auto see = [&](Date d) {
    if (!latest || d > *latest) latest = d;
  };
  for (Quantity q : kLabQuantities)
    for (const auto& v : labs.of(q)) see(v.date);
  for (const auto& c : clinical) see(c.date);
  for (const auto& i : imaging) see(i.date);
  for (const auto& t : tace) see(t.date);
  for (const auto& s : systemic) {
    see(s.start);
    if (s.end) see(*s.end);
  }
  for (const auto& e : endoscopies) see(e.date);
  for (const auto& p : procedures) see(p.date);
  for (const auto& c : conditions) {
    if (c.onset) see(*c.onset);
    if (c.abatement) see(*c.abatement);
  }
  return latest;
}

std::optional<Date> PatientRecord::earliest_entry_date() const {
  std::optional<Date> earliest;
  auto see = [&](Date d) {
    if (!earliest || d < *earliest) earliest = d;
  };
  for (Quantity q : kLabQuantities)
    for (const auto& v : labs.of(q)) see(v.date);
  for (const auto& c : clinical) see(c.date);
  for (const auto& i : imaging) see(i.date);
  for (const auto& t : tace) see(t.date);
  for (const auto& s : systemic) see(s.start);
  for (const auto& e : endoscopies) see(e.date);
  for (const auto& p : procedures) see(p.date);
  for (const auto& c : conditions)
    if (c.onset) see(*c.onset);
  return earliest;
}

PatientRecord PatientRecord::as_of(Date cut) const {
  PatientRecord r = *this;
  for (Quantity q : kLabQuantities) drop_after(r.labs.of(q), cut, [](const LabValue& v) { return v.date; });
  drop_after(r.clinical, cut, [](const ClinicalAssessment& c) { return c.date; });
  drop_after(r.imaging, cut, [](const ImagingStudy& i) { return i.date; });
  drop_after(r.tace, cut, [](const TaceSession& t) { return t.date; });
  drop_after(r.systemic, cut, [](const SystemicTherapy& s) { return s.start; });
  drop_after(r.endoscopies, cut, [](const Endoscopy& e) { return e.date; });
  drop_after(r.procedures, cut, [](const CourseEndingProcedure& p) { return p.date; });
  for (auto& t : r.tace) std::erase_if(t.procedure_dates, [&](Date d) { return d > cut; });
  std::erase_if(r.conditions, [&](const Condition& c) { return c.onset && *c.onset > cut; });
  // What had not happened yet on the as-of date is not known then.
  for (auto& s : r.systemic) {
    if (s.end && *s.end > cut) {
      s.end.reset();
      s.stop_reason.reset();
    }
  }
  for (auto& c : r.conditions)
    if (c.abatement && *c.abatement > cut) c.abatement.reset();
  if (r.hcc_diagnosis && *r.hcc_diagnosis > cut) r.hcc_diagnosis.reset();
  std::erase_if(r.unread, [&](const UnreadEntry& u) { return u.date && *u.date > cut; });
  return r;
}

std::size_t PatientRecord::entries_after(Date cut) const {
  std::size_t n = 0;
  auto see = [&](Date d) { n += d > cut ? 1 : 0; };
  for (Quantity q : kLabQuantities)
    for (const auto& v : labs.of(q)) see(v.date);
  for (const auto& c : clinical) see(c.date);
  for (const auto& i : imaging) see(i.date);
  for (const auto& t : tace) see(t.date);
  for (const auto& s : systemic) {
    if (s.start > cut) ++n;
    else if (s.end && *s.end > cut) ++n;
  }
  for (const auto& e : endoscopies) see(e.date);
  for (const auto& p : procedures) see(p.date);
  for (const auto& c : conditions) {
    if (c.onset && *c.onset > cut) ++n;
    else if (c.abatement && *c.abatement > cut) ++n;
  }
  return n;
}

void PatientRecord::sort_timelines() {
  for (Quantity q : kLabQuantities) sort_by(labs.of(q), [](const LabValue& v) { return v.date; });
  sort_by(clinical, [](const ClinicalAssessment& c) { return c.date; });
  sort_by(imaging, [](const ImagingStudy& i) { return i.date; });
  sort_by(tace, [](const TaceSession& t) { return t.date; });
  sort_by(systemic, [](const SystemicTherapy& s) { return s.start; });
  sort_by(endoscopies, [](const Endoscopy& e) { return e.date; });
  sort_by(procedures, [](const CourseEndingProcedure& p) { return p.date; });
}

// ---- Course-ending procedures (CLINICAL_RULES §5 "Common terms") ----

namespace {
constexpr Names<CourseEndingKind, 3> kCourseEnding{{{CourseEndingKind::Resection, "resection"},
                                                    {CourseEndingKind::Ablation, "ablation"},
                                                    {CourseEndingKind::LiverTransplantation, "liver-transplantation"}}};
}  // namespace

std::string_view to_string(CourseEndingKind v) { return name_of(kCourseEnding, v); }
std::optional<CourseEndingKind> parse_course_ending_kind(std::string_view s) { return parse_from(kCourseEnding, s); }

}  // namespace switchpoint
