// The remaining standard codes of issue 14 (docs/terminology.md): Procedure codes (TACE and the
// procedures that end a TACE course, SNOMED CT and CPT, and CPT codes recognised but never read
// as TACE), RxNorm ingredient and product codes and ATC codes of the agents the last part could
// not verify, further autoimmune conditions (and those the ICI trials allowed), and further LOINC
// codes of the same laboratory analytes. Every code is tested against the meaning its source
// gives; every table entry added here has a test; both sides of each window and threshold.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "readers/fhir_codes.h"
#include "readers/fhir_r4.h"
#include "readers/terminology_meds.h"
#include "readers/terminology_obs.h"

namespace switchpoint {
namespace {

constexpr const char* kSct = "http://snomed.info/sct";
constexpr const char* kCpt = "http://www.ama-assn.org/go/cpt";
constexpr const char* kCm = "http://hl7.org/fhir/sid/icd-10-cm";
constexpr const char* kRx = "http://www.nlm.nih.gov/research/umls/rxnorm";
constexpr const char* kAtc = "http://www.whocc.no/atc";
constexpr const char* kLoinc = "http://loinc.org";
constexpr const char* kHcc = "urn:switchpoint:hcc";

std::string coding(const std::string& system, const std::string& code) {
  return R"({"system":")" + system + R"(","code":")" + code + R"("})";
}

std::string concept_of(const std::vector<std::pair<std::string, std::string>>& codings) {
  std::string out = R"({"coding":[)";
  for (std::size_t i = 0; i < codings.size(); ++i) out += (i ? "," : "") + coding(codings[i].first, codings[i].second);
  return out + "]}";
}

std::string bundle(const std::vector<std::string>& resources) {
  std::string out = R"({"resourceType":"Bundle","type":"collection","entry":[)"
                    R"({"resource":{"resourceType":"Patient","id":"p1"}})";
  for (const auto& r : resources) out += R"(,{"resource":)" + r + "}";
  return out + "]}";
}

std::string procedure(const std::vector<std::pair<std::string, std::string>>& codings, const std::string& date,
                      const std::string& status = "completed") {
  return R"({"resourceType":"Procedure","status":")" + status + R"(","code":)" + concept_of(codings) +
         R"(,"subject":{"reference":"Patient/p1"},"performedDateTime":")" + date + R"("})";
}

std::string request(const std::string& system, const std::string& code, const std::string& start,
                    const std::string& end = "", const std::string& status = "active") {
  std::string bounds = R"("start":")" + start + R"(")";
  if (!end.empty()) bounds += R"(,"end":")" + end + R"(")";
  return R"({"resourceType":"MedicationRequest","status":")" + status +
         R"(","intent":"order","subject":{"reference":"Patient/p1"},"medicationCodeableConcept":)" +
         concept_of({{system, code}}) + R"(,"dosageInstruction":[{"timing":{"repeat":{"boundsPeriod":{)" + bounds +
         "}}}}]}";
}

std::string condition(const std::string& system, const std::string& code, const std::string& onset = "2020-01-01") {
  return R"({"resourceType":"Condition","code":)" + concept_of({{system, code}}) +
         R"(,"subject":{"reference":"Patient/p1"},"onsetDateTime":")" + onset + R"("})";
}

std::string lab(const std::string& code, double value, const std::string& unit) {
  return fmt::format(
      R"({{"resourceType":"Observation","status":"final","code":{},"subject":{{"reference":"Patient/p1"}},)"
      R"("effectiveDateTime":"2024-01-08","valueQuantity":{{"value":{},"unit":"{}","system":"http://unitsofmeasure.org","code":"{}"}}}})",
      concept_of({{kLoinc, code}}), value, unit, unit);
}

