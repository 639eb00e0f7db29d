// What was sent but not read (issue 14, item 3; docs/fhir.md "What is skipped"): every resource the
// FHIR reader skips is kept as a structured entry (ReadResult::not_read: resource, system, code,
// the display the resource sent, reason, count); a resource whose code tells which fact it concerns
// (the not-read tables, a known code with a void status or no value) is also kept in the record's
// unread entries with that fact, so that the obtain line of the fact names it. An unknown code
// concerns no fact. Unread entries change the wording of the obtain list only, never a verdict.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/engine.h"
#include "core/facts.h"
#include "presenters/decision_json.h"
#include "readers/fhir_r4.h"
#include "readers/native_json.h"
#include "readers/not_read.h"

namespace switchpoint {
namespace {

const std::string kSct = "http://snomed.info/sct";
const std::string kLnc = "http://loinc.org";
const std::string kCm = "http://hl7.org/fhir/sid/icd-10-cm";
const std::string kRx = "http://www.nlm.nih.gov/research/umls/rxnorm";
const std::string kHcc = "urn:switchpoint:hcc";

std::string bundle(const std::vector<std::string>& resources) {
  std::string out = R"({"resourceType":"Bundle","type":"collection","entry":[)"
                    R"({"resource":{"resourceType":"Patient","id":"p1","birthDate":"1950-01-01"}})";
  for (const auto& r : resources) out += R"(,{"resource":)" + r + "}";
  return out + "]}";
}

std::string coding(const std::string& system, const std::string& code, const std::string& display = "") {
  return R"({"system":")" + system + R"(","code":")" + code + R"(")" +
         (display.empty() ? "" : R"(,"display":")" + display + R"(")") + "}";
}

// An Observation; `extra` is given verbatim ("valueInteger":3, "status":"…" replaces final).
std::string obs(const std::string& system, const std::string& code, const std::string& display,
                const std::string& extra, const std::string& date = "2024-03-01", const std::string& status = "final") {
  return R"({"resourceType":"Observation","status":")" + status + R"(","code":{"coding":[)" +
         coding(system, code, display) + R"(]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":")" + date +
         R"(")" + (extra.empty() ? "" : "," + extra) + "}";
}

std::string cond(const std::string& system, const std::string& code, const std::string& display,
                 const std::string& extra = R"("onsetDateTime":"2024-02-01")") {
  return R"({"resourceType":"Condition","code":{"coding":[)" + coding(system, code, display) +
         R"(]},"subject":{"reference":"Patient/p1"})" + (extra.empty() ? "" : "," + extra) + "}";
}

ReadResult read(const std::vector<std::string>& resources) { return read_fhir_bundle(bundle(resources)); }

std::string first_problem(const ReadResult& rr) {
  return rr.problems.empty() ? "" : rr.problems[0].location + " " + rr.problems[0].message;
}

const NotRead* entry_of(const ReadResult& rr, const std::string& code) {
  for (const auto& e : rr.not_read)
    if (e.code == code) return &e;
  return nullptr;
}

