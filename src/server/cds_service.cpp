#include "server/cds_service.h"

#include "core/data_age.h"

#include <fmt/format.h>
#include <simdjson.h>
#include <switchpoint/version.h>

#include <chrono>
#include <deque>

#include "core/engine.h"
#include "core/knowledge/catalogue.h"
#include "presenters/html_report.h"
#include "presenters/json_writer.h"
#include "presenters/not_read_line.h"
#include "readers/fhir_codes.h"
#include "readers/fhir_r4.h"
#include "readers/json_walk.h"
#include "readers/terminology_imaging.h"
#include "readers/terminology_obs.h"
#include "server/cds_cards.h"
#include "server/cds_merge.h"
#include "server/crypto.h"

namespace switchpoint {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;

struct ServiceInfo {
  const char* id;
  const char* hook;
  const char* title;
  const char* description;
};

constexpr ServiceInfo kServices[] = {
    {kPatientViewService, "patient-view", "switchpoint: TACE refractoriness, checkpoint and treatment plan",
     "For a patient with hepatocellular carcinoma treated with TACE: whether TACE has become refractory under each "
     "published definition, the stop-and-think checkpoint before the next TACE (proceed, reconsider, switch or "
     "supportive "
     "care) and the systemic treatment plan. Decision support for clinicians, not a substitute for clinical "
     "judgement."},
    {kTaceOrderService, "order-sign", "switchpoint: stop and think before each TACE",
     "When a TACE order (ServiceRequest coded urn:switchpoint:hcc|tace or SNOMED CT 441525007) is signed: the "
     "stop-and-think checkpoint, critical when it says switch to systemic therapy or best supportive care. Decision "
     "support for clinicians, not a substitute for clinical judgement."},
};

const ServiceInfo* find_service(std::string_view id) {
  for (const auto& s : kServices)
    if (id == s.id) return &s;
  return nullptr;
}

// A member name twice in one object makes the request ambiguous (parsers disagree on which one
// counts; the prefetch would be read one way and checked another): refused with 400, naming it.
std::optional<std::string> duplicate_member(element root) {
  std::vector<Problem> twice;
  if (json::duplicate_keys(root, "", twice) == 0) return std::nullopt;
  return fmt::format("the request body names a member more than once, at {}; which one is meant cannot be told",
                     twice.front().location);
}

CdsResult fail(int status, std::string_view message, std::string kind) {
  return {api_error(status, message), std::move(kind)};
}

// FHIR id: [A-Za-z0-9\-\.]{1,64}. Anything else could not be put safely into a query URL.
bool fhir_id(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
      return false;
  return true;
}

using cds::PrefetchSource;

struct TaceOrder {
  bool present = false;
  std::optional<std::string> ref;
};

TaceOrder find_tace_order(element draft_orders) {
  TaceOrder t;
  array entries;
  if (draft_orders.at_key("entry").get_array().get(entries) != simdjson::SUCCESS) return t;
  for (element e : entries) {
    element r;
    if (e.at_key("resource").get(r) != simdjson::SUCCESS ||
        cds::string_member(r, "resourceType") != std::optional<std::string_view>("ServiceRequest"))
      continue;
    array codings;
    if (r.at_key("code").at_key("coding").get_array().get(codings) != simdjson::SUCCESS) continue;
    bool tace = false;
    for (element c : codings) {
      const auto system = cds::string_member(c, "system"), code = cds::string_member(c, "code");
      tace = tace ||
             (system == std::optional<std::string_view>("urn:switchpoint:hcc") &&
              code == std::optional<std::string_view>("tace")) ||
             (system == std::optional<std::string_view>("http://snomed.info/sct") &&
              code == std::optional<std::string_view>("441525007"));
    }
    if (!tace) continue;
    if (!t.present) {
      t.present = true;
      if (const auto id = cds::string_member(r, "id"); id && fhir_id(*id))
        t.ref = fmt::format("ServiceRequest/{}", *id);
    }
  }
  return t;
}

std::string url_encode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~')
      out += static_cast<char>(c);
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string fill(const std::string& query, std::string_view patient_id) {
  std::string out = query;
  const std::string token = "{{context.patientId}}";
  for (auto pos = out.find(token); pos != std::string::npos; pos = out.find(token, pos))
    out.replace(pos, token.size(), url_encode(patient_id));
  return out;
}

// The "next" link of a searchset Bundle: there are more pages.
std::optional<std::string> next_link(element bundle) {
  std::optional<std::string> next;
  array links;
  if (bundle.at_key("link").get_array().get(links) == simdjson::SUCCESS)
    for (element l : links)
      if (cds::string_member(l, "relation") == std::optional<std::string_view>("next"))
        if (const auto u = cds::string_member(l, "url")) next = std::string(*u);
  return next;
}

// Fetches the prefetch templates the EHR did not satisfy from its FHIR server, within one time
// budget. Every page is kept parsed (in `parsers`) for the merge.
struct Fetcher {
  const HttpGet& get;
  std::string base;  // fhirServer, no trailing slash
  std::string authorization;
  std::chrono::steady_clock::time_point deadline;
  std::deque<simdjson::padded_string> pages;
  std::deque<simdjson::dom::parser> parsers;
  std::string error;

