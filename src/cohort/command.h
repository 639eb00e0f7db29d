#pragma once
// What `switchpoint cohort` does after its options are parsed (src/cli/commands.cpp registers
// it): evaluate, write OUT (CSV or NDJSON by its extension) and the report atomically, print a
// summary on standard output and every invalid line on standard error.
#include <iosfwd>
#include <string>

#include "cohort/cohort.h"

namespace switchpoint::cohort {

struct CommandOptions {
  Options cohort;
  std::string output;          // .csv, .ndjson or .jsonl
  std::string report;          // .html, optional
  std::string analysis;        // --analysis FILE.json: switch versus continue (cohort/analysis.h), optional
  std::string analysis_table;  // --analysis-table FILE.csv: the lines the models saw, optional
  int landmark_days = 90;      // --landmark-days N
  // Analysis-ready tables (issue 15 item 4; docs/cohort.md "Outputs"), each optional.
  std::string criteria;    // --criteria: patient × definition × criterion (.csv)
  std::string episodes;    // --episodes: dated treatment episodes (.csv)
  std::string dictionary;  // --dictionary: the tables' columns (.json)
  std::string excluded;    // --excluded: patients of the export not in the cohort (.csv)
};

// Exit codes: 0 done (invalid lines are reported, never fatal); 2 bad usage or unreadable input.
int run_cohort_command(const CommandOptions& options, std::ostream& out, std::ostream& err);

// Writes `content` to `path` through a temporary file beside it, renamed when complete.
// Throws UsageError naming the file when it cannot be written.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace switchpoint::cohort
