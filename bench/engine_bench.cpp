// The engine benchmark (issue 16; docs/performance.md): the engine alone, a record already read →
// its Decision (evaluate at the record's default as-of date), in microseconds per patient, against
// the goal of 20 µs. Records: the golden fixtures (tests/golden/records) and the examples, and a
// synthetic cohort from `switchpoint synth` (each patient's resources read as one FHIR Bundle by the
// same reader as any Bundle). Reading is outside the timed loop.
//
//   build-bench/bench/engine_bench [--patients N] [--seed S] [--source DIR] [--detail full|verdicts]
//                                  [benchmark flags]
//
// --detail: what the summary line times: evaluate() as every output calls it (full, the default),
// or as the cohort calls it (verdicts: EvaluateOptions in core/engine.h). The benchmarks time both.
//
// On a shared, loaded machine CPU time still varies by ±30% between runs; instructions do not.
// To compare two builds, count the instructions of evaluate() alone (the summary's 5 passes over
// the golden fixtures and N synthetic patients, no benchmark loops), then divide by 5 × patients:
//   valgrind --tool=callgrind '--toggle-collect=switchpoint::evaluate(*'
//     build-bench/bench/engine_bench --patients 300 --benchmark_filter=NONE    (one command line;
//   it prints "Collected : <instructions>")
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/engine.h"
#include "core/refractoriness/definitions.h"
#include "core/scores/all_scores.h"
#include "core/therapy/plan.h"
#include "readers/read_any.h"
#include "synth/synth.h"

namespace {

namespace fs = std::filesystem;
using namespace switchpoint;

struct Case {
  PatientRecord record;
  Date as_of;
};

int g_patients = 2000;
std::uint64_t g_seed = 42;
std::string g_source = SWITCHPOINT_SOURCE_DIR;
EvaluateOptions g_summary_options;
std::vector<Case> g_golden, g_synth;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void add(std::vector<Case>& to, std::string_view bytes) {
  ReadResult rr = read_record(bytes);
  if (!rr.ok()) return;
  const auto as_of = default_as_of(*rr.record);
  if (!as_of) return;
  to.push_back({std::move(*rr.record), *as_of});
}

void load_golden() {
  std::vector<fs::path> files;
  for (const char* dir : {"tests/golden/records", "examples"})
    for (const auto& e : fs::directory_iterator(fs::path(g_source) / dir))
      if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) add(g_golden, slurp(f));
}

// One synthetic patient's NDJSON lines as the entries of a collection Bundle.
std::string bundle_of(const synth::Ndjson& p) {
  std::string out = R"({"resourceType":"Bundle","type":"collection","entry":[)";
  bool first = true;
  for (const std::string* file : {&p.patient, &p.condition, &p.observation, &p.procedure, &p.medication}) {
    std::size_t at = 0;
    while (at < file->size()) {
      std::size_t nl = file->find('\n', at);
      if (nl == std::string::npos) nl = file->size();
      if (nl > at) {
        out += first ? R"({"resource":)" : R"(,{"resource":)";
        out.append(*file, at, nl - at);
        out += '}';
        first = false;
      }
      at = nl + 1;
    }
  }
  return out + "]}";
}

void load_synth() {
  synth::Options o;
  o.patients = g_patients;
  o.seed = g_seed;
  for (int i = 0; i < g_patients; ++i) {
    synth::Ndjson p;
    synth::Summary s;
    synth::generate_patient(o, i, p, s);
    add(g_synth, bundle_of(p));
  }
}

// CPU time of this thread, in µs: on a shared machine wall time measures the other processes too.
double cpu_us() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_nsec) / 1e3;
}

template <typename F>
void per_patient(benchmark::State& state, const std::vector<Case>& cases, F f) {
  std::size_t n = 0;
  const double t0 = cpu_us();
  for (auto _ : state) {
    for (const auto& c : cases) f(c);
    n += cases.size();
  }
  state.counters["cpu_us_per_patient"] = (cpu_us() - t0) / static_cast<double>(std::max<std::size_t>(n, 1));
  state.counters["patients"] = static_cast<double>(cases.size());
}

void evaluate_all(benchmark::State& state, const std::vector<Case>* cases, EvaluateOptions options) {
  per_patient(state, *cases, [&](const Case& c) { benchmark::DoNotOptimize(evaluate(c.record, c.as_of, options)); });
}

