// libFuzzer target: FHIR Bulk NDJSON as the cohort reads it. The input is the content of one
// .ndjson file — the seeds are single lines (one resource each) and a few whole patients — read by
// `switchpoint cohort` itself (evaluate_cohort: the parallel per-line scan, the per-patient
// resource reader, the engine), then written as rows (CSV and NDJSON) and as the cohort report.
// Invalid lines are counted, never fatal; only an unreadable file is a UsageError.
#include <simdjson.h>

#include "cohort/cohort.h"
#include "fuzz/cohort_checks.h"
#include "fuzz/harness.h"
#include "fuzz/temp_file.h"

namespace switchpoint::fuzz {

int ndjson_line(const std::uint8_t* data, std::size_t size) {
  static TempFile file(".ndjson");
  cohort::Options o;
  o.inputs = {file.write(data, size)};
  o.threads = 1;
  o.block_bytes = 4096;  // the smallest block: lines cross block boundaries
  cohort::Result res;
  try {
    res = cohort::evaluate_cohort(o);
  } catch (const cohort::UsageError&) {
    return 0;
  }
  check_cohort_result(res);
  return 0;
}

}  // namespace switchpoint::fuzz

SWITCHPOINT_FUZZ_ENTRY(ndjson_line)