  std::optional<FetchResult> fetch(const std::string& url) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      error = "FHIR server: time budget exhausted";
      return std::nullopt;
    }
    FetchLimits limits;
    limits.total_timeout = left;
    limits.connect_timeout = std::min(left, std::chrono::milliseconds(2000));
    limits.max_bytes = 32 * 1024 * 1024;
    FetchResult r = get(url, {"Accept: application/fhir+json", "Authorization: " + authorization}, limits);
    if (!r.ok) {
      error = "FHIR server: " + r.error;
      return std::nullopt;
    }
    return r;
  }

  // A page parsed and kept (with its padded text) until the merge.
  std::optional<PrefetchSource> parse(const std::string& key, const std::string& body) {
    const auto& text = pages.emplace_back(body);
    auto& p = parsers.emplace_back();
    element e;
    if (p.parse(text).get(e) != simdjson::SUCCESS || !e.is_object()) {
      error = "FHIR server: a response is not a JSON object";
      return std::nullopt;
    }
    return PrefetchSource{key, e, std::string_view(text.data(), text.size()), text.data() + text.size()};
  }

  // Only pages of the same server: a partial result would be a confident answer on missing data.
  bool same_server(const std::string& url) {
    if (url.rfind(base + "/", 0) == 0 || url.rfind(base + "?", 0) == 0) return true;
    error = "FHIR server: a next page on another server";
    return false;
  }

  bool run(const PrefetchTemplate& t, std::string_view patient_id, std::vector<PrefetchSource>& out) {
    return follow(t.key, base + "/" + fill(t.query, patient_id), t.query.find('?') == std::string::npos, out);
  }

  // The pages of a search from `url` on (a template's query, or the next page of a prefetched
  // searchset), each kept for the merge; a read (`read`) is one resource.
  bool follow(const std::string& key, std::string url, bool read, std::vector<PrefetchSource>& out) {
    for (int page = 0; page < 20; ++page) {
      auto r = fetch(url);
      if (!r) return false;
      if (read && (r->status == 404 || r->status == 410)) return true;  // no such resource: like a null prefetch
      if (r->status != 200) {
        error = fmt::format("FHIR server: HTTP {} for {}", r->status, key);
        return false;
      }
      auto page_source = parse(key, r->body);
      if (!page_source) return false;
      out.push_back(*page_source);
      const element* e = &page_source->value;
      if (read) return true;
      if (cds::string_member(*e, "resourceType") != std::optional<std::string_view>("Bundle")) {
        error = "FHIR server: a search did not return a Bundle";
        return false;
      }
      const std::optional<std::string> next = next_link(*e);
      if (!next) return true;
      url = *next;
      if (!same_server(url)) return false;
    }
    error = "FHIR server: more than 20 pages";
    return false;
  }
};

