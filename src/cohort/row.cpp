#include "cohort/row.h"
#include "core/text.h"

#include <fmt/format.h>

#include <algorithm>

#include "cohort/csv.h"
#include "presenters/json_writer.h"

namespace switchpoint::cohort {

std::string_view to_string(CriterionState s) {
  switch (s) {
    case CriterionState::Met:
      return "met";
    case CriterionState::NotMet:
      return "not-met";
    case CriterionState::NotJudgeable:
      return "not-judgeable";
  }
  return "?";
}

std::string_view status_detail(const CohortRow& row, std::size_t i) {
  if (row.input != InputStatus::Ok) return "withheld";
  const RefractorinessStatus s = row.definitions[i].status;
  if (s == RefractorinessStatus::NotApplicable) return "not-applicable-no-tace";
  if (row.sessions < 2 && (s == RefractorinessStatus::InsufficientData || s == RefractorinessStatus::NotRefractory))
    return "not-evaluable-yet";
  return to_string(s);
}

std::string_view to_string(InputStatus s) {
  switch (s) {
    case InputStatus::Ok:
      return "ok";
    case InputStatus::Invalid:
      return "invalid";
    case InputStatus::NoDatedEntry:
      return "no-dated-entry";
  }
  return "?";
}

namespace {

std::string render(const FieldValue& v) {
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (const auto* i = std::get_if<int>(&v)) return std::to_string(*i);
  if (const auto* n = std::get_if<Number>(&v)) return fmt::format("{:.{}f}", n->value, n->decimals);
  return std::get<std::string>(v);
}

// A report's display field ("" when the score was not computed): the precision the outputs show.
std::string field(const ScoreResult& s, std::string_view key) {
  if (!s.computed) return "";
  const FieldValue* v = s.field(key);
  return v ? render(*v) : "";
}

std::string opt_date(const std::optional<Date>& d) { return d ? d->iso() : ""; }

// "jsh-lcsgj-2014" → "jsh_lcsgj_2014": column names that R and pandas keep as they are.
std::string snake(std::string_view id) {
  std::string s(id);
  for (char& c : s)
    if (c == '-') c = '_';
  return s;
}

// "resection 2024-03-01; ablation 2024-06-01".
std::string course_ending_text(const std::vector<CourseEndingProcedure>& v) {
  std::string out;
  for (const auto& p : v) out += fmt::format("{}{} {}", out.empty() ? "" : "; ", to_string(p.kind), p.date.iso());
  return out;
}

}  // namespace

void fill_from_decision(CohortRow& row, const PatientRecord& record, const Decision& d) {
  row.as_of = d.as_of;
  row.hcc_diagnosis = record.hcc_diagnosis.has_value();
  row.any_tace = !record.tace.empty();
  row.sessions = static_cast<int>(d.history.sessions.size());
  if (!d.history.sessions.empty()) row.first_tace = d.history.first_session();
  // Sessions, not procedures (P-session-merge), and only those of the course described (P-course-end):
  // a staged second procedure is not "TACE continued", and the record's procedures are not sessions.
  for (const auto& s : d.history.sessions) row.tace_dates.push_back(s.session_date);
  for (const auto& p : record.procedures)
    if (p.date <= d.as_of) row.course_ending.push_back(p);
  std::stable_sort(row.course_ending.begin(), row.course_ending.end(),
                   [](const CourseEndingProcedure& a, const CourseEndingProcedure& b) { return a.date < b.date; });
  for (const auto& s : record.systemic)
    if (s.start <= d.as_of) {
      row.systemic_starts.push_back(s.start);
      row.systemic.push_back(s);
    }
  for (std::size_t i = 0; i < kDefinitions.size(); ++i) {
    for (std::size_t k = 0; k < d.refractoriness.size(); ++k) {
      const auto& r = d.refractoriness[k];
      if (r.id != kDefinitions[i]) continue;
      auto& out = row.definitions[i];
      out.status = r.status;
      out.since = r.since;
      for (const auto& c : r.criteria) out.criteria.push_back({c.id, c.state, c.on, c.missing});
      if (!r.since) continue;
      // Child-Pugh on the since date, computed once by the engine.
      const auto& cp = d.child_pugh_at_since[k];
      out.child_pugh_at_since = cp ? cp->cls : '?';
    }
  }
  row.verdict = std::string(to_string(d.checkpoint.verdict));
  if (!d.therapy.supportive_care_only) row.therapy_line = d.therapy.line;
  for (const auto& o : d.therapy.options)
    if (o.status == OptionStatus::Recommended && o.regimen) row.first_choice = std::string(o.regimen->id);
  const Scores& sc = d.scores;
  if (sc.child_pugh) row.child_pugh = fmt::format("{} {}", sc.child_pugh->points, sc.child_pugh->cls);
  if (sc.albi) row.albi_grade = std::string(sc.albi->mgrade);
  if (sc.up_to_seven)
    row.up_to_seven = field(sc.report(ScoreKey::UpToSeven), "value") + (sc.up_to_seven->within ? " within" : " beyond");
  if (sc.bclc) row.bclc = std::string(to_string(sc.bclc->stage));
  if (sc.art) row.art = field(sc.report(ScoreKey::Art), "points");
  if (sc.hap) row.hap = std::string(1, sc.hap->cls);
}

std::string rows_to_csv(const std::vector<CohortRow>& rows) {
  std::string out = "patient_id,input,problems,first_problem,as_of,tace_sessions,first_tace";
  for (auto id : kDefinitions) out += fmt::format(",{0}_status,{0}_since", snake(id));
  out +=
      ",verdict,therapy_line,first_choice,child_pugh,malbi_grade,up_to_seven,bclc,art,hap,"
      "systemic_unknown_regimen_from,recorded_child_pugh_points,died,follow_up_end,notes,course_ending_procedures";
  // Issue 15: one value per cell (child_pugh "6 A" and up_to_seven "8.5 beyond" stay for earlier
  // readers; these split them) and each definition's status detail.
  out += ",child_pugh_points,child_pugh_class,up_to_seven_value,up_to_seven_within";
  for (auto id : kDefinitions) out += fmt::format(",{}_detail", snake(id));
  out += "\n";
  for (const auto& r : rows) {
    // Text from the input (id, problem, notes) is formula-neutralised and escaped (cohort/csv.h);
    // what the program made (dates, counts, statuses, scores) is written as it is.
    out += fmt::format("{},{},{},{},{},{},{}", csv_text_cell(r.patient_id), to_string(r.input), r.problems,
                       csv_text_cell(r.first_problem), opt_date(r.as_of), r.sessions, opt_date(r.first_tace));
    for (const auto& d : r.definitions) {
      if (r.input == InputStatus::Ok) out += fmt::format(",{},{}", to_string(d.status), opt_date(d.since));
      else out += ",,";
    }
    out += fmt::format(",{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", csv_plain_cell(r.verdict),
                       r.therapy_line ? std::to_string(*r.therapy_line) : "", csv_plain_cell(r.first_choice),
                       csv_plain_cell(r.child_pugh), csv_plain_cell(r.albi_grade), csv_plain_cell(r.up_to_seven),
                       csv_plain_cell(r.bclc), csv_plain_cell(r.art), csv_plain_cell(r.hap),
                       opt_date(r.systemic_unknown_regimen_from),
                       r.recorded_child_pugh_points ? std::to_string(*r.recorded_child_pugh_points) : "",
                       r.died ? (*r.died ? "1" : "0") : "", opt_date(r.follow_up_end),
                       csv_text_cell(join(r.notes, "; ")), csv_plain_cell(course_ending_text(r.course_ending)));
    out.pop_back();  // the newline: the split columns follow
    const auto cp_space = r.child_pugh.find(' ');
    const auto u7_space = r.up_to_seven.find(' ');
    out += fmt::format(
        ",{},{},{},{}", cp_space == std::string::npos ? "" : r.child_pugh.substr(0, cp_space),
        cp_space == std::string::npos ? "" : r.child_pugh.substr(cp_space + 1),
        u7_space == std::string::npos ? "" : r.up_to_seven.substr(0, u7_space),
        u7_space == std::string::npos ? "" : (r.up_to_seven.substr(u7_space + 1) == "within" ? "true" : "false"));
    for (std::size_t i = 0; i < kDefinitions.size(); ++i) out += fmt::format(",{}", status_detail(r, i));
    out += '\n';
  }
  return out;
}

std::string rows_to_ndjson(const std::vector<CohortRow>& rows) {
  std::string out;
  for (const auto& r : rows) {
    JsonWriter w(false);
    w.begin_object();
    w.field("patient_id", r.patient_id);
    w.field("input", to_string(r.input));
    w.field("problems", r.problems);
    if (!r.first_problem.empty()) w.field("first_problem", r.first_problem);
    w.key("as_of");
    r.as_of ? w.value(r.as_of->iso()) : w.null();
    w.field("tace_sessions", r.sessions);
    w.key("first_tace");
    r.first_tace ? w.value(r.first_tace->iso()) : w.null();
    if (r.input == InputStatus::Ok) {
      w.key("refractoriness").begin_object();
      for (std::size_t i = 0; i < kDefinitions.size(); ++i) {
        w.key(kDefinitions[i]).begin_object();
        w.field("status", to_string(r.definitions[i].status));
        w.field("status_detail", status_detail(r, i));
        w.key("since");
        r.definitions[i].since ? w.value(r.definitions[i].since->iso()) : w.null();
        w.end_object();
      }
      w.end_object();
      w.field("verdict", r.verdict);
      w.key("therapy_line");
      r.therapy_line ? w.value(*r.therapy_line) : w.null();
      w.key("first_choice");
      r.first_choice.empty() ? w.null() : w.value(r.first_choice);
      w.key("scores").begin_object();
      auto opt = [&](std::string_view k, const std::string& v) {
        w.key(k);
        v.empty() ? w.null() : w.value(v);
      };
      opt("child_pugh", r.child_pugh);
      opt("malbi_grade", r.albi_grade);
      opt("up_to_seven", r.up_to_seven);
      opt("bclc", r.bclc);
      opt("art", r.art);
      opt("hap", r.hap);
      w.end_object();
    }
    if (r.systemic_unknown_regimen_from)
      w.field("systemic_unknown_regimen_from", r.systemic_unknown_regimen_from->iso());
    if (r.recorded_child_pugh_points) w.field("recorded_child_pugh_points", *r.recorded_child_pugh_points);
    if (r.died) w.field("died", *r.died);
    if (r.follow_up_end) w.field("follow_up_end", r.follow_up_end->iso());
    if (!r.course_ending.empty()) {
      w.key("course_ending_procedures").begin_array();
      for (const auto& p : r.course_ending) {
        w.begin_object();
        w.field("kind", to_string(p.kind));
        w.field("date", p.date.iso());
        w.end_object();
      }
      w.end_array();
    }
    if (!r.notes.empty()) {
      w.key("notes").begin_array();
      for (const auto& n : r.notes) w.value(n);
      w.end_array();
    }
    w.end_object();
    out += w.str();
    out += '\n';
  }
  return out;
}

}  // namespace switchpoint::cohort