std::vector<FactKind> facts_of(const ReadResult& rr) {
  std::vector<FactKind> out;
  if (rr.record)
    for (const auto& u : rr.record->unread) out.push_back(u.fact);
  return out;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// ---- each kind of unread resource links to its fact ---------------------------------------

TEST(UnreadFact, ProthrombinTimeInSecondsIsCoagulation) {
  // LOINC 5902-2 is the clotting time itself, not the prolongation Child-Pugh scores (fhir_codes.cpp).
  const auto rr =
      read({obs(kLnc, "5902-2", "Prothrombin time (PT)",
                R"("valueQuantity":{"value":12.5,"unit":"s","system":"http://unitsofmeasure.org","code":"s"})")});
  ASSERT_TRUE(rr.ok()) << first_problem(rr);
  const NotRead* e = entry_of(rr, "5902-2");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->resource, "Observation");
  EXPECT_EQ(e->system, kLnc);
  EXPECT_EQ(e->display, "Prothrombin time (PT)");
  EXPECT_TRUE(contains(e->reason, "not the prolongation")) << e->reason;
  EXPECT_EQ(e->count, 1);
  ASSERT_EQ(rr.record->unread.size(), 1u);
  const UnreadEntry& u = rr.record->unread[0];
  EXPECT_EQ(u.fact, FactKind::Coagulation);
  EXPECT_EQ(u.date, Date::parse("2024-03-01"));
  EXPECT_EQ(u.what, "LOINC 5902-2 Prothrombin time (PT)");
}

TEST(UnreadFact, VaricesWithoutRiskGradeInEveryFormIsVarices) {
  // SNOMED CT 28670008 (Observation and Condition), ICD-10-CM I85.00 and I85.10 (Condition).
  const std::vector<std::string> forms = {
      obs(kSct, "28670008", "Esophageal varices", R"("valueBoolean":true)"),
      cond(kSct, "28670008", "Esophageal varices"),
      cond(kCm, "I85.00", "Esophageal varices without bleeding"),
      cond(kCm, "I85.10", "Secondary esophageal varices without bleeding"),
  };
  for (const auto& f : forms) {
    const auto rr = read({f});
    ASSERT_TRUE(rr.ok()) << f << ": " << first_problem(rr);
    EXPECT_EQ(facts_of(rr), std::vector<FactKind>{FactKind::Varices}) << f;
    ASSERT_EQ(rr.not_read.size(), 1u) << f;
    EXPECT_TRUE(contains(rr.not_read[0].reason, "risk grade")) << rr.not_read[0].reason;
  }
}

TEST(UnreadFact, PortalVeinThrombosisIsVascularInvasion) {
  for (const auto& f : {obs(kSct, "17920008", "Portal vein thrombosis", R"("valueBoolean":true)"),
                        cond(kCm, "I81", "Portal vein thrombosis")}) {
    const auto rr = read({f});
    ASSERT_TRUE(rr.ok()) << first_problem(rr);
    EXPECT_EQ(facts_of(rr), std::vector<FactKind>{FactKind::VascularInvasion}) << f;
  }
}

TEST(UnreadFact, AVoidStatusOfAKnownCodeLinksToItsFact) {
  struct Case {
    std::string system, code, value, status;
    FactKind fact;
  };
  const std::string qty_bili =
      R"("valueQuantity":{"value":1.0,"unit":"mg/dL","system":"http://unitsofmeasure.org","code":"mg/dL"})";
  const std::vector<Case> cases = {
      {kSct, "389026000", R"("valueBoolean":true)", "entered-in-error", FactKind::Ascites},
      {kSct, "13920009", R"("valueBoolean":true)", "cancelled", FactKind::Encephalopathy},
      {kHcc, "ascites", R"("valueCodeableConcept":{"coding":[{"system":"urn:switchpoint:hcc","code":"slight"}]})",
       "entered-in-error", FactKind::Ascites},
      {kLnc, "1975-2", qty_bili, "cancelled", FactKind::Bilirubin},
      {kLnc, "89247-1", R"("valueInteger":1)", "entered-in-error", FactKind::Ecog},
      {kHcc, "intrahepatic-tumor-count", R"("valueInteger":2)", "entered-in-error", FactKind::Imaging},
      {kHcc, "macrovascular-invasion",
       R"("valueCodeableConcept":{"coding":[{"system":"urn:switchpoint:hcc","code":"absent"}]})", "cancelled",
       FactKind::VascularInvasion},
  };
  for (const auto& c : cases) {
    const auto rr = read({obs(c.system, c.code, "Sent display", c.value, "2024-02-20", c.status)});
    ASSERT_TRUE(rr.ok()) << c.code << ": " << first_problem(rr);
    EXPECT_EQ(facts_of(rr), std::vector<FactKind>{c.fact}) << c.code;
    const NotRead* e = entry_of(rr, c.code);
    ASSERT_NE(e, nullptr) << c.code;
    EXPECT_EQ(e->reason, "status " + c.status);
    EXPECT_EQ(e->display, "Sent display");
    EXPECT_EQ(rr.record->unread[0].reason, "status " + c.status);
    EXPECT_EQ(rr.record->unread[0].date, Date::parse("2024-02-20"));
  }
}

TEST(UnreadFact, NoValueWithADataAbsentReasonLinksToItsFactAndSaysTheReason) {
  const auto rr = read(
      {obs(kLnc, "6301-6", "INR in Platelet poor plasma",
           R"("dataAbsentReason":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/data-absent-reason","code":"asked-unknown"}]})"),
       obs(kSct, "389026000", "Ascites", R"("dataAbsentReason":{"coding":[{"code":"not-performed"}]})", "2024-03-02")});
  ASSERT_TRUE(rr.ok()) << first_problem(rr);
  ASSERT_EQ(rr.record->unread.size(), 2u);
  // Sorted by date: the INR (03-01) first.
  EXPECT_EQ(rr.record->unread[0].fact, FactKind::Coagulation);
  EXPECT_EQ(rr.record->unread[0].reason, "no value: dataAbsentReason asked-unknown");
  EXPECT_EQ(rr.record->unread[1].fact, FactKind::Ascites);
  EXPECT_EQ(rr.record->unread[1].reason, "no value: dataAbsentReason not-performed");
  EXPECT_EQ(rr.record->unread[1].what, "SNOMED CT 389026000 Ascites");
}

