// Issue 16 (cohort speed): with plain files, one parse of each line both finds the cohort's
// candidates (pass 0) and keeps their lines (pass 1), and the kept lines stay in the mapped files.
// Selection must not depend on that: a gzip copy of the same export (read in two passes, its
// lines copied) gives the same rows, counts and invalid lines; a file that changes while it is
// read is said to have changed, never read half old and half new.
#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

#include "cohort/cohort.h"
#include "cohort/ndjson_input.h"
#include "cohort/row.h"
#include "cohort_test_util.h"

namespace switchpoint::cohort {
namespace {

using testing::spit;
using testing::TempDir;

const std::string kBom = "\xEF\xBB\xBF";

std::string patient(const std::string& id) {
  return R"({"resourceType":"Patient","id":")" + id + R"(","birthDate":"1950-02-03"})";
}
std::string albumin(const std::string& id, const std::string& date) {
  return R"({"resourceType":"Observation","id":")" + id + date +
         R"(","status":"final","subject":{"reference":"Patient/)" + id +
         R"("},"code":{"coding":[{"system":"http://loinc.org","code":"1751-7"}]},"effectiveDateTime":")" + date +
         R"(","valueQuantity":{"value":40,"unit":"g/L","system":"http://unitsofmeasure.org","code":"g/L"}})";
}
std::string tace(const std::string& id) {
  return R"({"resourceType":"Procedure","id":")" + id + R"(-t","status":"completed","subject":{"reference":"Patient/)" +
         id +
         R"("},"code":{"coding":[{"system":"urn:switchpoint:hcc","code":"tace"}]},"performedDateTime":"2024-01-01"})";
}
std::string sorafenib(const std::string& id) {
  return R"({"resourceType":"MedicationStatement","id":")" + id +
         R"(-m","status":"active","medicationCodeableConcept":{"coding":[{"system":"urn:switchpoint:hcc","code":"sorafenib"}]},"subject":{"reference":"Patient/)" +
         id + R"("},"effectiveDateTime":"2024-02-01"})";
}

void gzip(const std::string& path, const std::string& data) {
  gzFile gz = gzopen(path.c_str(), "wb");
  gzwrite(gz, data.data(), static_cast<unsigned>(data.size()));
  gzclose(gz);
}

// An export over two files: a byte order mark on the first line (read) and on a later line (that
// line is not JSON), CRLF line ends, a blank line, a line that is not JSON, and a patient known
// only from an Observation's subject. Enough albumin lines that 4 KiB blocks split the files.
struct Export {
  std::string patients, others;
};
Export make_export() {
  Export e;
  e.patients = kBom + patient("in-a") + "\n" + patient("out-b") + "\r\n" + kBom + patient("bom-mid") + "\n\n" +
               patient("in-c") + "\n";
  for (int d = 1; d <= 28; ++d) {
    const std::string day = (d < 10 ? "2023-05-0" : "2023-05-") + std::to_string(d);
    e.others += albumin("in-a", day) + "\n" + albumin("out-b", day) + "\r\n";
  }
  e.others += tace("in-a") + "\n" + sorafenib("in-c") + "\n" + "{not json\n" + albumin("out-z", "2023-06-01") + "\n";
  return e;
}

Result evaluate(const std::vector<std::string>& inputs, int threads) {
  Options o;
  o.inputs = inputs;
  o.threads = threads;
  o.block_bytes = 4096;
  return evaluate_cohort(o);
}

TEST(OnePass, SelectionFromOneParseIsTheSameAsFromTwoPasses) {
  TempDir plain("-plain"), packed("-gzip");
  const Export e = make_export();
  spit(plain.file("a.ndjson"), e.patients);
  spit(plain.file("b.ndjson"), e.others);
  gzip(packed.file("a.ndjson.gz"), e.patients);
  gzip(packed.file("b.ndjson.gz"), e.others);
  for (const int threads : {1, 2}) {
    const Result one = evaluate({plain.file("a.ndjson"), plain.file("b.ndjson")}, threads);
    const Result two = evaluate({packed.file("a.ndjson.gz"), packed.file("b.ndjson.gz")}, threads);
    // What the export holds, counted by hand: five people (bom-mid from its line, whose byte order
    // mark makes it no JSON for the reader; out-z from its Observation's subject only), two of
    // them with a TACE or a systemic therapy.
    for (const Result* r : {&one, &two}) {
      std::vector<std::string> ids;
      for (const auto& row : r->rows) ids.push_back(row.patient_id);
      EXPECT_EQ(ids, (std::vector<std::string>{"in-a", "in-c"})) << threads;
      EXPECT_EQ(r->stats.export_patients, 5u);
      EXPECT_EQ(r->stats.not_in_cohort, (std::vector<std::string>{"bom-mid", "out-b", "out-z"}));
      // out-b's Patient and 28 albumins, out-z's albumin: never kept.
      EXPECT_EQ(r->stats.lines_not_in_cohort, 30u);
      // in-a's Patient, 28 albumins and TACE; in-c's Patient and sorafenib.
      EXPECT_EQ(r->stats.lines_kept, 32u);
      ASSERT_EQ(r->stats.invalid.size(), 2u);
      EXPECT_EQ(r->stats.invalid[0].line, 3);
      EXPECT_EQ(r->stats.invalid[1].line, 59);
      EXPECT_EQ(r->stats.skipped.at("(blank line)"), 1u);
    }
    EXPECT_EQ(one.stats.bytes_kept, two.stats.bytes_kept);
    EXPECT_EQ(one.stats.lines, two.stats.lines);
    EXPECT_EQ(one.stats.bytes, two.stats.bytes);
    EXPECT_EQ(rows_to_csv(one.rows), rows_to_csv(two.rows));
    EXPECT_EQ(criteria_to_csv(one.rows), criteria_to_csv(two.rows));
  }
}

TEST(OnePass, AFileThatChangedWhileItWasReadIsSaidToHaveChanged) {
  TempDir d;
  const Export e = make_export();
  const std::string a = d.file("a.ndjson"), b = d.file("b.ndjson");
  spit(a, e.patients);
  spit(b, e.others);
  Options o;
  o.block_bytes = 4096;
  Stats stats;
  Progress progress(false);
  const NdjsonPatients in = scan_ndjson({a, b}, o, 1, stats, progress);
  ASSERT_NE(in.maps[1], nullptr);  // a plain file is read from its mapping
  EXPECT_EQ(in.changed_file(), std::nullopt);
  spit(b, e.others + albumin("in-a", "2023-07-01") + "\n");  // grown since
  const auto changed = in.changed_file();
  ASSERT_TRUE(changed.has_value());
  EXPECT_NE(changed->find(b + ": the file changed while it was read"), std::string::npos) << *changed;
}

}  // namespace
}  // namespace switchpoint::cohort