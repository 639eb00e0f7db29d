// libFuzzer target: a whole CSV file read with the dtsdhcc profile by `switchpoint cohort`
// (evaluate_cohort: header by column names, rows by patient, one row per date, the engine), then
// written as rows (CSV and NDJSON) and as the cohort report. Bad rows are problems of their patient
// or invalid lines, never fatal; only a file without the profile's header is a UsageError. What
// goes out (rows, messages) is valid UTF-8.
#include <simdjson.h>

#include "cohort/cohort.h"
#include "fuzz/cohort_checks.h"
#include "fuzz/harness.h"
#include "fuzz/temp_file.h"

namespace switchpoint::fuzz {

int csv_dtsdhcc(const std::uint8_t* data, std::size_t size) {
  static TempFile file(".csv");
  cohort::Options o;
  o.inputs = {file.write(data, size)};
  o.csv_profile = "dtsdhcc";
  o.threads = 1;
  cohort::Result res;
  try {
    res = cohort::evaluate_cohort(o);
  } catch (const cohort::UsageError& e) {
    SWITCHPOINT_FUZZ_CHECK(simdjson::validate_utf8(e.what(), std::char_traits<char>::length(e.what())));
    return 0;
  }
  check_cohort_result(res);
  return 0;
}

}  // namespace switchpoint::fuzz

SWITCHPOINT_FUZZ_ENTRY(csv_dtsdhcc)
