// Standard terminologies for Observations and Conditions in the FHIR reader (issue 14;
// docs/terminology.md "Observations and conditions"). Each code family is tested with the meaning
// its source gives it (LOINC answer list LL529-9, LOINC 89243-0, SNOMED CT, ICD-10-CM, ICD-O-3),
// in the Observation and the Condition form, with the refuted, absent and ungraded cases; codes
// the engine does not read are skipped and counted, impossible values are problems.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "readers/fhir_r4.h"
#include "readers/terminology_obs.h"

namespace switchpoint {
namespace {

const std::string kSct = "http://snomed.info/sct";
const std::string kLnc = "http://loinc.org";
const std::string kCm = "http://hl7.org/fhir/sid/icd-10-cm";

std::string bundle(const std::vector<std::string>& resources) {
  std::string out = R"({"resourceType":"Bundle","type":"collection","entry":[)"
                    R"({"resource":{"resourceType":"Patient","id":"p1","birthDate":"1950-01-01"}})";
  for (const auto& r : resources) out += R"(,{"resource":)" + r + "}";
  return out + "]}";
}

std::string coding(const std::string& system, const std::string& code) {
  return R"({"system":")" + system + R"(","code":")" + code + R"("})";
}

// An Observation with `code` and the value element given verbatim ("valueInteger":3).
std::string obs(const std::string& system, const std::string& code, const std::string& value,
                const std::string& date = "2024-03-01") {
  return R"({"resourceType":"Observation","status":"final","code":{"coding":[)" + coding(system, code) +
         R"(]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":")" + date + R"(")" +
         (value.empty() ? "" : "," + value) + "}";
}

std::string concept_value(const std::string& system, const std::string& code) {
  return R"("valueCodeableConcept":{"coding":[)" + coding(system, code) + "]}";
}

// A Condition with code and extra members given verbatim.
std::string cond(const std::string& system, const std::string& code, const std::string& extra) {
  return R"({"resourceType":"Condition","code":{"coding":[)" + coding(system, code) +
         R"(]},"subject":{"reference":"Patient/p1"})" + (extra.empty() ? "" : "," + extra) + "}";
}

const std::string kOnset = R"("onsetDateTime":"2024-02-01")";

ReadResult read(const std::vector<std::string>& resources) { return read_fhir_bundle(bundle(resources)); }

std::string first_problem(const ReadResult& rr) {
  return rr.problems.empty() ? "" : rr.problems[0].location + " " + rr.problems[0].message;
}

const ClinicalAssessment& only_clinical(const ReadResult& rr) {
  static const ClinicalAssessment none{};
  if (!rr.record || rr.record->clinical.size() != 1) {
    ADD_FAILURE() << "expected one clinical assessment";
    return none;
  }
  return rr.record->clinical[0];
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// ---- ECOG: LOINC 89247-1 with valueInteger or a LOINC answer of LL529-9 ------------------

TEST(TermsEcog, EveryLoincAnswerCodeGivesItsGrade) {
  // LL529-9: LA9622-7 = 0 (fully active) … LA9627-6 = 5 (dead).
  const std::pair<const char*, int> answers[] = {{"LA9622-7", 0}, {"LA9623-5", 1}, {"LA9624-3", 2},
                                                 {"LA9625-0", 3}, {"LA9626-8", 4}, {"LA9627-6", 5}};
  for (const auto& [la, grade] : answers) {
    const auto rr = read({obs(kLnc, "89247-1", concept_value(kLnc, la))});
    ASSERT_TRUE(rr.ok()) << la << ": " << first_problem(rr);
    EXPECT_EQ(only_clinical(rr).ecog, grade) << la;
  }
}

TEST(TermsEcog, ValueIntegerWithTheMcodeInterpretationIsReadWhenTheyAgree) {
  const std::string interp = R"("interpretation":[{"coding":[)" + coding(kLnc, "LA9623-5") + "]}]";
  const auto rr = read({obs(kLnc, "89247-1", R"("valueInteger":1,)" + interp)});
  ASSERT_TRUE(rr.ok()) << first_problem(rr);
  EXPECT_EQ(only_clinical(rr).ecog, 1);

  const auto bad = read({obs(kLnc, "89247-1", R"("valueInteger":2,)" + interp)});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.problems[0].location, "/entry/1/resource/interpretation/0");
  EXPECT_TRUE(contains(bad.problems[0].message,
                       "valueInteger 2 and the interpretation LOINC LA9623-5 (ECOG 1) "
                       "disagree"))
      << bad.problems[0].message;
}

TEST(TermsEcog, ImpossibleValuesAreProblems) {
  for (const char* v : {R"("valueInteger":7)", R"("valueInteger":6)", R"("valueInteger":-1)"}) {
    const auto rr = read({obs(kLnc, "89247-1", v)});
    EXPECT_FALSE(rr.ok()) << v;
  }
  for (const char* v : {R"("valueInteger":0)", R"("valueInteger":5)"})
    EXPECT_TRUE(read({obs(kLnc, "89247-1", v)}).ok()) << v;
  // A LOINC answer of another question (LA6576-8 is not in LL529-9).
  const auto other = read({obs(kLnc, "89247-1", concept_value(kLnc, "LA6576-8"))});
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.problems[0].location, "/entry/1/resource/valueCodeableConcept");
  EXPECT_TRUE(contains(other.problems[0].message,
                       "'LA6576-8' is not an answer of the ECOG scale (LOINC answer list "
                       "LL529-9)"))
      << other.problems[0].message;
  // No LOINC answer at all (a SNOMED coding only) is not read as a grade.
  const auto snomed_only = read({obs(kLnc, "89247-1", concept_value(kSct, "425389002"))});
  ASSERT_FALSE(snomed_only.ok());
  EXPECT_TRUE(contains(snomed_only.problems[0].message, "no LOINC ECOG answer")) << snomed_only.problems[0].message;
  // Two answers that disagree.
  const auto two = read({obs(
      kLnc, "89247-1",
      R"("valueCodeableConcept":{"coding":[)" + coding(kLnc, "LA9622-7") + "," + coding(kLnc, "LA9624-3") + "]}")});
  ASSERT_FALSE(two.ok());
  EXPECT_TRUE(contains(two.problems[0].message, "two different ECOG grades, 0 and 2")) << two.problems[0].message;
}

