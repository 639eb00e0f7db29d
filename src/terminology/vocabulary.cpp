#include "terminology/vocabulary.h"

#include <fmt/format.h>
#include <switchpoint/version.h>

#include <algorithm>
#include <array>
#include <map>
#include <utility>

#include "core/record.h"
#include "core/therapy/regimens.h"
#include "core/units.h"
#include "presenters/html_escape.h"
#include "presenters/json_writer.h"
#include "readers/fhir_codes.h"
#include "readers/terminology_imaging.h"
#include "readers/terminology_meds.h"
#include "readers/terminology_obs.h"

namespace switchpoint::vocabulary {
namespace {

using fhir::Finding;

// ---- Words for the project's value codes ------------------------------------------------
// The codes themselves come from the enum name tables of core/record.h (every value the native
// and FHIR readers accept); these are their displays and definitions. A test checks that every
// value code has one and that none is left over (tests/terminology/vocabulary_test.cpp).
struct Words {
  std::string_view code;
  std::string_view display;
  std::string_view definition;
};

constexpr std::array kValueWords{
    Words{"none", "None", "Not present."},
    Words{"slight", "Slight ascites",
          "Ascites that is slight (mild) or controlled with diuretics: 2 Child-Pugh points (Pugh 1973; "
          "CLINICAL_RULES.md §2)."},
    Words{"moderate-severe", "Moderate or severe ascites",
          "Moderate or severe ascites: 3 Child-Pugh points (CLINICAL_RULES.md §2)."},
    Words{"grade-1-2", "Hepatic encephalopathy, West Haven grade 1-2", "West Haven grade 1 or 2: 2 Child-Pugh points."},
    Words{"grade-3-4", "Hepatic encephalopathy, West Haven grade 3-4", "West Haven grade 3 or 4: 3 Child-Pugh points."},
    Words{"CR", "Complete response",
          "mRECIST complete response: no intratumoral arterial enhancement left in the lesions assessed."},
    Words{"PR", "Partial response",
          "mRECIST partial response: the sum of the viable (enhancing) diameters of the target lesions decreased by at "
          "least 30% from baseline."},
    Words{"SD", "Stable disease", "mRECIST stable disease: neither partial response nor progressive disease."},
    Words{
        "PD", "Progressive disease",
        "mRECIST progressive disease: the sum of viable diameters increased by at least 20% from its nadir, non-target "
        "lesions progressed unequivocally, or a new lesion appeared."},
    Words{"non-CR-non-PD", "Non-CR/non-PD",
          "mRECIST non-target lesions: one or more persist with intratumoral arterial enhancement, without unequivocal "
          "progression."},
    Words{"absent", "Absent", "Not present (no non-target lesion; no macrovascular invasion)."},
    Words{"branch", "Portal vein branch invasion",
          "Macrovascular tumour invasion of a portal vein branch, not the main trunk."},
    Words{"main-portal-vein", "Main portal vein invasion", "Macrovascular tumour invasion of the main portal vein."},
    Words{"simple-nodular", "Simple nodular", "Tumour morphology: simple nodular type."},
    Words{"confluent-multinodular", "Confluent multinodular", "Tumour morphology: confluent multinodular type."},
    Words{"massive-infiltrative", "Massive or infiltrative", "Tumour morphology: massive or infiltrative type."},
    Words{"extranodular-growth", "Simple nodular with extranodular growth",
          "Tumour morphology: simple nodular type with extranodular growth."},
    Words{"poorly-differentiated", "Poorly differentiated", "Poorly differentiated tumour."},
    Words{"multiple-disseminated", "Multiple disseminated", "Tumour morphology: multiple disseminated nodules."},
    Words{"sarcomatous-change", "Sarcomatous change", "Tumour with sarcomatous change."},
    Words{"low-risk", "Low-risk varices", "Varices at endoscopy that are not high-risk."},
    Words{"high-risk-untreated", "High-risk varices, untreated",
          "High-risk varices at endoscopy that have not been treated: a contraindication of atezolizumab-bevacizumab "
          "(CLINICAL_RULES.md §7)."},
    Words{"treated", "Treated varices",
          "Varices treated, as recorded at endoscopy (atezolizumab-bevacizumab needs an endoscopy within 6 months with "
          "varices treated)."},
    // Condition kinds (CLINICAL_RULES.md §7 contraindications).
    Words{"active-autoimmune-disease", "Active autoimmune disease",
          "An active autoimmune disease: a contraindication of the immune checkpoint inhibitor regimens "
          "(CLINICAL_RULES.md §7)."},
    Words{"solid-organ-transplant", "Solid-organ transplant",
          "A solid-organ transplant: a contraindication of the immune checkpoint inhibitor regimens (CLINICAL_RULES.md "
          "§7)."},
    Words{"variceal-bleeding", "Variceal bleeding",
          "A variceal bleeding: within 6 months, a contraindication of atezolizumab-bevacizumab (CLINICAL_RULES.md "
          "§7); its onset decides."},
    Words{
        "uncontrolled-hypertension", "Uncontrolled hypertension",
        "Hypertension that is not controlled: a contraindication of atezolizumab-bevacizumab (CLINICAL_RULES.md §7)."},
    Words{"major-bleeding", "Major bleeding",
          "A recent major bleeding: a contraindication of atezolizumab-bevacizumab (CLINICAL_RULES.md §7); its onset "
          "decides."},
    Words{"arterial-thrombosis", "Arterial thrombosis",
          "A recent arterial thrombosis: a contraindication of atezolizumab-bevacizumab (CLINICAL_RULES.md §7); its "
          "onset decides (the "
          "therapy rules look 6 months back)."},
    // Procedures.
    Words{"tace", "Transarterial chemoembolisation (TACE)",
          "One session of transarterial chemoembolisation of liver tumour."},
    Words{"resection", "Liver resection", "A resection of liver tumour: it ends a TACE course (P-course-end)."},
    Words{"ablation", "Tumour ablation", "A local ablation of liver tumour: it ends a TACE course (P-course-end)."},
    Words{"liver-transplantation", "Liver transplantation",
          "A liver transplantation: it ends a TACE course (P-course-end)."},
    // Stop reasons of a systemic therapy.
    Words{"progression", "Stopped for progression", "The therapy was stopped because the disease progressed."},
    Words{"intolerance", "Stopped for intolerance",
          "The therapy was stopped because of adverse events or intolerance."},
    Words{"completed", "Completed", "The therapy was completed as planned."},
    Words{"other", "Stopped for another reason",
          "The therapy was stopped for a reason other than progression, intolerance or completion."},
};

const Words* words_for(std::string_view code) {
  for (const auto& w : kValueWords)
    if (w.code == code) return &w;
  return nullptr;
}

// Every value of an enum whose name table lives in core/record.h: the values whose name is not
// "?" (name_of's answer for a value outside the table). The enums are small and dense.
template <typename E>
std::vector<std::string> enum_codes() {
  std::vector<std::string> out;
  for (int i = 0; i < 64; ++i) {
    const auto name = to_string(static_cast<E>(i));
    if (name != "?") out.emplace_back(name);
  }
  return out;
}

// The project value codes an Observation code takes (empty: not a coded value).
std::vector<std::string> value_codes_of(Finding f) {
  switch (f) {
    case Finding::Ascites:
      return enum_codes<Ascites>();
    case Finding::Encephalopathy:
      return enum_codes<Encephalopathy>();
    case Finding::NonTarget:
      return enum_codes<NonTargetStatus>();
    case Finding::Mrecist:
      return enum_codes<MrecistCategory>();
    case Finding::VascularInvasion:
      return enum_codes<VascularInvasion>();
    case Finding::Morphology:
      return enum_codes<Morphology>();
    case Finding::Varices:
      return enum_codes<Varices>();
    case Finding::Lab:
    case Finding::Weight:
    case Finding::Ecog:
    case Finding::TumorCount:
    case Finding::LargestDiameter:
    case Finding::TargetLesion:
    case Finding::NewLesions:
    case Finding::ViablePercent:
    case Finding::TreatedSizeChange:
    case Finding::ExtrahepaticSpread:
    case Finding::Bilobar:
    case Finding::LiverOccupation:
    case Finding::BileDuctInvasion:
    case Finding::CurativeUnsuitable:
      return {};
  }
  return {};
}

// The ValueSet id of the value codes of a finding ("" when it has none).
std::string_view value_set_of(Finding f) {
  switch (f) {
    case Finding::Ascites:
      return "ascites-grade";
    case Finding::Encephalopathy:
      return "encephalopathy-grade";
    case Finding::NonTarget:
      return "mrecist-nontarget-status";
    case Finding::Mrecist:
      return "mrecist-response-category";
    case Finding::VascularInvasion:
      return "macrovascular-invasion-extent";
    case Finding::Morphology:
      return "tumor-morphology-type";
    case Finding::Varices:
      return "varices-grade";
    default:
      return "";
  }
}

// Where a finding goes in the native record (docs/record-format.md), as a code of kRecordSystem.
std::string record_field_of(const fhir::ObservationCode& c) {
  switch (c.finding) {
    case Finding::Lab:
      return "labs." + std::string(spec_of(c.quantity).key);
    case Finding::Weight:
      return "clinical.weight";
    case Finding::Ecog:
      return "clinical.ecog";
    case Finding::Ascites:
      return "clinical.ascites";
    case Finding::Encephalopathy:
      return "clinical.encephalopathy";
    case Finding::TumorCount:
      return "imaging.tumor_count";
    case Finding::LargestDiameter:
      return "imaging.largest_diameter";
    case Finding::TargetLesion:
      return "imaging.target_lesions";
    case Finding::NonTarget:
      return "imaging.nontarget";
    case Finding::NewLesions:
      return "imaging.new_lesions";
    case Finding::Mrecist:
      return "imaging.mrecist";
    case Finding::ViablePercent:
      return "imaging.viable_tumor_percent";
    case Finding::TreatedSizeChange:
      return "imaging.treated_size_change_percent";
    case Finding::VascularInvasion:
      return "imaging.vascular_invasion";
    case Finding::ExtrahepaticSpread:
      return "imaging.extrahepatic_spread";
    case Finding::Morphology:
      return "imaging.morphology";
    case Finding::Bilobar:
      return "imaging.bilobar";
    case Finding::LiverOccupation:
      return "imaging.liver_occupation_percent";
    case Finding::BileDuctInvasion:
      return "imaging.bile_duct_invasion";
    case Finding::Varices:
      return "endoscopy.varices";
    case Finding::CurativeUnsuitable:
      return "patient.curative_treatment_unsuitable";
  }
  return "?";
}

// The ValueSet id of the codes of a finding (labs: one per quantity).
std::string finding_value_set(const fhir::ObservationCode& c) {
  switch (c.finding) {
    case Finding::Lab: {
      std::string key(spec_of(c.quantity).key);
      std::replace(key.begin(), key.end(), '_', '-');
      return "lab-" + key;
    }
    case Finding::Weight:
      return "body-weight";
    case Finding::Ecog:
      return "ecog";
    case Finding::Ascites:
      return "ascites";
    case Finding::Encephalopathy:
      return "hepatic-encephalopathy";
    default:
      return std::string(c.code);  // one project code
  }
}

std::string_view value_type_name(fhir::ValueType t) {
  switch (t) {
    case fhir::ValueType::Quantity:
      return "valueQuantity";
    case fhir::ValueType::Integer:
      return "valueInteger";
    case fhir::ValueType::Boolean:
      return "valueBoolean";
    case fhir::ValueType::Code:
      return "valueCodeableConcept";
  }
  return "?";
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& ch : out)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return out;
}

// The title of a ValueSet id ("lab-bilirubin" → "Lab bilirubin").
std::string title_of(std::string_view id) {
  std::string t(id);
  std::replace(t.begin(), t.end(), '-', ' ');
  if (!t.empty() && t[0] >= 'a' && t[0] <= 'z') t[0] = static_cast<char>(t[0] - 'a' + 'A');
  return t;
}

// ---- The builder -------------------------------------------------------------------------

// value_set() and concept_map() return a reference into a vector: never keep one across a call
// that may add another (look it up again by id).
struct Builder {
  Vocabulary v;
  std::map<std::string, std::vector<std::string>, std::less<>> value_of;  // value code → observation codes

