// The cohort reader of FHIR Bulk NDJSON: the same resources give the same record as the Bundle
// reader; invalid lines are counted and reported with file and line, never fatal; irrelevant lines
// cost no memory; gzip reads as plain; the number of threads never changes the output.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <zlib.h>

#include <map>

#include "cli/commands.h"
#include "cohort/cohort.h"
#include "cohort/ndjson_input.h"
#include "cohort/report.h"
#include "cohort_test_util.h"
#include "core/engine.h"
#include "presenters/decision_json.h"
#include "readers/fhir_r4.h"
#include "synth/synth.h"

namespace switchpoint::cohort {
namespace {

using testing::kSource;
using testing::slurp;
using testing::spit;
using testing::TempDir;

// Splits a Bundle's resources into one NDJSON file per resource type, as a Bulk export does.
void bundle_to_ndjson(const std::string& bundle_json, const std::string& dir) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(bundle_json);
  simdjson::dom::element doc = parser.parse(padded);
  std::map<std::string, std::string> files;
  for (simdjson::dom::element e : doc["entry"].get_array()) {
    simdjson::dom::object res = e["resource"].get_object();
    files[std::string(std::string_view(res["resourceType"]))] += simdjson::minify(res) + "\n";
  }
  for (const auto& [type, lines] : files) spit(dir + "/" + type + ".ndjson", lines);
}

// A Bundle of the given NDJSON lines.
std::string ndjson_to_bundle(const std::string& lines) {
  std::string out = R"({"resourceType":"Bundle","type":"collection","entry":[)";
  std::size_t pos = 0;
  bool first = true;
  while (pos < lines.size()) {
    const auto nl = lines.find('\n', pos);
    const std::string line = lines.substr(pos, nl - pos);
    pos = nl == std::string::npos ? lines.size() : nl + 1;
    if (line.empty()) continue;
    out += (first ? "" : ",") + std::string(R"({"resource":)") + line + "}";
    first = false;
  }
  return out + "]}";
}

std::vector<std::string> folder_files(const std::string& dir) {
  std::vector<std::string> files;
  for (const char* f : {"Condition", "MedicationStatement", "Observation", "Patient", "Procedure"})
    if (std::filesystem::exists(dir + "/" + f + ".ndjson")) files.push_back(dir + "/" + f + ".ndjson");
  return files;
}

std::string decision_json(const PatientRecord& r) {
  return decision_to_json(evaluate(r, *default_as_of(r)), InputSummary{"FHIR", {}});
}

TEST(NdjsonReader, GivesTheBundleReadersRecordForTheExampleBundle) {
  TempDir d;
  const std::string bundle = slurp(kSource + "/examples/fhir/01-responding-patient.bundle.json");
  bundle_to_ndjson(bundle, d.path());
  const ReadResult from_bundle = read_fhir_bundle(bundle);
  ASSERT_TRUE(from_bundle.ok());

  Stats stats;
  Progress progress(false);
  const NdjsonPatients in = scan_ndjson(folder_files(d.path()), Options{}, 1, stats, progress);
  ASSERT_EQ(in.patients.size(), 1u);
  EXPECT_EQ(in.patients[0].first, "demo-001");
  simdjson::dom::parser parser;
  const NdjsonPatient p = read_ndjson_patient(in, 0, parser);
  ASSERT_TRUE(p.rr.ok()) << p.rr.problems.front().location << ": " << p.rr.problems.front().message;
  EXPECT_EQ(decision_json(*p.rr.record), decision_json(*from_bundle.record));
  EXPECT_EQ(p.rr.record->birth_date, from_bundle.record->birth_date);

  // Skipped: on the scan (type or code) plus on the read (status, …) = the Bundle reader's.
  std::map<std::string, std::uint64_t> skipped = stats.skipped;
  for (const auto& [k, n] : p.rr.skipped) skipped[k] += static_cast<std::uint64_t>(n);
  std::map<std::string, std::uint64_t> expected;
  for (const auto& [k, n] : from_bundle.skipped) expected[k] = static_cast<std::uint64_t>(n);
  EXPECT_EQ(skipped, expected);
}

TEST(NdjsonReader, GivesTheBundleReadersRecordForSyntheticPatients) {
  TempDir d;
  synth::Options o;
  o.patients = 12;
  o.seed = 5;
  synth::write_cohort(o, d.path(), false);
  Stats stats;
  Progress progress(false);
  const NdjsonPatients in = scan_ndjson(folder_files(d.path()), Options{}, 2, stats, progress);
  ASSERT_EQ(in.patients.size(), 12u);
  simdjson::dom::parser parser;
  std::map<std::string, std::uint64_t> ndjson_skipped = stats.skipped, bundle_skipped;
  for (int i = 0; i < o.patients; ++i) {
    synth::Ndjson one;
    synth::Summary s;
    synth::generate_patient(o, i, one, s);
    const ReadResult b = read_fhir_bundle(
        ndjson_to_bundle(one.patient + one.observation + one.procedure + one.medication + one.condition));
    ASSERT_TRUE(b.ok()) << b.problems.front().location << ": " << b.problems.front().message;
    const NdjsonPatient p = read_ndjson_patient(in, static_cast<std::size_t>(i), parser);
    ASSERT_TRUE(p.rr.ok());
    EXPECT_EQ(p.rr.record->patient_id, b.record->patient_id);
    EXPECT_EQ(decision_json(*p.rr.record), decision_json(*b.record)) << b.record->patient_id;
    for (const auto& [k, n] : p.rr.skipped) ndjson_skipped[k] += static_cast<std::uint64_t>(n);
    for (const auto& [k, n] : b.skipped) bundle_skipped[k] += static_cast<std::uint64_t>(n);
  }
  EXPECT_EQ(ndjson_skipped, bundle_skipped);
}

constexpr std::string_view kLab =
    R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"1751-7"}]},"subject":{"reference":"Patient/{P}"},"effectiveDateTime":"2024-01-08","valueQuantity":{"value":{V},"unit":"{U}","system":"http://unitsofmeasure.org","code":"{U}"}})";
