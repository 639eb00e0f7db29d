#include "cohort/ndjson_input.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <iterator>
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
  // The kept lines' bytes (a gzip or unmappable file), or empty with in_file: the kept lines are
  // named by their offset in the mapped file, with the hash of their bytes.
  std::string arena;
  bool in_file = false;
  // The patients of the kept lines, each once per run of consecutive lines (a patient's lines are
  // mostly consecutive): a kept line names its patient by index here, not by a copy of the id.
  std::vector<std::string> patients;
  // 20 bytes a kept line, until scan_ndjson has filled the index.
  struct Kept {
    std::uint32_t patient;  // index into patients
    std::uint32_t offset;   // in the block, and in the arena; in the file: base + offset
    std::uint32_t length;
    std::uint32_t line;  // first_line + line
    bool keys_unique;
  };
  std::vector<Kept> kept;
  std::uint64_t base = 0;  // with in_file: where the block lies in the file
  long first_line = 1;
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

// Pass 0 for one parsed resource: who is in the export, and who has a resource that may put them
// in the cohort. `last` is the patient last added to everyone (consecutive lines are mostly one
// patient's: the set is not asked again).
// The resource's subject.reference, or nullopt when it has none that is a string.
std::optional<std::string_view> subject_reference(object res) {
  std::string_view ref;
  if (res["subject"]["reference"].get(ref) != simdjson::SUCCESS) return std::nullopt;
  return ref;
}

// `subject`: subject_reference(res), looked up once by the caller.
void note_candidate(object res, std::string_view type, std::optional<std::string_view> subject, CohortCandidates& out,
                    std::string& last) {
  std::string_view id;
  if (type == "Patient") {
    if (res["id"].get(id) == simdjson::SUCCESS && is_fhir_id(id) && id != last) {
      out.everyone.emplace(id);
      last.assign(id);
    }
    return;
  }
  if (!subject) return;
  const std::string_view patient = fhir_patient_id_view(*subject);
  if (!is_fhir_id(patient)) return;
  if (patient != last) {
    out.everyone.emplace(patient);
    last.assign(patient);
  }
  // A Condition, Procedure or medication resource the reader would read (an HCC diagnosis, a
  // TACE, a systemic therapy, or another such entry): a candidate; the record decides.
  const bool kind = type == "Condition" || type == "Procedure" || type == "MedicationStatement" ||
                    type == "MedicationRequest" || type == "MedicationAdministration";
  if (kind && !fhir_skipped_on_code(res, type)) out.candidates.emplace(patient);
}

// Pass 0 for one line (a UTF-8 byte order mark already stripped); unreadable lines are pass 1's
// to report.
void candidate_of_line(const char* s, std::size_t len, simdjson::dom::parser& parser, CohortCandidates& out,
                       std::string& last) {
  if (len == 0 || blank(s, len)) return;
  element doc;
  object res;
  std::string_view type;
  if (parser.parse(reinterpret_cast<const std::uint8_t*>(s), len, false).get(doc) != simdjson::SUCCESS ||
      doc.get(res) != simdjson::SUCCESS || res["resourceType"].get(type) != simdjson::SUCCESS)
    return;
  note_candidate(res, type, subject_reference(res), out, last);
}

// Pass 0 done by pass 1's parse: the candidates found, and the patient last noted.
struct Selecting {
  CohortCandidates found;
  std::string last;
};

