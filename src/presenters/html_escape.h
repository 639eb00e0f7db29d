#pragma once
// Escaping for the HTML report: every string that comes from a record or a decision goes
// through one of these before it reaches the page, so a patient id such as "<script>" is text.
#include <string>
#include <string_view>

namespace switchpoint::html {

// Text content and double- or single-quoted attribute values (HTML and inline SVG): & < > " '
// become character references; C0 control characters other than tab, newline and carriage
// return (not allowed in XML, hence in SVG) become U+FFFD.
std::string escape(std::string_view text);

// A double-quoted CSS string literal, safe inside a <style> element: quotes, backslashes,
// angle brackets, ampersands and control characters become CSS hex escapes ("\3c "), so the
// text can neither end the string nor the style element.
std::string css_string(std::string_view text);

}  // namespace switchpoint::html