TEST(TermsEcog, AnswerCodeAndIntegerOnOneDateMustAgree) {
  const auto same =
      read({obs(kLnc, "89247-1", R"("valueInteger":3)"), obs(kLnc, "89247-1", concept_value(kLnc, "LA9625-0"))});
  ASSERT_TRUE(same.ok()) << first_problem(same);
  EXPECT_EQ(only_clinical(same).ecog, 3);
  const auto differ =
      read({obs(kLnc, "89247-1", R"("valueInteger":3)"), obs(kLnc, "89247-1", concept_value(kLnc, "LA9626-8"))});
  EXPECT_FALSE(differ.ok());
}

// ---- Karnofsky: LOINC 89243-0, kept as Karnofsky ----------------------------------------

TEST(TermsKarnofsky, ReadAsKarnofskyNeverAsEcog) {
  const auto rr = read({obs(kLnc, "89243-0", R"("valueInteger":80)")});
  ASSERT_TRUE(rr.ok()) << first_problem(rr);
  EXPECT_EQ(only_clinical(rr).karnofsky, 80);
  EXPECT_FALSE(only_clinical(rr).ecog.has_value());
  for (const char* v : {R"("valueInteger":0)", R"("valueInteger":100)"})
    EXPECT_TRUE(read({obs(kLnc, "89243-0", v)}).ok()) << v;
}

TEST(TermsKarnofsky, OffScaleValuesAreProblems) {
  for (const char* v :
       {R"("valueInteger":85)", R"("valueInteger":110)", R"("valueInteger":-10)", R"("valueQuantity":{"value":80})"}) {
    const auto rr = read({obs(kLnc, "89243-0", v)});
    EXPECT_FALSE(rr.ok()) << v;
  }
}

