// Bulk NDJSON cohorts join Medication (issue 14, docs/cohort.md "Medications"): a FHIR Bulk export
// writes Medications to Medication.ndjson, in no patient's compartment (FHIR Bulk Data IG: the
// Patient compartment does not hold Medication). A medicationReference "Medication/<id>" of a
// patient's MedicationStatement, MedicationRequest or MedicationAdministration is followed into it,
// whatever the order of the files; a Medication that is not in the export is skipped and counted
// as before; one id on two different Medications is a problem, never settled by the file order.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cohort/cohort.h"
#include "cohort/ndjson_input.h"
#include "cohort/parallel.h"
#include "cohort_test_util.h"
#include "readers/fhir_r4.h"

namespace switchpoint::cohort {
namespace {

using testing::spit;
using testing::TempDir;

constexpr const char* kRx = "http://www.nlm.nih.gov/research/umls/rxnorm";
constexpr const char* kAtc = "http://www.whocc.no/atc";

std::string medication(const std::string& id, const std::string& system, const std::string& code) {
  return R"({"resourceType":"Medication","id":")" + id + R"(","code":{"coding":[{"system":")" + system +
         R"(","code":")" + code + R"("}]}})";
}

// A MedicationRequest (order) of `patient` authored on `date`, naming Medication/<id>.
std::string request_ref(const std::string& id, const std::string& patient, const std::string& medication_id,
                        const std::string& date) {
  return R"({"resourceType":"MedicationRequest","id":")" + id +
         R"(","status":"active","intent":"order","subject":{"reference":"Patient/)" + patient +
         R"("},"medicationReference":{"reference":"Medication/)" + medication_id + R"("},"authoredOn":")" + date +
         R"("})";
}

// The same, coded directly.
std::string request_coded(const std::string& id, const std::string& patient, const std::string& system,
                          const std::string& code, const std::string& date) {
  return R"({"resourceType":"MedicationRequest","id":")" + id +
         R"(","status":"active","intent":"order","subject":{"reference":"Patient/)" + patient +
         R"("},"medicationCodeableConcept":{"coding":[{"system":")" + system + R"(","code":")" + code +
         R"("}]},"authoredOn":")" + date + R"("})";
}

std::string patient(const std::string& id) {
  return R"({"resourceType":"Patient","id":")" + id + R"(","birthDate":"1950-02-03"})";
}

std::string lines(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& l : v) out += l + "\n";
  return out;
}

struct Scanned {
  Stats stats;
  NdjsonPatients in;
  std::vector<NdjsonPatient> patients;
  const NdjsonPatient* of(const std::string& id) const {
    for (std::size_t i = 0; i < in.patients.size(); ++i)
      if (in.patients[i].first == id) return &patients[i];
    return nullptr;
  }
};

Scanned scan(const std::vector<std::string>& files, int threads = 1) {
  Scanned s;
  Options o;
  o.inputs = files;
  Progress progress(false);
  s.in = scan_ndjson(files, o, threads, s.stats, progress);
  simdjson::dom::parser parser;
  for (std::size_t i = 0; i < s.in.patients.size(); ++i) s.patients.push_back(read_ndjson_patient(s.in, i, parser));
  return s;
}

std::string problems_of(const ReadResult& rr) {
  std::string out;
  for (const auto& p : rr.problems) out += p.location + ": " + p.message + "\n";
  return out;
}

int skipped_containing(const std::map<std::string, int>& skipped, const std::string& words) {
  int n = 0;
  for (const auto& [k, v] : skipped)
    if (k.find(words) != std::string::npos) n += v;
  return n;
}

