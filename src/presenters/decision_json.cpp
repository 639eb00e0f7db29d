#include "presenters/decision_json.h"

#include <switchpoint/version.h>

#include <algorithm>

#include "core/knowledge/catalogue.h"
#include "presenters/not_read_line.h"

namespace switchpoint {
namespace {

void write_rule_ref(JsonWriter& w, const RuleInfo& r) {
  w.key("rule").begin_object();
  w.field("id", r.id).field("grade", to_string(r.grade));
  if (!r.grade_note.empty()) w.field("grade_note", r.grade_note);
  w.field("source", r.source);
  w.end_object();
}

void write_field_value(JsonWriter& w, const FieldValue& v) {
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, Number>) w.number(x.value, x.decimals);
        else w.value(x);
      },
      v);
}

void write_strings(JsonWriter& w, std::string_view key, const std::vector<std::string>& v) {
  w.key(key).begin_array();
  for (const auto& s : v) w.value(s);
  w.end_array();
}

void write_optional_date(JsonWriter& w, std::string_view key, const std::optional<Date>& d) {
  w.key(key);
  if (d) w.value(d->iso());
  else w.null();
}

void write_candidacy(JsonWriter& w, const std::vector<CandidacyResult>& list) {
  w.key("tace_candidacy").begin_array();
  for (const auto& c : list) {
    w.begin_object();
    w.field("guideline", c.guideline);
    w.key("candidate");
    if (c.candidate) w.value(*c.candidate);
    else w.null();
    write_strings(w, "reasons", c.reasons);
    write_strings(w, "missing", c.missing);
    write_rule_ref(w, *c.rule);
    w.end_object();
  }
  w.end_array();
}

void write_criterion(JsonWriter& w, const CriterionResult& c) {
  w.begin_object();
  w.field("id", c.id);
  w.key("met");
  if (c.state == CriterionState::NotJudgeable) w.null();
  else w.value(c.state == CriterionState::Met);
  write_optional_date(w, "on", c.on);
  write_strings(w, "evidence", c.evidence);
  write_strings(w, "missing", c.missing);
  if (!c.notes.empty()) write_strings(w, "notes", c.notes);
  write_rule_ref(w, *c.rule);
  w.end_object();
}

void write_refractoriness(JsonWriter& w, const std::vector<DefinitionResult>& defs) {
  w.key("refractoriness").begin_array();
  for (const auto& d : defs) {
    w.begin_object();
    w.field("definition", d.id);
    w.field("grade", to_string(d.rule->grade));
    w.field("status", to_string(d.status));
    write_optional_date(w, "since", d.since);
    w.key("criteria").begin_array();
    for (const auto& c : d.criteria) write_criterion(w, c);
    w.end_array();
    write_strings(w, "missing", d.missing);
    if (!d.notes.empty()) write_strings(w, "notes", d.notes);
    write_rule_ref(w, *d.rule);
    w.end_object();
  }
  w.end_array();
}

void write_question(JsonWriter& w, const CheckpointQuestion& q) {
  w.begin_object();
  w.field("answer", to_string(q.answer));
  write_strings(w, "reasons", q.reasons);
  write_strings(w, "obtain", q.obtain);
  w.end_object();
}

void write_checkpoint(JsonWriter& w, const Checkpoint& c) {
  w.key("checkpoint").begin_object();
  w.field("verdict", to_string(c.verdict));
  w.field("sustained_response", to_string(c.sustained_response.answer));
  w.field("liver_function", to_string(c.liver_function.answer));
  write_strings(w, "reasons", c.reasons);
  write_strings(w, "obtain", c.obtain);
  w.key("questions").begin_object();
  w.key("sustained_response");
  write_question(w, c.sustained_response);
  w.key("liver_function");
  write_question(w, c.liver_function);
  w.end_object();
  write_rule_ref(w, rule("checkpoint/verdict"));
  w.end_object();
}

void write_sessions(JsonWriter& w, const TaceHistory& h) {
  w.key("tace_sessions").begin_array();
  for (const auto& a : h.sessions) {
    w.begin_object();
    w.field("session", static_cast<int>(a.session_index + 1));
    w.field("date", a.session_date.iso());
    w.key("response_assessment").begin_object();
    w.field("state", a.state == AssessmentState::Assessed  ? "assessed"
                     : a.state == AssessmentState::Pending ? "pending"
                                                           : "missing");
    if (a.study_date) {
      w.field("imaging_date", a.study_date->iso());
      w.field("days_after_session", a.days_after_session);
      w.field("outside_28_92_day_window", a.outside_window);
      w.key("mrecist");
      if (a.response.category) w.value(to_string(*a.response.category));
      else w.null();
      if (a.response.disagreement) w.field("mrecist_disagreement", true);
      if (a.response.contradicted && a.response.recorded)
        w.field("mrecist_recorded_contradicted", to_string(*a.response.recorded));
      w.key("jsh_te");
      if (a.te) w.value(to_string(*a.te));
      else w.null();
    }
    w.end_object();
    w.end_object();
  }
  w.end_array();
}

