// "Skipped is visible everywhere" (issue 14, item 3): the text, the HTML report and the JSON say
// "not read: N resources (SNOMED CT 389026000 Ascites …)" with the code, the display the resource
// sent (escaped for each output), the count and the reason, most frequent first; the JSON keeps
// input.skipped as it was and adds input.not_read; the obtain line of a fact whose resource was
// sent but not read names that resource.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <vector>

#include "core/engine.h"
#include "presenters/decision_json.h"
#include "presenters/decision_text.h"
#include "presenters/html_report.h"
#include "presenters/not_read_line.h"
#include "readers/fhir_r4.h"

namespace switchpoint {
namespace {

std::string bundle(const std::vector<std::string>& resources) {
  std::string out = R"({"resourceType":"Bundle","type":"collection","entry":[)"
                    R"({"resource":{"resourceType":"Patient","id":"p1","birthDate":"1950-01-01"}})";
  for (const auto& r : resources) out += R"(,{"resource":)" + r + "}";
  return out + "]}";
}

std::string obs(const std::string& system, const std::string& code, const std::string& display,
                const std::string& extra, const std::string& date = "2024-03-01", const std::string& status = "final") {
  return R"({"resourceType":"Observation","status":")" + status + R"(","code":{"coding":[{"system":")" + system +
         R"(","code":")" + code + R"(","display":")" + display +
         R"("}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":")" + date + R"(")" +
         (extra.empty() ? "" : "," + extra) + "}";
}

const std::string kQty = R"("valueQuantity":{"value":1,"unit":"x"})";