std::string problems_of(const ReadResult& rr) {
  std::string out;
  for (const auto& p : rr.problems) out += p.location + ": " + p.message + "\n";
  return out;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// The one skipped key, or "" when nothing (or more than one key) was skipped.
std::string only_skipped(const ReadResult& rr) {
  if (rr.skipped.size() != 1) return "";
  return rr.skipped.begin()->first;
}

// ---- Procedures ------------------------------------------------------------------------------

struct ProcedureCase {
  const char* system;
  const char* code;
  fhir::ProcedureKind kind;
};

// Every Procedure code of the table, with the kind its source gives (docs/terminology.md).
const ProcedureCase kProcedureCases[] = {
    {kHcc, "tace", fhir::ProcedureKind::Tace},
    {kSct, "441525007", fhir::ProcedureKind::Tace},  // percutaneous transluminal chemoembolisation of artery
    {kHcc, "resection", fhir::ProcedureKind::Resection},
    {kHcc, "ablation", fhir::ProcedureKind::Ablation},
    {kHcc, "liver-transplantation", fhir::ProcedureKind::LiverTransplantation},
    {kSct, "18027006", fhir::ProcedureKind::LiverTransplantation},  // transplantation of liver
    {kSct, "708625004", fhir::ProcedureKind::Ablation},             // open RFA of lesion of liver
    {kSct, "897703001", fhir::ProcedureKind::Resection},            // laparoscopic extended right hemihepatectomy
    {kSct, "107963000", fhir::ProcedureKind::Resection},            // liver excision (hepatectomy)
    {kSct, "174431000", fhir::ProcedureKind::Resection},            // wedge resection of liver
    {kSct, "85946004", fhir::ProcedureKind::Resection},             // lobectomy of liver
    {kSct, "15257006", fhir::ProcedureKind::Resection},             // lobectomy with partial excision of adjacent lobes
    {kSct, "5415002", fhir::ProcedureKind::Ablation},               // destruction of lesion of liver
    {kSct, "27280000", fhir::ProcedureKind::LiverTransplantation},  // liver transplant with recipient hepatectomy
    {kCpt, "47120", fhir::ProcedureKind::Resection},                // hepatectomy; partial lobectomy
    {kCpt, "47122", fhir::ProcedureKind::Resection},                // hepatectomy; trisegmentectomy
    {kCpt, "47125", fhir::ProcedureKind::Resection},                // hepatectomy; total left lobectomy
    {kCpt, "47130", fhir::ProcedureKind::Resection},                // hepatectomy; total right lobectomy
    {kCpt, "47135", fhir::ProcedureKind::LiverTransplantation},     // liver allotransplantation, orthotopic
    {kCpt, "47370", fhir::ProcedureKind::Ablation},                 // laparoscopic RF ablation of liver tumour(s)
    {kCpt, "47371", fhir::ProcedureKind::Ablation},                 // laparoscopic cryoablation of liver tumour(s)
    {kCpt, "47380", fhir::ProcedureKind::Ablation},                 // open RF ablation of liver tumour(s)
    {kCpt, "47381", fhir::ProcedureKind::Ablation},                 // open cryoablation of liver tumour(s)
};

TEST(TermsProcedures, EachCodeOfTheTableHasTheKindOfItsSource) {
  for (const auto& c : kProcedureCases) {
    const auto* p = fhir::find_procedure_code(c.system, c.code);
    ASSERT_NE(p, nullptr) << c.system << "|" << c.code;
    EXPECT_EQ(p->kind, c.kind) << c.code;
    EXPECT_FALSE(p->source.empty()) << c.code;
    EXPECT_FALSE(p->display.empty()) << c.code;
  }
  EXPECT_EQ(fhir::procedure_codes().size(), std::size(kProcedureCases)) << "a code of the table has no test above";
  // The same code under another system is not the procedure.
  EXPECT_EQ(fhir::find_procedure_code(kSct, "47120"), nullptr);
  EXPECT_EQ(fhir::find_procedure_code(kCpt, "18027006"), nullptr);
  EXPECT_FALSE(fhir::is_tace_code(kCpt, "37243"));
  EXPECT_TRUE(fhir::is_tace_code(kSct, "441525007"));
}

TEST(TermsProcedures, EachCourseEndingCodeLandsInTheRecordWithItsKind) {
  for (const auto& c : kProcedureCases) {
    if (c.kind == fhir::ProcedureKind::Tace) continue;
    const auto rr = read_fhir_bundle(bundle({procedure({{c.system, c.code}}, "2024-03-01")}));
    ASSERT_TRUE(rr.ok()) << c.code << "\n" << problems_of(rr);
    EXPECT_TRUE(rr.skipped.empty()) << c.code << " skipped as " << only_skipped(rr);
    ASSERT_EQ(rr.record->procedures.size(), 1u) << c.code;
    EXPECT_EQ(rr.record->procedures[0].kind, *fhir::course_ending_of(c.kind)) << c.code;
    EXPECT_EQ(rr.record->procedures[0].date, Date::parse("2024-03-01"));
    EXPECT_TRUE(rr.record->tace.empty()) << c.code;
  }
}

TEST(TermsProcedures, SnomedAndCptCodesOfOneKindInOneProcedureAreOneProcedure) {
  const auto rr = read_fhir_bundle(bundle({procedure({{kSct, "85946004"}, {kCpt, "47130"}}, "2024-03-01")}));
  ASSERT_TRUE(rr.ok()) << problems_of(rr);
  ASSERT_EQ(rr.record->procedures.size(), 1u);
  EXPECT_EQ(rr.record->procedures[0].kind, CourseEndingKind::Resection);
}

TEST(TermsProcedures, CodingsNamingTwoKindsAreAProblem) {
  // A CPT resection and a SNOMED CT ablation in one Procedure: which one was done cannot be told.
  const auto rr = read_fhir_bundle(bundle({procedure({{kCpt, "47120"}, {kSct, "5415002"}}, "2024-03-01")}));
  ASSERT_FALSE(rr.ok());
  EXPECT_EQ(rr.problems[0].location, "/entry/1/resource/code");
  EXPECT_TRUE(contains(rr.problems[0].message, "the codings disagree")) << rr.problems[0].message;
}

TEST(TermsProcedures, Cpt37243AloneIsNeverTaceSkippedWithTheReason) {
  const auto rr = read_fhir_bundle(bundle({procedure({{kCpt, "37243"}}, "2024-03-01")}));
  ASSERT_TRUE(rr.ok()) << problems_of(rr);
  EXPECT_TRUE(rr.record->tace.empty());
  EXPECT_TRUE(rr.record->procedures.empty());
  const std::string key = only_skipped(rr);
  EXPECT_TRUE(contains(key, "Procedure http://www.ama-assn.org/go/cpt|37243 (")) << key;
  EXPECT_TRUE(contains(key, "uterine-fibroid")) << key;
  EXPECT_TRUE(contains(key, "never says TACE")) << key;
}

TEST(TermsProcedures, IntraArterialChemotherapyAloneIsNotTace) {
  for (const char* code : {"96420", "96422", "96423"}) {
    const auto rr = read_fhir_bundle(bundle({procedure({{kCpt, code}}, "2024-03-01")}));
    ASSERT_TRUE(rr.ok()) << code;
    EXPECT_TRUE(rr.record->tace.empty()) << code;
    EXPECT_TRUE(contains(only_skipped(rr), "is not TACE")) << only_skipped(rr);
  }
}

TEST(TermsProcedures, TheEmbolisationAndChemotherapyCodesBesideATaceCodeDoNotContradictIt) {
  // An EHR Procedure often carries the billing codes of the session beside the clinical code.
  const auto rr =
      read_fhir_bundle(bundle({procedure({{kSct, "441525007"}, {kCpt, "37243"}, {kCpt, "96420"}}, "2024-03-01")}));
  ASSERT_TRUE(rr.ok()) << problems_of(rr);
  ASSERT_EQ(rr.record->tace.size(), 1u);
  EXPECT_EQ(rr.record->tace[0].date, Date::parse("2024-03-01"));
  EXPECT_TRUE(rr.skipped.empty()) << only_skipped(rr);
}

TEST(TermsProcedures, RadioembolisationIsNotTaceAndContradictsATaceCode) {
  // Alone: skipped with the reason (not a TACE, not a course end).
  const auto alone = read_fhir_bundle(bundle({procedure({{kCpt, "79445"}}, "2024-03-01")}));
  ASSERT_TRUE(alone.ok());
  EXPECT_TRUE(alone.record->tace.empty());
  EXPECT_TRUE(alone.record->procedures.empty());
  EXPECT_TRUE(contains(only_skipped(alone), "radioembolisation (TARE, Y-90 microspheres) is not TACE"))
      << only_skipped(alone);
  // Beside a TACE code: the codings disagree.
  const auto both = read_fhir_bundle(bundle({procedure({{kSct, "441525007"}, {kCpt, "79445"}}, "2024-03-01")}));
  ASSERT_FALSE(both.ok());
  EXPECT_TRUE(contains(both.problems[0].message, "is TACE")) << both.problems[0].message;
}

TEST(TermsProcedures, UnverifiedCptCodesAreSkippedAndCountedNeverAProblem) {
  // 47382/47383 (percutaneous ablation) and 75894/75726 were not verified: not mapped.
  for (const char* code : {"47382", "47383", "75894", "75726", "96425"}) {
    const auto rr = read_fhir_bundle(bundle({procedure({{kCpt, code}}, "2024-03-01")}));
    ASSERT_TRUE(rr.ok()) << code << problems_of(rr);
    EXPECT_TRUE(rr.record->procedures.empty()) << code;
    EXPECT_EQ(only_skipped(rr), std::string("Procedure http://www.ama-assn.org/go/cpt|") + code) << code;
  }
}

TEST(TermsProcedures, ACourseEndingProcedureNotCompletedIsSkippedWithItsStatus) {
  const auto rr = read_fhir_bundle(bundle({procedure({{kCpt, "47135"}}, "2024-03-01", "in-progress")}));
  ASSERT_TRUE(rr.ok());
  EXPECT_TRUE(rr.record->procedures.empty());
  EXPECT_EQ(only_skipped(rr), "Procedure http://www.ama-assn.org/go/cpt|47135 (status in-progress)");
}

TEST(TermsProcedures, EveryNotReadCodeCitesASource) {
  for (const auto& c : fhir::not_read_codes()) EXPECT_FALSE(c.source.empty()) << c.system << "|" << c.code;
}

TEST(TermsProcedures, NotReadProcedureCodesCiteASource) {
  int cpt = 0;
  for (const auto& c : fhir::not_read_codes()) {
    if (c.system != kCpt) continue;
    ++cpt;
    EXPECT_FALSE(c.source.empty()) << c.code;
    EXPECT_EQ(c.resource, "Procedure") << c.code;
  }
  EXPECT_EQ(cpt, 5);  // 37243, 96420, 96422, 96423, 79445
}

// ---- Medications -----------------------------------------------------------------------------

struct AgentCase {
  const char* system;
  const char* code;
  const char* ingredient;
};

TEST(TermsMedications, EachAddedCodeNamesTheIngredientOfItsSource) {
  const AgentCase want[] = {
      // RxNorm ingredients (TTY IN).
      {kRx, "495881", "sorafenib"},
      {kRx, "1603296", "lenvatinib"},
      {kRx, "1363268", "cabozantinib"},
      {kRx, "1919503", "durvalumab"},
      {kRx, "1094833", "ipilimumab"},
      // Sorafenib concepts of the CIBMTR RxNorm value set.
      {kRx, "597745", "sorafenib"},
      {kRx, "597746", "sorafenib"},
      {kRx, "615977", "sorafenib"},
      {kRx, "615978", "sorafenib"},
      {kRx, "619985", "sorafenib"},
      {kRx, "1159691", "sorafenib"},
      {kRx, "1159692", "sorafenib"},
      {kRx, "1182862", "sorafenib"},
      {kRx, "1182863", "sorafenib"},
      // openFDA NDC directory products.
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
      // WHO ATC.
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
}

TEST(TermsMedications, CodesThatCouldNotBeVerifiedAreNotMapped) {
  // Regorafenib 1312397 and ramucirumab 1535922 (one source each), and the ingredient codes of
  // tremelimumab and tislelizumab (none found), and the 1919505/1657797 the last part doubted.
  for (const char* code : {"1312397", "1535922", "1919505", "1657797"})
    EXPECT_EQ(fhir::find_agent_code(kRx, code), nullptr) << code;
  const auto rr = read_fhir_bundle(bundle({request(kRx, "1312397", "2024-02-01", "2024-05-01", "completed")}));
  ASSERT_TRUE(rr.ok()) << problems_of(rr);
  EXPECT_TRUE(rr.record->systemic.empty());
  EXPECT_EQ(only_skipped(rr), "MedicationRequest http://www.nlm.nih.gov/research/umls/rxnorm|1312397");
}

TEST(TermsMedications, SingleAgentsInStandardCodesBecomeTheirRegimen) {
  const AgentCase agents[] = {
      {kRx, "495881", "sorafenib"},      {kRx, "1603296", "lenvatinib"},    {kRx, "1363268", "cabozantinib"},
      {kAtc, "L01EX07", "cabozantinib"}, {kRx, "1919503", "durvalumab"},    {kRx, "1919507", "durvalumab"},
      {kRx, "1657775", "ramucirumab"},   {kAtc, "L01FF09", "tislelizumab"}, {kRx, "619985", "sorafenib"}};
  for (const auto& a : agents) {
    const auto rr = read_fhir_bundle(bundle({request(a.system, a.code, "2024-02-01", "2024-05-01", "completed")}));
    ASSERT_TRUE(rr.ok()) << a.code << "\n" << problems_of(rr);
    ASSERT_EQ(rr.record->systemic.size(), 1u) << a.code;
    EXPECT_EQ(rr.record->systemic[0].regimen, a.ingredient) << a.code;
    EXPECT_EQ(rr.record->systemic[0].start, Date::parse("2024-02-01"));
    EXPECT_EQ(rr.record->systemic[0].end, Date::parse("2024-05-01"));
  }
}

// The regimens of a record, as (regimen, start, end) strings, to compare twins field by field.
std::vector<std::string> regimens_of(const ReadResult& rr) {
  std::vector<std::string> out;
  if (!rr.record) return out;
  for (const auto& s : rr.record->systemic)
    out.push_back(fmt::format("{} {} {}", s.regimen, s.start.iso(), s.end ? s.end->iso() : "ongoing"));
  return out;
}

std::string project_statement(const std::string& regimen, const std::string& start, const std::string& end) {
  return R"({"resourceType":"MedicationStatement","status":"completed","subject":{"reference":"Patient/p1"},)"
         R"("medicationCodeableConcept":)" +
         concept_of({{kHcc, regimen}}) + R"(,"effectivePeriod":{"start":")" + start + R"(","end":")" + end + R"("}})";
}

TEST(TermsMedications, AStandardCodedTwinGivesTheSameRegimensAsTheProjectCodedRecord) {
  // Line 1 STRIDE (durvalumab ingredient + tremelimumab product, same day), line 2 cabozantinib
  // (ATC), line 3 nivolumab + ipilimumab (RxNorm ingredients, 7 days apart).
  const auto twin = read_fhir_bundle(bundle({
      request(kRx, "1919503", "2023-01-10", "2023-06-01", "completed"),
      request(kRx, "2619317", "2023-01-10", "2023-01-10", "completed"),
      request(kAtc, "L01EX07", "2023-06-15", "2023-10-01", "completed"),
      request(kRx, "1597876", "2023-10-20", "2024-02-01", "completed"),
      request(kRx, "1094833", "2023-10-27", "2023-12-29", "completed"),
  }));
  ASSERT_TRUE(twin.ok()) << problems_of(twin);
  const auto original = read_fhir_bundle(bundle({
      project_statement("durvalumab-tremelimumab", "2023-01-10", "2023-06-01"),
      project_statement("cabozantinib", "2023-06-15", "2023-10-01"),
      project_statement("nivolumab-ipilimumab", "2023-10-20", "2024-02-01"),
  }));
  ASSERT_TRUE(original.ok()) << problems_of(original);
  EXPECT_EQ(regimens_of(twin), regimens_of(original));
  EXPECT_EQ(regimens_of(twin).size(), 3u);
}

TEST(TermsMedications, IpilimumabSevenDaysFromNivolumabIsTheCombinationEightIsALoneComponent) {
  // Both sides of the 7-day window with the newly mapped ipilimumab ingredient.
  const auto seven =
      read_fhir_bundle(bundle({request(kRx, "1597876", "2024-03-01"), request(kRx, "1094833", "2024-03-08")}));
  ASSERT_TRUE(seven.ok()) << problems_of(seven);
  ASSERT_EQ(seven.record->systemic.size(), 1u);
  EXPECT_EQ(seven.record->systemic[0].regimen, "nivolumab-ipilimumab");
  EXPECT_EQ(seven.record->systemic[0].start, Date::parse("2024-03-01"));

  const auto eight =
      read_fhir_bundle(bundle({request(kRx, "1597876", "2024-03-01"), request(kRx, "1094833", "2024-03-09")}));
  ASSERT_FALSE(eight.ok());
  const std::string all = problems_of(eight);
  EXPECT_TRUE(contains(all, "without ipilimumab within 7 days") || contains(all, "without nivolumab within 7 days"))
      << all;
}

TEST(TermsMedications, TremelimumabAloneIsNeverPromotedToStride) {
  const auto rr = read_fhir_bundle(bundle({request(kAtc, "L01FX20", "2024-03-01")}));
  ASSERT_FALSE(rr.ok());
  EXPECT_TRUE(contains(problems_of(rr), "without durvalumab within 7 days")) << problems_of(rr);
  // Durvalumab 8 days after tremelimumab: the lone tremelimumab is still a problem (not STRIDE).
  const auto apart =
      read_fhir_bundle(bundle({request(kAtc, "L01FX20", "2024-03-01"), request(kRx, "1919503", "2024-03-09")}));
  ASSERT_FALSE(apart.ok());
  // Seven days: STRIDE.
  const auto together =
      read_fhir_bundle(bundle({request(kAtc, "L01FX20", "2024-03-01"), request(kRx, "1919503", "2024-03-08")}));
  ASSERT_TRUE(together.ok()) << problems_of(together);
  ASSERT_EQ(together.record->systemic.size(), 1u);
  EXPECT_EQ(together.record->systemic[0].regimen, "durvalumab-tremelimumab");
}

TEST(TermsMedications, BevacizumabProductWithAtezolizumabIsTheCombination) {
  const auto rr =
      read_fhir_bundle(bundle({request(kRx, "1657068", "2024-03-04"), request(kRx, "1792776", "2024-03-04")}));
  ASSERT_TRUE(rr.ok()) << problems_of(rr);
  ASSERT_EQ(rr.record->systemic.size(), 1u);
  EXPECT_EQ(rr.record->systemic[0].regimen, "atezolizumab-bevacizumab");
}

// ---- Stop reasons (mCODE TreatmentTerminationReasonVS) --------------------------------------

std::string stopped_request(const std::vector<std::pair<std::string, std::string>>& reason) {
  return R"({"resourceType":"MedicationRequest","status":"stopped","intent":"order","subject":{"reference":"Patient/p1"},)"
         R"("medicationCodeableConcept":)" +
         concept_of({{kHcc, "sorafenib"}}) +
         R"(,"dosageInstruction":[{"timing":{"repeat":{"boundsPeriod":{"start":"2024-02-01","end":"2024-05-01"}}}}],)"
         R"("statusReason":)" +
         concept_of(reason) + "}";
}

TEST(TermsStopReasons, EachMcodeTerminationReasonIsReadAsItsSourceMeans) {
  const struct {
    const char* code;
    std::optional<StopReason> reason;
  } want[] = {
      {"182992009", StopReason::Completed}, {"407563006", StopReason::Intolerance}, {"266721009", std::nullopt},
      {"160932005", StopReason::Other},     {"105480006", StopReason::Other},       {"184081006", StopReason::Other},
      {"309846006", StopReason::Other},     {"399307001", StopReason::Other},       {"7058009", StopReason::Other},
  };
  for (const auto& w : want) {
    const auto* c = fhir::find_stop_reason_code(kSct, w.code);
    ASSERT_NE(c, nullptr) << w.code;
    EXPECT_EQ(c->reason, w.reason) << w.code;
    EXPECT_FALSE(c->source.empty()) << w.code;
  }
  EXPECT_EQ(fhir::stop_reason_codes().size(), std::size(want)) << "a code of the table has no test above";
  EXPECT_EQ(fhir::find_stop_reason_code(kCm, "182992009"), nullptr);
}

TEST(TermsStopReasons, TreatmentNotToleratedIsIntoleranceCompletedIsCompleted) {
  const auto intol = read_fhir_bundle(bundle({stopped_request({{kSct, "407563006"}})}));
  ASSERT_TRUE(intol.ok()) << problems_of(intol);
  ASSERT_EQ(intol.record->systemic.size(), 1u);
  EXPECT_EQ(intol.record->systemic[0].stop_reason, StopReason::Intolerance);
  const auto done = read_fhir_bundle(bundle({stopped_request({{kSct, "182992009"}})}));
  ASSERT_TRUE(done.ok()) << problems_of(done);
  EXPECT_EQ(done.record->systemic[0].stop_reason, StopReason::Completed);
  const auto refused = read_fhir_bundle(bundle({stopped_request({{kSct, "105480006"}})}));
  ASSERT_TRUE(refused.ok()) << problems_of(refused);
  EXPECT_EQ(refused.record->systemic[0].stop_reason, StopReason::Other);
  // The project code and the same reason in SNOMED CT agree.
  const auto both = read_fhir_bundle(bundle({stopped_request({{kHcc, "intolerance"}, {kSct, "407563006"}})}));
  ASSERT_TRUE(both.ok()) << problems_of(both);
  EXPECT_EQ(both.record->systemic[0].stop_reason, StopReason::Intolerance);
}

TEST(TermsStopReasons, NoResponseIsNeverGuessedAsProgression) {
  const auto rr = read_fhir_bundle(bundle({stopped_request({{kSct, "266721009"}})}));
  ASSERT_FALSE(rr.ok());
  EXPECT_EQ(rr.problems[0].location, "/entry/1/resource/statusReason");
  EXPECT_TRUE(contains(rr.problems[0].message, "No response to treatment")) << rr.problems[0].message;
  EXPECT_TRUE(contains(rr.problems[0].message, "urn:switchpoint:hcc|progression")) << rr.problems[0].message;
}

TEST(TermsStopReasons, CodingsGivingDifferentReasonsAreAProblem) {
  const auto rr = read_fhir_bundle(bundle({stopped_request({{kHcc, "progression"}, {kSct, "407563006"}})}));
  ASSERT_FALSE(rr.ok());
  EXPECT_TRUE(contains(rr.problems[0].message, "different stop reasons")) << rr.problems[0].message;
  // An unknown SNOMED CT code (adverse reaction, 281647001, is not in the value set) is a problem
  // naming what is read.
  const auto unknown = read_fhir_bundle(bundle({stopped_request({{kSct, "281647001"}})}));
  ASSERT_FALSE(unknown.ok());
  EXPECT_TRUE(contains(unknown.problems[0].message, "407563006 treatment not tolerated"))
      << unknown.problems[0].message;
}

// ---- Conditions ------------------------------------------------------------------------------

std::optional<ConditionKind> kind_of(const std::string& system, const std::string& code) {
  const auto rr = read_fhir_bundle(bundle({condition(system, code)}));
  EXPECT_TRUE(rr.ok()) << code << ": " << problems_of(rr);
  if (!rr.ok() || rr.record->conditions.empty()) return std::nullopt;
  return rr.record->conditions[0].kind;
}

TEST(TermsConditions, FurtherAutoimmuneDiseasesAreActiveAutoimmuneDisease) {
  // SNOMED CT: myasthenia gravis, Sjögren's syndrome, systemic sclerosis, Graves' disease.
  for (const char* c : {"91637004", "83901003", "89155008", "353295004"})
    EXPECT_EQ(kind_of(kSct, c), ConditionKind::ActiveAutoimmuneDisease) << c;
  // ICD-10-CM families: G70.0 myasthenia gravis (G70.00, G70.01), M35.0 Sjögren (M35.00 …,
  // M35.0A with a letter), M34 systemic sclerosis, E05.0 Graves (E05.00, E05.01), L40.5
  // arthropathic psoriasis (L40.50 … L40.59).
  for (const char* c : {"G70.0", "G70.00", "G70.01", "M35.00", "M35.01", "M35.0A", "M34", "M34.0", "M34.81", "E05.00",
                        "E05.01", "L40.50", "L40.52", "L40.59"})
    EXPECT_EQ(kind_of(kCm, c), ConditionKind::ActiveAutoimmuneDisease) << c;
}

TEST(TermsConditions, ArterialThrombosisInSnomedCtNeedsItsOnset) {
  EXPECT_EQ(kind_of(kSct, "65198009"), ConditionKind::ArterialThrombosis);
  // Without an onset (or recordedDate) the 6-month window of the therapy rules cannot be applied.
  const auto rr = read_fhir_bundle(bundle({R"({"resourceType":"Condition","code":)" + concept_of({{kSct, "65198009"}}) +
                                           R"(,"subject":{"reference":"Patient/p1"}})"}));
  EXPECT_FALSE(rr.ok());
  // A descendant concept (coronary artery thrombosis, 398274000) is not read as the parent: only
  // the concept itself is mapped.
  const auto child = read_fhir_bundle(bundle({condition(kSct, "398274000")}));
  ASSERT_TRUE(child.ok());
  EXPECT_TRUE(child.record->conditions.empty());
}

TEST(TermsConditions, NeighboursOfTheFamiliesAreNotAutoimmune) {
  // G70.1 toxic myoneural disorders, M35.1 other overlap syndromes, E05.1 toxic single thyroid
  // nodule, M340 (no dot: another string), L40.4 guttate psoriasis: skipped and counted.
  for (const char* c : {"G70.1", "M35.1", "E05.1", "E05.10", "M340", "L40.4"}) {
    const auto rr = read_fhir_bundle(bundle({condition(kCm, c)}));
    ASSERT_TRUE(rr.ok()) << c;
    EXPECT_TRUE(rr.record->conditions.empty()) << c;
    EXPECT_EQ(rr.skipped.size(), 1u) << c;
  }
  // The SNOMED CT code under ICD-10-CM, and an ICD-10-CM code under the WHO ICD-10 system.
  const auto rr =
      read_fhir_bundle(bundle({condition(kCm, "91637004"), condition("http://hl7.org/fhir/sid/icd-10", "G70.0")}));
  ASSERT_TRUE(rr.ok());
  EXPECT_TRUE(rr.record->conditions.empty());
}

TEST(TermsConditions, ConditionsTheIciTrialsAllowedAreSkippedWithTheReason) {
  const struct {
    const char* code;
    const char* words;
  } cases[] = {{"E10.9", "type 1 diabetes"},
               {"E10.65", "type 1 diabetes"},
               {"E06.3", "autoimmune thyroiditis"},
               {"L40.0", "psoriasis vulgaris (skin only)"}};
  for (const auto& c : cases) {
    const auto rr = read_fhir_bundle(bundle({condition(kCm, c.code)}));
    ASSERT_TRUE(rr.ok()) << c.code;
    EXPECT_TRUE(rr.record->conditions.empty()) << c.code;
    const std::string key = only_skipped(rr);
    EXPECT_TRUE(contains(key, c.words)) << key;
    EXPECT_TRUE(contains(key, "urn:switchpoint:hcc|active-autoimmune-disease")) << key;
  }
}

TEST(TermsConditions, AnAutoimmuneDiseaseInStandardCodesIsResolvedByItsAbatement) {
  // The clinicalStatus/abatement rules of the project codes apply: resolved with its date.
  const std::string c =
      R"({"resourceType":"Condition","clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"resolved"}]},"code":)" +
      concept_of({{kCm, "G70.01"}}) +
      R"(,"subject":{"reference":"Patient/p1"},"onsetDateTime":"2019-01-01","abatementDateTime":"2021-06-01"})";
  const auto rr = read_fhir_bundle(bundle({c}));
  ASSERT_TRUE(rr.ok()) << problems_of(rr);
  ASSERT_EQ(rr.record->conditions.size(), 1u);
  EXPECT_EQ(rr.record->conditions[0].kind, ConditionKind::ActiveAutoimmuneDisease);
  EXPECT_EQ(rr.record->conditions[0].abatement, Date::parse("2021-06-01"));
}