// ---- Ascites and hepatic encephalopathy as Observations (SNOMED CT) ----------------------

TEST(TermsAscitesObservation, SnomedValuesMapToGradesOrUngraded) {
  struct Case {
    std::string value;
    std::optional<Ascites> grade;
    bool ungraded;
  };
  const Case cases[] = {
      {concept_value(kSct, "2667000"), Ascites::None, false},             // Absent
      {concept_value(kSct, "860638000"), Ascites::None, false},           // No ascites
      {concept_value(kSct, "52101004"), std::nullopt, true},              // Present: grade not known
      {concept_value(kSct, "255604002"), Ascites::Slight, false},         // Mild
      {concept_value(kSct, "6736007"), Ascites::ModerateSevere, false},   // Moderate
      {concept_value(kSct, "24484000"), Ascites::ModerateSevere, false},  // Severe
      {R"("valueBoolean":true)", std::nullopt, true},
      {R"("valueBoolean":false)", Ascites::None, false},
      {concept_value("urn:switchpoint:hcc", "slight"), Ascites::Slight, false},
  };
  for (const auto& c : cases) {
    const auto rr = read({obs(kSct, "389026000", c.value)});
    ASSERT_TRUE(rr.ok()) << c.value << ": " << first_problem(rr);
    EXPECT_EQ(only_clinical(rr).ascites, c.grade) << c.value;
    EXPECT_EQ(only_clinical(rr).ascites_present_ungraded, c.ungraded) << c.value;
  }
}

TEST(TermsEncephalopathyObservation, SeverityIsNotAWestHavenGrade) {
  const auto absent = read({obs(kSct, "13920009", concept_value(kSct, "2667000"))});
  ASSERT_TRUE(absent.ok()) << first_problem(absent);
  EXPECT_EQ(only_clinical(absent).encephalopathy, Encephalopathy::None);
  for (const char* code : {"52101004", "255604002", "6736007", "24484000"}) {
    const auto rr = read({obs(kSct, "13920009", concept_value(kSct, code))});
    ASSERT_TRUE(rr.ok()) << code << ": " << first_problem(rr);
    EXPECT_FALSE(only_clinical(rr).encephalopathy.has_value()) << code;
    EXPECT_TRUE(only_clinical(rr).encephalopathy_present_ungraded) << code;
  }
  const auto graded = read({obs(kSct, "13920009", concept_value("urn:switchpoint:hcc", "grade-3-4"))});
  ASSERT_TRUE(graded.ok()) << first_problem(graded);
  EXPECT_EQ(only_clinical(graded).encephalopathy, Encephalopathy::Grade3to4);
}

TEST(TermsAscitesObservation, UnknownOrWrongValuesAreProblems) {
  // "No ascites" is not a value of encephalopathy; an unknown SNOMED value; a quantity.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"13920009", concept_value(kSct, "860638000")},
      {"389026000", concept_value(kSct, "371923003")},
      {"389026000", R"("valueQuantity":{"value":2})"},
      {"389026000", concept_value("urn:switchpoint:hcc", "grade-1-2")},
  };
  for (const auto& [code, value] : cases) {
    const auto rr = read({obs(kSct, code, value)});
    ASSERT_FALSE(rr.ok()) << code << " " << value;
    EXPECT_TRUE(contains(rr.problems[0].location, "/entry/1/resource/value")) << rr.problems[0].location;
  }
  const auto no_value = read({obs(kSct, "389026000", "")});
  ASSERT_FALSE(no_value.ok());
  EXPECT_TRUE(contains(no_value.problems[0].message, "has no value")) << no_value.problems[0].message;
}

