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

std::optional<std::string_view> str(element e, std::string_view key) {
  std::string_view s;
  if (e.at_key(key).get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
  return s;
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
        str(r, "resourceType") != std::optional<std::string_view>("ServiceRequest"))
      continue;
    array codings;
    if (r.at_key("code").at_key("coding").get_array().get(codings) != simdjson::SUCCESS) continue;
    bool tace = false;
    for (element c : codings) {
      const auto system = str(c, "system"), code = str(c, "code");
      tace = tace ||
             (system == std::optional<std::string_view>("urn:switchpoint:hcc") &&
              code == std::optional<std::string_view>("tace")) ||
             (system == std::optional<std::string_view>("http://snomed.info/sct") &&
              code == std::optional<std::string_view>("441525007"));
    }
    if (!tace) continue;
    if (!t.present) {
      t.present = true;
      if (const auto id = str(r, "id"); id && fhir_id(*id)) t.ref = fmt::format("ServiceRequest/{}", *id);
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
      if (str(l, "relation") == std::optional<std::string_view>("next"))
        if (const auto u = str(l, "url")) next = std::string(*u);
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
      if (str(*e, "resourceType") != std::optional<std::string_view>("Bundle")) {
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
  AuditEvaluation audit;
  audit.service = svc->id;
  audit.input_sha256 = crypto::sha256_hex(body);
  audit.issuer = issuer;
  // Every answer, refusals included, is in the audit log before it is sent.
  auto answer = [&](CdsResult r, std::string outcome) -> CdsResult {
    audit.status = r.http.status;
    audit.outcome = std::move(outcome);
    if (r.http.status == 200) audit.cards_json = r.http.body;
    if (audit_ && !audit_->record(audit))
      return fail(503, "the audit log could not be written; try again", "audit_failed");
    return r;
  };

  const simdjson::padded_string padded(body);
  simdjson::dom::parser parser;
  element root;
  if (parser.parse(padded).get(root) != simdjson::SUCCESS || !root.is_object())
    return answer(fail(400, "the request body is not a JSON object", "malformed_json"), "bad-request");
  if (const auto twice = duplicate_member(root)) return answer(fail(400, *twice, "malformed_json"), "bad-request");
  const auto hook = str(root, "hook");
  const auto hook_instance = str(root, "hookInstance");
  if (hook_instance && crypto::is_uuid(*hook_instance)) audit.hook_instance = std::string(*hook_instance);
  if (!hook || *hook != svc->hook)
    return answer(fail(400, fmt::format("this service answers the hook {}", svc->hook), "bad_request"), "bad-request");
  if (!hook_instance || !crypto::is_uuid(*hook_instance))
    return answer(fail(400, "hookInstance must be a UUID", "bad_request"), "bad-request");
  element context;
  if (root.at_key("context").get(context) != simdjson::SUCCESS || !context.is_object())
    return answer(fail(400, "context must be an object", "bad_request"), "bad-request");
  const auto patient_id = str(context, "patientId");
  if (!patient_id || !fhir_id(*patient_id))
    return answer(fail(400, "context.patientId must be a FHIR id", "bad_request"), "bad-request");

  TaceOrder order;
  if (svc->id == std::string_view(kTaceOrderService)) {
    element draft;
    if (context.at_key("draftOrders").get(draft) != simdjson::SUCCESS ||
        str(draft, "resourceType") != std::optional<std::string_view>("Bundle"))
      return answer(fail(400, "context.draftOrders must be a FHIR Bundle", "bad_request"), "bad-request");
    order = find_tace_order(draft);
    if (!order.present) return answer({{200, "application/json", cards_to_json({})}, ""}, "no-tace-order");
  }

  // Prefetch: every template key present (a null value means "no data"), or fetched.
  std::vector<PrefetchSource> sources;
  std::vector<const PrefetchTemplate*> missing;
  element prefetch;
  const bool has_prefetch = root.at_key("prefetch").get(prefetch) == simdjson::SUCCESS;
  if (has_prefetch && !prefetch.is_object())
    return answer(fail(400, "prefetch must be an object", "bad_request"), "bad-request");
  for (const auto& t : prefetch_templates()) {
    element v;
    if (!has_prefetch || prefetch.at_key(t.key).get(v) != simdjson::SUCCESS) {
      missing.push_back(&t);
      continue;
    }
    if (v.is_null()) continue;
    if (!v.is_object())
      return answer(fail(400, fmt::format("prefetch {} must be a FHIR resource or null", t.key), "bad_request"),
                    "bad-request");
    // An OperationOutcome in place of the data: the EHR could not prefetch it (CDS Hooks 2.0,
    // "Prefetch"). Fetched like a missing key — never read as "no data", which would be a
    // confident answer on missing inputs.
    if (str(v, "resourceType") == std::optional<std::string_view>("OperationOutcome")) {
      missing.push_back(&t);
      continue;
    }
    sources.push_back({t.key, v, {}, padded.data() + padded.size()});
  }
  // The exact text of each prefetch value, for the merge.
  if (!sources.empty()) {
    simdjson::ondemand::parser od;
    simdjson::ondemand::document doc;
    simdjson::ondemand::object pre;
    if (od.iterate(padded).get(doc) == simdjson::SUCCESS &&
        doc.find_field_unordered("prefetch").get_object().get(pre) == simdjson::SUCCESS)
      for (auto field : pre) {
        std::string_view key;
        simdjson::ondemand::value value;
        simdjson::ondemand::json_type type;
        if (field.unescaped_key().get(key) != simdjson::SUCCESS || field.value().get(value) != simdjson::SUCCESS ||
            value.type().get(type) != simdjson::SUCCESS)
          break;
        if (type != simdjson::ondemand::json_type::object) continue;
        simdjson::ondemand::object obj;
        std::string_view raw;
        if (value.get_object().get(obj) != simdjson::SUCCESS || obj.raw_json().get(raw) != simdjson::SUCCESS) break;
        for (auto& src : sources)
          if (src.key == key && src.raw.empty()) src.raw = raw;
      }
    for (const auto& src : sources)
      if (src.raw.empty()) return answer(fail(400, "the prefetch could not be read", "malformed_json"), "bad-request");
  }
  // A prefetched searchset that is one page of several (link "next"): the other pages are fetched
  // like a missing key, never left out (that would be a decision on part of the data).
  std::vector<std::pair<std::string, std::string>> continuations;  // key, next page
  for (const auto& src : sources)
    if (str(src.value, "resourceType") == std::optional<std::string_view>("Bundle"))
      if (auto next = next_link(src.value)) continuations.emplace_back(src.key, std::move(*next));
  std::optional<Fetcher> fetcher;
  if (!missing.empty() || !continuations.empty()) {
    const auto server = str(root, "fhirServer");
    element auth;
    const bool has_auth = root.at_key("fhirAuthorization").get(auth) == simdjson::SUCCESS;
    const auto token = has_auth ? str(auth, "access_token") : std::nullopt;
    const auto token_type = has_auth ? str(auth, "token_type") : std::nullopt;
    if (!server || !token || token->empty() || (token_type && *token_type != "Bearer" && *token_type != "bearer")) {
      if (missing.empty())
        return answer(
            fail(412,
                 fmt::format("prefetch {} is the first page of several (it links a next page) and there is no "
                             "fhirServer with fhirAuthorization to fetch the rest; a decision on part of the "
                             "data is not given",
                             continuations.front().first),
                 "precondition_failed"),
            "precondition-failed");
      return answer(fail(412, "prefetch incomplete and no fhirServer with fhirAuthorization to fetch the rest",
                         "precondition_failed"),
                    "precondition-failed");
    }
    std::string base(*server);
    while (!base.empty() && base.back() == '/') base.pop_back();
    if (!fetch_url_allowed(base))
      return answer(fail(412, "fhirServer must be https (or http on a loopback address)", "precondition_failed"),
                    "precondition-failed");
    fetcher.emplace(Fetcher{http_get_,
                            base,
                            "Bearer " + std::string(*token),
                            std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.fhir_timeout_ms),
                            {},
                            {},
                            {}});
    bool ok = true;
    for (const auto* t : missing) ok = ok && fetcher->run(*t, *patient_id, sources);
    for (const auto& [key, next] : continuations)
      ok = ok && fetcher->same_server(next) && fetcher->follow(key, next, false, sources);
    if (!ok) {
      // The reason (never patient data: a status, a limit, a transport error) helps the EHR's team.
      std::string_view why = fetcher->error;
      if (why.rfind("FHIR server: ", 0) == 0) why.remove_prefix(13);
      return answer(
          fail(412, fmt::format("the FHIR data could not be obtained from fhirServer ({})", why), "fhir_fetch_failed"),
          "precondition-failed");
    }
  }

  const cds::MergedPrefetch merged = cds::merge_prefetch(sources, *patient_id);
  if (merged.other_patient)
    return answer(fail(400, "the prefetched data include another patient than context.patientId", "patient_mismatch"),
                  "bad-request");
  CardContext ctx;
  ctx.service = svc->id;
  ctx.hook_instance = std::string(*hook_instance);
  ctx.patient_id = std::string(*patient_id);
  ctx.smart_url = options_.smart_launch_url;
  const bool tace_order = svc->id == std::string_view(kTaceOrderService);
  auto no_data = [&]() -> CdsResult {
    if (!tace_order) return answer({{200, "application/json", cards_to_json({})}, ""}, "no-cards");
    // A TACE is being ordered, yet nothing dated is known: say so rather than stay silent.
    const Card c =
        record_problems_card({"no dated TACE, imaging, laboratory or therapy data for this patient: the checkpoint "
                              "before this TACE cannot be judged"},
                             ctx);
    audit.cards.push_back({c.uuid, c.kind, c.indicator, c.summary});
    return answer({{200, "application/json", cards_to_json({c})}, ""}, "no-data");
  };
  if (merged.labels.empty()) return no_data();
  // Read from the parsed prefetch and pages (the spliced Bundle is for the audit and the report).
  const ReadResult rr = cds::read_merged(merged);
  if (!rr.ok()) {
    std::vector<std::string> problems;
    for (const auto& p : rr.problems)
      problems.push_back(fmt::format("{}: {}", cds::locate(p.location, merged.labels), p.message));
    const Card c = record_problems_card(problems, ctx);
    audit.cards.push_back({c.uuid, c.kind, c.indicator, c.summary});
    return answer({{200, "application/json", cards_to_json({c})}, ""}, "invalid-record");
  }
  const PatientRecord& record = *rr.record;
  const std::optional<Date> as_of = default_as_of(record);
  if (!as_of) return no_data();
  if (!tace_order && !hcc_context(record, rr.skipped))
    return answer({{200, "application/json", cards_to_json({})}, ""}, "no-cards");

  audit.as_of = as_of->iso();
  audit.record_sha256 = crypto::sha256_hex(merged.bundle);
  audit.record_bundle = merged.bundle;
  audit.report_token =
      crypto::hex(crypto::hmac_sha256(options_.report_secret,
                                      fmt::format("{}|{}|{}", svc->id, *hook_instance, audit.input_sha256)))
          .substr(0, 32);
  if (!options_.public_base_url.empty()) ctx.report_url = options_.public_base_url + "/report/" + audit.report_token;

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
  std::vector<Card> cards;
  if (tace_order) cards.push_back(tace_order_card(d, ctx, order.ref));
  else cards = patient_view_cards(d, ctx);
  for (const auto& c : cards) audit.cards.push_back({c.uuid, c.kind, c.indicator, c.summary});
  return answer({{200, "application/json", cards_to_json(cards)}, ""}, "cards");
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
    const auto card = str(f, "card"), outcome = str(f, "outcome"), when = str(f, "outcomeTimestamp");
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
        const auto id = str(a, "id");
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
        row.override_system = std::string(str(coding, "system").value_or(""));
        row.override_code = std::string(str(coding, "code").value_or(""));
        row.override_display = std::string(str(coding, "display").value_or(""));
      }
      row.user_comment = std::string(str(reason, "userComment").value_or("")).substr(0, 4000);
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
