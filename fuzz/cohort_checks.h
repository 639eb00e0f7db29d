#pragma once
// What both cohort harnesses (ndjson_line_fuzz, csv_dtsdhcc_fuzz) check of a cohort result: one
// row per patient, invalid-line messages in UTF-8, rows that are JSON, and writers that do not fail.
#include <simdjson.h>

#include <string>

#include "cohort/cohort.h"
#include "cohort/report.h"
#include "cohort/row.h"
#include "fuzz/harness.h"

namespace switchpoint::fuzz {

inline void check_cohort_result(const cohort::Result& res) {
  SWITCHPOINT_FUZZ_CHECK(res.stats.patients == res.rows.size());
  for (const auto& l : res.stats.invalid) SWITCHPOINT_FUZZ_CHECK(simdjson::validate_utf8(l.message));
  const std::string nd = cohort::rows_to_ndjson(res.rows);
  check_ndjson(nd);
  (void)cohort::rows_to_csv(res.rows);
  (void)cohort::cohort_report_html(res);
}

}  // namespace switchpoint::fuzz