TEST(TermsAscitesObservation, PresentBesideAbsentOnOneDateIsAProblemBesideAGradeIsRefined) {
  const auto contradiction = read({obs(kSct, "389026000", concept_value(kSct, "52101004")),
                                   obs(kSct, "389026000", concept_value(kSct, "2667000"))});
  ASSERT_FALSE(contradiction.ok());
  EXPECT_TRUE(contains(contradiction.problems[0].message, "recorded as present here and as absent"))
      << first_problem(contradiction);
  const auto refined =
      read({obs(kSct, "389026000", R"("valueBoolean":true)"),
            obs("urn:switchpoint:hcc", "ascites", concept_value("urn:switchpoint:hcc", "moderate-severe"))});
  ASSERT_TRUE(refined.ok()) << first_problem(refined);
  EXPECT_EQ(only_clinical(refined).ascites, Ascites::ModerateSevere);
  EXPECT_FALSE(only_clinical(refined).ascites_present_ungraded);
  // Two different grades on one date.
  const auto two = read({obs(kSct, "389026000", concept_value(kSct, "255604002")),
                         obs("urn:switchpoint:hcc", "ascites", concept_value("urn:switchpoint:hcc", "none"))});
  EXPECT_FALSE(two.ok());
}

TEST(TermsAscitesObservation, EnteredInErrorAndDataAbsentAreSkippedAndCounted) {
  std::string eie = obs(kSct, "389026000", concept_value(kSct, "52101004"));
  eie.replace(eie.find("\"final\""), 7, "\"entered-in-error\"");
  const auto rr = read({eie, obs(kSct, "13920009", R"("dataAbsentReason":{"text":"not assessed"})")});
  ASSERT_TRUE(rr.ok()) << first_problem(rr);
  EXPECT_TRUE(rr.record->clinical.empty());
  EXPECT_EQ(rr.skipped.at("Observation http://snomed.info/sct|389026000 (status entered-in-error)"), 1);
  EXPECT_EQ(rr.skipped.at("Observation http://snomed.info/sct|13920009 (no value: dataAbsentReason)"), 1);
}

// ---- Ascites and hepatic encephalopathy as Conditions ----------------------------------

TEST(TermsAscitesCondition, ActiveIsPresentUngradedSeverityGradesAscites) {
  const auto active = read({cond(kSct, "389026000", kOnset)});
  ASSERT_TRUE(active.ok()) << first_problem(active);
  EXPECT_TRUE(only_clinical(active).ascites_present_ungraded);
  EXPECT_EQ(only_clinical(active).date, Date::parse("2024-02-01"));
  const auto mild =
      read({cond(kSct, "389026000", kOnset + R"(,"severity":{"coding":[)" + coding(kSct, "255604002") + "]}")});
  ASSERT_TRUE(mild.ok()) << first_problem(mild);
  EXPECT_EQ(only_clinical(mild).ascites, Ascites::Slight);
  const auto severe =
      read({cond(kSct, "389026000", kOnset + R"(,"severity":{"coding":[)" + coding(kSct, "24484000") + "]}")});
  ASSERT_TRUE(severe.ok()) << first_problem(severe);
  EXPECT_EQ(only_clinical(severe).ascites, Ascites::ModerateSevere);
  const auto bad =
      read({cond(kSct, "389026000", kOnset + R"(,"severity":{"coding":[)" + coding(kSct, "371923003") + "]}")});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.problems[0].location, "/entry/1/resource/severity");
}

TEST(TermsAscitesCondition, RefutedIsDocumentedAbsence) {
  const std::string refuted =
      R"("verificationStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-ver-status","code":"refuted"}]},"recordedDate":"2024-03-01")";
  const auto rr = read({cond(kSct, "389026000", refuted), cond(kSct, "13920009", refuted)});
  ASSERT_TRUE(rr.ok()) << first_problem(rr);
  EXPECT_EQ(only_clinical(rr).ascites, Ascites::None);
  EXPECT_EQ(only_clinical(rr).encephalopathy, Encephalopathy::None);
  EXPECT_EQ(only_clinical(rr).date, Date::parse("2024-03-01"));
}

TEST(TermsAscitesCondition, ResolvedIsPresentFromOnsetAndAbsentFromAbatement) {
  const auto rr = read({cond(
      kCm, "K76.82",
      R"("clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"resolved"}]},)" +
          kOnset + R"(,"abatementDateTime":"2024-02-20")")});
  ASSERT_TRUE(rr.ok()) << first_problem(rr);
  ASSERT_EQ(rr.record->clinical.size(), 2u);
  EXPECT_TRUE(rr.record->clinical[0].encephalopathy_present_ungraded);
  EXPECT_EQ(rr.record->clinical[1].date, Date::parse("2024-02-20"));
  EXPECT_EQ(rr.record->clinical[1].encephalopathy, Encephalopathy::None);
}