constexpr std::string_view kHeartRate =
    R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"Patient/{P}"},"effectiveDateTime":"2024-01-08","valueQuantity":{"value":72,"unit":"/min","system":"http://unitsofmeasure.org","code":"/min"}})";
constexpr std::string_view kTace =
    R"({"resourceType":"Procedure","status":"completed","code":{"coding":[{"system":"urn:switchpoint:hcc","code":"tace"}]},"subject":{"reference":"Patient/{P}"},"performedDateTime":"2024-01-10"})";

std::string fill(std::string_view t, std::string_view p, std::string_view v = "38", std::string_view u = "g/L") {
  std::string s(t);
  for (auto [k, x] : {std::pair{"{P}", p}, {"{V}", v}, {"{U}", u}})
    for (auto pos = s.find(k); pos != std::string::npos; pos = s.find(k)) s.replace(pos, 3, x);
  return s;
}

TEST(NdjsonReader, InvalidLinesAreCountedWithFileAndLineNeverFatal) {
  TempDir d;
  const std::string obs = d.file("Observation.ndjson"), pat = d.file("Patient.ndjson");
  spit(
      obs,
      fill(kLab, "a") + "\n" +  // 1 fine
          R"({"resourceType":"Observation", "status": )"
          "\n" +        // 2 not JSON
          "[1, 2]\n" +  // 3 not an object
          R"({"id": "x"})"
          "\n" +  // 4 no resourceType
          "\n" +  // 5 blank: not invalid
          R"({"resourceType":"Observation","code":{"coding":[{"system":"http://loinc.org","code":"89247-1"}]},"effectiveDateTime":"2024-01-08","valueInteger":1})"
          "\n" +  // 6 no subject
          fill(kLab, "b", "38", "g/dL") +
          "\n" +                          // 7 implausible: b withheld
          fill(kHeartRate, "c") + "\n");  // 8 not used
  spit(pat, R"({"resourceType":"Patient","id":"a"})"
            "\n"
            R"({"resourceType":"Patient","id":"b"})"
            "\n"
            R"({"resourceType":"Patient","gender":"male"})"
            "\n");
  spit(d.file("Procedure.ndjson"), fill(kTace, "a") + "\n" + fill(kTace, "b") + "\n");

  Options o;
  o.inputs = {d.path()};
  const Result res = evaluate_cohort(o);
  const Stats& st = res.stats;
  std::vector<std::pair<std::string, long>> where;
  for (const auto& p : st.invalid) where.emplace_back(std::filesystem::path(p.file).filename().string(), p.line);
  const std::vector<std::pair<std::string, long>> expected{{"Observation.ndjson", 2}, {"Observation.ndjson", 3},
                                                           {"Observation.ndjson", 4}, {"Observation.ndjson", 6},
                                                           {"Observation.ndjson", 7}, {"Patient.ndjson", 3}};
  EXPECT_EQ(where, expected);
  EXPECT_EQ(st.invalid_line_count, 6u);
  EXPECT_NE(st.invalid[0].message.find("not valid JSON"), std::string::npos);
  EXPECT_NE(st.invalid[3].message.find("without subject.reference"), std::string::npos);
  EXPECT_NE(st.invalid[4].message.find("/valueQuantity"), std::string::npos) << st.invalid[4].message;
  EXPECT_NE(st.invalid[4].message.find("g/L"), std::string::npos) << st.invalid[4].message;
  EXPECT_EQ(st.skipped.at("(blank line)"), 1u);
  EXPECT_EQ(st.skipped.at("Observation http://loinc.org|8867-4"), 1u);

  // a and b are listed; b is withheld with its problem, c (only a heart rate) has no record line.
  ASSERT_EQ(res.rows.size(), 2u);
  EXPECT_EQ(res.rows[0].patient_id, "a");
  EXPECT_EQ(res.rows[0].input, InputStatus::Ok);
  EXPECT_EQ(res.rows[0].sessions, 1);
  EXPECT_EQ(res.rows[1].patient_id, "b");
  EXPECT_EQ(res.rows[1].input, InputStatus::Invalid);
  EXPECT_EQ(res.rows[1].problems, 1);
  EXPECT_NE(res.rows[1].first_problem.find("Observation.ndjson:7#/valueQuantity"), std::string::npos)
      << res.rows[1].first_problem;
  EXPECT_EQ(st.patients_withheld, 1u);

  // The command: exit 0, every invalid line on standard error with file:line.
  std::ostringstream out, err;
  const std::string csv = d.file("out.csv");
  const char* argv[] = {"switchpoint", "cohort", o.inputs[0].c_str(), "-o", csv.c_str()};
  EXPECT_EQ(run_cli(5, argv, out, err), 0) << err.str();
  EXPECT_NE(err.str().find(obs + ":2: not valid JSON"), std::string::npos) << err.str();
  EXPECT_NE(err.str().find(pat + ":3: a Patient without an id"), std::string::npos) << err.str();
  EXPECT_NE(out.str().find("6 invalid lines"), std::string::npos) << out.str();
  EXPECT_NE(slurp(csv).find("\nb,invalid,1,"), std::string::npos);
}

