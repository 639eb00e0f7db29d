#pragma once
// The fuzz harnesses as plain functions, so that the same code runs under libFuzzer (each
// fuzz/<name>_fuzz.cpp defines LLVMFuzzerTestOneInput around its harness) and in the normal test
// suite (tests/hostile/fuzz_regressions_test.cpp runs every seed and every regression input of
// fuzz/corpus/ and fuzz/regressions/ through them, compiled with SWITCHPOINT_FUZZ_NO_MAIN).
//
// A harness returns 0 for every input. A crash, a sanitizer report, an uncaught exception other
// than the documented refusals, or a broken invariant (abort via SWITCHPOINT_FUZZ_CHECK) is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace switchpoint::fuzz {

int native_json(const std::uint8_t* data, std::size_t size);  // readers/native_json
int fhir_bundle(const std::uint8_t* data, std::size_t size);  // readers/fhir_r4
int evaluate(const std::uint8_t* data, std::size_t size);     // read_any + engine + presenters
int ndjson_line(const std::uint8_t* data, std::size_t size);  // cohort: FHIR Bulk NDJSON
int csv_dtsdhcc(const std::uint8_t* data, std::size_t size);  // cohort: CSV, profile dtsdhcc
int cds_request(const std::uint8_t* data, std::size_t size);  // server: CdsService after authentication
int jwt(const std::uint8_t* data, std::size_t size);          // server: JWT parse/verify/policy, JWK Sets

struct Target {
  std::string_view name;  // the fuzz target's name: <name>_fuzz, corpus fuzz/corpus/<name>_fuzz/
  int (*run)(const std::uint8_t*, std::size_t);
};
inline constexpr Target kTargets[] = {
    {"native_json_fuzz", native_json},
    {"fhir_bundle_fuzz", fhir_bundle},
    {"evaluate_fuzz", evaluate},
    {"ndjson_line_fuzz", ndjson_line},
    {"csv_dtsdhcc_fuzz", csv_dtsdhcc},
    {"cds_request_fuzz", cds_request},
    {"jwt_fuzz", jwt},
};

// An invariant of the code under test; its failure is a finding (libFuzzer saves the input).
[[noreturn]] inline void check_failed(const char* what, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: fuzz invariant broken: %s\n", file, line, what);
  std::abort();
}

}  // namespace switchpoint::fuzz

#define SWITCHPOINT_FUZZ_CHECK(cond) \
  ((cond) ? static_cast<void>(0) : ::switchpoint::fuzz::check_failed(#cond, __FILE__, __LINE__))

#ifdef SWITCHPOINT_FUZZ_NO_MAIN
#define SWITCHPOINT_FUZZ_ENTRY(fn)
#else
#define SWITCHPOINT_FUZZ_ENTRY(fn)                                                    \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) { \
    return ::switchpoint::fuzz::fn(data, size);                                       \
  }
#endif

#include <simdjson.h>

#include <string>

namespace switchpoint::fuzz {

// Every line of `nd` is one JSON value (which also checks its UTF-8).
inline void check_ndjson(const std::string& nd) {
  simdjson::dom::parser parser;
  std::size_t pos = 0;
  while (pos < nd.size()) {
    std::size_t end = nd.find('\n', pos);
    if (end == std::string::npos) end = nd.size();
    simdjson::dom::element e;
    SWITCHPOINT_FUZZ_CHECK(parser.parse(nd.data() + pos, end - pos, true).get(e) == simdjson::SUCCESS);
    pos = end + 1;
  }
}

}  // namespace switchpoint::fuzz
