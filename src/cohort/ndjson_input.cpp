#include "cohort/ndjson_input.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "cohort/line_source.h"
#include "readers/fhir_resources.h"
#include "readers/json_walk.h"

namespace switchpoint::cohort {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

// What one block of lines gave.
struct BlockResult {
  std::size_t file = 0;
  std::string arena;
  struct Kept {
    std::string patient;
    std::uint32_t offset, length;
    long line;
    bool keys_unique;
  };
  std::vector<Kept> kept;
  // Medication lines (for medicationReference), their bytes in `medication_text`.
  struct Medication {
    std::string id;
    std::uint32_t offset, length;
    long line;
    bool keys_unique;
  };
  std::string medication_text;
  std::vector<Medication> medications;
  std::vector<std::pair<long, std::string>> invalid;  // line, message
  std::map<std::string, std::uint64_t> skipped;
  std::uint64_t lines = 0, bytes = 0;
  std::uint64_t not_in_cohort = 0;  // lines of patients outside the cohort, dropped unkept
};

bool is_fhir_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (const char c : id)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
      return false;
  return true;
}

bool blank(const char* s, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') return false;
  return true;
}

void scan_line(const char* s, std::size_t len, long line, simdjson::dom::parser& parser, BlockResult& out,
               const std::unordered_set<std::string>* only) {
  if (blank(s, len)) {
    ++out.skipped["(blank line)"];
    return;
  }
  ++out.lines;
  element doc;
  if (auto err = parser.parse(reinterpret_cast<const std::uint8_t*>(s), len, false).get(doc); err != simdjson::SUCCESS) {
    out.invalid.emplace_back(line, fmt::format("not valid JSON: {}; each line of FHIR Bulk NDJSON is one resource",
                                               simdjson::error_message(err)));
    return;
  }
  object res;
  if (doc.get(res) != simdjson::SUCCESS) {
    out.invalid.emplace_back(line, "a line of FHIR Bulk NDJSON must be one resource (a JSON object)");
    return;
  }
  // A member name twice in one object is ambiguous: which "code" decides whether the resource is
  // read at all cannot be told. Such a line is never skipped on its code: it is kept for its patient,
  // whose reader reports the repeated name and withholds the patient (as a Bundle with it is withheld).
  thread_local std::vector<Problem> duplicates;
  duplicates.clear();
  const bool ambiguous = json::duplicate_keys(doc, "", duplicates) > 0;
  std::string_view type;
  if (res["resourceType"].get(type) != simdjson::SUCCESS || type.empty()) {
    out.invalid.emplace_back(line, "no resourceType: a line of FHIR Bulk NDJSON must be one FHIR resource");
    return;
  }
  std::string patient;
  if (type == "Patient") {
    std::string_view id;
    if (res["id"].get(id) != simdjson::SUCCESS || id.empty()) {
      out.invalid.emplace_back(line, "a Patient without an id: the other resources cannot be linked to it");
      return;
    }
    patient = std::string(id);
  } else {
    // A Medication (in no patient's compartment) is kept aside for the medicationReference of
    // each patient's resources; it is still counted below as skipped, as in a Bundle.
    if (std::string_view id; type == "Medication" && res["id"].get(id) == simdjson::SUCCESS && is_fhir_id(id)) {
      out.medications.push_back({std::string(id), static_cast<std::uint32_t>(out.medication_text.size()),
                                 static_cast<std::uint32_t>(len), line, !ambiguous});
      out.medication_text.append(s, len);
    }
    std::string_view ref;
    const bool has_subject = res["subject"]["reference"].get(ref) == simdjson::SUCCESS && !ref.empty();
    if (auto key = ambiguous ? std::nullopt : fhir_skipped_on_code(res, type)) {
      ++out.skipped[*key];
      return;
    }
    if (!has_subject) {
      out.invalid.emplace_back(line, fmt::format("{} without subject.reference: whose resource it is cannot be told "
                                                 "(in Bulk Data each resource names its patient){}",
                                                 type, ambiguous ? "; " + duplicates.front().location + ": " +
                                                                       duplicates.front().message
                                                                 : ""));
      return;
    }
    patient = fhir_patient_id(ref);
  }
  // FHIR R4 ids are 1–64 of [A-Za-z0-9-.]: anything else (" p1", "p1\n…", "=cmd") would make a
  // phantom patient or reach the output rows, so the line cannot be linked to a patient.
  if (!is_fhir_id(patient)) {
    out.invalid.emplace_back(line, fmt::format("{} '{}' is not a FHIR id (1 to 64 letters, digits, '-' or '.'): the "
                                               "line cannot be linked to a patient",
                                               type == "Patient" ? "the Patient's id" : "the patient of subject.reference",
                                               patient.substr(0, 100)));
    return;
  }
  // A whole-population export: lines of people outside the cohort are counted, never kept.
  if (only != nullptr && only->count(patient) == 0) {
    ++out.not_in_cohort;
    return;
  }
  const auto offset = static_cast<std::uint32_t>(out.arena.size());
  out.arena.append(s, len);
  out.kept.push_back({std::move(patient), offset, static_cast<std::uint32_t>(len), line, !ambiguous});
}

