#include "server/cds_cards.h"
#include "core/text.h"

#include <fmt/format.h>
#include <switchpoint/version.h>

#include "core/knowledge/catalogue.h"
#include "presenters/json_writer.h"
#include "presenters/not_read_line.h"
#include "presenters/text_escape.h"
#include "server/crypto.h"

namespace switchpoint {
namespace {

// The name space of switchpoint's card and suggestion uuids (itself a random v4 uuid).
constexpr std::string_view kUuidNamespace = "2f0b5f7c-3c0e-4a8e-9a63-6d1b9d2b7e11";
constexpr std::string_view kTopicSystem = "urn:switchpoint:cds-topic";
constexpr std::string_view kOverrideSystem = "urn:switchpoint:cds-override-reason";

std::string card_uuid(const CardContext& ctx, std::string_view kind) {
  return crypto::uuid_v5(kUuidNamespace, fmt::format("{}|{}|card|{}", ctx.service, ctx.hook_instance, kind));
}
std::string suggestion_uuid(const CardContext& ctx, std::string_view kind, std::string_view what) {
  return crypto::uuid_v5(kUuidNamespace,
                         fmt::format("{}|{}|suggestion|{}|{}", ctx.service, ctx.hook_instance, kind, what));
}

std::string cell(std::string_view s) {
  std::string e = markdown_escape(s);
  return e.empty() ? "—" : e;
}

std::string bullets(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += "- " + markdown_escape(i) + "\n";
  return out;
}

std::string rule_line(const RuleInfo& r) {
  return fmt::format("Rule `{}` (grade {}; {}).", r.id, to_string(r.grade), markdown_escape(r.source));
}

std::string notice() { return fmt::format("\n*{}*", markdown_escape(kDecisionSupportNotice)); }

std::string as_of_line(const Decision& d) {
  return fmt::format("Evaluated as of {} (the record's latest entry) by switchpoint {}, knowledge {}.", d.as_of.iso(),
                     kEngineVersion, kKnowledgeVersion);
}

void add_links(Card& c, const CardContext& ctx) {
  if (!ctx.report_url.empty())
    c.links.push_back({"Full switchpoint report (evidence, timeline, sources)", ctx.report_url, "absolute"});
  if (!ctx.smart_url.empty()) c.links.push_back({"Open switchpoint", ctx.smart_url, "smart"});
}

Card base_card(const CardContext& ctx, std::string kind, std::string topic_code, std::string topic_display) {
  Card c;
  c.uuid = card_uuid(ctx, kind);
  c.kind = std::move(kind);
  c.topic = {std::string(kTopicSystem), std::move(topic_code), std::move(topic_display)};
  add_links(c, ctx);
  return c;
}

std::string_view verdict_phrase(Verdict v) {
  switch (v) {
    case Verdict::Proceed:
      return "proceed (sustained response expected, liver function maintained)";
    case Verdict::Reconsider:
      return "reconsider (an answer is unknown: obtain what is listed)";
    case Verdict::Switch:
      return "switch to systemic therapy";
    case Verdict::SupportiveCare:
      return "best supportive care (neither TACE nor systemic therapy)";
    case Verdict::NotApplicable:
      return "no verdict (no tumour imaging, TACE or HCC treatment in the record)";
  }
  return "";
}

std::string question_row(std::string_view label, const CheckpointQuestion& q) {
  if (q.answer == Answer::Unknown)
    return fmt::format("| {} | **{}** | {} missing fact{} (below) |\n", label, to_string(q.answer), q.obtain.size(),
                       q.obtain.size() == 1 ? "" : "s");
  const auto& why = q.answer == Answer::No ? q.failures : q.reasons;
  return fmt::format("| {} | **{}** | {} |\n", label, to_string(q.answer), cell(join(why)));
}

std::string checkpoint_detail(const Decision& d, std::string_view heading) {
  const Checkpoint& c = d.checkpoint;
  std::string md = fmt::format("**{}: {}**\n\n", heading, verdict_phrase(c.verdict));
  md += "| question | answer | why |\n|---|---|---|\n";
  md += question_row("Sustained response expected?", c.sustained_response);
  md += question_row("Liver function maintained?", c.liver_function);
  if (!c.reasons.empty()) md += "\n**Reasons**\n\n" + bullets(c.reasons);
  if (!d.obtain.empty()) {
    // P-obtain-list: one line per missing fact, the facts that settle the most decisions first.
    md += "\n**Obtain before deciding** (most decisions first)\n\n";
    for (const auto& o : d.obtain) {
      // Issue 14: a fact whose resource was sent but not read names that resource.
      const std::string note = not_read_note(o);
      md += "- " + markdown_escape(o.fact) + (note.empty() ? "" : " — " + markdown_escape(note)) + " — " +
            markdown_escape(would_settle(o)) + "\n";
    }
  }
  md += "\n" + rule_line(rule("checkpoint/verdict")) + "\n\n" + as_of_line(d) + "\n";
  return md;
}

Card checkpoint_card(const Decision& d, const CardContext& ctx) {
  Card c = base_card(ctx, "checkpoint", "tace-checkpoint", "TACE checkpoint (stop and think before each TACE)");
  c.summary =
      clip_summary(fmt::format("TACE checkpoint: {} (as of {})", verdict_phrase(d.checkpoint.verdict), d.as_of.iso()));
  c.indicator = d.checkpoint.verdict == Verdict::Proceed ? "info" : "warning";
  std::string md = checkpoint_detail(d, "Stop and think before the next TACE");
  if (d.next_reassessment)
    md += fmt::format("\nNext imaging reassessment for conversion: between {} and {}.\n",
                      d.next_reassessment->window_opens.iso(), d.next_reassessment->due.iso());
  c.detail = md + notice();
  return c;
}

std::string key_evidence(const DefinitionResult& def) {
  for (const auto& c : def.criteria)
    if (c.state == CriterionState::Met && c.on == def.since)
      return fmt::format("{}: {}", c.id, c.evidence.empty() ? std::string("met") : c.evidence.front());
  if (def.status == RefractorinessStatus::InsufficientData) return "missing: " + join(def.missing);
  if (def.status == RefractorinessStatus::NotRefractory) return "no criterion met";
  return "";
}

Card refractoriness_card(const Decision& d, const CardContext& ctx) {
  Card c = base_card(ctx, "refractoriness", "tace-refractoriness", "TACE refractoriness, each published definition");
  int refractory = 0, not_refractory = 0, insufficient = 0, total = 0;
  const DefinitionResult* earliest = nullptr;
  for (const auto& def : d.refractoriness) {
    ++total;
    if (def.status == RefractorinessStatus::Refractory) {
      ++refractory;
      if (def.since && (!earliest || *def.since < *earliest->since)) earliest = &def;
    } else if (def.status == RefractorinessStatus::NotRefractory) {
      ++not_refractory;
    } else {
      ++insufficient;
    }
  }
  if (refractory > 0 && earliest)
    c.summary = fmt::format("TACE-refractory under {} of {} definitions, earliest since {} ({})", refractory, total,
                            earliest->since->iso(), earliest->id);
  else if (refractory > 0) c.summary = fmt::format("TACE-refractory under {} of {} definitions", refractory, total);
  else if (insufficient == 0) c.summary = fmt::format("Not TACE-refractory under any of the {} definitions", total);
  else
    c.summary = fmt::format("Not TACE-refractory under {} of {} definitions; insufficient data for {}", not_refractory,
                            total, insufficient);
  c.summary = clip_summary(c.summary);
  c.indicator = refractory > 0 ? "warning" : "info";
  std::string md = "**TACE refractoriness under each published definition, side by side**\n\n";
  md += "| definition | grade | status | since | key evidence |\n|---|---|---|---|---|\n";
  for (const auto& def : d.refractoriness)
    md += fmt::format("| {} | {} | {} | {} | {} |\n", cell(def.rule->title), to_string(def.rule->grade),
                      to_string(def.status), def.since ? def.since->iso() : "—", cell(key_evidence(def)));
  md += "\nGrade U definitions are informational only and never drive the checkpoint.\n\n" + as_of_line(d) + "\n";
  c.detail = md + notice();
  return c;
}

const TherapyOption* recommended_option(const TherapyPlan& t) {
  for (const auto& o : t.options)
    if (o.status == OptionStatus::Recommended) return &o;
  return nullptr;
}

// A bevacizumab regimen waiting for its upper GI endoscopy: the suggestion to order one.
const TherapyOption* endoscopy_blocked_option(const TherapyPlan& t) {
  if (t.supportive_care_only) return nullptr;
  for (const auto& o : t.options)
    if (o.regimen->bevacizumab && o.status == OptionStatus::NeedsPrerequisite)
      for (const auto& p : o.prerequisites)
        if (p.rfind("upper GI endoscopy", 0) == 0) return &o;
  return nullptr;
}

void add_endoscopy_suggestion(Card& c, const Decision& d, const CardContext& ctx) {
  const TherapyOption* o = endoscopy_blocked_option(d.therapy);
  if (!o || ctx.patient_id.empty()) return;
  CardSuggestion s;
  s.label = "Order an upper GI endoscopy (varices screening before bevacizumab)";
  s.uuid = suggestion_uuid(ctx, c.kind, "order-upper-gi-endoscopy");
  CardAction a;
  a.type = "create";
  a.description = fmt::format(
      "Create a draft order for an upper GI endoscopy: {} needs one within 6 months, with varices treated, "
      "before the first dose",
      o->regimen->name);
  a.endoscopy_order = true;
  a.patient_id = ctx.patient_id;
  for (const auto& p : o->prerequisites)
    if (p.rfind("upper GI endoscopy", 0) == 0) a.reason = fmt::format("Before {}: {}", o->regimen->name, p);
  s.actions.push_back(std::move(a));
  c.suggestions.push_back(std::move(s));
  c.selection_behavior = "any";
}

std::string option_note(const TherapyOption& o) {
  if (!o.prerequisites.empty()) return "first: " + join(o.prerequisites);
  for (const auto& r : o.reasons)
    if (r.rfind("prerequisite: ", 0) != 0) return r;
  return "";
}

Card therapy_card(const Decision& d, const CardContext& ctx) {
  Card c = base_card(ctx, "therapy", "systemic-therapy-plan", "Systemic treatment plan");
  const TherapyPlan& t = d.therapy;
  const bool hypothetical = d.checkpoint.verdict != Verdict::Switch && !t.current_regimen && !t.supportive_care_only;
  const std::string prefix = hypothetical ? "If TACE stops: systemic therapy" : "Systemic therapy";
  if (t.supportive_care_only) {
    c.summary = "Best supportive care: no systemic therapy is indicated";
    c.indicator = "warning";
  } else if (const TherapyOption* r = recommended_option(t)) {
    c.summary = fmt::format("{}, line {}: {} recommended", prefix, t.line, r->regimen->name);
    c.indicator = "info";
  } else {
    c.summary = fmt::format("{}, line {}: no regimen can be recommended yet (see prerequisites)", prefix, t.line);
    c.indicator = "info";
  }
  c.summary = clip_summary(c.summary);
  std::string md = fmt::format("**Systemic treatment plan, line {}{}**\n\n", t.line,
                               t.supportive_care_only ? ": best supportive care only" : "");
  if (hypothetical) md += "Shown for when TACE stops: the checkpoint does not call for a switch now.\n\n";
  if (!t.reasons.empty()) md += bullets(t.reasons) + "\n";
  md += "| regimen | status | dose | note |\n|---|---|---|---|\n";
  for (const auto& o : t.options)
    md += fmt::format("| {} | {} | {} | {} |\n", cell(o.regimen->name), to_string(o.status), cell(o.dose),
                      cell(option_note(o)));
  if (!t.trial_information.empty())
    md += "\nInformation only, not a recommendation:\n\n" + bullets(t.trial_information);
  md += "\n" + rule_line(rule("therapy/general-eligibility")) + "\n\n" + as_of_line(d) + "\n";
  c.detail = md + notice();
  add_endoscopy_suggestion(c, d, ctx);
  return c;
}

Card alert_card(const Alert& a, const Decision& d, const CardContext& ctx) {
  Card c = base_card(ctx, "alert-" + a.id, "alert", "Safety alert (known pitfall)");
  c.summary = clip_summary(a.message);
  c.indicator = std::string(to_string(a.severity));
  std::string md = fmt::format("**{}**\n\n", markdown_escape(a.message));
  if (a.on) md += fmt::format("On {}.\n\n", a.on->iso());
  md += rule_line(rule(a.id)) + "\n\n" + as_of_line(d) + "\n";
  c.detail = md + notice();
  return c;
}

void write_coding(JsonWriter& w, const CardCoding& c) {
  w.begin_object().field("system", c.system).field("code", c.code).field("display", c.display).end_object();
}

void write_endoscopy_order(JsonWriter& w, const CardAction& a) {
  w.begin_object();
  w.field("resourceType", "ServiceRequest");
  w.field("status", "draft");
  w.field("intent", "order");
  w.key("code").begin_object().key("coding").begin_array();
  write_coding(w, {"http://snomed.info/sct", "76009000", "Esophagogastroduodenoscopy"});
  write_coding(w, {"urn:switchpoint:hcc", "upper-gi-endoscopy", "Upper GI endoscopy (varices screening)"});
  w.end_array().field("text", "Upper GI endoscopy (varices screening and treatment before bevacizumab)").end_object();
  w.key("subject").begin_object().field("reference", "Patient/" + a.patient_id).end_object();
  if (!a.reason.empty())
    w.key("reasonCode").begin_array().begin_object().field("text", a.reason).end_object().end_array();
  w.end_object();
}

void write_card(JsonWriter& w, const Card& c) {
  w.begin_object();
  w.field("uuid", c.uuid);
  w.field("summary", c.summary);
  w.field("indicator", c.indicator);
  if (!c.detail.empty()) w.field("detail", c.detail);
  w.key("source").begin_object();
  w.field("label", fmt::format("switchpoint {} (knowledge {})", kEngineVersion, kKnowledgeVersion));
  w.key("topic");
  write_coding(w, c.topic);
  w.end_object();
  if (!c.suggestions.empty()) {
    w.key("suggestions").begin_array();
    for (const auto& s : c.suggestions) {
      w.begin_object().field("label", s.label).field("uuid", s.uuid);
      if (s.recommended) w.field("isRecommended", true);
      if (!s.actions.empty()) {
        w.key("actions").begin_array();
        for (const auto& a : s.actions) {
          w.begin_object().field("type", a.type).field("description", a.description);
          if (!a.resource_id.empty()) w.field("resourceId", a.resource_id);
          if (a.endoscopy_order) {
            w.key("resource");
            write_endoscopy_order(w, a);
          }
          w.end_object();
        }
        w.end_array();
      }
      w.end_object();
    }
    w.end_array();
    w.field("selectionBehavior", c.selection_behavior.empty() ? "any" : c.selection_behavior);
  }
  if (!c.override_reasons.empty()) {
    w.key("overrideReasons").begin_array();
    for (const auto& r : c.override_reasons) write_coding(w, r);
    w.end_array();
  }
  if (!c.links.empty()) {
    w.key("links").begin_array();
    for (const auto& l : c.links)
      w.begin_object().field("label", l.label).field("url", l.url).field("type", l.type).end_object();
    w.end_array();
  }
  w.end_object();
}

}  // namespace

std::size_t utf8_length(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string clip_summary(std::string_view text) {
  std::string s;
  for (char c : text) s += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  if (utf8_length(s) < 140) return s;
  // Cut at a code-point boundary, then back to a word boundary, leaving room for "…".
  std::size_t count = 0, cut = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (count == 137) {
        cut = i;
        break;
      }
      ++count;
    }
  }
  std::string head = s.substr(0, cut);
  if (const auto sp = head.rfind(' '); sp != std::string::npos && sp > 80) head.resize(sp);
  while (!head.empty() && (head.back() == ' ' || head.back() == ',' || head.back() == ';' || head.back() == ':'))
    head.pop_back();
  return head + "…";
}

