// Standard codes for systemic therapy in the FHIR reader (issue 14, part 2; docs/terminology.md
// "Medications and procedures"): RxNorm ingredients and WHO ATC codes on MedicationStatement,
// MedicationRequest and MedicationAdministration, coded directly or through a contained or
// referenced Medication, and the assembly of a §7 combination from its components.
#include <gtest/gtest.h>

#include <simdjson.h>

#include <algorithm>
#include <string>
#include <vector>

#include "readers/fhir_r4.h"
#include "readers/fhir_resources.h"
#include "readers/terminology_meds.h"

namespace switchpoint {
namespace {

constexpr const char* kRx = "http://www.nlm.nih.gov/research/umls/rxnorm";
constexpr const char* kAtc = "http://www.whocc.no/atc";

std::string concept_of(const std::string& system, const std::string& code) {
  return R"({"coding":[{"system":")" + system + R"(","code":")" + code + R"("}]})";
}

// A MedicationRequest given from `start` (to `end` when not empty) under dosageInstruction bounds.
std::string request(const std::string& system, const std::string& code, const std::string& start,
                    const std::string& end = "", const std::string& status = "active", const std::string& extra = "") {
  std::string bounds = R"("start":")" + start + R"(")";
  if (!end.empty()) bounds += R"(,"end":")" + end + R"(")";
  return R"({"resource":{"resourceType":"MedicationRequest","status":")" + status +
         R"(","intent":"order","subject":{"reference":"Patient/p1"},"medicationCodeableConcept":)" +
         concept_of(system, code) + R"(,"dosageInstruction":[{"timing":{"repeat":{"boundsPeriod":{)" + bounds +
         "}}}}]" + extra + "}}";
}

std::string administration(const std::string& system, const std::string& code, const std::string& date,
                           const std::string& status = "completed") {
  return R"({"resource":{"resourceType":"MedicationAdministration","status":")" + status +
         R"(","subject":{"reference":"Patient/p1"},"medicationCodeableConcept":)" + concept_of(system, code) +
         R"(,"effectiveDateTime":")" + date + R"("}})";
}

std::string statement(const std::string& system, const std::string& code, const std::string& start,
                      const std::string& end = "") {
  std::string period = R"("start":")" + start + R"(")";
  if (!end.empty()) period += R"(,"end":")" + end + R"(")";
  return R"({"resource":{"resourceType":"MedicationStatement","status":"active","subject":{"reference":"Patient/p1"},)"
         R"("medicationCodeableConcept":)" +
         concept_of(system, code) + R"(,"effectivePeriod":{)" + period + "}}}";
}

std::string bundle(const std::vector<std::string>& entries) {
  std::string out = R"({"resourceType":"Bundle","type":"collection","entry":[)"
                    R"({"resource":{"resourceType":"Patient","id":"p1"}})";
  for (const auto& e : entries) out += "," + e;
  return out + "]}";
}

std::string problems_of(const ReadResult& rr) {
  std::string out;
  for (const auto& p : rr.problems) out += p.location + ": " + p.message + "\n";
  return out;
}

bool has_problem(const ReadResult& rr, const std::string& at, const std::string& words) {
  return std::any_of(rr.problems.begin(), rr.problems.end(),
                     [&](const Problem& p) { return p.location == at && p.message.find(words) != std::string::npos; });
}

int skipped_containing(const ReadResult& rr, const std::string& words) {
  int n = 0;
  for (const auto& [k, v] : rr.skipped)
    if (k.find(words) != std::string::npos) n += v;
  return n;
}

// ---- the code table: each code against the ingredient its source gives ---------------------

struct Expected {
  const char* system;
  const char* code;
  const char* ingredient;
};

