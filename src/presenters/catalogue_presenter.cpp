#include "presenters/catalogue_presenter.h"

#include <fmt/format.h>
#include <switchpoint/version.h>

#include "core/knowledge/catalogue.h"
#include "presenters/json_writer.h"

namespace switchpoint {

std::string catalogue_to_markdown() {
  std::string out =
      fmt::format("# switchpoint rule catalogue\n\nengine {} · knowledge {}\n\n", kEngineVersion, kKnowledgeVersion);
  out +=
      "Grades: V verified in the primary text; S confirmed in a reliable secondary source; P project "
      "operationalization (no number in the source); U unverified, informational only.\n";
  RuleKind current{};
  bool first = true;
  for (const auto& r : rule_catalogue()) {
    if (first || r.kind != current) {
      out += fmt::format("\n## {}\n\n| id | rule | grade | source | statement |\n| --- | --- | --- | --- | --- |\n",
                         to_string(r.kind));
      current = r.kind;
      first = false;
    }
    out += fmt::format("| `{}` | {} | {}{}{} | {} | {} |\n", r.id, r.title, to_string(r.grade),
                       r.grade_note.empty() ? "" : " (", r.grade_note.empty() ? "" : fmt::format("{})", r.grade_note),
                       r.source, r.statement);
  }
  out += "\nDecision support for clinicians, not a substitute for clinical judgement.\n";
  return out;
}

std::string catalogue_to_json() {
  JsonWriter w;
  w.begin_object();
  w.field("schema", "switchpoint.rules/1");
  w.field("engine_version", kEngineVersion);
  w.field("knowledge_version", kKnowledgeVersion);
  w.key("rules").begin_array();
  for (const auto& r : rule_catalogue()) {
    w.begin_object();
    w.field("id", r.id).field("kind", to_string(r.kind)).field("title", r.title);
    w.field("grade", to_string(r.grade));
    if (!r.grade_note.empty()) w.field("grade_note", r.grade_note);
    w.field("source", r.source).field("statement", r.statement);
    w.end_object();
  }
  w.end_array();
  w.field("notice", "Decision support for clinicians, not a substitute for clinical judgement.");
  w.end_object();
  return w.take() + "\n";
}

}  // namespace switchpoint