// ---- Laboratory codes ------------------------------------------------------------------------

TEST(TermsLabs, EachAddedLoincLandsInItsSeriesInTheCanonicalUnit) {
  const struct {
    const char* code;
    double value;
    const char* unit;
    Quantity q;
    double canonical;
  } cases[] = {
      {"42719-5", 2.0, "mg/dL", Quantity::Bilirubin, 34.2},  // 17.1 µmol/L per mg/dL
      {"61151-7", 3.5, "g/dL", Quantity::Albumin, 35},      {"61152-5", 32, "g/L", Quantity::Albumin, 32},
      {"46418-0", 1.4, "{INR}", Quantity::Inr, 1.4},        {"38875-1", 1.2, "{INR}", Quantity::Inr, 1.2},
      {"26515-7", 95, "10*3/uL", Quantity::Platelets, 95},  {"38483-4", 1.0, "mg/dL", Quantity::Creatinine, 88.4},
      {"59826-8", 75, "umol/L", Quantity::Creatinine, 75},  {"83073-7", 420, "ng/mL", Quantity::Afp, 420},
      {"83072-9", 100, "[IU]/mL", Quantity::Afp, 121},      {"53962-7", 9, "ug/L", Quantity::Afp, 9},
      {"53961-9", 10, "[IU]/mL", Quantity::Afp, 12.1},
  };
  for (const auto& c : cases) {
    const auto rr = read_fhir_bundle(bundle({lab(c.code, c.value, c.unit)}));
    ASSERT_TRUE(rr.ok()) << c.code << problems_of(rr);
    const auto& series = rr.record->labs.of(c.q);
    ASSERT_EQ(series.size(), 1u) << c.code;
    EXPECT_NEAR(series[0].value, c.canonical, 1e-9) << c.code;
  }
}

