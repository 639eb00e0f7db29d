// The code tables' lookups (readers/fhir_codes.h) find, for a system and a code, the first entry of
// the table with both (and, for the not-read table, the resource or any resource): the entry a
// reader of the table from its top would find. Each lookup is checked against such a reading for
// every entry of its table, and for codes and systems the table does not hold. And the patient id
// of a subject reference, as a view and as a copy (readers/fhir_resources.h).
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "readers/fhir_codes.h"
#include "readers/fhir_resources.h"

namespace switchpoint {
namespace {

constexpr std::string_view kLoinc = "http://loinc.org";
constexpr std::string_view kSct = "http://snomed.info/sct";

template <typename T>
const T* first_in(std::span<const T> table, std::string_view system, std::string_view code) {
  for (const auto& e : table)
    if (e.system == system && e.code == code) return &e;
  return nullptr;
}

TEST(CodeLookup, EveryObservationCodeIsFoundAsTheFirstEntryWithItsSystemAndCode) {
  const auto table = fhir::observation_codes();
  ASSERT_FALSE(table.empty());
  for (const auto& e : table) {
    const auto* found = fhir::find_observation_code(e.system, e.code);
    ASSERT_NE(found, nullptr) << e.system << "|" << e.code;
    EXPECT_EQ(found, first_in(table, e.system, e.code)) << e.system << "|" << e.code;
  }
}

TEST(CodeLookup, AnObservationCodeOfAnotherSystemOrUnknownIsNotFound) {
  // LOINC 1975-2 (total bilirubin) is in the table; the same digits in SNOMED CT are not it.
  ASSERT_NE(fhir::find_observation_code(kLoinc, "1975-2"), nullptr);
  EXPECT_EQ(fhir::find_observation_code(kSct, "1975-2"), nullptr);
  EXPECT_EQ(fhir::find_observation_code("", "1975-2"), nullptr);
  EXPECT_EQ(fhir::find_observation_code(kLoinc, "1975-"), nullptr);
  EXPECT_EQ(fhir::find_observation_code(kLoinc, "1975-22"), nullptr);
  EXPECT_EQ(fhir::find_observation_code(kLoinc, ""), nullptr);
  // A heart rate (LOINC 8867-4) is not a code the engine reads.
  EXPECT_EQ(fhir::find_observation_code(kLoinc, "8867-4"), nullptr);
}

TEST(CodeLookup, EveryProcedureCodeIsFoundAsTheFirstEntryWithItsSystemAndCode) {
  const auto table = fhir::procedure_codes();
  ASSERT_FALSE(table.empty());
  for (const auto& e : table) {
    EXPECT_EQ(fhir::find_procedure_code(e.system, e.code), first_in(table, e.system, e.code))
        << e.system << "|" << e.code;
    EXPECT_EQ(fhir::find_procedure_code(std::string(e.system) + "x", e.code), nullptr);
  }
  EXPECT_EQ(fhir::find_procedure_code(kSct, "no-such-code"), nullptr);
}

// The first entry from the top of the not-read table for a resource, system and code.
const fhir::NotReadCode* first_not_read(std::string_view resource, std::string_view system, std::string_view code) {
  for (const auto& e : fhir::not_read_codes())
    if (e.system == system && e.code == code && (e.resource.empty() || e.resource == resource)) return &e;
  return nullptr;
}

TEST(CodeLookup, EveryNotReadCodeIsFoundForItsResourceAndOnlyThere) {
  const auto table = fhir::not_read_codes();
  ASSERT_FALSE(table.empty());
  for (const auto& e : table) {
    for (std::string_view resource : {"Observation", "Condition", "Procedure", "MedicationStatement"}) {
      const auto* found = fhir::find_not_read(resource, e.system, e.code);
      EXPECT_EQ(found, first_not_read(resource, e.system, e.code)) << resource << " " << e.system << "|" << e.code;
      if (e.resource.empty() || e.resource == resource) {
        EXPECT_NE(found, nullptr) << resource << " " << e.code;
      }
    }
    EXPECT_EQ(fhir::find_not_read(e.resource.empty() ? "Observation" : e.resource, "urn:other", e.code),
              first_not_read(e.resource.empty() ? "Observation" : e.resource, "urn:other", e.code));
  }
  EXPECT_EQ(fhir::find_not_read("Observation", kLoinc, "no-such-code"), nullptr);
}

TEST(CodeLookup, PatientIdOfAReferenceAsViewAndCopy) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"Patient/p1", "p1"},  {"https://x.example/fhir/Patient/p1/_history/2", "p1"},
      {"Patient/p1/", "p1"}, {"urn:uuid:0f5c1e2a", "urn:uuid:0f5c1e2a"},  // not a Patient/ reference: its own id
      {"Patient/", ""},      {"", ""},
  };
  for (const auto& [ref, id] : cases) {
    EXPECT_EQ(fhir_patient_id_view(ref), id) << ref;
    EXPECT_EQ(fhir_patient_id(ref), std::string(id)) << ref;
  }
}

}  // namespace
}  // namespace switchpoint