TEST(UnreadFact, AnEnteredInErrorAscitesConditionIsAscites) {
  const auto rr = read({cond(
      kSct, "389026000", "Ascites",
      R"("onsetDateTime":"2024-02-01","verificationStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-ver-status","code":"entered-in-error"}]})")});
  ASSERT_TRUE(rr.ok()) << first_problem(rr);
  EXPECT_EQ(facts_of(rr), std::vector<FactKind>{FactKind::Ascites});
  ASSERT_NE(entry_of(rr, "389026000"), nullptr);
  EXPECT_EQ(entry_of(rr, "389026000")->reason, "verificationStatus entered-in-error");
  EXPECT_EQ(entry_of(rr, "389026000")->resource, "Condition");
}

TEST(UnreadFact, AnAscitesConditionWithoutSeverityIsNamedBesideTheGradeWithOneItIsNot) {
  const auto ungraded = read({cond(kSct, "389026000", "Ascites")});
  ASSERT_TRUE(ungraded.ok()) << first_problem(ungraded);
  EXPECT_EQ(facts_of(ungraded), std::vector<FactKind>{FactKind::Ascites});
  EXPECT_TRUE(ungraded.not_read.empty()) << "read as present, not graded: not counted as not read";
  const auto graded = read({cond(
      kSct, "389026000", "Ascites",
      R"("onsetDateTime":"2024-02-01","severity":{"coding":[{"system":"http://snomed.info/sct","code":"6736007"}]})")});
  ASSERT_TRUE(graded.ok()) << first_problem(graded);
  EXPECT_TRUE(graded.record->unread.empty());
  // Encephalopathy has no SNOMED CT grade: any severity is still "present, not graded".
  const auto he = read({cond(
      kSct, "13920009", "Hepatic encephalopathy",
      R"("onsetDateTime":"2024-02-01","severity":{"coding":[{"system":"http://snomed.info/sct","code":"24484000"}]})")});
  ASSERT_TRUE(he.ok()) << first_problem(he);
  EXPECT_EQ(facts_of(he), std::vector<FactKind>{FactKind::Encephalopathy});
}

TEST(UnreadFact, KarnofskyWithoutEcogIsNamedBesideEcogButIsRead) {
  const auto rr = read({obs(kLnc, "89243-0", "Karnofsky Performance Status score", R"("valueInteger":70)")});
  ASSERT_TRUE(rr.ok()) << first_problem(rr);
  EXPECT_TRUE(rr.not_read.empty()) << "Karnofsky is read (as Karnofsky): not counted as not read";
  ASSERT_EQ(rr.record->unread.size(), 1u);
  EXPECT_EQ(rr.record->unread[0].fact, FactKind::Ecog);
  EXPECT_TRUE(contains(rr.record->unread[0].reason, "Karnofsky 70, not converted to ECOG"))
      << rr.record->unread[0].reason;
}

TEST(UnreadFact, AscitesPresentWithoutAGradeIsNamedBesideTheGrade) {
  const auto present =
      read({obs(kSct, "389026000", "Ascites",
                R"("valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"52101004"}]})")});
  ASSERT_TRUE(present.ok()) << first_problem(present);
  EXPECT_EQ(facts_of(present), std::vector<FactKind>{FactKind::Ascites});
  EXPECT_TRUE(present.not_read.empty());
  // Graded (mild = slight) or absent: nothing is missing, nothing named.
  for (const char* value : {"255604002", "2667000"}) {
    const auto graded =
        read({obs(kSct, "389026000", "Ascites",
                  std::string(R"("valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":")") +
                      value + R"("}]})")});
    ASSERT_TRUE(graded.ok()) << first_problem(graded);
    EXPECT_TRUE(graded.record->unread.empty()) << value;
  }
}

TEST(UnreadFact, AMedicationWithAProductCodeNotMappedIsSystemicTherapy) {
  const std::string req =
      R"({"resourceType":"MedicationRequest","status":"active","intent":"order","subject":{"reference":"Patient/p1"},)"
      R"("authoredOn":"2024-02-01","medicationCodeableConcept":{"coding":[)" +
      coding(kRx, "999999", "sorafenib 200 MG Oral Tablet") + "]}}";
  const auto rr = read({req});
  ASSERT_TRUE(rr.ok()) << first_problem(rr);
  EXPECT_EQ(facts_of(rr), std::vector<FactKind>{FactKind::SystemicTherapy});
  ASSERT_NE(entry_of(rr, "999999"), nullptr);
  EXPECT_EQ(entry_of(rr, "999999")->display, "sorafenib 200 MG Oral Tablet");
  EXPECT_EQ(rr.record->unread[0].date, Date::parse("2024-02-01"));
  // A regimen with a status that says it was not taken: the same fact, the status as the reason.
  const std::string intended =
      R"({"resourceType":"MedicationStatement","status":"intended","subject":{"reference":"Patient/p1"},)"
      R"("effectivePeriod":{"start":"2024-02-01"},"medicationCodeableConcept":{"coding":[)" +
      coding(kHcc, "sorafenib") + "]}}";
  const auto st = read({intended});
  ASSERT_TRUE(st.ok()) << first_problem(st);
  EXPECT_EQ(facts_of(st), std::vector<FactKind>{FactKind::SystemicTherapy});
  EXPECT_EQ(entry_of(st, "sorafenib")->reason, "status intended");
}

// ---- an unknown code links to no fact -------------------------------------------------------

TEST(UnreadFact, AnUnknownCodeIsCountedButConcernsNoFact) {
  const auto rr =
      read({obs(kLnc, "8867-4", "Heart rate", R"("valueQuantity":{"value":72,"unit":"/min"})"),
            obs(kLnc, "8867-4", "Heart rate", R"("valueQuantity":{"value":75,"unit":"/min"})", "2024-03-02"),
            cond(kSct, "44054006", "Diabetes mellitus type 2"),
            R"({"resourceType":"Encounter","id":"e1","subject":{"reference":"Patient/p1"}})"});
  ASSERT_TRUE(rr.ok()) << first_problem(rr);
  EXPECT_TRUE(rr.record->unread.empty());
  ASSERT_EQ(rr.not_read.size(), 3u);
  // Most frequent first, then in a fixed order (the system: "" before http://…).
  EXPECT_EQ(rr.not_read[0].code, "8867-4");
  EXPECT_EQ(rr.not_read[0].count, 2);
  EXPECT_EQ(rr.not_read[0].reason, "code not read");
  EXPECT_EQ(rr.not_read[0].display, "Heart rate");
  EXPECT_EQ(rr.not_read[1].resource, "Encounter");
  EXPECT_EQ(rr.not_read[1].reason, "resource type not read");
  EXPECT_EQ(rr.not_read[2].code, "44054006");
  EXPECT_EQ(rr.not_read[2].resource, "Condition");
  // The skipped counts are unchanged (INTERFACES.md: extend, never break).
  EXPECT_EQ(rr.skipped.at("Observation http://loinc.org|8867-4"), 2);
  EXPECT_EQ(rr.skipped.at("Encounter"), 1);
}

TEST(UnreadFact, TheDisplayIsTheCodingsElseTheConceptTextClippedAndWithoutControls) {
  const std::string text_only =
      R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"2951-2"}],"text":"Sodium\tserum"},)"
      R"("subject":{"reference":"Patient/p1"},"effectiveDateTime":"2024-03-01","valueQuantity":{"value":140,"unit":"mmol/L"}})";
  const std::string long_display(200, 'x');
  const std::string no_code =
      R"({"resourceType":"Observation","status":"final","code":{"text":"Bedside note"},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2024-03-01","valueString":"ok"})";
  const auto rr =
      read({text_only, obs(kLnc, "2345-7", long_display, R"("valueQuantity":{"value":5,"unit":"mmol/L"})"), no_code});
  ASSERT_TRUE(rr.ok()) << first_problem(rr);
  ASSERT_NE(entry_of(rr, "2951-2"), nullptr);
  EXPECT_EQ(entry_of(rr, "2951-2")->display, "Sodium serum");
  ASSERT_NE(entry_of(rr, "2345-7"), nullptr);
  EXPECT_EQ(entry_of(rr, "2345-7")->display, std::string(80, 'x') + "…");
  const NotRead* uncoded = entry_of(rr, "");
  ASSERT_NE(uncoded, nullptr);
  EXPECT_EQ(uncoded->display, "Bedside note");
  EXPECT_EQ(uncoded->reason, "no code, text only");
}