  Concept* project(std::string_view code) {
    for (auto& c : v.project)
      if (c.code == code) return &c;
    return nullptr;
  }
  void add_project(std::string_view code, std::string display, std::string definition, std::string_view kind) {
    if (project(code) != nullptr) return;
    v.project.push_back({std::string(code), std::move(display), std::move(definition), std::string(kind)});
  }
  void add_field(const std::string& code, std::string definition) {
    for (const auto& f : v.record_fields)
      if (f.code == code) return;
    v.record_fields.push_back({code, code, std::move(definition), "record-field"});
  }
  ValueSetDef& value_set(std::string_view id, std::string_view title = "", std::string_view description = "") {
    for (auto& s : v.value_sets)
      if (s.id == id) return s;
    v.value_sets.push_back(
        {std::string(id), title.empty() ? title_of(id) : std::string(title), std::string(description), {}});
    return v.value_sets.back();
  }
  static void add_code(ValueSetDef& s, std::string_view system, std::string_view code, std::string_view display,
                       bool family = false) {
    for (const auto& c : s.codes)
      if (c.system == system && c.code == code) return;
    s.codes.push_back({std::string(system), std::string(code), std::string(display), family});
  }
  ConceptMapDef& concept_map(std::string_view id, std::string_view title, std::string_view description) {
    for (auto& m : v.concept_maps)
      if (m.id == id) return m;
    v.concept_maps.push_back({std::string(id), std::string(title), std::string(description), {}});
    return v.concept_maps.back();
  }
  ConceptMapDef& standard_map() {
    return concept_map("standard-to-record", "Standard codes to the switchpoint record",
                       "Every standard code the FHIR reader recognises (LOINC, SNOMED CT, ICD-10-CM, ICD-10, ICD-O-3, "
                       "RxNorm, ATC), mapped to the project code (urn:switchpoint:hcc) or the record field "
                       "(urn:switchpoint:hcc:record) it is read into; codes recognised but deliberately not read are "
                       "'unmatched', with the reason. Generated from the reader's code tables.");
  }
  static void add_mapping(ConceptMapDef& m, Mapping x) {
    for (const auto& e : m.mappings)
      if (e.source_system == x.source_system && e.source_code == x.source_code && e.target_system == x.target_system &&
          e.target_code == x.target_code)
        return;
    m.mappings.push_back(std::move(x));
  }
};

// ---- One function per reader table ---------------------------------------------------------

// readers/fhir_codes.h observation_codes(): LOINC and project Observation codes, their value codes.
void add_observation_codes(Builder& b) {
  for (const auto& c : fhir::observation_codes()) {
    const std::string field = record_field_of(c);
    b.add_field(field, fmt::format("The record field {} (docs/record-format.md).", field));
    // The first code of a finding names its ValueSet: a lab by its quantity ("Total bilirubin").
    std::string title = c.finding == Finding::Lab ? std::string(spec_of(c.quantity).label) : std::string(c.display);
    // "total bilirubin" → "Total bilirubin"; "mRECIST …" stays as written.
    if (title.size() > 1 && title[0] >= 'a' && title[0] <= 'z' && title[1] >= 'a' && title[1] <= 'z')
      title[0] = static_cast<char>(title[0] - 'a' + 'A');
    auto& vs = b.value_set(finding_value_set(c), title,
                           fmt::format("The codes the FHIR reader reads into the record field {}.", field));
    Builder::add_code(vs, c.system, c.code, c.display);
    const auto values = value_codes_of(c.finding);
    if (c.system == fhir::kHcc) {
      std::string definition = fmt::format("Observation code: {}, {}", c.display, value_type_name(c.value_type));
      if (!c.allowed.empty()) definition += fmt::format(" ({})", c.allowed);
      definition += fmt::format("; read into the record field {}.", field);
      b.add_project(c.code, std::string(c.display), definition, "observation");
      for (const auto& code : values) b.value_of[code].emplace_back(c.code);
      if (!values.empty()) {
        auto& set = b.value_set(value_set_of(c.finding), fmt::format("Values of {}", c.display),
                                fmt::format("The values of urn:switchpoint:hcc|{} ({}).", c.code, c.display));
        for (const auto& code : values) {
          const Words* w = words_for(code);
          Builder::add_code(set, fhir::kHcc, code, w != nullptr ? w->display : code);
        }
      }
    } else {
      Builder::add_mapping(
          b.standard_map(),
          {std::string(c.system), std::string(c.code), std::string(c.display), std::string(kRecordSystem), field,
           "equivalent",
           c.value_type == fhir::ValueType::Quantity
               ? fmt::format("read into {}, converted to {}", field, spec_of(c.quantity).canonical_unit)
               : fmt::format(
                     "read into {} ({} {}{})", field, value_type_name(c.value_type), c.allowed,
                     c.finding == Finding::Ecog ? ", or a LOINC answer of LL529-9: ValueSet ecog-answers" : "")});
    }
  }
  // The value codes as concepts, each once, with the Observation codes it is a value of.
  for (const auto& c : fhir::observation_codes()) {
    for (const auto& code : value_codes_of(c.finding)) {
      const Words* w = words_for(code);
      std::string of;
      for (const auto& o : b.value_of[code]) of += (of.empty() ? "" : ", ") + o;
      b.add_project(code, std::string(w != nullptr ? w->display : code),
                    fmt::format("{} A value of: {}.", w != nullptr ? w->definition : "", of), "value");
    }
  }
}

// readers/terminology_obs.h ecog_answers(): LOINC answer list LL529-9.
void add_ecog_answers(Builder& b) {
  auto& vs = b.value_set("ecog-answers", "ECOG performance status answers (LOINC LL529-9)",
                         fmt::format("The LOINC answers of LOINC 89247-1 read as ECOG grades. Source: {}.",
                                     fhir::terms::ecog_answers_source()));
  for (const auto& a : fhir::terms::ecog_answers()) {
    Builder::add_code(vs, fhir::kLoinc, a.code, a.display);
    Builder::add_mapping(b.standard_map(), {std::string(fhir::kLoinc), std::string(a.code), std::string(a.display),
                                            std::string(kRecordSystem), "clinical.ecog", "wider",
                                            fmt::format("read as ECOG {}", a.grade)});
  }
}

// Karnofsky (LOINC 89243-0): kept as Karnofsky, never converted to ECOG.
void add_karnofsky(Builder& b) {
  b.add_field("clinical.karnofsky",
              "Karnofsky performance status 0-100 in steps of 10 (FHIR input only; never converted to ECOG).");
  auto& vs = b.value_set("karnofsky", "Karnofsky performance status",
                         "LOINC 89243-0, kept as Karnofsky (never converted to ECOG).");
  Builder::add_code(vs, fhir::kLoinc, fhir::terms::kKarnofskyLoinc, "Karnofsky Performance Status score");
  Builder::add_mapping(b.standard_map(),
                       {std::string(fhir::kLoinc), std::string(fhir::terms::kKarnofskyLoinc),
                        "Karnofsky Performance Status score", std::string(kRecordSystem), "clinical.karnofsky",
                        "equivalent", "valueInteger 0-100 in steps of 10; never converted to ECOG"});
}

// readers/terminology_obs.h liver_finding_codes(): ascites and hepatic encephalopathy.
void add_liver_findings(Builder& b) {
  using fhir::terms::LiverFinding;
  for (const auto& c : fhir::terms::liver_finding_codes()) {
    const bool ascites = c.finding == LiverFinding::Ascites;
    auto& vs = b.value_set(ascites ? "ascites" : "hepatic-encephalopathy");
    Builder::add_code(vs, c.system, c.code, c.display);
    // The generic finding is equivalent; a narrower diagnosis (malignant ascites, cirrhosis with
    // ascites) is read as the finding, which is wider.
    const bool same = lower(c.display) == lower(fhir::terms::to_string(c.finding));
    Builder::add_mapping(
        b.standard_map(),
        {std::string(c.system), std::string(c.code), std::string(c.display), std::string(fhir::kHcc),
         ascites ? "ascites" : "encephalopathy", same ? "equivalent" : "wider",
         fmt::format("{}{}; graded only by a value or severity the reader knows, never guessed (source: {})",
                     c.condition_only ? "Condition only" : "Observation or Condition",
                     same ? "" : ", read as the finding", c.source)});
  }
}

// readers/terminology_obs.h presence_codes(): SNOMED CT values and severities of the findings,
// and what each becomes (the reader's rule, docs/terminology.md).
void add_presence_codes(Builder& b) {
  using fhir::terms::LiverFinding;
  using fhir::terms::Presence;
  b.value_set("finding-presence", "Presence and severity of ascites and hepatic encephalopathy (SNOMED CT)",
              "SNOMED CT qualifier values read as the value of an ascites or hepatic encephalopathy "
              "Observation, or as a Condition's severity.");
  // References into the vectors are not kept across an insertion: each map is looked up again by id.
  b.concept_map("snomed-to-ascites-grade", "SNOMED CT presence and severity to the ascites grade",
                "How a SNOMED CT value or severity of ascites (SNOMED CT 389026000, ICD-10-CM R18.0, R18.8, "
                "K70.31) becomes the Child-Pugh ascites grade. Present without a grade is never guessed.");
  b.concept_map("snomed-to-encephalopathy-grade", "SNOMED CT presence and severity to the encephalopathy grade",
                "How a SNOMED CT value or severity of hepatic encephalopathy (SNOMED CT 13920009, ICD-10-CM "
                "K76.82) becomes the West Haven grade: mild, moderate and severe are not West Haven grades.");
  for (const auto& c : fhir::terms::presence_codes()) {
    Builder::add_code(b.value_set("finding-presence"), c.system, c.code, c.display);
    for (const LiverFinding f : {LiverFinding::Ascites, LiverFinding::Encephalopathy}) {
      if (c.only_for && *c.only_for != f) continue;
      const bool a = f == LiverFinding::Ascites;
      Mapping m{
          std::string(c.system), std::string(c.code), std::string(c.display), std::string(fhir::kHcc), "", "", ""};
      switch (c.presence) {
        case Presence::Absent:
          m.target_code = "none", m.equivalence = "equivalent";
          break;
        case Presence::Mild:
          if (a) m.target_code = "slight", m.equivalence = "equivalent";
          break;
        case Presence::Moderate:
        case Presence::Severe:
          if (a) m.target_code = "moderate-severe", m.equivalence = "wider";
          break;
        case Presence::Present:
          break;
      }
      if (m.target_code.empty()) {
        m.target_system.clear();
        m.equivalence = "unmatched";
        m.comment =
            a ? "present without a grade: kept as present, not graded; Child-Pugh is not computed and gives its range"
              : "not a West Haven grade: read as present, not graded; Child-Pugh is not computed and gives its range";
      } else {
        m.comment = fmt::format("source: {}", c.source);
      }
      Builder::add_mapping(b.concept_map(a ? "snomed-to-ascites-grade" : "snomed-to-encephalopathy-grade", "", ""),
                           std::move(m));
    }
  }
}

// readers/terminology_obs.h condition_codes() and the project's condition kinds.
void add_condition_codes(Builder& b) {
  for (const auto& kind : enum_codes<ConditionKind>()) {
    const Words* w = words_for(kind);
    b.add_project(kind, std::string(w != nullptr ? w->display : kind), std::string(w != nullptr ? w->definition : ""),
                  "condition-kind");
    auto& vs = b.value_set("condition-" + kind, fmt::format("Condition: {}", w != nullptr ? w->display : kind),
                           fmt::format("Condition codes read as {}.", kind));
    Builder::add_code(vs, fhir::kHcc, kind, w != nullptr ? w->display : kind);
  }
  b.add_field("conditions.code", "The kind of a condition of the therapy rules (docs/record-format.md).");
  for (const auto& c : fhir::terms::condition_codes()) {
    const std::string kind(to_string(c.kind));
    auto& vs = b.value_set("condition-" + kind);
    Builder::add_code(vs, c.system, c.code, c.display, c.family);
    if (c.family && vs.description.find("subcodes") == std::string::npos)
      vs.description +=
          " A code marked as a family in the reader is read with all its subcodes (ICD-10-CM Z94.4 covers "
          "Z94.4x); the stem is listed (no FHIR hierarchy filter for ICD-10-CM is used).";
    // A specific disease is read as the kind, which is wider; the generic concept is the kind.
    const Words* kw = words_for(kind);
    const bool same = kw != nullptr && ("active " + lower(c.display)) == lower(kw->display);
    Builder::add_mapping(
        b.standard_map(),
        {std::string(c.system), std::string(c.code), std::string(c.display), std::string(fhir::kHcc), kind,
         same ? "equivalent" : "wider",
         fmt::format("read as {}{}; clinicalStatus and abatement decide whether it is current (source: {})", kind,
                     c.family ? ", with every subcode" : "", c.source)});
  }
}

// Codes recognised and deliberately not read (fhir_codes.h not_read_codes(),
// terminology_obs.h not_read_conditions()).
void add_not_read(Builder& b) {
  auto& vs = b.value_set("not-read", "Codes recognised and deliberately not read",
                         "A resource with one of these codes is skipped and counted with the reason (never a problem, "
                         "never read as something close).");
  for (const auto& c : fhir::not_read_codes()) {
    if (c.system == fhir::kHcc) continue;
    Builder::add_code(vs, c.system, c.code, "");
    Builder::add_mapping(
        b.standard_map(),
        {std::string(c.system), std::string(c.code), "", "", "", "unmatched",
         fmt::format("not read{}: {}", c.resource.empty() ? "" : fmt::format(" ({})", c.resource), c.reason)});
  }
  for (const auto& c : fhir::terms::not_read_conditions()) {
    Builder::add_code(vs, c.system, c.code, "", c.family);
    Builder::add_mapping(b.standard_map(), {std::string(c.system), std::string(c.code), "", "", "", "unmatched",
                                            fmt::format("not read{}: {} (source: {})",
                                                        c.family ? ", with every subcode" : "", c.reason, c.source)});
  }
}

// readers/terminology_obs.h hcc_diagnosis_codes().
void add_hcc_diagnosis(Builder& b) {
  b.add_field("hcc_diagnosis",
              "The date of the HCC diagnosis (a diagnosis Condition's onset, else recordedDate; the earliest).");
  auto& vs = b.value_set("hcc-diagnosis", "The HCC diagnosis",
                         "Condition codes of hepatocellular carcinoma: the diagnosis date.");
  for (const auto& c : fhir::terms::hcc_diagnosis_codes()) {
    Builder::add_code(vs, c.system, c.code, c.display);
    Builder::add_mapping(
        b.standard_map(),
        {std::string(c.system), std::string(c.code), std::string(c.display), std::string(kRecordSystem),
         "hcc_diagnosis", "equivalent",
         fmt::format("the Condition's onset, else recordedDate, is the diagnosis date (source: {})", c.source)});
  }
}

// readers/fhir_codes.h procedure_codes(): TACE and the procedures that end a TACE course.
std::string_view procedure_target(fhir::ProcedureKind k) {
  switch (k) {
    case fhir::ProcedureKind::Tace:
      return "tace";
    case fhir::ProcedureKind::Resection:
      return "resection";
    case fhir::ProcedureKind::Ablation:
      return "ablation";
    case fhir::ProcedureKind::LiverTransplantation:
      return "liver-transplantation";
  }
  return "";
}

void add_procedures(Builder& b) {
  b.add_field("tace", "A TACE session (docs/record-format.md tace[]).");
  b.add_field("procedures.kind", "A procedure that ends a TACE course: resection, ablation, liver-transplantation.");
  const Words* tace = words_for("tace");
  b.add_project("tace", std::string(tace->display), std::string(tace->definition), "procedure");
  Builder::add_code(b.value_set("procedure-tace", "TACE procedure", "Procedure codes read as one TACE session."),
                    fhir::kHcc, "tace", tace->display);
  b.value_set("procedure-course-ending", "Procedures that end a TACE course",
              "Resection, ablation and liver transplantation (P-course-end).");
  for (const auto& kind : enum_codes<CourseEndingKind>()) {
    const Words* w = words_for(kind);
    b.add_project(kind, std::string(w != nullptr ? w->display : kind), std::string(w != nullptr ? w->definition : ""),
                  "procedure");
    Builder::add_code(b.value_set("procedure-course-ending"), fhir::kHcc, kind, w != nullptr ? w->display : kind);
  }
  for (const auto& p : fhir::procedure_codes()) {
    if (p.system == fhir::kHcc) continue;
    const std::string_view target = procedure_target(p.kind);
    // A TACE code names one chemoembolisation (the artery is taken to be hepatic: narrower than
    // the project's liver TACE); a named operation is one way of the project's kind (wider),
    // except the transplantation codes, which are the kind itself.
    const bool is_tace = p.kind == fhir::ProcedureKind::Tace;
    const std::string_view equivalence =
        is_tace ? "narrower" : (p.kind == fhir::ProcedureKind::LiverTransplantation ? "equivalent" : "wider");
    Builder::add_code(b.value_set(is_tace ? "procedure-tace" : "procedure-course-ending"), p.system, p.code, p.display);
    Builder::add_mapping(
        b.standard_map(),
        {std::string(p.system), std::string(p.code), std::string(p.display), std::string(fhir::kHcc),
         std::string(target), std::string(equivalence),
         fmt::format("{} (source: {})",
                     is_tace ? "read as a TACE session: the artery chemoembolised is taken to be hepatic"
                             : "ends a TACE course (P-course-end)",
                     p.source)});
  }
}

// core/therapy/regimens.h regimens() and the stop reasons.
void add_regimens(Builder& b) {
  b.add_field("systemic_therapy.regimen", "The regimen id of a systemic therapy (CLINICAL_RULES.md §7).");
  auto& vs = b.value_set("regimen", "Systemic therapy regimens", "The regimen ids of CLINICAL_RULES.md §7.");
  for (const auto& r : regimens()) {
    b.add_project(r.id, std::string(r.name),
                  fmt::format("Regimen of CLINICAL_RULES.md §7, {} line: {}. Evidence: {}.",
                              r.line == TherapyLine::First ? "first" : "second", r.name, r.evidence),
                  "regimen");
    Builder::add_code(vs, fhir::kHcc, r.id, r.name);
  }
  auto& stop = b.value_set("stop-reason", "Stop reasons of a systemic therapy",
                           "MedicationStatement / MedicationRequest statusReason.");
  for (const auto& code : enum_codes<StopReason>()) {
    const Words* w = words_for(code);
    b.add_project(code, std::string(w != nullptr ? w->display : code), std::string(w != nullptr ? w->definition : ""),
                  "stop-reason");
    Builder::add_code(stop, fhir::kHcc, code, w != nullptr ? w->display : code);
  }
  for (const auto& c : fhir::stop_reason_codes()) {
    if (c.system == fhir::kHcc) continue;
    Builder::add_code(stop, c.system, c.code, c.display);
    if (c.reason)
      Builder::add_mapping(b.standard_map(), {std::string(c.system), std::string(c.code), std::string(c.display),
                                              std::string(fhir::kHcc), std::string(to_string(*c.reason)), "wider",
                                              fmt::format("{} (source: {})", c.note, c.source)});
    else
      Builder::add_mapping(b.standard_map(),
                           {std::string(c.system), std::string(c.code), std::string(c.display), "", "", "unmatched",
                            fmt::format("not read: {} (source: {})", c.note, c.source)});
  }
}

// readers/terminology_imaging.h imaging_codes(): mCODE tumour size, NCIt response categories, the
// qualifiers of a size (method, location) and the imaging codes recognised and not read.
void add_imaging_codes(Builder& b) {
  namespace T = fhir::terms;
  auto& sizes = b.value_set("tumor-size", "Tumour size (mCODE TumorSize)",
                            "Observation codes and components of one tumour's size (docs/terminology.md, Imaging).");
  auto& methods = b.value_set("tumor-size-imaging-method", "Imaging methods of a tumour size",
                              "Observation.method codes that make a tumour size an imaging finding.");
  auto& liver =
      b.value_set("liver-location", "Liver location", "bodySite or Tumor location codes of an intrahepatic tumour.");
  auto& response = b.value_set("response-category-ncit", "Response categories (NCIt)",
                               "NCIt response categories read as the value of urn:switchpoint:hcc|mrecist-response.");
  auto& m = b.standard_map();
  for (const auto& c : T::imaging_codes()) {
    const std::string src = fmt::format("(source: {})", c.source);
    switch (c.role) {
      case T::ImagingRole::TumorSize:
      case T::ImagingRole::LongestDimension:
        Builder::add_code(sizes, c.system, c.code, c.display);
        if (c.role == T::ImagingRole::LongestDimension)
          Builder::add_mapping(
              m, {std::string(c.system), std::string(c.code), std::string(c.display), std::string(kRecordSystem),
                  "imaging.largest_diameter", "inexact",
                  fmt::format("one tumour's longest dimension: the study's largest diameter only when every "
                              "counted tumour is measured, or when it is the date's one size without focus; "
                              "{} {}",
                              c.record, src)});
        break;
      case T::ImagingRole::OtherDimension:
        Builder::add_code(sizes, c.system, c.code, c.display);
        break;
      case T::ImagingRole::ImagingMethod:
        Builder::add_code(methods, c.system, c.code, c.display);
        break;
      case T::ImagingRole::LiverLocation:
        Builder::add_code(liver, c.system, c.code, c.display);
        break;
      case T::ImagingRole::ResponseCategory:
        Builder::add_code(response, c.system, c.code, c.display);
        if (c.category)
          Builder::add_mapping(
              m, {std::string(c.system), std::string(c.code), std::string(c.display), std::string(fhir::kHcc),
                  std::string(to_string(*c.category)), "inexact",
                  fmt::format("read only as the value of urn:switchpoint:hcc|mrecist-response (an mRECIST "
                              "category); {} {}",
                              c.record, src)});
        break;
      case T::ImagingRole::NonImagingMethod:
      case T::ImagingRole::OtherCriteria:
      case T::ImagingRole::NotRead:
        Builder::add_code(b.value_set("not-read"), c.system, c.code, c.display);
        Builder::add_mapping(m, {std::string(c.system), std::string(c.code), std::string(c.display), "", "",
                                 "unmatched", fmt::format("not read: {} {}", c.record, src)});
        break;
    }
  }
}

// readers/terminology_meds.h agent_codes() and combinations().
void add_agents(Builder& b) {
  for (const auto& a : fhir::agent_codes()) {
    auto& vs = b.value_set(fmt::format("agent-{}", a.ingredient), fmt::format("Agent {}", a.ingredient),
                           fmt::format("RxNorm and ATC codes read as {} (MedicationStatement, MedicationRequest, "
                                       "MedicationAdministration, or their Medication).",
                                       a.ingredient));
    Builder::add_code(vs, a.system, a.code, std::string(a.ingredient));
    auto& m = b.standard_map();
    if (const auto single = fhir::single_agent_regimen(a.ingredient))
      Builder::add_mapping(m, {std::string(a.system), std::string(a.code), std::string(a.ingredient),
                               std::string(fhir::kHcc), std::string(*single), "wider",
                               fmt::format("given alone: the regimen {} (source: {})", *single, a.source)});
    for (const auto& c : fhir::combinations()) {
      if (c.first != a.ingredient && c.second != a.ingredient) continue;
      const auto partner = c.first == a.ingredient ? c.second : c.first;
      Builder::add_mapping(
          m, {std::string(a.system), std::string(a.code), std::string(a.ingredient), std::string(fhir::kHcc),
              std::string(c.regimen), "inexact",
              fmt::format("a component: read as {} only with {} starting at most {} days apart; alone {} "
                          "(source: {})",
                          c.regimen, partner, fhir::kCombinationWindowDays,
                          fhir::is_checkpoint_inhibitor(a.ingredient)
                              ? "it is a problem (a lone immune checkpoint inhibitor)"
                              : "it is skipped and counted, never promoted",
                          a.source)});
    }
  }
}

// ---- FHIR JSON -----------------------------------------------------------------------------

std::string pascal_name(std::string_view id) {
  std::string out;
  bool up = true;
  for (const char ch : id) {
    if (ch == '-' || ch == '_' || ch == '.') {
      up = true;
      continue;
    }
    out += up && ch >= 'a' && ch <= 'z' ? static_cast<char>(ch - 'a' + 'A') : ch;
    up = false;
  }
  return out;
}

void narrative(JsonWriter& w, std::string_view title, std::string_view description) {
  w.key("text").begin_object().field("status", "generated");
  w.field("div", fmt::format("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p><b>{}</b></p><p>{}</p></div>",
                             html::escape(title), html::escape(description)));
  w.end_object();
}

void header(JsonWriter& w, std::string_view type, std::string_view id, std::string_view url, std::string_view title,
            std::string_view description) {
  w.field("resourceType", type).field("id", id);
  narrative(w, title, description);
  w.field("url", url).field("version", kEngineVersion).field("name", pascal_name(id)).field("title", title);
  w.field("status", "active").field("experimental", false).field("publisher", "switchpoint");
  w.field("description", description);
}

void write_code_system(JsonWriter& w, std::string_view id, std::string_view url, std::string_view title,
                       std::string_view description, const std::vector<Concept>& concepts) {
  w.begin_object();
  header(w, "CodeSystem", id, url, title, description);
  w.field("caseSensitive", true).field("content", "complete").field("count", static_cast<int>(concepts.size()));
  w.key("property").begin_array().begin_object();
  w.field("code", "kind")
      .field("description",
             "What the concept is: observation, value, condition-kind, procedure, regimen, "
             "stop-reason or record-field.");
  w.field("type", "string").end_object().end_array();
  w.key("concept").begin_array();
  for (const auto& c : concepts) {
    w.begin_object().field("code", c.code).field("display", c.display);
    if (!c.definition.empty()) w.field("definition", c.definition);
    w.key("property")
        .begin_array()
        .begin_object()
        .field("code", "kind")
        .field("valueString", c.kind)
        .end_object()
        .end_array();
    w.end_object();
  }
  w.end_array().end_object();
}

void write_value_set(JsonWriter& w, const ValueSetDef& s) {
  w.begin_object();
  header(w, "ValueSet", s.id, std::string(kValueSetPrefix) + s.id, s.title,
         s.description.empty() ? fmt::format("The codes the FHIR reader reads as {}.", s.title) : s.description);
  w.key("compose").begin_object().key("include").begin_array();
  std::vector<std::string> systems;
  for (const auto& c : s.codes)
    if (std::find(systems.begin(), systems.end(), c.system) == systems.end()) systems.push_back(c.system);
  for (const auto& system : systems) {
    w.begin_object().field("system", system).key("concept").begin_array();
    for (const auto& c : s.codes) {
      if (c.system != system) continue;
      w.begin_object().field("code", c.code);
      if (!c.display.empty()) w.field("display", c.display);
      w.end_object();
    }
    w.end_array().end_object();
  }
  w.end_array().end_object().end_object();
}

void write_concept_map(JsonWriter& w, const ConceptMapDef& m) {
  w.begin_object();
  header(w, "ConceptMap", m.id, std::string(kConceptMapPrefix) + m.id, m.title, m.description);
  std::vector<std::pair<std::string, std::string>> groups;
  for (const auto& x : m.mappings) {
    const std::pair key{x.source_system, x.target_system};
    if (std::find(groups.begin(), groups.end(), key) == groups.end()) groups.push_back(key);
  }
  w.key("group").begin_array();
  for (const auto& [source, target] : groups) {
    w.begin_object().field("source", source);
    if (!target.empty()) w.field("target", target);
    w.key("element").begin_array();
    std::vector<std::string> done;
    for (const auto& x : m.mappings) {
      if (x.source_system != source || x.target_system != target) continue;
      if (std::find(done.begin(), done.end(), x.source_code) != done.end()) continue;
      done.push_back(x.source_code);
      w.begin_object().field("code", x.source_code);
      if (!x.source_display.empty()) w.field("display", x.source_display);
      w.key("target").begin_array();
      for (const auto& y : m.mappings) {  // every target of this code in this group
        if (y.source_system != source || y.target_system != target || y.source_code != x.source_code) continue;
        w.begin_object();
        if (!y.target_code.empty()) w.field("code", y.target_code);
        w.field("equivalence", y.equivalence);
        if (!y.comment.empty()) w.field("comment", y.comment);
        w.end_object();
      }
      w.end_array().end_object();
    }
    w.end_array().end_object();
  }
  w.end_array().end_object();
}

constexpr std::string_view kCodeSystemTitle = "switchpoint HCC project codes";
constexpr std::string_view kCodeSystemDescription =
    "The project codes of urn:switchpoint:hcc: findings with no standard code, their value codes, the condition kinds, "
    "procedures, regimen ids and stop reasons the switchpoint FHIR reader reads (docs/fhir.md, docs/terminology.md).";
constexpr std::string_view kRecordTitle = "switchpoint record fields";
constexpr std::string_view kRecordDescription =
    "The fields of the switchpoint patient record (docs/record-format.md) that standard codes are read into: the "
    "targets "
    "of the ConceptMap standard-to-record.";

}  // namespace