TEST(TerminologyMeds, EachCodeNamesTheIngredientOfItsSource) {
  // RxNorm ingredient CUIs and WHO ATC codes as the sources in docs/terminology.md give them.
  const Expected want[] = {
      {kRx, "1792776", "atezolizumab"},
      {kRx, "253337", "bevacizumab"},
      {kRx, "1547545", "pembrolizumab"},
      {kRx, "1597876", "nivolumab"},
      {kAtc, "L01FF05", "atezolizumab"},
      {kAtc, "L01FF03", "durvalumab"},
      {kAtc, "L01FF02", "pembrolizumab"},
      {kAtc, "L01FF01", "nivolumab"},
      {kAtc, "L01FG01", "bevacizumab"},
      {kAtc, "L01FG02", "ramucirumab"},
      {kAtc, "L01EX02", "sorafenib"},
      {kAtc, "L01EX05", "regorafenib"},
      {kAtc, "L01EX08", "lenvatinib"},
      {kAtc, "L01XC07", "bevacizumab"},
      {kAtc, "L01XC32", "atezolizumab"},
      // Product-level RxNorm codes (openFDA NDC directory, openfda.rxcui of each product).
      {kRx, "597747", "sorafenib"},
      {kRx, "615979", "sorafenib"},
      {kRx, "1792780", "atezolizumab"},
      {kRx, "1792785", "atezolizumab"},
      {kRx, "2119695", "atezolizumab"},
      {kRx, "2119696", "atezolizumab"},
      {kRx, "1604345", "lenvatinib"},
      {kRx, "1604348", "lenvatinib"},
      {kRx, "1604349", "lenvatinib"},
      {kRx, "1604350", "lenvatinib"},
      {kRx, "1604351", "lenvatinib"},
      {kRx, "1604352", "lenvatinib"},
      {kRx, "1604383", "lenvatinib"},
      {kRx, "1604384", "lenvatinib"},
      {kRx, "1604394", "lenvatinib"},
      {kRx, "1604395", "lenvatinib"},
      {kRx, "1792377", "lenvatinib"},
      {kRx, "1792392", "lenvatinib"},
      // Added by the last part of issue 14 (sources in docs/terminology.md; each also tested in
      // tests/readers/terminology_codes_test.cpp).
      {kRx, "495881", "sorafenib"},
      {kRx, "1603296", "lenvatinib"},
      {kRx, "1363268", "cabozantinib"},
      {kRx, "1919503", "durvalumab"},
      {kRx, "1094833", "ipilimumab"},
      {kRx, "597745", "sorafenib"},
      {kRx, "597746", "sorafenib"},
      {kRx, "615977", "sorafenib"},
      {kRx, "615978", "sorafenib"},
      {kRx, "619985", "sorafenib"},
      {kRx, "1159691", "sorafenib"},
      {kRx, "1159692", "sorafenib"},
      {kRx, "1182862", "sorafenib"},
      {kRx, "1182863", "sorafenib"},
      {kRx, "1657775", "ramucirumab"},
      {kRx, "1657777", "ramucirumab"},
      {kRx, "1657780", "ramucirumab"},
      {kRx, "1657781", "ramucirumab"},
      {kRx, "1919507", "durvalumab"},
      {kRx, "1919512", "durvalumab"},
      {kRx, "1919515", "durvalumab"},
      {kRx, "1919516", "durvalumab"},
      {kRx, "2619317", "tremelimumab"},
      {kRx, "2619323", "tremelimumab"},
      {kRx, "2619325", "tremelimumab"},
      {kRx, "2619326", "tremelimumab"},
      {kRx, "1657066", "bevacizumab"},
      {kRx, "1657068", "bevacizumab"},
      {kRx, "1657073", "bevacizumab"},
      {kRx, "1657074", "bevacizumab"},
      {kAtc, "L01EX07", "cabozantinib"},
      {kAtc, "L01FX04", "ipilimumab"},
      {kAtc, "L01FX20", "tremelimumab"},
      {kAtc, "L01FF09", "tislelizumab"},
  };
  for (const auto& w : want) {
    const auto* a = fhir::find_agent_code(w.system, w.code);
    ASSERT_NE(a, nullptr) << w.system << "|" << w.code;
    EXPECT_EQ(a->ingredient, w.ingredient) << w.code;
    EXPECT_FALSE(a->source.empty()) << w.code;
  }
  EXPECT_EQ(fhir::agent_codes().size(), std::size(want)) << "a code in the table has no test above";
  // The same code under another system is not the agent.
  EXPECT_EQ(fhir::find_agent_code(kAtc, "1792776"), nullptr);
  EXPECT_EQ(fhir::find_agent_code(kRx, "L01FF05"), nullptr);
}

// ---- single agents -------------------------------------------------------------------------

