#include "presenters/decision_json.h"

#include <switchpoint/version.h>

#include "core/knowledge/catalogue.h"

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
  w.key("input").begin_object();
  w.field("format", input.format);
  w.key("skipped").begin_object();
  for (const auto& [what, n] : input.skipped) w.field(what, n);
  w.end_object();
  w.end_object();
  w.key("scores").begin_object();
  for (const auto& s : d.scores) {
    w.key(s.key);
    write_score(w, s);
  }
  w.end_object();
  w.end_object();
  std::string out = w.take();
  out += '\n';
  return out;
}

}  // namespace switchpoint