TEST(NdjsonReader, IrrelevantLinesCostParseTimeNotMemory) {
  TempDir d("a"), e("b");
  const std::string relevant = fill(kLab, "a") + "\n" + fill(kTace, "a") + "\n";
  std::string noise;
  for (int i = 0; i < 500; ++i) {
    noise += fill(kHeartRate, "a") + "\n";
    noise += R"({"resourceType":"Practitioner","id":"dr)" + std::to_string(i) +
             R"("})"
             "\n";
  }
  spit(d.file("All.ndjson"), relevant);
  spit(e.file("All.ndjson"), noise + relevant + noise);
  Options o;
  o.inputs = {d.path()};
  const Result small = evaluate_cohort(o);
  o.inputs = {e.path()};
  const Result big = evaluate_cohort(o);
  EXPECT_EQ(big.stats.lines, small.stats.lines + 2000);
  EXPECT_EQ(big.stats.lines_kept, small.stats.lines_kept);
  EXPECT_EQ(big.stats.bytes_kept, small.stats.bytes_kept);
  EXPECT_EQ(big.stats.skipped.at("Practitioner"), 1000u);
  EXPECT_EQ(rows_to_csv(big.rows), rows_to_csv(small.rows));
}

TEST(NdjsonReader, ByteOrderMarkAndWindowsLineEndsAreRead) {
  TempDir d;
  spit(d.file("All.ndjson"), "\xEF\xBB\xBF" + fill(kLab, "a") + "\r\n" + fill(kTace, "a") + "\r\n");
  Options o;
  o.inputs = {d.path()};
  const Result r = evaluate_cohort(o);
  EXPECT_TRUE(r.stats.invalid.empty()) << r.stats.invalid.front().message;
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].input, InputStatus::Ok);
  EXPECT_EQ(r.rows[0].sessions, 1);
}

void gzip_file(const std::string& from, const std::string& to, std::size_t keep = std::string::npos) {
  const std::string data = slurp(from);
  std::string packed;
  gzFile gz = gzopen(to.c_str(), "wb");
  gzwrite(gz, data.data(), static_cast<unsigned>(data.size()));
  gzclose(gz);
  if (keep != std::string::npos) {
    packed = slurp(to);
    spit(to, packed.substr(0, keep));
  }
}

TEST(NdjsonReader, GzipReadsLikePlainAndCorruptGzipIsReportedNotFatal) {
  TempDir plain("p"), packed("z");
  synth::Options so;
  so.patients = 8;
  synth::write_cohort(so, plain.path(), false);
  for (const auto& f : folder_files(plain.path()))
    gzip_file(f, packed.file(std::filesystem::path(f).filename().string() + ".gz"));
  Options o;
  o.inputs = {plain.path()};
  const Result a = evaluate_cohort(o);
  o.inputs = {packed.path()};
  const Result b = evaluate_cohort(o);
  EXPECT_EQ(rows_to_csv(a.rows), rows_to_csv(b.rows));
  EXPECT_EQ(a.stats.lines, b.stats.lines);
  EXPECT_TRUE(b.stats.invalid.empty());

  // A truncated gzip file: what could be read is read, the rest is reported.
  const std::string obs = packed.file("Observation.ndjson.gz");
  gzip_file(plain.file("Observation.ndjson"), obs, 20000);
  const Result c = evaluate_cohort(o);
  ASSERT_FALSE(c.stats.invalid.empty());
  EXPECT_EQ(c.stats.invalid.back().file, obs);
  EXPECT_NE(c.stats.invalid.back().message.find("gzip"), std::string::npos) << c.stats.invalid.back().message;
  EXPECT_EQ(c.rows.size(), a.rows.size());
}

