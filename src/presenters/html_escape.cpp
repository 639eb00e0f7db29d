#include "presenters/html_escape.h"

#include <fmt/format.h>

namespace switchpoint::html {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7f) out += "\xEF\xBF\xBD";  // U+FFFD
        else out += c;
      }
    }
  }
  return out;
}

std::string css_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c == '\'')
      out += fmt::format("\\{:x} ", u);
    else out += c;
  }
  out += '"';
  return out;
}

}  // namespace switchpoint::html
