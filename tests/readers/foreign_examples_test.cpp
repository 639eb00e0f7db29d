// Foreign data nobody here wrote (issue 14, item 4): the published example instances of the HL7
// mCODE STU4 and US Core implementation guides (tests/foreign/, unchanged; see its README for the
// source, version and licence), bundled per patient, are read without a problem; what the engine
// does not read is skipped and counted. The expectations follow from the resources' types, codes and
// values and from the reader's rules (docs/fhir.md, docs/terminology.md), not from the program's
// output: every count below is derived in its comment.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "readers/fhir_r4.h"
#include "support/files.h"

namespace switchpoint {
namespace {

namespace fs = std::filesystem;
const fs::path kForeign = fs::path(SWITCHPOINT_SOURCE_DIR) / "tests" / "foreign";

using testing_support::slurp;

// A `collection` Bundle of the resources of `files`, each file's text copied unchanged into its
// entry; fullUrl https://example.org/fhir/<type>/<id> (the files' references are relative).
std::string bundle_of(const std::vector<fs::path>& files) {
  std::string out = R"({"resourceType":"Bundle","type":"collection","entry":[)";
  simdjson::dom::parser parser;
  bool first = true;
  for (const auto& f : files) {
    const std::string text = slurp(f);
    simdjson::dom::element r;
    std::string_view type, id;
    EXPECT_EQ(parser.parse(text).get(r), simdjson::SUCCESS) << f;
    EXPECT_EQ(r["resourceType"].get(type), simdjson::SUCCESS) << f;
    EXPECT_EQ(r["id"].get(id), simdjson::SUCCESS) << f;
    out += first ? "" : ",";
    first = false;
    out += R"({"fullUrl":"https://example.org/fhir/)" + std::string(type) + "/" + std::string(id) + R"(","resource":)" +
           text + "}";
  }
  return out + "]}";
}

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".json") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

int total(const ReadResult& rr) {
  return std::accumulate(rr.skipped.begin(), rr.skipped.end(), 0, [](int n, const auto& kv) { return n + kv.second; });
}

int skipped(const ReadResult& rr, const std::string& key) {
  const auto it = rr.skipped.find(key);
  return it == rr.skipped.end() ? 0 : it->second;
}

// Skipped with a reason: the key is the code followed by " (why …)".
int skipped_because(const ReadResult& rr, const std::string& key, const std::string& why) {
  int n = 0;
  for (const auto& [k, v] : rr.skipped)
    if (k.starts_with(key + " (") && k.find(why) != std::string::npos) n += v;
  return n;
}

std::string problems_of(const ReadResult& rr) {
  std::string s;
  for (const auto& p : rr.problems) s += "\n  " + p.location + " " + p.message;
  return s;
}

std::string skipped_list(const ReadResult& rr) {
  std::string s;
  for (const auto& [k, n] : rr.skipped) s += "\n  " + std::to_string(n) + " × " + k;
  return s;
}

Date d(std::string_view iso) { return *Date::parse(iso); }

const std::string kRxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";

// mCODE's own patient Bundle of Jenny M. (40 entries), read as published.
TEST(ForeignMcode, JennyMBundleIsReadWithoutAProblem) {
  const ReadResult rr =
      read_fhir_bundle(slurp(kForeign / "mcode" / "jenny-m" / "Bundle-mcode-patient-bundle-jenny-m.json"));
  ASSERT_TRUE(rr.ok()) << problems_of(rr);
  const PatientRecord& r = *rr.record;
  EXPECT_EQ(r.patient_id, "cancer-patient-jenny-m");
  // Read: ECOG (LOINC 89247-1, valueInteger 0 with the agreeing LL529-9 answer LA9622-7) on
  // 2018-04-12, and body weight (LOINC 29463-7) 155 [lb_av] = 155 × 0.4536 = 70.308 kg on 2018-03-06
  // (the resource's effectiveDateTime; its id says 03-16).
  ASSERT_EQ(r.clinical.size(), 2u);
  EXPECT_EQ(r.clinical[0].date, d("2018-03-06"));
  ASSERT_TRUE(r.clinical[0].weight_kg.has_value());
  EXPECT_NEAR(r.clinical[0].weight_kg->value, 70.308, 1e-3);
  EXPECT_FALSE(r.clinical[0].ecog.has_value());
  EXPECT_EQ(r.clinical[1].date, d("2018-04-12"));
  EXPECT_EQ(r.clinical[1].ecog, 0);
  // Nothing else is a fact of this engine: no lab of its table, no TACE, no HCC therapy.
  EXPECT_TRUE(r.labs.bilirubin_umol_per_l.empty());
  EXPECT_TRUE(r.tace.empty());
  EXPECT_TRUE(r.systemic.empty());
  EXPECT_TRUE(r.conditions.empty());
  EXPECT_FALSE(r.hcc_diagnosis.has_value());  // breast cancer (SNOMED CT 353431000119107), not HCC
  // 40 entries − the Patient − the two read = 37 skipped and counted.
  EXPECT_EQ(total(rr), 37) << skipped_list(rr);
  // Types not read: 2 DiagnosticReport, 2 FamilyMemberHistory, 2 Practitioner, 1 Specimen, 1 Organization.
  EXPECT_EQ(skipped(rr, "DiagnosticReport"), 2) << skipped_list(rr);
  EXPECT_EQ(skipped(rr, "FamilyMemberHistory"), 2);
  EXPECT_EQ(skipped(rr, "Practitioner"), 2);
  EXPECT_EQ(skipped(rr, "Specimen"), 1);
  EXPECT_EQ(skipped(rr, "Organization"), 1);
  // Chemotherapy of breast cancer: RxNorm ingredients that are no HCC agent.
  EXPECT_EQ(skipped(rr, "MedicationRequest " + kRxNorm + "|3002"), 1);     // cyclophosphamide
  EXPECT_EQ(skipped(rr, "MedicationRequest " + kRxNorm + "|84857"), 1);    // anastrozole
  EXPECT_EQ(skipped(rr, "Procedure http://snomed.info/sct|64368001"), 1);  // partial mastectomy
  EXPECT_EQ(skipped_because(rr, "Observation http://loinc.org|97509-4", "disease status"),
            1);  // not an mRECIST category
}

// John Anyperson: the mCODE examples that name him (44 resources: 33 Observation, 4 Condition, 3 MedicationRequest,
// Procedure, BodyStructure, DiagnosticReport, Specimen) and his Patient.
TEST(ForeignMcode, JohnAnypersonIsReadWithoutAProblem) {
  const auto files = files_in(kForeign / "mcode" / "john-anyperson");
  ASSERT_EQ(files.size(), 45u);
  const ReadResult rr = read_fhir_bundle(bundle_of(files));
  ASSERT_TRUE(rr.ok()) << problems_of(rr);
  const PatientRecord& r = *rr.record;
  // mCODE ECOG example "fully active": valueInteger 0 (interpretation LA9622-7 agrees), and the
  // Karnofsky example: valueInteger 90, kept as Karnofsky, never turned into an ECOG grade; one
  // date, so one assessment.
  ASSERT_EQ(r.clinical.size(), 1u);
  EXPECT_EQ(r.clinical[0].date, d("2019-04-01"));
  EXPECT_EQ(r.clinical[0].ecog, 0);
  EXPECT_EQ(r.clinical[0].karnofsky, 90);
  EXPECT_TRUE(r.systemic.empty());
  EXPECT_TRUE(r.conditions.empty());
  EXPECT_TRUE(r.procedures.empty());
  // 44 − 2 read = 42 skipped.
  EXPECT_EQ(total(rr), 42) << skipped_list(rr);
  // Cisplatin (RxNorm 309311) twice, gefitinib (349472): no HCC agent. The stopped cisplatin
  // request has no end date; that would be a problem for an agent the engine reads, not here.
  EXPECT_EQ(skipped(rr, "MedicationRequest " + kRxNorm + "|309311"), 2) << skipped_list(rr);
  EXPECT_EQ(skipped(rr, "MedicationRequest " + kRxNorm + "|349472"), 1);
  // Heart failure (ICD-10-CM I50.32) and the cancer conditions are no condition of the rules.
  EXPECT_EQ(skipped(rr, "Condition http://hl7.org/fhir/sid/icd-10-cm|I50.32"), 1);
  EXPECT_EQ(skipped(rr, "Procedure http://snomed.info/sct|359615001"), 1);  // lobectomy
  // A Deauville score (SNOMED CT 708895006) is an integer, but not a code the engine reads.
  EXPECT_EQ(skipped(rr, "Observation http://snomed.info/sct|708895006"), 1);
  EXPECT_EQ(skipped(rr, "BodyStructure"), 1);
  EXPECT_EQ(skipped(rr, "DiagnosticReport"), 1);
  EXPECT_EQ(skipped(rr, "Specimen"), 1);
}

// Brian L., a child with leukaemia (born 2021): nothing of his is an HCC fact.
TEST(ForeignMcode, BrianLIsReadWithoutAProblemAndNothingIsAFact) {
  const auto files = files_in(kForeign / "mcode" / "brian-l");
  ASSERT_EQ(files.size(), 28u);
  const ReadResult rr = read_fhir_bundle(bundle_of(files));
  ASSERT_TRUE(rr.ok()) << problems_of(rr);
  const PatientRecord& r = *rr.record;
  // The Lansky play-performance score (NCIt C38144, valueInteger 80) is neither ECOG nor Karnofsky.
  EXPECT_TRUE(r.clinical.empty());
  EXPECT_TRUE(r.systemic.empty());
  EXPECT_TRUE(r.labs.platelets_1e9_per_l.empty());
  // All 27 resources but the Patient are skipped.
  EXPECT_EQ(total(rr), 27) << skipped_list(rr);
  EXPECT_EQ(skipped(rr, "Observation http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl|C38144"), 1)
      << skipped_list(rr);
  // Administrations of cyclophosphamide (RxNorm 3002), idarubicin, prednisone, vincristine;
  // requests of the four.
  EXPECT_EQ(skipped(rr, "MedicationAdministration " + kRxNorm + "|3002"), 1);
  EXPECT_EQ(skipped(rr, "MedicationRequest " + kRxNorm + "|3002"), 1);
  EXPECT_EQ(skipped(rr, "Observation http://loinc.org|718-7"), 1);  // haemoglobin
}

// Every mCODE example that names Jenny M. (54 resources, more than the IG's Bundle: a second body
// weight, three MedicationAdministrations, pathology TNM) and her Patient.
TEST(ForeignMcode, JennyMExamplesAreReadWithoutAProblem) {
  const auto files = files_in(kForeign / "mcode" / "jenny-m-examples");
  ASSERT_EQ(files.size(), 55u);
  const ReadResult rr = read_fhir_bundle(bundle_of(files));
  ASSERT_TRUE(rr.ok()) << problems_of(rr);
  const PatientRecord& r = *rr.record;
  // Read: weight 155 [lb_av] on 2018-03-06 and 150 [lb_av] = 68.04 kg on 2018-04-22; ECOG 0 on
  // 2018-04-12: three dates, three assessments.
  ASSERT_EQ(r.clinical.size(), 3u);
  EXPECT_EQ(r.clinical[0].date, d("2018-03-06"));
  EXPECT_NEAR(r.clinical[0].weight_kg->value, 155 * 0.4536, 1e-9);
  EXPECT_EQ(r.clinical[1].date, d("2018-04-12"));
  EXPECT_EQ(r.clinical[1].ecog, 0);
  EXPECT_EQ(r.clinical[2].date, d("2018-04-22"));
  EXPECT_NEAR(r.clinical[2].weight_kg->value, 150 * 0.4536, 1e-9);
  EXPECT_TRUE(r.systemic.empty());
  // 54 − 3 read = 51 skipped.
  EXPECT_EQ(total(rr), 51) << skipped_list(rr);
  // Chemotherapy administrations: cyclophosphamide 3002, doxorubicin 1790099, paclitaxel 56946.
  EXPECT_EQ(skipped(rr, "MedicationAdministration " + kRxNorm + "|3002"), 1) << skipped_list(rr);
  EXPECT_EQ(skipped(rr, "MedicationAdministration " + kRxNorm + "|1790099"), 1);
  EXPECT_EQ(skipped(rr, "MedicationAdministration " + kRxNorm + "|56946"), 1);
  EXPECT_EQ(skipped_because(rr, "Observation http://loinc.org|21889-1", ""), 1) << skipped_list(rr);  // pathology size
  EXPECT_EQ(skipped(rr, "Observation http://loinc.org|8302-2"), 1);                                   // body height
}

// The small mCODE patients: Adam Everyman (CLL; a "history of cancer metastatic to liver"
// Observation with no value, SNOMED CT 1098951000119108, is not HCC data), Eve Anyperson (breast
// cancer), Lucy (a child: body surface area, Lansky play performance). Nothing is read.
TEST(ForeignMcode, SmallPatientsAreReadWithoutAProblem) {
  for (const auto& [patient, n] :
       std::vector<std::pair<std::string, int>>{{"adam-everyman", 5}, {"eve-anyperson", 5}, {"lucy-child", 3}}) {
    const auto files = files_in(kForeign / "mcode" / patient);
    ASSERT_EQ(files.size(), static_cast<std::size_t>(n)) << patient;
    const ReadResult rr = read_fhir_bundle(bundle_of(files));
    ASSERT_TRUE(rr.ok()) << patient << problems_of(rr);
    EXPECT_TRUE(rr.record->clinical.empty()) << patient;
    EXPECT_TRUE(rr.record->conditions.empty()) << patient;
    EXPECT_FALSE(rr.record->hcc_diagnosis.has_value()) << patient;
    EXPECT_EQ(total(rr), n - 1) << patient << skipped_list(rr);  // all but the Patient
  }
}

// US Core's example patient with 35 of its example resources: vital signs, labs, conditions,
// procedures, the three forms of a MedicationRequest, Medications and resources of types not read.
TEST(ForeignUsCore, ExamplePatientIsReadWithoutAProblem) {
  const auto files = files_in(kForeign / "us-core" / "example");
  ASSERT_EQ(files.size(), 36u);
  const ReadResult rr = read_fhir_bundle(bundle_of(files));
  ASSERT_TRUE(rr.ok()) << problems_of(rr);
  const PatientRecord& r = *rr.record;
  EXPECT_EQ(r.patient_id, "example");
  // Read: platelets (LOINC 777-3) 200 10*3/uL = 200 × 10⁹/L, and creatinine (LOINC 2160-0)
  // 1 mg/dL = 88.4 µmol/L, both on 2005-07-05.
  ASSERT_EQ(r.labs.platelets_1e9_per_l.size(), 1u);
  EXPECT_EQ(r.labs.platelets_1e9_per_l[0].date, d("2005-07-05"));
  EXPECT_DOUBLE_EQ(r.labs.platelets_1e9_per_l[0].value, 200.0);
  ASSERT_EQ(r.labs.creatinine_umol_per_l.size(), 1u);
  EXPECT_NEAR(r.labs.creatinine_umol_per_l[0].value, 88.4, 1e-9);
  EXPECT_TRUE(r.clinical.empty());  // no weight here, no ECOG
  EXPECT_TRUE(r.systemic.empty());
  // 35 − 2 read = 33 skipped.
  EXPECT_EQ(total(rr), 33) << skipped_list(rr);
  // Vital signs: a blood pressure panel (LOINC 85354-9, twice: one with its components absent),
  // heart rate 8867-4; sodium 2951-2.
  EXPECT_EQ(skipped(rr, "Observation http://loinc.org|85354-9"), 2) << skipped_list(rr);
  EXPECT_EQ(skipped(rr, "Observation http://loinc.org|8867-4"), 1);
  EXPECT_EQ(skipped(rr, "Observation http://loinc.org|2951-2"), 1);
  // CPT 33249 (defibrillator implant): CPT is not read.
  EXPECT_EQ(skipped(rr, "Procedure http://www.ama-assn.org/go/cpt|33249"), 1);
  // Nizatidine ordered coded (RxNorm 476872), through a contained and through a referenced
  // Medication (RxNorm 582620): no HCC agent, skipped on its code.
  EXPECT_EQ(skipped(rr, "MedicationRequest " + kRxNorm + "|476872"), 1);
  EXPECT_EQ(skipped(rr, "MedicationRequest " + kRxNorm + "|582620"), 2);
  // The two Medication resources are read only through a reference.
  EXPECT_EQ(skipped(rr, "Medication (read only through a medicationReference)"), 2);
  EXPECT_EQ(skipped(rr, "MedicationDispense"), 1);
  EXPECT_EQ(skipped(rr, "Encounter"), 1);
  EXPECT_EQ(skipped(rr, "AllergyIntolerance"), 1);
  EXPECT_EQ(skipped(rr, "Immunization"), 1);
  EXPECT_EQ(skipped(rr, "DiagnosticReport"), 2);
  EXPECT_EQ(skipped(rr, "Specimen"), 1);
}

// US Core's body-weight example is a child's 20.09414 kg (1999). Body weight is a code the engine
// reads, and CLINICAL_RULES.md §1 holds 25–300 kg plausible for its (adult) patients: an
// implausible value of a read code is a problem, never skipped and never read.
TEST(ForeignUsCore, ChildWeightOutsideThePlausibleRangeIsAProblem) {
  const ReadResult rr = read_fhir_bundle(bundle_of({kForeign / "us-core" / "example" / "patient-example.json",
                                                    kForeign / "us-core" / "child-weight" / "weight.json"}));
  ASSERT_FALSE(rr.ok());
  ASSERT_EQ(rr.problems.size(), 1u) << problems_of(rr);
  EXPECT_EQ(rr.problems[0].location, "/entry/1/resource/valueQuantity");
  EXPECT_NE(rr.problems[0].message.find("25"), std::string::npos) << rr.problems[0].message;
}

// The same published resources with one value made impossible: a code the engine reads with an
// impossible value is always a problem (never skipped), at the value's pointer. The altered text is
// built in memory; the fixtures stay unchanged.
std::string replaced(const fs::path& file, const std::string& from, const std::string& to) {
  std::string text = slurp(file);
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from << " not in " << file;
  EXPECT_EQ(text.find(from, at + 1), std::string::npos) << from << " twice in " << file;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

ReadResult read_patient_and(const fs::path& patient, const std::string& resource) {
  return read_fhir_bundle(R"({"resourceType":"Bundle","type":"collection","entry":[{"resource":)" + slurp(patient) +
                          R"(},{"resource":)" + resource + "}]}");
}

TEST(ForeignAltered, AnImpossibleValueOfAReadCodeIsAProblem) {
  const fs::path john = kForeign / "mcode" / "john-anyperson";
  const fs::path ecog = john / "Observation-ecog-performance-status-fully-active.json";
  const fs::path karnofsky = john / "Observation-karnofsky-performance-status-normal-activity.json";
  const fs::path patient = john / "Patient-cancer-patient-john-anyperson.json";
  struct Alteration {
    fs::path file, patient;
    std::string from, to, pointer;
  };
  const fs::path us = kForeign / "us-core" / "example";
  const std::vector<Alteration> cases = {
      // ECOG is 0–5.
      {ecog, patient, R"("valueInteger":0)", R"("valueInteger":7)", "/entry/1/resource/valueInteger"},
      // ECOG 2 beside the LOINC answer of ECOG 0 (LA9622-7): the two disagree.
      {ecog, patient, R"("valueInteger":0)", R"("valueInteger":2)", "/entry/1/resource/interpretation"},
      // Karnofsky is 0–100 in steps of 10.
      {karnofsky, patient, R"("valueInteger":90)", R"("valueInteger":95)", "/entry/1/resource/valueInteger"},
      // Platelets 20000 × 10⁹/L: outside 5–1500 (CLINICAL_RULES.md §1).
      {us / "observation-cbc-platelets.json", us / "patient-example.json", R"("value": 200,)", R"("value": 20000,)",
       "/entry/1/resource/valueQuantity"},
      // Creatinine in a unit that is not one of creatinine's.
      {us / "observation-serum-creatinine.json", us / "patient-example.json",
       "\"unit\": \"mg/dL\",\n    \"system\": \"http://unitsofmeasure.org\",\n    \"code\": \"mg/dL\"",
       "\"unit\": \"mg\",\n    \"system\": \"http://unitsofmeasure.org\",\n    \"code\": \"mg\"",
       "/entry/1/resource/valueQuantity"},
  };
  for (const auto& c : cases) {
    const ReadResult rr = read_patient_and(c.patient, replaced(c.file, c.from, c.to));
    EXPECT_FALSE(rr.ok()) << c.file.filename() << " " << c.to;
    ASSERT_FALSE(rr.problems.empty()) << c.file.filename() << " " << c.to << skipped_list(rr);
    EXPECT_EQ(rr.problems[0].location.rfind(c.pointer, 0), 0u)
        << c.file.filename() << " " << c.to << ": " << problems_of(rr);
    EXPECT_EQ(total(rr), 0) << c.to << ": an impossible value is not skipped" << skipped_list(rr);
  }
  // Unaltered, the same pairs are read (the other side of each alteration).
  for (const auto& c : cases) EXPECT_TRUE(read_patient_and(c.patient, slurp(c.file)).ok()) << c.file.filename();
}

// Every fixture file is a resource of a published example, unchanged: its JSON parses and names its
// type and id (the README lists the source of each folder).
TEST(ForeignFixtures, EveryFileIsAResource) {
  simdjson::dom::parser parser;
  int n = 0;
  for (const auto& e : fs::recursive_directory_iterator(kForeign)) {
    if (e.path().extension() != ".json") continue;
    simdjson::dom::element r;
    std::string_view type;
    ASSERT_EQ(parser.load(e.path().string()).get(r), simdjson::SUCCESS) << e.path();
    EXPECT_EQ(r["resourceType"].get(type), simdjson::SUCCESS) << e.path();
    ++n;
  }
  EXPECT_EQ(n, 1 + 45 + 28 + 55 + 5 + 5 + 3 + 36 + 1);
}

}  // namespace
}  // namespace switchpoint
