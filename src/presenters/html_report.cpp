#include "presenters/html_report.h"
#include "core/text.h"

#include <fmt/format.h>
#include <switchpoint/version.h>

#include <set>
#include <string_view>
#include <vector>

#include "core/knowledge/catalogue.h"
#include "core/therapy/regimens.h"
#include "presenters/html_escape.h"
#include "presenters/not_read_line.h"
#include "presenters/svg_timeline.h"

namespace switchpoint {
namespace {

using html::escape;

// ---- small pieces ---------------------------------------------------------------------------

std::string_view verdict_word(Verdict v) {
  switch (v) {
    case Verdict::Proceed:
      return "PROCEED";
    case Verdict::Reconsider:
      return "RECONSIDER";
    case Verdict::Switch:
      return "SWITCH";
    case Verdict::SupportiveCare:
      return "SUPPORTIVE CARE";
    case Verdict::NotApplicable:
      return "NO VERDICT";
  }
  return "?";
}

std::string_view verdict_meaning(Verdict v) {
  switch (v) {
    case Verdict::Proceed:
      return "TACE may proceed: a sustained response is expected and liver function can be maintained";
    case Verdict::Reconsider:
      return "Reconsider before the next TACE: the checkpoint cannot be answered yet — obtain what is listed";
    case Verdict::Switch:
      return "Stop TACE and switch to systemic therapy";
    case Verdict::SupportiveCare:
      return "Best supportive care: neither TACE nor systemic therapy";
    case Verdict::NotApplicable:
      return "No checkpoint verdict: the record holds no tumour imaging, TACE or HCC treatment";
  }
  return "";
}

std::string_view grade_meaning(Grade g) {
  switch (g) {
    case Grade::V:
      return "V: verified in the primary text";
    case Grade::S:
      return "S: confirmed in a reliable secondary source";
    case Grade::P:
      return "P: project operationalization where the source gives no number";
    case Grade::U:
      return "U: unverified, informational only";
  }
  return "";
}

std::string grade_abbr(Grade g) {
  return fmt::format("<abbr class=\"grade grade-{0}\" title=\"{1}\">{0}</abbr>", to_string(g),
                     escape(grade_meaning(g)));
}

// "raoul-2011 · grade V · Seed 000: …" as a small citation line.
std::string rule_line(const RuleInfo& r) {
  return fmt::format("<p class=\"rule\">Rule <code>{}</code> · grade {}{}{} · {}</p>\n", escape(r.id),
                     grade_abbr(r.grade), r.grade_note.empty() ? "" : ", ", escape(r.grade_note), escape(r.source));
}

std::string ul(const std::vector<std::string>& items, std::string_view cls = "") {
  if (items.empty()) return "";
  std::string out = cls.empty() ? "<ul>" : fmt::format("<ul class=\"{}\">", cls);
  for (const auto& i : items) out += "<li>" + escape(i) + "</li>";
  return out + "</ul>\n";
}

std::string badge(std::string_view cls, std::string_view text) {
  return fmt::format("<span class=\"badge {}\">{}</span>", cls, escape(text));
}

std::string status_badge(RefractorinessStatus s) {
  switch (s) {
    case RefractorinessStatus::Refractory:
      return badge("st-refractory", "refractory");
    case RefractorinessStatus::NotRefractory:
      return badge("st-not-refractory", "not-refractory");
    case RefractorinessStatus::InsufficientData:
      return badge("st-insufficient", "insufficient-data");
    case RefractorinessStatus::NotApplicable:
      return badge("st-not-applicable", "not-applicable");
  }
  return "";
}

std::string answer_badge(Answer a) {
  switch (a) {
    case Answer::Yes:
      return badge("ans-yes", "yes");
    case Answer::No:
      return badge("ans-no", "no");
    case Answer::Unknown:
      return badge("ans-unknown", "unknown");
  }
  return "";
}

std::string option_badge(OptionStatus s) { return badge(fmt::format("opt-{}", to_string(s)), to_string(s)); }

std::string criterion_badge(CriterionState s) {
  switch (s) {
    case CriterionState::Met:
      return badge("cr-met", "met");
    case CriterionState::NotMet:
      return badge("cr-not-met", "not met");
    case CriterionState::NotJudgeable:
      return badge("cr-not-judgeable", "not judgeable");
  }
  return "";
}

std::string regimen_name(std::string_view id) {
  if (const Regimen* r = find_regimen(id)) return std::string(r->name);
  return std::string(id);
}

// ---- the style sheet --------------------------------------------------------------------------

std::string style(const Decision& d) {
  std::string css = R"CSS(
:root { color-scheme: light; }
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif;
  font-size: 15px; line-height: 1.45; color: #1f2933; background: #ffffff;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 1120px; padding: 14px 20px 28px; }
h1 { font-size: 1.45rem; margin: .2rem 0 .15rem; }
h2 { font-size: 1.15rem; margin: 1.3rem 0 .45rem; padding-bottom: .15rem; border-bottom: 2px solid #d5dbe2; break-after: avoid; }
h3 { font-size: 1rem; margin: .9rem 0 .3rem; break-after: avoid; }
p { margin: .25rem 0; }
ul { margin: .2rem 0 .4rem; padding-left: 1.3rem; }
li { margin: .1rem 0; }
code { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: .88em; }
abbr.grade { text-decoration: none; font-weight: 700; }
.warnings { margin: .5rem 0; padding: .4rem .8rem; border: 2px solid #a61b1b; border-radius: 4px; background: #fdecec; color: #5c0b0b; }
.warnings h2 { margin: 0 0 .2rem; font-size: 1rem; }
.notice { margin: 0 0 .5rem; padding: .35rem .7rem; border: 1px solid #b7950b; border-radius: 4px; background: #fff8dc; color: #4d3a00; font-weight: 600; }
.meta { color: #52606d; margin: 0; font-size: .92rem; }
.pid { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; overflow-wrap: anywhere; }
.rule { color: #52606d; font-size: .82rem; margin: .2rem 0 .4rem; overflow-wrap: anywhere; }
.muted { color: #52606d; }
.small { font-size: .85rem; }
table { width: 100%; border-collapse: collapse; margin: .3rem 0 .6rem; font-size: .88rem; }
th, td { border: 1px solid #cfd6de; padding: .28rem .42rem; text-align: left; vertical-align: top; overflow-wrap: break-word; }
td { overflow-wrap: anywhere; }
thead th { background: #e9edf1; }
tbody th { background: #f5f7f9; font-weight: 600; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
td.nowrap, th.nowrap, span.nowrap { white-space: nowrap; overflow-wrap: normal; }
.badge { display: inline-block; padding: 0 .4rem; border: 1px solid; border-radius: 3px; font-size: .8rem; font-weight: 700; white-space: nowrap; line-height: 1.45; }
.st-refractory, .ans-no, .cr-met, .opt-contraindicated, .sev-critical { background: #fde8e8; color: #7f1016; border-color: #c0353b; }
.st-not-refractory, .ans-yes, .opt-recommended, .opt-eligible { background: #e5f3e9; color: #14532d; border-color: #3d8b57; }
.st-insufficient, .st-not-applicable, .ans-unknown, .cr-not-judgeable, .opt-needs-prerequisite, .opt-caution, .sev-warning { background: #fff3d1; color: #4d3a00; border-color: #b7950b; }
.cr-not-met, .opt-not-indicated { background: #eef1f4; color: #323f4b; border-color: #8a96a3; }
.sev-info, .informational { background: #e6eef9; color: #173a6b; border-color: #4a6fa5; }
.opt-recommended { background: #1e6b34; color: #ffffff; border-color: #1e6b34; }
.verdict { margin: .4rem 0 .8rem; padding: .6rem .9rem .5rem; border: 1px solid; border-left-width: 12px; border-radius: 6px; break-inside: avoid; }
.verdict h2 { margin-top: 0; border-bottom: none; }
.verdict-line { display: flex; flex-wrap: wrap; align-items: center; gap: .4rem 1rem; margin: .1rem 0 .5rem; }
.verdict-word { display: inline-block; padding: .1rem .8rem; border-radius: 6px; color: #ffffff; font-size: 2rem; font-weight: 800; letter-spacing: .04em; }
.verdict-meaning { font-size: 1.1rem; font-weight: 600; }
.v-proceed { border-color: #1e6b34; background: #f1f9f3; } .v-proceed .verdict-word { background: #1e6b34; }
.v-reconsider { border-color: #8a5a00; background: #fff9ea; } .v-reconsider .verdict-word { background: #8a5a00; }
.v-switch { border-color: #b3261e; background: #fdf2f1; } .v-switch .verdict-word { background: #b3261e; }
.v-supportive-care { border-color: #5b3f8c; background: #f5f1fa; } .v-supportive-care .verdict-word { background: #5b3f8c; }
.verdict table { background: #ffffff; }
.obtain { border: 1px dashed #8a5a00; background: #fffdf5; padding: .3rem .6rem; border-radius: 4px; margin: .4rem 0; }
.recommended { border: 2px solid #1e6b34; border-radius: 6px; padding: .5rem .8rem; margin: .4rem 0 .7rem; background: #f6fbf7; break-inside: avoid; }
.recommended .name { font-size: 1.15rem; font-weight: 700; }
.dose { font-weight: 600; }
.prereq { border-left: 4px solid #b7950b; padding-left: .5rem; }
li.prereq { list-style: none; margin-left: -1rem; }
.alert { margin: .25rem 0; }
.chart { margin: .4rem 0 .6rem; break-inside: avoid; }
.chart svg.timeline { display: block; width: 100%; height: auto; border: 1px solid #d5dbe2; border-radius: 4px; background: #ffffff; }
.chart figcaption { color: #52606d; font-size: .82rem; margin-top: .25rem; }
.definition { break-inside: avoid; margin-bottom: .6rem; }
.definition h3 { display: flex; flex-wrap: wrap; gap: .2rem .6rem; align-items: baseline; }
.evidence li { overflow-wrap: anywhere; }
.score-info { background: #f6f9fd; }
footer { margin-top: 1.4rem; padding-top: .4rem; border-top: 2px solid #d5dbe2; color: #3e4c59; font-size: .85rem; }
@media (max-width: 700px) { html { font-size: 14px; } .verdict-word { font-size: 1.5rem; } }
@media print {
  html { font-size: 9.5pt; }
  body { max-width: none; padding: 0 2px; }  /* collapsed table borders stay inside the printable area */
  h2 { margin-top: .9rem; }
  section { break-inside: auto; }
  .chart svg.timeline { border: none; }
  .page-break { break-before: page; }
}
)CSS";
  css += fmt::format(
      "@page {{ size: A4; margin: 13mm 11mm 15mm 11mm;\n"
      "  @bottom-left {{ content: {}; font-size: 7.5pt; color: #3e4c59; }}\n"
      "  @bottom-right {{ content: {} \" · page \" counter(page) \" of \" counter(pages); font-size: 7.5pt; color: "
      "#3e4c59; }} }}\n",
      html::css_string(kDecisionSupportNotice),
      html::css_string(fmt::format("switchpoint · patient {} · as of {}", d.patient_id, d.as_of.iso())));
  return css;
}

// ---- sections -----------------------------------------------------------------------------------

std::string question_row(std::string_view label, const CheckpointQuestion& q) {
  std::string cell;
  if (q.answer == Answer::Unknown) {
    cell = fmt::format("<span class=\"muted\">{} missing fact{}: see “To obtain before deciding”</span>",
                       q.obtain.size(), q.obtain.size() == 1 ? "" : "s");
  } else {
    const auto& why = q.answer == Answer::No ? q.failures : q.reasons;
    cell = why.size() == 1 ? escape(why.front()) : ul(why);
  }
  return fmt::format("<tr><th scope=\"row\">{}</th><td class=\"nowrap\">{}</td><td>{}</td></tr>\n", escape(label),
                     answer_badge(q.answer), cell);
}

std::string checkpoint_section(const Decision& d) {
  const Checkpoint& c = d.checkpoint;
  std::string out = fmt::format("<section class=\"verdict v-{}\" id=\"checkpoint\" aria-labelledby=\"h-checkpoint\">\n",
                                to_string(c.verdict));
  out += "<h2 id=\"h-checkpoint\">Checkpoint before the next TACE</h2>\n";
  out += fmt::format(
      "<p class=\"verdict-line\"><span class=\"verdict-word\" data-verdict=\"{}\">{}</span> <span "
      "class=\"verdict-meaning\">{}</span></p>\n",
      to_string(c.verdict), verdict_word(c.verdict), escape(verdict_meaning(c.verdict)));
  out +=
      "<table class=\"questions\"><colgroup><col style=\"width:19%\"><col style=\"width:8%\"><col "
      "style=\"width:73%\"></colgroup><thead><tr><th scope=\"col\">Question</th><th scope=\"col\">Answer</th>"
      "<th scope=\"col\">Why</th></tr></thead><tbody>\n";
  out += question_row("Sustained response expected?", c.sustained_response);
  out += question_row("Liver function maintained?", c.liver_function);
  out += "</tbody></table>\n";
  if (!c.reasons.empty()) out += "<h3>Reasons for the verdict</h3>\n" + ul(c.reasons);
  if (!d.obtain.empty()) {
    // P-obtain-list: one line per missing fact, the facts that settle the most decisions first.
    out += "<div class=\"obtain\"><h3>To obtain before deciding</h3>\n<ol class=\"obtain-list\">\n";
    for (const auto& o : d.obtain) {
      const std::string note = not_read_note(o);
      out += fmt::format("<li>{}{} <span class=\"muted\">— {}</span></li>\n", escape(o.fact),
                         note.empty() ? std::string() : " <span class=\"not-read\">— " + escape(note) + "</span>",
                         escape(would_settle(o)));
    }
    out += "</ol></div>\n";
  }
  out += rule_line(rule("checkpoint/verdict"));
  out += "</section>\n";
  return out;
}

std::string key_evidence(const DefinitionResult& d) {
  for (const auto& c : d.criteria)
    if (c.state == CriterionState::Met && c.on == d.since)
      return fmt::format("<code>{}</code>: {}", escape(c.id), escape(c.evidence.empty() ? "" : c.evidence.front()));
  if (d.status == RefractorinessStatus::InsufficientData) return "missing: " + escape(join(d.missing));
  if (d.status == RefractorinessStatus::NotRefractory) return "no criterion met";
  return "";
}

std::string refractoriness_section(const Decision& d) {
  int refractory = 0, insufficient = 0;
  const DefinitionResult* earliest = nullptr;
  for (const auto& def : d.refractoriness) {
    if (def.status == RefractorinessStatus::Refractory) {
      ++refractory;
      if (def.since && (!earliest || *def.since < *earliest->since)) earliest = &def;
    }
    if (def.status == RefractorinessStatus::InsufficientData) ++insufficient;
  }
  std::string out = "<section id=\"refractoriness\" aria-labelledby=\"h-refractoriness\">\n";
  out += "<h2 id=\"h-refractoriness\">TACE refractoriness, each definition side by side</h2>\n";
  std::string summary =
      fmt::format("Refractory under <strong>{} of {}</strong> definitions", refractory, d.refractoriness.size());
  if (earliest) summary += fmt::format(" (earliest: {} since {})", escape(earliest->id), earliest->since->iso());
  if (insufficient) summary += fmt::format("; {} with insufficient data", insufficient);
  if (d.history.sessions.empty()) summary += "; no TACE session yet";
  out += "<p>" + summary + ".</p>\n";
  out +=
      "<table class=\"refractoriness\"><colgroup><col style=\"width:20%\"><col style=\"width:7%\"><col "
      "style=\"width:14%\"><col style=\"width:11%\"><col style=\"width:48%\"></colgroup><thead><tr><th "
      "scope=\"col\">Definition</th><th scope=\"col\">Grade</th>"
      "<th scope=\"col\">Status</th><th scope=\"col\">Since</th><th scope=\"col\">Key "
      "evidence</th></tr></thead><tbody>\n";
  for (const auto& def : d.refractoriness) {
    out += fmt::format(
        "<tr id=\"def-{0}\" data-status=\"{1}\"><th scope=\"row\"><code>{0}</code><br><span class=\"small "
        "muted\">{2}</span></th>"
        "<td>{3}</td><td>{4}</td><td class=\"nowrap\">{5}</td><td>{6}</td></tr>\n",
        escape(def.id), to_string(def.status), escape(def.rule->title), grade_abbr(def.rule->grade),
        status_badge(def.status), def.since ? def.since->iso() : "—", key_evidence(def));
  }
  out +=
      "</tbody></table>\n<p class=\"small muted\">Each criterion with its evidence is listed under "
      "“Refractoriness criteria in detail” below.</p>\n</section>\n";
  return out;
}

std::string option_reasons(const TherapyOption& o) {
  std::string out;
  for (const auto& p : o.prerequisites) out += "<li class=\"prereq\"><strong>first:</strong> " + escape(p) + "</li>";
  if (!o.confirmations.empty())
    out += "<li class=\"confirm\"><strong>confirm before prescribing:</strong> " + escape(join(o.confirmations, "; ")) +
           "</li>";
  for (const auto& r : o.reasons)
    if (r.rfind("prerequisite: ", 0) != 0) out += "<li>" + escape(r) + "</li>";
  return out.empty() ? "" : "<ul>" + out + "</ul>";
}

std::string therapy_section(const Decision& d) {
  const TherapyPlan& t = d.therapy;
  std::string out = "<section id=\"plan\" aria-labelledby=\"h-plan\">\n";
  out += fmt::format("<h2 id=\"h-plan\">Treatment plan: systemic therapy, line {}{}</h2>\n", t.line,
                     t.supportive_care_only ? " — best supportive care only" : "");
  if (d.checkpoint.verdict != Verdict::Switch && !t.current_regimen && !t.supportive_care_only)
    out += "<p class=\"muted\">Shown for when TACE stops; the checkpoint does not call for a switch now.</p>\n";
  if (t.current_regimen)
    out += fmt::format("<p>Current regimen: <strong>{}</strong> (ongoing).</p>\n",
                       escape(regimen_name(*t.current_regimen)));
  if (t.prior_regimen) out += fmt::format("<p>Previous line: {}.</p>\n", escape(regimen_name(*t.prior_regimen)));
  out += ul(t.reasons);

  const TherapyOption* rec = nullptr;
  for (const auto& o : t.options)
    if (o.status == OptionStatus::Recommended) {
      rec = &o;
      break;
    }
  if (rec) {
    out += "<div class=\"recommended\" id=\"recommended\">\n";
    out += fmt::format("<p>{} <span class=\"name\">{}</span></p>\n", option_badge(rec->status),
                       escape(rec->regimen->name));
    out += fmt::format("<p class=\"dose\">{}</p>\n", escape(rec->dose));
    if (!rec->prerequisites.empty())
      out += "<div class=\"prereq\"><strong>Before starting:</strong>" + ul(rec->prerequisites) + "</div>\n";
    if (!rec->confirmations.empty())
      out += "<p class=\"confirm\"><strong>confirm before prescribing:</strong> " +
             escape(join(rec->confirmations, "; ")) + "</p>\n";
    std::vector<std::string> reasons;
    for (const auto& r : rec->reasons)
      if (r.rfind("prerequisite: ", 0) != 0) reasons.push_back(r);
    out += ul(reasons);
    out += rule_line(rule(rec->regimen->id));
    out += "</div>\n";
  } else {
    out += fmt::format("<p><strong>No regimen is recommended{}.</strong></p>\n",
                       t.supportive_care_only ? ": best supportive care" : " at this point; see the options below");
  }

  out += fmt::format("<h3>{}</h3>\n", rec ? "Other options considered" : "Options considered");
  out +=
      "<table class=\"options\"><colgroup><col style=\"width:13%\"><col style=\"width:16%\"><col "
      "style=\"width:27%\"><col style=\"width:44%\"></colgroup><thead><tr><th scope=\"col\">Status</th><th "
      "scope=\"col\">Regimen</th>"
      "<th scope=\"col\">Dose</th><th scope=\"col\">Reasons and prerequisites</th></tr></thead><tbody>\n";
  for (const auto& o : t.options) {
    if (&o == rec) continue;
    out += fmt::format(
        "<tr data-regimen=\"{}\"><td class=\"nowrap\">{}</td><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>\n",
        escape(o.regimen->id), option_badge(o.status), escape(o.regimen->name), escape(o.dose), option_reasons(o));
  }
  out += "</tbody></table>\n";
  if (!t.trial_information.empty())
    out += "<h3>Information only, not a recommendation</h3>\n" + ul(t.trial_information, "small");
  out += rule_line(rule("therapy/general-eligibility"));
  out += "</section>\n";
  return out;
}

std::string alerts_section(const Decision& d) {
  std::string out = "<section id=\"alerts\" aria-labelledby=\"h-alerts\">\n<h2 id=\"h-alerts\">Alerts</h2>\n";
  if (d.alerts.empty()) out += "<p>None.</p>\n";
  else {
    out += "<ul class=\"alerts\">";
    for (const auto& a : d.alerts) {
      const std::string_view sev = to_string(a.severity);
      std::string upper(sev);
      for (auto& ch : upper) ch = static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch);
      out += fmt::format("<li class=\"alert\">{} {}{} <span class=\"rule\">(<code>{}</code>)</span></li>",
                         badge(fmt::format("sev-{}", sev), upper), escape(a.message),
                         a.on ? fmt::format(" <span class=\"muted\">({})</span>", a.on->iso()) : "", escape(a.id));
    }
    out += "</ul>\n";
  }
  if (d.next_reassessment)
    out += fmt::format(
        "<p><strong>Next imaging reassessment for conversion:</strong> between {} and {} (last imaging {}).</p>\n{}",
        d.next_reassessment->window_opens.iso(), d.next_reassessment->due.iso(),
        d.next_reassessment->last_imaging ? d.next_reassessment->last_imaging->iso() : "none",
        rule_line(rule("P-reassessment")));
  out += "</section>\n";
  return out;
}

std::string chart_section(const Decision& d, const PatientRecord& record) {
  std::string out =
      "<section id=\"course\" aria-labelledby=\"h-course\">\n<h2 id=\"h-course\">Course: the timeline</h2>\n";
  out += "<figure class=\"chart\">\n" + chart::timeline_svg(d, record);
  out +=
      "<figcaption>One shared date axis. TACE sessions (S1, S2, …) are joined to the imaging that assessed them "
      "(mRECIST category per assessment). AFP and DCP share a logarithmic axis (one grid line per decade) with their "
      "upper "
      "limits of normal; ALBI is drawn over its grade bands with the mALBI 2a/2b line at -2.270; Child-Pugh where "
      "computable "
      "(inputs within 30 days). Dashed red lines: the date each definition became refractory. Values as entered are in "
      "each "
      "mark's tooltip and in the tables below.</figcaption>\n</figure>\n";
  out += "</section>\n";
  return out;
}

std::string sessions_section(const Decision& d) {
  const TaceHistory& h = d.history;
  std::string out =
      "<section id=\"sessions\" aria-labelledby=\"h-sessions\">\n<h2 id=\"h-sessions\">TACE sessions and their "
      "response assessments</h2>\n";
  if (h.sessions.empty()) return out + "<p>None on or before the as-of date.</p>\n</section>\n";
  out +=
      "<table><thead><tr><th scope=\"col\">Session</th><th scope=\"col\">Date</th><th scope=\"col\">Response "
      "assessment</th>"
      "<th scope=\"col\">mRECIST</th><th scope=\"col\">JSH TE</th></tr></thead><tbody>\n";
  for (const auto& a : h.sessions) {
    std::string assessment, cat = "—", te = "—";
    if (a.state == AssessmentState::Pending) assessment = "pending";
    else if (a.state == AssessmentState::Missing)
      assessment = "none (no imaging within 120 days, before the next session)";
    else {
      assessment = fmt::format("imaging {} ({} days after{})", a.study_date->iso(), a.days_after_session,
                               a.outside_window ? "; outside the 28–92-day window" : "");
      cat = a.response.category ? std::string(to_string(*a.response.category)) : "unknown";
      if (a.response.contradicted)
        cat += fmt::format(" (measured; recorded {} contradicted)",
                           a.response.recorded ? to_string(*a.response.recorded) : "?");
      te = a.te ? std::string(to_string(*a.te)) : "unknown";
    }
    out += fmt::format(
        "<tr><th scope=\"row\">S{}</th><td class=\"nowrap\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        a.session_index + 1, a.session_date.iso(), escape(assessment), escape(cat), escape(te));
  }
  out += "</tbody></table>\n</section>\n";
  return out;
}

std::string scores_section(const Decision& d) {
  std::string out = "<section id=\"scores\" aria-labelledby=\"h-scores\">\n<h2 id=\"h-scores\">Scores</h2>\n";
  out +=
      "<table class=\"scores\"><colgroup><col style=\"width:16%\"><col style=\"width:26%\"><col "
      "style=\"width:38%\"><col style=\"width:20%\"></colgroup><thead><tr><th scope=\"col\">Score</th><th "
      "scope=\"col\">Result</th>"
      "<th scope=\"col\">Inputs used</th><th scope=\"col\">Rule, grade and source</th></tr></thead><tbody>\n";
  for (const auto& s : d.scores) {
    const RuleInfo& r = *s.rule;
    std::string result;
    if (!s.applicable) result = "not applicable" + (s.summary.empty() ? "" : ": " + escape(s.summary));
    else if (s.computed) result = "<strong>" + escape(s.summary) + "</strong>";
    else result = "not computed: insufficient data";
    if (s.informational_only()) result += "<br>" + badge("informational", "informational only (grade U)");
    if (!s.missing.empty()) result += "<br><span class=\"muted\">missing:</span> " + escape(join(s.missing, ", "));
    for (const auto& n : s.notes) result += "<br><span class=\"small muted\">note: " + escape(n) + "</span>";
    std::string inputs;
    for (const auto& u : s.used)
      inputs += fmt::format("<li>{} {}: {}</li>", u.date.iso(), escape(u.name), escape(u.value));
    if (!inputs.empty()) inputs = fmt::format("<ul class=\"small\">{}</ul>", inputs);
    out += fmt::format(
        "<tr id=\"score-{}\"{}><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td class=\"small\"><code>{}</code> · "
        "grade {}{}{}<br>{}</td></tr>\n",
        escape(s.key), s.informational_only() ? " class=\"score-info\"" : "", escape(r.title), result, inputs,
        escape(r.id), grade_abbr(r.grade), r.grade_note.empty() ? "" : ", ", escape(r.grade_note), escape(r.source));
  }
  out += "</tbody></table>\n</section>\n";
  return out;
}

std::string criteria_section(const Decision& d) {
  std::string out =
      "<section id=\"criteria\" aria-labelledby=\"h-criteria\">\n<h2 id=\"h-criteria\">Refractoriness criteria in "
      "detail</h2>\n";
  for (const auto& def : d.refractoriness) {
    out += fmt::format(
        "<article class=\"definition\" id=\"criteria-{}\">\n<h3><code>{}</code> {} <span>{}</span>{}</h3>\n",
        escape(def.id), escape(def.id), status_badge(def.status), escape(def.rule->title),
        def.since ? fmt::format(" <span class=\"muted\">since {}</span>", def.since->iso()) : "");
    out +=
        "<table class=\"criteria\"><colgroup><col style=\"width:14%\"><col style=\"width:28%\"><col "
        "style=\"width:58%\"></colgroup><thead><tr><th scope=\"col\">State</th><th scope=\"col\">Criterion</th><th "
        "scope=\"col\">Evidence</th></tr></thead><tbody>\n";
    for (const auto& c : def.criteria) {
      std::string ev = ul(c.evidence, "evidence");
      if (!c.missing.empty()) ev += "<p><span class=\"muted\">missing:</span> " + escape(join(c.missing)) + "</p>";
      for (const auto& n : c.notes) ev += "<p class=\"small muted\">note: " + escape(n) + "</p>";
      out += fmt::format(
          "<tr><td class=\"nowrap\">{}{}</td><th scope=\"row\"><code>{}</code> {}<br><span class=\"small muted\">grade "
          "{}</span></th><td>{}</td></tr>\n",
          criterion_badge(c.state), c.on ? fmt::format("<br>on {}", c.on->iso()) : "", escape(c.id),
          escape(c.rule->title), grade_abbr(c.rule->grade), ev);
    }
    out += "</tbody></table>\n";
    if (!def.notes.empty()) out += ul(def.notes, "small");
    out += rule_line(*def.rule);
    out += "</article>\n";
  }
  out += "</section>\n";
  return out;
}

std::string candidacy_section(const Decision& d) {
  std::string out =
      "<section id=\"candidacy\" aria-labelledby=\"h-candidacy\">\n<h2 id=\"h-candidacy\">TACE candidacy by "
      "guideline</h2>\n";
  out +=
      "<table class=\"candidacy\"><colgroup><col style=\"width:14%\"><col style=\"width:14%\"><col "
      "style=\"width:50%\"><col style=\"width:22%\"></colgroup><thead><tr><th scope=\"col\">Guideline</th><th "
      "scope=\"col\">Candidate</th><th scope=\"col\">Reasons</th>"
      "<th scope=\"col\">Rule</th></tr></thead><tbody>\n";
  for (const auto& c : d.tace_candidacy) {
    const std::string verdict = !c.candidate   ? badge("ans-unknown", "unknown")
                                : *c.candidate ? badge("ans-yes", "candidate")
                                               : badge("ans-no", "not a candidate");
    std::string reasons = ul(c.reasons);
    if (!c.missing.empty()) reasons += "<p><span class=\"muted\">missing:</span> " + escape(join(c.missing)) + "</p>";
    out += fmt::format(
        "<tr><th scope=\"row\"><code>{}</code></th><td class=\"nowrap\">{}</td><td>{}</td><td "
        "class=\"small\">{}</td></tr>\n",
        escape(c.guideline), verdict, reasons,
        c.rule ? fmt::format("<code>{}</code> · grade {} · {}", escape(c.rule->id), grade_abbr(c.rule->grade),
                             escape(c.rule->source))
               : "");
  }
  out += "</tbody></table>\n</section>\n";
  return out;
}

// Every rule the report cites, in order of first appearance, once.
std::string sources_section(const Decision& d) {
  std::vector<const RuleInfo*> rules;
  std::set<std::string_view> seen;
  auto add = [&](const RuleInfo* r) {
    if (r && seen.insert(r->id).second) rules.push_back(r);
  };
  add(&rule("checkpoint/verdict"));
  for (const auto& def : d.refractoriness) {
    add(def.rule);
    for (const auto& c : def.criteria) add(c.rule);
  }
  add(&rule("therapy/general-eligibility"));
  for (const auto& o : d.therapy.options) add(&rule(o.regimen->id));
  for (const auto& a : d.alerts) add(&rule(a.id));
  if (d.next_reassessment) add(&rule("P-reassessment"));
  for (const auto& s : d.scores) add(s.rule);
  for (const auto& c : d.tace_candidacy) add(c.rule);

  std::string out =
      "<section id=\"sources\" aria-labelledby=\"h-sources\">\n<h2 id=\"h-sources\">Rules and sources cited</h2>\n";
  out +=
      "<p class=\"small\">Evidence grades: V verified in the primary text; S confirmed in a reliable secondary source; "
      "P project operationalization where the source gives no number; U unverified — informational only, never drives "
      "a "
      "verdict, refractoriness or a contraindication.</p>\n";
  out +=
      "<table class=\"sources small\"><colgroup><col style=\"width:24%\"><col style=\"width:10%\"><col "
      "style=\"width:22%\"><col style=\"width:44%\"></colgroup><thead><tr><th scope=\"col\">Rule</th><th "
      "scope=\"col\">Grade</th><th scope=\"col\">Source</th>"
      "<th scope=\"col\">As applied</th></tr></thead><tbody>\n";
  for (const auto* r : rules)
    out += fmt::format("<tr><th scope=\"row\"><code>{}</code><br>{}</th><td>{}{}{}</td><td>{}</td><td>{}</td></tr>\n",
                       escape(r->id), escape(r->title), grade_abbr(r->grade), r->grade_note.empty() ? "" : "<br>",
                       escape(r->grade_note), escape(r->source), escape(r->statement));
  out += "</tbody></table>\n</section>\n";
  return out;
}

}  // namespace

std::string decision_to_html(const Decision& d, const PatientRecord& record, const InputSummary& input) {
  std::string out;
  out.reserve(256 * 1024);
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<meta name=\"generator\" content=\"switchpoint " + escape(kEngineVersion) + "\">\n";
  out += fmt::format("<title>switchpoint — patient {} — as of {} — {}</title>\n", escape(d.patient_id), d.as_of.iso(),
                     verdict_word(d.checkpoint.verdict));
  out += "<style>" + style(d) + "</style>\n</head>\n<body>\n";

  out += "<header>\n";
  out += fmt::format("<p class=\"notice\" role=\"note\">{}</p>\n", escape(kDecisionSupportNotice));
  out += fmt::format("<h1>TACE decision support — patient <span class=\"pid\">{}</span></h1>\n", escape(d.patient_id));
  std::string meta = fmt::format("<span class=\"nowrap\">As of <strong>{}</strong></span>", d.as_of.iso());
  if (record.birth_date) meta += fmt::format(" · <span class=\"nowrap\">born {}</span>", record.birth_date->iso());
  meta += fmt::format(" · <span class=\"nowrap\">{} TACE session(s)</span>", d.history.sessions.size());
  meta += fmt::format(
      " · <span class=\"nowrap\">input {}</span> · <span class=\"nowrap\">engine {}</span> · "
      "<span class=\"nowrap\">knowledge {}</span>",
      escape(input.format.empty() ? "record" : input.format), escape(kEngineVersion), escape(kKnowledgeVersion));
  out += "<p class=\"meta\">" + meta + "</p>\n";
  if (const std::string line = not_read_line(input.not_read, 20, [](std::string_view t) { return escape(t); });
      !line.empty())
    out += "<p class=\"meta small not-read\" role=\"note\">" + line + "</p>\n";
  if (const auto others = other_skipped(input.skipped, input.not_read); !others.empty()) {
    std::string s;
    for (const auto& [what, n] : others) s += (s.empty() ? "" : "; ") + fmt::format("{} ({})", what, n);
    out += "<p class=\"meta small\">Not used from the input: " + escape(s) + "</p>\n";
  }
  if (!d.warnings.empty()) {
    out += "<div class=\"warnings\" role=\"alert\"><h2>Before reading on</h2>\n<ul>\n";
    for (const auto& w : d.warnings) out += "<li>" + escape(w) + "</li>\n";
    out += "</ul></div>\n";
  }
  out += "</header>\n<main>\n";

  out += checkpoint_section(d);
  out += alerts_section(d);
  out += refractoriness_section(d);
  out += therapy_section(d);
  out += chart_section(d, record);
  out += sessions_section(d);
  out += scores_section(d);
  out += criteria_section(d);
  out += candidacy_section(d);
  out += sources_section(d);

  out += "</main>\n<footer>\n";
  out += fmt::format("<p class=\"notice\" role=\"note\">{}</p>\n", escape(kDecisionSupportNotice));
  out += fmt::format(
      "<p>switchpoint {} · knowledge {} · patient <span class=\"pid\">{}</span> · as of {}. The as-of date comes from "
      "the "
      "record, never from a clock: the same input gives the same report.</p>\n",
      escape(kEngineVersion), escape(kKnowledgeVersion), escape(d.patient_id), d.as_of.iso());
  out += "</footer>\n</body>\n</html>\n";
  return out;
}

}  // namespace switchpoint