void scan_block(const Block& b, simdjson::dom::parser& parser, BlockResult& out,
                const std::unordered_set<std::string>* only) {
  out.file = b.file;
  out.bytes = b.size;
  const char* p = b.data();
  std::size_t pos = 0;
  long line = b.first_line;
  for (const long l : b.overlong) {
    ++out.lines;
    out.invalid.emplace_back(l, fmt::format("the line is longer than {} MiB, the longest line read (no FHIR resource "
                                            "of one patient is that long); it was skipped unread",
                                            kMaxLineBytes >> 20));
  }
  while (pos < b.size) {
    const void* nl = std::memchr(p + pos, '\n', b.size - pos);
    const std::size_t end = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - p) : b.size;
    std::size_t len = end - pos;
    if (len > 0 && p[pos + len - 1] == '\r') --len;
    std::size_t skip = 0;
    if (line == 1 && len >= 3 && std::memcmp(p + pos, "\xEF\xBB\xBF", 3) == 0) skip = 3;  // a UTF-8 byte order mark
    if (std::find(b.overlong.begin(), b.overlong.end(), line) == b.overlong.end())
      scan_line(p + pos + skip, len - skip, line, parser, out, only);
    pos = end + 1;
    ++line;
  }
  if (!b.error.empty()) out.invalid.emplace_back(line, b.error);
}

// The Medication lines of all blocks (in file and line order) as one parsed array, by reference.
std::shared_ptr<const NdjsonMedications> index_medications(std::vector<BlockResult>& results,
                                                            const std::vector<std::string>& files, Stats& stats) {
  auto meds = std::make_shared<NdjsonMedications>();
  struct Where {
    const BlockResult::Medication* m;
    std::size_t file;
  };
  std::vector<Where> where;
  std::size_t total = 2;
  for (const auto& r : results) total += r.medication_text.size() + r.medications.size();
  meds->text.reserve(total + simdjson::SIMDJSON_PADDING);
  meds->text += '[';
  for (const auto& r : results)
    for (const auto& m : r.medications) {
      if (!where.empty()) meds->text += ',';
      meds->text.append(r.medication_text, m.offset, m.length);
      where.push_back({&m, r.file});
    }
  meds->text += ']';
  const std::size_t n = meds->text.size();
  meds->text.append(simdjson::SIMDJSON_PADDING, '\0');
  simdjson::dom::array arr;
  if (auto err = meds->parser.parse(reinterpret_cast<const std::uint8_t*>(meds->text.data()), n, false).get(arr);
      err != simdjson::SUCCESS)
    throw std::logic_error(fmt::format("Medication lines kept by the scan do not parse again: {}",
                                       simdjson::error_message(err)));
  std::size_t k = 0;
  for (element el : arr) {
    const Where& at = where[k++];
    object res;
    if (el.get(res) != simdjson::SUCCESS) continue;
    std::string location = fmt::format("{}:{}#", files[at.file], at.m->line);  // a pointer's prefix
    const std::string line = fmt::format("{}:{}", files[at.file], at.m->line);    // for messages
    std::string conflict;
    if (!at.m->keys_unique)
      conflict = fmt::format("the Medication at {} names a member more than once; which value is meant cannot be told",
                             line);
    auto [it, fresh] = meds->by_reference.try_emplace("Medication/" + at.m->id,
                                                      NdjsonMedications::Found{res, location, conflict});
    if (fresh) continue;
    // The same Medication again (an export of several files may repeat one): read once.
    NdjsonMedications::Found& first = it->second;
    if (simdjson::minify(first.resource) == simdjson::minify(res)) continue;
    const std::string first_line = first.location.substr(0, first.location.size() - 1);
    stats.invalid.push_back({files[at.file], at.m->line,
                             fmt::format("Medication/{} appears twice with different content (the other at {}); which "
                                         "one is meant cannot be told, so no patient whose medicationReference names "
                                         "it is evaluated",
                                         at.m->id, first_line)});
    first.conflict = fmt::format("Medication/{} appears twice in the export with different content (at {} and at {}); "
                                 "which one is meant cannot be told",
                                 at.m->id, first_line, line);
  }
  for (auto& r : results) {
    r.medication_text = {};
    r.medications = {};
  }
  return meds;
}

