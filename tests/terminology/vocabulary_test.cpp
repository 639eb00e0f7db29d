// The published vocabulary (docs/terminology.md "Published vocabulary"): every entry of the
// reader's code tables is published; every standard code of the ConceptMap is one the reader's
// lookup functions find, mapped to what the reader makes of it (checked against the lookups and,
// for procedures and the SNOMED CT presence values, by reading a Bundle); the resources are
// internally consistent; and docs/vocabulary/ is what `switchpoint vocabulary` writes.
#include "terminology/vocabulary.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "core/therapy/regimens.h"
#include "readers/fhir_codes.h"
#include "readers/read_any.h"
#include "readers/terminology_imaging.h"
#include "readers/terminology_meds.h"
#include "readers/terminology_obs.h"
#include "support/files.h"

namespace switchpoint::vocabulary {
namespace {

const Vocabulary& voc() { return published_vocabulary(); }

bool in_code_system(const std::vector<Concept>& cs, std::string_view code) {
  return std::any_of(cs.begin(), cs.end(), [&](const Concept& c) { return c.code == code; });
}

// The ValueSets that hold system|code.
std::vector<std::string> value_sets_with(std::string_view system, std::string_view code) {
  std::vector<std::string> out;
  for (const auto& s : voc().value_sets)
    for (const auto& c : s.codes)
      if (c.system == system && c.code == code) out.push_back(s.id);
  return out;
}

const ConceptMapDef& map(std::string_view id) {
  for (const auto& m : voc().concept_maps)
    if (m.id == id) return m;
  ADD_FAILURE() << "no ConceptMap " << id;
  static const ConceptMapDef none;
  return none;
}

std::vector<const Mapping*> mappings_of(const ConceptMapDef& m, std::string_view system, std::string_view code) {
  std::vector<const Mapping*> out;
  for (const auto& x : m.mappings)
    if (x.source_system == system && x.source_code == code) out.push_back(&x);
  return out;
}

// ---- Every table entry is published ------------------------------------------------------

TEST(Vocabulary, EveryObservationCodeIsInAValueSetAndEveryProjectOneInTheCodeSystem) {
  for (const auto& c : fhir::observation_codes()) {
    EXPECT_FALSE(value_sets_with(c.system, c.code).empty()) << c.system << "|" << c.code;
    if (c.system == fhir::kHcc) {
      EXPECT_TRUE(in_code_system(voc().project, c.code)) << c.code;
    } else {
      EXPECT_EQ(mappings_of(map("standard-to-record"), c.system, c.code).size(), 1u) << c.code;
    }
  }
}

// The value codes the reader names in its own messages (ObservationCode::allowed, a list written
// independently of the enum tables the generator reads) are all concepts of the CodeSystem.
TEST(Vocabulary, EveryAllowedValueCodeOfTheReaderIsAConcept) {
  int checked = 0;
  for (const auto& c : fhir::observation_codes()) {
    if (c.value_type != fhir::ValueType::Code) continue;
    std::string_view rest = c.allowed;
    while (!rest.empty()) {
      const auto comma = rest.find(", ");
      const auto code = rest.substr(0, comma);
      EXPECT_TRUE(in_code_system(voc().project, code)) << c.code << " value " << code;
      ++checked;
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 2);
    }
  }
  EXPECT_GE(checked, 25);  // 3 + 3 + 4 + 4 + 3 + 7 + 4 value codes
}

TEST(Vocabulary, EveryEcogAnswerKarnofskyAndLiverFindingIsPublishedAndMapped) {
  for (const auto& a : fhir::terms::ecog_answers()) {
    EXPECT_EQ(value_sets_with(fhir::kLoinc, a.code), std::vector<std::string>{"ecog-answers"}) << a.code;
    const auto m = mappings_of(map("standard-to-record"), fhir::kLoinc, a.code);
    ASSERT_EQ(m.size(), 1u) << a.code;
    EXPECT_EQ(m[0]->target_code, "clinical.ecog");
    // The grade of the map is the reader's grade of the code.
    EXPECT_EQ(m[0]->comment, "read as ECOG " + std::to_string(*fhir::terms::ecog_grade(fhir::kLoinc, a.code)));
  }
  EXPECT_EQ(mappings_of(map("standard-to-record"), fhir::kLoinc, fhir::terms::kKarnofskyLoinc).size(), 1u);
  for (const auto& c : fhir::terms::liver_finding_codes()) {
    EXPECT_FALSE(value_sets_with(c.system, c.code).empty()) << c.code;
    const auto m = mappings_of(map("standard-to-record"), c.system, c.code);
    ASSERT_EQ(m.size(), 1u) << c.code;
    EXPECT_EQ(m[0]->target_code, c.finding == fhir::terms::LiverFinding::Ascites ? "ascites" : "encephalopathy");
  }
}

TEST(Vocabulary, EveryConditionDiagnosisAgentAndNotReadCodeIsPublished) {
  for (const auto& c : fhir::terms::condition_codes())
    EXPECT_EQ(value_sets_with(c.system, c.code),
              std::vector<std::string>{"condition-" + std::string(to_string(c.kind))})
        << c.code;
  for (const auto& c : fhir::terms::hcc_diagnosis_codes())
    EXPECT_EQ(value_sets_with(c.system, c.code), std::vector<std::string>{"hcc-diagnosis"}) << c.code;
  for (const auto& a : fhir::agent_codes())
    EXPECT_EQ(value_sets_with(a.system, a.code), std::vector<std::string>{"agent-" + std::string(a.ingredient)})
        << a.code;
  for (const auto& c : fhir::not_read_codes()) {
    EXPECT_EQ(value_sets_with(c.system, c.code), std::vector<std::string>{"not-read"}) << c.code;
    const auto m = mappings_of(map("standard-to-record"), c.system, c.code);
    ASSERT_EQ(m.size(), 1u) << c.code;
    EXPECT_EQ(m[0]->equivalence, "unmatched");
    EXPECT_NE(m[0]->comment.find(c.reason), std::string::npos) << m[0]->comment;
  }
  for (const auto& c : fhir::terms::not_read_conditions()) {
    EXPECT_EQ(value_sets_with(c.system, c.code), std::vector<std::string>{"not-read"}) << c.code;
    EXPECT_EQ(mappings_of(map("standard-to-record"), c.system, c.code).size(), 1u) << c.code;
  }
  for (const auto& r : regimens())
    EXPECT_EQ(value_sets_with(fhir::kHcc, r.id), std::vector<std::string>{"regimen"}) << r.id;
}

TEST(Vocabulary, EveryPresenceCodeIsInTheFindingValueSetAndBothGradeMaps) {
  for (const auto& c : fhir::terms::presence_codes()) {
    EXPECT_EQ(value_sets_with(c.system, c.code), std::vector<std::string>{"finding-presence"}) << c.code;
    const bool for_ascites = !c.only_for || *c.only_for == fhir::terms::LiverFinding::Ascites;
    const bool for_he = !c.only_for || *c.only_for == fhir::terms::LiverFinding::Encephalopathy;
    EXPECT_EQ(mappings_of(map("snomed-to-ascites-grade"), c.system, c.code).size(), for_ascites ? 1u : 0u) << c.code;
    EXPECT_EQ(mappings_of(map("snomed-to-encephalopathy-grade"), c.system, c.code).size(), for_he ? 1u : 0u) << c.code;
  }
}

// ---- Every standard code of the ConceptMap is one the reader reads as mapped --------------

bool not_read_stop_reason(const std::string& sys, const std::string& code) {
  const auto* c = fhir::find_stop_reason_code(sys, code);
  return c != nullptr && !c->reason;
}
bool not_read_imaging(const std::string& sys, const std::string& code) {
  const auto* c = fhir::terms::find_imaging_code(sys, code);
  using R = fhir::terms::ImagingRole;
  return c != nullptr && (c->role == R::NotRead || c->role == R::NonImagingMethod || c->role == R::OtherCriteria);
}

TEST(Vocabulary, EveryStandardToRecordMappingAgreesWithTheReadersLookups) {
  const auto& m = map("standard-to-record");
  ASSERT_GT(m.mappings.size(), 80u);
  for (const auto& x : m.mappings) {
    const auto& sys = x.source_system;
    const auto& code = x.source_code;
    SCOPED_TRACE(sys + "|" + code + " → " + x.target_code);
    EXPECT_NE(sys, fhir::kHcc);  // sources are standard codes only
    EXPECT_FALSE(x.comment.empty());
    if (x.equivalence == "unmatched") {
      EXPECT_TRUE(x.target_code.empty());
      EXPECT_TRUE(fhir::find_not_read("", sys, code) != nullptr ||
                  fhir::find_not_read("Procedure", sys, code) != nullptr ||
                  fhir::find_not_read("Observation", sys, code) != nullptr ||
                  fhir::terms::find_not_read_condition(sys, code) != nullptr || not_read_stop_reason(sys, code) ||
                  not_read_imaging(sys, code));
      continue;
    }
    if (x.target_system == kRecordSystem) {
      if (x.target_code == "hcc_diagnosis") {
        EXPECT_TRUE(fhir::terms::is_hcc_diagnosis(sys, code));
      } else if (x.target_code == "clinical.ecog" && fhir::terms::ecog_grade(sys, code)) {
        SUCCEED();
      } else if (x.target_code == "imaging.largest_diameter" && fhir::terms::is_tumor_size(sys, code)) {
        SUCCEED();
      } else if (x.target_code == "imaging.largest_diameter") {
        const auto* ic = fhir::terms::find_imaging_code(sys, code);
        ASSERT_NE(ic, nullptr);
        EXPECT_EQ(ic->role, fhir::terms::ImagingRole::LongestDimension);
      } else if (x.target_code == "clinical.karnofsky") {
        EXPECT_TRUE(fhir::terms::is_karnofsky(sys, code));
      } else {
        EXPECT_NE(fhir::find_observation_code(sys, code), nullptr);
      }
      continue;
    }
    ASSERT_EQ(x.target_system, fhir::kHcc);
    if (const auto* lf = fhir::terms::find_liver_finding(sys, code, true)) {
      EXPECT_EQ(x.target_code, lf->finding == fhir::terms::LiverFinding::Ascites ? "ascites" : "encephalopathy");
    } else if (const auto* cc = fhir::terms::find_condition_code(sys, code)) {
      EXPECT_EQ(x.target_code, to_string(cc->kind));
    } else if (const auto* sr = fhir::find_stop_reason_code(sys, code)) {
      ASSERT_TRUE(sr->reason.has_value());
      EXPECT_EQ(x.target_code, to_string(*sr->reason));
    } else if (const auto cat = fhir::terms::ncit_response(sys, code)) {
      EXPECT_EQ(x.target_code, to_string(*cat));
    } else if (const auto* a = fhir::find_agent_code(sys, code)) {
      const auto single = fhir::single_agent_regimen(a->ingredient);
      bool component = false;
      for (const auto& c : fhir::combinations())
        component =
            component || (x.target_code == c.regimen && (c.first == a->ingredient || c.second == a->ingredient));
      EXPECT_TRUE((single && *single == x.target_code && x.equivalence == "wider") ||
                  (component && x.equivalence == "inexact"));
    } else {
      // Procedures: read below through the reader itself.
      EXPECT_TRUE(fhir::is_tace_code(sys, code) || parse_course_ending_kind(x.target_code))
          << "not a code the reader reads";
    }
  }
}

std::string bundle(const std::string& resource) {
  return R"({"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"p1"}},)"
         R"({"resource":)" +
         resource + "}]}";
}