bool hcc_context(const PatientRecord& r, const std::map<std::string, int>& skipped) {
  return !r.tace.empty() || !r.imaging.empty() || !r.systemic.empty() || skipped.count("used: diagnosis") > 0;
}

// One CDS Hooks call, step by step: the request, the prefetch, the FHIR server's pages for what
// the prefetch lacks, then the record and the cards. A step returns the answer when the call ends
// there (a refusal, or no cards), nothing when it goes on. Every answer, refusals included, is in
// the audit log before it is sent.
class CdsCall {
 public:
  CdsCall(const ServiceInfo& svc, std::string_view body, const std::string& issuer, AuditLog* audit,
          const CdsServiceOptions& options, const HttpGet& http_get)
      : svc_(svc), audit_log_(audit), options_(options), http_get_(http_get), padded_(body) {
    audit_.service = svc.id;
    audit_.input_sha256 = crypto::sha256_hex(body);
    audit_.issuer = issuer;
  }

  CdsResult run(std::int64_t now_unix) {
    if (auto r = read_request()) return std::move(*r);
    if (auto r = read_prefetch()) return std::move(*r);
    if (auto r = fetch_the_rest()) return std::move(*r);
    return decide(now_unix);
  }

 private:
  using Answer = std::optional<CdsResult>;

  CdsResult answer(CdsResult r, std::string outcome) {
    audit_.status = r.http.status;
    audit_.outcome = std::move(outcome);
    if (r.http.status == 200) audit_.cards_json = r.http.body;
    if (audit_log_ && !audit_log_->record(audit_))
      return fail(503, "the audit log could not be written; try again", "audit_failed");
    return r;
  }
  CdsResult bad_request(std::string_view message, std::string kind = "bad_request") {
    return answer(fail(400, message, std::move(kind)), "bad-request");
  }
  CdsResult precondition_failed(std::string_view message, std::string kind = "precondition_failed") {
    return answer(fail(412, message, std::move(kind)), "precondition-failed");
  }
  CdsResult with_cards(const std::vector<Card>& cards, std::string outcome) {
    for (const auto& c : cards) audit_.cards.push_back({c.uuid, c.kind, c.indicator, c.summary});
    return answer({{200, "application/json", cards_to_json(cards)}, ""}, std::move(outcome));
  }
  bool tace_order_service() const { return svc_.id == std::string_view(kTaceOrderService); }

  // hook, hookInstance, context.patientId and, for the order-sign service, the TACE order.
  Answer read_request() {
    if (parser_.parse(padded_).get(root_) != simdjson::SUCCESS || !root_.is_object())
      return bad_request("the request body is not a JSON object", "malformed_json");
    if (const auto twice = duplicate_member(root_)) return bad_request(*twice, "malformed_json");
    const auto hook = cds::string_member(root_, "hook");
    hook_instance_ = cds::string_member(root_, "hookInstance");
    if (hook_instance_ && crypto::is_uuid(*hook_instance_)) audit_.hook_instance = std::string(*hook_instance_);
    if (!hook || *hook != svc_.hook) return bad_request(fmt::format("this service answers the hook {}", svc_.hook));
    if (!hook_instance_ || !crypto::is_uuid(*hook_instance_)) return bad_request("hookInstance must be a UUID");
    if (root_.at_key("context").get(context_) != simdjson::SUCCESS || !context_.is_object())
      return bad_request("context must be an object");
    patient_id_ = cds::string_member(context_, "patientId");
    if (!patient_id_ || !fhir_id(*patient_id_)) return bad_request("context.patientId must be a FHIR id");
    if (tace_order_service()) {
      element draft;
      if (context_.at_key("draftOrders").get(draft) != simdjson::SUCCESS ||
          cds::string_member(draft, "resourceType") != std::optional<std::string_view>("Bundle"))
        return bad_request("context.draftOrders must be a FHIR Bundle");
      order_ = find_tace_order(draft);
      if (!order_.present) return with_cards({}, "no-tace-order");
    }
    return std::nullopt;
  }