void write_therapy(JsonWriter& w, const TherapyPlan& t) {
  w.key("therapy").begin_object();
  w.field("line", t.line);
  w.field("supportive_care_only", t.supportive_care_only);
  w.key("current_regimen");
  if (t.current_regimen) w.value(*t.current_regimen);
  else w.null();
  w.key("prior_regimen");
  if (t.prior_regimen) w.value(*t.prior_regimen);
  else w.null();
  write_strings(w, "reasons", t.reasons);
  w.key("options").begin_array();
  for (const auto& o : t.options) {
    w.begin_object();
    w.field("regimen", o.regimen->id);
    w.field("name", o.regimen->name);
    w.field("status", to_string(o.status));
    w.field("dose", o.dose);
    write_strings(w, "reasons", o.reasons);
    write_strings(w, "prerequisites", o.prerequisites);
    write_strings(w, "confirm_before_prescribing", o.confirmations);
    w.field("evidence", o.regimen->evidence);
    write_rule_ref(w, rule(o.regimen->id));
    w.end_object();
  }
  w.end_array();
  write_strings(w, "trial_information", t.trial_information);
  write_rule_ref(w, rule("therapy/general-eligibility"));
  w.end_object();
}

void write_alerts(JsonWriter& w, const std::vector<Alert>& alerts) {
  w.key("alerts").begin_array();
  for (const auto& a : alerts) {
    w.begin_object();
    w.field("id", a.id);
    w.field("severity", to_string(a.severity));
    w.field("message", a.message);
    write_optional_date(w, "on", a.on);
    write_rule_ref(w, rule(a.id));
    w.end_object();
  }
  w.end_array();
}

}  // namespace

void write_score(JsonWriter& w, const ScoreResult& s) {
  w.begin_object();
  for (const auto& f : s.fields) {
    w.key(f.key);
    write_field_value(w, f.value);
  }
  w.field("computed", s.computed);
  if (!s.applicable) w.field("applicable", false);
  if (s.informational_only()) w.field("informational_only", true);
  if (!s.summary.empty()) w.field("summary", s.summary);
  w.field("at", s.at.iso());
  if (!s.missing.empty()) {
    w.key("missing").begin_array();
    for (const auto& m : s.missing) w.value(m);
    w.end_array();
  }
  w.key("inputs").begin_array();
  for (const auto& u : s.used) {
    w.begin_object().field("name", u.name).field("date", u.date.iso()).field("value", u.value).end_object();
  }
  w.end_array();
  if (!s.notes.empty()) {
    w.key("notes").begin_array();
    for (const auto& n : s.notes) w.value(n);
    w.end_array();
  }
  write_rule_ref(w, *s.rule);
  w.end_object();
}

std::string decision_to_json(const Decision& d, const InputSummary& input, bool pretty) {
  JsonWriter w(pretty);
  w.begin_object();
  w.field("schema", kDecisionSchema);
  w.field("engine_version", kEngineVersion);
  w.field("knowledge_version", kKnowledgeVersion);
  w.field("notice", kDecisionSupportNotice);
  w.field("patient_id", d.patient_id);
  w.field("as_of", d.as_of.iso());
  write_strings(w, "warnings", d.warnings);
  w.key("input").begin_object();
  w.field("format", input.format);
  w.key("skipped").begin_object();
  for (const auto& [what, n] : input.skipped) w.field(what, n);
  w.end_object();
  // Issue 14: the resources sent but not read, structured, most frequent first, and the same as
  // one line in words (unescaped text: each output escapes it).
  w.key("not_read").begin_array();
  for (const auto& e : input.not_read) {
    w.begin_object();
    w.field("resource", e.resource);
    w.field("system", e.system);
    w.field("system_name", std::string(system_short_name(e.system)));
    w.field("code", e.code);
    w.field("display", e.display);
    w.field("reason", e.reason);
    w.field("count", static_cast<long>(e.count));
    w.field("key", e.key);  // the input.skipped key it is counted under
    w.end_object();
  }
  w.end_array();
  w.field("not_read_line", not_read_line(input.not_read, 20, [](std::string_view t) { return std::string(t); }));
  w.end_object();
  w.key("scores").begin_object();
  for (const auto& s : d.scores) {
    w.key(s.key);
    write_score(w, s);
  }
  w.end_object();
  write_candidacy(w, d.tace_candidacy);
  write_sessions(w, d.history);
  write_refractoriness(w, d.refractoriness);
  write_checkpoint(w, d.checkpoint);
  write_therapy(w, d.therapy);
  write_alerts(w, d.alerts);
  // P-obtain-list: one entry per missing fact, the decisions it would settle, most first.
  w.key("obtain").begin_array();
  for (const auto& o : d.obtain) {
    w.begin_object();
    w.field("fact", o.fact);
    write_strings(w, "would_settle", o.unlocks);
    write_strings(w, "regimens_waiting", o.regimens);
    w.field("decisions", static_cast<long>(o.decisions()));
    // Resources of this fact that were sent but not read, and what to record instead (issue 14).
    write_strings(w, "sent_not_read", o.sent_not_read);
    w.field("not_read_note", not_read_note(o));
    w.end_object();
  }
  w.end_array();
  w.key("next_reassessment_due");
  if (d.next_reassessment) w.value(d.next_reassessment->due.iso());
  else w.null();
  if (d.next_reassessment) {
    w.key("next_reassessment").begin_object();
    w.field("window_opens", d.next_reassessment->window_opens.iso());
    w.field("due", d.next_reassessment->due.iso());
    write_optional_date(w, "last_imaging", d.next_reassessment->last_imaging);
    write_rule_ref(w, rule("P-reassessment"));
    w.end_object();
  }
  w.end_object();
  std::string out = w.take();
  out += '\n';
  return out;
}

}  // namespace switchpoint
