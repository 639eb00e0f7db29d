#include "presenters/html_report.h"

#include "presenters/decision_text.h"
#include "presenters/json_writer.h"

namespace switchpoint {

std::string decision_to_html(const Decision& d, const PatientRecord&, const InputSummary&) {
  // Placeholder until the report lands: the text report, escaped.
  std::string text = decision_to_text(d), out;
  for (char c : text) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else out += c;
  }
  return "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>switchpoint</title><pre>" + out + "</pre></html>\n";
}

}  // namespace switchpoint