// Pass 1 for one line at `s` - `base` in its block. With `select`, pass 0 too, from the same parse.
void scan_line(const char* s, std::size_t len, long line, const char* base, simdjson::dom::parser& parser,
               BlockResult& out, const std::unordered_set<std::string>* only, Selecting* select) {
  if (blank(s, len)) {
    ++out.skipped["(blank line)"];
    return;
  }
  ++out.lines;
  element doc;
  if (auto err = parser.parse(reinterpret_cast<const std::uint8_t*>(s), len, false).get(doc);
      err != simdjson::SUCCESS) {
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
  static const std::string root;  // the line's pointers start at its root
  const bool ambiguous = json::duplicate_keys(doc, root, duplicates) > 0;
  std::string_view type;
  const bool typed = res["resourceType"].get(type) == simdjson::SUCCESS;
  const std::optional<std::string_view> subject = subject_reference(res);
  if (select != nullptr && typed) note_candidate(res, type, subject, select->found, select->last);
  if (!typed || type.empty()) {
    out.invalid.emplace_back(line, "no resourceType: a line of FHIR Bulk NDJSON must be one FHIR resource");
    return;
  }
  std::string_view patient;  // a view of the line: copied only when the line is kept for a new patient
  if (type == "Patient") {
    std::string_view id;
    if (res["id"].get(id) != simdjson::SUCCESS || id.empty()) {
      out.invalid.emplace_back(line, "a Patient without an id: the other resources cannot be linked to it");
      return;
    }
    patient = id;
  } else {
    // A Medication (in no patient's compartment) is kept aside for the medicationReference of
    // each patient's resources; it is still counted below as skipped, as in a Bundle.
    if (std::string_view id; type == "Medication" && res["id"].get(id) == simdjson::SUCCESS && is_fhir_id(id)) {
      out.medications.push_back({std::string(id), static_cast<std::uint32_t>(out.medication_text.size()),
                                 static_cast<std::uint32_t>(len), line, !ambiguous});
      out.medication_text.append(s, len);
    }
    const std::string_view ref = subject.value_or(std::string_view());
    const bool has_subject = !ref.empty();
    if (auto key = ambiguous ? std::nullopt : fhir_skipped_on_code(res, type)) {
      ++out.skipped[*key];
      return;
    }
    if (!has_subject) {
      out.invalid.emplace_back(
          line,
          fmt::format("{} without subject.reference: whose resource it is cannot be told "
                      "(in Bulk Data each resource names its patient){}",
                      type, ambiguous ? "; " + duplicates.front().location + ": " + duplicates.front().message : ""));
      return;
    }
    patient = fhir_patient_id_view(ref);
  }
  // FHIR R4 ids are 1–64 of [A-Za-z0-9-.]: anything else (" p1", "p1\n…", "=cmd") would make a
  // phantom patient or reach the output rows, so the line cannot be linked to a patient.
  if (!is_fhir_id(patient)) {
    out.invalid.emplace_back(line,
                             fmt::format("{} '{}' is not a FHIR id (1 to 64 letters, digits, '-' or '.'): the "
                                         "line cannot be linked to a patient",
                                         type == "Patient" ? "the Patient's id" : "the patient of subject.reference",
                                         patient.substr(0, 100)));
    return;
  }
  // A whole-population export: lines of people outside the cohort are counted, never kept.
  if (only != nullptr && only->count(std::string(patient)) == 0) {
    ++out.not_in_cohort;
    return;
  }
  // Kept by its place in the block: scan_block copies the kept lines once, or names them in the file.
  if (out.patients.empty() || out.patients.back() != patient) out.patients.emplace_back(patient);
  out.kept.push_back({static_cast<std::uint32_t>(out.patients.size() - 1), static_cast<std::uint32_t>(s - base),
                      static_cast<std::uint32_t>(len), static_cast<std::uint32_t>(line - out.first_line), !ambiguous});
}

// `mapped`: the block's file is mapped (NdjsonPatients::maps), so that a contiguous block's kept
// lines are named by offset instead of copied.
void scan_block(const Block& b, bool mapped, simdjson::dom::parser& parser, BlockResult& out,
                const std::unordered_set<std::string>* only, Selecting* select) {
  out.file = b.file;
  out.bytes = b.size - b.overlong_bytes;
  out.first_line = b.first_line;
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
    // Pass 0 strips a byte order mark at the start of any line, pass 1 on the first line only:
    // where their bytes differ, pass 0 parses its own.
    Selecting* same = select;
    if (select != nullptr && skip == 0 && len >= 3 && std::memcmp(p + pos, "\xEF\xBB\xBF", 3) == 0) {
      candidate_of_line(p + pos + 3, len - 3, parser, select->found, select->last);
      same = nullptr;
    }
    if (std::find(b.overlong.begin(), b.overlong.end(), line) == b.overlong.end())
      scan_line(p + pos + skip, len - skip, line, p, parser, out, only, same);
    pos = end + 1;
    ++line;
  }
  if (!b.error.empty()) out.invalid.emplace_back(line, b.error);
  if (mapped && b.contiguous) {
    out.in_file = true;
    out.base = b.file_offset;
    return;
  }
  // One copy of the kept lines, into an arena of their exact size.
  std::size_t total = 0;
  for (const auto& k : out.kept) total += k.length;
  out.arena.reserve(total);
  for (auto& k : out.kept) {
    const auto at = static_cast<std::uint32_t>(out.arena.size());
    out.arena.append(p + k.offset, k.length);
    k.offset = at;
  }
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
    throw std::logic_error(
        fmt::format("Medication lines kept by the scan do not parse again: {}", simdjson::error_message(err)));
  std::size_t k = 0;
  for (element el : arr) {
    const Where& at = where[k++];
    object res;
    if (el.get(res) != simdjson::SUCCESS) continue;
    std::string location = fmt::format("{}:{}#", files[at.file], at.m->line);   // a pointer's prefix
    const std::string line = fmt::format("{}:{}", files[at.file], at.m->line);  // for messages
    std::string conflict;
    if (!at.m->keys_unique)
      conflict =
          fmt::format("the Medication at {} names a member more than once; which value is meant cannot be told", line);
    auto [it, fresh] =
        meds->by_reference.try_emplace("Medication/" + at.m->id, NdjsonMedications::Found{res, location, conflict});
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
    first.conflict = fmt::format(
        "Medication/{} appears twice in the export with different content (at {} and at {}); "
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
void candidates_of_block(const Block& b, simdjson::dom::parser& parser, CohortCandidates& out, std::string& last) {
  const char* p = b.data();
  std::size_t pos = 0;
  while (pos < b.size) {
    const void* nl = std::memchr(p + pos, '\n', b.size - pos);
    const std::size_t end = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - p) : b.size;
    std::size_t len = end - pos;
    const char* s = p + pos;
    pos = end + 1;
    if (len >= 3 && std::memcmp(s, "\xEF\xBB\xBF", 3) == 0) s += 3, len -= 3;
    candidate_of_line(s, len, parser, out, last);
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
    std::string last;
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
      candidates_of_block(block, parser, mine, last);
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
                           Progress& progress, const std::unordered_set<std::string>* only, CohortCandidates* select) {
  if (only != nullptr) select = nullptr;
  NdjsonPatients out;
  out.files = files;
  // Plain files are mapped first, so that their kept lines need no copy.
  out.maps.resize(files.size());
  for (std::size_t f = 0; f < files.size(); ++f)
    if (files[f].size() < 3 || files[f].compare(files[f].size() - 3, 3, ".gz") != 0)
      out.maps[f] = MappedFile::map(files[f]);
  LineSource source(files, options.block_bytes);
  source.use_maps(out.maps);
  progress.phase("reading", source.total(), " MB", 1e6);
  std::mutex source_mutex, results_mutex, select_mutex;
  std::vector<BlockResult> results;
  bool done = false;
  // Each worker takes the next block (reading is serial), scans it and stores its result by
  // sequence number; the blocks and so the results do not depend on the number of workers.
  auto work = [&](std::size_t, int) {
    simdjson::dom::parser parser;
    Block block;
    Selecting mine;
    // The worker's list of a block's kept lines, reused from block to block (its memory stays
    // warm); each block's result gets an exact-size copy.
    std::vector<BlockResult::Kept> kept;
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
      BlockResult r;
      kept.clear();
      r.kept = std::move(kept);
      scan_block(block, out.maps[block.file] != nullptr, parser, r, only, select ? &mine : nullptr);
      kept = std::move(r.kept);
      r.kept.assign(kept.begin(), kept.end());
      std::lock_guard lock(results_mutex);
      if (results.size() <= block.seq) results.resize(block.seq + 1);
      results[block.seq] = std::move(r);
    }
    if (select == nullptr) return;
    std::lock_guard lock(select_mutex);
    select->everyone.merge(mine.found.everyone);
    select->candidates.merge(mine.found.candidates);
  };
  parallel_for(static_cast<std::size_t>(threads < 1 ? 1 : threads), threads, work);
  progress.finish();

  // The kept lines by patient: each block's patients are found in `index` once, and each patient's
  // list of lines is given its exact size before it is filled.
  std::unordered_map<std::string, std::size_t> index;
  std::vector<std::vector<std::size_t>> patient_of(results.size());  // block → its patients' indexes in out.patients
  std::vector<std::size_t> count;
  for (std::size_t b = 0; b < results.size(); ++b) {
    auto& r = results[b];
    patient_of[b].reserve(r.patients.size());
    for (auto& name : r.patients) {
      auto [it, fresh] = index.try_emplace(name, out.patients.size());
      if (fresh) {
        out.patients.emplace_back(std::move(name), std::vector<NdjsonPatients::LineRef>{});
        count.push_back(0);
      }
      patient_of[b].push_back(it->second);
    }
    r.patients = {};
    for (const auto& k : r.kept) ++count[patient_of[b][k.patient]];
  }
  for (std::size_t p = 0; p < out.patients.size(); ++p) out.patients[p].second.reserve(count[p]);
  for (std::size_t b = 0; b < results.size(); ++b) {
    auto& r = results[b];
    stats.lines += r.lines;
    stats.bytes += r.bytes;
    stats.lines_not_in_cohort += r.not_in_cohort;
    for (const auto& [k, n] : r.skipped) stats.skipped[k] += n;
    for (auto& [line, msg] : r.invalid) stats.invalid.push_back({files[r.file], line, std::move(msg)});
    std::uint32_t arena = NdjsonPatients::kInFile;
    if (!r.in_file) {
      arena = static_cast<std::uint32_t>(out.arenas.size());
      out.arenas.push_back(std::move(r.arena));
    }
    for (const auto& k : r.kept) {
      out.patients[patient_of[b][k.patient]].second.push_back({arena, k.length, r.base + k.offset,
                                                               static_cast<std::uint32_t>(r.file), k.keys_unique,
                                                               r.first_line + static_cast<long>(k.line)});
    }
    r.kept = {};
  }
  // Selection in the same pass: the lines of patients who are not candidates are dropped, counted.
  if (select != nullptr)
    std::erase_if(out.patients, [&](const auto& p) {
      if (select->candidates.count(p.first)) return false;
      stats.lines_not_in_cohort += p.second.size();
      return true;
    });
  for (const auto& p : out.patients) {
    stats.lines_kept += p.second.size();
    for (const auto& ref : p.second) stats.bytes_kept += ref.length;
  }
  std::sort(out.patients.begin(), out.patients.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  out.medications = index_medications(results, files, stats);
  return out;
}

std::string changed_message(const std::string& path) {
  return fmt::format(
      "{}: the file changed while it was read (its size, time or identity is not what it was when "
      "reading began); evaluate it again once it is complete",
      path);
}

std::optional<std::string> NdjsonPatients::changed_file() const {
  for (std::size_t f = 0; f < maps.size(); ++f)
    if (maps[f] && !maps[f]->unchanged(files[f])) return changed_message(files[f]);
  return std::nullopt;
}

NdjsonPatient read_ndjson_patient(const NdjsonPatients& in, std::size_t i, simdjson::dom::parser& parser) {
  const auto& refs = in.patients[i].second;
  // The patient's lines are parsed together, as one JSON array of them copied into the thread's
  // buffer: one parse per patient instead of one per line (a parse has a fixed cost that lines of
  // a few hundred bytes feel). The buffer and the document are the thread's, reused from patient
  // to patient: memory grows with the largest patient's lines, never with the export. Should the
  // array not parse (a line nested as deep as the parser allows is one level too deep inside it),
  // each line is parsed into its own document instead, where it lies when the bytes after it can
  // be read (simdjson reads a little past the end), else from a padded copy. Either way every
  // resource stays alive while the patient is read, and a document keeps no reference to its bytes.
  thread_local std::string joined;
  thread_local simdjson::dom::document joined_doc;
  thread_local std::vector<simdjson::dom::document> docs;
  thread_local std::string padded;
  thread_local std::vector<element> lines;
  thread_local std::vector<FhirResource> resources;
  // The resources' strings are the thread's too, overwritten in place from patient to patient.
  if (resources.size() < refs.size()) resources.resize(refs.size());
  std::size_t filled = 0;  // resources[0, filled) are this patient's
  lines.clear();

  // Where line `ref` lies, and how many bytes may be read from there on.
  auto line_at = [&in](const NdjsonPatients::LineRef& ref) -> std::pair<const char*, std::size_t> {
    if (ref.arena != NdjsonPatients::kInFile) {
      const std::string& arena = in.arenas[ref.arena];
      return {arena.data() + ref.offset, arena.size() - ref.offset};
    }
    // A line named in its mapped file (whether the file changed meanwhile is asked at the end:
    // NdjsonPatients::changed_file).
    const MappedFile* f = in.maps[ref.file].get();
    if (f == nullptr || ref.offset + ref.length > f->size()) throw UsageError(changed_message(in.files[ref.file]));
    return {f->data() + ref.offset, f->size() - ref.offset};
  };

  std::size_t total = 2;
  for (const auto& ref : refs) total += ref.length + 1;
  joined.clear();
  joined.reserve(total + simdjson::SIMDJSON_PADDING);
  joined.push_back('[');
  for (std::size_t k = 0; k < refs.size(); ++k) {
    if (k > 0) joined.push_back(',');
    joined.append(line_at(refs[k]).first, refs[k].length);
  }
  joined.push_back(']');
  const std::size_t joined_length = joined.size();
  joined.append(simdjson::SIMDJSON_PADDING, '\0');
  element root;
  simdjson::dom::array all;
  if (parser.parse_into_document(joined_doc, reinterpret_cast<const std::uint8_t*>(joined.data()), joined_length, false)
              .get(root) == simdjson::SUCCESS &&
      root.get(all) == simdjson::SUCCESS)
    for (element el : all) lines.push_back(el);
  if (lines.size() != refs.size()) {
    lines.clear();
    if (docs.size() < refs.size()) docs.resize(refs.size());
    for (std::size_t k = 0; k < refs.size(); ++k) {
      const auto& ref = refs[k];
      auto [bytes, readable] = line_at(ref);
      if (readable < ref.length + simdjson::SIMDJSON_PADDING) {
        padded.assign(bytes, ref.length);
        padded.append(simdjson::SIMDJSON_PADDING, '\0');
        bytes = padded.data();
      }
      element el;
      if (auto err =
              parser.parse_into_document(docs[k], reinterpret_cast<const std::uint8_t*>(bytes), ref.length, false)
                  .get(el);
          err != simdjson::SUCCESS) {
        if (auto changed = in.changed_file()) throw UsageError(*changed);
        throw std::logic_error(
            fmt::format("lines kept by the scan do not parse again: {}", simdjson::error_message(err)));
      }
      lines.push_back(el);
    }
  }

  NdjsonPatient out;
  out.rr.format = "FHIR R4 Bulk NDJSON";
  for (std::size_t k = 0; k < refs.size(); ++k) {
    const auto& ref = refs[k];
    const element el = lines[k];
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
    // "path/Observation.ndjson:12#", into the string of an earlier patient's resource.
    const std::string& file = in.files[ref.file];
    char digits[24];
    const auto [digits_end, ec] = std::to_chars(std::begin(digits), std::end(digits), ref.line);
    (void)ec;  // 24 digits hold any long
    FhirResource& r = resources[filled++];
    r.location.assign(file).append(1, ':').append(digits, digits_end).append(1, '#');
    r.full_url.clear();
    r.type.assign(type);
    r.resource = res;
    r.keys_unique = ref.keys_unique;
  }
  // A medicationReference to a Medication of Medication.ndjson (none among the patient's lines).
  const NdjsonMedications* meds = in.medications.get();
  const MedicationLookup lookup = [meds](std::string_view reference) -> std::optional<ExternalMedication> {
    if (meds == nullptr) return std::nullopt;
    const auto it = meds->by_reference.find(std::string(reference));
    if (it == meds->by_reference.end()) return std::nullopt;
    return ExternalMedication{it->second.resource, it->second.location, it->second.conflict};
  };
  read_fhir_resources(std::span<const FhirResource>(resources.data(), filled), out.rr, &lookup);
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
