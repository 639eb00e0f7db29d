#pragma once
// FHIR R4 Bulk Data NDJSON (one resource per line, usually one file per resource type) for many
// patients, in two passes:
//  1. scan (parallel over blocks of lines): each line is parsed once; a resource skipped on its
//     type or code (a heart rate, a Practitioner) is counted and forgotten; an unreadable line is
//     reported with file and line; every other line is kept, by patient. A plain file is mapped
//     into memory, scanned there (no read into a buffer) and its kept lines are kept as offsets
//     into it (the bytes stay in the page cache, never copied); a gzip file's kept lines are
//     copied into arenas. Either way memory grows with the kept lines only (about 20 bytes each
//     while scanning, then 32 in the index): irrelevant lines cost parse time, not memory. With cohort
//     selection the same parse also finds the cohort's candidates (pass 0 below), when every file
//     is plain; with a gzip file, pass 0 reads the files first so that only the cohort's lines are
//     copied.
//  2. read (parallel over patients): a patient's kept lines are parsed again, together, as one JSON
//     array of them copied into a buffer of the thread's (one parse per patient; the buffer grows
//     with the largest patient's lines only; a line too deep to be nested in the array is parsed
//     on its own instead), and read by the same resource-level reader as a Bundle's entries
//     (readers/fhir_resources.h).
#include <simdjson.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "cohort/cohort.h"
#include "cohort/line_source.h"
#include "cohort/parallel.h"
#include "readers/problems.h"

namespace switchpoint::cohort {

// The Medications of the export (Medication*.ndjson: in no patient's compartment), by
// "Medication/<id>", for the medicationReference of each patient's resources. Kept once, parsed
// once (memory grows with the number of Medications); read-only while patients are read in parallel.
struct NdjsonMedications {
  struct Found {
    simdjson::dom::object resource;
    std::string location;  // "Medication.ndjson:3#"
    std::string conflict;  // not empty: an id of two different Medications, or a member named twice
  };
  std::string text;  // the Medication lines as one JSON array, with simdjson's padding
  simdjson::dom::parser parser;
  std::unordered_map<std::string, Found> by_reference;
};

// "FILE: the file changed while it was read …"
std::string changed_message(const std::string& path);

struct NdjsonPatients {
  static constexpr std::uint32_t kInFile = 0xFFFFFFFFu;  // LineRef::arena of a line read from its mapped file
  struct LineRef {
    std::uint32_t arena = 0;  // index into arenas, or kInFile: the line is in maps[file]
    std::uint32_t length = 0;
    std::uint64_t offset = 0;  // of the line in its arena or file
    std::uint32_t file = 0;    // index into files
    bool keys_unique = true;   // false: an object of the line names a member twice (the reader says so)
    long line = 0;
  };
  std::vector<std::string> files;
  std::vector<std::shared_ptr<const MappedFile>> maps;  // by file; null for a gzip or unmappable file
  std::vector<std::string> arenas;  // the kept lines' bytes of gzip and unmappable files, one arena per block
  // The message naming a mapped file that changed since it was mapped (the scan read what it
  // held then, the patients' lines are read from it later): asked once every patient is read,
  // whose results are then not to be used.
  std::optional<std::string> changed_file() const;
  std::vector<std::pair<std::string, std::vector<LineRef>>> patients;  // by patient id
  std::shared_ptr<const NdjsonMedications> medications;                // never null after scan_ndjson
};

struct CohortCandidates;

// Pass 1 over the files (paths as they will be shown). Fills stats (lines, bytes, skipped,
// invalid lines) and returns the kept lines by patient, sorted by patient id, and the
// Medications (a Medication line is still counted as skipped: it is read only through a
// medicationReference). A Medication id on two lines of different content is an invalid line
// (the second), and a problem of every patient whose medicationReference names it.
// With `only`, the lines of patients not in it are counted (stats.lines_not_in_cohort) and dropped:
// memory grows with the cohort, not with the export.
// With `select` (and no `only`), pass 0 is done by the same parse: `select` receives what
// find_cohort_candidates would return for these files, and only the candidates' lines are kept
// (the others counted in stats.lines_not_in_cohort), as with `only` = select->candidates.
NdjsonPatients scan_ndjson(const std::vector<std::string>& files, const Options& options, int threads, Stats& stats,
                           Progress& progress, const std::unordered_set<std::string>* only = nullptr,
                           CohortCandidates* select = nullptr);

// Pass 0 (issue 15 item 7, a whole-population export): every patient of the export, and the
// candidates of the cohort: patients with a Condition, Procedure or Medication{Statement,Request,
// Administration} that the reader does not skip on its code (an HCC diagnosis, a TACE, a systemic
// therapy, among others). Keeps patient ids only; unreadable lines are left to pass 1.
struct CohortCandidates {
  std::unordered_set<std::string> everyone;
  std::unordered_set<std::string> candidates;
};
CohortCandidates find_cohort_candidates(const std::vector<std::string>& files, const Options& options, int threads,
                                        Progress& progress);

// Pass 2 for patient i: reads the patient's record from its kept lines. Problems are reported in
// `rr` with locations "file:line#/pointer". `died`/`deceased` give the Patient's deceased[x]
// (outcomes are not part of the engine's record).
struct NdjsonPatient {
  ReadResult rr;
  std::optional<bool> died;
  std::optional<Date> deceased;
  std::string patient_location;  // "file:line#" of the Patient line, when there is one
};
NdjsonPatient read_ndjson_patient(const NdjsonPatients& in, std::size_t i, simdjson::dom::parser& parser);

// Splits a problem location "file:line#/pointer" into an InvalidLine.
InvalidLine invalid_line_of(const Problem& p);

}  // namespace switchpoint::cohort
