#include "presenters/decision_text.h"

#include <fmt/format.h>

#include "core/knowledge/catalogue.h"

namespace switchpoint {

std::string scores_to_text(const Decision& d) {
  std::string out;
  for (const auto& s : d.scores) {
    const RuleInfo& r = *s.rule;
    std::string head = fmt::format("  {:<28} ", r.title);
    if (!s.applicable) head += "not applicable";
    else if (s.computed) head += s.summary;
    else head += "not computed: insufficient data";
    if (s.informational_only()) head += "  [informational only, grade U]";
    out += head + "\n";
    if (!s.applicable && !s.summary.empty()) out += fmt::format("      {}\n", s.summary);
    if (!s.missing.empty()) {
      std::string m;
      for (const auto& x : s.missing) m += (m.empty() ? "" : ", ") + x;
      out += fmt::format("      missing: {}\n", m);
    }
    for (const auto& u : s.used) out += fmt::format("      {} {}: {}\n", u.date.iso(), u.name, u.value);
    for (const auto& n : s.notes) out += fmt::format("      note: {}\n", n);
    out += fmt::format("      [{}; grade {}{}{}; {}]\n", r.id, to_string(r.grade), r.grade_note.empty() ? "" : ", ",
                       r.grade_note, r.source);
  }
  return out;
}

std::string decision_to_text(const Decision& d) {
  std::string out;
  out += fmt::format("switchpoint — patient {} — as of {}\n", d.patient_id, d.as_of.iso());
  out += fmt::format("{}\n\n", kDecisionSupportNotice);
  out += "Scores\n";
  out += scores_to_text(d);
  return out;
}

}  // namespace switchpoint