TEST(UnreadFact, OneCodeIsOneEntryWhateverTheDisplaysTheFirstInByteOrderKept) {
  const std::string hr = R"("valueQuantity":{"value":72,"unit":"/min"})";
  const std::vector<std::string> sent = {obs(kLnc, "8867-4", "Heart rate", hr),
                                         obs(kLnc, "8867-4", "", hr, "2024-03-02"),
                                         obs(kLnc, "8867-4", "HR", hr, "2024-03-03")};
  for (const auto& order : {sent, std::vector<std::string>(sent.rbegin(), sent.rend())}) {
    const auto rr = read(order);
    ASSERT_TRUE(rr.ok()) << first_problem(rr);
    ASSERT_EQ(rr.not_read.size(), 1u);
    EXPECT_EQ(rr.not_read[0].count, 3);
    EXPECT_EQ(rr.not_read[0].display, "HR");  // "HR" < "Heart rate" in byte order; the empty one is never kept
  }
}

TEST(UnreadFact, WhatWasReadAfterAllIsNotCountedAsNotRead) {
  const std::string lab =
      R"({"resourceType":"Observation","id":"l1","status":"final","code":{"coding":[)" + coding(kLnc, "1975-2") +
      R"(]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2024-03-01","valueQuantity":{"value":1.0,"unit":"mg/dL","system":"http://unitsofmeasure.org","code":"mg/dL"}})";
  // A Medication is read through the MedicationStatement that refers to it.
  const std::string med =
      R"({"resourceType":"Medication","id":"m1","code":{"coding":[{"system":"urn:switchpoint:hcc","code":"sorafenib"}]}})";
  const std::string statement =
      R"({"resourceType":"MedicationStatement","status":"active","subject":{"reference":"Patient/p1"},)"
      R"("effectivePeriod":{"start":"2024-02-01"},"medicationReference":{"reference":"Medication/m1"}})";
  const auto rr = read({lab, lab, cond(kSct, "109841003", "Liver cell carcinoma"), med, statement});
  ASSERT_TRUE(rr.ok()) << first_problem(rr);
  ASSERT_EQ(rr.record->systemic.size(), 1u);
  EXPECT_EQ(rr.skipped.at("Observation (the same resource twice, read once)"), 1);
  EXPECT_EQ(rr.skipped.at("used: diagnosis"), 1);
  EXPECT_EQ(rr.skipped.at("Medication (read only through a medicationReference)"), 1);
  EXPECT_TRUE(rr.not_read.empty());
  EXPECT_TRUE(rr.record->unread.empty());
}

