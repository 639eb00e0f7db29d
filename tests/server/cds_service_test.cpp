// The CDS Hooks services in-process: discovery, cards of patient-view and order-sign, prefetch
// merged into one Bundle (the same decision as reading the Bundle itself), fetching what the
// prefetch lacks from the EHR's FHIR server, 412, refusals, the audit log, feedback, reports.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "cds_test_support.h"
#include "core/engine.h"
#include "presenters/html_report.h"
#include "readers/fhir_codes.h"
#include "readers/fhir_r4.h"
#include "readers/fhir_resources.h"
#include "readers/terminology_imaging.h"
#include "readers/terminology_obs.h"
#include "server/cds_cards.h"
#include "server/cds_service.h"

namespace switchpoint {
namespace {

using namespace switchpoint::testing;
using simdjson::dom::element;

constexpr const char* kBase = "https://cds.example.org";
const std::string kNotice = "Decision support for clinicians, not a substitute for clinical judgement.";

// CDS Hooks 2.0: "JSON elements SHALL NOT be null or empty" — walks everything but the top-level
// cards array (which may be empty: no guidance).
void expect_no_null_or_empty(element e, const std::string& where) {
  switch (e.type()) {
    case simdjson::dom::element_type::NULL_VALUE:
      ADD_FAILURE() << "null at " << where;
      break;
    case simdjson::dom::element_type::STRING:
      if (e.get_string().value().empty()) ADD_FAILURE() << "empty string at " << where;
      break;
    case simdjson::dom::element_type::ARRAY: {
      auto a = e.get_array().value();
      if (a.size() == 0) ADD_FAILURE() << "empty array at " << where;
      std::size_t i = 0;
      for (element x : a) expect_no_null_or_empty(x, where + "/" + std::to_string(i++));
      break;
    }
    case simdjson::dom::element_type::OBJECT: {
      auto o = e.get_object().value();
      if (o.size() == 0) ADD_FAILURE() << "empty object at " << where;
      for (auto f : o) expect_no_null_or_empty(f.value, where + "/" + std::string(f.key));
      break;
    }
    default:
      break;
  }
}

struct Cards {
  simdjson::dom::parser parser;
  element root;
  std::vector<element> list;
  explicit Cards(const std::string& body) {
    root = parser.parse(body);
    for (element c : root["cards"].get_array()) list.push_back(c);
    for (std::size_t i = 0; i < list.size(); ++i) expect_no_null_or_empty(list[i], "/cards/" + std::to_string(i));
  }
  std::string s(std::size_t i, const char* pointer) const {
    return std::string(list.at(i).at_pointer(pointer).get_string().value());
  }
};

// The checks every card must pass (the FHIRPath invariants run independently in tests/cds/).
void expect_valid_card(element c) {
  const std::string summary(c["summary"].get_string().value());
  EXPECT_LT(utf8_length(summary), 140u) << summary;
  const std::string indicator(c["indicator"].get_string().value());
  EXPECT_TRUE(indicator == "info" || indicator == "warning" || indicator == "critical") << indicator;
  EXPECT_TRUE(crypto::is_uuid(c["uuid"].get_string().value()));
  EXPECT_FALSE(c["source"]["label"].get_string().value().empty());
  EXPECT_EQ(c["source"]["topic"]["system"].get_string().value(), "urn:switchpoint:cds-topic");
  const std::string detail(c["detail"].get_string().value());
  EXPECT_NE(detail.find(kNotice.substr(0, 40)), std::string::npos) << "every card carries the decision-support notice";
  simdjson::dom::array suggestions;
  if (c["suggestions"].get_array().get(suggestions) == simdjson::SUCCESS) {
    EXPECT_TRUE(c["selectionBehavior"].get_string().value() == "any");
    for (element s : suggestions) {
      EXPECT_TRUE(crypto::is_uuid(s["uuid"].get_string().value()));
      for (element a : s["actions"].get_array()) EXPECT_FALSE(a["description"].get_string().value().empty());
    }
  }
  simdjson::dom::array links;
  if (c["links"].get_array().get(links) == simdjson::SUCCESS)
    for (element l : links) {
      const std::string_view type = l["type"].get_string().value();
      EXPECT_TRUE(type == "absolute" || type == "smart");
      EXPECT_EQ(l["url"].get_string().value().rfind("https://", 0), 0u);
    }
}

int count_rows(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  int n = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    n = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

// A fake FHIR server holding one Bundle's resources, answering the prefetch templates' queries;
// Observations come in two pages.
struct FakeFhir {
  std::string bundle;
  std::string base = "https://ehr.example.org/fhir";
  int status = 200;
  bool foreign_next = false;
  std::vector<std::string> urls;
  std::vector<std::string> auth_headers;

  FetchResult operator()(const std::string& url, const std::vector<std::string>& headers, const FetchLimits&) {
    urls.push_back(url);
    for (const auto& h : headers)
      if (h.rfind("Authorization:", 0) == 0) auth_headers.push_back(h);
    FetchResult r;
    r.ok = true;
    r.status = status;
    if (status != 200) return r;
    simdjson::dom::parser p;
    element root = p.parse(bundle);
    std::map<std::string, std::vector<std::string>> by_type;
    std::string patient;
    for (element e : root["entry"].get_array()) {
      element res = e["resource"];
      const std::string type(res["resourceType"].get_string().value());
      if (type == "Patient") patient = simdjson::minify(res);
      else by_type[type].push_back(simdjson::minify(res));
    }
    auto page = [&](const std::vector<std::string>& list, std::size_t from, std::size_t to, const std::string& next,
                    const std::vector<std::string>& includes = {}) {
      std::string s = R"({"resourceType":"Bundle","type":"searchset","entry":[)";
      for (std::size_t i = from; i < to && i < list.size(); ++i)
        s += (i > from ? "," : "") + std::string(R"({"resource":)") + list[i] + "}";
      for (std::size_t i = 0; i < includes.size(); ++i)
        s += (i > 0 || from < std::min(to, list.size()) ? "," : "") + std::string(R"({"resource":)") + includes[i] +
             R"(,"search":{"mode":"include"}})";
      s += "]";
      if (!next.empty()) s += fmt::format(R"(,"link":[{{"relation":"next","url":"{}"}}])", next);
      return s + "}";
    };
    const std::string rel = url.substr(base.size() + 1);
    if (rel.rfind("Patient/", 0) == 0) r.body = patient;
    else if (rel.rfind("Observation?", 0) == 0) {
      const auto& obs = by_type["Observation"];
      r.body = page(obs, 0, obs.size() / 2, (foreign_next ? "https://elsewhere.example.org/fhir" : base) + "/page2");
    } else if (rel == "page2") {
      const auto& obs = by_type["Observation"];
      r.body = page(obs, obs.size() / 2, obs.size(), "");
    } else {
      const std::string type = rel.substr(0, rel.find('?'));
      // _include=<type>:medication: the Medications with the matches (all of them, as a server
      // may; the reader reads those the matches name).
      const bool include = rel.find("&_include=" + type + ":medication") != std::string::npos;
      r.body = page(by_type[type], 0, 1000, "",
                    include && !by_type[type].empty() ? by_type["Medication"] : std::vector<std::string>{});
    }
    return r;
  }
};

class CdsServiceTest : public ::testing::Test {
 protected:
  TempDir dir;
  std::unique_ptr<AuditLog> audit;
  FakeFhir fhir;
  std::unique_ptr<CdsService> service;
  std::string db;

  void SetUp() override {
    db = dir.file("audit.sqlite");
    std::string why;
    audit = AuditLog::open(db, &why);
    ASSERT_TRUE(audit) << why;
    CdsServiceOptions o;
    o.public_base_url = kBase;
    o.smart_launch_url = std::string(kBase) + "/";
    o.report_secret = std::string(32, 'k');
    service = std::make_unique<CdsService>(
        o, audit.get(), [this](const std::string& u, const std::vector<std::string>& h, const FetchLimits& l) {
          return fhir(u, h, l);
        });
  }
  CdsResult call(const std::string& service_id, const std::string& body) {
    return service->call(service_id, body, "https://ehr.example.org");
  }
};

TEST_F(CdsServiceTest, Discovery) {
  const CdsResult r = service->discovery();
  ASSERT_EQ(r.http.status, 200);
  simdjson::dom::parser p;
  element root = p.parse(r.http.body);
  expect_no_null_or_empty(root, "");
  std::map<std::string, std::string> hooks;
  for (element s : root["services"].get_array()) {
    hooks[std::string(s["id"].get_string().value())] = std::string(s["hook"].get_string().value());
    EXPECT_FALSE(s["description"].get_string().value().empty());
    const std::string patient(s["prefetch"]["patient"].get_string().value());
    EXPECT_EQ(patient, "Patient/{{context.patientId}}");
    // INTERFACES.md: Observations, Conditions, Procedures and MedicationStatements (extended by
    // MedicationRequests and MedicationAdministrations, issue 14); docs/cds-hooks.md "Prefetch".
    EXPECT_EQ(std::string(s["prefetch"]["observations"].get_string().value())
                  .rfind("Observation?patient={{context.patientId}}&code=", 0),
              0u);
    EXPECT_EQ(std::string(s["prefetch"]["conditions"].get_string().value()),
              "Condition?patient={{context.patientId}}&_count=200");
    EXPECT_EQ(std::string(s["prefetch"]["procedures"].get_string().value()),
              "Procedure?patient={{context.patientId}}&_count=200");
    EXPECT_EQ(std::string(s["prefetch"]["medications"].get_string().value()),
              "MedicationStatement?patient={{context.patientId}}&_include=MedicationStatement:medication&_count=200");
    EXPECT_EQ(std::string(s["prefetch"]["medicationRequests"].get_string().value()),
              "MedicationRequest?patient={{context.patientId}}&_include=MedicationRequest:medication&_count=200");
    EXPECT_EQ(std::string(s["prefetch"]["medicationAdministrations"].get_string().value()),
              "MedicationAdministration?patient={{context.patientId}}&_include=MedicationAdministration:medication&_"
              "count=200");
    EXPECT_EQ(s["prefetch"].get_object().value().size(), 7u);
  }
  EXPECT_EQ(hooks["switchpoint-patient-view"], "patient-view");
  EXPECT_EQ(hooks["switchpoint-tace-order"], "order-sign");
}

// P-course-end: the Procedure prefetch asks for the course-ending procedures the FHIR reader reads
// (docs/fhir.md "procedures"), not only TACE; a resection the EHR never sends would leave imaging
// after it counted as TACE failure. It asks for every Procedure of the patient: the reader's TACE
// and course-ending codes (SNOMED CT, CPT combinations) are more than a code list can say, and what
// it does not read is skipped and counted. A fetch of it is answered with every procedure.
TEST_F(CdsServiceTest, DiscoveryProcedurePrefetchAsksForCourseEndingProcedures) {
  const CdsResult r = service->discovery();
  ASSERT_EQ(r.http.status, 200);
  simdjson::dom::parser p;
  element root = p.parse(r.http.body);
  for (element s : root["services"].get_array()) {
    const std::string q(s["prefetch"]["procedures"].get_string().value());
    EXPECT_EQ(q.find("code"), std::string::npos) << q;
    EXPECT_EQ(q.find("category"), std::string::npos) << q;
    EXPECT_EQ(q.find("_type"), std::string::npos) << q;
  }
}

TEST_F(CdsServiceTest, DiscoveryObservationPrefetchAsksForEveryObservationCodeTheReaderReads) {
  const CdsResult r = service->discovery();
  ASSERT_EQ(r.http.status, 200);
  simdjson::dom::parser p;
  element root = p.parse(r.http.body);
  for (element s : root["services"].get_array()) {
    const std::string q(s["prefetch"]["observations"].get_string().value());
    std::string codes = q.substr(q.find("&code=") + 6);
    codes = codes.substr(0, codes.find('&'));
    std::vector<std::string> list;
    for (std::size_t at = 0; at <= codes.size();) {
      const std::size_t comma = std::min(codes.find(',', at), codes.size());
      list.push_back(codes.substr(at, comma - at));
      at = comma + 1;
    }
    for (const auto& c : fhir::observation_codes()) {
      const std::string key = std::string(c.system) + "%7C" + std::string(c.code);
      EXPECT_NE(std::find(list.begin(), list.end(), key), list.end()) << key << " missing from " << q;
    }
    // A further LOINC code of albumin, the SNOMED CT ascites finding and Karnofsky are asked for;
    // an ICD-10-CM ascites diagnosis (a Condition code) is not.
    for (const char* c :
         {"http://loinc.org%7C61151-7", "http://snomed.info/sct%7C389026000", "http://loinc.org%7C89243-0"})
      EXPECT_NE(std::find(list.begin(), list.end(), c), list.end()) << c << " missing from " << q;
    EXPECT_EQ(std::find(list.begin(), list.end(), "http://hl7.org/fhir/sid/icd-10-cm%7CR18.8"), list.end()) << q;
  }
}

TEST_F(CdsServiceTest, PatientViewCardsForARefractoryPatient) {
  const std::string body = hook_request(fixture("jsh-1a-met.bundle.json"));
  const CdsResult r = call(kPatientViewService, body);
  ASSERT_EQ(r.http.status, 200) << r.http.body;
  Cards cards(r.http.body);
  ASSERT_EQ(cards.list.size(), 3u);
  for (element c : cards.list) expect_valid_card(c);
  EXPECT_EQ(cards.s(0, "/source/topic/code"), "tace-checkpoint");
  EXPECT_NE(cards.s(0, "/summary").find("switch to systemic therapy"), std::string::npos);
  EXPECT_EQ(cards.s(0, "/indicator"), "warning");
  EXPECT_EQ(cards.s(1, "/source/topic/code"), "tace-refractoriness");
  EXPECT_NE(cards.s(1, "/summary").find("TACE-refractory under 4 of 8"), std::string::npos);
  EXPECT_EQ(cards.s(2, "/source/topic/code"), "systemic-therapy-plan");
  // Bevacizumab needs an upper GI endoscopy within 6 months: the service offers to order one.
  EXPECT_EQ(cards.s(2, "/suggestions/0/actions/0/type"), "create");
  EXPECT_EQ(cards.s(2, "/suggestions/0/actions/0/resource/resourceType"), "ServiceRequest");
  EXPECT_EQ(cards.s(2, "/suggestions/0/actions/0/resource/code/coding/0/code"), "76009000");
  EXPECT_EQ(cards.s(2, "/suggestions/0/actions/0/resource/subject/reference"), "Patient/golden-jsh-1a-met");
  // Links: the report (absolute, on this service) and the web page (smart).
  const std::string report = cards.s(0, "/links/0/url");
  EXPECT_EQ(report.rfind(std::string(kBase) + "/report/", 0), 0u);
  EXPECT_EQ(cards.s(0, "/links/0/type"), "absolute");
  EXPECT_EQ(cards.s(0, "/links/1/type"), "smart");
  // The same request again: byte-identical (uuids derive from the hookInstance, not a random source).
  EXPECT_EQ(call(kPatientViewService, body).http.body, r.http.body);
  // Another hookInstance: other uuids.
  const CdsResult other = call(kPatientViewService, hook_request(fixture("jsh-1a-met.bundle.json")));
  EXPECT_NE(Cards(other.http.body).s(0, "/uuid"), cards.s(0, "/uuid"));
}

TEST_F(CdsServiceTest, PrefetchGivesTheSameDecisionAsTheBundleItself) {
  for (const char* name : {"jsh-1a-met.bundle.json", "nr-responding.bundle.json", "untreated-child-pugh-c.bundle.json",
                           "therapy-alert6-regorafenib-after-intolerance.bundle.json"}) {
    const CdsResult r = call(kPatientViewService, hook_request(fixture(name)));
    ASSERT_EQ(r.http.status, 200) << name << r.http.body;
    Cards cards(r.http.body);
    ASSERT_GE(cards.list.size(), 3u) << name;
    const std::string token = cards.s(0, "/links/0/url").substr(std::string(kBase).size() + 8);
    const CdsResult html = service->report(token, unix_now());
    ASSERT_EQ(html.http.status, 200) << name;
    const ReadResult direct = read_fhir_bundle(fixture(name));
    ASSERT_TRUE(direct.ok());
    const Date as_of = *default_as_of(*direct.record);
    const Decision d = evaluate(*direct.record, as_of);
    EXPECT_EQ(html.http.body, decision_to_html(d, direct.record->as_of(as_of),
                                               InputSummary{direct.format, direct.skipped, direct.not_read}))
        << name;
    EXPECT_EQ(cards.list.size(), 3u + d.alerts.size()) << name;
  }
}

TEST_F(CdsServiceTest, TaceOrderStopAndThink) {
  struct Case {
    const char* fixture;
    const char* indicator;
    bool cancel;
  };
  for (const Case& k :
       {Case{"jsh-1a-met.bundle.json", "critical", true}, Case{"untreated-child-pugh-c.bundle.json", "critical", true},
        Case{"nr-responding.bundle.json", "info", false}}) {
    HookRequestOptions o;
    o.hook = "order-sign";
    const CdsResult r = call(kTaceOrderService, hook_request(fixture(k.fixture), o));
    ASSERT_EQ(r.http.status, 200) << r.http.body;
    Cards cards(r.http.body);
    ASSERT_EQ(cards.list.size(), 1u) << k.fixture;
    expect_valid_card(cards.list[0]);
    EXPECT_EQ(cards.s(0, "/indicator"), k.indicator) << k.fixture;
    EXPECT_EQ(cards.s(0, "/source/topic/code"), "tace-order-checkpoint");
    const bool has_cancel =
        cards.list[0].at_pointer("/suggestions/0/actions/0/resourceId").error() == simdjson::SUCCESS;
    EXPECT_EQ(has_cancel, k.cancel) << k.fixture;
    if (has_cancel) {
      EXPECT_EQ(cards.s(0, "/suggestions/0/actions/0/type"), "delete");
      EXPECT_EQ(cards.s(0, "/suggestions/0/actions/0/resourceId"), "ServiceRequest/draft-1");
    }
    EXPECT_EQ(cards.s(0, "/overrideReasons/0/system"), "urn:switchpoint:cds-override-reason");
  }
  // No TACE among the draft orders: no card, and nothing fetched.
  HookRequestOptions o;
  o.hook = "order-sign";
  o.tace_order = false;
  o.omit = "*";
  const CdsResult none = call(kTaceOrderService, hook_request(fixture("jsh-1a-met.bundle.json"), o));
  EXPECT_EQ(none.http.status, 200);
  EXPECT_EQ(none.http.body, "{\"cards\":[]}\n");
}

TEST_F(CdsServiceTest, MissingPrefetchIs412WithoutAFhirServer) {
  for (const char* omit : {"*", "observations", "patient"}) {
    HookRequestOptions o;
    o.omit = omit;
    const CdsResult r = call(kPatientViewService, hook_request(fixture("jsh-1a-met.bundle.json"), o));
    EXPECT_EQ(r.http.status, 412) << omit;
    EXPECT_EQ(r.error_kind, "precondition_failed");
  }
  EXPECT_TRUE(fhir.urls.empty());
  // A null prefetch value means "no data": that is not missing.
  std::string body = hook_request(fixture("jsh-1a-met.bundle.json"));
  ASSERT_NE(body.find("\"medications\":null"), std::string::npos);
  EXPECT_EQ(call(kPatientViewService, body).http.status, 200);
}

TEST_F(CdsServiceTest, FetchesWhatThePrefetchLacksFromTheFhirServer) {
  fhir.bundle = fixture("jsh-1a-met.bundle.json");
  const std::string id = new_uuid();
  HookRequestOptions full;
  full.hook_instance = id;
  const CdsResult expected = call(kPatientViewService, hook_request(fhir.bundle, full));
  HookRequestOptions o;
  o.omit = "*";
  o.hook_instance = id;
  o.fhir_server = fhir.base;
  const CdsResult fetched = call(kPatientViewService, hook_request(fhir.bundle, o));
  ASSERT_EQ(fetched.http.status, 200) << fetched.http.body;
  Cards a(expected.http.body), b(fetched.http.body);
  ASSERT_EQ(a.list.size(), b.list.size());
  for (std::size_t i = 0; i < a.list.size(); ++i) {
    EXPECT_EQ(a.s(i, "/summary"), b.s(i, "/summary"));
    EXPECT_EQ(a.s(i, "/detail"), b.s(i, "/detail"));
    EXPECT_EQ(a.s(i, "/uuid"), b.s(i, "/uuid"));
  }
  // Seven templates, the Observations in two pages; the token sent with each.
  EXPECT_EQ(fhir.urls.size(), 8u);
  EXPECT_EQ(fhir.urls[0], fhir.base + "/Patient/golden-jsh-1a-met");
  EXPECT_NE(fhir.urls[1].find("Observation?patient=golden-jsh-1a-met&code=http://loinc.org%7C1975-2"),
            std::string::npos);
  for (const auto& h : fhir.auth_headers) EXPECT_EQ(h, "Authorization: Bearer test-access-token");

  // A next page on another server, or an error: 412, never a decision on part of the data.
  fhir.urls.clear();
  fhir.foreign_next = true;
  EXPECT_EQ(call(kPatientViewService, hook_request(fhir.bundle, o)).http.status, 412);
  fhir.foreign_next = false;
  fhir.status = 500;
  const CdsResult failed = call(kPatientViewService, hook_request(fhir.bundle, o));
  EXPECT_EQ(failed.http.status, 412);
  EXPECT_EQ(failed.error_kind, "fhir_fetch_failed");
  // Plain http off loopback is not used.
  fhir.status = 200;
  fhir.urls.clear();
  o.fhir_server = "http://ehr.example.org/fhir";
  EXPECT_EQ(call(kPatientViewService, hook_request(fhir.bundle, o)).http.status, 412);
  EXPECT_TRUE(fhir.urls.empty());
}

// ---- Prefetch templates generated from the reader's code tables (issue 14) --------------------

// The codes of the Observation template, decoded ("http://loinc.org|1975-2").
std::vector<std::string> observation_template_codes() {
  const std::string q = [] {
    for (const auto& t : prefetch_templates())
      if (t.key == "observations") return t.query;
    return std::string();
  }();
  const std::size_t from = q.find("&code=") + 6;
  const std::string list = q.substr(from, q.find('&', from) - from);
  std::vector<std::string> out;
  for (std::size_t at = 0; at <= list.size();) {
    const std::size_t comma = std::min(list.find(',', at), list.size());
    std::string c = list.substr(at, comma - at), decoded;
    for (std::size_t i = 0; i < c.size(); ++i) {
      if (c[i] == '%' && i + 2 < c.size()) {
        decoded += static_cast<char>(std::stoi(c.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        decoded += c[i];
      }
    }
    out.push_back(decoded);
    at = comma + 1;
  }
  return out;
}

// Every Observation code of the reader's tables is asked for: the labs, ECOG and the project codes
// (fhir_codes.h), the ascites and encephalopathy findings an Observation may carry and Karnofsky
// (terminology_obs.h), and the codes recognised but not read (so the cards can name them).
TEST(CdsPrefetchTemplates, TheObservationTemplateAsksForEveryObservationCodeOfTheReader) {
  const auto asked = observation_template_codes();
  auto has = [&](std::string_view system, std::string_view code) {
    return std::find(asked.begin(), asked.end(), std::string(system) + "|" + std::string(code)) != asked.end();
  };
  std::size_t expected = 0;
  for (const auto& c : fhir::observation_codes()) {
    EXPECT_TRUE(has(c.system, c.code)) << c.system << "|" << c.code;
    ++expected;
  }
  for (const auto& c : fhir::terms::liver_finding_codes())
    if (!c.condition_only) {
      EXPECT_TRUE(has(c.system, c.code)) << c.system << "|" << c.code;
    }
  EXPECT_TRUE(has(fhir::kLoinc, fhir::terms::kKarnofskyLoinc));
  EXPECT_TRUE(has("http://loinc.org", "89247-1"));  // ECOG
  EXPECT_TRUE(has("http://loinc.org", "89243-0"));  // Karnofsky
  for (const auto& c : fhir::not_read_codes())
    if (c.resource.empty() || c.resource == "Observation") {
      EXPECT_TRUE(has(c.system, c.code)) << c.system << "|" << c.code;
    }
  // An ICD-10-CM diagnosis code is a Condition's, never asked of Observations.
  for (const auto& c : fhir::terms::liver_finding_codes())
    if (c.condition_only) {
      EXPECT_FALSE(has(c.system, c.code)) << c.system << "|" << c.code;
    }
  // No repeats.
  auto sorted = asked;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end());
  EXPECT_GE(asked.size(), expected + 3);
}

// The other way round: the reader reads (or recognises and names) every code asked for; a code
// asked for and then skipped as unknown would be data taken from the EHR for nothing.
TEST(CdsPrefetchTemplates, EveryObservationCodeAskedForIsReadOrNamed) {
  for (const auto& sc : observation_template_codes()) {
    const std::string system = sc.substr(0, sc.find('|')), code = sc.substr(sc.find('|') + 1);
    const std::string json = R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":")" +
                             system + R"(","code":")" + code + R"("}]},"subject":{"reference":"Patient/p1"}})";
    simdjson::dom::parser p;
    simdjson::dom::object o = p.parse(json).get_object();
    const auto skipped = fhir_skipped_on_code(o, "Observation");
    EXPECT_TRUE(!skipped || fhir::find_not_read("Observation", system, code) != nullptr ||
                fhir::terms::find_imaging_code(system, code) != nullptr)
        << sc << ": " << *skipped;
  }
}

