// Issue 16 (speed): the FHIR reader spells out a JSON pointer only when it reports a problem there
// (codings, resource ids, dates checked against the date of death). These cases pin the locations
// and messages of those problems (RFC 6901 pointers into the Bundle), so that reading faster never
// changes what is shown.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <vector>

#include "readers/fhir_r4.h"
#include "readers/json_walk.h"

namespace switchpoint {
namespace {

std::string all(const ReadResult& rr) {
  std::string s;
  for (const auto& p : rr.problems) s += "\n  " + p.location + ": " + p.message;
  return s;
}

// A Bundle of a Patient (with `patient_extra` members) and the given resources.
std::string bundle(const std::vector<std::string>& resources, const std::string& patient_extra = "") {
  std::string b = R"({"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient",)"
                  R"("id":"p1","birthDate":"1960-01-01")" +
                  patient_extra + "}}";
  for (const auto& r : resources) b += R"(,{"resource":)" + r + "}";
  return b + "]}";
}

// An albumin Observation (LOINC 1751-7) with `codings` as its code's coding array and `extra` members.
std::string albumin(const std::string& codings, const std::string& extra) {
  return R"({"resourceType":"Observation","status":"final","code":{"coding":)" + codings +
         R"(},"subject":{"reference":"Patient/p1"},"valueQuantity":{"value":40,"unit":"g/L",)"
         R"("system":"http://unitsofmeasure.org","code":"g/L"})" +
         extra + "}";
}
const std::string kLoinc = R"({"system":"http://loinc.org","code":"1751-7"})";
const std::string kDated = R"(,"effectiveDateTime":"2024-03-01")";

std::size_t count_at(const ReadResult& rr, const std::string& location) {
  std::size_t n = 0;
  for (const auto& p : rr.problems) n += p.location == location ? 1 : 0;
  return n;
}

TEST(ProblemLocations, WellFormedCodingsReportNothing) {
  // Absent, null and string members are read quietly.
  for (const std::string& coding : std::vector<std::string>{
           kLoinc, R"({"system":"http://loinc.org","code":"1751-7","display":"Albumin"})",
           R"({"system":null,"code":"x"})", R"({"code":"y"})", R"({"system":"http://loinc.org"})"}) {
    const auto rr = read_fhir_bundle(bundle({albumin("[" + kLoinc + "," + coding + "]", kDated)}));
    EXPECT_TRUE(rr.problems.empty()) << coding << all(rr);
  }
}

TEST(ProblemLocations, ACodingMemberOfTheWrongTypeIsReportedAtItsPointer) {
  // The second coding's system is a number, the third's code an object: each at its own index.
  const auto rr = read_fhir_bundle(bundle({albumin(
      "[" + kLoinc + R"(,{"system":7,"code":"1751-7"},{"system":"http://loinc.org","code":{"a":1}}])", kDated)}));
  const std::string base = "/entry/1/resource/code/coding/";
  EXPECT_EQ(count_at(rr, base + "1/system"), 1U) << all(rr);
  EXPECT_EQ(count_at(rr, base + "2/code"), 1U) << all(rr);
  EXPECT_EQ(count_at(rr, base + "0/system"), 0U) << all(rr);
  bool named = false;
  for (const auto& p : rr.problems)
    if (p.location == base + "1/system") named = p.message == "'system' must be a string, found number 7";
  EXPECT_TRUE(named) << all(rr);
  // Both members of one coding wrong: both reported, system first.
  const auto both = read_fhir_bundle(bundle({albumin("[" + kLoinc + R"(,{"system":[],"code":false}])", kDated)}));
  ASSERT_GE(both.problems.size(), 2U) << all(both);
  EXPECT_EQ(both.problems[0].location, base + "1/system") << all(both);
  EXPECT_EQ(both.problems[1].location, base + "1/code") << all(both);
}

TEST(ProblemLocations, ACodingThatIsNotAnObjectIsReportedAtItsIndex) {
  const auto rr = read_fhir_bundle(bundle({albumin("[" + kLoinc + R"(,"1751-7"])", kDated)}));
  EXPECT_EQ(count_at(rr, "/entry/1/resource/code/coding/1"), 1U) << all(rr);
  // Index 10 and beyond: the pointer's index is the whole decimal number.
  std::string many = "[";
  for (int i = 0; i < 11; ++i) many += kLoinc + ",";
  many += "3]";
  const auto eleven = read_fhir_bundle(bundle({albumin(many, kDated)}));
  EXPECT_EQ(count_at(eleven, "/entry/1/resource/code/coding/11"), 1U) << all(eleven);
}

TEST(ProblemLocations, ACodingMemberThatIsNotAnArrayIsReportedAtTheCodeableConcept) {
  const auto rr = read_fhir_bundle(bundle({albumin(kLoinc, kDated)}));
  ASSERT_GE(rr.problems.size(), 1U) << all(rr);
  EXPECT_EQ(rr.problems[0].location, "/entry/1/resource/code/coding") << all(rr);
  EXPECT_EQ(rr.problems[0].message.rfind("'coding' must be an array, found object ", 0), 0U) << all(rr);
  // A null coding is no coding: the Observation has no code to read (skipped), not a problem.
  const auto null_coding = read_fhir_bundle(bundle({albumin("null", kDated)}));
  EXPECT_TRUE(null_coding.problems.empty()) << all(null_coding);
}

TEST(ProblemLocations, AnIdThatIsNotAStringIsAProblemAndTheResourceIsStillChecked) {
  const auto rr = read_fhir_bundle(bundle({albumin("[" + kLoinc + "]", kDated + R"(,"id":12)")}));
  EXPECT_EQ(count_at(rr, "/entry/1/resource/id"), 1U) << all(rr);
  // A null id is no id: no problem.
  const auto null_id = read_fhir_bundle(bundle({albumin("[" + kLoinc + "]", kDated + R"(,"id":null)")}));
  EXPECT_TRUE(null_id.problems.empty()) << all(null_id);
}

TEST(ProblemLocations, OneIdTwiceIsReadOnceWhenEqualAndAProblemWhenNot) {
  const std::string a = albumin("[" + kLoinc + "]", kDated + R"(,"id":"o1")");
  const auto same = read_fhir_bundle(bundle({a, a}));
  EXPECT_TRUE(same.problems.empty()) << all(same);
  EXPECT_EQ(same.skipped.at("Observation (the same resource twice, read once)"), 1);
  const std::string b = albumin("[" + kLoinc + "]", R"(,"effectiveDateTime":"2024-03-02","id":"o1")");
  const auto differ = read_fhir_bundle(bundle({a, b}));
  ASSERT_EQ(differ.problems.size(), 1U) << all(differ);
  EXPECT_EQ(differ.problems[0].location, "/entry/2/resource");
  EXPECT_EQ(differ.problems[0].message,
            "Observation/o1 appears twice with different content (the other at /entry/1/resource); which one is "
            "meant cannot be told");
  // The same id on resources of two types is two resources.
  const std::string proc =
      R"({"resourceType":"Procedure","id":"o1","status":"completed","subject":{"reference":"Patient/p1"},)"
      R"("code":{"coding":[{"system":"http://example.org","code":"z"}]},"performedDateTime":"2024-03-01"})";
  const auto two_types = read_fhir_bundle(bundle({a, proc}));
  EXPECT_TRUE(two_types.problems.empty()) << all(two_types);
}

TEST(ProblemLocations, DatesAfterDeathAreReportedAtTheirPointersAndTheDayOfDeathIsNot) {
  const std::string death = R"(,"deceasedDateTime":"2024-03-01")";
  // On the day of death: no problem.
  const auto same_day = read_fhir_bundle(bundle({albumin("[" + kLoinc + "]", kDated)}, death));
  EXPECT_TRUE(same_day.problems.empty()) << all(same_day);
  // The day after: a problem at the date's pointer.
  const auto after =
      read_fhir_bundle(bundle({albumin("[" + kLoinc + "]", R"(,"effectiveDateTime":"2024-03-02")")}, death));
  ASSERT_EQ(after.problems.size(), 1U) << all(after);
  EXPECT_EQ(after.problems[0].location, "/entry/1/resource/effectiveDateTime");
  EXPECT_EQ(after.problems[0].message,
            "2024-03-02 is after the patient's death on 2024-03-01 (/entry/0/resource/deceasedDateTime): no entry "
            "can follow the date of death; check this date or the date of death");
  // A period that starts before death and ends after it: the end is reported, not the start.
  const auto period = read_fhir_bundle(
      bundle({albumin("[" + kLoinc + "]", R"(,"effectivePeriod":{"start":"2024-02-01","end":"2024-03-05"})")}, death));
  EXPECT_EQ(count_at(period, "/entry/1/resource/effectivePeriod/end"), 1U) << all(period);
  EXPECT_EQ(count_at(period, "/entry/1/resource/effectivePeriod/start"), 0U) << all(period);
  // No date of death: nothing to check against.
  const auto alive = read_fhir_bundle(bundle({albumin("[" + kLoinc + "]", R"(,"effectiveDateTime":"2030-03-02")")}));
  EXPECT_TRUE(alive.problems.empty()) << all(alive);
}

// RFC 6901 §3: '~' is written "~0" and '/' "~1", in that order of decoding; other bytes as they are.
TEST(ProblemLocations, PointerSegmentsAreEscaped) {
  EXPECT_EQ(json::child("/a", "b"), "/a/b");
  EXPECT_EQ(json::child("", "a/b"), "/a~1b");
  EXPECT_EQ(json::child("", "m~n"), "/m~0n");
  EXPECT_EQ(json::child("", "~1"), "/~01");
  EXPECT_EQ(json::child("/x", ""), "/x/");
  EXPECT_EQ(json::child("/x", std::size_t{0}), "/x/0");
  EXPECT_EQ(json::child("/x", std::size_t{1234567}), "/x/1234567");
  EXPECT_EQ(json::child("F.ndjson:3#", "value"), "F.ndjson:3#/value");
  EXPECT_EQ(json::pointer_escape("a~/b"), "a~0~1b");
  // A repeated member whose name needs escaping, as duplicate_keys reports it.
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(simdjson::padded_string(std::string(R"({"x":[{"a/b":1,"a/b":2}]})"))).get(doc),
            simdjson::SUCCESS);
  std::vector<Problem> problems;
  EXPECT_EQ(json::duplicate_keys(doc, "L:1#", problems), 1U);
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].location, "L:1#/x/0/a~1b");
}

}  // namespace
}  // namespace switchpoint