TEST(TermsAscitesCondition, IcdTenCmCodesAreReadFromConditionsOnly) {
  for (const char* code : {"R18.8", "R18.0", "K70.31"}) {
    const auto rr = read({cond(kCm, code, kOnset)});
    ASSERT_TRUE(rr.ok()) << code << ": " << first_problem(rr);
    EXPECT_TRUE(only_clinical(rr).ascites_present_ungraded) << code;
  }
  // As an Observation code an ICD-10-CM diagnosis is not read: skipped and counted.
  const auto rr = read({obs(kCm, "R18.8", R"("valueBoolean":true)")});
  ASSERT_TRUE(rr.ok());
  EXPECT_TRUE(rr.record->clinical.empty());
  EXPECT_EQ(rr.skipped.at("Observation http://hl7.org/fhir/sid/icd-10-cm|R18.8"), 1);
}

TEST(TermsAscitesCondition, WithoutADateIsAProblem) {
  const auto rr = read({cond(kSct, "389026000", "")});
  ASSERT_FALSE(rr.ok());
  EXPECT_TRUE(contains(rr.problems[0].message, "has no date")) << rr.problems[0].message;
}

// ---- Conditions of the therapy rules (SNOMED CT, ICD-10-CM) ---------------------------

std::optional<ConditionKind> kind_of(const std::string& system, const std::string& code, std::string extra = kOnset) {
  const auto rr = read({cond(system, code, extra)});
  EXPECT_TRUE(rr.ok()) << code << ": " << first_problem(rr);
  if (!rr.ok() || rr.record->conditions.empty()) return std::nullopt;
  return rr.record->conditions[0].kind;
}

TEST(TermsConditions, AutoimmuneDisease) {
  for (const char* c : {"85828009", "69896004", "55464009", "24700007", "34000006", "64766004", "408335007"})
    EXPECT_EQ(kind_of(kSct, c), ConditionKind::ActiveAutoimmuneDisease) << c;
  for (const char* c : {"M05.79", "M06.9", "M32.14", "M32", "G35", "K50.90", "K51.311", "K75.4"})
    EXPECT_EQ(kind_of(kCm, c), ConditionKind::ActiveAutoimmuneDisease) << c;
  // Not of the family: another category that begins with the same characters, or another system.
  EXPECT_EQ(kind_of(kCm, "M050"), std::nullopt);
  EXPECT_EQ(kind_of("http://hl7.org/fhir/sid/icd-10", "M32.1"), std::nullopt);
  // K75.4 is one code, not a family: K75.41 does not exist, K75.81 (NASH) is another disease.
  EXPECT_EQ(kind_of(kCm, "K75.81"), std::nullopt);
}

TEST(TermsConditions, SolidOrganTransplantStatus) {
  for (const char* c : {"Z94.0", "Z94.1", "Z94.2", "Z94.3", "Z94.4", "Z94.82", "Z94.83", "Z94.89", "Z94.9"})
    EXPECT_EQ(kind_of(kCm, c), ConditionKind::SolidOrganTransplant) << c;
  for (const char* c : {"Z94.5", "Z94.6", "Z94.7", "Z94.81", "Z94.84"}) {
    const auto rr = read({cond(kCm, c, kOnset)});
    ASSERT_TRUE(rr.ok()) << c;
    EXPECT_TRUE(rr.record->conditions.empty()) << c;
    ASSERT_EQ(rr.skipped.size(), 1u) << c;
    EXPECT_TRUE(contains(rr.skipped.begin()->first, "not a solid-organ transplant")) << rr.skipped.begin()->first;
  }
}

