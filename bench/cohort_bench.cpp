// The cohort benchmark (docs/performance.md; run it with bash bench/run.sh).
//
// On a synthetic cohort written by `switchpoint synth` (10,000 patients by default):
//  (a) parse-only: every line of every NDJSON file parsed by simdjson's DOM parser, as the cohort
//      reader reads them (blocks of whole lines, one parse per line) and nothing else — the
//      practical limit of any reader of these bytes;
//  (b) the full cohort evaluation (evaluate_cohort + the CSV rows) on one thread and on all.
// Reported: MB/s and patients/s of each, the ratio b/a, and the peak resident memory of each as
// a separate process (getrusage of a child), so that one measurement does not inherit another's.
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <simdjson.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cohort/cohort.h"
#include "synth/synth.h"

namespace {

namespace fs = std::filesystem;
using namespace switchpoint;

std::string g_dir = "/tmp/switchpoint-bench";
int g_patients = 10000;
std::uint64_t g_seed = 42;
std::uint64_t g_bytes = 0;
std::vector<std::string> g_files;
std::map<std::string, double> g_seconds;  // last measured wall seconds per benchmark

void prepare() {
  const std::string marker = g_dir + "/.synth";
  const std::string want = fmt::format("patients {} seed {}\n", g_patients, g_seed);
  std::ifstream in(marker);
  std::string have((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (have != want) {
    fs::create_directories(g_dir);
    std::fprintf(stderr, "writing a %d-patient synthetic cohort (seed %llu) to %s …\n", g_patients,
                 static_cast<unsigned long long>(g_seed), g_dir.c_str());
    synth::Options o;
    o.patients = g_patients;
    o.seed = g_seed;
    const synth::Summary s = synth::write_cohort(o, g_dir, false);
    std::fputs(synth::describe(s).c_str(), stderr);
    std::ofstream(marker) << want;
  }
  for (const char* f : {"Condition", "MedicationStatement", "Observation", "Patient", "Procedure"}) {
    g_files.push_back(g_dir + "/" + f + ".ndjson");
    g_bytes += fs::file_size(g_files.back());
  }
}

// (a) Reads each file in 4 MiB blocks of whole lines and parses every line with the DOM parser.
std::uint64_t parse_only() {
  simdjson::dom::parser parser;
  constexpr std::size_t kBlock = 4u << 20;
  std::unique_ptr<char[]> buf(new char[2 * kBlock + simdjson::SIMDJSON_PADDING]);
  std::uint64_t lines = 0;
  for (const auto& path : g_files) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    std::size_t carry = 0;
    for (;;) {
      const std::size_t got = std::fread(buf.get() + carry, 1, kBlock, f);
      const std::size_t size = carry + got;
      std::size_t cut = size;
      if (got > 0)
        while (cut > 0 && buf[cut - 1] != '\n') --cut;
      std::memset(buf.get() + cut, 0, simdjson::SIMDJSON_PADDING);  // the padding simdjson reads past a line
      std::size_t pos = 0;
      while (pos < cut) {
        const char* nl = static_cast<const char*>(std::memchr(buf.get() + pos, '\n', cut - pos));
        const std::size_t end = nl ? static_cast<std::size_t>(nl - buf.get()) : cut;
        if (end > pos) {
          simdjson::dom::element doc;
          if (parser.parse(reinterpret_cast<const std::uint8_t*>(buf.get() + pos), end - pos, false).get(doc) ==
              simdjson::SUCCESS)
            ++lines;
        }
        pos = end + 1;
      }
      if (got == 0) break;
      carry = size - cut;
      std::memmove(buf.get(), buf.get() + cut, carry);
    }
    std::fclose(f);
  }
  return lines;
}

cohort::Result full(int threads) {
  cohort::Options o;
  o.inputs = {g_dir};
  o.threads = threads;
  return cohort::evaluate_cohort(o);
}

void report(benchmark::State& state, const std::string& name, double seconds) {
  g_seconds[name] = seconds;
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(g_bytes));
  state.counters["patients/s"] = benchmark::Counter(
      static_cast<double>(g_patients) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_ParseOnly(benchmark::State& state) {
  double seconds = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(parse_only());
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  report(state, "parse", seconds);
}

void BM_Cohort(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  double seconds = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    const cohort::Result r = full(threads);
    benchmark::DoNotOptimize(cohort::rows_to_csv(r.rows));
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (r.stats.patients != static_cast<std::uint64_t>(g_patients)) state.SkipWithError("wrong patient count");
  }
  report(state, fmt::format("cohort/{}", threads), seconds);
}

int all_threads() { return std::max(1, static_cast<int>(std::thread::hardware_concurrency())); }

int measure(const std::string& what) {
  if (what == "parse") benchmark::DoNotOptimize(parse_only());
  else if (what == "full1") benchmark::DoNotOptimize(full(1));
  else if (what == "fullN") benchmark::DoNotOptimize(full(all_threads()));
  else return 2;
  return 0;
}

// Peak resident memory (MiB) of one measurement run in a child process (getrusage of the child).
// Measured before the benchmarks run, while this process is still small: a child starts with its
// parent's resident pages and Linux counts them in its peak (this process's own peak at that point
// is printed beside, as the floor of every figure).
double peak_mib(const std::string& what) {
  const pid_t pid = ::fork();
  if (pid == 0) std::_Exit(measure(what));
  int status = 0;
  struct rusage ru {};
  ::wait4(pid, &status, 0, &ru);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
  return static_cast<double>(ru.ru_maxrss) / 1024.0;  // Linux: kilobytes
}

double self_peak_mib() {
  struct rusage ru {};
  ::getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--dir" && i + 1 < argc) g_dir = argv[++i];
    else if (a == "--patients" && i + 1 < argc) g_patients = std::atoi(argv[++i]);
    else if (a == "--seed" && i + 1 < argc) g_seed = std::strtoull(argv[++i], nullptr, 10);
    else rest.push_back(argv[i]);
  }
  prepare();
  const double floor_mib = self_peak_mib();
  const double peak_parse = peak_mib("parse"), peak_full1 = peak_mib("full1"), peak_full_n = peak_mib("fullN");
  int n = static_cast<int>(rest.size());
  benchmark::Initialize(&n, rest.data());
  benchmark::RegisterBenchmark("parse_only_simdjson", BM_ParseOnly)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime()
      ->Iterations(3);
  benchmark::RegisterBenchmark("cohort_full", BM_Cohort)
      ->Arg(1)
      ->Arg(all_threads())
      ->ArgName("threads")
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime()
      ->Iterations(2);
  benchmark::RunSpecifiedBenchmarks();

  const double mb = static_cast<double>(g_bytes) / 1e6;
  auto line = [&](const char* what, const std::string& key) {
    const auto it = g_seconds.find(key);
    if (it == g_seconds.end()) return;
    std::printf("%-34s %8.2f s %9.1f MB/s %10.0f patients/s\n", what, it->second, mb / it->second,
                g_patients / it->second);
  };
  std::printf("\ncohort: %d patients, %.1f MB of NDJSON in %zu files (%s); %d hardware threads\n", g_patients, mb,
              g_files.size(), g_dir.c_str(), all_threads());
  line("(a) parse only (simdjson DOM)", "parse");
  line("(b) full evaluation, 1 thread", "cohort/1");
  line(fmt::format("(b) full evaluation, {} threads", all_threads()).c_str(), fmt::format("cohort/{}", all_threads()));
  if (g_seconds.count("parse") && g_seconds.count("cohort/1"))
    std::printf("ratio b/a, 1 thread:  %.3f\n", g_seconds["parse"] / g_seconds["cohort/1"]);
  const std::string all = fmt::format("cohort/{}", all_threads());
  if (g_seconds.count("parse") && g_seconds.count(all))
    std::printf("ratio b/a, %d threads: %.3f\n", all_threads(), g_seconds["parse"] / g_seconds[all]);
  std::printf(
      "peak memory (getrusage of a child process each; the parent's own peak was %.0f MiB): parse only %.0f "
      "MiB; full, 1 thread %.0f MiB; full, %d threads %.0f MiB\n",
      floor_mib, peak_parse, peak_full1, all_threads(), peak_full_n);
  benchmark::Shutdown();
  return 0;
}