TEST(TermsLabs, ThePlausibleRangeHoldsForTheNewCodesOnBothSides) {
  // Albumin 10–60 g/L: 6.0 g/dL is read, 6.1 g/dL is a problem (BCG); 1.0 g/dL read, 0.9 not (BCP).
  EXPECT_TRUE(read_fhir_bundle(bundle({lab("61151-7", 6.0, "g/dL")})).ok());
  EXPECT_FALSE(read_fhir_bundle(bundle({lab("61151-7", 6.1, "g/dL")})).ok());
  EXPECT_TRUE(read_fhir_bundle(bundle({lab("61152-5", 1.0, "g/dL")})).ok());
  EXPECT_FALSE(read_fhir_bundle(bundle({lab("61152-5", 0.9, "g/dL")})).ok());
  // INR 0.7–10 in capillary blood.
  EXPECT_TRUE(read_fhir_bundle(bundle({lab("46418-0", 10, "{INR}")})).ok());
  EXPECT_FALSE(read_fhir_bundle(bundle({lab("46418-0", 10.5, "{INR}")})).ok());
  // Platelets 5–1500 ×10⁹/L in blood.
  EXPECT_TRUE(read_fhir_bundle(bundle({lab("26515-7", 5, "10*9/L")})).ok());
  EXPECT_FALSE(read_fhir_bundle(bundle({lab("26515-7", 4, "10*9/L")})).ok());
  // A unit of another analyte is a problem, never converted (bilirubin in g/dL).
  const auto rr = read_fhir_bundle(bundle({lab("42719-5", 1.0, "g/dL")}));
  ASSERT_FALSE(rr.ok());
  EXPECT_TRUE(contains(rr.problems[0].location, "/entry/1/resource/valueQuantity")) << rr.problems[0].location;
}

