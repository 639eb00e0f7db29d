// libFuzzer target: the FHIR R4 Bundle reader (unknown resources and codes are skipped and
// counted, never fatal). A record comes with no problem, problems with no record; every message
// is valid UTF-8; a record it accepts evaluates.
#include <simdjson.h>

#include <string_view>

#include "core/engine.h"
#include "fuzz/harness.h"
#include "readers/fhir_r4.h"

namespace switchpoint::fuzz {

int fhir_bundle(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto rr = read_fhir_bundle(bytes);
  SWITCHPOINT_FUZZ_CHECK(rr.record.has_value() == rr.problems.empty());
  for (const auto& p : rr.problems) {
    SWITCHPOINT_FUZZ_CHECK(!p.message.empty());
    SWITCHPOINT_FUZZ_CHECK(simdjson::validate_utf8(p.message));
    SWITCHPOINT_FUZZ_CHECK(simdjson::validate_utf8(p.location));
  }
  for (const auto& [what, n] : rr.skipped) SWITCHPOINT_FUZZ_CHECK(n > 0 && simdjson::validate_utf8(what));
  if (rr.ok()) {
    if (auto at = default_as_of(*rr.record)) (void)switchpoint::evaluate(*rr.record, *at);
  }
  return 0;
}

}  // namespace switchpoint::fuzz

SWITCHPOINT_FUZZ_ENTRY(fhir_bundle)