TEST(TerminologyMeds, SingleAgentsBecomeTheirRegimen) {
  const Expected agents[] = {
      {kAtc, "L01EX02", "sorafenib"},   {kAtc, "L01EX08", "lenvatinib"},    {kAtc, "L01EX05", "regorafenib"},
      {kAtc, "L01FG02", "ramucirumab"}, {kAtc, "L01FF02", "pembrolizumab"}, {kRx, "1547545", "pembrolizumab"},
      {kAtc, "L01FF03", "durvalumab"},  {kRx, "597747", "sorafenib"},       {kRx, "1604345", "lenvatinib"}};
  for (const auto& a : agents) {
    const auto rr = read_fhir_bundle(bundle({request(a.system, a.code, "2024-02-01", "2024-05-01", "completed")}));
    ASSERT_TRUE(rr.ok()) << a.code << "\n" << problems_of(rr);
    ASSERT_EQ(rr.record->systemic.size(), 1u) << a.code;
    EXPECT_EQ(rr.record->systemic[0].regimen, a.ingredient);
    EXPECT_EQ(rr.record->systemic[0].start, Date::parse("2024-02-01"));
    EXPECT_EQ(rr.record->systemic[0].end, Date::parse("2024-05-01"));
  }
}

// ---- combinations ----------------------------------------------------------------------------

TEST(TerminologyMeds, AtezolizumabAndBevacizumabOnOneDayAreTheCombination) {
  const auto rr =
      read_fhir_bundle(bundle({request(kRx, "1792776", "2024-03-04"), request(kRx, "253337", "2024-03-04")}));
  ASSERT_TRUE(rr.ok()) << problems_of(rr);
  ASSERT_EQ(rr.record->systemic.size(), 1u);
  EXPECT_EQ(rr.record->systemic[0].regimen, "atezolizumab-bevacizumab");
  EXPECT_EQ(rr.record->systemic[0].start, Date::parse("2024-03-04"));
  EXPECT_FALSE(rr.record->systemic[0].end);
}

TEST(TerminologyMeds, CombinationWindowIsSevenDaysOnBothSides) {
  // 7 days apart, in either order: one combination starting on the earlier date.
  for (const auto& [atezo, bev] : {std::pair{"2024-03-04", "2024-03-11"}, std::pair{"2024-03-11", "2024-03-04"}}) {
    const auto rr = read_fhir_bundle(bundle({request(kAtc, "L01FF05", atezo), request(kAtc, "L01FG01", bev)}));
    ASSERT_TRUE(rr.ok()) << problems_of(rr);
    ASSERT_EQ(rr.record->systemic.size(), 1u);
    EXPECT_EQ(rr.record->systemic[0].regimen, "atezolizumab-bevacizumab");
    EXPECT_EQ(rr.record->systemic[0].start, Date::parse("2024-03-04"));
  }
  // 8 days apart: two lone components. Atezolizumab alone is a problem (an ICI the record cannot
  // hold), bevacizumab alone is skipped and counted; never the combination.
  const auto rr =
      read_fhir_bundle(bundle({request(kAtc, "L01FF05", "2024-03-04"), request(kAtc, "L01FG01", "2024-03-12")}));
  ASSERT_FALSE(rr.ok());
  ASSERT_EQ(rr.problems.size(), 1u) << problems_of(rr);
  EXPECT_EQ(rr.problems[0].location, "/entry/1/resource");
  EXPECT_NE(rr.problems[0].message.find("atezolizumab"), std::string::npos);
  EXPECT_NE(rr.problems[0].message.find("without bevacizumab within 7 days"), std::string::npos)
      << rr.problems[0].message;
  EXPECT_EQ(skipped_containing(rr, "bevacizumab without atezolizumab within 7 days"), 1);
}

TEST(TerminologyMeds, LoneBevacizumabIsSkippedAndCountedNeverPromoted) {
  const auto rr = read_fhir_bundle(bundle({request(kRx, "253337", "2024-03-04", "2024-06-01", "completed")}));
  ASSERT_TRUE(rr.ok()) << problems_of(rr);
  EXPECT_TRUE(rr.record->systemic.empty());
  EXPECT_EQ(skipped_containing(rr, "a lone component"), 1);
}

