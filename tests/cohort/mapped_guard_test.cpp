// A mapped input truncated by another program while switchpoint reads it (an export still being
// written, or rewritten, during a run). The kernel answers a read of a page past the file's new end
// with SIGBUS; unguarded, that ends the process with no message. Guarded (cohort/mapped_guard.h),
// the read gives zeros, the mapping says it was cut short, and the run refuses its results with
// "the file changed while it was read" instead of using what the zeros made of them.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <string>

#include "cohort/cohort.h"
#include "cohort/line_source.h"
#include "cohort/mapped_guard.h"
#include "cohort/ndjson_input.h"
#include "cohort/parallel.h"
#include "cohort_test_util.h"

namespace switchpoint::cohort {
namespace {

using testing::spit;
using testing::TempDir;

std::size_t page() { return static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)); }

// Reads every byte (volatile: the compiler may not skip a read) and sums them.
unsigned long touch(const char* p, std::size_t n) {
  unsigned long sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += static_cast<unsigned char>(static_cast<const volatile char*>(p)[i]);
  return sum;
}

TEST(MappedGuard, AReadPastATruncatedEndGivesZerosAndSaysSo) {
  TempDir d;
  const std::string f = d.file("in.ndjson");
  spit(f, std::string(4 * page(), 'x'));
  const auto map = MappedFile::map(f);
  ASSERT_NE(map, nullptr);
  EXPECT_FALSE(map->truncated());
  EXPECT_TRUE(map->unchanged(f));
  std::filesystem::resize_file(f, 100);
  // The bytes still in the file are read as they are.
  EXPECT_EQ(touch(map->data(), 100), 100ul * 'x');
  EXPECT_FALSE(map->truncated());  // nothing past the end was read yet
  // Past the new end: zeros, no SIGBUS.
  EXPECT_EQ(touch(map->data() + 2 * page(), 2 * page()), 0ul);
  EXPECT_TRUE(map->truncated());
  EXPECT_FALSE(map->unchanged(f));
}

TEST(MappedGuard, ATruncationNotReadIsStillSeenByTheFilesSize) {
  TempDir d;
  const std::string f = d.file("in.ndjson");
  spit(f, std::string(3 * page(), 'x'));
  const auto map = MappedFile::map(f);
  ASSERT_NE(map, nullptr);
  std::filesystem::resize_file(f, page());
  EXPECT_FALSE(map->truncated());
  EXPECT_FALSE(map->unchanged(f));
}

TEST(MappedGuard, ASigbusOutsideAnyGuardedMappingStillEndsTheProcess) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  TempDir d;
  const std::string guarded = d.file("guarded"), bare = d.file("bare");
  spit(guarded, std::string(2 * page(), 'x'));
  spit(bare, std::string(2 * page(), 'y'));
  const auto map = MappedFile::map(guarded);  // the handler is installed
  ASSERT_NE(map, nullptr);
  EXPECT_DEATH(
      {
        const int fd = ::open(bare.c_str(), O_RDONLY);
        void* p = ::mmap(nullptr, 2 * page(), PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) std::_Exit(0);  // not the death expected: the test fails
        if (::ftruncate(::open(bare.c_str(), O_RDWR), 0) != 0) std::_Exit(0);
        touch(static_cast<const char*>(p) + page(), 1);
        std::_Exit(0);  // reached only if the SIGBUS was swallowed
      },
      "");
}

TEST(MappedGuard, EveryGuardOfTheTableIsFreedForTheNext) {
  // More files than slots over a run, never more than a few at once: each guard is active.
  std::string bytes(page(), 'x');
  for (int i = 0; i < MappingGuard::kSlots + 10; ++i) {
    const MappingGuard g(bytes.data(), bytes.size());
    ASSERT_TRUE(g.active()) << i;
    EXPECT_FALSE(g.faulted());
  }
}

constexpr const char* kLab =
    R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"1975-2"}]},)"
    R"("subject":{"reference":"Patient/PID"},"effectiveDateTime":"2020-01-02","valueQuantity":{"value":0.9,)"
    R"("unit":"mg/dL","system":"http://unitsofmeasure.org","code":"mg/dL"}})";

std::string lab(const std::string& patient) {
  std::string s = kLab;
  s.replace(s.find("PID"), 3, patient);
  return s + "\n";
}

TEST(MappedGuard, LinesOfAFileTruncatedAfterTheScanAreRefusedNotRead) {
  TempDir d;
  const std::string f = d.file("Observation.ndjson");
  std::string text;
  for (int i = 0; i < 200; ++i) text += lab("a");
  for (int i = 0; i < 200; ++i) text += lab("z");  // past the first pages
  spit(f, text);
  Options o;
  o.threads = 1;
  Stats stats;
  Progress progress(false);
  const NdjsonPatients in = scan_ndjson({f}, o, 1, stats, progress);
  ASSERT_EQ(in.patients.size(), 2u);
  ASSERT_EQ(in.patients[1].first, "z");
  EXPECT_FALSE(in.changed_file().has_value());
  std::filesystem::resize_file(f, page());
  simdjson::dom::parser parser;
  try {
    (void)read_ndjson_patient(in, 1, parser);
    ADD_FAILURE() << "the lines past the new end were read";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("changed while it was read"), std::string::npos) << e.what();
  }
  ASSERT_TRUE(in.changed_file().has_value());
  EXPECT_NE(in.changed_file()->find("Observation.ndjson"), std::string::npos);
}

TEST(MappedGuard, AScanOfAFileTruncatedAfterItWasMappedEndsAndSaysSo) {
  TempDir d;
  const std::string f = d.file("Observation.ndjson");
  std::string text;
  for (int i = 0; i < 400; ++i) text += lab("p" + std::to_string(i % 7));
  spit(f, text);
  const auto map = MappedFile::map(f);
  ASSERT_NE(map, nullptr);
  LineSource source({f}, 4096);
  source.use_maps({map});
  std::filesystem::resize_file(f, 3 * page() + 17);
  Block b;
  std::size_t bytes = 0;
  while (source.next(b)) bytes += touch(b.data(), b.size) > 0 ? b.size : 0;
  EXPECT_GT(bytes, 0u);
  EXPECT_TRUE(map->truncated());
  EXPECT_FALSE(map->unchanged(f));
}

}  // namespace
}  // namespace switchpoint::cohort
