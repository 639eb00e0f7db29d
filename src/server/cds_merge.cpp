#include "server/cds_merge.h"

#include <fmt/format.h>

#include <optional>

#include "readers/json_walk.h"

namespace switchpoint::cds {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// "Patient/<id>", or an absolute URL ending in "/Patient/<id>".
bool names_patient(std::string_view ref, std::string_view patient_id) {
  const std::string tail = fmt::format("Patient/{}", patient_id);
  if (ref == tail) return true;
  return ref.size() > tail.size() && ref.ends_with(tail) && ref[ref.size() - tail.size() - 1] == '/';
}

// Adds one entry: its label for problem messages, its parsed entry and resource, its text; flags
// a resource of another patient. (One call is one patient: such a resource must never reach the
// engine. The reader checks this too; checking here does not depend on its messages.)
void add(MergedPrefetch& m, const element* entry, element resource, const std::string& key, std::string_view patient_id,
         std::string_view entry_text, bool wrap) {
  const auto type = string_member(resource, "resourceType");
  object res;
  if (!type || resource.get(res) != simdjson::SUCCESS) return;
  const auto id = string_member(resource, "id");
  if (*type == "Patient") {
    if (id && *id != patient_id) m.other_patient = true;
  } else {
    element subject;
    if (resource.at_key("subject").get(subject) == simdjson::SUCCESS) {
      const auto ref = string_member(subject, "reference");
      if (ref && ref->find("Patient/") != std::string_view::npos && !names_patient(*ref, patient_id))
        m.other_patient = true;
    }
  }
  if (!m.labels.empty()) m.bundle += ',';
  if (wrap) {
    m.bundle += "{\"resource\":";
    m.bundle += entry_text;
    m.bundle += '}';
  } else {
    m.bundle += entry_text;
  }
  m.labels.push_back(fmt::format("{}/{} ({})", *type, id ? *id : "(no id)", key));
  m.entries.push_back({res, entry != nullptr, entry ? *entry : element()});
}

}  // namespace

std::optional<std::string_view> string_member(element e, std::string_view key) {
  std::string_view s;
  if (e.at_key(key).get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
  return s;
}

MergedPrefetch merge_prefetch(const std::vector<PrefetchSource>& sources, std::string_view patient_id) {
  MergedPrefetch m;
  m.bundle = R"({"resourceType":"Bundle","type":"collection","entry":[)";
  simdjson::ondemand::parser od;
  for (const auto& s : sources) {
    const auto type = string_member(s.value, "resourceType");
    if (!type || *type == "OperationOutcome") continue;
    if (*type != "Bundle") {
      add(m, nullptr, s.value, s.key, patient_id, s.raw, true);
      continue;
    }
    array entries;
    if (s.value.at_key("entry").get_array().get(entries) != simdjson::SUCCESS) continue;
    // The raw text of each entry, in the same order as the DOM's.
    simdjson::ondemand::document doc;
    simdjson::ondemand::array raw_entries;
    const std::size_t capacity = static_cast<std::size_t>(s.buffer_end - s.raw.data()) + simdjson::SIMDJSON_PADDING;
    if (od.iterate(s.raw.data(), s.raw.size(), capacity).get(doc) != simdjson::SUCCESS ||
        doc.find_field_unordered("entry").get_array().get(raw_entries) != simdjson::SUCCESS)
      continue;
    auto raw_it = raw_entries.begin();
    for (element e : entries) {
      if (raw_it == raw_entries.end()) break;
      simdjson::ondemand::object raw_obj;
      std::string_view raw_text;
      const bool have_raw = (*raw_it).get_object().get(raw_obj) == simdjson::SUCCESS &&
                            raw_obj.raw_json().get(raw_text) == simdjson::SUCCESS;
      ++raw_it;
      element search, r;
      if (e.at_key("search").get(search) == simdjson::SUCCESS &&
          string_member(search, "mode") == std::optional<std::string_view>("outcome"))
        continue;
      if (!have_raw || e.at_key("resource").get(r) != simdjson::SUCCESS) continue;
      const auto rtype = string_member(r, "resourceType");
      if (!rtype || *rtype == "OperationOutcome" || *rtype == "Bundle") continue;
      add(m, &e, r, s.key, patient_id, raw_text, false);
    }
  }
  m.bundle += "]}";
  return m;
}

ReadResult read_merged(const MergedPrefetch& m) {
  // As read_fhir_bundle reads m.bundle: first the member names given twice outside the resources
  // (the merged Bundle's own members are written here, once each), then each entry's fullUrl and
  // resourceType, then the resources.
  ReadResult out;
  out.format = "FHIR R4 Bundle";
  for (std::size_t i = 0; i < m.entries.size(); ++i)
    if (m.entries[i].in_bundle)
      json::duplicate_keys(m.entries[i].entry, json::child(std::string("/entry"), i), out.problems, "resource");
  json::Walker w(out.problems);
  std::vector<FhirResource> resources;
  resources.reserve(m.entries.size());
  for (std::size_t i = 0; i < m.entries.size(); ++i) {
    const std::string ep = json::child(std::string("/entry"), i);
    std::string full_url;
    object entry;
    if (m.entries[i].in_bundle && m.entries[i].entry.get(entry) == simdjson::SUCCESS)
      full_url = w.string(entry, ep, "fullUrl", false).value_or("");
    FhirResource fr{json::child(ep, "resource"), std::move(full_url), "", m.entries[i].resource};
    auto rt = w.string(fr.resource, fr.location, "resourceType", true);
    if (!rt) continue;
    fr.type = *rt;
    resources.push_back(std::move(fr));
  }
  read_fhir_resources(resources, out);
  return out;
}

std::string locate(const std::string& pointer, const std::vector<std::string>& labels) {
  if (pointer.rfind("/entry/", 0) != 0) return pointer;
  std::size_t i = 7, n = 0;
  while (i < pointer.size() && pointer[i] >= '0' && pointer[i] <= '9')
    n = n * 10 + static_cast<std::size_t>(pointer[i++] - '0');
  if (i == 7 || n >= labels.size()) return pointer;
  std::string rest = pointer.substr(i);
  if (rest.rfind("/resource", 0) == 0) rest = rest.substr(9);
  return labels[n] + (rest.empty() ? "" : " " + rest);
}

}  // namespace switchpoint::cds
