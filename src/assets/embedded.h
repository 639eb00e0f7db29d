#pragma once
#include <span>
#include <string_view>

namespace switchpoint {

struct EmbeddedFile {
  std::string_view name;  // file name
  std::string_view content;
};

// The example patients of examples/*.json, compiled in for `switchpoint demo` and the web page.
std::span<const EmbeddedFile> embedded_examples();
// The web page's files (web/*), compiled in for `switchpoint serve`.
std::span<const EmbeddedFile> embedded_web_assets();
// The OpenAPI description of the HTTP API (docs/openapi.json), served at GET /openapi.json.
std::span<const EmbeddedFile> embedded_api_description();

}  // namespace switchpoint
