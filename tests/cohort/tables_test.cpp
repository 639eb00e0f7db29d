// Issue 15 item 4, analysis-ready tables: --criteria (INTERFACES.md columns), --episodes, the data
// dictionary, one value per cell, snake_case names, and the statuses "not applicable (no TACE)"
// and "not evaluable yet (one session)" kept apart from "not refractory".
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cohort/row.h"
#include "cohort_test_util.h"
#include "core/engine.h"

namespace switchpoint::cohort {
namespace {

using testing::slurp;
using testing::TempDir;

Date d(std::string_view iso) { return *Date::parse(iso); }

ImagingStudy study(const char* date, int count, double cm) {
  ImagingStudy s;
  s.date = d(date);
  s.modality = "CT";
  s.intrahepatic_tumor_count = count;
  s.largest_diameter_cm = cm;
  return s;
}

// TACE sessions on the given dates, with imaging before and after each.
PatientRecord patient(const std::string& id, std::vector<const char*> tace) {
  PatientRecord r;
  r.patient_id = id;
  r.imaging.push_back(study("2023-01-01", 2, 3.0));
  for (const char* t : tace) r.tace.push_back({d(t), "cTACE", true});
  r.imaging.push_back(study("2023-09-01", 2, 3.0));
  r.sort_timelines();
  return r;
}

CohortRow row_for(const PatientRecord& r) {
  CohortRow row;
  row.patient_id = r.patient_id;
  const Date as_of = *default_as_of(r);
  fill_from_decision(row, r.as_of(as_of), evaluate(r, as_of));
  return row;
}

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// RFC 4180 cells of one line (quoted cells may hold commas and doubled quotes).
std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += line[++i];
      else if (c == '"') quoted = false;
      else out.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

TEST(CohortTables, NoTaceOneSessionAndTwoSessionsAreThreeDifferentThings) {
  const CohortRow none = row_for(patient("no-tace", {}));
  const CohortRow one = row_for(patient("one", {"2023-02-01"}));
  const CohortRow two = row_for(patient("two", {"2023-02-01", "2023-05-01"}));
  for (std::size_t i = 0; i < kDefinitions.size(); ++i) {
    EXPECT_EQ(none.definitions[i].status, RefractorinessStatus::NotApplicable) << kDefinitions[i];
    EXPECT_EQ(status_detail(none, i), "not-applicable-no-tace") << kDefinitions[i];
    EXPECT_EQ(status_detail(one, i) == "not-evaluable-yet",
              one.definitions[i].status != RefractorinessStatus::Refractory)
        << kDefinitions[i];
    EXPECT_NE(status_detail(one, i), "not-refractory") << kDefinitions[i];
    // Two sessions (the threshold's other side): never "not evaluable yet".
    EXPECT_NE(status_detail(two, i), "not-evaluable-yet") << kDefinitions[i];
    EXPECT_EQ(status_detail(two, i), to_string(two.definitions[i].status)) << kDefinitions[i];
  }
  CohortRow withheld;
  withheld.patient_id = "bad";
  withheld.input = InputStatus::Invalid;
  EXPECT_EQ(status_detail(withheld, 0), "withheld");
}

TEST(CohortTables, CriteriaCsvHasTheInterfaceColumnsAndOneRowPerCriterion) {
  const CohortRow none = row_for(patient("no-tace", {}));
  const CohortRow two = row_for(patient("two", {"2023-02-01", "2023-05-01"}));
  const auto l = lines(criteria_to_csv({none, two}));
  ASSERT_FALSE(l.empty());
  EXPECT_EQ(l[0].rfind("patient_id,definition,criterion,status,met_on,missing", 0), 0u) << l[0];
  std::size_t expected = 1;  // the header; then each criterion, or one row for a definition listing none
  for (const auto* row : {&none, &two})
    for (const auto& def : row->definitions) expected += std::max<std::size_t>(1, def.criteria.size());
  EXPECT_EQ(l.size(), expected);
  const std::set<std::string> states = {"met", "not-met", "not-judgeable"};
  std::size_t criteria_rows = 0;
  for (std::size_t k = 1; k < l.size(); ++k) {
    const auto c = cells(l[k]);
    if (c[0] == "no-tace") {
      // The criteria as the decision JSON lists them; the definition is not applicable, never not refractory.
      EXPECT_NE(c[3], "met") << l[k];
      EXPECT_EQ(c[6], "not-applicable") << l[k];
      EXPECT_EQ(c[7], "not-applicable-no-tace") << l[k];
      continue;
    }
    if (c[2].empty()) continue;
    ++criteria_rows;
    EXPECT_TRUE(states.count(c[3])) << l[k];
    EXPECT_EQ(c[3] == "met", !c[4].empty()) << "met_on exactly when met: " << l[k];
  }
  EXPECT_GT(criteria_rows, 8u);
}

TEST(CohortTables, EpisodesAreDatedOnePerRow) {
  PatientRecord r = patient("p", {"2023-02-01", "2023-05-01"});
  r.procedures.push_back({d("2023-06-01"), CourseEndingKind::Resection});
  r.systemic.push_back({"lenvatinib", d("2023-07-01"), d("2023-08-15"), std::nullopt, std::nullopt, std::nullopt});
  r.sort_timelines();
  CohortRow row = row_for(r);
  const auto l = lines(episodes_to_csv({row}));
  ASSERT_EQ(l.size(), 1u + row.tace_dates.size() + 2u) << episodes_to_csv({row});
  EXPECT_EQ(l[0], "patient_id,episode,kind,start,end,regimen,tace_session");
  EXPECT_EQ(l[l.size() - 2], "p," + std::to_string(l.size() - 2) + ",resection,2023-06-01,,,");
  EXPECT_EQ(l.back(), "p," + std::to_string(l.size() - 1) + ",systemic,2023-07-01,2023-08-15,lenvatinib,");
  EXPECT_EQ(cells(l[1])[2], "tace");
  EXPECT_EQ(cells(l[1])[6], "1");
}

TEST(CohortTables, ColumnNamesAreSnakeCaseAndOneValuePerCell) {
  const std::regex snake("^[a-z][a-z0-9_]*$");
  for (const auto& cols : {rows_csv_columns(), criteria_csv_columns(), episodes_csv_columns()})
    for (const auto& c : cols) EXPECT_TRUE(std::regex_match(c, snake)) << c;
  const auto cols = rows_csv_columns();
  for (const char* split : {"child_pugh_points", "child_pugh_class", "up_to_seven_value", "up_to_seven_within",
                            "raoul_2011_status", "bclc_2022_detail"})
    EXPECT_NE(std::find(cols.begin(), cols.end(), split), cols.end()) << split;
  // The split cells of a row whose up-to-seven is computed.
  const CohortRow two = row_for(patient("two", {"2023-02-01", "2023-05-01"}));
  const auto l = lines(rows_to_csv({two}));
  const auto c = cells(l[1]);
  ASSERT_EQ(c.size(), cols.size());
  auto at = [&](const char* name) {
    return c[static_cast<std::size_t>(std::find(cols.begin(), cols.end(), name) - cols.begin())];
  };
  EXPECT_EQ(at("up_to_seven_value"), "5.0");  // 3.0 cm + 2 nodules
  EXPECT_EQ(at("up_to_seven_within"), "true");
  EXPECT_EQ(at("up_to_seven"), "5.0 within");
}

TEST(CohortTables, DictionaryDescribesEveryColumnOfEveryTable) {
  const std::string json = data_dictionary_json();
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  ASSERT_EQ(p.parse(json).get(doc), simdjson::SUCCESS);
  EXPECT_EQ(std::string_view(doc["schema"]), "switchpoint.cohort-dictionary/1");
  const std::set<std::string> types = {"string", "integer", "number", "date", "boolean", "enum"};
  for (const auto& [table, cols] : {std::pair{"rows", rows_csv_columns()},
                                    {"criteria", criteria_csv_columns()},
                                    {"episodes", episodes_csv_columns()}}) {
    std::vector<std::string> described;
    for (simdjson::dom::element c : doc[table]["columns"].get_array()) {
      described.emplace_back(std::string_view(c["name"]));
      EXPECT_TRUE(types.count(std::string(std::string_view(c["type"])))) << described.back();
      EXPECT_FALSE(std::string_view(c["meaning"]).empty()) << table << "." << described.back();
      if (std::string_view(c["type"]) == "enum") {
        EXPECT_TRUE(c["allowed"].is_array()) << described.back();
      }
    }
    EXPECT_EQ(described, cols) << table;
  }
}

TEST(CohortTables, CommandWritesTheTablesAndRefusesWrongExtensions) {
  TempDir dir;
  const std::string in = dir.file("Patient.ndjson");
  testing::spit(in, "{\"resourceType\":\"Patient\",\"id\":\"p1\"}\n");
  const std::string o = dir.file("rows.csv"), cr = dir.file("criteria.csv"), ep = dir.file("episodes.csv"),
                    dict = dir.file("dictionary.json");
  const char* argv[] = {"switchpoint", "cohort",     in.c_str(), "-o",           o.c_str(),   "--criteria",
                        cr.c_str(),    "--episodes", ep.c_str(), "--dictionary", dict.c_str()};
  std::ostringstream out, err;
  ASSERT_EQ(run_cli(11, argv, out, err), 0) << err.str();
  EXPECT_EQ(slurp(dict), data_dictionary_json());
  EXPECT_EQ(slurp(cr).rfind("patient_id,definition,criterion,status,met_on,missing", 0), 0u);
  EXPECT_EQ(slurp(ep).rfind("patient_id,episode,kind,start,end,regimen,tace_session\n", 0), 0u);
  const std::string bad = dir.file("criteria.txt");
  const char* wrong[] = {"switchpoint", "cohort", in.c_str(), "-o", o.c_str(), "--criteria", bad.c_str()};
  EXPECT_EQ(run_cli(7, wrong, out, err), 2);
  EXPECT_FALSE(std::filesystem::exists(bad));
}

}  // namespace
}  // namespace switchpoint::cohort
