#pragma once
// Escaping for text that people read: the text decision, messages on standard error, the
// server's access log, Markdown. Every string that comes from the input (a patient id, an
// imaging modality, a TACE technique, a lesion id, a file name, a CSV cell quoted in a message)
// goes through escape_text before it is written, so that an id holding a line feed cannot forge
// a "CHECKPOINT … SWITCH" line, and one holding ESC [ cannot drive the operator's terminal.
//
// What is escaped, visibly (a reader sees that something was there, and what):
//  - C0 controls U+0000–U+001F: \n \r \t as such, the others as \xHH (ESC is \x1b);
//  - DEL U+007F: \x7f;
//  - C1 controls U+0080–U+009F (UTF-8 C2 80–C2 9F; NEL U+0085 is a line break): \u0085;
//  - line and paragraph separators U+2028, U+2029: \u2028, \u2029;
//  - bidirectional formatting (Trojan Source, CVE-2021-42574): U+202A–U+202E (LRE, RLE, PDF,
//    LRO, RLO), U+2066–U+2069 (LRI, RLI, FSI, PDI) and the marks U+200E, U+200F, U+061C:
//    \u202e etc.;
//  - bytes that are not UTF-8 (a file name from the command line): \xHH.
// Everything else (printable ASCII, other UTF-8 such as "é" or "≥") is copied. The backslash is
// copied too: the escaping makes hidden characters visible, it is not meant to be undone.
#include <string>
#include <string_view>

namespace switchpoint {

// `text` with every character listed above escaped.
std::string escape_text(std::string_view text);

// True when escape_text would change `text`.
bool needs_text_escape(std::string_view text);

}  // namespace switchpoint