TEST(Vocabulary, EveryProcedureMappingIsWhatTheReaderReads) {
  int checked = 0;
  for (const auto& x : map("standard-to-record").mappings) {
    const bool tace = x.target_code == "tace";
    if (!tace && !parse_course_ending_kind(x.target_code)) continue;
    SCOPED_TRACE(x.source_code);
    const auto rr =
        read_record(bundle(R"({"resourceType":"Procedure","status":"completed","code":{"coding":[{"system":")" +
                           x.source_system + R"(","code":")" + x.source_code +
                           R"("}]},"subject":{"reference":"Patient/p1"},"performedDateTime":"2024-03-01"})"));
    ASSERT_TRUE(rr.ok()) << (rr.problems.empty() ? "" : rr.problems[0].message);
    if (tace) {
      EXPECT_EQ(rr.record->tace.size(), 1u);
    } else {
      ASSERT_EQ(rr.record->procedures.size(), 1u);
      EXPECT_EQ(to_string(rr.record->procedures[0].kind), x.target_code);
    }
    ++checked;
  }
  EXPECT_GE(checked, 4);
  // Every procedure code of the project CodeSystem has a ValueSet.
  for (const auto* code : {"tace", "resection", "ablation", "liver-transplantation"})
    EXPECT_FALSE(value_sets_with(fhir::kHcc, code).empty());
}

