// Issue 13 (records): nothing contradictory becomes an answer. Two entries of one kind on one date
// that disagree are a problem naming both, whatever their order; equal repeats are read once;
// entries after the date of death and impossible findings of one study are problems. The hostile
// catalogue (tests/hostile/cases-records.json) holds the CLI view of the same cases.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "readers/consistency.h"
#include "readers/fhir_r4.h"
#include "readers/native_json.h"

namespace switchpoint {
namespace {

std::string all(const ReadResult& rr) {
  std::string s;
  for (const auto& p : rr.problems) s += "\n  " + p.location + ": " + p.message;
  return s;
}

std::string native(const std::string& key, const std::string& a, const std::string& b,
                   const std::string& patient = R"({"id":"x"})") {
  return R"({"schema":"switchpoint.record/1","patient":)" + patient + ",\"" + key + "\":[" + a + "," + b + "]}";
}

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// Each pair disagrees on one value of one date: in either order, exactly one problem, and it names
// both entries' locations.
TEST(Contradictions, NativeSameDateDisagreementIsAProblemInEitherOrder) {
  struct Pair {
    std::string key, a, b, ptr_a, ptr_b;  // ptr_*: the locations named when a comes first
  };
  const std::vector<Pair> pairs{
      {"clinical", R"({"date":"2024-03-01","ecog":0})", R"({"date":"2024-03-01","ecog":4})", "/clinical/0/ecog",
       "/clinical/1/ecog"},
      {"clinical", R"({"date":"2024-03-01","ascites":"none"})", R"({"date":"2024-03-01","ascites":"moderate-severe"})",
       "/clinical/0/ascites", "/clinical/1/ascites"},
      {"endoscopy", R"({"date":"2024-03-01","varices":"treated"})",
       R"({"date":"2024-03-01","varices":"high-risk-untreated"})", "/endoscopy/0/varices", "/endoscopy/1/varices"},
      {"imaging", R"({"date":"2024-03-01","modality":"CT","extrahepatic_spread":false})",
       R"({"date":"2024-03-01","modality":"MRI","extrahepatic_spread":true})", "/imaging/0/extrahepatic_spread",
       "/imaging/1/extrahepatic_spread"},
      {"imaging", R"({"date":"2024-03-01","viable_tumor_percent":20})",
       R"({"date":"2024-03-01","viable_tumor_percent":20.5})", "/imaging/0/viable_tumor_percent",
       "/imaging/1/viable_tumor_percent"},
      {"tace", R"({"date":"2024-03-01","technique":"cTACE"})", R"({"date":"2024-03-01"})", "/tace/0", "/tace/1"},
      {"systemic_therapy", R"({"regimen":"sorafenib","start":"2024-01-01","end":"2024-02-01","dose_mg_per_day":800})",
       R"({"regimen":"sorafenib","start":"2024-01-01","end":"2024-02-01","dose_mg_per_day":400})",
       "/systemic_therapy/0", "/systemic_therapy/1"},
      {"conditions", R"({"code":"variceal-bleeding","onset":"2024-01-01"})",
       R"({"code":"variceal-bleeding","onset":"2024-01-01","abatement":"2024-02-01"})", "/conditions/0",
       "/conditions/1"},
      {"labs", R"({"date":"2024-03-01","test":"inr","value":1.1,"unit":"INR"})",
       R"({"date":"2024-03-01","test":"inr","value":1.2,"unit":"INR"})", "/labs/0", "/labs/1"},
  };
  for (const auto& p : pairs)
    for (bool swapped : {false, true}) {
      const auto rr = read_native_json(swapped ? native(p.key, p.b, p.a) : native(p.key, p.a, p.b));
      SCOPED_TRACE(p.key + " " + p.a + (swapped ? " (swapped)" : ""));
      ASSERT_EQ(rr.problems.size(), 1u) << all(rr);
      EXPECT_FALSE(rr.record);
      // Both entries named: one as the location or in the message, the other in the message.
      const std::string where = rr.problems[0].location + " " + rr.problems[0].message;
      EXPECT_TRUE(has(where, p.ptr_a)) << where;
      EXPECT_TRUE(has(where, p.ptr_b)) << where;
    }
}

TEST(Contradictions, NativeEqualRepeatsAreReadOnce) {
  const std::string head = R"({"schema":"switchpoint.record/1","patient":{"id":"x"},)";
  const auto rr = read_native_json(
      head +
      R"("tace":[{"date":"2024-01-10","technique":"cTACE","selective":true},{"date":"2024-01-10","technique":"cTACE","selective":true}],
      "systemic_therapy":[{"regimen":"sorafenib","start":"2024-02-01","end":"2024-03-01"},{"regimen":"sorafenib","start":"2024-02-01","end":"2024-03-01"}],
      "endoscopy":[{"date":"2024-01-05","varices":"low-risk"},{"date":"2024-01-05","varices":"low-risk"}],
      "conditions":[{"code":"major-bleeding","onset":"2023-05-01"},{"code":"major-bleeding","onset":"2023-05-01"}],
      "clinical":[{"date":"2024-01-05","ecog":1},{"date":"2024-01-05","ecog":1.0,"ascites":"slight"}],
      "labs":[{"date":"2024-01-05","test":"albumin","value":3.5,"unit":"g/dL"},{"date":"2024-01-05","test":"albumin","value":35,"unit":"g/L"}]})");
  ASSERT_TRUE(rr.ok()) << all(rr);
  const PatientRecord& r = *rr.record;
  EXPECT_EQ(r.tace.size(), 1u);
  EXPECT_EQ(r.systemic.size(), 1u);
  EXPECT_EQ(r.endoscopies.size(), 1u);
  EXPECT_EQ(r.conditions.size(), 1u);
  EXPECT_EQ(r.labs.albumin_g_per_l.size(), 1u);
  ASSERT_EQ(r.clinical.size(), 1u);
  EXPECT_EQ(r.clinical[0].ecog, 1);
  EXPECT_EQ(r.clinical[0].ascites, Ascites::Slight);
  // Counted, never a problem.
  EXPECT_EQ(rr.skipped.at("tace (the same session listed twice, read once)"), 1);
  EXPECT_EQ(rr.skipped.at("systemic_therapy (the same course listed twice, read once)"), 1);
  EXPECT_EQ(rr.skipped.at("endoscopy (the same finding twice on one date, read once)"), 1);
  EXPECT_EQ(rr.skipped.at("conditions (the same condition listed twice, read once)"), 1);
  EXPECT_EQ(rr.skipped.at("labs (the same value twice on one date, read once)"), 1);
}

// A CT and an MRI of one date that report different findings are one study, the same whatever
// their order; target lesions are matched by id.
TEST(Contradictions, NativeStudiesOfOneDateWithDisjointFindingsMerge) {
  const std::string ct =
      R"({"date":"2024-01-02","modality":"CT","tumor_count":2,"target_lesions":[{"id":"S7","viable_diameter":{"value":3,"unit":"cm"}}]})";
  const std::string mri =
      R"({"date":"2024-01-02","modality":"MRI","largest_diameter":{"value":40,"unit":"mm"},"target_lesions":[{"id":"S7","viable_diameter":{"value":30,"unit":"mm"}},{"id":"S5","viable_diameter":{"value":1,"unit":"cm"}}]})";
  for (bool swapped : {false, true}) {
    const auto rr = read_native_json(swapped ? native("imaging", mri, ct) : native("imaging", ct, mri));
    ASSERT_TRUE(rr.ok()) << all(rr);
    ASSERT_EQ(rr.record->imaging.size(), 1u);
    const ImagingStudy& s = rr.record->imaging[0];
    EXPECT_EQ(s.modality, "CT+MRI");
    EXPECT_EQ(s.intrahepatic_tumor_count, 2);
    EXPECT_DOUBLE_EQ(*s.largest_diameter_cm, 4.0);
    ASSERT_TRUE(s.target_lesions);
    EXPECT_EQ(s.target_lesions->size(), 2u);
  }
}

// Therapies that start on one date come out in one order whatever the order written; two without
// an end are a problem in either order.
TEST(Contradictions, NativeTherapiesInAFixedOrderAndOneOngoingAtATime) {
  const std::string a = R"({"regimen":"sorafenib","start":"2024-01-01","end":"2024-02-01"})";
  const std::string b = R"({"regimen":"lenvatinib","start":"2024-01-01","end":"2024-01-15"})";
  const auto ab = read_native_json(native("systemic_therapy", a, b));
  const auto ba = read_native_json(native("systemic_therapy", b, a));
  ASSERT_TRUE(ab.ok() && ba.ok()) << all(ab) << all(ba);
  ASSERT_EQ(ab.record->systemic.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) EXPECT_EQ(ab.record->systemic[i].regimen, ba.record->systemic[i].regimen);

  const std::string c = R"({"regimen":"sorafenib","start":"2024-01-01"})";
  const std::string d = R"({"regimen":"atezolizumab-bevacizumab","start":"2024-03-01"})";
  for (const auto& json : {native("systemic_therapy", c, d), native("systemic_therapy", d, c)}) {
    const auto rr = read_native_json(json);
    ASSERT_EQ(rr.problems.size(), 1u) << all(rr);
    EXPECT_TRUE(has(rr.problems[0].message, "two regimens are ongoing at once")) << rr.problems[0].message;
  }
}

TEST(Contradictions, NativeDeceasedDate) {
  const std::string lab = R"({"date":"2024-03-01","test":"albumin","value":35,"unit":"g/L"})";
  const auto on_the_day = read_native_json(native("labs", lab, lab, R"({"id":"x","deceased_date":"2024-03-01"})"));
  ASSERT_TRUE(on_the_day.ok()) << all(on_the_day);
  EXPECT_EQ(on_the_day.record->deceased_date, Date::parse("2024-03-01"));
  EXPECT_TRUE(on_the_day.record->deceased);
  const auto day_before = read_native_json(native("labs", lab, lab, R"({"id":"x","deceased_date":"2024-02-29"})"));
  ASSERT_EQ(day_before.problems.size(), 2u) << all(day_before);  // each entry named
  EXPECT_EQ(day_before.problems[0].location, "/labs/0/date");
  EXPECT_EQ(day_before.problems[1].location, "/labs/1/date");
  EXPECT_TRUE(has(day_before.problems[0].message, "after the patient's death on 2024-02-29")) << all(day_before);
}

// impossible_findings(): each check on both sides of its threshold.
TEST(Contradictions, ImpossibleFindingsBothSidesOfEachThreshold) {
  auto study = [] {
    ImagingStudy s;
    s.date = *Date::parse("2024-01-01");
    return s;
  };
  auto count = [](const ImagingStudy& s) { return impossible_findings(s).size(); };
  ImagingStudy s = study();
  s.intrahepatic_tumor_count = 2;
  s.new_lesions = 2;
  EXPECT_EQ(count(s), 0u);
  s.new_lesions = 3;
  EXPECT_EQ(count(s), 1u);

  s = study();
  s.intrahepatic_tumor_count = 1;
  s.target_lesions = std::vector<TargetLesion>{{"S7", 2.0}, {"S5", 0.0}};
  EXPECT_EQ(count(s), 0u);  // one viable target, one tumour
  (*s.target_lesions)[1].viable_diameter_cm = 0.1;
  EXPECT_EQ(count(s), 1u);

  s = study();
  s.largest_diameter_cm = 5.2;
  s.target_lesions = std::vector<TargetLesion>{{"S7", 52 / 10.0}};
  EXPECT_EQ(count(s), 0u);  // equal (mm → cm) is allowed
  (*s.target_lesions)[0].viable_diameter_cm = 5.21;
  ASSERT_EQ(count(s), 1u);
  EXPECT_EQ(impossible_findings(s)[0].lesion_id, "S7");

  for (int tumours : {0, 1}) {
    s = study();
    s.intrahepatic_tumor_count = tumours;
    s.liver_occupation_percent = 0.5;
    s.viable_tumor_percent = 0.5;
    s.bilobar = true;
    EXPECT_EQ(count(s), tumours == 0 ? 3u : 0u);
    s.liver_occupation_percent = 0;
    s.viable_tumor_percent = 0;
    s.bilobar = false;
    EXPECT_EQ(count(s), 0u);
  }
  // Without a tumour count nothing is compared with it.
  s = study();
  s.new_lesions = 4;
  s.bilobar = true;
  EXPECT_EQ(count(s), 0u);
}

// ---- FHIR ---------------------------------------------------------------------------------------

std::string bundle(const std::vector<std::string>& resources, const std::string& patient_extra = "") {
  std::string entries =
      R"({"resource":{"resourceType":"Patient","id":"p1","birthDate":"1950-02-03")" + patient_extra + "}}";
  for (const auto& r : resources) entries += R"(,{"resource":)" + r + "}";
  return R"({"resourceType":"Bundle","type":"collection","entry":[)" + entries + "]}";
}

std::string albumin(double g_per_l, const std::string& when = R"("effectiveDateTime":"2024-01-08")",
                    const std::string& status = "final") {
  return R"({"resourceType":"Observation","status":")" + status +
         R"(","code":{"coding":[{"system":"http://loinc.org","code":"1751-7"}]},"subject":{"reference":"Patient/p1"},)" +
         when + R"(,"valueQuantity":{"value":)" + std::to_string(g_per_l) +
         R"(,"unit":"g/L","system":"http://unitsofmeasure.org","code":"g/L"}})";
}

