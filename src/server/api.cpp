#include "server/api.h"

#include <fmt/format.h>
#include <switchpoint/version.h>

#include "assets/embedded.h"
#include "core/engine.h"
#include "presenters/decision_json.h"
#include "presenters/decision_text.h"
#include "presenters/html_report.h"
#include "presenters/json_writer.h"
#include "readers/read_any.h"
#include "terminology/vocabulary.h"

namespace switchpoint {

ApiResponse api_error(int status, std::string_view message) {
  JsonWriter w;
  w.begin_object().field("error", message);
  w.key("problems").begin_array().end_array();
  w.field("notice", kDecisionSupportNotice).end_object();
  return {status, "application/json", w.take() + "\n"};
}

ApiResponse api_evaluate(std::string_view body, std::string_view as_of_text, std::string_view format) {
  if (!format.empty() && format != "json" && format != "html" && format != "text")
    return api_error(400, fmt::format("format '{}' is not one of json, html, text", format));
  const ReadResult rr = read_record(body);
  if (!rr.ok()) {
    JsonWriter w;
    w.begin_object();
    w.field("error", fmt::format("invalid {}record: {} problem{}", rr.format.empty() ? "" : rr.format + " ",
                                 rr.problems.size(), rr.problems.size() == 1 ? "" : "s"));
    w.key("problems").begin_array();
    for (const auto& p : rr.problems)
      w.begin_object().field("location", p.location).field("message", p.message).end_object();
    w.end_array();
    w.field("notice", kDecisionSupportNotice);
    w.end_object();
    return {400, "application/json", w.take() + "\n"};
  }
  std::optional<Date> as_of;
  if (!as_of_text.empty()) {
    as_of = Date::parse(as_of_text);
    if (!as_of) return api_error(400, fmt::format("as_of '{}' is not a date YYYY-MM-DD", as_of_text));
  } else {
    as_of = default_as_of(*rr.record);
    if (!as_of) return api_error(400, "the record has no dated entry, so there is no as-of date; give as_of");
  }
  const Decision d = evaluate(*rr.record, *as_of);
  const InputSummary input = input_summary(rr, *as_of);
  if (format == "html") return {200, "text/html; charset=utf-8", decision_to_html(d, rr.record->as_of(*as_of), input)};
  if (format == "text") return {200, "text/plain; charset=utf-8", decision_to_text(d, input)};
  return {200, "application/json", decision_to_json(d, input)};
}

ApiResponse api_health() {
  JsonWriter w;
  w.begin_object().field("status", "ok").field("engine_version", kEngineVersion);
  w.field("knowledge_version", kKnowledgeVersion).end_object();
  return {200, "application/json", w.take() + "\n"};
}

ApiResponse api_openapi() {
  for (const auto& f : embedded_api_description())
    if (f.name == "openapi.json") return {200, "application/json", std::string(f.content)};
  return api_error(404, "not found");
}

ApiResponse api_examples_index() {
  JsonWriter w;
  w.begin_object().key("examples").begin_array();
  for (const auto& e : embedded_examples())
    if (!e.name.empty()) w.value(e.name);
  w.end_array().end_object();
  return {200, "application/json", w.take() + "\n"};
}

std::optional<ApiResponse> api_example(std::string_view name) {
  for (const auto& e : embedded_examples())
    if (!e.name.empty() && e.name == name) return ApiResponse{200, "application/json", std::string(e.content)};
  return std::nullopt;
}

ApiResponse api_fhir_vocabulary(std::string_view path) {
  constexpr std::string_view kFhirJson = "application/fhir+json";
  const auto& v = vocabulary::published_vocabulary();
  if (path == "/fhir/vocabulary") return {200, std::string(kFhirJson), vocabulary::vocabulary_bundle(v)};
  for (const std::string_view type : {"CodeSystem", "ValueSet", "ConceptMap"}) {
    const std::string prefix = fmt::format("/fhir/{}/", type);
    if (!path.starts_with(prefix)) continue;
    if (auto r = vocabulary::find_resource(v, type, path.substr(prefix.size())))
      return {200, std::string(kFhirJson), std::move(r->json)};
  }
  // The path is not echoed: it is the client's text, and the list of what exists is the answer.
  JsonWriter w;
  w.begin_object().field("resourceType", "OperationOutcome");
  w.key("issue").begin_array().begin_object();
  w.field("severity", "error").field("code", "not-found");
  w.field("diagnostics",
          "no such vocabulary resource; GET /fhir/vocabulary lists them all (CodeSystem/<id>, ValueSet/<id>, "
          "ConceptMap/<id>)");
  w.end_object().end_array().end_object();
  return {404, std::string(kFhirJson), w.take() + "\n"};
}

namespace {
std::string_view content_type_of(std::string_view name) {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  return "application/octet-stream";
}
}  // namespace

std::optional<ApiResponse> static_asset(std::string_view path) {
  if (path == "/" || path.empty()) path = "/index.html";
  if (!path.starts_with("/")) return std::nullopt;
  path.remove_prefix(1);
  for (const auto& f : embedded_web_assets())
    if (!f.name.empty() && f.name == path)
      return ApiResponse{200, std::string(content_type_of(f.name)), std::string(f.content)};
  return std::nullopt;
}

}  // namespace switchpoint