std::string condition(const std::string& system, const std::string& code) {
  return R"({"resourceType":"Condition","code":{"coding":[{"system":")" + system + R"(","code":")" + code +
         R"("}]},"subject":{"reference":"Patient/p1"},"onsetDateTime":"2024-02-01"})";
}

bool is_family_mapping(const Mapping& x) { return x.comment.find("with every subcode") != std::string::npos; }

// A subcode of a family stem ("Z94.4" → "Z94.41", "M05" → "M05.1").
std::string subcode_of(const std::string& stem) { return stem + (stem.find('.') == std::string::npos ? ".1" : "1"); }

// Every condition-kind mapping, and a subcode of every family mapping, read as a Condition.
TEST(Vocabulary, EveryConditionMappingIsWhatTheReaderReads) {
  int checked = 0;
  for (const auto& x : map("standard-to-record").mappings) {
    if (x.target_system != fhir::kHcc || !parse_condition_kind(x.target_code)) continue;
    std::vector<std::string> codes{x.source_code};
    if (is_family_mapping(x)) codes.push_back(subcode_of(x.source_code));
    for (const auto& code : codes) {
      SCOPED_TRACE(code);
      const auto rr = read_record(bundle(condition(x.source_system, code)));
      ASSERT_TRUE(rr.ok()) << (rr.problems.empty() ? "" : rr.problems[0].message);
      ASSERT_EQ(rr.record->conditions.size(), 1u);
      EXPECT_EQ(to_string(rr.record->conditions[0].kind), x.target_code);
      ++checked;
    }
  }
  EXPECT_GE(checked, 30);
}

