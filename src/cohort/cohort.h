#pragma once
// `switchpoint cohort`: many patients at once, from FHIR Bulk Data NDJSON folders (plain or
// gzip) or a long CSV read through a named column profile. Each patient's record is read with
// the same rules as a single record (readers/fhir_resources.h), evaluated by the engine as of
// its last record, and written as one row (cohort/row.h); --report adds the cohort report
// (cohort/report.h). Invalid lines are counted and reported with file and line, never fatal.
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cohort/row.h"

namespace switchpoint::cohort {

// Bad usage or an input that cannot be read at all (exit code 2).
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Options {
  std::vector<std::string> inputs;     // NDJSON folders or files (.ndjson, .ndjson.gz), or CSV files
  std::string csv_profile;             // "dtsdhcc" for CSV input
  int threads = 0;                     // 0: all cores (std::thread::hardware_concurrency)
  bool progress = false;               // a progress bar on standard error
  std::size_t block_bytes = 4u << 20;  // NDJSON is read in blocks of whole lines of about this size
  // NDJSON: evaluate only the cohort (an HCC diagnosis, a TACE or an HCC systemic therapy; Stats
  // "Cohort selection"); false (--all-patients) evaluates everyone, as before issue 15.
  bool select_cohort = true;
};

// A line that could not be read, or a resource with a problem: file, line (1-based; 0 when the
// problem concerns no single line) and what is wrong (with the JSON pointer when there is one).
struct InvalidLine {
  std::string file;
  long line = 0;
  std::string message;
};

struct Stats {
  std::string source;  // "FHIR R4 Bulk NDJSON" or "CSV (profile dtsdhcc)"
  std::vector<std::string> files;
  std::uint64_t bytes = 0;                       // input bytes (uncompressed)
  std::uint64_t lines = 0;                       // non-blank lines (CSV: data rows)
  std::uint64_t lines_kept = 0;                  // lines kept for a patient's record
  std::uint64_t bytes_kept = 0;                  // their bytes: what memory grows with
  std::uint64_t invalid_line_count = 0;          // distinct lines with a problem
  std::vector<InvalidLine> invalid;              // every problem, by file and line
  std::map<std::string, std::uint64_t> skipped;  // not used, by kind (docs/fhir.md keys)
  std::uint64_t patients = 0, patients_evaluated = 0, patients_withheld = 0;
  // Cohort selection (NDJSON; issue 15 item 7): in the cohort are patients with an HCC diagnosis,
  // a TACE or an HCC systemic therapy, or whose record is withheld (it cannot be told). The rest
  // of the export is never evaluated: listed in `not_in_cohort` (sorted) and counted.
  bool selected = false;                                                   // selection applied (NDJSON input)
  std::uint64_t export_patients = 0;                                       // everyone in the export
  std::uint64_t with_hcc_diagnosis = 0, with_tace = 0, with_systemic = 0;  // of those evaluated (overlapping)
  std::vector<std::string> not_in_cohort;
  std::uint64_t lines_not_in_cohort = 0;  // lines dropped unkept in pass 1
  int threads = 1;
};

struct Result {
  std::vector<CohortRow> rows;  // sorted by patient id
  Stats stats;
  bool has_outcomes = false;  // death and follow-up known for some patients
};

// Why a file given as NDJSON is not NDJSON at all, judged from its first 64 KiB: a FHIR Bundle
// (pretty-printed or on one line) or any JSON document over several lines. nullopt when it may be
// NDJSON (its lines then report their own problems).
std::optional<std::string> not_ndjson_reason(const std::string& path);

// Reads and evaluates; writes nothing. Throws UsageError when an input cannot be opened or a
// CSV lacks the profile's columns.
Result evaluate_cohort(const Options& options);

}  // namespace switchpoint::cohort