TEST(TermsConditions, VaricealBleedingNeedsItsOnset) {
  for (const char* c : {"I85.01", "I85.11"}) EXPECT_EQ(kind_of(kCm, c), ConditionKind::VaricealBleeding) << c;
  EXPECT_EQ(kind_of(kSct, "17709002"), ConditionKind::VaricealBleeding);
  const auto no_onset = read({cond(kSct, "17709002", "")});
  EXPECT_FALSE(no_onset.ok());
}

TEST(TermsConditions, ArterialEmbolismAndThrombosisNeedsItsOnset) {
  for (const char* c : {"I74", "I74.01", "I74.3", "I74.9"})
    EXPECT_EQ(kind_of(kCm, c), ConditionKind::ArterialThrombosis) << c;
  EXPECT_FALSE(read({cond(kCm, "I74.3", "")}).ok());
  // I82 is venous embolism and thrombosis: not arterial, skipped on its code.
  const auto venous = read({cond(kCm, "I82.401", kOnset)});
  ASSERT_TRUE(venous.ok());
  EXPECT_TRUE(venous.record->conditions.empty());
}

TEST(TermsConditions, RecognisedButNotReadAreSkippedWithTheReason) {
  const std::pair<std::string, std::string> cases[] = {{kCm, "I85.00"}, {kCm, "I85.10"},    {kSct, "28670008"},
                                                       {kCm, "I10"},    {kSct, "38341003"}, {kCm, "I81"}};
  for (const auto& [system, code] : cases) {
    const auto rr = read({cond(system, code, kOnset)});
    ASSERT_TRUE(rr.ok()) << code;
    EXPECT_TRUE(rr.record->conditions.empty()) << code;
    ASSERT_EQ(rr.skipped.size(), 1u) << code;
    EXPECT_TRUE(contains(rr.skipped.begin()->first, "Condition " + system + "|" + code + " ("))
        << rr.skipped.begin()->first;
  }
}

TEST(TermsConditions, UnknownCodesAreSkippedAndCountedNeverAProblem) {
  const auto rr = read({cond(kCm, "K74.60", kOnset), cond(kSct, "999999999", kOnset),
                        obs(kSct, "999999999", R"("valueBoolean":true)"), obs(kLnc, "8867-4", R"("valueInteger":70)")});
  ASSERT_TRUE(rr.ok()) << first_problem(rr);
  EXPECT_EQ(rr.skipped.at("Condition http://hl7.org/fhir/sid/icd-10-cm|K74.60"), 1);
  EXPECT_EQ(rr.skipped.at("Condition http://snomed.info/sct|999999999"), 1);
  EXPECT_EQ(rr.skipped.at("Observation http://snomed.info/sct|999999999"), 1);
  EXPECT_EQ(rr.skipped.at("Observation http://loinc.org|8867-4"), 1);
}

TEST(TermsConditions, CodingsNamingTwoDifferentConditionsAreAProblem) {
  const std::string two = R"({"resourceType":"Condition","code":{"coding":[)" + coding(kSct, "85828009") + "," +
                          coding(kCm, "Z94.4") + R"(]},"subject":{"reference":"Patient/p1"},)" + kOnset + "}";
  const auto rr = read({two});
  ASSERT_FALSE(rr.ok());
  EXPECT_EQ(rr.problems[0].location, "/entry/1/resource/code");
  // The same kind twice (SNOMED CT and ICD-10-CM) is one condition.
  const std::string same = R"({"resourceType":"Condition","code":{"coding":[)" + coding(kSct, "69896004") + "," +
                           coding(kCm, "M06.9") + R"(]},"subject":{"reference":"Patient/p1"},)" + kOnset + "}";
  const auto ok = read({same});
  ASSERT_TRUE(ok.ok()) << first_problem(ok);
  EXPECT_EQ(ok.record->conditions.size(), 1u);
}

TEST(TermsConditions, RefutedAutoimmuneDiseaseIsNotACondition) {
  const auto rr = read({cond(
      kSct, "85828009",
      R"("verificationStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-ver-status","code":"refuted"}]})")});
  ASSERT_TRUE(rr.ok()) << first_problem(rr);
  EXPECT_TRUE(rr.record->conditions.empty());
  EXPECT_EQ(rr.skipped.at("Condition http://snomed.info/sct|85828009 (verificationStatus refuted)"), 1);
}

