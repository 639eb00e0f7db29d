#pragma once
// Decision → CDS Hooks 2.0 cards. Pure: no clock, no I/O; the same decision, hookInstance and
// links give byte-identical cards.
//
// Every card has a uuid, a summary under 140 characters, an indicator (info | warning |
// critical), a source with label and topic, a Markdown detail ending in the decision-support
// notice, and links: `absolute` to the full report, `smart` to the web page. No member is ever
// null or empty (CDS Hooks 2.0 "Null and empty JSON elements"): optional members are left out.
//
// uuids are name-based (v5) from the service, the hookInstance and the card's kind, not random:
// the EHR may retry a hook call, and the retried response must carry the same card and
// suggestion uuids so that feedback on either maps to one card in the audit log. hookInstance is
// unique per call (CDS Hooks requires it), so the uuids are unique across calls.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/engine.h"
#include "readers/not_read.h"

namespace switchpoint {

struct CardCoding {
  std::string system, code, display;
};

struct CardLink {
  std::string label, url, type;  // type: absolute | smart
};

struct CardAction {
  std::string type;  // create | delete
  std::string description;
  std::string resource_id;  // delete: "ServiceRequest/abc"
  // create: the ServiceRequest for an upper GI endoscopy (the only resource suggested today)
  bool endoscopy_order = false;
  std::string patient_id;
  std::string reason;
};

struct CardSuggestion {
  std::string label, uuid;
  bool recommended = false;
  std::vector<CardAction> actions;
};

struct Card {
  std::string kind;  // checkpoint | refractoriness | therapy | alert-<id> | tace-order | record-problems
  std::string uuid;
  std::string summary;
  std::string indicator;  // info | warning | critical
  std::string detail;     // GitHub-flavoured Markdown
  CardCoding topic;
  std::vector<CardSuggestion> suggestions;
  std::string selection_behavior;  // set when there are suggestions
  std::vector<CardCoding> override_reasons;
  std::vector<CardLink> links;
};

// At most this many kinds of resource not read are named in a card, then "… and K more".
inline constexpr std::size_t kCardNotReadEntries = 5;

struct CardContext {
  std::string service;  // service id
  std::string hook_instance;
  std::string patient_id;  // context.patientId (FHIR id), for suggested resources
  std::string report_url;  // absolute; empty: no report link
  std::string smart_url;   // the web page as a SMART launch URL; empty: no smart link
  int data_age_days = 0;   // P-data-age: the latest entry's age on the day of the request, when > 30
  std::string not_read;    // "3 entries (2 × Observation …; …)": the other entries the reader skipped and counted
  // The resources sent but not read (ReadResult::not_read): "not read: N resources (…)" opens every
  // card, at most kCardNotReadEntries of them, "… and K more".
  std::vector<NotRead> unread_resources = {};
};

// patient-view: the checkpoint, refractoriness, the treatment plan, and one card per alert.
std::vector<Card> patient_view_cards(const Decision& d, const CardContext& ctx);

// order-sign with a TACE draft order: the "stop and think" card (critical when the checkpoint
// says switch or supportive care). `draft_order_ref` ("ServiceRequest/id") enables the
// "cancel this order" suggestion.
Card tace_order_card(const Decision& d, const CardContext& ctx, const std::optional<std::string>& draft_order_ref);

// When the prefetched record cannot be read: one warning card listing the problems.
Card record_problems_card(const std::vector<std::string>& problems, const CardContext& ctx);

// {"cards": [...]} as sent.
std::string cards_to_json(const std::vector<Card>& cards);

// Helpers, exposed for tests.
std::string markdown_escape(std::string_view text);
std::string clip_summary(std::string_view text);  // < 140 characters (code points), "…" when cut
std::size_t utf8_length(std::string_view text);

}  // namespace switchpoint