// Every 'unmatched' mapping (and a subcode of a family) is skipped and counted by the reader with
// the reason the map gives, never read and never a problem.
TEST(Vocabulary, EveryUnmatchedMappingIsSkippedAndCountedWithItsReason) {
  int checked = 0;
  for (const auto& x : map("standard-to-record").mappings) {
    if (x.equivalence != "unmatched") continue;
    const bool procedure = x.comment.find("(Procedure)") != std::string::npos;
    const bool observation = x.comment.find("(Observation)") != std::string::npos;
    std::vector<std::string> codes{x.source_code};
    if (is_family_mapping(x)) codes.push_back(subcode_of(x.source_code));
    for (const auto& code : codes) {
      SCOPED_TRACE(x.source_system + "|" + code);
      std::string resource;
      if (procedure)
        resource = R"({"resourceType":"Procedure","status":"completed","code":{"coding":[{"system":")" +
                   x.source_system + R"(","code":")" + code +
                   R"("}]},"subject":{"reference":"Patient/p1"},"performedDateTime":"2024-03-01"})";
      else if (observation)
        resource =
            R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":")" + x.source_system +
            R"(","code":")" + code +
            R"("}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2024-03-01","valueQuantity":{"value":12,"unit":"s","system":"http://unitsofmeasure.org","code":"s"}})";
      else resource = condition(x.source_system, code);
      const auto rr = read_record(bundle(resource));
      ASSERT_TRUE(rr.ok()) << (rr.problems.empty() ? "" : rr.problems[0].message);
      EXPECT_TRUE(rr.record->conditions.empty());
      EXPECT_TRUE(rr.record->procedures.empty());
      EXPECT_TRUE(rr.record->tace.empty());
      EXPECT_TRUE(rr.record->labs.pt_prolongation_s.empty());
      bool counted = false;
      for (const auto& [key, n] : rr.skipped)
        counted = counted || key.find(x.source_system + "|" + code) != std::string::npos;
      EXPECT_TRUE(counted) << "not counted as skipped";
      ++checked;
    }
  }
  EXPECT_GE(checked, 14);
}

