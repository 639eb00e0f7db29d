#include "presenters/decision_text.h"
#include "core/text.h"

#include <fmt/format.h>

#include "core/knowledge/catalogue.h"
#include "presenters/not_read_line.h"
#include "presenters/text_escape.h"

namespace switchpoint {

std::string scores_to_text(const Decision& d) {
  std::string out;
  for (const auto& s : d.scores) {
    const RuleInfo& r = *s.rule;
    std::string head = fmt::format("  {:<28} ", r.title);
    if (!s.applicable) head += "not applicable";
    else if (s.computed) head += escape_text(s.summary);
    else head += "not computed: insufficient data";
    if (s.informational_only()) head += "  [informational only, grade U]";
    out += head + "\n";
    if (!s.applicable && !s.summary.empty()) out += fmt::format("      {}\n", escape_text(s.summary));
    if (!s.missing.empty()) {
      std::string m;
      for (const auto& x : s.missing) m += (m.empty() ? "" : ", ") + escape_text(x);
      out += fmt::format("      missing: {}\n", m);
    }
    for (const auto& u : s.used)
      out += fmt::format("      {} {}: {}\n", u.date.iso(), escape_text(u.name), escape_text(u.value));
    for (const auto& n : s.notes) out += fmt::format("      note: {}\n", escape_text(n));
    out += fmt::format("      [{}; grade {}{}{}; {}]\n", r.id, to_string(r.grade), r.grade_note.empty() ? "" : ", ",
                       r.grade_note, r.source);
  }
  return out;
}

namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

// Every item escaped (text_escape.h), joined.
std::string join_escaped(const std::vector<std::string>& v, std::string_view sep = "; ") {
  return join(v, sep, escape_text);
}

std::string question_line(std::string_view label, const CheckpointQuestion& q) {
  if (q.answer == Answer::Unknown)
    return fmt::format("  {:<32} {:<8} {} missing fact{} (see OBTAIN)\n", label, to_string(q.answer), q.obtain.size(),
                       q.obtain.size() == 1 ? "" : "s");
  const auto& why = q.answer == Answer::No ? q.failures : q.reasons;
  return fmt::format("  {:<32} {:<8} {}\n", label, to_string(q.answer), join_escaped(why));
}

// P-obtain-list: one line per missing fact, the facts that settle the most decisions first.
std::string obtain_text(const Decision& d) {
  if (d.obtain.empty()) return "";
  std::string out = "OBTAIN, one line per missing fact (most decisions first)\n";
  for (std::size_t i = 0; i < d.obtain.size(); ++i) {
    const std::string note = not_read_note(d.obtain[i]);
    out += fmt::format("  {:>2}. {}{} — {}\n", i + 1, escape_text(d.obtain[i].fact),
                       note.empty() ? std::string() : " — " + escape_text(note), would_settle(d.obtain[i]));
  }
  return out;
}

std::string checkpoint_text(const Checkpoint& c) {
  std::string out = fmt::format("CHECKPOINT before the next TACE: {}\n", upper(to_string(c.verdict)));
  out += question_line("Sustained response expected?", c.sustained_response);
  out += question_line("Liver function maintained?", c.liver_function);
  for (const auto& r : c.reasons) out += fmt::format("  → {}\n", escape_text(r));
  const RuleInfo& r = rule("checkpoint/verdict");
  out += fmt::format("  [{}; grade {}; {}]\n", r.id, to_string(r.grade), r.source);
  return out;
}

std::string_view state_label(CriterionState s) {
  switch (s) {
    case CriterionState::Met:
      return "met";
    case CriterionState::NotMet:
      return "not met";
    case CriterionState::NotJudgeable:
      return "not judgeable";
  }
  return "?";
}

std::string refractoriness_text(const std::vector<DefinitionResult>& defs) {
  std::string out = "TACE REFRACTORINESS, each definition side by side\n";
  out += fmt::format("  {:<15} {:<6} {:<18} {:<11} {}\n", "definition", "grade", "status", "since", "key evidence");
  for (const auto& d : defs) {
    std::string key;
    for (const auto& c : d.criteria)
      if (c.state == CriterionState::Met && c.on == d.since) {
        key = fmt::format("{}: {}", c.id, c.evidence.empty() ? "" : escape_text(c.evidence.front()));
        break;
      }
    if (key.empty() && d.status == RefractorinessStatus::InsufficientData) key = "missing: " + join_escaped(d.missing);
    if (key.empty() && d.status == RefractorinessStatus::NotRefractory) key = "no criterion met";
    out += fmt::format("  {:<15} {:<6} {:<18} {:<11} {}\n", d.id, to_string(d.rule->grade), to_string(d.status),
                       d.since ? d.since->iso() : "—", key);
  }
  out += "\n  Criteria\n";
  for (const auto& d : defs) {
    out += fmt::format("  {} [{}; {}]\n", d.id, d.rule->title, d.rule->source);
    for (const auto& c : d.criteria) {
      out += fmt::format("    {:<13} {}{}  ({}, grade {})\n", state_label(c.state), c.id,
                         c.on ? " on " + c.on->iso() : "", c.rule->title, to_string(c.rule->grade));
      for (const auto& e : c.evidence) out += fmt::format("        {}\n", escape_text(e));
      if (!c.missing.empty()) out += fmt::format("        missing: {}\n", join_escaped(c.missing));
      for (const auto& n : c.notes) out += fmt::format("        note: {}\n", escape_text(n));
    }
    for (const auto& n : d.notes) out += fmt::format("    note: {}\n", escape_text(n));
  }
  return out;
}

std::string sessions_text(const TaceHistory& h) {
  std::string out = "TACE SESSIONS and their response assessments\n";
  if (h.sessions.empty()) out += "  none on or before the as-of date\n";
  for (const auto& a : h.sessions) {
    out += fmt::format("  S{} {}  ", a.session_index + 1, a.session_date.iso());
    if (a.state == AssessmentState::Pending) out += "assessment pending\n";
    else if (a.state == AssessmentState::Missing)
      out += "no response assessment (none within 120 days, before the next session)\n";
    else
      out += fmt::format(
          "→ imaging {} ({} days{}): mRECIST {}{}, JSH {}\n", a.study_date->iso(), a.days_after_session,
          a.outside_window ? ", outside 28–92" : "", a.response.category ? to_string(*a.response.category) : "unknown",
          a.response.contradicted ? fmt::format(" (measured; recorded {} contradicted)",
                                                a.response.recorded ? to_string(*a.response.recorded) : "?")
                                  : "",
          a.te ? to_string(*a.te) : "TE unknown");
  }
  return out;
}

std::string candidacy_text(const std::vector<CandidacyResult>& list) {
  std::string out = "TACE CANDIDACY by guideline\n";
  for (const auto& c : list) {
    const char* verdict = !c.candidate ? "unknown" : *c.candidate ? "candidate" : "not a candidate";
    out += fmt::format("  {:<14} {:<16} {}\n", c.guideline, verdict, join_escaped(c.reasons));
    if (!c.missing.empty()) out += fmt::format("  {:<14} {:<16} missing: {}\n", "", "", join_escaped(c.missing));
  }
  return out;
}

std::string therapy_text(const Decision& d) {
  const TherapyPlan& t = d.therapy;
  std::string out = fmt::format("TREATMENT PLAN: systemic therapy, line {}{}\n", t.line,
                                t.supportive_care_only ? " — BEST SUPPORTIVE CARE ONLY" : "");
  if (d.checkpoint.verdict != Verdict::Switch && !t.current_regimen && !t.supportive_care_only)
    out += "  (shown for when TACE stops; the checkpoint does not call for a switch now)\n";
  for (const auto& r : t.reasons) out += fmt::format("  {}\n", escape_text(r));
  if (t.supportive_care_only) {
    // Nothing is to be given: one line per regimen, the reasons are those above.
    for (const auto& o : t.options) out += fmt::format("  {:<19} {}\n", to_string(o.status), o.regimen->name);
    return out;
  }
  for (const auto& o : t.options) {
    out += fmt::format("  {:<19} {} — {}\n", to_string(o.status), o.regimen->name, o.dose);
    for (const auto& p : o.prerequisites) out += fmt::format("      first: {}\n", escape_text(p));
    if (!o.confirmations.empty())
      out += fmt::format("      confirm before prescribing: {}\n", join_escaped(o.confirmations, "; "));
    for (const auto& r : o.reasons)
      if (r.rfind("prerequisite: ", 0) != 0) out += fmt::format("      {}\n", escape_text(r));
  }
  out += "  Information only, not a recommendation:\n";
  for (const auto& i : t.trial_information) out += fmt::format("      {}\n", i);
  return out;
}

std::string alerts_text(const Decision& d) {
  std::string out = "ALERTS\n";
  if (d.alerts.empty()) out += "  none\n";
  for (const auto& a : d.alerts)
    out += fmt::format("  [{}] {} ({})\n", upper(to_string(a.severity)), escape_text(a.message), a.id);
  if (d.next_reassessment)
    out += fmt::format("  Next imaging reassessment for conversion: between {} and {} (last imaging {})\n",
                       d.next_reassessment->window_opens.iso(), d.next_reassessment->due.iso(),
                       d.next_reassessment->last_imaging ? d.next_reassessment->last_imaging->iso() : "none");
  return out;
}

}  // namespace