// An EHR may refuse a long query string (IIS: 2048 bytes of query by default; many proxies 4 or
// 8 KiB for the request line). Every template, filled with the longest FHIR id (64), fits 2048
// bytes of query; docs/cds-hooks.md "Prefetch" gives the measured lengths.
TEST(CdsPrefetchTemplates, EveryTemplateFitsAConservativeQueryLengthLimit) {
  const std::string id(64, 'a');
  for (const auto& t : prefetch_templates()) {
    std::string q = t.query;
    const std::string token = "{{context.patientId}}";
    for (auto at = q.find(token); at != std::string::npos; at = q.find(token)) q.replace(at, token.size(), id);
    const auto query = q.find('?') == std::string::npos ? std::string() : q.substr(q.find('?') + 1);
    EXPECT_LE(query.size(), 2048u) << t.key << ": " << query.size() << " bytes";
    std::printf("[ measured ] prefetch %s: %zu bytes of query, %zu in all\n", t.key.c_str(), query.size(), q.size());
  }
}

// A sorafenib order coded through a referenced Medication (the R4 `code` search would not find it):
// sent in the medicationRequests prefetch with the Medication _include'd, it is read, and the
// decision is that of the Bundle itself; omitted, it is fetched with its Medication.
TEST_F(CdsServiceTest, AMedicationRequestPrefetchWithItsMedicationIsRead) {
  std::string bundle = fixture("jsh-1a-met.bundle.json");
  const auto end = bundle.rfind(']');
  ASSERT_NE(end, std::string::npos);
  bundle.insert(
      end,
      R"(,{"resource":{"resourceType":"MedicationRequest","id":"sor-1","status":"active","intent":"order",)"
      R"("subject":{"reference":"Patient/golden-jsh-1a-met"},"medicationReference":{"reference":"Medication/sor"},)"
      R"("authoredOn":"2024-04-20"}},)"
      R"({"resource":{"resourceType":"Medication","id":"sor","code":{"coding":[{"system":"http://www.whocc.no/atc","code":"L01EX02"}]}}})");
  const ReadResult direct = read_fhir_bundle(bundle);
  ASSERT_TRUE(direct.ok());
  ASSERT_EQ(direct.record->systemic.size(), 1u);
  ASSERT_EQ(direct.record->systemic[0].regimen, "sorafenib");
  const Date as_of = *default_as_of(*direct.record);
  const std::string expected = decision_to_html(evaluate(*direct.record, as_of), direct.record->as_of(as_of),
                                                InputSummary{direct.format, direct.skipped});

  const std::string id = new_uuid();
  HookRequestOptions o;
  o.hook_instance = id;
  const std::string body = hook_request(bundle, o);
  ASSERT_NE(body.find(R"("medicationRequests":{"resourceType":"Bundle")"), std::string::npos);
  ASSERT_NE(body.find(R"("mode":"include")"), std::string::npos);
  const CdsResult r = call(kPatientViewService, body);
  ASSERT_EQ(r.http.status, 200) << r.http.body;
  Cards cards(r.http.body);
  const std::string token = cards.s(0, "/links/0/url").substr(std::string(kBase).size() + 8);
  EXPECT_EQ(service->report(token, unix_now()).http.body, expected);
  EXPECT_TRUE(fhir.urls.empty());

  // The key left out: fetched, with the referenced Medication included, for the same decision.
  fhir.bundle = bundle;
  HookRequestOptions fetch;
  fetch.hook_instance = new_uuid();
  fetch.omit = "medicationRequests";
  fetch.fhir_server = fhir.base;
  const CdsResult fetched = call(kPatientViewService, hook_request(bundle, fetch));
  ASSERT_EQ(fetched.http.status, 200) << fetched.http.body;
  ASSERT_EQ(fhir.urls.size(), 1u);
  EXPECT_EQ(
      fhir.urls[0],
      fhir.base + "/MedicationRequest?patient=golden-jsh-1a-met&_include=MedicationRequest:medication&_count=200");
  Cards b(fetched.http.body);
  const std::string token_b = b.s(0, "/links/0/url").substr(std::string(kBase).size() + 8);
  EXPECT_EQ(service->report(token_b, unix_now()).http.body, expected);
  // Left out with no FHIR server: 412, never a decision without the orders.
  HookRequestOptions refused;
  refused.omit = "medicationAdministrations";
  EXPECT_EQ(call(kPatientViewService, hook_request(bundle, refused)).http.status, 412);
}

// A prefetched searchset that is one page of several (it links a next page): the other pages are
// fetched from the FHIR server, or the answer is 412; never a decision on the first page alone.
TEST_F(CdsServiceTest, APrefetchedFirstPageIsCompletedOrRefused) {
  fhir.bundle = fixture("jsh-1a-met.bundle.json");
  // The prefetch holds the first half of the Observations (as the fake server's first page does)
  // and links the second half.
  simdjson::dom::parser p;
  element root = p.parse(fhir.bundle);
  std::vector<std::string> entries, obs;
  for (element e : root["entry"].get_array()) {
    const std::string text = simdjson::minify(e);
    if (e["resource"]["resourceType"].get_string().value() == "Observation") obs.push_back(text);
    else entries.push_back(text);
  }
  ASSERT_GE(obs.size(), 4u);
  for (std::size_t i = 0; i < obs.size() / 2; ++i) entries.push_back(obs[i]);
  std::string first_half = R"({"resourceType":"Bundle","type":"collection","entry":[)";
  for (std::size_t i = 0; i < entries.size(); ++i) first_half += (i ? "," : "") + entries[i];
  first_half += "]}";

  const std::string id = new_uuid();
  HookRequestOptions full;
  full.hook_instance = id;
  const CdsResult expected = call(kPatientViewService, hook_request(fhir.bundle, full));
  ASSERT_EQ(expected.http.status, 200);

  HookRequestOptions o;
  o.hook_instance = id;
  std::string body = hook_request(first_half, o);
  const std::string marker = R"("observations":{"resourceType":"Bundle","type":"searchset",)";
  const auto at = body.find(marker);
  ASSERT_NE(at, std::string::npos);
  body.insert(at + marker.size(), R"("link":[{"relation":"next","url":")" + fhir.base + R"(/page2"}],)");
  // No FHIR server to fetch the rest from: 412, naming the key.
  const CdsResult refused = call(kPatientViewService, body);
  EXPECT_EQ(refused.http.status, 412);
  EXPECT_NE(refused.http.body.find("prefetch observations is the first page of several"), std::string::npos)
      << refused.http.body;
  EXPECT_TRUE(fhir.urls.empty());

  // With one: the second page is fetched, and the decision is that of all the data.
  const std::string with_server =
      body.substr(0, body.size() - 1) + R"(,"fhirServer":")" + fhir.base +
      R"(","fhirAuthorization":{"access_token":"test-access-token","token_type":"Bearer","expires_in":300,"scope":"patient/*.read","subject":"switchpoint"}})";
  const CdsResult completed = call(kPatientViewService, with_server);
  ASSERT_EQ(completed.http.status, 200) << completed.http.body;
  ASSERT_EQ(fhir.urls.size(), 1u);
  EXPECT_EQ(fhir.urls[0], fhir.base + "/page2");
  Cards a(expected.http.body), b(completed.http.body);
  ASSERT_EQ(a.list.size(), b.list.size());
  for (std::size_t i = 0; i < a.list.size(); ++i) {
    EXPECT_EQ(a.s(i, "/summary"), b.s(i, "/summary"));
    EXPECT_EQ(a.s(i, "/detail"), b.s(i, "/detail"));
  }
  // A next page on another server: 412.
  fhir.urls.clear();
  std::string foreign = with_server;
  foreign.replace(foreign.find(fhir.base + "/page2"), fhir.base.size(), "https://elsewhere.example.org/fhir");
  EXPECT_EQ(call(kPatientViewService, foreign).http.status, 412);
  EXPECT_TRUE(fhir.urls.empty());
}

