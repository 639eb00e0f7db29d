#pragma once
// How much of a decision the caller will read (issue 16). The outputs a clinician reads (CLI,
// HTML, server) need every explanation; the cohort tables read only the verdicts, and building
// the text they never read was most of the engine's time. A producer that builds text takes a
// Detail and decides in one place whether to build it: never a global or thread-local switch.
#include <string>
#include <type_traits>
#include <utility>

namespace switchpoint {

enum class Detail : unsigned char {
  // Everything every output shows: verdicts, reasons, evidence, summaries, alerts, warnings.
  Full,
  // The verdicts only, each identical to Full's (tests/core/engine_detail_test.cpp): see
  // EvaluateOptions in core/engine.h for which fields of a Decision are filled.
  Verdicts,
};

// An explanation given as its text or as a callable returning it: a producer's one switch calls
// text_of only when explanations are asked for, so with Detail::Verdicts the text is never built.
template <typename Text>
std::string text_of(Text&& text) {
  if constexpr (std::is_invocable_v<Text>) return std::forward<Text>(text)();
  else return std::string(std::forward<Text>(text));
}

}  // namespace switchpoint