  // Prefetch: every template key present (a null value means "no data"), or fetched; the exact
  // text of each value, for the merge; a searchset that is one page of several.
  Answer read_prefetch() {
    element prefetch;
    const bool has_prefetch = root_.at_key("prefetch").get(prefetch) == simdjson::SUCCESS;
    if (has_prefetch && !prefetch.is_object()) return bad_request("prefetch must be an object");
    for (const auto& t : prefetch_templates()) {
      element v;
      if (!has_prefetch || prefetch.at_key(t.key).get(v) != simdjson::SUCCESS) {
        missing_.push_back(&t);
        continue;
      }
      if (v.is_null()) continue;
      if (!v.is_object()) return bad_request(fmt::format("prefetch {} must be a FHIR resource or null", t.key));
      // An OperationOutcome in place of the data: the EHR could not prefetch it (CDS Hooks 2.0,
      // "Prefetch"). Fetched like a missing key — never read as "no data", which would be a
      // confident answer on missing inputs.
      if (cds::string_member(v, "resourceType") == std::optional<std::string_view>("OperationOutcome")) {
        missing_.push_back(&t);
        continue;
      }
      sources_.push_back({t.key, v, {}, padded_.data() + padded_.size()});
    }
    if (!sources_.empty()) {
      find_raw_texts();
      for (const auto& src : sources_)
        if (src.raw.empty()) return bad_request("the prefetch could not be read", "malformed_json");
    }
    // A prefetched searchset that is one page of several (link "next"): the other pages are
    // fetched like a missing key, never left out (that would be a decision on part of the data).
    for (const auto& src : sources_)
      if (cds::string_member(src.value, "resourceType") == std::optional<std::string_view>("Bundle"))
        if (auto next = next_link(src.value)) continuations_.emplace_back(src.key, std::move(*next));
    return std::nullopt;
  }

  // The exact text of each prefetch value (PrefetchSource::raw), found with simdjson On-Demand.
  void find_raw_texts() {
    simdjson::ondemand::parser od;
    simdjson::ondemand::document doc;
    simdjson::ondemand::object pre;
    if (od.iterate(padded_).get(doc) != simdjson::SUCCESS ||
        doc.find_field_unordered("prefetch").get_object().get(pre) != simdjson::SUCCESS)
      return;
    for (auto field : pre) {
      std::string_view key;
      simdjson::ondemand::value value;
      simdjson::ondemand::json_type type;
      if (field.unescaped_key().get(key) != simdjson::SUCCESS || field.value().get(value) != simdjson::SUCCESS ||
          value.type().get(type) != simdjson::SUCCESS)
        return;
      if (type != simdjson::ondemand::json_type::object) continue;
      simdjson::ondemand::object obj;
      std::string_view raw;
      if (value.get_object().get(obj) != simdjson::SUCCESS || obj.raw_json().get(raw) != simdjson::SUCCESS) return;
      for (auto& src : sources_)
        if (src.key == key && src.raw.empty()) src.raw = raw;
    }
  }

