// libFuzzer target: any record through the whole pipeline — detection, reading, evaluation at
// the default and at a fuzzed as-of date, and every presenter (JSON, text, HTML).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/engine.h"
#include "presenters/decision_json.h"
#include "presenters/decision_text.h"
#include "presenters/html_report.h"
#include "readers/read_any.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  // The first two bytes shift the as-of date by up to ±32767 days from the default.
  const int shift = static_cast<std::int16_t>(data[0] | (data[1] << 8));
  const std::string_view bytes(reinterpret_cast<const char*>(data + 2), size - 2);
  const auto rr = switchpoint::read_record(bytes);
  if (!rr.ok()) return 0;
  auto at = switchpoint::default_as_of(*rr.record);
  if (!at) return 0;
  const auto shifted = at->plus_days(shift);
  if (shifted.year() >= 1900 && shifted.year() <= 2200) at = shifted;
  const auto d = switchpoint::evaluate(*rr.record, *at);
  const switchpoint::InputSummary in{rr.format, rr.skipped};
  (void)switchpoint::decision_to_json(d, in);
  (void)switchpoint::decision_to_text(d);
  (void)switchpoint::decision_to_html(d, rr.record->as_of(*at), in);
  return 0;
}