TEST_F(CdsServiceTest, RefusesMalformedAndMismatchedRequests) {
  EXPECT_EQ(call(kPatientViewService, "{\"hook\":").http.status, 400);
  EXPECT_EQ(call(kPatientViewService, "[]").http.status, 400);
  EXPECT_EQ(call("no-such-service", "{}").http.status, 404);
  const std::string good = hook_request(fixture("jsh-1a-met.bundle.json"));
  std::string wrong_hook = good;
  wrong_hook.replace(wrong_hook.find("patient-view"), 12, "order-select");
  EXPECT_EQ(call(kPatientViewService, wrong_hook).http.status, 400);
  HookRequestOptions o;
  o.hook_instance = "not-a-uuid";
  EXPECT_EQ(call(kPatientViewService, hook_request(fixture("jsh-1a-met.bundle.json"), o)).http.status, 400);
  // Prefetched data of another patient than the context's: refused, never evaluated.
  HookRequestOptions other;
  other.patient_id = "someone-else";
  const CdsResult r = call(kPatientViewService, hook_request(fixture("jsh-1a-met.bundle.json"), other));
  EXPECT_EQ(r.http.status, 400);
  EXPECT_EQ(r.error_kind, "patient_mismatch");
  other.patient_id = "bad id/../x";
  EXPECT_EQ(call(kPatientViewService, hook_request(fixture("jsh-1a-met.bundle.json"), other)).http.status, 400);
}