std::string markdown_escape(std::string_view raw) {
  // Control characters, bidi overrides and line separators from the record are made visible first
  // (presenters/text_escape.h): a card must not carry an ESC or a U+202E that a client renders.
  std::string flat(raw);
  for (char& c : flat)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  const std::string visible = escape_text(flat);
  const std::string_view text = visible;
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      // Emphasis, code, links (no '[' means no link, so '(' and '!' may stay), raw HTML and
      // entities, table cells, strike-through. The text never starts a line: '#', '-', '+' are safe.
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '<':
      case '>':
      case '|':
      case '~':
      case '&':
        out += '\\';
        out += c;
        break;
      case '\n':
      case '\r':
      case '\t':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {
// P-data-age and the record's other doubts (Decision::warnings) open every card; old data are said
// in the summary too, and an "info" card becomes a "warning".
void apply_warnings(Card& c, const Decision& d, const CardContext& ctx) {
  if (ctx.data_age_days > 0) {
    c.summary = clip_summary(fmt::format("Data {} days old — {}", ctx.data_age_days, c.summary));
    if (c.indicator == "info") c.indicator = "warning";
  }
  std::string top;
  for (const auto& w : d.warnings) top += "**Warning:** " + markdown_escape(w) + "\n\n";
  if (const std::string line = not_read_line(ctx.unread_resources, kCardNotReadEntries, markdown_escape); !line.empty())
    top += line + "\n\n";
  if (!ctx.not_read.empty()) top += "Not read from the EHR's data: " + markdown_escape(ctx.not_read) + "\n\n";
  c.detail = top + c.detail;
}
}  // namespace

std::vector<Card> patient_view_cards(const Decision& d, const CardContext& ctx) {
  std::vector<Card> cards;
  cards.push_back(checkpoint_card(d, ctx));
  cards.push_back(refractoriness_card(d, ctx));
  cards.push_back(therapy_card(d, ctx));
  for (const auto& a : d.alerts) cards.push_back(alert_card(a, d, ctx));
  for (auto& c : cards) apply_warnings(c, d, ctx);
  return cards;
}

Card tace_order_card(const Decision& d, const CardContext& ctx, const std::optional<std::string>& draft_order_ref) {
  Card c = base_card(ctx, "tace-order", "tace-order-checkpoint", "Stop and think before this TACE");
  const Verdict v = d.checkpoint.verdict;
  switch (v) {
    case Verdict::Switch:
      c.summary = "Stop and think before this TACE: the checkpoint says switch to systemic therapy";
      c.indicator = "critical";
      break;
    case Verdict::SupportiveCare:
      c.summary = "Stop and think before this TACE: the checkpoint says best supportive care, not TACE";
      c.indicator = "critical";
      break;
    case Verdict::Reconsider:
      c.summary = "Stop and think before this TACE: reconsider, an answer is unknown (obtain what is listed)";
      c.indicator = "warning";
      break;
    case Verdict::Proceed:
      c.summary = "TACE checkpoint: proceed, a sustained response is expected and liver function maintained";
      c.indicator = "info";
      break;
    case Verdict::NotApplicable:
      c.summary = "Stop and think before this TACE: no tumour imaging or HCC history was received, no verdict";
      c.indicator = "warning";
      break;
  }
  c.summary = clip_summary(c.summary);
  std::string md = checkpoint_detail(d, "Stop and think before this TACE");
  int refractory = 0;
  for (const auto& def : d.refractoriness)
    if (def.status == RefractorinessStatus::Refractory) ++refractory;
  md += fmt::format("\nTACE-refractory under {} of {} published definitions.\n", refractory, d.refractoriness.size());
  if (v == Verdict::Switch)
    if (const TherapyOption* r = recommended_option(d.therapy))
      md += fmt::format("\nRecommended systemic therapy, line {}: **{}** ({}).\n", d.therapy.line,
                        markdown_escape(r->regimen->name), markdown_escape(r->dose));
  c.detail = md + notice();
  if ((v == Verdict::Switch || v == Verdict::SupportiveCare) && draft_order_ref) {
    CardSuggestion s;
    s.label = "Cancel this TACE order";
    s.uuid = suggestion_uuid(ctx, c.kind, "cancel-tace-order");
    s.recommended = true;
    CardAction a;
    a.type = "delete";
    a.description = "Remove the draft TACE order";
    a.resource_id = *draft_order_ref;
    s.actions.push_back(std::move(a));
    c.suggestions.push_back(std::move(s));
    c.selection_behavior = "any";
  }
  if (v == Verdict::Switch) add_endoscopy_suggestion(c, d, ctx);
  c.override_reasons = {
      {std::string(kOverrideSystem), "tumour-board-decision", "Tumour board decided to continue TACE"},
      {std::string(kOverrideSystem), "record-incomplete", "The record shown is incomplete or outdated"},
      {std::string(kOverrideSystem), "patient-preference", "Patient preference after informed discussion"},
      {std::string(kOverrideSystem), "other-clinical-reason", "Another clinical reason"},
  };
  apply_warnings(c, d, ctx);
  return c;
}

Card record_problems_card(const std::vector<std::string>& problems, const CardContext& ctx) {
  Card c = base_card(ctx, "record-problems", "record-problems", "The record could not be read");
  c.links.clear();  // nothing was evaluated: no report
  c.summary = clip_summary(fmt::format("switchpoint could not evaluate this patient: {} problem{} in the FHIR data",
                                       problems.size(), problems.size() == 1 ? "" : "s"));
  c.indicator = "warning";
  std::string md =
      "**The prefetched FHIR data could not be read; nothing was evaluated.** A missing input is never turned into "
      "a confident answer. Problems:\n\n";
  const std::size_t shown = std::min<std::size_t>(problems.size(), 20);
  md += bullets(std::vector<std::string>(problems.begin(), problems.begin() + static_cast<std::ptrdiff_t>(shown)));
  if (shown < problems.size()) md += fmt::format("- … and {} more\n", problems.size() - shown);
  c.detail = md + notice();
  if (!ctx.smart_url.empty()) c.links.push_back({"Open switchpoint", ctx.smart_url, "smart"});
  return c;
}

std::string cards_to_json(const std::vector<Card>& cards) {
  JsonWriter w(false);
  w.begin_object().key("cards").begin_array();
  for (const auto& c : cards) write_card(w, c);
  w.end_array().end_object();
  return w.take() + "\n";
}

}  // namespace switchpoint