TEST(TermsLabs, AlbuminByElectrophoresisIsSkippedWithTheReason) {
  const auto rr = read_fhir_bundle(bundle({lab("2862-1", 3.5, "g/dL")}));
  ASSERT_TRUE(rr.ok()) << problems_of(rr);
  EXPECT_TRUE(rr.record->labs.of(Quantity::Albumin).empty());
  EXPECT_TRUE(contains(only_skipped(rr), "albumin by electrophoresis")) << only_skipped(rr);
}

}  // namespace
}  // namespace switchpoint

namespace switchpoint {
namespace {

// An ordered dose (MedicationRequest) or one administered dose is not the daily dose taken: the
// therapy is read, the dose is not, and the skipped list says so (never dropped silently).
TEST(TermsMedicationDose, AnOrderedDoseIsNamedAsNotReadNeverTakenAsTheDailyDose) {
  std::string ordered = request(kRx, "1603296", "2024-03-01");  // lenvatinib
  ordered.replace(
      ordered.find(R"("dosageInstruction":[{)"), 22,
      R"("dosageInstruction":[{"doseAndRate":[{"doseQuantity":{"value":12,"unit":"mg","system":"http://unitsofmeasure.org","code":"mg"}}],)");
  const auto rr = read_fhir_bundle(bundle({ordered}));
  ASSERT_TRUE(rr.ok());
  ASSERT_EQ(rr.record->systemic.size(), 1u);
  EXPECT_FALSE(rr.record->systemic[0].dose_mg_per_day.has_value());
  int named = 0;
  for (const auto& [k, n] : rr.skipped)
    if (k.starts_with("MedicationRequest dosageInstruction dose (an ordered dose is not the daily dose taken"))
      named += n;
  EXPECT_EQ(named, 1);
  // Without a dose nothing is said.
  const auto plain = read_fhir_bundle(bundle({request(kRx, "1603296", "2024-03-01")}));
  ASSERT_TRUE(plain.ok());
  for (const auto& [k, n] : plain.skipped) EXPECT_EQ(k.find("dosageInstruction dose"), std::string::npos) << k;
}

}  // namespace
}  // namespace switchpoint