TEST_F(CdsServiceTest, UnreadableRecordGivesOneCardNamingTheResources) {
  std::string bundle = fixture("jsh-1a-met.bundle.json");
  // Albumin 42 g/dL: implausible (did you mean g/L?) — a problem, never a guess.
  const std::string albumin = "\"value\": 4.2, \"unit\": \"g/dL\"";
  const auto pos = bundle.find(albumin);
  ASSERT_NE(pos, std::string::npos);
  bundle.replace(pos, albumin.size(), "\"value\": 42, \"unit\": \"g/dL\"");
  const CdsResult r = call(kPatientViewService, hook_request(bundle));
  ASSERT_EQ(r.http.status, 200);
  Cards cards(r.http.body);
  ASSERT_EQ(cards.list.size(), 1u);
  expect_valid_card(cards.list[0]);
  EXPECT_EQ(cards.s(0, "/indicator"), "warning");
  EXPECT_NE(cards.s(0, "/detail").find("Observation/albumin-20240108 (observations)"), std::string::npos)
      << cards.s(0, "/detail");
}

TEST_F(CdsServiceTest, NoCardsForAPatientWithoutHccData) {
  const std::string bundle = R"({"resourceType":"Bundle","type":"collection","entry":[
    {"resource":{"resourceType":"Patient","id":"p1","birthDate":"1960-01-01"}},
    {"resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"1751-7"}]},
     "subject":{"reference":"Patient/p1"},"effectiveDateTime":"2024-01-01","valueQuantity":{"value":40,"unit":"g/L","system":"http://unitsofmeasure.org","code":"g/L"}}}]})";
  const CdsResult r = call(kPatientViewService, hook_request(bundle));
  EXPECT_EQ(r.http.status, 200);
  EXPECT_EQ(r.http.body, "{\"cards\":[]}\n");
}

