#include "presenters/html_escape.h"

#include <fmt/format.h>

#include "presenters/text_escape.h"

namespace switchpoint::html {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    // C1 controls, U+2028/2029 and bidi formatting characters (which would reorder an id on the
    // page) are shown as their escapes, \u202e (presenters/text_escape.h).
    if (const auto u = static_cast<unsigned char>(c); u == 0xC2 || u == 0xD8 || u == 0xE2) {
      const std::size_t len = u == 0xE2 ? 3 : 2;
      const std::string_view seq = text.substr(i, len);
      // Only a whole sequence (continuation bytes after the lead): a stray lead byte followed by
      // '<' must still reach the switch below.
      bool whole = seq.size() == len;
      for (std::size_t k = 1; whole && k < len; ++k) whole = (static_cast<unsigned char>(seq[k]) & 0xC0) == 0x80;
      if (whole && needs_text_escape(seq)) {
        out += escape_text(seq);
        i += len - 1;
        continue;
      }
    }
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
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