// Atezolizumab coded directly and bevacizumab through Medication/bev of Medication.ndjson, a day
// apart: the §7 combination, exactly as the same resources in one Bundle give it.
TEST(NdjsonMedication, AReferencedMedicationOfTheExportIsJoined) {
  TempDir d;
  const std::string pat = d.file("Patient.ndjson"), req = d.file("MedicationRequest.ndjson"),
                    med = d.file("Medication.ndjson");
  spit(pat, lines({patient("p1"), patient("p2")}));
  spit(req, lines({request_coded("r1", "p1", kRx, "1792776", "2024-03-04"),
                   request_ref("r2", "p1", "bev", "2024-03-05"), request_ref("r3", "p2", "sor", "2024-05-01")}));
  spit(med, lines({medication("bev", kAtc, "L01FG01"), medication("sor", kAtc, "L01EX02"),
                   medication("unused", kRx, "6809")}));
  // The Medication file first, last, and with several workers: the same records.
  for (const auto& order : {std::vector<std::string>{pat, req, med}, std::vector<std::string>{med, pat, req}}) {
    for (int threads : {1, 3}) {
      const Scanned s = scan(order, threads);
      ASSERT_EQ(s.in.patients.size(), 2u);
      const NdjsonPatient* p1 = s.of("p1");
      ASSERT_NE(p1, nullptr);
      ASSERT_TRUE(p1->rr.ok()) << problems_of(p1->rr);
      ASSERT_EQ(p1->rr.record->systemic.size(), 1u);
      EXPECT_EQ(p1->rr.record->systemic[0].regimen, "atezolizumab-bevacizumab");
      EXPECT_EQ(p1->rr.record->systemic[0].start, Date::parse("2024-03-04"));
      const NdjsonPatient* p2 = s.of("p2");
      ASSERT_NE(p2, nullptr);
      ASSERT_TRUE(p2->rr.ok()) << problems_of(p2->rr);
      ASSERT_EQ(p2->rr.record->systemic.size(), 1u);
      EXPECT_EQ(p2->rr.record->systemic[0].regimen, "sorafenib");
      EXPECT_EQ(skipped_containing(p1->rr.skipped, "medicationReference"), 0);
      // Each Medication line is still counted once as skipped, as a Bundle counts its Medications.
      EXPECT_EQ(s.stats.skipped.at("Medication (read only through a medicationReference)"), 3u);
      EXPECT_TRUE(s.stats.invalid.empty());
    }
  }
  // The same resources as one Bundle: the same regimen and start.
  const std::string bundle = R"({"resourceType":"Bundle","type":"collection","entry":[{"resource":)" + patient("p1") +
                             R"(},{"resource":)" + request_coded("r1", "p1", kRx, "1792776", "2024-03-04") +
                             R"(},{"resource":)" + request_ref("r2", "p1", "bev", "2024-03-05") + R"(},{"resource":)" +
                             medication("bev", kAtc, "L01FG01") + "}]}";
  const ReadResult direct = read_fhir_bundle(bundle);
  ASSERT_TRUE(direct.ok()) << problems_of(direct);
  ASSERT_EQ(direct.record->systemic.size(), 1u);
  EXPECT_EQ(direct.record->systemic[0].regimen, "atezolizumab-bevacizumab");
  EXPECT_EQ(direct.record->systemic[0].start, Date::parse("2024-03-04"));
}