TEST(UnreadFact, TheOrderOfTheBundleNeverShows) {
  const std::vector<std::string> a = {
      obs(kLnc, "5902-2", "PT", R"("valueQuantity":{"value":12,"unit":"s"})", "2024-03-01"),
      obs(kLnc, "8867-4", "HR", R"("valueQuantity":{"value":72,"unit":"/min"})"), cond(kSct, "28670008", "Varices"),
      obs(kLnc, "89247-1", "ECOG", R"("valueInteger":1)", "2024-02-01", "cancelled")};
  std::vector<std::string> b(a.rbegin(), a.rend());
  const auto ra = read(a), rb = read(b);
  ASSERT_TRUE(ra.ok() && rb.ok());
  ASSERT_EQ(ra.not_read.size(), rb.not_read.size());
  for (std::size_t i = 0; i < ra.not_read.size(); ++i) {
    EXPECT_EQ(ra.not_read[i].code, rb.not_read[i].code);
    EXPECT_EQ(ra.not_read[i].count, rb.not_read[i].count);
  }
  ASSERT_EQ(ra.record->unread.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(ra.record->unread[i].what, rb.record->unread[i].what);
    EXPECT_EQ(ra.record->unread[i].date, rb.record->unread[i].date);
  }
}

TEST(UnreadFact, ANativeRecordHasNoUnreadEntries) {
  const auto rr = read_native_json(R"({"schema":"switchpoint.record/1","patient":{"id":"n1"},)"
                                   R"("clinical":[{"date":"2024-03-01","ecog":1}]})");
  ASSERT_TRUE(rr.ok()) << first_problem(rr);
  EXPECT_TRUE(rr.not_read.empty());
  EXPECT_TRUE(rr.record->unread.empty());
}