TEST(Contradictions, FhirLabsOfOneDateAgreeOrAreAProblemInEitherOrder) {
  for (const auto& rs : {std::vector<std::string>{albumin(40), albumin(41)}, {albumin(41), albumin(40)}}) {
    const auto rr = read_fhir_bundle(bundle(rs));
    ASSERT_EQ(rr.problems.size(), 1u) << all(rr);
    const std::string where = rr.problems[0].location + " " + rr.problems[0].message;
    EXPECT_TRUE(has(where, "/entry/1/resource/valueQuantity") && has(where, "/entry/2/resource/valueQuantity"))
        << where;
  }
  const auto same = read_fhir_bundle(bundle({albumin(40), albumin(40)}));
  ASSERT_TRUE(same.ok()) << all(same);
  EXPECT_EQ(same.record->labs.albumin_g_per_l.size(), 1u);
}

TEST(Contradictions, FhirDeceased) {
  const auto flag = read_fhir_bundle(bundle({albumin(40)}, R"(,"deceasedBoolean":true)"));
  ASSERT_TRUE(flag.ok()) << all(flag);
  EXPECT_TRUE(flag.record->deceased);
  EXPECT_FALSE(flag.record->deceased_date);
  const auto alive = read_fhir_bundle(bundle({albumin(40)}, R"(,"deceasedBoolean":false)"));
  ASSERT_TRUE(alive.ok()) << all(alive);
  EXPECT_FALSE(alive.record->deceased);
  // A year only: the last day of that year is the latest possible date of death.
  const auto year =
      read_fhir_bundle(bundle({albumin(40, R"("effectiveDateTime":"2024-12-31")")}, R"(,"deceasedDateTime":"2024")"));
  ASSERT_TRUE(year.ok()) << all(year);
  EXPECT_EQ(year.record->deceased_date, Date::parse("2024-12-31"));
  const auto later =
      read_fhir_bundle(bundle({albumin(40, R"("effectiveDateTime":"2025-01-01")")}, R"(,"deceasedDateTime":"2024")"));
  ASSERT_EQ(later.problems.size(), 1u) << all(later);
  EXPECT_EQ(later.problems[0].location, "/entry/1/resource/effectiveDateTime");
}