TEST(NdjsonReader, ThreadCountDoesNotChangeTheOutput) {
  TempDir d("in"), outputs("out");
  synth::Options so;
  so.patients = 30;
  so.seed = 11;
  synth::write_cohort(so, d.path(), false);
  std::string files[2][3];
  for (int k = 0; k < 2; ++k) {
    const std::string threads = k == 0 ? "1" : "4";
    for (int f = 0; f < 2; ++f) {
      const std::string out = outputs.file(fmt::format("rows-{}.{}", threads, f == 0 ? "csv" : "ndjson"));
      const std::string report = outputs.file(fmt::format("report-{}-{}.html", threads, f));
      const std::string dir = d.path();
      const char* argv[] = {"switchpoint", "cohort",       dir.c_str(), "-o",           out.c_str(),
                            "--report",    report.c_str(), "--threads", threads.c_str()};
      std::ostringstream o, e;
      ASSERT_EQ(run_cli(9, argv, o, e), 0) << e.str();
      files[k][f] = slurp(out);
      if (f == 0) files[k][2] = slurp(report);
    }
  }
  for (int f = 0; f < 3; ++f) {
    EXPECT_FALSE(files[0][f].empty());
    EXPECT_EQ(files[0][f], files[1][f]) << f;
  }
  // Small blocks (many per file) read the same as large ones.
  Options o;
  o.inputs = {d.path()};
  o.threads = 3;
  o.block_bytes = 4096;
  EXPECT_EQ(rows_to_csv(evaluate_cohort(o).rows), files[0][0]);
}

TEST(CohortCommand, BadUsageIsExitCode2WithoutOutput) {
  TempDir d;
  spit(d.file("x.csv"), "a,b\n1,2\n");
  std::ostringstream out, err;
  const std::string csv = d.file("x.csv"), txt = d.file("out.txt"), o = d.file("o.csv"), dir = d.path();
  const char* wrong_ext[] = {"switchpoint", "cohort", dir.c_str(), "-o", txt.c_str()};
  EXPECT_EQ(run_cli(5, wrong_ext, out, err), 2);
  const char* csv_no_profile[] = {"switchpoint", "cohort", csv.c_str(), "-o", o.c_str()};
  EXPECT_EQ(run_cli(5, csv_no_profile, out, err), 2);
  EXPECT_NE(err.str().find("--csv-profile"), std::string::npos);
  const char* bad_profile[] = {"switchpoint", "cohort", csv.c_str(), "-o", o.c_str(), "--csv-profile", "nope"};
  EXPECT_EQ(run_cli(7, bad_profile, out, err), 2);
  const char* missing_columns[] = {"switchpoint", "cohort", csv.c_str(), "-o", o.c_str(), "--csv-profile", "dtsdhcc"};
  EXPECT_EQ(run_cli(7, missing_columns, out, err), 2);
  EXPECT_NE(err.str().find("lacks the columns"), std::string::npos) << err.str();
  const std::string none = d.file("none");
  const char* no_input[] = {"switchpoint", "cohort", none.c_str(), "-o", o.c_str()};
  EXPECT_EQ(run_cli(5, no_input, out, err), 2);
  EXPECT_FALSE(std::filesystem::exists(o));
  EXPECT_FALSE(std::filesystem::exists(txt));
}

TEST(SynthCommand, WritesTheFiveFilesAndSummarises) {
  TempDir d;
  const std::string dir = d.file("cohort");
  const char* argv[] = {"switchpoint", "synth", "--patients", "5", "--seed", "3", "-o", dir.c_str()};
  std::ostringstream out, err;
  ASSERT_EQ(run_cli(8, argv, out, err), 0) << err.str();
  for (const char* f : {"Patient", "Observation", "Procedure", "MedicationStatement", "Condition"})
    EXPECT_TRUE(std::filesystem::exists(dir + "/" + f + ".ndjson")) << f;
  EXPECT_NE(out.str().find("5 patients"), std::string::npos) << out.str();
  const char* missing[] = {"switchpoint", "synth", "-o", dir.c_str()};
  EXPECT_EQ(run_cli(4, missing, out, err), 2);
}

}  // namespace
}  // namespace switchpoint::cohort