TEST(TerminologyMeds, LoneNivolumabIsAProblemNamingItsPartner) {
  const auto rr = read_fhir_bundle(bundle({statement(kRx, "1597876", "2024-03-04")}));
  ASSERT_FALSE(rr.ok());
  ASSERT_EQ(rr.problems.size(), 1u);
  EXPECT_NE(rr.problems[0].message.find("without ipilimumab"), std::string::npos) << rr.problems[0].message;
  EXPECT_NE(rr.problems[0].message.find("urn:switchpoint:hcc|nivolumab-ipilimumab"), std::string::npos);
}

TEST(TerminologyMeds, CombinationEndsWhenBothComponentsEndWithTheirStopReason) {
  const std::string progression =
      R"(,"statusReason":{"coding":[{"system":"urn:switchpoint:hcc","code":"progression"}]})";
  auto rr = read_fhir_bundle(bundle({request(kRx, "1792776", "2024-03-04", "2024-08-01", "stopped", progression),
                                     request(kRx, "253337", "2024-03-04", "2024-07-10", "completed")}));
  ASSERT_TRUE(rr.ok()) << problems_of(rr);
  ASSERT_EQ(rr.record->systemic.size(), 1u);
  EXPECT_EQ(rr.record->systemic[0].end, Date::parse("2024-08-01"));
  EXPECT_EQ(rr.record->systemic[0].stop_reason, StopReason::Progression);
  // One component still given: the regimen is still given (no end).
  rr = read_fhir_bundle(
      bundle({request(kRx, "1792776", "2024-03-04"), request(kRx, "253337", "2024-03-04", "2024-07-10", "completed")}));
  ASSERT_TRUE(rr.ok()) << problems_of(rr);
  ASSERT_EQ(rr.record->systemic.size(), 1u);
  EXPECT_FALSE(rr.record->systemic[0].end);
  // Different stop reasons: which one ended the regimen cannot be told.
  const std::string intolerance =
      R"(,"statusReason":{"coding":[{"system":"urn:switchpoint:hcc","code":"intolerance"}]})";
  rr = read_fhir_bundle(bundle({request(kRx, "1792776", "2024-03-04", "2024-08-01", "stopped", progression),
                                request(kRx, "253337", "2024-03-04", "2024-08-01", "stopped", intolerance)}));
  ASSERT_FALSE(rr.ok());
  EXPECT_NE(rr.problems[0].message.find("stopped for different reasons"), std::string::npos) << problems_of(rr);
}

TEST(TerminologyMeds, AdministrationsOfACourseAreOneCourseFromTheFirstDose) {
  const auto rr = read_fhir_bundle(bundle({
      administration(kAtc, "L01FF05", "2024-03-04"),
      administration(kAtc, "L01FG01", "2024-03-04"),
      administration(kAtc, "L01FF05", "2024-03-25"),
      administration(kAtc, "L01FG01", "2024-03-25"),
      administration(kAtc, "L01FF05", "2024-04-15T10:00:00+02:00"),
      administration(kAtc, "L01FG01", "2024-04-15"),
  }));
  ASSERT_TRUE(rr.ok()) << problems_of(rr);
  ASSERT_EQ(rr.record->systemic.size(), 1u);
  EXPECT_EQ(rr.record->systemic[0].regimen, "atezolizumab-bevacizumab");
  EXPECT_EQ(rr.record->systemic[0].start, Date::parse("2024-03-04"));
  EXPECT_FALSE(rr.record->systemic[0].end);
  EXPECT_EQ(skipped_containing(rr, "a further dose of the course started 2024-03-04"), 4);
}

