// libFuzzer target: the native record reader. Any input must give a record or problems —
// never a crash, hang or sanitizer report — and a record it accepts must evaluate.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/engine.h"
#include "readers/native_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto rr = switchpoint::read_native_json(bytes);
  if (rr.ok()) {
    if (auto at = switchpoint::default_as_of(*rr.record)) (void)switchpoint::evaluate(*rr.record, *at);
  }
  return 0;
}