// ---- the fact phrases say their kinds ------------------------------------------------------

TEST(UnreadFact, EveryFactPhraseOfAKindSaysItsKind) {
  const Date d = *Date::parse("2024-04-15");
  PatientRecord r;
  using K = FactKind;
  const std::vector<std::pair<std::string, std::vector<K>>> cases = {
      {facts::lab(Quantity::Bilirubin, d), {K::Bilirubin}},
      {facts::lab(Quantity::Albumin, d), {K::Albumin}},
      {facts::lab(Quantity::Inr, d), {K::Coagulation}},
      {facts::lab(Quantity::PtProlongation, d), {K::Coagulation}},
      {facts::child_pugh_input("inr (or pt_prolongation)", d), {K::Coagulation}},
      {facts::lab_before_first_tace(Quantity::Ast, d), {K::Ast}},
      {facts::lab(Quantity::Alt, d), {K::Alt}},
      {facts::lab(Quantity::Platelets, d), {K::Platelets}},
      {facts::lab(Quantity::Creatinine, d), {K::Creatinine}},
      {facts::lab(Quantity::Afp, d), {K::Afp}},
      {facts::lab(Quantity::Dcp, d), {K::Dcp}},
      {facts::tumour_markers_around_tace(), {K::Afp, K::Dcp}},
      {facts::ascites(d), {K::Ascites}},
      {facts::encephalopathy(d), {K::Encephalopathy}},
      {facts::ecog(r, d), {K::Ecog}},
      {facts::ecog_before_first_tace(d), {K::Ecog}},
      {facts::weight(r, d), {K::Weight}},
      {facts::finding("vascular invasion", d), {K::VascularInvasion, K::Imaging}},
      {facts::finding_at_baseline("vascular invasion", d), {K::VascularInvasion, K::Imaging}},
      {facts::finding("extrahepatic spread", d), {K::Imaging}},
      {facts::mrecist(d, d), {K::Imaging}},
      {facts::response_imaging(d), {K::Imaging}},
      {facts::viable_percent(d), {K::Imaging}},
      {facts::tumour_count(d), {K::Imaging}},
      {facts::tumour_count_before(d), {K::Imaging}},
      {facts::imaging_after_first_tace(d), {K::Imaging}},
      {facts::tumour_burden(d), {K::Imaging}},
      {facts::tumour_burden_on(d), {K::Imaging}},
      {facts::morphology(d), {K::Imaging}},
      {facts::bilobar(d), {K::Imaging}},
  };
  for (const auto& [phrase, kinds] : cases) EXPECT_EQ(facts::kinds_of(phrase), kinds) << phrase;
  EXPECT_TRUE(facts::kinds_of("curative treatment judged unsuitable on 2024-04-15").empty());
}

// ---- the obtain list names the unread resource; nothing else changes -----------------------

// A TACE patient with a CT and labs, no ascites: the obtain list asks for the ascites grade.
std::vector<std::string> tace_patient() {
  const std::string qty =
      R"("valueQuantity":{"value":%V,"unit":"%U","system":"http://unitsofmeasure.org","code":"%U"})";
  auto q = [&](const std::string& v, const std::string& u) {
    std::string s = qty;
    s.replace(s.find("%V"), 2, v);
    while (s.find("%U") != std::string::npos) s.replace(s.find("%U"), 2, u);
    return s;
  };
  return {
      R"({"resourceType":"Procedure","status":"completed","code":{"coding":[{"system":"urn:switchpoint:hcc","code":"tace"}]},"subject":{"reference":"Patient/p1"},"performedDateTime":"2024-01-10"})",
      obs(kHcc, "intrahepatic-tumor-count", "", R"("valueInteger":2)", "2024-01-05"),
      obs(kHcc, "largest-tumor-diameter", "", q("4", "cm"), "2024-01-05"),
      obs(kLnc, "1975-2", "", q("1.0", "mg/dL"), "2024-03-01"),
      obs(kLnc, "1751-7", "", q("4.0", "g/dL"), "2024-03-01"),
      obs(kLnc, "6301-6", "", q("1.1", "{INR}"), "2024-03-01"),
  };
}

