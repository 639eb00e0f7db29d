// The hand-written JSON writer: exact bytes for the layouts the decision JSON relies on, and
// every output parsed back with simdjson to prove it is JSON and carries the same values.
#include "presenters/json_writer.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cmath>
#include <string>

namespace switchpoint {
namespace {

simdjson::dom::element parse(simdjson::dom::parser& parser, const std::string& json) {
  simdjson::dom::element doc;
  const auto err = parser.parse(json).get(doc);
  EXPECT_EQ(err, simdjson::SUCCESS) << simdjson::error_message(err) << "\n" << json;
  return doc;
}

std::string string_at(simdjson::dom::element doc, std::string_view pointer) {
  std::string_view s;
  EXPECT_EQ(doc.at_pointer(pointer).get(s), simdjson::SUCCESS) << pointer;
  return std::string(s);
}

std::string one_string(std::string_view s) {
  JsonWriter w(false);
  w.begin_array().value(s).end_array();
  return w.str();
}

TEST(JsonWriter, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(json_escape("plain"), "plain");
  EXPECT_EQ(json_escape("say \"no\""), "say \\\"no\\\"");
  EXPECT_EQ(json_escape("a\\b"), "a\\\\b");
  EXPECT_EQ(json_escape("line1\nline2"), "line1\\nline2");
  EXPECT_EQ(json_escape("a\tb\rc"), "a\\tb\\rc");
  EXPECT_EQ(json_escape(std::string_view("\x01\x1f", 2)), "\\u0001\\u001f");
  EXPECT_EQ(json_escape(std::string_view("nul\0end", 7)), "nul\\u0000end");
  EXPECT_EQ(json_escape("\b\f"), "\\u0008\\u000c");
  // Not escaped: the solidus and UTF-8 text (units are written as clinicians read them). DEL is
  // escaped since issue 13 (no control character raw in any output; the string is the same).
  EXPECT_EQ(json_escape("mg/dL"), "mg/dL");
  EXPECT_EQ(json_escape("\x7f"), "\\u007f");
  EXPECT_EQ(json_escape("51.3 \xC2\xB5mol/L \xE2\x89\xA5 3 mg/dL"), "51.3 \xC2\xB5mol/L \xE2\x89\xA5 3 mg/dL");
}

TEST(JsonWriter, EscapedStringsParseBackToTheOriginal) {
  simdjson::dom::parser parser;
  for (std::string_view s :
       {std::string_view("say \"no\" \\ twice"), std::string_view("tab\there\nnewline\r"),
        std::string_view("\x01\x02\x1f control", 11), std::string_view("nul\0inside", 10),
        std::string_view("\xC2\xB5mol/L and \xCE\xBCmol/L"), std::string_view("</script>"), std::string_view("")}) {
    const std::string json = one_string(s);
    auto doc = parse(parser, json);
    EXPECT_EQ(string_at(doc, "/0"), std::string(s)) << json;
  }
}

TEST(JsonWriter, PrettyLayoutIsExact) {
  JsonWriter w;
  w.begin_object();
  w.field("schema", "switchpoint.decision/1");
  w.key("points").value(6);
  w.key("list").begin_array().value(true).null().end_array();
  w.key("empty_object").begin_object().end_object();
  w.key("empty_array").begin_array().end_array();
  w.key("nested").begin_object().key("value").number(-2.714, 2).end_object();
  w.end_object();
  EXPECT_EQ(w.str(),
            "{\n"
            "  \"schema\": \"switchpoint.decision/1\",\n"
            "  \"points\": 6,\n"
            "  \"list\": [\n"
            "    true,\n"
            "    null\n"
            "  ],\n"
            "  \"empty_object\": {},\n"
            "  \"empty_array\": [],\n"
            "  \"nested\": {\n"
            "    \"value\": -2.71\n"
            "  }\n"
            "}");
}

TEST(JsonWriter, CompactLayoutIsExact) {
  JsonWriter w(false);
  w.begin_object();
  w.field("a", 1);
  w.key("b").begin_array().value("x").value(false).begin_object().end_object().begin_array().end_array().end_array();
  w.key("c").null();
  w.end_object();
  EXPECT_EQ(w.str(), R"({"a":1,"b":["x",false,{},[]],"c":null})");
}

TEST(JsonWriter, DeepNestingParsesBackWithTheSameStructure) {
  JsonWriter w;
  w.begin_object();
  w.key("criteria").begin_array();
  for (int i = 0; i < 3; ++i) {
    w.begin_object();
    w.field("id", "1" + std::string(1, static_cast<char>('a' + i)));
    w.field("met", i % 2 == 0);
    w.key("evidence").begin_array();
    for (int j = 0; j <= i; ++j) w.begin_object().key("value").number(j + 0.5, 1).field("unit", "cm").end_object();
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.key("deep")
      .begin_array()
      .begin_array()
      .begin_array()
      .begin_object()
      .field("leaf", "\"q\"")
      .end_object()
      .end_array()
      .end_array()
      .end_array();
  w.end_object();

  simdjson::dom::parser parser;
  auto doc = parse(parser, w.str());
  simdjson::dom::array criteria;
  ASSERT_EQ(doc["criteria"].get(criteria), simdjson::SUCCESS);
  EXPECT_EQ(criteria.size(), 3u);
  EXPECT_EQ(string_at(doc, "/criteria/2/id"), "1c");
  bool met = false;
  ASSERT_EQ(doc.at_pointer("/criteria/1/met").get(met), simdjson::SUCCESS);
  EXPECT_FALSE(met);
  simdjson::dom::array evidence;
  ASSERT_EQ(doc.at_pointer("/criteria/2/evidence").get(evidence), simdjson::SUCCESS);
  EXPECT_EQ(evidence.size(), 3u);
  double v = 0;
  ASSERT_EQ(doc.at_pointer("/criteria/2/evidence/2/value").get(v), simdjson::SUCCESS);
  EXPECT_EQ(v, 2.5);
  EXPECT_EQ(string_at(doc, "/deep/0/0/0/leaf"), "\"q\"");
}

TEST(JsonWriter, KeysAreEscapedToo) {
  JsonWriter w(false);
  w.begin_object().field("we\"ird\\key", "v").end_object();
  EXPECT_EQ(w.str(), R"({"we\"ird\\key":"v"})");
  simdjson::dom::parser parser;
  auto doc = parse(parser, w.str());
  std::string_view s;
  ASSERT_EQ(doc["we\"ird\\key"].get(s), simdjson::SUCCESS);
  EXPECT_EQ(s, "v");
}

std::string num(double v, int decimals) {
  JsonWriter w(false);
  w.begin_array().number(v, decimals).end_array();
  const std::string& s = w.str();
  return s.substr(1, s.size() - 2);
}

TEST(JsonWriter, FixedDecimals) {
  EXPECT_EQ(num(-2.7149, 2), "-2.71");
  EXPECT_EQ(num(-2.716, 2), "-2.72");
  EXPECT_EQ(num(6.0, 1), "6.0");
  EXPECT_EQ(num(6, 0), "6");
  EXPECT_EQ(num(51.300000000000004, 1), "51.3");
  EXPECT_EQ(num(51.300000000000004, 3), "51.300");
  EXPECT_EQ(num(1e7, 0), "10000000");
  EXPECT_EQ(num(123456.789, 2), "123456.79");
  EXPECT_EQ(num(0.125, 1), "0.1");   // 0.125 is exact in binary: round-half-even
  EXPECT_EQ(num(0.375, 2), "0.38");  // exact in binary, rounds half to even
  EXPECT_EQ(num(1e-9, 2), "0.00");
}

TEST(JsonWriter, NegativeZeroIsWrittenWithoutItsSign) {
  EXPECT_EQ(num(-0.0, 2), "0.00");
  EXPECT_EQ(num(-0.001, 2), "0.00");
  EXPECT_EQ(num(-0.004999, 2), "0.00");
  EXPECT_EQ(num(-0.0, 0), "0");
  EXPECT_EQ(num(-0.4, 0), "0");
  EXPECT_EQ(num(-0.04, 1), "0.0");
  // A real negative value keeps its sign.
  EXPECT_EQ(num(-0.006, 2), "-0.01");
  EXPECT_EQ(num(-0.6, 0), "-1");
  EXPECT_EQ(num(-10.0, 2), "-10.00");
}

TEST(JsonWriter, NonFiniteNumbersBecomeNull) {
  EXPECT_EQ(num(NAN, 2), "null");
  EXPECT_EQ(num(INFINITY, 2), "null");
  EXPECT_EQ(num(-INFINITY, 2), "null");
}

TEST(JsonWriter, IntegersAndBooleans) {
  JsonWriter w(false);
  w.begin_array().value(0).value(-3).value(2147483647L * 4).value(true).value(false).end_array();
  EXPECT_EQ(w.str(), "[0,-3,8589934588,true,false]");
}

TEST(JsonWriter, NumbersParseBackToTheirRoundedValues) {
  JsonWriter w(false);
  w.begin_object();
  w.key("albi").number(-2.7149, 2);
  w.key("zero").number(-0.001, 2);
  w.key("bilirubin").number(51.300000000000004, 1);
  w.end_object();
  simdjson::dom::parser parser;
  auto doc = parse(parser, w.str());
  double v = 0;
  ASSERT_EQ(doc["albi"].get(v), simdjson::SUCCESS);
  EXPECT_EQ(v, -2.71);
  ASSERT_EQ(doc["zero"].get(v), simdjson::SUCCESS);
  EXPECT_EQ(v, 0.0);
  EXPECT_FALSE(std::signbit(v));
  ASSERT_EQ(doc["bilirubin"].get(v), simdjson::SUCCESS);
  EXPECT_EQ(v, 51.3);
}

TEST(JsonWriter, TakeMovesTheOutputOut) {
  JsonWriter w(false);
  w.begin_object().field("k", "v").end_object();
  EXPECT_EQ(w.take(), R"({"k":"v"})");
}

}  // namespace
}  // namespace switchpoint
