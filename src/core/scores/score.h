#pragma once
// What every score reports, whatever it computes: the rule it applies (id, source, grade),
// the inputs it used with their dates, the inputs it lacked, and its outputs as named fields
// so presenters can show any score without knowing it. A score with a missing input is not
// computed: `computed` is false, `fields` empty and `missing` names what is needed.
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/date.h"
#include "core/detail.h"
#include "core/knowledge/catalogue.h"

namespace switchpoint {

struct InputUsed {
  std::string name;  // "bilirubin"
  Date date;
  std::string value;  // "3.0 mg/dL = 51.3 µmol/L"
};

// A fixed-precision number keeps outputs byte-stable and honest about precision.
struct Number {
  double value = 0;
  int decimals = 2;
};
using FieldValue = std::variant<bool, int, Number, std::string>;

struct ScoreField {
  std::string key;  // JSON key in decision.scores.<score>: "points", "class", …
  FieldValue value;
};

struct ScoreResult {
  std::string_view key;  // decision.scores key, e.g. "child_pugh"
  const RuleInfo* rule = nullptr;
  Date at;  // the date the score describes
  bool computed = false;
  bool applicable = true;  // false: not defined for this patient (e.g. Kinki outside BCLC B)
  std::string summary;     // one line for clinicians: "6 points, class A"
  std::vector<ScoreField> fields;
  std::vector<InputUsed> used;
  std::vector<std::string> missing;
  std::vector<std::string> notes;  // caveats the clinician must see
  // Detail::Full: the explanations above (summary, used, notes) are written. With Detail::Verdicts
  // the score functions that take a Detail write through use(), summarize() and note(), which
  // then do not even build the text; computed, applicable, fields and missing are the same.
  bool explain = true;

  // `text` is a callable returning the string; it is called only when explanations are asked for.
  template <typename Text>
  void use(std::string name, Date date, Text&& text) {
    if (explain) used.push_back({std::move(name), date, text()});
  }
  template <typename Text>
  void summarize(Text&& text) {
    if (explain) summary = text();
  }
  template <typename Text>
  void note(Text&& text) {
    if (explain) notes.push_back(text());
  }

  bool informational_only() const { return rule != nullptr && rule->grade == Grade::U; }
  const FieldValue* field(std::string_view k) const {
    for (const auto& f : fields)
      if (f.key == k) return &f.value;
    return nullptr;
  }
};

inline ScoreResult start_score(std::string_view key, std::string_view rule_id, Date at, Detail detail = Detail::Full) {
  ScoreResult r;
  r.explain = detail == Detail::Full;
  r.key = key;
  r.rule = &rule(rule_id);
  r.at = at;
  return r;
}

}  // namespace switchpoint
