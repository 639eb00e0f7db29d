// libFuzzer target: the FHIR R4 Bundle reader (unknown resources and codes are skipped and
// counted, never fatal).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/engine.h"
#include "readers/fhir_r4.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto rr = switchpoint::read_fhir_bundle(bytes);
  if (rr.ok()) {
    if (auto at = switchpoint::default_as_of(*rr.record)) (void)switchpoint::evaluate(*rr.record, *at);
  }
  return 0;
}