const ObtainItem* item_starting(const Decision& d, const std::string& start) {
  for (const auto& o : d.obtain)
    if (o.fact.starts_with(start)) return &o;
  return nullptr;
}

TEST(UnreadObtain, TheAscitesLineNamesTheAscitesSentButNotRead) {
  auto resources = tace_patient();
  const auto plain = read(resources);
  ASSERT_TRUE(plain.ok()) << first_problem(plain);
  const Date as_of = *Date::parse("2024-03-01");
  const Decision before = evaluate(*plain.record, as_of);
  const ObtainItem* bare = item_starting(before, "ascites grade");
  ASSERT_NE(bare, nullptr) << "the record has no ascites: the obtain list asks for it";
  EXPECT_TRUE(bare->sent_not_read.empty());
  EXPECT_EQ(not_read_note(*bare), "");

  resources.push_back(obs(kSct, "389026000", "Ascites", R"("valueBoolean":true)", "2024-02-20", "entered-in-error"));
  const auto rr = read(resources);
  ASSERT_TRUE(rr.ok()) << first_problem(rr);
  const Decision d = evaluate(*rr.record, as_of);
  const ObtainItem* named = item_starting(d, "ascites grade");
  ASSERT_NE(named, nullptr);
  EXPECT_EQ(named->fact, bare->fact);  // the fact itself is unchanged
  EXPECT_EQ(not_read_note(*named),
            "sent as SNOMED CT 389026000 Ascites on 2024-02-20 but not read (status entered-in-error): record the "
            "grade (none, slight or moderate-severe)");
  // Only the ascites line names it; no line is added or removed; the decision is the same.
  for (const auto& o : d.obtain)
    if (&o != named) {
      EXPECT_TRUE(o.sent_not_read.empty()) << o.fact;
    }
  ASSERT_EQ(d.obtain.size(), before.obtain.size());
  for (std::size_t i = 0; i < d.obtain.size(); ++i) EXPECT_EQ(d.obtain[i].fact, before.obtain[i].fact);
  InputSummary none{"FHIR R4 Bundle", {}};
  std::string ja = decision_to_json(before, none), jb = decision_to_json(d, none);
  // Without the obtain section both decisions are the same, byte for byte.
  ja.erase(ja.find("\"obtain\""));
  jb.erase(jb.find("\"obtain\""));
  EXPECT_EQ(ja, jb);
}

TEST(UnreadObtain, AnUnreadResourceOutsideTheFactsWindowIsNotNamed) {
  // The ascites line asks for a grade within 30 days before 2024-03-01: an unread one of
  // 2024-01-30 (31 days before) is outside it, 2024-01-31 (30 days before) inside.
  for (const auto& [date, named] : {std::pair<std::string, bool>{"2024-01-30", false}, {"2024-01-31", true}}) {
    auto resources = tace_patient();
    resources.push_back(obs(kSct, "389026000", "Ascites", R"("valueBoolean":true)", date, "cancelled"));
    const auto rr = read(resources);
    ASSERT_TRUE(rr.ok()) << first_problem(rr);
    const Decision d = evaluate(*rr.record, *Date::parse("2024-03-01"));
    const ObtainItem* item = item_starting(d, "ascites grade");
    ASSERT_NE(item, nullptr);
    EXPECT_EQ(!item->sent_not_read.empty(), named) << date;
  }
}

