#pragma once
// The published vocabulary (issue 14, item 2; docs/terminology.md "Published vocabulary"): the
// project CodeSystem urn:switchpoint:hcc, a CodeSystem of the record's fields, one ValueSet per
// fact family and a ConceptMap from the standard codes to the record, as FHIR R4 resources.
//
// Everything is generated from the tables the FHIR reader itself uses (readers/fhir_codes.h,
// terminology_obs.h, terminology_meds.h, the enum name tables of core/record.h and the regimen
// table of core/therapy/regimens.h), so the published vocabulary cannot say something the reader
// does not do. It lives in its own layer (src/terminology/) because it reads the readers' tables
// and writes JSON: presenters depend on the core only, and the core knows nothing of FHIR.
//
// Adding a reader table is one function: write `void add_<table>(Vocabulary&)` beside the
// others in vocabulary.cpp and call it from build_vocabulary().
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchpoint::vocabulary {

// The CodeSystem of the record's fields (the targets of the ConceptMap for standard codes that
// are read straight into a field: a LOINC lab, ECOG, the diagnosis date).
inline constexpr std::string_view kRecordSystem = "urn:switchpoint:hcc:record";
// Canonical URLs of the ValueSets and ConceptMaps: `<prefix><id>`. URNs in the project's own
// namespace, like the CodeSystem and the extensions: nothing here pretends to resolve over http.
inline constexpr std::string_view kValueSetPrefix = "urn:switchpoint:hcc:ValueSet/";
inline constexpr std::string_view kConceptMapPrefix = "urn:switchpoint:hcc:ConceptMap/";
inline constexpr std::string_view kCodeSystemId = "switchpoint-hcc";
inline constexpr std::string_view kRecordCodeSystemId = "switchpoint-record";

// One concept of a project CodeSystem. `kind` is the concept's property "kind" (observation,
// value, condition-kind, procedure, regimen, stop-reason, record-field).
struct Concept {
  std::string code;
  std::string display;
  std::string definition;
  std::string kind;
};

// One code of a ValueSet. `family`: the code and all its subcodes are read (ICD-10-CM "Z94.4"
// covers "Z94.4x"); no FHIR-defined hierarchy filter for ICD-10-CM could be verified, so the stem is
// enumerated and the ValueSet's description says so.
struct ValueSetCode {
  std::string system;
  std::string code;
  std::string display;
  bool family = false;
};

struct ValueSetDef {
  std::string id;  // also the file name: ValueSet-<id>.json
  std::string title;
  std::string description;
  std::vector<ValueSetCode> codes;  // in table order; one include per system, in first-seen order
};

// One mapping of a standard code. `target_code` empty with equivalence "unmatched": recognised,
// deliberately not read (the comment says why).
struct Mapping {
  std::string source_system;
  std::string source_code;
  std::string source_display;
  std::string target_system;  // fhir::kHcc or kRecordSystem ("" for unmatched)
  std::string target_code;
  std::string equivalence;  // R4 ConceptMapEquivalence: equivalent, wider, narrower, inexact, unmatched
  std::string comment;
};

struct ConceptMapDef {
  std::string id;
  std::string title;
  std::string description;
  std::vector<Mapping> mappings;  // grouped by (source, target) system in first-seen order
};

struct Vocabulary {
  std::vector<Concept> project;        // urn:switchpoint:hcc, unique codes in table order
  std::vector<Concept> record_fields;  // kRecordSystem
  std::vector<ValueSetDef> value_sets;
  std::vector<ConceptMapDef> concept_maps;
};

// The whole vocabulary, from the reader's tables. Deterministic: the same build gives the same value.
Vocabulary build_vocabulary();

// One generated FHIR resource.
struct Resource {
  std::string resource_type;  // CodeSystem, ValueSet, ConceptMap
  std::string id;
  std::string file_name;  // <Type>-<id>.json
  std::string json;       // pretty JSON with a final newline
};

// Every resource: the two CodeSystems, the ValueSets, the ConceptMaps, in that order.
std::vector<Resource> vocabulary_resources(const Vocabulary& v);
// A FHIR Bundle of type collection holding every resource (pretty JSON, final newline).
std::string vocabulary_bundle(const Vocabulary& v);
// The resource of that type and id, or nullopt.
std::optional<Resource> find_resource(const Vocabulary& v, std::string_view type, std::string_view id);

// The vocabulary of this build, built once (the tables are constant).
const Vocabulary& published_vocabulary();

}  // namespace switchpoint::vocabulary
