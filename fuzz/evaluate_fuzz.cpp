// libFuzzer target: any record through the whole pipeline — detection, reading, evaluation at
// the default and at a fuzzed as-of date, and every presenter (JSON, text, HTML). The decision
// JSON must itself be valid JSON (simdjson parses it back, which also checks its UTF-8).
#include <simdjson.h>

#include <string_view>

#include "core/engine.h"
#include "fuzz/harness.h"
#include "presenters/decision_json.h"
#include "presenters/decision_text.h"
#include "presenters/html_report.h"
#include "readers/read_any.h"

namespace switchpoint::fuzz {

int evaluate(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  // The first two bytes shift the as-of date by up to ±32767 days from the default.
  const int shift = static_cast<std::int16_t>(data[0] | (data[1] << 8));
  const std::string_view bytes(reinterpret_cast<const char*>(data + 2), size - 2);
  const auto rr = read_record(bytes);
  if (!rr.ok()) return 0;
  auto at = default_as_of(*rr.record);
  if (!at) return 0;
  const auto shifted = at->plus_days(shift);
  if (shifted.year() >= 1900 && shifted.year() <= 2200) at = shifted;
  const auto d = switchpoint::evaluate(*rr.record, *at);
  const InputSummary in{rr.format, rr.skipped};
  const std::string json = decision_to_json(d, in);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  SWITCHPOINT_FUZZ_CHECK(parser.parse(json).get(doc) == simdjson::SUCCESS);
  (void)decision_to_text(d);
  (void)decision_to_html(d, rr.record->as_of(*at), in);
  return 0;
}

}  // namespace switchpoint::fuzz

SWITCHPOINT_FUZZ_ENTRY(evaluate)