// The SNOMED CT presence maps say what the reader makes of an Observation of the finding.
TEST(Vocabulary, EveryPresenceMappingIsWhatTheReaderReads) {
  for (const auto* id : {"snomed-to-ascites-grade", "snomed-to-encephalopathy-grade"}) {
    const bool ascites = std::string_view(id) == "snomed-to-ascites-grade";
    for (const auto& x : map(id).mappings) {
      SCOPED_TRACE(std::string(id) + " " + x.source_code);
      const auto rr = read_record(bundle(
          std::string(
              R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://snomed.info/sct","code":")") +
          (ascites ? "389026000" : "13920009") +
          R"("}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2024-03-01","valueCodeableConcept":{"coding":[{"system":")" +
          x.source_system + R"(","code":")" + x.source_code + R"("}]}})"));
      ASSERT_TRUE(rr.ok()) << (rr.problems.empty() ? "" : rr.problems[0].message);
      ASSERT_EQ(rr.record->clinical.size(), 1u);
      const auto& c = rr.record->clinical[0];
      if (x.equivalence == "unmatched") {
        EXPECT_TRUE(ascites ? c.ascites_present_ungraded : c.encephalopathy_present_ungraded);
        EXPECT_FALSE(ascites ? c.ascites.has_value() : c.encephalopathy.has_value());
      } else if (ascites) {
        ASSERT_TRUE(c.ascites.has_value());
        EXPECT_EQ(to_string(*c.ascites), x.target_code);
      } else {
        ASSERT_TRUE(c.encephalopathy.has_value());
        EXPECT_EQ(to_string(*c.encephalopathy), x.target_code);
      }
    }
  }
}

// ---- The resources are consistent ----------------------------------------------------------

TEST(Vocabulary, ConceptsAreUniqueDescribedAndEveryProjectCodeUsedExists) {
  std::set<std::string> seen;
  for (const auto& c : voc().project) {
    EXPECT_TRUE(seen.insert(c.code).second) << "twice: " << c.code;
    EXPECT_FALSE(c.display.empty()) << c.code;
    EXPECT_GT(c.definition.size(), c.display.size() / 2) << c.code;
  }
  for (const auto& s : voc().value_sets) {
    EXPECT_FALSE(s.codes.empty()) << s.id;
    for (const auto& c : s.codes) {
      if (c.system == fhir::kHcc) {
        EXPECT_TRUE(in_code_system(voc().project, c.code)) << s.id << " " << c.code;
      }
      EXPECT_NE(c.system, kRecordSystem);
    }
  }
  for (const auto& m : voc().concept_maps)
    for (const auto& x : m.mappings) {
      if (x.target_system == fhir::kHcc) {
        EXPECT_TRUE(in_code_system(voc().project, x.target_code)) << m.id << " " << x.target_code;
      }
      if (x.target_system == kRecordSystem) {
        EXPECT_TRUE(in_code_system(voc().record_fields, x.target_code)) << x.target_code;
      }
      const std::set<std::string> allowed{"equivalent", "wider", "narrower", "inexact", "unmatched"};
      EXPECT_TRUE(allowed.count(x.equivalence)) << x.equivalence;
    }
  // Every condition kind, regimen, stop reason of the reader is a concept.
  for (const auto* k :
       {"active-autoimmune-disease", "solid-organ-transplant", "variceal-bleeding", "uncontrolled-hypertension",
        "major-bleeding", "arterial-thrombosis", "progression", "intolerance", "completed", "other"})
    EXPECT_TRUE(in_code_system(voc().project, k)) << k;
  for (const auto& r : regimens()) EXPECT_TRUE(in_code_system(voc().project, r.id)) << r.id;
}