// The parts the profile names, on the synthetic cohort (inputs prepared as evaluate prepares them).
struct Prepared {
  PatientRecord r;
  Date as_of;
  TaceHistory h;
  Scores scores;
};
std::vector<Prepared> prepare(const std::vector<Case>& cases) {
  std::vector<Prepared> out;
  for (const auto& c : cases) {
    PatientRecord r = c.record.as_of(c.as_of);
    r.tace = described_tace_course(r).sessions;
    TaceHistory h = build_tace_history(r, c.as_of);
    Scores s = compute_scores(r, c.as_of);
    out.push_back({std::move(r), c.as_of, std::move(h), std::move(s)});
  }
  return out;
}

void part(benchmark::State& state, int which) {
  static const std::vector<Prepared> p = prepare(g_synth);
  std::size_t n = 0;
  const double t0 = cpu_us();
  for (auto _ : state) {
    for (const auto& x : p) {
      switch (which) {
        case 0:
          benchmark::DoNotOptimize(compute_scores(x.r, x.as_of));
          break;
        case 1:
          benchmark::DoNotOptimize(evaluate_refractoriness(x.r, x.h));
          break;
        case 2:
          benchmark::DoNotOptimize(plan_therapy(x.r, x.as_of, x.scores));
          break;
        default:
          benchmark::DoNotOptimize(build_tace_history(x.r, x.as_of));
          break;
      }
    }
    n += p.size();
  }
  state.counters["cpu_us_per_patient"] = (cpu_us() - t0) / static_cast<double>(std::max<std::size_t>(n, 1));
}

// A plain measurement for the summary line: the best of a few passes over all cases, in CPU time.
double microseconds_per_patient(const std::vector<Case>& cases) {
  double best = 1e300;
  for (int pass = 0; pass < 5; ++pass) {
    const double t0 = cpu_us();
    for (const auto& c : cases) benchmark::DoNotOptimize(evaluate(c.record, c.as_of, g_summary_options));
    best = std::min(best, (cpu_us() - t0) / static_cast<double>(cases.size()));
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> rest{argv[0]};
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--patients" && i + 1 < argc) g_patients = std::atoi(argv[++i]);
    else if (a == "--seed" && i + 1 < argc) g_seed = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--source" && i + 1 < argc) g_source = argv[++i];
    else if (a == "--detail" && i + 1 < argc) {
      const std::string_view d = argv[++i];
      if (d != "full" && d != "verdicts") {
        std::fprintf(stderr, "--detail: full or verdicts, not %s\n", argv[i]);
        return 2;
      }
      g_summary_options.detail = d == "full" ? Detail::Full : Detail::Verdicts;
    } else rest.push_back(argv[i]);
  }
  load_golden();
  load_synth();
  std::fprintf(stderr, "records: %zu golden fixtures and examples, %zu synthetic patients (seed %llu)\n",
               g_golden.size(), g_synth.size(), static_cast<unsigned long long>(g_seed));
  const EvaluateOptions full{}, verdicts{.detail = Detail::Verdicts};
  benchmark::RegisterBenchmark("evaluate/golden", evaluate_all, &g_golden, full)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("evaluate/synth", evaluate_all, &g_synth, full)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("evaluate/golden/verdicts", evaluate_all, &g_golden, verdicts)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("evaluate/synth/verdicts", evaluate_all, &g_synth, verdicts)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("part/compute_scores", part, 0)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("part/evaluate_refractoriness", part, 1)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("part/plan_therapy", part, 2)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("part/build_tace_history", part, 3)->Unit(benchmark::kMillisecond);
  int bargc = static_cast<int>(rest.size());
  benchmark::Initialize(&bargc, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  const double golden = microseconds_per_patient(g_golden), synth = microseconds_per_patient(g_synth);
  std::printf(
      "engine (record read → Decision with %s detail, one thread, CPU time): %.1f µs per patient on the golden "
      "fixtures (%zu), %.1f µs on the synthetic cohort (%zu); goal ≤ 20 µs: %s\n",
      g_summary_options.detail == Detail::Full ? "full" : "verdicts", golden, g_golden.size(), synth, g_synth.size(),
      golden <= 20 && synth <= 20 ? "met" : "not met");
  return 0;
}