TEST(TerminologyMeds, AdministrationsWithinARequestAreItsDoses) {
  const std::string progression =
      R"(,"statusReason":{"coding":[{"system":"urn:switchpoint:hcc","code":"progression"}]})";
  const auto rr = read_fhir_bundle(bundle({
      request(kRx, "1792776", "2024-03-04", "2024-08-01", "stopped", progression),
      request(kRx, "253337", "2024-03-04", "2024-08-01", "stopped", progression),
      administration(kRx, "1792776", "2024-03-04"),
      administration(kRx, "253337", "2024-03-04"),
      administration(kRx, "1792776", "2024-03-25"),
      administration(kRx, "253337", "2024-03-25"),
  }));
  ASSERT_TRUE(rr.ok()) << problems_of(rr);
  ASSERT_EQ(rr.record->systemic.size(), 1u);
  EXPECT_EQ(rr.record->systemic[0].regimen, "atezolizumab-bevacizumab");
  EXPECT_EQ(rr.record->systemic[0].end, Date::parse("2024-08-01"));
  EXPECT_EQ(rr.record->systemic[0].stop_reason, StopReason::Progression);
  EXPECT_EQ(skipped_containing(rr, "read as that course"), 4);  // 2 further doses + 2 courses of doses
  // A first dose up to 7 days before the request starts (an order written after the dose) is
  // still its dose; 8 days before, it is a course of its own, ongoing (no end).
  for (const auto& [first_dose, courses] : {std::pair{"2024-02-26", 1u}, std::pair{"2024-02-25", 2u}}) {
    const auto early = read_fhir_bundle(bundle({
        request(kRx, "1792776", "2024-03-04", "2024-08-01", "stopped", progression),
        request(kRx, "253337", "2024-03-04", "2024-08-01", "stopped", progression),
        administration(kRx, "1792776", first_dose),
        administration(kRx, "253337", first_dose),
    }));
    ASSERT_TRUE(early.ok()) << problems_of(early);
    EXPECT_EQ(early.record->systemic.size(), courses) << first_dose;
  }
  // A project regimen given as administrations is one course too.
  const auto project = read_fhir_bundle(bundle({administration("urn:switchpoint:hcc", "sorafenib", "2024-03-04"),
                                                administration("urn:switchpoint:hcc", "sorafenib", "2024-03-05")}));
  ASSERT_TRUE(project.ok()) << problems_of(project);
  ASSERT_EQ(project.record->systemic.size(), 1u);
  EXPECT_EQ(project.record->systemic[0].regimen, "sorafenib");
  EXPECT_EQ(project.record->systemic[0].start, Date::parse("2024-03-04"));
}

TEST(TerminologyMeds, NotGivenAdministrationsAndProposalsAreSkipped) {
  const auto rr = read_fhir_bundle(bundle({
      administration(kAtc, "L01EX02", "2024-03-04", "not-done"),
      administration(kAtc, "L01EX02", "2024-03-05", "entered-in-error"),
      R"({"resource":{"resourceType":"MedicationRequest","status":"active","intent":"proposal","medicationCodeableConcept":)" +
          concept_of(kAtc, "L01EX08") + R"(,"authoredOn":"2024-03-01"}})",
  }));
  ASSERT_TRUE(rr.ok()) << problems_of(rr);
  EXPECT_TRUE(rr.record->systemic.empty());
  EXPECT_EQ(skipped_containing(rr, "(status not-done)"), 1);
  EXPECT_EQ(skipped_containing(rr, "(status entered-in-error)"), 1);
  EXPECT_EQ(skipped_containing(rr, "(intent proposal)"), 1);
}

// ---- Medication: contained and referenced ------------------------------------------------------

TEST(TerminologyMeds, ContainedAndReferencedMedicationAreRead) {
  const std::string contained = R"({"resource":{"resourceType":"MedicationRequest","status":"active","intent":"order",)"
                                R"("contained":[{"resourceType":"Medication","id":"m1","code":)" +
                                concept_of(kRx, "1792776") +
                                R"(}],"medicationReference":{"reference":"#m1"},"authoredOn":"2024-03-04"}})";
  const std::string by_id = R"({"resource":{"resourceType":"MedicationRequest","status":"active","intent":"order",)"
                            R"("medicationReference":{"reference":"Medication/bev"},"authoredOn":"2024-03-05"}})";
  const std::string medication =
      R"({"fullUrl":"urn:uuid:0b1c","resource":{"resourceType":"Medication","id":"bev","code":)" +
      concept_of(kAtc, "L01FG01") + "}}";
  auto rr = read_fhir_bundle(bundle({contained, by_id, medication}));
  ASSERT_TRUE(rr.ok()) << problems_of(rr);
  ASSERT_EQ(rr.record->systemic.size(), 1u);
  EXPECT_EQ(rr.record->systemic[0].regimen, "atezolizumab-bevacizumab");
  EXPECT_EQ(rr.record->systemic[0].start, Date::parse("2024-03-04"));
  EXPECT_EQ(skipped_containing(rr, "Medication (read only through a medicationReference)"), 1);

  // By fullUrl, as a transaction Bundle refers to its entries.
  const std::string by_url =
      R"({"resource":{"resourceType":"MedicationStatement","status":"active",)"
      R"("medicationReference":{"reference":"urn:uuid:0b1c"},"effectivePeriod":{"start":"2024-03-05"}}})";
  rr = read_fhir_bundle(bundle({contained, by_url, medication}));
  ASSERT_TRUE(rr.ok()) << problems_of(rr);
  ASSERT_EQ(rr.record->systemic.size(), 1u);
  EXPECT_EQ(rr.record->systemic[0].regimen, "atezolizumab-bevacizumab");
}

