// docs/record.schema.json must describe what the native reader actually reads: the same keys
// per object, the same required fields, the same enum spellings (record.cpp tables) and the same
// accepted unit spellings (units.cpp). This test keeps the documentation from drifting.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/record.h"
#include "core/units.h"
#include "readers/native_json.h"

namespace switchpoint {
namespace {

const std::string kSchemaPath = std::string(SWITCHPOINT_SOURCE_DIR) + "/docs/record.schema.json";

class SchemaSync : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::ifstream f(kSchemaPath, std::ios::binary);
    ASSERT_TRUE(f.good()) << kSchemaPath;
    std::stringstream ss;
    ss << f.rdbuf();
    text_ = new std::string(ss.str());
    parser_ = new simdjson::dom::parser();
    ASSERT_EQ(parser_->parse(*text_).get(root_), simdjson::SUCCESS);
  }
  static void TearDownTestSuite() {
    delete parser_;
    delete text_;
  }

  static simdjson::dom::element at(std::string_view pointer) {
    simdjson::dom::element e;
    EXPECT_EQ(root_.at_pointer(pointer).get(e), simdjson::SUCCESS) << pointer;
    return e;
  }
  static std::string str(std::string_view pointer) {
    std::string_view s;
    EXPECT_EQ(at(pointer).get(s), simdjson::SUCCESS) << pointer;
    return std::string(s);
  }
  // The string members of an enum, null (= absent) left out.
  static std::vector<std::string> enum_at(std::string_view pointer) {
    std::vector<std::string> out;
    simdjson::dom::array arr;
    EXPECT_EQ(at(pointer).get(arr), simdjson::SUCCESS) << pointer;
    for (auto v : arr) {
      std::string_view s;
      if (v.get(s) == simdjson::SUCCESS) out.emplace_back(s);
    }
    return out;
  }
  static std::set<std::string> keys_at(std::string_view pointer) {
    std::set<std::string> out;
    simdjson::dom::object o;
    EXPECT_EQ(at(pointer).get(o), simdjson::SUCCESS) << pointer;
    for (auto [k, v] : o) out.emplace(k);
    return out;
  }

  // Whether the property schema at `pointer` admits null: "type" lists "null" (and "enum", if
  // any, holds null), or an "anyOf" branch is {"type": "null"}.
  static bool allows_null(const std::string& pointer) {
    simdjson::dom::object prop;
    if (at(pointer).get(prop) != simdjson::SUCCESS) return false;
    auto type_has_null = [](simdjson::dom::object o) {
      simdjson::dom::element type;
      if (o.at_key("type").get(type) != simdjson::SUCCESS) return false;
      std::string_view one;
      if (type.get(one) == simdjson::SUCCESS) return one == "null";
      simdjson::dom::array many;
      if (type.get(many) != simdjson::SUCCESS) return false;
      for (auto t : many)
        if (t.get(one) == simdjson::SUCCESS && one == "null") return true;
      return false;
    };
    simdjson::dom::array any_of;
    if (prop.at_key("anyOf").get(any_of) == simdjson::SUCCESS) {
      for (auto branch : any_of) {
        simdjson::dom::object b;
        if (branch.get(b) == simdjson::SUCCESS && type_has_null(b)) return true;
      }
      return false;
    }
    if (!type_has_null(prop)) return false;
    simdjson::dom::array values;
    if (prop.at_key("enum").get(values) == simdjson::SUCCESS) {
      for (auto v : values)
        if (v.is_null()) return true;
      return false;
    }
    return true;
  }

  static inline std::string* text_ = nullptr;
  static inline simdjson::dom::parser* parser_ = nullptr;
  static inline simdjson::dom::element root_;
};

// Every enum value of E by its spelling, in declaration order (to_string gives "?" past the end).
template <typename E>
std::vector<std::string> spellings() {
  std::vector<std::string> out;
  for (int i = 0; i < 64; ++i) {
    const std::string_view s = to_string(static_cast<E>(i));
    if (s == "?") break;
    out.emplace_back(s);
  }
  return out;
}

TEST_F(SchemaSync, FormatIdentifier) {
  EXPECT_EQ(str("/$schema"), "https://json-schema.org/draft/2020-12/schema");
  EXPECT_EQ(str("/properties/schema/const"), kNativeSchema);
}