Vocabulary build_vocabulary() {
  Builder b;
  add_observation_codes(b);
  add_ecog_answers(b);
  add_karnofsky(b);
  add_liver_findings(b);
  add_presence_codes(b);
  add_condition_codes(b);
  add_hcc_diagnosis(b);
  add_procedures(b);
  add_regimens(b);
  add_agents(b);
  add_not_read(b);
  add_imaging_codes(b);
  return std::move(b.v);
}

namespace {
void write_resource(JsonWriter& w, const Vocabulary& v, std::string_view type, std::size_t i) {
  if (type == "CodeSystem" && i == 0)
    write_code_system(w, kCodeSystemId, fhir::kHcc, kCodeSystemTitle, kCodeSystemDescription, v.project);
  else if (type == "CodeSystem")
    write_code_system(w, kRecordCodeSystemId, kRecordSystem, kRecordTitle, kRecordDescription, v.record_fields);
  else if (type == "ValueSet") write_value_set(w, v.value_sets[i]);
  else write_concept_map(w, v.concept_maps[i]);
}

struct Entry {
  std::string_view type;
  std::string id;
  std::size_t index;
};

std::vector<Entry> entries(const Vocabulary& v) {
  std::vector<Entry> out{{"CodeSystem", std::string(kCodeSystemId), 0},
                         {"CodeSystem", std::string(kRecordCodeSystemId), 1}};
  for (std::size_t i = 0; i < v.value_sets.size(); ++i) out.push_back({"ValueSet", v.value_sets[i].id, i});
  for (std::size_t i = 0; i < v.concept_maps.size(); ++i) out.push_back({"ConceptMap", v.concept_maps[i].id, i});
  return out;
}
}  // namespace