TEST(Vocabulary, ResourcesAreValidJsonWithIdUrlVersionStatusAndNarrative) {
  simdjson::dom::parser parser;
  std::set<std::string> files;
  for (const auto& r : vocabulary_resources(voc())) {
    SCOPED_TRACE(r.file_name);
    EXPECT_TRUE(files.insert(r.file_name).second);
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(r.json).get(doc), simdjson::SUCCESS);
    std::string_view s;
    ASSERT_EQ(doc["resourceType"].get(s), simdjson::SUCCESS);
    EXPECT_EQ(s, r.resource_type);
    ASSERT_EQ(doc["id"].get(s), simdjson::SUCCESS);
    EXPECT_EQ(s, r.id);
    EXPECT_LE(s.size(), 64u);
    ASSERT_EQ(doc["url"].get(s), simdjson::SUCCESS);
    EXPECT_TRUE(s.starts_with("urn:switchpoint:hcc"));
    ASSERT_EQ(doc["status"].get(s), simdjson::SUCCESS);
    EXPECT_EQ(s, "active");
    ASSERT_EQ(doc["version"].get(s), simdjson::SUCCESS);
    ASSERT_EQ(doc["text"]["div"].get(s), simdjson::SUCCESS);
    EXPECT_TRUE(s.starts_with("<div xmlns=\"http://www.w3.org/1999/xhtml\">"));
  }
  const std::string bundle_json = vocabulary_bundle(voc());
  simdjson::dom::element b;
  ASSERT_EQ(parser.parse(bundle_json).get(b), simdjson::SUCCESS);
  EXPECT_EQ(vocabulary_bundle(build_vocabulary()), vocabulary_bundle(voc()));  // deterministic
  EXPECT_TRUE(find_resource(voc(), "CodeSystem", kCodeSystemId).has_value());
  EXPECT_FALSE(find_resource(voc(), "ValueSet", "../CodeSystem-switchpoint-hcc").has_value());
  EXPECT_FALSE(find_resource(voc(), "ValueSet", "").has_value());
}

// ---- docs/vocabulary/ is what the generator writes ---------------------------------------

using testing_support::slurp;

TEST(Vocabulary, DocsVocabularyIsUpToDate) {
  const std::filesystem::path dir = std::filesystem::path(SWITCHPOINT_SOURCE_DIR) / "docs" / "vocabulary";
  constexpr const char* kFix = "; run `switchpoint vocabulary --out docs/vocabulary` and commit the result";
  std::set<std::string> expected;
  for (const auto& r : vocabulary_resources(voc())) {
    expected.insert(r.file_name);
    const auto path = dir / r.file_name;
    ASSERT_TRUE(std::filesystem::exists(path)) << "docs/vocabulary/" << r.file_name << " is missing" << kFix;
    EXPECT_TRUE(slurp(path) == r.json) << "docs/vocabulary/" << r.file_name << " differs from the generated resource"
                                       << kFix;
  }
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const auto name = e.path().filename().string();
    if (name.ends_with(".json")) {
      EXPECT_TRUE(expected.count(name)) << "docs/vocabulary/" << name << " is no longer generated" << kFix;
    }
  }
}

}  // namespace
}  // namespace switchpoint::vocabulary
