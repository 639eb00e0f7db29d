// Analysis-ready tables of `switchpoint cohort` (issue 15 item 4): --criteria, --episodes and
// --dictionary. One value per cell, snake_case column names, dates as ISO YYYY-MM-DD, empty
// cells for "not known" (R and pandas read them as NA / NaN).
#include <fmt/format.h>

#include <algorithm>

#include "cohort/csv.h"
#include "cohort/row.h"
#include "core/text.h"
#include "presenters/json_writer.h"

namespace switchpoint::cohort {
namespace {

std::string opt_date(const std::optional<Date>& d) { return d ? d->iso() : ""; }

std::vector<std::string> header_of(const std::string& csv) {
  std::vector<std::string> cols;
  const std::string line = csv.substr(0, csv.find('\n'));
  std::size_t b = 0;
  for (std::size_t e = line.find(',');; e = line.find(',', b)) {
    cols.push_back(line.substr(b, e == std::string::npos ? std::string::npos : e - b));
    if (e == std::string::npos) break;
    b = e + 1;
  }
  return cols;
}

constexpr std::string_view kStatuses = "refractory|not-refractory|insufficient-data|not-applicable";
constexpr std::string_view kDetails =
    "refractory|not-refractory|insufficient-data|not-applicable-no-tace|not-evaluable-yet|withheld";

struct Column {
  std::string name, type, unit, allowed, meaning;
};

std::string definition_of(const std::string& column) {
  for (auto id : kDefinitions) {
    std::string s(id);
    std::replace(s.begin(), s.end(), '-', '_');
    if (column.rfind(s + "_", 0) == 0) return std::string(id);
  }
  return "";
}

// The meaning of a column of the rows CSV (cohort/row.h).
Column rows_column(const std::string& c) {
  const std::string def = definition_of(c);
  if (!def.empty()) {
    const std::string what = c.substr(c.rfind('_') + 1);
    if (what == "status")
      return {c, "enum", "", std::string(kStatuses),
              fmt::format("status of the {} definition as of as_of, as in the decision JSON; empty when the patient "
                          "was withheld",
                          def)};
    if (what == "since")
      return {c, "date", "", "", fmt::format("date {} refractoriness was first met; empty otherwise", def)};
    return {c, "enum", "", std::string(kDetails),
            fmt::format("{} status, one word more precise: not-applicable-no-tace (no TACE session: TACE cannot have "
                        "failed), not-evaluable-yet (one TACE session only: too early to judge), withheld (invalid "
                        "input); never not-refractory for these",
                        def)};
  }
  static const std::vector<Column> fixed = {
      {"patient_id", "string", "", "", "the patient's id in the input"},
      {"input", "enum", "", "ok|invalid|no-dated-entry", "whether the patient's input was read and evaluated"},
      {"problems", "integer", "count", "", "problems in the patient's input (withheld when > 0)"},
      {"first_problem", "string", "", "", "the first problem, with file, line and JSON pointer"},
      {"as_of", "date", "", "", "the patient's last record date: the evaluation date"},
      {"tace_sessions", "integer", "count", "", "TACE sessions of the course evaluated (same-day procedures merged)"},
      {"first_tace", "date", "", "", "the first TACE session of that course"},
      {"verdict", "enum", "", "proceed|reconsider|switch|supportive-care|not-applicable",
       "checkpoint verdict before the next TACE"},
      {"therapy_line", "integer", "", "", "systemic therapy line the plan is for; empty for supportive care only"},
      {"first_choice", "string", "", "", "regimen id of the recommended option; empty when none is recommended"},
      {"child_pugh", "string", "", "",
       "Child-Pugh points and class as one text (\"6 A\"); kept for earlier readers: use child_pugh_points and "
       "child_pugh_class"},
      {"malbi_grade", "enum", "", "1|2a|2b|3", "modified ALBI grade at as_of"},
      {"up_to_seven", "string", "", "",
       "up-to-seven value and verdict as one text (\"8.5 beyond\"); kept for earlier readers: use up_to_seven_value "
       "and up_to_seven_within"},
      {"bclc", "enum", "", "0|A|B|C|D", "BCLC stage at as_of"},
      {"art", "number", "points", "", "ART score points"},
      {"hap", "enum", "", "A|B|C|D", "HAP class"},
      {"systemic_unknown_regimen_from", "date", "", "", "first systemic therapy of unrecorded regimen (CSV flag)"},
      {"recorded_child_pugh_points", "integer", "points", "5-15",
       "Child-Pugh points as recorded in the input (CSV), latest"},
      {"died", "integer", "", "0|1", "1: the patient died (input outcome); empty when not known"},
      {"follow_up_end", "date", "", "", "death or last follow-up"},
      {"notes", "string", "", "", "caveats of the input profile, separated by '; '"},
      {"course_ending_procedures", "string", "", "",
       "resections, ablations, transplantations with dates (see the episodes table for one per row)"},
      {"child_pugh_points", "integer", "points", "5-15", "Child-Pugh points at as_of, computed by the engine"},
      {"child_pugh_class", "enum", "", "A|B|C", "Child-Pugh class at as_of"},
      {"up_to_seven_value", "number", "cm + count", "", "largest diameter (cm) plus number of nodules"},
      {"up_to_seven_within", "boolean", "", "true|false", "true: within up-to-seven (value <= 7)"},
  };
  for (const auto& f : fixed)
    if (f.name == c) return f;
  return {c, "string", "", "", ""};
}

Column criteria_column(const std::string& c) {
  static const std::vector<Column> cols = {
      {"patient_id", "string", "", "", "the patient's id in the input"},
      {"definition", "enum", "",
       "raoul-2011|jsh-lcsgj-2014|apasl-2017|galle-2017|aasld-2018|klca-ncc-2022|easl-2018|bclc-2022",
       "refractoriness definition id (docs/clinical-rules.md §5)"},
      {"criterion", "string", "", "",
       "criterion id within the definition, as in the decision JSON; empty on the one row of a definition that lists "
       "none"},
      {"status", "enum", "", "met|not-met|not-judgeable",
       "the criterion as of as_of (decision JSON met: true / false / null); empty on a row without criterion"},
      {"met_on", "date", "", "", "date the criterion was met"},
      {"missing", "string", "", "", "what would make the criterion judgeable, separated by '; '"},
      {"definition_status", "enum", "", std::string(kStatuses),
       "the definition's status (decision JSON); empty when withheld"},
      {"status_detail", "enum", "", std::string(kDetails),
       "the definition's status, one word more precise (see the rows table)"},
      {"since", "date", "", "", "date the definition was first met"},
  };
  for (const auto& f : cols)
    if (f.name == c) return f;
  return {c, "string", "", "", ""};
}

Column episodes_column(const std::string& c) {
  static const std::vector<Column> cols = {
      {"patient_id", "string", "", "", "the patient's id in the input"},
      {"episode", "integer", "", "", "1, 2, … per patient, by start date then kind"},
      {"kind", "enum", "", "tace|systemic|resection|ablation|liver-transplantation", "the treatment"},
      {"start", "date", "", "", "date of the session or procedure; start of a systemic therapy"},
      {"end", "date", "", "",
       "end of a systemic therapy; empty when ongoing or not recorded, and for one-day treatments"},
      {"regimen", "string", "", "", "regimen id of a systemic therapy; 'unrecorded' when the input does not name it"},
      {"tace_session", "integer", "", "", "the TACE session's number in the course evaluated"},
  };
  for (const auto& f : cols)
    if (f.name == c) return f;
  return {c, "string", "", "", ""};
}

}  // namespace

std::string criteria_to_csv(const std::vector<CohortRow>& rows) {
  std::string out = "patient_id,definition,criterion,status,met_on,missing,definition_status,status_detail,since\n";
  for (const auto& r : rows)
    for (std::size_t i = 0; i < kDefinitions.size(); ++i) {
      const DefinitionOutcome& d = r.definitions[i];
      const std::string tail = fmt::format(",{},{},{}\n", r.input == InputStatus::Ok ? to_string(d.status) : "",
                                           status_detail(r, i), opt_date(d.since));
      const std::string id = csv_text_cell(r.patient_id);
      if (r.input != InputStatus::Ok || d.criteria.empty()) {
        out += fmt::format("{},{},,,,{}", id, kDefinitions[i], tail);
        continue;
      }
      for (const auto& c : d.criteria)
        out += fmt::format("{},{},{},{},{},{}{}", id, kDefinitions[i], csv_plain_cell(c.id), to_string(c.state),
                           opt_date(c.on), csv_text_cell(join(c.missing, "; ")), tail);
    }
  return out;
}

std::string episodes_to_csv(const std::vector<CohortRow>& rows) {
  std::string out = "patient_id,episode,kind,start,end,regimen,tace_session\n";
  struct Episode {
    Date start;
    int order;  // tace, systemic, procedure on the same day
    std::string kind, end, regimen, session;
  };
  for (const auto& r : rows) {
    std::vector<Episode> e;
    for (std::size_t k = 0; k < r.tace_dates.size(); ++k)
      e.push_back({r.tace_dates[k], 0, "tace", "", "", std::to_string(k + 1)});
    for (const auto& s : r.systemic) e.push_back({s.start, 1, "systemic", opt_date(s.end), s.regimen, ""});
    // A CSV flag of systemic therapy without its regimen (not in the record).
    if (r.systemic_unknown_regimen_from)
      e.push_back({*r.systemic_unknown_regimen_from, 1, "systemic", "", "unrecorded", ""});
    for (const auto& p : r.course_ending) e.push_back({p.date, 2, std::string(to_string(p.kind)), "", "", ""});
    std::stable_sort(e.begin(), e.end(), [](const Episode& a, const Episode& b) {
      return a.start != b.start ? a.start < b.start : a.order < b.order;
    });
    const std::string id = csv_text_cell(r.patient_id);
    for (std::size_t k = 0; k < e.size(); ++k)
      out += fmt::format("{},{},{},{},{},{},{}\n", id, k + 1, e[k].kind, e[k].start.iso(), e[k].end,
                         csv_plain_cell(e[k].regimen), e[k].session);
  }
  return out;
}

std::vector<std::string> rows_csv_columns() { return header_of(rows_to_csv({})); }
std::vector<std::string> criteria_csv_columns() { return header_of(criteria_to_csv({})); }
std::vector<std::string> episodes_csv_columns() { return header_of(episodes_to_csv({})); }

std::string data_dictionary_json() {
  JsonWriter w(true);
  w.begin_object();
  w.field("schema", "switchpoint.cohort-dictionary/1");
  w.field("about",
          "Columns of the tables `switchpoint cohort` writes (-o rows CSV, --criteria, --episodes). Dates are ISO "
          "YYYY-MM-DD; an empty cell is not known (NA); one value per cell; column names are snake_case. Types: "
          "string, integer, number, date, boolean (true|false), enum (one of allowed, separated by |).");
  auto table = [&](std::string_view name, std::string_view option, const std::vector<std::string>& cols,
                   Column (*describe)(const std::string&)) {
    w.key(name).begin_object();
    w.field("option", option);
    w.key("columns").begin_array();
    for (const auto& c : cols) {
      const Column d = describe(c);
      w.begin_object();
      w.field("name", d.name);
      w.field("type", d.type);
      w.key("unit");
      d.unit.empty() ? w.null() : w.value(d.unit);
      w.key("allowed");
      if (d.allowed.empty()) {
        w.null();
      } else {
        w.begin_array();
        std::size_t b = 0;
        for (std::size_t e = d.allowed.find('|');; e = d.allowed.find('|', b)) {
          w.value(d.allowed.substr(b, e == std::string::npos ? std::string::npos : e - b));
          if (e == std::string::npos) break;
          b = e + 1;
        }
        w.end_array();
      }
      w.field("meaning", d.meaning);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  };
  table("rows", "-o FILE.csv", rows_csv_columns(), rows_column);
  table("criteria", "--criteria FILE.csv", criteria_csv_columns(), criteria_column);
  table("episodes", "--episodes FILE.csv", episodes_csv_columns(), episodes_column);
  w.end_object();
  std::string s = w.take();
  s += '\n';
  return s;
}

}  // namespace switchpoint::cohort