std::vector<Resource> vocabulary_resources(const Vocabulary& v) {
  std::vector<Resource> out;
  for (const auto& e : entries(v)) {
    JsonWriter w;
    write_resource(w, v, e.type, e.index);
    out.push_back({std::string(e.type), e.id, fmt::format("{}-{}.json", e.type, e.id), w.take() + "\n"});
  }
  return out;
}

std::string vocabulary_bundle(const Vocabulary& v) {
  JsonWriter w;
  w.begin_object().field("resourceType", "Bundle").field("id", "switchpoint-vocabulary").field("type", "collection");
  w.key("entry").begin_array();
  for (const auto& e : entries(v)) {
    w.begin_object().key("resource");
    write_resource(w, v, e.type, e.index);
    w.end_object();
  }
  w.end_array().end_object();
  return w.take() + "\n";
}

std::optional<Resource> find_resource(const Vocabulary& v, std::string_view type, std::string_view id) {
  for (const auto& e : entries(v)) {
    if (e.type != type || e.id != id) continue;
    JsonWriter w;
    write_resource(w, v, e.type, e.index);
    return Resource{std::string(e.type), e.id, fmt::format("{}-{}.json", e.type, e.id), w.take() + "\n"};
  }
  return std::nullopt;
}

const Vocabulary& published_vocabulary() {
  static const Vocabulary v = build_vocabulary();
  return v;
}

}  // namespace switchpoint::vocabulary