  // What the prefetch lacks (keys, and the next pages of its searchsets), from fhirServer with
  // fhirAuthorization, within the time budget; without them, no decision (412).
  Answer fetch_the_rest() {
    if (missing_.empty() && continuations_.empty()) return std::nullopt;
    const auto server = cds::string_member(root_, "fhirServer");
    element auth;
    const bool has_auth = root_.at_key("fhirAuthorization").get(auth) == simdjson::SUCCESS;
    const auto token = has_auth ? cds::string_member(auth, "access_token") : std::nullopt;
    const auto token_type = has_auth ? cds::string_member(auth, "token_type") : std::nullopt;
    if (!server || !token || token->empty() || (token_type && *token_type != "Bearer" && *token_type != "bearer")) {
      if (missing_.empty())
        return precondition_failed(
            fmt::format("prefetch {} is the first page of several (it links a next page) and there is no "
                        "fhirServer with fhirAuthorization to fetch the rest; a decision on part of the "
                        "data is not given",
                        continuations_.front().first));
      return precondition_failed("prefetch incomplete and no fhirServer with fhirAuthorization to fetch the rest");
    }
    std::string base(*server);
    while (!base.empty() && base.back() == '/') base.pop_back();
    if (!fetch_url_allowed(base))
      return precondition_failed("fhirServer must be https (or http on a loopback address)");
    fetcher_.emplace(Fetcher{http_get_,
                             base,
                             "Bearer " + std::string(*token),
                             std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.fhir_timeout_ms),
                             {},
                             {},
                             {}});
    bool ok = true;
    for (const auto* t : missing_) ok = ok && fetcher_->run(*t, *patient_id_, sources_);
    for (const auto& [key, next] : continuations_)
      ok = ok && fetcher_->same_server(next) && fetcher_->follow(key, next, false, sources_);
    if (ok) return std::nullopt;
    // The reason (never patient data: a status, a limit, a transport error) helps the EHR's team.
    std::string_view why = fetcher_->error;
    if (why.rfind("FHIR server: ", 0) == 0) why.remove_prefix(13);
    return precondition_failed(fmt::format("the FHIR data could not be obtained from fhirServer ({})", why),
                               "fhir_fetch_failed");
  }

  // The merged prefetch read into one record, evaluated, and said as cards.
  CdsResult decide(std::int64_t now_unix) {
    cds::MergedPrefetch merged = cds::merge_prefetch(sources_, *patient_id_);
    if (merged.other_patient)
      return bad_request("the prefetched data include another patient than context.patientId", "patient_mismatch");
    CardContext ctx;
    ctx.service = svc_.id;
    ctx.hook_instance = std::string(*hook_instance_);
    ctx.patient_id = std::string(*patient_id_);
    ctx.smart_url = options_.smart_launch_url;
    if (merged.labels.empty()) return no_data(ctx);
    // Read from the parsed prefetch and pages (the spliced Bundle is for the audit and the report).
    const ReadResult rr = cds::read_merged(merged);
    if (!rr.ok()) {
      std::vector<std::string> problems;
      for (const auto& p : rr.problems)
        problems.push_back(fmt::format("{}: {}", cds::locate(p.location, merged.labels), p.message));
      return with_cards({record_problems_card(problems, ctx)}, "invalid-record");
    }
    const PatientRecord& record = *rr.record;
    const std::optional<Date> as_of = default_as_of(record);
    if (!as_of) return no_data(ctx);
    if (!tace_order_service() && !hcc_context(record, rr.skipped)) return with_cards({}, "no-cards");

    audit_.as_of = as_of->iso();
    audit_.record_sha256 = crypto::sha256_hex(merged.bundle);
    audit_.record_bundle = std::move(merged.bundle);  // read already: kept for the audit and the report
    audit_.report_token =
        crypto::hex(crypto::hmac_sha256(options_.report_secret,
                                        fmt::format("{}|{}|{}", svc_.id, *hook_instance_, audit_.input_sha256)))
            .substr(0, 32);
    if (!options_.public_base_url.empty()) ctx.report_url = options_.public_base_url + "/report/" + audit_.report_token;

    Decision d = evaluate(record, *as_of);
    ctx.unread_resources = rr.not_read;
    if (const auto others = other_skipped(rr.skipped, rr.not_read); !others.empty()) {
      int n = 0;
      std::string what;
      for (const auto& [k, count] : others) {
        n += count;
        what += fmt::format("{}{} × {}", what.empty() ? "" : "; ", count, k);
      }
      ctx.not_read = fmt::format("{} entr{} ({})", n, n == 1 ? "y" : "ies", what);
    }
    if (now_unix > 0) {
      // P-data-age: the decision is on the record's latest entry; the clinician reads it today.
      const Date today = Date::from_days(static_cast<std::int32_t>(now_unix / 86400));
      if (auto w = data_age_warning(record, today, "today")) {
        d.warnings.insert(d.warnings.begin(), std::move(*w));
        ctx.data_age_days = days_between(*record.latest_entry_date(), today);
      }
    }
    if (tace_order_service()) return with_cards({tace_order_card(d, ctx, order_.ref)}, "cards");
    return with_cards(patient_view_cards(d, ctx), "cards");
  }

  // Nothing dated for the patient: no cards, but for a TACE being ordered, where silence would
  // read as "nothing against it".
  CdsResult no_data(const CardContext& ctx) {
    if (!tace_order_service()) return with_cards({}, "no-cards");
    return with_cards({record_problems_card({"no dated TACE, imaging, laboratory or therapy data for this patient: "
                                             "the checkpoint before this TACE cannot be judged"},
                                            ctx)},
                      "no-data");
  }

  const ServiceInfo& svc_;
  AuditLog* audit_log_;
  const CdsServiceOptions& options_;
  const HttpGet& http_get_;
  AuditEvaluation audit_;
  const simdjson::padded_string padded_;
  simdjson::dom::parser parser_;
  element root_, context_;
  std::optional<std::string_view> hook_instance_, patient_id_;
  TaceOrder order_;
  std::vector<PrefetchSource> sources_;
  std::vector<const PrefetchTemplate*> missing_;
  std::vector<std::pair<std::string, std::string>> continuations_;  // key, next page
  std::optional<Fetcher> fetcher_;                                  // its pages outlive the merge
};

}  // namespace