std::string decision_to_text(const Decision& d) { return decision_to_text(d, InputSummary{}); }

std::string decision_to_text(const Decision& d, const InputSummary& input) {
  std::string out;
  out += fmt::format("switchpoint — patient {} — as of {}\n", escape_text(d.patient_id), d.as_of.iso());
  out += fmt::format("{}\n\n", kDecisionSupportNotice);
  // Issue 14: what was sent but not read, in a clinician's words; then the other skipped entries
  // (repeats read once, entries after the as-of date, …) as counted by the reader.
  if (const std::string line = not_read_line(input.not_read, 20, escape_text); !line.empty()) out += line + "\n\n";
  if (const auto others = other_skipped(input.skipped, input.not_read); !others.empty()) {
    int n = 0;
    std::string what;
    for (const auto& [k, count] : others) {
      n += count;
      what += fmt::format("{}{} × {}", what.empty() ? "" : "; ", count, escape_text(k));
    }
    out += fmt::format("NOT READ from the input: {} entr{} ({})\n\n", n, n == 1 ? "y" : "ies", what);
  }
  for (const auto& w : d.warnings) out += fmt::format("WARNING: {}\n", escape_text(w));
  if (!d.warnings.empty()) out += "\n";
  out += checkpoint_text(d.checkpoint) + "\n";
  if (const std::string o = obtain_text(d); !o.empty()) out += o + "\n";
  out += therapy_text(d) + "\n";
  out += alerts_text(d) + "\n";
  out += refractoriness_text(d.refractoriness) + "\n";
  out += sessions_text(d.history) + "\n";
  out += candidacy_text(d.tace_candidacy) + "\n";
  out += "SCORES\n";
  out += scores_to_text(d);
  out += fmt::format("\n{}\n", kDecisionSupportNotice);
  return out;
}

}  // namespace switchpoint