TEST_F(CdsServiceTest, AuditLogFeedbackAndReportLinks) {
  const std::string body = hook_request(fixture("jsh-1a-met.bundle.json"));
  const CdsResult r = call(kPatientViewService, body);
  ASSERT_EQ(r.http.status, 200);
  Cards cards(r.http.body);
  EXPECT_EQ(
      count_rows(db, fmt::format("SELECT COUNT(*) FROM evaluations WHERE input_sha256 = '{}' AND status = 200 AND "
                                 "outcome = 'cards' AND engine_version <> '' AND knowledge_version <> '' AND "
                                 "issuer = 'https://ehr.example.org' AND cards_json IS NOT NULL",
                                 crypto::sha256_hex(body))),
      1);
  EXPECT_EQ(count_rows(db, "SELECT COUNT(*) FROM cards"), 3);
  EXPECT_EQ(count_rows(db, "SELECT COUNT(*) FROM records"), 1);
  // Refusals are audited too.
  call(kPatientViewService, "{\"hook\":");
  EXPECT_EQ(count_rows(db, "SELECT COUNT(*) FROM evaluations WHERE status = 400 AND outcome = 'bad-request'"), 1);

  const std::string card = cards.s(2, "/uuid"), suggestion = cards.s(2, "/suggestions/0/uuid");
  const CdsResult fb = service->feedback(kPatientViewService,
                                         fmt::format(R"({{"feedback":[
      {{"card":"{}","outcome":"accepted","acceptedSuggestions":[{{"id":"{}"}}],"outcomeTimestamp":"2024-04-12T10:00:00Z"}},
      {{"card":"{}","outcome":"overridden","overrideReason":{{"reason":{{"system":"urn:switchpoint:cds-override-reason",
        "code":"tumour-board-decision","display":"Tumour board decided to continue TACE"}},"userComment":"MDT 12/4"}},
        "outcomeTimestamp":"2024-04-12T10:01:00Z"}}]}})",
                                                     card, suggestion, cards.s(0, "/uuid")),
                                         "https://ehr.example.org");
  EXPECT_EQ(fb.http.status, 200) << fb.http.body;
  EXPECT_EQ(count_rows(db, "SELECT COUNT(*) FROM feedback WHERE known_card = 1"), 2);
  EXPECT_EQ(count_rows(db, "SELECT COUNT(*) FROM feedback WHERE override_code = 'tumour-board-decision'"), 1);
  EXPECT_EQ(
      service->feedback(kPatientViewService, R"({"feedback":[{"card":"x","outcome":"accepted"}]})", "i").http.status,
      400);
  EXPECT_EQ(
      service
          ->feedback(
              kPatientViewService,
              fmt::format(R"({{"feedback":[{{"card":"{}","outcome":"accepted","outcomeTimestamp":"t"}}]}})", card), "i")
          .http.status,
      400);  // accepted needs acceptedSuggestions

  const std::string token = cards.s(0, "/links/0/url").substr(std::string(kBase).size() + 8);
  EXPECT_EQ(service->report(token, unix_now()).http.status, 200);
  EXPECT_EQ(service->report(token, unix_now() + 86401).http.status, 410);
  EXPECT_EQ(service->report("0123456789abcdef0123456789abcdef", unix_now()).http.status, 404);
  EXPECT_EQ(service->report("../../etc/passwd", unix_now()).http.status, 404);
}