std::vector<std::pair<std::string_view, std::string_view>> prefetch_observation_codes() {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  auto add = [&out](std::string_view system, std::string_view code) {
    for (const auto& [s, c] : out)
      if (s == system && c == code) return;
    out.emplace_back(system, code);
  };
  // What the reader reads from an Observation (fhir_r4.cpp: observation(), skipped_on_code()).
  for (const auto& c : fhir::observation_codes()) add(c.system, c.code);
  for (const auto& c : fhir::terms::liver_finding_codes())
    if (!c.condition_only) add(c.system, c.code);
  add(fhir::kLoinc, fhir::terms::kKarnofskyLoinc);
  // Standard imaging codes: the mCODE tumour size (and its longest dimension sent on its own), and
  // the imaging codes recognised and not read (readers/terminology_imaging.h).
  for (const auto& c : fhir::terms::imaging_codes()) {
    using R = fhir::terms::ImagingRole;
    if (c.role == R::TumorSize || c.role == R::LongestDimension || c.role == R::NotRead) add(c.system, c.code);
  }
  // Codes recognised but deliberately not read: asked for so that, when the EHR holds one, the
  // cards say "not read: …" and why, instead of the fact looking absent.
  for (const auto& c : fhir::not_read_codes())
    if (c.resource.empty() || c.resource == "Observation") add(c.system, c.code);
  return out;
}