// A TACE patient with a CT and labs but no ascites, plus what the test adds.
std::vector<std::string> patient(std::vector<std::string> more) {
  std::vector<std::string> out = {
      R"({"resourceType":"Procedure","status":"completed","code":{"coding":[{"system":"urn:switchpoint:hcc","code":"tace"}]},"subject":{"reference":"Patient/p1"},"performedDateTime":"2024-01-10"})",
      obs("urn:switchpoint:hcc", "intrahepatic-tumor-count", "", R"("valueInteger":2)", "2024-01-05"),
      obs("http://loinc.org", "1975-2", "",
          R"("valueQuantity":{"value":1.0,"unit":"mg/dL","system":"http://unitsofmeasure.org","code":"mg/dL"})"),
  };
  out.insert(out.end(), more.begin(), more.end());
  return out;
}

struct Outputs {
  ReadResult rr;
  Decision d;
  InputSummary in;
  std::string text, html, json;
};

Outputs render(const std::vector<std::string>& resources) {
  Outputs o;
  o.rr = read_fhir_bundle(bundle(resources));
  EXPECT_TRUE(o.rr.ok()) << (o.rr.problems.empty() ? "" : o.rr.problems[0].message);
  if (!o.rr.ok()) return o;
  const Date as_of = *default_as_of(*o.rr.record);
  o.d = evaluate(*o.rr.record, as_of);
  o.in = input_summary(o.rr, as_of);
  o.text = decision_to_text(o.d, o.in);
  o.html = decision_to_html(o.d, o.rr.record->as_of(as_of), o.in);
  o.json = decision_to_json(o.d, o.in);
  return o;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

TEST(NotReadLine, TextSaysHowManyWhatAndWhyMostFrequentFirst) {
  const auto o = render(patient({
      obs("http://loinc.org", "8867-4", "Heart rate", kQty),
      obs("http://loinc.org", "8867-4", "Heart rate", kQty, "2024-02-01"),
      obs("http://snomed.info/sct", "389026000", "Ascites", R"("valueBoolean":true)", "2024-02-20", "entered-in-error"),
  }));
  EXPECT_TRUE(contains(o.text,
                       "not read: 3 resources (2 × LOINC 8867-4 Heart rate (Observation; code not read); "
                       "SNOMED CT 389026000 Ascites (Observation; status entered-in-error))\n"))
      << o.text;
  // The line comes before the decision, and the old catch-all line is gone for these resources.
  EXPECT_LT(o.text.find("not read: 3 resources"), o.text.find("CHECKPOINT"));
  EXPECT_FALSE(contains(o.text, "NOT READ from the input")) << o.text;
  // The obtain line of the ascites grade names the resource and says what to record.
  EXPECT_TRUE(contains(o.text,
                       "ascites grade within 30 days before 2024-03-01 — sent as SNOMED CT 389026000 Ascites on "
                       "2024-02-20 but not read (status entered-in-error): record the grade (none, slight or "
                       "moderate-severe) — would settle: "))
      << o.text;
}

TEST(NotReadLine, OneResourceIsSingular) {
  const auto o = render(patient({obs("http://loinc.org", "8867-4", "Heart rate", kQty)}));
  EXPECT_TRUE(contains(o.text, "not read: 1 resource (LOINC 8867-4 Heart rate (Observation; code not read))"))
      << o.text;
}

TEST(NotReadLine, NothingSkippedNoLine) {
  const auto o = render(patient({}));
  EXPECT_FALSE(contains(o.text, "not read:")) << o.text;
  EXPECT_FALSE(contains(o.html, "not read:"));
  EXPECT_TRUE(contains(o.json, "\"not_read\": []")) << o.json.substr(0, 600);
}

TEST(NotReadLine, WhatWasReadAfterAllStaysOnTheOtherLine) {
  const std::string lab =
      R"({"resourceType":"Observation","id":"dup","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"1751-7"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2024-03-01","valueQuantity":{"value":4.0,"unit":"g/dL","system":"http://unitsofmeasure.org","code":"g/dL"}})";
  const auto o = render(patient({lab, lab, obs("http://loinc.org", "8867-4", "Heart rate", kQty)}));
  EXPECT_TRUE(contains(o.text, "not read: 1 resource (")) << o.text;
  EXPECT_TRUE(
      contains(o.text, "NOT READ from the input: 1 entry (1 × Observation (the same resource twice, read once))"))
      << o.text;
}

TEST(NotReadLine, TheDiagnosisThatWasReadIsNotSaidToBeNotRead) {
  const auto o = render(patient(
      {R"({"resourceType":"Condition","code":{"coding":[{"system":"http://snomed.info/sct","code":"109841003"}]},"subject":{"reference":"Patient/p1"},"onsetDateTime":"2023-12-01"})"}));
  EXPECT_EQ(o.rr.skipped.at("used: diagnosis"), 1);  // still counted in input.skipped
  EXPECT_FALSE(contains(o.text, "used: diagnosis")) << o.text;
  EXPECT_FALSE(contains(o.text, "NOT READ")) << o.text;
  EXPECT_FALSE(contains(o.html, "used: diagnosis"));
  EXPECT_TRUE(contains(o.json, "\"used: diagnosis\": 1"));
}

TEST(NotReadLine, TheDisplayIsEscapedForEachOutput) {
  const auto o = render(patient({obs("http://loinc.org", "8867-4", "<b>Heart</b> *rate* \\u202e", kQty)}));
  // HTML: the markup of the display is text.
  EXPECT_TRUE(contains(o.html, "LOINC 8867-4 &lt;b&gt;Heart&lt;/b&gt; *rate*")) << o.html.substr(0, 3000);
  EXPECT_FALSE(contains(o.html, "<b>Heart</b>"));
  // Text: the right-to-left override is shown as an escape, never acted on.
  EXPECT_TRUE(contains(o.text, "LOINC 8867-4 <b>Heart</b> *rate* \\u202e")) << o.text;
  EXPECT_FALSE(contains(o.text, "\u202e"));
}

TEST(NotReadLine, HtmlSaysTheLineInTheHeader) {
  const auto o =
      render(patient({obs("http://snomed.info/sct", "28670008", "Esophageal varices", R"("valueBoolean":true)")}));
  const auto at = o.html.find(
      "<p class=\"meta small not-read\" role=\"note\">not read: 1 resource (SNOMED CT 28670008 "
      "Esophageal varices (Observation; oesophageal varices without a risk grade; an Observation "
      "valued absent is read as no varices; send urn:switchpoint:hcc|varices with the risk "
      "grade))</p>");
  ASSERT_NE(at, std::string::npos) << o.html.substr(0, 4000);
  EXPECT_LT(at, o.html.find("</header>"));
}

TEST(NotReadLine, JsonKeepsSkippedAndAddsTheStructuredEntries) {
  const auto o = render(patient({
      obs("http://loinc.org", "5902-2", "Prothrombin time", kQty, "2024-02-28"),
      obs("http://loinc.org", "8867-4", "Heart rate", kQty),
      obs("http://loinc.org", "8867-4", "Heart rate", kQty, "2024-02-01"),
  }));
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  ASSERT_EQ(p.parse(o.json).get(doc), simdjson::SUCCESS);
  int64_t n = 0;
  ASSERT_EQ(doc["input"]["skipped"]["Observation http://loinc.org|8867-4"].get(n), simdjson::SUCCESS);
  EXPECT_EQ(n, 2);
  simdjson::dom::array arr;
  ASSERT_EQ(doc["input"]["not_read"].get(arr), simdjson::SUCCESS);
  ASSERT_EQ(arr.size(), 2u);
  std::string_view s;
  EXPECT_EQ(arr.at(0)["code"].get(s), simdjson::SUCCESS);
  EXPECT_EQ(s, "8867-4");
  EXPECT_EQ(arr.at(0)["count"].get(n), simdjson::SUCCESS);
  EXPECT_EQ(n, 2);
  EXPECT_EQ(arr.at(0)["system_name"].get(s), simdjson::SUCCESS);
  EXPECT_EQ(s, "LOINC");
  EXPECT_EQ(arr.at(0)["key"].get(s), simdjson::SUCCESS);
  EXPECT_EQ(s, "Observation http://loinc.org|8867-4");
  EXPECT_EQ(arr.at(1)["display"].get(s), simdjson::SUCCESS);
  EXPECT_EQ(s, "Prothrombin time");
  EXPECT_EQ(arr.at(1)["resource"].get(s), simdjson::SUCCESS);
  EXPECT_EQ(s, "Observation");
  EXPECT_EQ(arr.at(1)["reason"].get(s), simdjson::SUCCESS);
  EXPECT_TRUE(s.starts_with("prothrombin time in seconds is not the prolongation over control")) << s;
  EXPECT_EQ(doc["input"]["not_read_line"].get(s), simdjson::SUCCESS);
  EXPECT_TRUE(s.starts_with("not read: 3 resources (2 × LOINC 8867-4 Heart rate")) << s;
  // The INR line of the obtain list names the prothrombin time.
  bool named = false;
  for (auto item : doc["obtain"].get_array()) {
    std::string_view fact, note;
    if (item["fact"].get(fact) != simdjson::SUCCESS || !fact.starts_with("INR")) continue;
    ASSERT_EQ(item["not_read_note"].get(note), simdjson::SUCCESS);
    simdjson::dom::array sent;
    ASSERT_EQ(item["sent_not_read"].get(sent), simdjson::SUCCESS);
    if (fact.ends_with("before 2024-01-10")) {
      // The INR before the first TACE (2024-01-10): the prothrombin time of 2024-02-28 is outside its window.
      EXPECT_EQ(note, "");
      EXPECT_EQ(sent.size(), 0u);
      continue;
    }
    named = note.starts_with("sent as LOINC 5902-2 Prothrombin time on 2024-02-28 but not read");
    EXPECT_EQ(sent.size(), 1u);
  }
  EXPECT_TRUE(named) << o.json;
}

TEST(NotReadLine, CutAfterTheGivenNumberOfEntriesWithTheCountOfTheRest) {
  std::vector<NotRead> entries;
  for (int i = 0; i < 7; ++i)
    entries.push_back({"Observation", "http://loinc.org", "1000-" + std::to_string(i), "", "code not read", 1});
  auto plain = [](std::string_view t) { return std::string(t); };
  const std::string five = not_read_line(entries, 5, plain);
  EXPECT_TRUE(five.starts_with("not read: 7 resources (LOINC 1000-0 (Observation; code not read); ")) << five;
  EXPECT_TRUE(five.ends_with("LOINC 1000-4 (Observation; code not read); … and 2 more)")) << five;
  const std::string seven = not_read_line(entries, 7, plain);
  EXPECT_TRUE(seven.ends_with("LOINC 1000-6 (Observation; code not read))")) << seven;
  EXPECT_EQ(not_read_line({}, 5, plain), "");
}

TEST(NotReadLine, SystemShortNames) {
  EXPECT_EQ(system_short_name("http://loinc.org"), "LOINC");
  EXPECT_EQ(system_short_name("http://snomed.info/sct"), "SNOMED CT");
  EXPECT_EQ(system_short_name("http://hl7.org/fhir/sid/icd-10-cm"), "ICD-10-CM");
  EXPECT_EQ(system_short_name("http://hl7.org/fhir/sid/icd-10"), "ICD-10");
  EXPECT_EQ(system_short_name("http://terminology.hl7.org/CodeSystem/icd-o-3"), "ICD-O-3");
  EXPECT_EQ(system_short_name("http://www.nlm.nih.gov/research/umls/rxnorm"), "RxNorm");
  EXPECT_EQ(system_short_name("http://www.whocc.no/atc"), "ATC");
  EXPECT_EQ(system_short_name("http://www.ama-assn.org/go/cpt"), "CPT");
  EXPECT_EQ(system_short_name("http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl"), "NCIt");
  EXPECT_EQ(system_short_name("urn:switchpoint:hcc"), "project");
  EXPECT_EQ(system_short_name("http://example.org/local"), "http://example.org/local");
}

}  // namespace
}  // namespace switchpoint