// A Medication the export does not hold: skipped and counted, as before (never a problem, never
// a guess); so is a reference that is not "Medication/<id>" of this export.
TEST(NdjsonMedication, AMedicationNotInTheExportIsSkippedAndCounted) {
  TempDir d;
  const std::string pat = d.file("Patient.ndjson"), req = d.file("MedicationRequest.ndjson"),
                    med = d.file("Medication.ndjson");
  spit(pat, lines({patient("p1")}));
  spit(
      req,
      lines(
          {request_ref("r1", "p1", "missing", "2024-05-01"),
           R"({"resourceType":"MedicationRequest","id":"r2","status":"active","intent":"order","subject":{"reference":"Patient/p1"},"medicationReference":{"reference":"https://elsewhere.example.org/fhir/Medication/sor"},"authoredOn":"2024-05-01"})"}));
  spit(med, lines({medication("sor", kAtc, "L01EX02")}));
  const Scanned s = scan({pat, req, med});
  const NdjsonPatient* p1 = s.of("p1");
  ASSERT_NE(p1, nullptr);
  ASSERT_TRUE(p1->rr.ok()) << problems_of(p1->rr);
  EXPECT_TRUE(p1->rr.record->systemic.empty());
  EXPECT_EQ(skipped_containing(p1->rr.skipped, "MedicationRequest medicationReference (Medication not in the bundle"),
            2);
  // Without any Medication file: the same.
  const Scanned none = scan({pat, req});
  ASSERT_TRUE(none.of("p1")->rr.ok());
  EXPECT_EQ(skipped_containing(none.of("p1")->rr.skipped, "Medication not in the bundle"), 2);
}

// A Medication whose code the engine does not read: the order is skipped on its code, as when the
// Medication is in a Bundle.
TEST(NdjsonMedication, AJoinedMedicationWithAnUnknownCodeIsSkippedOnItsCode) {
  TempDir d;
  const std::string pat = d.file("Patient.ndjson"), req = d.file("MedicationRequest.ndjson"),
                    med = d.file("Medication.ndjson");
  spit(pat, lines({patient("p1")}));
  spit(req, lines({request_ref("r1", "p1", "metformin", "2024-05-01")}));
  spit(med, lines({medication("metformin", kRx, "6809")}));
  const Scanned s = scan({pat, req, med});
  const NdjsonPatient* p1 = s.of("p1");
  ASSERT_TRUE(p1->rr.ok()) << problems_of(p1->rr);
  EXPECT_TRUE(p1->rr.record->systemic.empty());
  EXPECT_EQ(skipped_containing(p1->rr.skipped, "Medication not in the bundle"), 0);
  EXPECT_GE(skipped_containing(p1->rr.skipped, "6809"), 1);
}

// One id, two different Medications: which one the order names cannot be told. The second line is
// an invalid line, and every patient whose reference names the id is withheld with a problem;
// the other patients are not touched. The same Medication twice (an export that repeats one) is
// read once.
TEST(NdjsonMedication, OneIdOnTwoDifferentMedicationsIsAProblem) {
  TempDir d;
  const std::string pat = d.file("Patient.ndjson"), req = d.file("MedicationRequest.ndjson"),
                    med = d.file("Medication.ndjson"), med2 = d.file("Medication.2.ndjson");
  spit(pat, lines({patient("p1"), patient("p2"), patient("p3")}));
  spit(req, lines({request_ref("r1", "p1", "x", "2024-05-01"), request_ref("r2", "p2", "sor", "2024-05-01"),
                   request_ref("r3", "p3", "same", "2024-05-01")}));
  spit(med, lines({medication("x", kAtc, "L01EX02"), medication("sor", kAtc, "L01EX02"),
                   medication("same", kAtc, "L01EX08")}));
  spit(med2, lines({medication("same", kAtc, "L01EX08"), medication("x", kAtc, "L01EX08")}));
  for (const auto& order :
       {std::vector<std::string>{pat, req, med, med2}, std::vector<std::string>{med2, med, pat, req}}) {
    const Scanned s = scan(order);
    const NdjsonPatient* p1 = s.of("p1");
    ASSERT_FALSE(p1->rr.ok());
    ASSERT_EQ(p1->rr.problems.size(), 1u) << problems_of(p1->rr);
    EXPECT_NE(p1->rr.problems[0].location.find("MedicationRequest.ndjson:1#/medicationReference/reference"),
              std::string::npos)
        << problems_of(p1->rr);
    EXPECT_NE(p1->rr.problems[0].message.find("Medication/x appears twice in the export with different content"),
              std::string::npos)
        << problems_of(p1->rr);
    ASSERT_TRUE(s.of("p2")->rr.ok()) << problems_of(s.of("p2")->rr);
    EXPECT_EQ(s.of("p2")->rr.record->systemic.at(0).regimen, "sorafenib");
    ASSERT_TRUE(s.of("p3")->rr.ok()) << problems_of(s.of("p3")->rr);
    EXPECT_EQ(s.of("p3")->rr.record->systemic.at(0).regimen, "lenvatinib");
    // Lines are named as operators read them ("Medication.ndjson:1"), without a pointer's '#'.
    EXPECT_EQ(p1->rr.problems[0].message.find('#'), std::string::npos) << p1->rr.problems[0].message;
    ASSERT_EQ(s.stats.invalid.size(), 1u);
    EXPECT_NE(s.stats.invalid[0].message.find("Medication/x appears twice with different content"), std::string::npos);
    EXPECT_EQ(s.stats.invalid[0].message.find('#'), std::string::npos) << s.stats.invalid[0].message;
  }
  // Through the cohort command's reader: p1 withheld, p2 and p3 evaluated.
  Options o;
  o.inputs = {pat, req, med, med2};
  o.threads = 2;
  const Result r = evaluate_cohort(o);
  ASSERT_EQ(r.rows.size(), 3u);
  for (const auto& row : r.rows) EXPECT_EQ(row.input == InputStatus::Invalid, row.patient_id == "p1") << row.patient_id;
}

// A Medication line that names a member twice ("code" twice: which one is meant?): every order
// that names it is a problem, never read with one of the two codes.
TEST(NdjsonMedication, AMedicationNamingAMemberTwiceIsAProblemForItsOrders) {
  TempDir d;
  const std::string pat = d.file("Patient.ndjson"), req = d.file("MedicationRequest.ndjson"),
                    med = d.file("Medication.ndjson");
  spit(pat, lines({patient("p1")}));
  spit(req, lines({request_ref("r1", "p1", "m", "2024-05-01")}));
  spit(
      med,
      lines(
          {R"({"resourceType":"Medication","id":"m","code":{"coding":[{"system":"http://www.whocc.no/atc","code":"L01EX02"}]},"code":{"coding":[{"system":"http://www.whocc.no/atc","code":"L01EX08"}]}})"}));
  const Scanned s = scan({pat, req, med});
  const NdjsonPatient* p1 = s.of("p1");
  ASSERT_FALSE(p1->rr.ok());
  EXPECT_NE(problems_of(p1->rr).find("names a member more than once"), std::string::npos) << problems_of(p1->rr);
}

}  // namespace
}  // namespace switchpoint::cohort