TEST(Contradictions, FhirPeriodsAndDateTimes) {
  // The end's instant, not its written date, decides: 23:30-02:00 on the 7th is after 00:30Z on the 8th.
  const auto ok = read_fhir_bundle(
      bundle({albumin(40, R"("effectivePeriod":{"start":"2024-01-08T00:30:00Z","end":"2024-01-07T23:30:00-02:00"})")}));
  EXPECT_TRUE(ok.ok()) << all(ok);
  const auto bad = read_fhir_bundle(
      bundle({albumin(40, R"("effectivePeriod":{"start":"2024-01-08T00:30:00Z","end":"2024-01-07T21:30:00-02:00"})")}));
  ASSERT_EQ(bad.problems.size(), 1u) << all(bad);
  EXPECT_EQ(bad.problems[0].location, "/entry/1/resource/effectivePeriod/end");
  const auto lower_case = read_fhir_bundle(bundle({albumin(40, R"("effectiveDateTime":"2024-01-08")", "amended")}));
  EXPECT_TRUE(lower_case.ok()) << all(lower_case);
  const auto upper_case = read_fhir_bundle(bundle({albumin(40, R"("effectiveDateTime":"2024-01-08")", "Amended")}));
  ASSERT_EQ(upper_case.problems.size(), 1u) << all(upper_case);
  EXPECT_EQ(upper_case.problems[0].location, "/entry/1/resource/status");
}

}  // namespace
}  // namespace switchpoint