TEST(UnreadObtain, AProthrombinTimeInSecondsIsNamedBesideTheInrAndAfterTheAsOfDateIsNot) {
  auto resources = tace_patient();
  resources.erase(resources.end() - 1);  // no INR
  resources.push_back(
      obs(kLnc, "5902-2", "Prothrombin time", R"("valueQuantity":{"value":13,"unit":"s"})", "2024-02-28"));
  const auto rr = read(resources);
  ASSERT_TRUE(rr.ok()) << first_problem(rr);
  const Decision d = evaluate(*rr.record, *Date::parse("2024-03-01"));
  const ObtainItem* inr = item_starting(d, "INR");
  ASSERT_NE(inr, nullptr);
  const std::string note = not_read_note(*inr);
  EXPECT_TRUE(contains(note,
                       "sent as LOINC 5902-2 Prothrombin time on 2024-02-28 but not read (prothrombin time in "
                       "seconds is not the prolongation over control"))
      << note;
  EXPECT_TRUE(contains(note, ": send the INR, or the prothrombin-time prolongation over control in seconds")) << note;
  // Evaluated as of a date before the resource: not known then, not named.
  const Decision earlier = evaluate(*rr.record, *Date::parse("2024-02-27"));
  for (const auto& o : earlier.obtain) EXPECT_TRUE(o.sent_not_read.empty()) << o.fact;
}

TEST(UnreadObtain, MoreThanThreeAreCutWithTheCountOfTheRest) {
  ObtainItem item{"ascites grade within 30 days before 2024-03-01", {"checkpoint verdict"}, {}};
  item.sent_not_read = {"a", "b", "c", "d", "e"};
  item.instead = "record the grade";
  EXPECT_EQ(not_read_note(item), "sent as a; b; c; and 2 more: record the grade");
  item.sent_not_read = {"a", "b", "c", "d"};
  EXPECT_EQ(not_read_note(item), "sent as a; b; c; and 1 more: record the grade");
  item.sent_not_read = {"a", "b", "c"};
  EXPECT_EQ(not_read_note(item), "sent as a; b; c: record the grade");
}

TEST(UnreadObtain, EveryKindSaysWhatToRecordInAClinicianWordsWithNoProjectDocumentOrFieldName) {
  const Date d = *Date::parse("2024-04-15");
  PatientRecord r;
  using K = FactKind;
  const std::vector<std::pair<std::string, K>> items = {
      {facts::lab(Quantity::Bilirubin, d), K::Bilirubin},
      {facts::lab(Quantity::Inr, d), K::Coagulation},
      {facts::ascites(d), K::Ascites},
      {facts::encephalopathy(d), K::Encephalopathy},
      {facts::ecog(r, d), K::Ecog},
      {facts::weight(r, d), K::Weight},
      {facts::finding("vascular invasion", d), K::VascularInvasion},
      {facts::tumour_count(d), K::Imaging},
      {"upper GI endoscopy with treatment of varices before the first dose", K::Varices},
      {"sorafenib tolerance: why sorafenib stopped", K::SystemicTherapy},
  };
  for (const auto& [fact, kind] : items) {
    PatientRecord with;
    with.unread.push_back({kind, d, "LOINC 0000-0 Something", "status cancelled"});
    std::vector<ObtainItem> list{ObtainItem{fact, {"checkpoint verdict"}, {}}};
    name_unread(list, with);
    const std::string note = not_read_note(list[0]);
    EXPECT_TRUE(note.starts_with("sent as LOINC 0000-0 Something on 2024-04-15 but not read (status cancelled): "))
        << fact << ": " << note;
    for (const char* internal : {".md", "docs/", "/entry", "_per_", "_cm", "FactKind"})
      EXPECT_EQ(note.find(internal), std::string::npos) << fact << ": " << note;
  }
}

TEST(UnreadFact, DisplaysAreKeptUpToEightyCharactersCountedAsCodePoints) {
  EXPECT_EQ(clip_display(std::string(80, 'x')), std::string(80, 'x'));
  EXPECT_EQ(clip_display(std::string(81, 'x')), std::string(80, 'x') + "…");
  // "é" is two bytes, one character: 80 of them are kept whole.
  std::string e80;
  for (int i = 0; i < 80; ++i) e80 += "é";
  EXPECT_EQ(clip_display(e80), e80);
  EXPECT_EQ(clip_display(e80 + "é"), e80 + "…");
  EXPECT_EQ(clip_display("  Heart\trate\n "), "Heart rate");
  EXPECT_EQ(clip_display("\x01\x02"), "");
}

}  // namespace
}  // namespace switchpoint
