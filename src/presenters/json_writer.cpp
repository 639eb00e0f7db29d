#include "presenters/json_writer.h"

#include <fmt/format.h>
#include <cmath>

namespace switchpoint {

std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    // Beyond RFC 8259's required escapes: DEL, C1 controls, U+2028/2029 and the bidi formatting
    // characters are written as \uXXXX (the same string, but never raw in a file someone views;
    // presenters/text_escape.h lists them).
    if (c == 0x7f || c == 0xC2 || c == 0xE2 || c == 0xD8) {
      const auto b1 = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0u;
      const auto b2 = i + 2 < s.size() ? static_cast<unsigned char>(s[i + 2]) : 0u;
      unsigned cp = 0;
      std::size_t len = 0;
      if (c == 0x7f) cp = 0x7f, len = 1;
      else if (c == 0xC2 && b1 >= 0x80 && b1 <= 0x9F) cp = b1, len = 2;
      else if (c == 0xD8 && b1 == 0x9C) cp = 0x061C, len = 2;
      else if (c == 0xE2 && b1 == 0x80 && (b2 == 0x8E || b2 == 0x8F || (b2 >= 0xA8 && b2 <= 0xAE)))
        cp = 0x2000u + (b2 - 0x80u), len = 3;
      else if (c == 0xE2 && b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9) cp = 0x2040u + (b2 - 0x80u), len = 3;
      if (len) {
        out += fmt::format("\\u{:04x}", cp);
        i += len - 1;
        continue;
      }
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        else out += static_cast<char>(c);
    }
  }
  return out;
}

void JsonWriter::newline() {
  if (!pretty_) return;
  out_ += '\n';
  out_.append(first_.size() * 2, ' ');
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_ += ',';
    first_.back() = false;
    newline();
  }
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  out_ += '{';
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::end_container(char close) {
  const bool empty = first_.back();
  first_.pop_back();
  if (!empty) newline();
  out_ += close;
  return *this;
}

JsonWriter& JsonWriter::end_object() { return end_container('}'); }

JsonWriter& JsonWriter::begin_array() {
  before_value();
  out_ += '[';
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::end_array() { return end_container(']'); }

JsonWriter& JsonWriter::key(std::string_view k) {
  before_value();
  out_ += '"';
  out_ += json_escape(k);
  out_ += pretty_ ? "\": " : "\":";
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
  before_value();
  out_ += '"';
  out_ += json_escape(s);
  out_ += '"';
  return *this;
}

JsonWriter& JsonWriter::value(bool b) {
  before_value();
  out_ += b ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::value(int i) { return value(static_cast<long>(i)); }

JsonWriter& JsonWriter::value(long i) {
  before_value();
  out_ += fmt::format("{}", i);
  return *this;
}

JsonWriter& JsonWriter::number(double v, int decimals) {
  before_value();
  if (!std::isfinite(v)) {
    out_ += "null";
    return *this;
  }
  std::string s = fmt::format("{:.{}f}", v, decimals);
  if (s.starts_with("-") && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  out_ += s;
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  out_ += "null";
  return *this;
}

}  // namespace switchpoint