TEST(TerminologyMeds, AReferenceThatCannotBeFollowed) {
  // Another server's Medication: not in the bundle, skipped and counted.
  auto rr = read_fhir_bundle(
      bundle({R"({"resource":{"resourceType":"MedicationRequest","status":"active","intent":"order",)"
              R"("medicationReference":{"reference":"Medication/elsewhere"},"authoredOn":"2024-03-04"}})"}));
  ASSERT_TRUE(rr.ok()) << problems_of(rr);
  EXPECT_EQ(skipped_containing(rr, "MedicationRequest medicationReference (Medication not in the bundle"), 1);
  // A contained reference to nothing the resource contains: the resource is wrong.
  rr = read_fhir_bundle(bundle({R"({"resource":{"resourceType":"MedicationRequest","status":"active","intent":"order",)"
                                R"("medicationReference":{"reference":"#m9"},"authoredOn":"2024-03-04"}})"}));
  ASSERT_FALSE(rr.ok());
  EXPECT_TRUE(has_problem(rr, "/entry/1/resource/medicationReference/reference", "does not contain"))
      << problems_of(rr);
}

// ---- skipped, never a problem; impossible values, always a problem ------------------------------

TEST(TerminologyMeds, UnknownCodesAreSkippedAndCounted) {
  const auto rr = read_fhir_bundle(bundle({
      request(kRx, "6809", "2024-03-04"),                                    // an RxNorm code not in the table
      administration(kAtc, "A10BA02", "2024-03-04"),                         // an ATC code not in the table
      statement("http://example.org/local-drugs", "1792776", "2024-03-04"),  // the right code, another system
  }));
  ASSERT_TRUE(rr.ok()) << problems_of(rr);
  EXPECT_TRUE(rr.record->systemic.empty());
  EXPECT_EQ(rr.skipped.at(std::string("MedicationRequest ") + kRx + "|6809"), 1);
  EXPECT_EQ(rr.skipped.at(std::string("MedicationAdministration ") + kAtc + "|A10BA02"), 1);
  EXPECT_EQ(rr.skipped.at("MedicationStatement http://example.org/local-drugs|1792776"), 1);
}

TEST(TerminologyMeds, ImpossibleValuesAreProblems) {
  // End before start.
  auto rr = read_fhir_bundle(bundle({request(kAtc, "L01EX02", "2024-03-04", "2024-03-01", "completed")}));
  ASSERT_FALSE(rr.ok());
  EXPECT_TRUE(has_problem(rr, "/entry/1/resource/dosageInstruction/0/timing/repeat/boundsPeriod/end",
                          "end 2024-03-01 is before start 2024-03-04"))
      << problems_of(rr);
  // Completed or stopped with no end date: it would count as still given.
  rr = read_fhir_bundle(bundle({request(kAtc, "L01EX02", "2024-03-04", "", "stopped")}));
  ASSERT_FALSE(rr.ok());
  EXPECT_TRUE(has_problem(rr, "/entry/1/resource/status", "gives no end date")) << problems_of(rr);
  // A partial date.
  rr = read_fhir_bundle(bundle({administration(kAtc, "L01EX02", "2024-03")}));
  ASSERT_FALSE(rr.ok());
  EXPECT_TRUE(has_problem(rr, "/entry/1/resource/effectiveDateTime", "the day is missing")) << problems_of(rr);
  // No date at all.
  rr = read_fhir_bundle(bundle({R"({"resource":{"resourceType":"MedicationRequest","status":"active","intent":"order",)"
                                R"("medicationCodeableConcept":)" +
                                concept_of(kAtc, "L01EX02") + "}}"}));
  ASSERT_FALSE(rr.ok());
  EXPECT_NE(problems_of(rr).find("authoredOn is required"), std::string::npos) << problems_of(rr);
  // A status outside the value set.
  rr = read_fhir_bundle(bundle({administration(kAtc, "L01EX02", "2024-03-04", "Completed")}));
  ASSERT_FALSE(rr.ok());
  EXPECT_TRUE(has_problem(rr, "/entry/1/resource/status", "not a FHIR R4 MedicationAdministration status"));
  // Two agents in one concept: which one was given cannot be told.
  rr = read_fhir_bundle(bundle({R"({"resource":{"resourceType":"MedicationRequest","status":"active","intent":"order",)"
                                R"("medicationCodeableConcept":{"coding":[{"system":")" +
                                std::string(kRx) + R"(","code":"1792776"},{"system":")" + kAtc +
                                R"(","code":"L01FG01"}]},"authoredOn":"2024-03-04"}})"}));
  ASSERT_FALSE(rr.ok());
  EXPECT_TRUE(has_problem(rr, "/entry/1/resource/medicationCodeableConcept", "the codings disagree"))
      << problems_of(rr);
}

