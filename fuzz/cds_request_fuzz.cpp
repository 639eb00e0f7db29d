// libFuzzer target: a CDS Hooks request body, as the HTTP handler passes it to the service once
// the JWT is verified (CdsService::call / ::feedback; authentication is jwt_fuzz's). The first
// byte picks the endpoint: switchpoint-patient-view, switchpoint-tace-order or feedback. No
// network: prefetch the EHR did not send is "fetched" from a stub that answers with the rest of
// the fuzz input as the FHIR server's page, or fails. Every answer is a complete HTTP answer: a
// status the service documents and, for JSON answers, a body that parses as JSON.
#include <simdjson.h>

#include <string>
#include <string_view>

#include "fuzz/harness.h"
#include "server/cds_service.h"

namespace switchpoint::fuzz {

int cds_request(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t selector = data[0];
  std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  // After a 0x00 byte: what the stub FHIR server answers (status 200) to every fetch.
  std::string page;
  if (const auto nul = body.find('\0'); nul != std::string_view::npos && (selector & 0x80)) {
    page = std::string(body.substr(nul + 1));
    body = body.substr(0, nul);
  }
  HttpGet stub = [&](const std::string&, const std::vector<std::string>&, const FetchLimits&) {
    FetchResult r;
    if (page.empty()) {
      r.error = "fuzz: no network";
      return r;
    }
    r.ok = true;
    r.status = 200;
    r.body = page;
    return r;
  };
  CdsServiceOptions options;
  options.public_base_url = "https://cds.example.org";
  options.smart_launch_url = "https://cds.example.org/";
  options.report_secret = "fuzz-report-secret";
  CdsService service(options, nullptr, stub);
  CdsResult r;
  switch (selector % 3) {
    case 0:
      r = service.call(kPatientViewService, body, "https://ehr.example.org");
      break;
    case 1:
      r = service.call(kTaceOrderService, body, "https://ehr.example.org");
      break;
    default:
      r = service.feedback(kPatientViewService, body, "https://ehr.example.org");
      break;
  }
  const int s = r.http.status;
  SWITCHPOINT_FUZZ_CHECK(s == 200 || s == 400 || s == 412);
  SWITCHPOINT_FUZZ_CHECK(r.http.content_type == "application/json");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  SWITCHPOINT_FUZZ_CHECK(parser.parse(r.http.body).get(doc) == simdjson::SUCCESS);
  SWITCHPOINT_FUZZ_CHECK((s == 200) == r.error_kind.empty());
  return 0;
}

}  // namespace switchpoint::fuzz

SWITCHPOINT_FUZZ_ENTRY(cds_request)
