#pragma once
// The HTTP API as plain functions (request bytes → status, type, body): the server wires them
// to cpp-httplib, tests call them directly. No sockets, files or clocks here.
#include <optional>
#include <string>
#include <string_view>

namespace switchpoint {

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

// POST /api/evaluate: a native record or FHIR R4 Bundle in; the decision out as `format`
// (json — the default —, html or text). 400 with every problem listed for invalid input.
ApiResponse api_evaluate(std::string_view body, std::string_view as_of, std::string_view format);
// GET /healthz
ApiResponse api_health();
// GET /api/examples and /api/examples/{name}: the built-in example patients, for the web page.
ApiResponse api_examples_index();
std::optional<ApiResponse> api_example(std::string_view name);
// GET / and the page's assets (embedded from web/).
std::optional<ApiResponse> static_asset(std::string_view path);
// GET /fhir/vocabulary (the Bundle), /fhir/CodeSystem/<id>, /fhir/ValueSet/<id>,
// /fhir/ConceptMap/<id>: the published vocabulary (docs/terminology.md), application/fhir+json;
// 404 with a FHIR OperationOutcome for any other path under /fhir/.
ApiResponse api_fhir_vocabulary(std::string_view path);
// GET /openapi.json: the OpenAPI 3.1 description of every route (docs/openapi.json, embedded).
ApiResponse api_openapi();
// A JSON error body {"error": …, "problems": []} for the status codes the server itself raises.
ApiResponse api_error(int status, std::string_view message);

}  // namespace switchpoint
