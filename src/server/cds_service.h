#pragma once
// The CDS Hooks 2.0 services of INTERFACES.md, as plain functions of (request body → response)
// like api.h: discovery, switchpoint-patient-view (hook patient-view), switchpoint-tace-order
// (hook order-sign), their feedback endpoints, and the report behind a card's link. The
// server (server.cpp) authenticates first; these never see the JWT.
//
// The record is built from the prefetch: the resources of each prefetched searchset Bundle (and
// the Patient) are read straight from the parsed request by the same FHIR resource reader as
// everywhere else (cds_merge.h: one parse of each input), and evaluated as of the latest entry;
// the same resources spliced into one Bundle are kept only for the audit log and the report link. Prefetch keys the EHR
// did not send are fetched from `fhirServer` with `fhirAuthorization` when given; otherwise the answer is 412.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/api.h"
#include "server/cds_audit.h"
#include "server/cds_auth.h"
#include "server/cds_fetch.h"

namespace switchpoint {

inline constexpr const char* kPatientViewService = "switchpoint-patient-view";
inline constexpr const char* kTaceOrderService = "switchpoint-tace-order";

struct PrefetchTemplate {
  std::string key;
  std::string query;  // relative FHIR URL with {{context.patientId}}
};
// The prefetch templates of both services: the Patient; the Observations the FHIR reader reads,
// by code (minimum necessary: no vital signs or notes leave the EHR); the patient's Conditions
// and Procedures; and the MedicationStatements, MedicationRequests and
// MedicationAdministrations with the Medications they name (_include). Generated from the
// reader's code tables; docs/cds-hooks.md "Prefetch" says why each query is as it is.
const std::vector<PrefetchTemplate>& prefetch_templates();
// The templates as served at GET /api/prefetch (without a JWT: they are the same for every caller
// and hold no patient data): {"prefetch": {key: query, …}}, for the SMART launch page.
std::string prefetch_templates_json();
// The (system, code) pairs of the Observation template, in order, without repeats: every
// Observation code of the reader's tables, and the codes it recognises but does not read.
std::vector<std::pair<std::string_view, std::string_view>> prefetch_observation_codes();

struct CdsResult {
  ApiResponse http;
  std::string error_kind;  // for /metrics: empty on success
};

struct CdsServiceOptions {
  std::string public_base_url;  // no trailing slash
  std::string smart_launch_url;
  std::string report_secret;  // HMAC key of report links
  int fhir_timeout_ms = 5000;
  int report_ttl_s = 86400;
};

class CdsService {
 public:
  CdsService(CdsServiceOptions options, AuditLog* audit, HttpGet http_get);

  CdsResult discovery() const;
  // POST /cds-services/{id}; `issuer` is the authenticated JWT iss (for the audit log).
  // `now_unix`: the time of the request (the server's clock; 0 = unknown), used only to say how old
  // the record's data are (P-data-age), never in the decision itself.
  CdsResult call(std::string_view service_id, std::string_view body, const std::string& issuer,
                 std::int64_t now_unix = 0);
  // POST /cds-services/{id}/feedback
  CdsResult feedback(std::string_view service_id, std::string_view body, const std::string& issuer);
  // GET /report/{token}: the full HTML report of an evaluation, while the link lives.
  CdsResult report(std::string_view token, std::int64_t now_unix);

  static bool known_service(std::string_view id);

 private:
  CdsServiceOptions options_;
  AuditLog* audit_;
  HttpGet http_get_;
};

}  // namespace switchpoint