// Pass 0 over a block: who is in the export, and who has a resource that may put them in the cohort.
void candidates_of_block(const Block& b, simdjson::dom::parser& parser, CohortCandidates& out) {
  const char* p = b.data();
  std::size_t pos = 0;
  while (pos < b.size) {
    const void* nl = std::memchr(p + pos, '\n', b.size - pos);
    const std::size_t end = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - p) : b.size;
    std::size_t len = end - pos;
    const char* s = p + pos;
    pos = end + 1;
    if (len >= 3 && std::memcmp(s, "\xEF\xBB\xBF", 3) == 0) s += 3, len -= 3;
    if (len == 0 || blank(s, len)) continue;
    element doc;
    object res;
    std::string_view type;
    // Unreadable lines are pass 1's to report.
    if (parser.parse(reinterpret_cast<const std::uint8_t*>(s), len, false).get(doc) != simdjson::SUCCESS ||
        doc.get(res) != simdjson::SUCCESS || res["resourceType"].get(type) != simdjson::SUCCESS)
      continue;
    std::string_view id;
    if (type == "Patient") {
      if (res["id"].get(id) == simdjson::SUCCESS && is_fhir_id(id)) out.everyone.emplace(id);
      continue;
    }
    std::string_view ref;
    if (res["subject"]["reference"].get(ref) != simdjson::SUCCESS) continue;
    const std::string patient = fhir_patient_id(ref);
    if (!is_fhir_id(patient)) continue;
    out.everyone.insert(patient);
    // A Condition, Procedure or medication resource the reader would read (an HCC diagnosis, a
    // TACE, a systemic therapy, or another such entry): a candidate; the record decides.
    const bool kind = type == "Condition" || type == "Procedure" || type == "MedicationStatement" ||
                      type == "MedicationRequest" || type == "MedicationAdministration";
    if (kind && !fhir_skipped_on_code(res, type)) out.candidates.insert(patient);
  }
}

}  // namespace

CohortCandidates find_cohort_candidates(const std::vector<std::string>& files, const Options& options, int threads,
                                        Progress& progress) {
  LineSource source(files, options.block_bytes);
  progress.phase("selecting", source.total(), " MB", 1e6);
  std::mutex source_mutex, merge_mutex;
  CohortCandidates all;
  bool done = false;
  auto work = [&](std::size_t, int) {
    simdjson::dom::parser parser;
    Block block;
    CohortCandidates mine;
    for (;;) {
      std::uint64_t before = 0, after = 0;
      {
        std::lock_guard lock(source_mutex);
        if (done) break;
        before = source.consumed();
        if (!source.next(block)) {
          done = true;
          break;
        }
        after = source.consumed();
      }
      progress.advance(after - before);
      candidates_of_block(block, parser, mine);
    }
    std::lock_guard lock(merge_mutex);
    all.everyone.merge(mine.everyone);
    all.candidates.merge(mine.candidates);
  };
  parallel_for(static_cast<std::size_t>(threads < 1 ? 1 : threads), threads, work);
  progress.finish();
  return all;
}