TEST_F(SchemaSync, EnumsAreTheRecordSpellings) {
  EXPECT_EQ(enum_at("/$defs/clinical_assessment/properties/ascites/enum"), spellings<Ascites>());
  EXPECT_EQ(enum_at("/$defs/clinical_assessment/properties/encephalopathy/enum"), spellings<Encephalopathy>());
  EXPECT_EQ(enum_at("/$defs/imaging_study/properties/mrecist/enum"), spellings<MrecistCategory>());
  EXPECT_EQ(enum_at("/$defs/imaging_study/properties/vascular_invasion/enum"), spellings<VascularInvasion>());
  EXPECT_EQ(enum_at("/$defs/imaging_study/properties/nontarget/enum"), spellings<NonTargetStatus>());
  EXPECT_EQ(enum_at("/$defs/imaging_study/properties/morphology/enum"), spellings<Morphology>());
  EXPECT_EQ(enum_at("/$defs/systemic_therapy/properties/stop_reason/enum"), spellings<StopReason>());
  EXPECT_EQ(enum_at("/$defs/endoscopy/properties/varices/enum"), spellings<Varices>());
  EXPECT_EQ(enum_at("/$defs/condition/properties/code/enum"), spellings<ConditionKind>());
  EXPECT_EQ(enum_at("/$defs/procedure/properties/code/enum"), spellings<CourseEndingKind>());
  EXPECT_EQ(spellings<Morphology>().size(), 7u);  // the guard above really enumerates
}

TEST_F(SchemaSync, LabTestsAreTheLabQuantities) {
  std::vector<std::string> want;
  for (const auto& s : all_quantity_specs())
    if (lab_quantity_from_key(s.key)) want.emplace_back(s.key);
  EXPECT_EQ(enum_at("/$defs/lab/properties/test/enum"), want);
  EXPECT_EQ(want.size(), 10u);
}

// A unit spelling is accepted by the reader exactly when the schema's pattern matches it.
TEST_F(SchemaSync, UnitPatternsMatchExactlyTheAcceptedSpellings) {
  std::vector<std::string> candidates = {"", " ", "mmol/L", "mg/L", "g", "in", "%", "ng/mL", "mAU/mL ", "x", "10^6/L"};
  for (const auto& s : all_quantity_specs())
    for (const auto& u : s.units) {
      std::string upper(u.spelling), lower(u.spelling);
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      candidates.insert(candidates.end(), {std::string(u.spelling), upper, lower, " " + std::string(u.spelling) + "\t",
                                           std::string(u.spelling) + "x", "x" + std::string(u.spelling)});
    }
  int checked = 0;
  for (const auto& s : all_quantity_specs()) {
    if (s.quantity == Quantity::Percent) continue;  // not a field of the record
    const std::string def = "/$defs/unit_" + std::string(s.key);
    const std::regex pattern(str(def + "/pattern"), std::regex::ECMAScript);
    const std::string description = str(def + "/description");
    EXPECT_NE(description.find(std::string(s.canonical_unit)), std::string::npos) << def;
    for (const auto& u : s.units)
      EXPECT_NE(description.find(std::string(u.spelling)), std::string::npos) << def << " lacks " << u.spelling;
    for (const auto& c : candidates) {
      const Converted conv = to_canonical(s.quantity, 1.0, c);
      const bool reader_accepts = conv.canonical.has_value() || conv.problem.find("implausible") != std::string::npos;
      EXPECT_EQ(std::regex_match(c, pattern), reader_accepts) << def << " on '" << c << "': " << conv.problem;
      ++checked;
    }
  }
  EXPECT_GT(checked, 1000);
}

// For every object of the record: the reader's known keys are the schema's properties, unknown
// keys are refused (additionalProperties: false), and each schema-required field is required.
struct ObjectSite {
  std::string def;                                           // schema pointer of the object's definition
  std::string pointer;                                       // where the reader finds it in the document below
  std::vector<std::pair<std::string, std::string>> minimal;  // a valid instance: key, JSON value
  std::string (*wrap)(const std::string& object_json);       // the object placed in a record
};

std::string record_with(const std::string& rest) {
  return R"({"schema": "switchpoint.record/1", "patient": {"id": "x"})" + rest + "}";
}

std::string render(const std::vector<std::pair<std::string, std::string>>& fields, const std::string& skip,
                   const std::string& extra) {
  std::string out = "{";
  for (const auto& [k, v] : fields) {
    if (k == skip) continue;
    if (out.size() > 1) out += ", ";
    out += "\"" + k + "\": " + v;
  }
  if (!extra.empty()) out += (out.size() > 1 ? ", " : "") + extra;
  return out + "}";
}