const std::vector<PrefetchTemplate>& prefetch_templates() {
  // Generated from the reader's code tables (readers/fhir_codes.h, terminology_obs.h): one source,
  // so what is asked for and what is read cannot drift apart. docs/cds-hooks.md "Prefetch" gives
  // the reasons for each query and its measured length.
  static const std::vector<PrefetchTemplate> kTemplates = [] {
    std::string observation_codes;
    for (const auto& [system, code] : prefetch_observation_codes())
      observation_codes += fmt::format("{}{}%7C{}", observation_codes.empty() ? "" : ",", system, url_encode(code));
    // _count: up to 200 matches a page (a hint; servers may give fewer). A server's default page
    // can be 20 or fewer, and a search runs out at 20 pages (Fetcher): years of labs or of orders
    // would otherwise be refused (412) for their length.
    const std::string page = "&_count=200";
    return std::vector<PrefetchTemplate>{
        {"patient", "Patient/{{context.patientId}}"},
        // Observations: by code (vital signs, every lab and every note of a patient would be many
        // thousand resources; the reader reads a few dozen codes, all exact codes, no families).
        {"observations", "Observation?patient={{context.patientId}}&code=" + observation_codes + page},
        // Conditions and Procedures: every one of the patient's. A code filter cannot express the
        // families the reader reads (ICD-10-CM Z94.*, M05.*, I74.*: a token search matches exact
        // codes only, and :below is not supported by most servers), and a contraindication or a
        // course-ending resection left out would be a confident answer on missing data. The
        // reader skips and counts what it does not read.
        {"conditions", "Condition?patient={{context.patientId}}" + page},
        {"procedures", "Procedure?patient={{context.patientId}}" + page},
        // Medications: every statement, order and administration, with the Medication each one
        // names. The R4 `code` search parameter of these resources matches only
        // medicationCodeableConcept (clinical-code: "(MedicationRequest.medication as
        // CodeableConcept)"), never the code of a referenced Medication: a code filter would
        // leave out every therapy coded through a Medication, silently.
        {"medications",
         "MedicationStatement?patient={{context.patientId}}&_include=MedicationStatement:medication" + page},
        {"medicationRequests",
         "MedicationRequest?patient={{context.patientId}}&_include=MedicationRequest:medication" + page},
        {"medicationAdministrations",
         "MedicationAdministration?patient={{context.patientId}}&_include=MedicationAdministration:medication" + page},
    };
  }();
  return kTemplates;
}

std::string prefetch_templates_json() {
  JsonWriter w;
  w.begin_object().key("prefetch").begin_object();
  for (const auto& t : prefetch_templates()) w.field(t.key, t.query);
  w.end_object().end_object();
  return w.take() + "\n";
}

CdsService::CdsService(CdsServiceOptions options, AuditLog* audit, HttpGet http_get)
    : options_(std::move(options)), audit_(audit), http_get_(std::move(http_get)) {}

bool CdsService::known_service(std::string_view id) { return find_service(id) != nullptr; }

CdsResult CdsService::discovery() const {
  JsonWriter w;
  w.begin_object().key("services").begin_array();
  for (const auto& s : kServices) {
    w.begin_object();
    w.field("hook", s.hook).field("title", s.title).field("description", s.description).field("id", s.id);
    w.key("prefetch").begin_object();
    for (const auto& t : prefetch_templates()) w.field(t.key, t.query);
    w.end_object();
    w.end_object();
  }
  w.end_array().end_object();
  return {{200, "application/json", w.take() + "\n"}, ""};
}

CdsResult CdsService::call(std::string_view service_id, std::string_view body, const std::string& issuer,
                           std::int64_t now_unix) {
  const ServiceInfo* svc = find_service(service_id);
  if (!svc) return fail(404, "no such CDS service", "not_found");
  return CdsCall(*svc, body, issuer, audit_, options_, http_get_).run(now_unix);
}