TEST(CdsCards, SummaryClippingAndMarkdown) {
  EXPECT_EQ(clip_summary("short"), "short");
  std::string long_text;
  for (int i = 0; i < 40; ++i) long_text += "word ";
  const std::string clipped = clip_summary(long_text);
  EXPECT_LT(utf8_length(clipped), 140u);
  EXPECT_EQ(clipped.substr(clipped.size() - 3), "…");
  std::string accents;
  for (int i = 0; i < 200; ++i) accents += "é";
  EXPECT_LT(utf8_length(clip_summary(accents)), 140u);
  EXPECT_EQ(markdown_escape("a|b *c* <script> [x](y) & _u_"), "a\\|b \\*c\\* \\<script\\> \\[x\\](y) \\& \\_u\\_");
  EXPECT_EQ(markdown_escape("line\nbreak"), "line break");
  // ESC and a right-to-left override from the record are shown, never passed to the EHR's renderer.
  EXPECT_EQ(markdown_escape("id\x1b[2J"), "id\\\\x1b\\[2J");  // shown as id\x1b[2J
  EXPECT_EQ(markdown_escape("a\u202eb").find("\u202e"), std::string::npos);
}

}  // namespace
}  // namespace switchpoint

namespace switchpoint {
namespace {

// P-data-age: the latest entry of jsh-1a-met is 2024-04-12 (day 19825 since 1970-01-01). Read 30 days
// later the cards are as they were; 31 days later every card opens with the age and what it means,
// and the checkpoint summary says it first.
TEST_F(CdsServiceTest, OldDataAreSaidFirstOnEveryCard) {
  const std::string body = hook_request(fixture("jsh-1a-met.bundle.json"));
  constexpr std::int64_t kLatest = 19825LL * 86400;
  const CdsResult fresh =
      service->call(kPatientViewService, body, "https://ehr.example.org", kLatest + 30 * 86400 + 3600);
  ASSERT_EQ(fresh.http.status, 200) << fresh.http.body;
  Cards f(fresh.http.body);
  for (std::size_t i = 0; i < f.list.size(); ++i) {
    EXPECT_EQ(f.s(i, "/summary").find("days old"), std::string::npos) << f.s(i, "/summary");
    EXPECT_EQ(f.s(i, "/detail").find("old data"), std::string::npos);
  }
  const CdsResult old =
      service->call(kPatientViewService, body, "https://ehr.example.org", kLatest + 31 * 86400 + 3600);
  ASSERT_EQ(old.http.status, 200) << old.http.body;
  Cards o(old.http.body);
  ASSERT_EQ(o.list.size(), f.list.size());
  for (std::size_t i = 0; i < o.list.size(); ++i) {
    EXPECT_EQ(o.s(i, "/summary").rfind("Data 31 days old — ", 0), 0u) << o.s(i, "/summary");
    EXPECT_EQ(
        o.s(i, "/detail")
            .rfind("**Warning:** old data: the latest entry is from 2024-04-12, 31 days before today (2024-05-13)", 0),
        0u)
        << o.s(i, "/detail");
    EXPECT_NE(o.s(i, "/indicator"), "info");
  }
}

// Issue 14, item 3: every card opens with "not read: N resources (…)" in the EHR's words — the
// code, the display the resource sent (Markdown-escaped), the count and the reason — at most
// kCardNotReadEntries of them, then "… and K more".
TEST_F(CdsServiceTest, EveryCardListsWhatWasNotRead) {
  std::string bundle = fixture("jsh-1a-met.bundle.json");
  // The fixture's patient id, for the subject of the added resources.
  std::string pid;
  {
    simdjson::dom::parser p;
    element root = p.parse(bundle);
    for (element e : root["entry"].get_array())
      if (e["resource"]["resourceType"].get_string().value() == "Patient")
        pid = std::string(e["resource"]["id"].get_string().value());
  }
  ASSERT_FALSE(pid.empty());
  // Seven unknown LOINC codes, the fourth sent twice (most frequent first).
  std::string extra;
  for (int i = 0; i < 7; ++i)
    for (int k = 0; k < (i == 3 ? 2 : 1); ++k)
      extra += fmt::format(
          R"({{"resource":{{"resourceType":"Observation","status":"final","code":{{"coding":[{{"system":"http://loinc.org","code":"9000-{}","display":"Local *test* {}"}}]}},"subject":{{"reference":"Patient/{}"}},"effectiveDateTime":"2024-0{}-01","valueQuantity":{{"value":1,"unit":"x"}}}}}},)",
          i, i, pid, k + 1);
  const auto open = bundle.find('[', bundle.find("\"entry\""));
  ASSERT_NE(open, std::string::npos);
  bundle.insert(open + 1, extra);
  const CdsResult r = call(kPatientViewService, hook_request(bundle));
  ASSERT_EQ(r.http.status, 200) << r.http.body;
  Cards cards(r.http.body);
  ASSERT_GE(cards.list.size(), 3u);
  for (std::size_t i = 0; i < cards.list.size(); ++i) {
    expect_valid_card(cards.list[i]);
    const std::string detail = cards.s(i, "/detail");
    EXPECT_NE(detail.find("not read: 8 resources (2 × LOINC 9000-3 Local \\*test\\* 3 (Observation; code not read); "
                          "LOINC 9000-0 Local \\*test\\* 0 (Observation; code not read); "),
              std::string::npos)
        << detail;
    EXPECT_NE(detail.find("LOINC 9000-4 Local \\*test\\* 4 (Observation; code not read); … and 2 more)"),
              std::string::npos)
        << detail;
    EXPECT_EQ(detail.find("9000-5"), std::string::npos) << "the sixth kind is cut";
  }
}

// The checkpoint card's obtain list names a resource of a missing fact that was sent but not read.
TEST_F(CdsServiceTest, TheObtainListOfACardNamesTheResourceSentButNotRead) {
  const std::string bundle =
      R"({"resourceType":"Bundle","type":"collection","entry":[)"
      R"({"resource":{"resourceType":"Patient","id":"p1","birthDate":"1950-01-01"}},)"
      R"({"resource":{"resourceType":"Procedure","status":"completed","code":{"coding":[{"system":"urn:switchpoint:hcc","code":"tace"}]},"subject":{"reference":"Patient/p1"},"performedDateTime":"2024-01-10"}},)"
      R"({"resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"urn:switchpoint:hcc","code":"intrahepatic-tumor-count"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2024-01-05","valueInteger":2}},)"
      R"({"resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"1975-2"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2024-03-01","valueQuantity":{"value":1.0,"unit":"mg/dL","system":"http://unitsofmeasure.org","code":"mg/dL"}}},)"
      R"({"resource":{"resourceType":"Observation","status":"entered-in-error","code":{"coding":[{"system":"http://snomed.info/sct","code":"389026000","display":"Ascites"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2024-02-20","valueBoolean":true}}]})";
  const CdsResult r = call(kPatientViewService, hook_request(bundle));
  ASSERT_EQ(r.http.status, 200) << r.http.body;
  Cards cards(r.http.body);
  ASSERT_GE(cards.list.size(), 1u);
  const std::string detail = cards.s(0, "/detail");
  EXPECT_EQ(cards.s(0, "/source/topic/code"), "tace-checkpoint");
  EXPECT_NE(detail.find("not read: 1 resource (SNOMED CT 389026000 Ascites (Observation; status entered-in-error))"),
            std::string::npos)
      << detail;
  EXPECT_NE(detail.find("- ascites grade within 30 days before 2024-03-01 — sent as SNOMED CT 389026000 Ascites on "
                        "2024-02-20 but not read (status entered-in-error): record the grade (none, slight or "
                        "moderate-severe) — would settle: "),
            std::string::npos)
      << detail;
}

}  // namespace
}  // namespace switchpoint
