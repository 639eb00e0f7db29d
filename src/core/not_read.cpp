#include "core/not_read.h"

#include <utility>

#include <fmt/compile.h>
#include <fmt/format.h>
#include "core/text.h"

namespace switchpoint {

std::string_view system_short_name(std::string_view s) {
  static constexpr std::pair<std::string_view, std::string_view> kNames[] = {
      {"http://loinc.org", "LOINC"},
      {"http://snomed.info/sct", "SNOMED CT"},
      {"http://hl7.org/fhir/sid/icd-10-cm", "ICD-10-CM"},
      {"http://hl7.org/fhir/sid/icd-10", "ICD-10"},
      {"http://terminology.hl7.org/CodeSystem/icd-o-3", "ICD-O-3"},
      {"http://www.nlm.nih.gov/research/umls/rxnorm", "RxNorm"},
      {"http://www.whocc.no/atc", "ATC"},
      {"http://www.ama-assn.org/go/cpt", "CPT"},
      {"http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets", "HCPCS"},
      {"https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets", "HCPCS"},
      {"http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl", "NCIt"},
      {"http://dicom.nema.org/resources/ontology/DCM", "DICOM"},
      {"urn:switchpoint:hcc", "project"},
  };
  for (const auto& [uri, name] : kNames)
    if (s == uri) return name;
  return s;
}

std::string clip_display(std::string_view d) {
  constexpr std::size_t kMax = 80;
  std::string out;
  std::size_t points = 0;
  for (std::size_t i = 0; i < d.size();) {
    const auto c = static_cast<unsigned char>(d[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    if (i + len > d.size()) len = d.size() - i;
    if (points == kMax) {
      out += "…";
      break;
    }
    if (c < 0x20 || c == 0x7F) out += ' ';
    else out.append(d.substr(i, len));
    i += len;
    ++points;
  }
  // Outer spaces (a display of spaces only) say nothing.
  while (!out.empty() && out.back() == ' ') out.pop_back();
  const auto first = out.find_first_not_of(' ');
  return first == std::string::npos ? std::string() : out.substr(first);
}

std::string describe_not_read(const NotRead& e) {
  std::string out = e.count > 1 ? format_text(FMT_COMPILE("{} × "), e.count) : std::string();
  if (e.system.empty() && e.code.empty()) out += e.resource;
  else {
    out += std::string(system_short_name(e.system.empty() ? std::string_view("(no system)") : e.system));
    out += " " + e.code;
  }
  if (!e.display.empty()) out += " " + e.display;
  const bool coded = !e.system.empty() || !e.code.empty();
  if (coded && !e.reason.empty()) out += " (" + e.resource + "; " + e.reason + ")";
  else if (coded) out += " (" + e.resource + ")";
  else if (!e.reason.empty()) out += " (" + e.reason + ")";
  return out;
}

long total_not_read(const std::vector<NotRead>& entries) {
  long n = 0;
  for (const auto& e : entries) n += e.count;
  return n;
}

}  // namespace switchpoint