// ---- The HCC diagnosis: SNOMED CT, ICD-10-CM C22.0, ICD-O-3 8170/3 ---------------------

TEST(TermsDiagnosis, EachCodeGivesTheDiagnosisDate) {
  const std::pair<std::string, std::string> codes[] = {{kSct, "109841003"},
                                                       {kCm, "C22.0"},
                                                       {"http://hl7.org/fhir/sid/icd-10", "C22.0"},
                                                       {"http://terminology.hl7.org/CodeSystem/icd-o-3", "8170/3"}};
  for (const auto& [system, code] : codes) {
    const auto rr = read({cond(system, code, kOnset)});
    ASSERT_TRUE(rr.ok()) << code << ": " << first_problem(rr);
    EXPECT_EQ(rr.record->hcc_diagnosis, Date::parse("2024-02-01")) << code;
    EXPECT_EQ(rr.skipped.at("used: diagnosis"), 1) << code;
  }
}

TEST(TermsDiagnosis, EarliestDateRecordedDatePartialAndRefuted) {
  const auto rr = read({cond(kSct, "109841003", kOnset), cond(kCm, "C22.0", R"("onsetDateTime":"2023-11-05")")});
  ASSERT_TRUE(rr.ok()) << first_problem(rr);
  EXPECT_EQ(rr.record->hcc_diagnosis, Date::parse("2023-11-05"));
  const auto recorded = read({cond(kSct, "109841003", R"("recordedDate":"2023-12-01")")});
  ASSERT_TRUE(recorded.ok()) << first_problem(recorded);
  EXPECT_EQ(recorded.record->hcc_diagnosis, Date::parse("2023-12-01"));
  const auto partial = read({cond(kSct, "109841003", R"("onsetDateTime":"2023-11")")});
  ASSERT_TRUE(partial.ok()) << first_problem(partial);
  EXPECT_FALSE(partial.record->hcc_diagnosis.has_value());
  const auto none = read({cond(kSct, "109841003", "")});
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none.record->hcc_diagnosis.has_value());
  EXPECT_EQ(none.skipped.at("used: diagnosis"), 1);
  const auto refuted = read({cond(
      kSct, "109841003",
      kOnset +
          R"(,"verificationStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-ver-status","code":"refuted"}]})")});
  ASSERT_TRUE(refuted.ok());
  EXPECT_FALSE(refuted.record->hcc_diagnosis.has_value());
  const auto invalid = read({cond(kSct, "109841003", R"("onsetDateTime":"2023-02-30")")});
  EXPECT_FALSE(invalid.ok());
  // ICD-O-3 8171/3 (fibrolamellar) is not mapped: skipped on its code.
  const auto fibrolamellar = read({cond("http://terminology.hl7.org/CodeSystem/icd-o-3", "8171/3", kOnset)});
  ASSERT_TRUE(fibrolamellar.ok());
  EXPECT_FALSE(fibrolamellar.record->hcc_diagnosis.has_value());
}

// ---- The tables themselves -------------------------------------------------------------

TEST(TermsTables, EveryEntryNamesItsSource) {
  for (const auto& c : fhir::terms::liver_finding_codes()) EXPECT_FALSE(c.source.empty()) << c.code;
  for (const auto& c : fhir::terms::presence_codes()) EXPECT_FALSE(c.source.empty()) << c.code;
  for (const auto& c : fhir::terms::condition_codes()) EXPECT_FALSE(c.source.empty()) << c.code;
  for (const auto& c : fhir::terms::not_read_conditions()) EXPECT_FALSE(c.source.empty()) << c.code;
  for (const auto& c : fhir::terms::hcc_diagnosis_codes()) EXPECT_FALSE(c.source.empty()) << c.code;
  EXPECT_EQ(fhir::terms::ecog_answers().size(), 6u);
  EXPECT_NE(fhir::terms::ecog_answers_source().find("LL529-9"), std::string_view::npos);
}

}  // namespace
}  // namespace switchpoint