CdsResult CdsService::feedback(std::string_view service_id, std::string_view body, const std::string& issuer) {
  const ServiceInfo* svc = find_service(service_id);
  if (!svc) return fail(404, "no such CDS service", "not_found");
  simdjson::dom::parser parser;
  element root;
  if (parser.parse(body.data(), body.size(), true).get(root) != simdjson::SUCCESS || !root.is_object())
    return fail(400, "the request body is not a JSON object", "malformed_json");
  if (const auto twice = duplicate_member(root)) return fail(400, *twice, "malformed_json");
  array list;
  if (root.at_key("feedback").get_array().get(list) != simdjson::SUCCESS || list.size() == 0 || list.size() > 1000)
    return fail(400, "feedback must be a non-empty array", "bad_request");
  std::vector<AuditFeedback> rows;
  for (element f : list) {
    AuditFeedback row;
    row.service = svc->id;
    row.issuer = issuer;
    const auto card = cds::string_member(f, "card"), outcome = cds::string_member(f, "outcome"),
               when = cds::string_member(f, "outcomeTimestamp");
    if (!card || !crypto::is_uuid(*card)) return fail(400, "feedback card must be a card uuid", "bad_request");
    if (!outcome || (*outcome != "accepted" && *outcome != "overridden"))
      return fail(400, "feedback outcome must be accepted or overridden", "bad_request");
    if (!when || when->empty() || when->size() > 64)
      return fail(400, "feedback outcomeTimestamp is required", "bad_request");
    row.card_uuid = std::string(*card);
    row.outcome = std::string(*outcome);
    row.outcome_timestamp = std::string(*when);
    array accepted;
    if (f.at_key("acceptedSuggestions").get_array().get(accepted) == simdjson::SUCCESS) {
      for (element a : accepted) {
        const auto id = cds::string_member(a, "id");
        if (!id || !crypto::is_uuid(*id))
          return fail(400, "acceptedSuggestions must be [{\"id\": suggestion uuid}]", "bad_request");
      }
      row.accepted_suggestions_json = simdjson::minify(accepted);
    } else if (*outcome == "accepted") {
      return fail(400, "an accepted outcome needs acceptedSuggestions", "bad_request");
    }
    element reason;
    if (f.at_key("overrideReason").get(reason) == simdjson::SUCCESS) {
      if (!reason.is_object()) return fail(400, "overrideReason must be an object", "bad_request");
      element coding;
      if (reason.at_key("reason").get(coding) == simdjson::SUCCESS) {
        row.override_system = std::string(cds::string_member(coding, "system").value_or(""));
        row.override_code = std::string(cds::string_member(coding, "code").value_or(""));
        row.override_display = std::string(cds::string_member(coding, "display").value_or(""));
      }
      row.user_comment = std::string(cds::string_member(reason, "userComment").value_or("")).substr(0, 4000);
    }
    rows.push_back(std::move(row));
  }
  if (audit_ && !audit_->record_feedback(rows))
    return fail(503, "the audit log could not be written; try again", "audit_failed");
  JsonWriter w;
  w.begin_object().field("received", static_cast<int>(rows.size())).end_object();
  return {{200, "application/json", w.take() + "\n"}, ""};
}

CdsResult CdsService::report(std::string_view token, std::int64_t now_unix) {
  bool ok = token.size() == 32;
  for (char c : token) ok = ok && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  if (!ok || !audit_) return fail(404, "no such report", "not_found");
  const auto stored = audit_->find_report(std::string(token));
  if (!stored) return fail(404, "no such report", "not_found");
  if (now_unix - stored->time_unix > options_.report_ttl_s)
    return fail(410, "this report link has expired: open the patient's chart again for a new one", "report_expired");
  if (stored->engine_version != kEngineVersion || stored->knowledge_version != kKnowledgeVersion)
    return fail(410, "this report was evaluated by another engine or knowledge version: open the chart again",
                "report_expired");
  const ReadResult rr = read_fhir_bundle(stored->bundle);
  const auto as_of = Date::parse(stored->as_of);
  if (!rr.ok() || !as_of) return fail(500, "the stored record could not be read", "internal");
  const Decision d = evaluate(*rr.record, *as_of);
  return {{200, "text/html; charset=utf-8",
           decision_to_html(d, rr.record->as_of(*as_of), InputSummary{rr.format, rr.skipped, rr.not_read})},
          ""};
}

}  // namespace switchpoint
