// libFuzzer target: the native record reader. Any input must give a record or problems —
// never a crash, hang or sanitizer report — and a record it accepts must evaluate. Every
// problem message is valid UTF-8 (they go into JSON answers and HTML pages).
#include <simdjson.h>

#include <string_view>

#include "core/engine.h"
#include "fuzz/harness.h"
#include "readers/native_json.h"

namespace switchpoint::fuzz {

int native_json(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto rr = read_native_json(bytes);
  SWITCHPOINT_FUZZ_CHECK(rr.record.has_value() == rr.problems.empty());
  for (const auto& p : rr.problems) {
    SWITCHPOINT_FUZZ_CHECK(!p.message.empty());
    SWITCHPOINT_FUZZ_CHECK(simdjson::validate_utf8(p.message));
    SWITCHPOINT_FUZZ_CHECK(simdjson::validate_utf8(p.location));
  }
  if (rr.ok()) {
    if (auto at = default_as_of(*rr.record)) (void)switchpoint::evaluate(*rr.record, *at);
  }
  return 0;
}

}  // namespace switchpoint::fuzz

SWITCHPOINT_FUZZ_ENTRY(native_json)