std::vector<ObjectSite> sites() {
  return {
      {"",
       "",
       {{"schema", R"("switchpoint.record/1")"}, {"patient", R"({"id": "x"})"}},
       [](const std::string& o) { return o; }},
      {"/$defs/patient",
       "/patient",
       {{"id", R"("x")"}},
       [](const std::string& o) { return R"({"schema": "switchpoint.record/1", "patient": )" + o + "}"; }},
      {"/$defs/lab",
       "/labs/0",
       {{"date", R"("2024-01-01")"}, {"test", R"("albumin")"}, {"value", "40"}, {"unit", R"("g/L")"}},
       [](const std::string& o) { return record_with(", \"labs\": [" + o + "]"); }},
      {"/$defs/clinical_assessment",
       "/clinical/0",
       {{"date", R"("2024-01-01")"}},
       [](const std::string& o) { return record_with(", \"clinical\": [" + o + "]"); }},
      {"/$defs/weight",
       "/clinical/0/weight",
       {{"value", "70"}, {"unit", R"("kg")"}},
       [](const std::string& o) {
         return record_with(R"(, "clinical": [{"date": "2024-01-01", "weight": )" + o + "}]");
       }},
      {"/$defs/imaging_study",
       "/imaging/0",
       {{"date", R"("2024-01-01")"}},
       [](const std::string& o) { return record_with(", \"imaging\": [" + o + "]"); }},
      {"/$defs/diameter",
       "/imaging/0/largest_diameter",
       {{"value", "42"}, {"unit", R"("mm")"}},
       [](const std::string& o) {
         return record_with(R"(, "imaging": [{"date": "2024-01-01", "largest_diameter": )" + o + "}]");
       }},
      {"/$defs/target_lesion",
       "/imaging/0/target_lesions/0",
       {{"id", R"("S7")"}, {"viable_diameter", R"({"value": 2, "unit": "cm"})"}},
       [](const std::string& o) {
         return record_with(R"(, "imaging": [{"date": "2024-01-01", "target_lesions": [)" + o + "]}]");
       }},
      {"/$defs/tace_session",
       "/tace/0",
       {{"date", R"("2024-01-01")"}},
       [](const std::string& o) { return record_with(", \"tace\": [" + o + "]"); }},
      {"/$defs/systemic_therapy",
       "/systemic_therapy/0",
       {{"regimen", R"("sorafenib")"}, {"start", R"("2024-01-01")"}},
       [](const std::string& o) { return record_with(", \"systemic_therapy\": [" + o + "]"); }},
      {"/$defs/endoscopy",
       "/endoscopy/0",
       {{"date", R"("2024-01-01")"}, {"varices", R"("none")"}},
       [](const std::string& o) { return record_with(", \"endoscopy\": [" + o + "]"); }},
      {"/$defs/condition",
       "/conditions/0",
       {{"code", R"("variceal-bleeding")"}},
       [](const std::string& o) { return record_with(", \"conditions\": [" + o + "]"); }},
  };
}

std::set<std::string> split_list(std::string_view list) {
  std::set<std::string> out;
  while (!list.empty()) {
    const auto comma = list.find(", ");
    out.emplace(list.substr(0, comma));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 2);
  }
  return out;
}

TEST_F(SchemaSync, ObjectKeysAndRequiredFieldsMatchTheReader) {
  for (const auto& site : sites()) {
    SCOPED_TRACE(site.def.empty() ? "(root)" : site.def);
    // The minimal instance is valid.
    const ReadResult ok = read_native_json(site.wrap(render(site.minimal, "", "")));
    ASSERT_TRUE(ok.ok()) << (ok.problems.empty() ? "" : ok.problems[0].location + " " + ok.problems[0].message);

    // Unknown keys are refused, and the refusal lists the reader's known keys.
    bool closed = true;
    EXPECT_EQ(at(site.def + "/additionalProperties").get(closed), simdjson::SUCCESS);
    EXPECT_FALSE(closed);
    const ReadResult extra = read_native_json(site.wrap(render(site.minimal, "", R"("zz_unknown": null)")));
    ASSERT_EQ(extra.problems.size(), 1u);
    EXPECT_EQ(extra.problems[0].location, site.pointer + "/zz_unknown");
    const std::string& msg = extra.problems[0].message;
    const auto list_at = msg.find("known fields here: ");
    ASSERT_NE(list_at, std::string::npos) << msg;
    const std::set<std::string> reader_keys = split_list(std::string_view(msg).substr(list_at + 19));
    EXPECT_EQ(reader_keys, keys_at(site.def + "/properties"));

    // Each optional key may be null (read as absent); each required key is required.
    std::set<std::string> required;
    simdjson::dom::array req;
    ASSERT_EQ(at(site.def + "/required").get(req), simdjson::SUCCESS);
    for (auto r : req) {
      std::string_view k;
      ASSERT_EQ(r.get(k), simdjson::SUCCESS);
      required.emplace(k);
    }
    std::set<std::string> minimal_keys;
    for (const auto& [k, v] : site.minimal) minimal_keys.insert(k);
    EXPECT_EQ(required, minimal_keys) << "the minimal instance holds exactly the required keys";
    for (const auto& k : reader_keys) {
      if (required.count(k)) {
        const ReadResult missing = read_native_json(site.wrap(render(site.minimal, k, "")));
        ASSERT_FALSE(missing.problems.empty()) << k << " is required by the schema but not by the reader";
        EXPECT_EQ(missing.problems[0].location, site.pointer + "/" + k);
        EXPECT_FALSE(allows_null(site.def + "/properties/" + k)) << k;
      } else {
        const ReadResult nulled = read_native_json(site.wrap(render(site.minimal, "", "\"" + k + "\": null")));
        EXPECT_TRUE(nulled.ok()) << k << ": " << (nulled.problems.empty() ? "" : nulled.problems[0].message);
        EXPECT_TRUE(allows_null(site.def + "/properties/" + k)) << k << ": the reader reads null as absent";
      }
    }
  }
}

}  // namespace
}  // namespace switchpoint