TEST(TerminologyMeds, TheSameAgentUnderTwoSystemsIsOneAgent) {
  const auto rr = read_fhir_bundle(bundle({R"({"resource":{"resourceType":"MedicationRequest","status":"active",)"
                                           R"("intent":"order","medicationCodeableConcept":{"coding":[{"system":")" +
                                           std::string(kRx) + R"(","code":"1547545"},{"system":")" + kAtc +
                                           R"(","code":"L01FF02"}]},"authoredOn":"2024-03-04"}})"}));
  ASSERT_TRUE(rr.ok()) << problems_of(rr);
  ASSERT_EQ(rr.record->systemic.size(), 1u);
  EXPECT_EQ(rr.record->systemic[0].regimen, "pembrolizumab");
}

TEST(TerminologyMeds, TheOrderOfTheEntriesDoesNotMatter) {
  std::vector<std::string> entries = {request(kRx, "1792776", "2024-01-02"), request(kRx, "253337", "2024-01-06"),
                                      request(kRx, "253337", "2024-01-01"), request(kRx, "1792776", "2024-01-01"),
                                      request(kAtc, "L01EX02", "2023-06-01", "2023-12-01", "completed")};
  // Two atezolizumab and two bevacizumab starts: the nearest partners pair (01-01 with 01-01,
  // 01-02 with 01-06), whatever the order of the entries.
  std::vector<std::string> first;
  for (int round = 0; round < 5; ++round) {
    std::rotate(entries.begin(), entries.begin() + 1, entries.end());
    const auto rr = read_fhir_bundle(bundle(entries));
    ASSERT_FALSE(rr.ok());  // two atezolizumab-bevacizumab courses ongoing at once
    std::string all = problems_of(rr);
    EXPECT_NE(all.find("two regimens are ongoing at once"), std::string::npos) << all;
    EXPECT_EQ(all.find("without"), std::string::npos) << all;  // no lone component
  }
}

TEST(TerminologyMeds, TheCohortFilterAgreesWithTheReader) {
  simdjson::dom::parser parser;
  const std::string unknown =
      R"({"resourceType":"MedicationRequest","medicationCodeableConcept":)" + concept_of(kRx, "6809") + "}";
  const std::string known =
      R"({"resourceType":"MedicationAdministration","medicationCodeableConcept":)" + concept_of(kAtc, "L01FF05") + "}";
  const std::string referenced = R"({"resourceType":"MedicationStatement","medicationReference":{"reference":"#m"}})";
  auto key = fhir_skipped_on_code(parser.parse(unknown).get_object().value(), "MedicationRequest");
  ASSERT_TRUE(key);
  EXPECT_EQ(*key, std::string("MedicationRequest ") + kRx + "|6809");
  EXPECT_FALSE(fhir_skipped_on_code(parser.parse(known).get_object().value(), "MedicationAdministration"));
  EXPECT_FALSE(fhir_skipped_on_code(parser.parse(referenced).get_object().value(), "MedicationStatement"));
}

}  // namespace
}  // namespace switchpoint