NdjsonPatients scan_ndjson(const std::vector<std::string>& files, const Options& options, int threads, Stats& stats,
                           Progress& progress, const std::unordered_set<std::string>* only) {
  LineSource source(files, options.block_bytes);
  progress.phase("reading", source.total(), " MB", 1e6);
  std::mutex source_mutex, results_mutex;
  std::vector<BlockResult> results;
  bool done = false;
  // Each worker takes the next block (reading is serial), scans it and stores its result by
  // sequence number; the blocks and so the results do not depend on the number of workers.
  auto work = [&](std::size_t, int) {
    simdjson::dom::parser parser;
    Block block;
    for (;;) {
      std::uint64_t before = 0, after = 0;
      {
        std::lock_guard lock(source_mutex);
        if (done) return;
        before = source.consumed();
        if (!source.next(block)) {
          done = true;
          return;
        }
        after = source.consumed();
      }
      progress.advance(after - before);
      BlockResult r;
      scan_block(block, parser, r, only);
      std::lock_guard lock(results_mutex);
      if (results.size() <= block.seq) results.resize(block.seq + 1);
      results[block.seq] = std::move(r);
    }
  };
  parallel_for(static_cast<std::size_t>(threads < 1 ? 1 : threads), threads, work);
  progress.finish();

  NdjsonPatients out;
  out.files = files;
  std::unordered_map<std::string, std::size_t> index;
  for (auto& r : results) {
    stats.lines += r.lines;
    stats.bytes += r.bytes;
    stats.lines_not_in_cohort += r.not_in_cohort;
    for (const auto& [k, n] : r.skipped) stats.skipped[k] += n;
    for (auto& [line, msg] : r.invalid) stats.invalid.push_back({files[r.file], line, std::move(msg)});
    const auto arena = static_cast<std::uint32_t>(out.arenas.size());
    for (auto& k : r.kept) {
      auto [it, fresh] = index.try_emplace(k.patient, out.patients.size());
      if (fresh) out.patients.emplace_back(std::move(k.patient), std::vector<NdjsonPatients::LineRef>{});
      out.patients[it->second].second.push_back(
          {arena, k.offset, k.length, static_cast<std::uint32_t>(r.file), k.line, k.keys_unique});
      ++stats.lines_kept;
      stats.bytes_kept += k.length;
    }
    out.arenas.push_back(std::move(r.arena));
    r.kept = {};
  }
  std::sort(out.patients.begin(), out.patients.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  out.medications = index_medications(results, files, stats);
  return out;
}

NdjsonPatient read_ndjson_patient(const NdjsonPatients& in, std::size_t i, simdjson::dom::parser& parser) {
  const auto& refs = in.patients[i].second;
  // The patient's lines as one JSON array, parsed at once so that every resource stays alive.
  std::string buf;
  std::size_t total = 2;
  for (const auto& r : refs) total += r.length + 1;
  buf.reserve(total + simdjson::SIMDJSON_PADDING);
  buf += '[';
  for (std::size_t k = 0; k < refs.size(); ++k) {
    if (k) buf += ',';
    buf.append(in.arenas[refs[k].arena], refs[k].offset, refs[k].length);
  }
  buf += ']';
  const std::size_t n = buf.size();
  buf.append(simdjson::SIMDJSON_PADDING, '\0');

  NdjsonPatient out;
  out.rr.format = "FHIR R4 Bulk NDJSON";
  simdjson::dom::array arr;
  if (auto err = parser.parse(reinterpret_cast<const std::uint8_t*>(buf.data()), n, false).get(arr);
      err != simdjson::SUCCESS)
    throw std::logic_error(fmt::format("lines kept by the scan do not parse again: {}", simdjson::error_message(err)));
  std::vector<FhirResource> resources;
  resources.reserve(refs.size());
  std::size_t k = 0;
  for (element el : arr) {
    const auto& ref = refs[k++];
    object res;
    std::string_view type;
    if (el.get(res) != simdjson::SUCCESS || res["resourceType"].get(type) != simdjson::SUCCESS) continue;
    if (type == "Patient") {
      out.patient_location = fmt::format("{}:{}#", in.files[ref.file], ref.line);
      std::string_view deceased;
      bool flag = false;
      if (res["deceasedDateTime"].get(deceased) == simdjson::SUCCESS) {
        out.died = true;
        if (deceased.size() >= 10) out.deceased = Date::parse(deceased.substr(0, 10));
      } else if (res["deceasedBoolean"].get(flag) == simdjson::SUCCESS) {
        out.died = flag;
      } else {
        out.died = false;
      }
    }
    std::string location = in.files[ref.file];
    location.append(":").append(std::to_string(ref.line)).append("#");
    resources.push_back({std::move(location), "", std::string(type), res, ref.keys_unique});
  }
  // A medicationReference to a Medication of Medication.ndjson (none among the patient's lines).
  const NdjsonMedications* meds = in.medications.get();
  const MedicationLookup lookup = [meds](std::string_view reference) -> std::optional<ExternalMedication> {
    if (meds == nullptr) return std::nullopt;
    const auto it = meds->by_reference.find(std::string(reference));
    if (it == meds->by_reference.end()) return std::nullopt;
    return ExternalMedication{it->second.resource, it->second.location, it->second.conflict};
  };
  read_fhir_resources(resources, out.rr, &lookup);
  return out;
}

InvalidLine invalid_line_of(const Problem& p) {
  // "path/Observation.ndjson:12#/valueQuantity": the line number is the digits before the '#'
  // that follows the file's ":" (the pointer may hold ':' and '#' itself).
  const std::string& loc = p.location;
  for (std::size_t hash = loc.find('#'); hash != std::string::npos; hash = loc.find('#', hash + 1)) {
    std::size_t colon = hash;
    while (colon > 0 && loc[colon - 1] >= '0' && loc[colon - 1] <= '9') --colon;
    if (colon == hash || colon == 0 || loc[colon - 1] != ':') continue;
    const std::string pointer = loc.substr(hash + 1);
    return {loc.substr(0, colon - 1), std::stol(loc.substr(colon, hash - colon)),
            pointer.empty() ? p.message : fmt::format("{}: {}", pointer, p.message)};
  }
  return {"", 0, loc.empty() ? p.message : fmt::format("{}: {}", loc, p.message)};
}

}  // namespace switchpoint::cohort
