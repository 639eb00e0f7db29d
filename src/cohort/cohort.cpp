#include "cohort/cohort.h"

#include <fmt/format.h>

#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <thread>
#include <unordered_set>

#include "cohort/csv_profile.h"
#include "cohort/ndjson_input.h"
#include "cohort/parallel.h"
#include "core/engine.h"

namespace switchpoint::cohort {
namespace {

namespace fs = std::filesystem;

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
bool is_ndjson(std::string_view name) { return ends_with(name, ".ndjson") || ends_with(name, ".ndjson.gz"); }
bool is_csv(std::string_view name) { return ends_with(name, ".csv") || ends_with(name, ".csv.gz"); }

// The first bytes of a file (gzip or plain: zlib reads both), up to `n`.
std::string head_of(const std::string& path, std::size_t n) {
  gzFile gz = gzopen(path.c_str(), "rb");
  if (gz == nullptr) return {};
  std::string buf(n, '\0');
  const int got = gzread(gz, buf.data(), static_cast<unsigned>(n));
  gzclose(gz);
  buf.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
  return buf;
}

bool space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

std::optional<std::string> not_ndjson_reason(const std::string& path) {
  const std::string head = head_of(path, 64 * 1024);
  std::size_t b = 0;
  if (head.compare(0, 3, "\xEF\xBB\xBF") == 0) b = 3;  // a UTF-8 byte order mark
  while (b < head.size() && space(head[b])) ++b;
  if (b == head.size()) return std::nullopt;  // empty or blank: nothing to refuse
  std::size_t e = head.find('\n', b);
  if (e == std::string::npos) e = head.size();
  std::size_t last = e;
  while (last > b && space(head[last - 1])) --last;
  const std::string_view first(head.data() + b, last - b);
  // "resourceType" : "Bundle" anywhere near the top: one FHIR Bundle, pretty-printed or not.
  auto names_bundle = [](std::string_view s) {
    for (std::size_t k = s.find("\"resourceType\""); k != std::string_view::npos;
         k = s.find("\"resourceType\"", k + 1)) {
      std::size_t v = k + 14;
      while (v < s.size() && (space(s[v]) || s[v] == ':')) ++v;
      if (s.substr(v, 8) == "\"Bundle\"") return true;
    }
    return false;
  };
  const bool one_line_object = !first.empty() && first.front() == '{' && first.back() == '}';
  if (one_line_object) {
    // A one-line Bundle is one resource of the wrong kind for Bulk Data: each line is a patient's resource.
    const std::size_t type_at = first.find("\"resourceType\"");
    if (type_at < 40 && names_bundle(first.substr(0, 80)))  // (npos is not < 40)
      return std::string(
          "its first line is a FHIR Bundle; a Bundle holds one patient's record: evaluate it with "
          "`switchpoint evaluate FILE`, or export the patients as FHIR Bulk Data NDJSON (one "
          "resource per line)");
    return std::nullopt;
  }
  if (first.empty() || (first.front() != '{' && first.front() != '[')) return std::nullopt;  // lines report themselves
  // One JSON document spread over several lines (pretty-printed): not NDJSON, every line would be invalid.
  // A first line that merely lacks its end (a truncated resource) is left to report itself.
  const bool opens_document = first == "{" || first == "[";
  if (names_bundle(std::string_view(head).substr(b, 4096)))
    return std::string(
        "this is one FHIR Bundle (a JSON document over several lines), not FHIR Bulk Data NDJSON; "
        "evaluate a patient's Bundle with `switchpoint evaluate FILE`, or export the patients as FHIR "
        "Bulk Data NDJSON (one resource per line)");
  if (!opens_document) return std::nullopt;
  return std::string(
      "this is one JSON document over several lines (pretty-printed), not NDJSON; FHIR Bulk Data "
      "has one resource per line: export as NDJSON, or evaluate a single record with "
      "`switchpoint evaluate FILE`");
}

namespace {

// Folders become their *.ndjson and *.ndjson.gz files, by name; files are taken as given.
std::vector<std::string> ndjson_files(const std::vector<std::string>& inputs) {
  std::vector<std::string> files;
  for (const auto& in : inputs) {
    std::error_code ec;
    if (fs::is_directory(in, ec)) {
      std::vector<std::string> found;
      for (const auto& e : fs::directory_iterator(in, ec))
        if (e.is_regular_file() && is_ndjson(e.path().filename().string())) found.push_back(e.path().string());
      if (ec) throw UsageError(fmt::format("{}: cannot list the folder: {}", in, ec.message()));
      if (found.empty()) throw UsageError(fmt::format("{}: no .ndjson or .ndjson.gz file in the folder", in));
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(in, ec)) {
      if (is_csv(in)) throw UsageError(fmt::format("{}: a CSV file needs --csv-profile (known: {})", in, kCsvProfiles));
      files.push_back(in);
    } else {
      throw UsageError(fmt::format("{}: no such file or folder", in));
    }
  }
  return files;
}

// Evaluates one readable record as of its last record.
void evaluate_into(CohortRow& row, const PatientRecord& record) {
  const auto as_of = default_as_of(record);
  if (!as_of) {
    row.input = InputStatus::NoDatedEntry;
    return;
  }
  // The rows read verdicts only: no explanation is built (core/engine.h EvaluateOptions).
  fill_from_decision(row, record, evaluate(record, *as_of, {.detail = Detail::Verdicts}));
  // The analysis covariates on each definition's since date (definitions often share one).
  for (std::size_t i = 0; i < kDefinitions.size(); ++i) {
    const auto& since = row.definitions[i].since;
    if (!since) continue;
    bool copied = false;
    for (std::size_t j = 0; j < i && !copied; ++j)
      if (row.definitions[j].since == since) {
        row.covariates_at_since[i] = row.covariates_at_since[j];
        copied = true;
      }
    if (!copied) row.covariates_at_since[i] = covariates_at(record, *since);
  }
}

void withhold(CohortRow& row, const std::vector<Problem>& problems) {
  row.input = InputStatus::Invalid;
  row.problems = static_cast<int>(problems.size());
  if (!problems.empty())
    row.first_problem = problems.front().location.empty()
                            ? problems.front().message
                            : fmt::format("{}: {}", problems.front().location, problems.front().message);
}

}  // namespace

Result evaluate_cohort(const Options& options) {
  if (options.inputs.empty()) throw UsageError("no input: give NDJSON folders or files, or a CSV with --csv-profile");
  const int threads =
      options.threads > 0 ? options.threads : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  Progress progress(options.progress);
  Result res;
  Stats& stats = res.stats;
  stats.threads = threads;
  // Problems found while reading each patient, by patient, merged in patient order.
  std::vector<std::vector<InvalidLine>> patient_problems;

  if (!options.csv_profile.empty()) {
    if (options.inputs.size() != 1)
      throw UsageError(fmt::format("--csv-profile reads one CSV file; {} inputs were given", options.inputs.size()));
    std::vector<CsvPatient> patients = read_csv(options.inputs.front(), options.csv_profile, stats);
    res.rows.resize(patients.size());
    patient_problems.resize(patients.size());
    progress.phase("evaluating", patients.size(), " patients");
    parallel_for(patients.size(), threads, [&](std::size_t i, int) {
      CsvPatient& p = patients[i];
      if (p.record) evaluate_into(p.row, *p.record);
      else withhold(p.row, p.problems);
      for (const auto& pr : p.problems) {
        const auto colon = pr.location.rfind(':');
        patient_problems[i].push_back(
            {pr.location.substr(0, colon), std::stol(pr.location.substr(colon + 1)), pr.message});
      }
      finish_csv_row(p);
      res.rows[i] = std::move(p.row);
      progress.advance(1);
    });
    progress.finish();
  } else {
    stats.source = "FHIR R4 Bulk NDJSON";
    stats.files = ndjson_files(options.inputs);
    // The wrong kind of input is refused before anything is read (no rows, no output file).
    for (const auto& f : stats.files)
      if (auto why = not_ndjson_reason(f)) throw UsageError(fmt::format("{}: {}", f, *why));
    NdjsonPatients in;
    CohortCandidates cand;
    try {
      // Pass 0 finds the cohort's candidates (patient ids only); pass 1 keeps their lines only.
      // With plain files only, one parse of each line does both: the kept lines are offsets into
      // the mapped files, so keeping every patient's lines until the selection costs no copy. A
      // gzip file's kept lines are copied: pass 0 first, so that only the cohort's are.
      const bool gzip =
          std::any_of(stats.files.begin(), stats.files.end(), [](const std::string& f) { return ends_with(f, ".gz"); });
      if (options.select_cohort && gzip) {
        cand = find_cohort_candidates(stats.files, options, threads, progress);
        in = scan_ndjson(stats.files, options, threads, stats, progress, &cand.candidates);
      } else {
        in = scan_ndjson(stats.files, options, threads, stats, progress, nullptr,
                         options.select_cohort ? &cand : nullptr);
      }
    } catch (const std::runtime_error& e) {
      throw UsageError(e.what());
    }
    // A mapped file that changed during the scan is refused before its lines are read again.
    if (auto changed = in.changed_file()) throw UsageError(*changed);
    std::vector<char> outside(in.patients.size(), 0);  // read, but no HCC diagnosis, TACE or systemic therapy
    res.rows.resize(in.patients.size());
    patient_problems.resize(in.patients.size());
    std::vector<simdjson::dom::parser> parsers(static_cast<std::size_t>(threads));
    std::vector<std::map<std::string, std::uint64_t>> skipped(static_cast<std::size_t>(threads));
    progress.phase("evaluating", in.patients.size(), " patients");
    parallel_for(in.patients.size(), threads, [&](std::size_t i, int worker) {
      NdjsonPatient p = read_ndjson_patient(in, i, parsers[static_cast<std::size_t>(worker)]);
      CohortRow& row = res.rows[i];
      row.patient_id = in.patients[i].first;
      for (const auto& [k, n] : p.rr.skipped)
        skipped[static_cast<std::size_t>(worker)][k] += static_cast<std::uint64_t>(n);
      // Death before the first TACE contradicts the TACE dates: which is wrong cannot be told,
      // so the patient is withheld, never evaluated as ok.
      if (p.rr.ok() && p.died && *p.died && p.deceased && !p.rr.record->tace.empty()) {
        const Date first =
            std::min_element(p.rr.record->tace.begin(), p.rr.record->tace.end(), [](const auto& a, const auto& b) {
              return a.date < b.date;
            })->date;
        if (*p.deceased < first)
          p.rr.problems.push_back({p.patient_location + "/deceasedDateTime",
                                   fmt::format("follow-up ends before the first TACE: the Patient died on {}, but the "
                                               "first TACE is on {}; the dates contradict each other",
                                               p.deceased->iso(), first.iso())});
      }
      // An HCC diagnosis Condition that was read counts even without a usable onset date (the
      // reader counts it as "used: diagnosis"; the record's hcc_diagnosis holds dated ones only).
      const bool diagnosed = p.rr.ok() && (p.rr.record->hcc_diagnosis || p.rr.skipped.count("used: diagnosis") > 0);
      if (p.rr.ok() && options.select_cohort && !diagnosed && p.rr.record->tace.empty() &&
          p.rr.record->systemic.empty()) {
        outside[i] = 1;  // never evaluated
      } else if (p.rr.ok()) {
        evaluate_into(row, *p.rr.record);
        row.hcc_diagnosis = row.hcc_diagnosis || diagnosed;
        row.died = p.died;
        if (p.died && *p.died) row.follow_up_end = p.deceased;
        else if (p.died) row.follow_up_end = row.as_of;
      } else {
        withhold(row, p.rr.problems);
        for (const auto& pr : p.rr.problems) patient_problems[i].push_back(invalid_line_of(pr));
      }
      progress.advance(1);
    });
    progress.finish();
    if (auto changed = in.changed_file()) throw UsageError(*changed);
    for (const auto& m : skipped)
      for (const auto& [k, n] : m) stats.skipped[k] += n;
    if (options.select_cohort) {
      stats.selected = true;
      for (const auto& [id, refs] : in.patients) cand.everyone.insert(id);
      stats.export_patients = cand.everyone.size();
      std::unordered_set<std::string> kept;
      std::vector<CohortRow> rows;
      std::vector<std::vector<InvalidLine>> problems;
      rows.reserve(res.rows.size());  // moved once each, never again by a growing vector
      problems.reserve(res.rows.size());
      for (std::size_t i = 0; i < res.rows.size(); ++i) {
        if (outside[i]) continue;
        kept.insert(res.rows[i].patient_id);
        rows.push_back(std::move(res.rows[i]));
        problems.push_back(std::move(patient_problems[i]));
      }
      res.rows = std::move(rows);
      patient_problems = std::move(problems);
      for (const auto& id : cand.everyone)
        if (!kept.count(id)) stats.not_in_cohort.push_back(id);
      std::sort(stats.not_in_cohort.begin(), stats.not_in_cohort.end());
    }
  }

  for (auto& v : patient_problems)
    for (auto& p : v) stats.invalid.push_back(std::move(p));
  // Invalid lines by file (in input order) and line; the count is of distinct lines.
  auto file_rank = [&](const std::string& f) {
    return static_cast<std::size_t>(std::find(stats.files.begin(), stats.files.end(), f) - stats.files.begin());
  };
  std::stable_sort(stats.invalid.begin(), stats.invalid.end(), [&](const InvalidLine& a, const InvalidLine& b) {
    const auto fa = file_rank(a.file), fb = file_rank(b.file);
    return fa != fb ? fa < fb : a.line < b.line;
  });
  for (std::size_t i = 0; i < stats.invalid.size(); ++i)
    if (i == 0 || stats.invalid[i].file != stats.invalid[i - 1].file ||
        stats.invalid[i].line != stats.invalid[i - 1].line || stats.invalid[i].line == 0)
      ++stats.invalid_line_count;

  stats.patients = res.rows.size();
  for (const auto& r : res.rows) {
    if (r.input == InputStatus::Ok) ++stats.patients_evaluated;
    if (r.input == InputStatus::Invalid) ++stats.patients_withheld;
    if (r.input == InputStatus::Ok) {
      if (r.hcc_diagnosis) ++stats.with_hcc_diagnosis;
      if (r.any_tace) ++stats.with_tace;
      if (!r.systemic.empty()) ++stats.with_systemic;
    }
    if (r.died && r.follow_up_end) res.has_outcomes = res.has_outcomes || *r.died;
  }
  return res;
}

}  // namespace switchpoint::cohort
