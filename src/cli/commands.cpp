#include "cli/commands.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <unistd.h>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <switchpoint/version.h>
#include "assets/embedded.h"
#include "cohort/command.h"
#include "core/engine.h"
#include "presenters/catalogue_presenter.h"
#include "presenters/decision_json.h"
#include "presenters/decision_text.h"
#include "presenters/html_report.h"
#include "presenters/not_read_line.h"
#include "presenters/text_escape.h"
#include "readers/read_any.h"
#include "server/server.h"
#include "synth/output_dir.h"
#include "synth/synth.h"
#include "terminology/vocabulary.h"

namespace switchpoint {
namespace {

struct UsageError {
  std::string message;
};

// One patient's record is kilobytes, a few megabytes with a long FHIR history; the HTTP service
// takes 8 MiB by default. Beyond this the input is refused rather than read into memory without
// bound (a 10 GB file, /dev/zero, an endless pipe); many patients go through `switchpoint cohort`.
constexpr std::size_t kMaxRecordBytes = std::size_t{64} << 20;

std::string read_bounded(std::istream& in, const std::string& path) {
  std::string data;
  char buf[1 << 16];
  while (in) {
    in.read(buf, sizeof buf);
    data.append(buf, static_cast<std::size_t>(in.gcount()));
    if (data.size() > kMaxRecordBytes)
      throw UsageError{
          fmt::format("{}: larger than {} MiB; a patient record is far smaller (many patients: "
                      "switchpoint cohort)",
                      path, kMaxRecordBytes >> 20)};
  }
  if (in.bad()) throw UsageError{fmt::format("{}: cannot read the file", path)};
  return data;
}

std::string read_input(const std::string& path) {
  if (path == "-") return read_bounded(std::cin, "standard input");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError{fmt::format("{}: cannot open the file", path)};
  return read_bounded(in, path);
}

// Writes OUT atomically: a temporary file beside it, renamed over it only when complete, so
// a failure never leaves a partial output file.
void write_atomically(const std::string& path, const std::string& content) {
  const std::string tmp = fmt::format("{}.tmp.{}", path, static_cast<long>(::getpid()));
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw UsageError{fmt::format("{}: cannot write the output file", path)};
    f << content;
    f.flush();
    if (!f) {
      std::remove(tmp.c_str());
      throw UsageError{fmt::format("{}: writing failed", path)};
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw UsageError{fmt::format("{}: cannot replace the output file", path)};
  }
}

void print_problems(std::ostream& err, const std::string& file, const ReadResult& rr) {
  // The format is unknown when the input was refused before any reader (XML, UTF-16).
  err << fmt::format("{}: invalid {}record, {} problem{}:\n", escape_text(file),
                     rr.format.empty() ? "" : rr.format + " ", rr.problems.size(), rr.problems.size() == 1 ? "" : "s");
  for (const auto& p : rr.problems)
    err << fmt::format("  {}{}: {}\n", escape_text(file), p.location.empty() ? "" : " at " + escape_text(p.location),
                       escape_text(p.message));
}

Date resolve_as_of(const PatientRecord& r, const std::string& as_of_text, const std::string& file) {
  if (!as_of_text.empty()) {
    auto d = Date::parse(as_of_text);
    if (!d) throw UsageError{fmt::format("--as-of '{}': expected a date YYYY-MM-DD", as_of_text)};
    return *d;
  }
  auto d = default_as_of(r);
  if (!d)
    throw UsageError{fmt::format("{}: the record has no dated entry, so there is no as-of date; give --as-of", file)};
  return *d;
}

std::string render(const Decision& d, const ReadResult& rr, const std::string& format) {
  if (format == "json") return decision_to_json(d, input_summary(rr, d.as_of));
  if (format == "html") return decision_to_html(d, rr.record->as_of(d.as_of), input_summary(rr, d.as_of));
  return decision_to_text(d, input_summary(rr, d.as_of));
}

int cmd_evaluate(const std::string& file, const std::string& as_of, const std::string& format,
                 const std::string& out_path, std::ostream& out, std::ostream& err) {
  const std::string bytes = read_input(file);
  const ReadResult rr = read_record(bytes);
  if (!rr.ok()) {
    print_problems(err, file, rr);
    return 2;
  }
  const Date at = resolve_as_of(*rr.record, as_of, file);
  const std::string text = render(evaluate(*rr.record, at), rr, format);
  if (out_path.empty()) out << text;
  else write_atomically(out_path, text);
  return 0;
}

int cmd_validate(const std::string& file, std::ostream& out, std::ostream& err) {
  const ReadResult rr = read_record(read_input(file));
  if (!rr.ok()) {
    print_problems(err, file, rr);
    return 2;
  }
  out << fmt::format("{}: valid {} record for patient {}\n", escape_text(file), rr.format,
                     escape_text(rr.record->patient_id));
  for (const auto& [what, n] : rr.skipped) out << fmt::format("  skipped {} × {}\n", n, escape_text(what));
  if (const std::string line = not_read_line(rr.not_read, 20, escape_text); !line.empty()) out << "  " << line << "\n";
  return 0;
}

// `switchpoint vocabulary [--out DIR]`: the published vocabulary (docs/terminology.md
// "Published vocabulary"). Without --out, one Bundle (type collection) on standard output; with
// it, one file per resource, and the folder's other CodeSystem-, ValueSet- and ConceptMap-*.json
// files (left from an earlier version) are removed, so the folder holds exactly this vocabulary.
int cmd_vocabulary(const std::string& out_dir, std::ostream& out) {
  const auto& v = vocabulary::published_vocabulary();
  if (out_dir.empty()) {
    out << vocabulary::vocabulary_bundle(v);
    return 0;
  }
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) throw UsageError{fmt::format("{}: cannot create the folder: {}", out_dir, ec.message())};
  const auto resources = vocabulary::vocabulary_resources(v);
  for (const auto& entry : fs::directory_iterator(out_dir, ec)) {
    const std::string name = entry.path().filename().string();
    const bool ours = name.ends_with(".json") && (name.starts_with("CodeSystem-") || name.starts_with("ValueSet-") ||
                                                  name.starts_with("ConceptMap-"));
    const bool current =
        std::any_of(resources.begin(), resources.end(), [&](const auto& r) { return r.file_name == name; });
    if (ours && !current && entry.is_regular_file()) fs::remove(entry.path(), ec);
  }
  for (const auto& r : resources) write_atomically((fs::path(out_dir) / r.file_name).string(), r.json);
  out << fmt::format("{} resources written to {}\n", resources.size(), out_dir);
  return 0;
}

int cmd_demo(std::ostream& out, std::ostream& err) {
  int status = 0;
  out << "switchpoint demo: the example patients of examples/, each as of its latest entry.\n\n";
  for (const auto& ex : embedded_examples()) {
    const ReadResult rr = read_record(ex.content);
    if (!rr.ok()) {
      print_problems(err, std::string(ex.name), rr);
      status = 1;  // a shipped example that does not read is an internal error
      continue;
    }
    const auto at = default_as_of(*rr.record);
    if (!at) continue;
    out << fmt::format("=== {} ===\n", ex.name);
    out << decision_to_text(evaluate(*rr.record, *at)) << "\n";
  }
  return status;
}

// ---- switchpoint synth and switchpoint cohort (src/synth, src/cohort) ---------------------

struct CohortCommands {
  CLI::App* synth = nullptr;
  synth::Options synth_options;
  std::string synth_dir;
  bool synth_gzip = false;
  double synth_switch_hr = 1;
  bool synth_force = false;
  CLI::App* cohort = nullptr;
  cohort::CommandOptions cohort_options;
};

void add_cohort_commands(CLI::App& app, CohortCommands& c) {
  c.synth = app.add_subcommand("synth", "Write a synthetic cohort as FHIR Bulk Data NDJSON (docs/synth.md)");
  c.synth->add_option("--patients", c.synth_options.patients, "number of patients")
      ->required()
      ->check(CLI::Range(1, 10000000));
  c.synth->add_option("--seed", c.synth_options.seed, "random seed (default 1); the same seed gives the same files");
  c.synth->add_option("-o,--output", c.synth_dir, "folder to write Patient.ndjson, Observation.ndjson, … into")
      ->required();
  c.synth->add_flag("--gzip", c.synth_gzip, "write .ndjson.gz files");
  c.synth
      ->add_option("--switch-hr", c.synth_switch_hr,
                   "the control model (docs/synth.md): true hazard ratio of death after switching to systemic "
                   "therapy versus continuing TACE (1 = no effect)")
      ->check(CLI::Range(0.01, 100.0));
  c.synth->add_flag("--force", c.synth_force,
                    "write into a non-empty folder, removing its .ndjson and .ndjson.gz files first");

  auto& o = c.cohort_options;
  c.cohort =
      app.add_subcommand("cohort", "Evaluate many patients: FHIR Bulk NDJSON folders or a long CSV (docs/cohort.md)");
  c.cohort->add_option("INPUT", o.cohort.inputs, "NDJSON folders or files (.ndjson, .ndjson.gz), or one CSV file")
      ->required();
  c.cohort->add_option("-o,--output", o.output, "one row per patient: .csv or .ndjson (written atomically)")
      ->required();
  c.cohort->add_option("--report", o.report, "also write the cohort report (self-contained .html)");
  c.cohort->add_option("--threads", o.cohort.threads, "worker threads (default: all cores)")
      ->check(CLI::Range(1, 1024));
  c.cohort->add_option("--csv-profile", o.cohort.csv_profile, "column profile of a CSV input: dtsdhcc");
  c.cohort->add_option("--analysis", o.analysis,
                       "also write switch versus continue: landmark Cox models (.json; docs/cohort.md)");
  c.cohort->add_option("--analysis-table", o.analysis_table, "also write the lines the analysis models saw (.csv)");
  c.cohort->add_option("--landmark-days", o.landmark_days, "days from refractoriness to the landmark (default 90)")
      ->check(CLI::Range(0, 3650));
  c.cohort->add_option("--criteria", o.criteria, "also write one row per patient × definition × criterion (.csv)");
  c.cohort->add_option("--episodes", o.episodes, "also write the dated treatment episodes (.csv)");
  c.cohort->add_option("--dictionary", o.dictionary, "also write the tables' data dictionary (.json)");
  c.cohort->add_option("--excluded", o.excluded, "also list the export's patients not in the cohort (.csv)");
  c.cohort->add_flag("!--all-patients", o.cohort.select_cohort,
                     "evaluate every patient of an NDJSON export, not only those with an HCC diagnosis, a TACE or an "
                     "HCC systemic therapy");
}

int run_cohort_commands(CohortCommands& c, std::ostream& out, std::ostream& err) {
  if (*c.synth) {
    try {
      for (const auto& removed : synth::prepare_output_dir(c.synth_dir, c.synth_force))
        err << fmt::format("switchpoint synth: removed {} (--force)\n", escape_text(removed));
      if (c.synth->count("--switch-hr") > 0) c.synth_options.switch_hr = c.synth_switch_hr;
      out << synth::describe(synth::write_cohort(c.synth_options, c.synth_dir, c.synth_gzip));
    } catch (const std::runtime_error& e) {
      throw UsageError{e.what()};
    }
    return 0;
  }
  // The progress bar goes to the terminal only: never into a file, a pipe or a test's stream.
  c.cohort_options.cohort.progress = &err == &std::cerr && ::isatty(STDERR_FILENO) == 1;
  return cohort::run_cohort_command(c.cohort_options, out, err);
}

}  // namespace

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"switchpoint: when to stop TACE and switch to systemic therapy in HCC.\n" +
               std::string(kDecisionSupportNotice)};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("switchpoint ") + "engine " + kEngineVersion);

  auto* demo = app.add_subcommand("demo", "Evaluate the built-in example patients and print their summaries");

  std::string file, as_of, format = "text", out_path;
  auto* evaluate_cmd = app.add_subcommand("evaluate", "Evaluate one patient record (native JSON or FHIR R4 Bundle)");
  evaluate_cmd->add_option("FILE", file, "record file, or - for standard input")->required();
  evaluate_cmd->add_option("--as-of", as_of, "replay the record as it stood on this date (YYYY-MM-DD)");
  evaluate_cmd->add_option("--format", format, "text, json or html")->check(CLI::IsMember({"text", "json", "html"}));
  evaluate_cmd->add_option("-o,--output", out_path, "write here (atomically) instead of standard output");

  std::string validate_file;
  auto* validate = app.add_subcommand("validate", "Check a record and list every problem; evaluates nothing");
  validate->add_option("FILE", validate_file, "record file, or - for standard input")->required();

  std::string rules_format = "md";
  auto* rules = app.add_subcommand("rules", "Print the rule catalogue with sources and evidence grades");
  rules->add_option("--format", rules_format, "md or json")->check(CLI::IsMember({"md", "json"}));

  std::string vocabulary_out;
  auto* vocabulary_cmd = app.add_subcommand(
      "vocabulary",
      "Print the published vocabulary (FHIR CodeSystem, ValueSets, ConceptMaps) as a Bundle, or write its files");
  vocabulary_cmd->add_option("--out", vocabulary_out,
                             "write one file per resource into this folder (e.g. docs/vocabulary)");

  ServerOptions serve_options;
  auto* serve =
      app.add_subcommand("serve", "Run the HTTP service: CDS Hooks, REST API and web page (loopback by default)");
  serve->add_option("--host", serve_options.host, "address to listen on (default 127.0.0.1)");
  serve->add_option("--port", serve_options.port, "port (default 8080; 0: any free port, printed)")
      ->check(CLI::Range(0, 65535));
  serve->add_option("--max-body", serve_options.max_body_bytes,
                    "largest request body in bytes (default 8 MiB; 413 beyond)");
  serve->add_option(
      "--cds-config", serve_options.cds_config,
      "CDS Hooks configuration (JSON: public base URL, trusted issuers and their JWK Sets; docs/cds-hooks.md)");
  serve->add_flag("--cds-dev-unsigned", serve_options.cds_dev_unsigned,
                  "development only: accept CDS requests without a JWT (refused unless --host is a loopback address)");
  serve->add_option("--audit-db", serve_options.audit_db, "the SQLite audit log (default switchpoint-audit.sqlite)");
  serve->add_option("--threads", serve_options.threads, "connections served at once (default 16)")
      ->check(CLI::Range(1, 1024));
  serve
      ->add_option("--max-in-flight", serve_options.max_in_flight,
                   "evaluations at once; 503 with Retry-After beyond (default 8)")
      ->check(CLI::Range(1, 1024));
  serve->add_option("--read-timeout", serve_options.read_timeout_s, "seconds one read may wait (default 10)")
      ->check(CLI::Range(1, 300));
  serve->add_option("--write-timeout", serve_options.write_timeout_s, "seconds one write may wait (default 10)")
      ->check(CLI::Range(1, 300));
  serve
      ->add_option("--request-deadline", serve_options.request_deadline_s,
                   "seconds for a whole request to arrive (default 15; slow clients are cut off)")
      ->check(CLI::Range(1, 600));
  serve->add_option("--max-buffered", serve_options.max_buffered_bytes,
                    "request bytes held at once over all connections (default 64 MiB; 503 beyond)");
  serve
      ->add_option("--header-deadline", serve_options.header_deadline_s,
                   "seconds for the request line and headers to arrive (default 5; 408 and close beyond)")
      ->check(CLI::Range(1, 600));
  serve
      ->add_option("--max-connections", serve_options.max_connections,
                   "open connections at once (default 512; 503 beyond)")
      ->check(CLI::Range(1, 800));
  serve
      ->add_option("--max-connections-per-ip", serve_options.max_connections_per_ip,
                   "open connections from one address (default 128; 503 beyond)")
      ->check(CLI::Range(1, 800));
  serve->add_option(
      "--allowed-host", serve_options.allowed_hosts,
      "a Host header value to accept besides localhost/127.0.0.1/[::1] and the bound address with the bound port: "
      "NAME (any port) or NAME:PORT; repeatable (others get 421)");
  serve->add_option(
      "--frame-ancestors", serve_options.frame_ancestors,
      "who may embed the pages in a frame (CSP frame-ancestors): 'none' (default), 'self' or origins such as "
      "https://ehr.example.org");
  serve->add_option(
      "--cors-origin", serve_options.cors_origins,
      "a browser origin (scheme://host[:port]) whose pages may call the CDS Hooks endpoints with fetch(), e.g. "
      "https://sandbox.cds-hooks.org; repeatable; none by default (docs/cds-hooks.md, CORS)");

  CohortCommands cohort_commands;
  add_cohort_commands(app, cohort_commands);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Help and version are "errors" with exit code 0 in CLI11; everything else is bad usage.
    return app.exit(e, out, err) == 0 ? 0 : 2;
  }

  try {
    if (*demo) return cmd_demo(out, err);
    if (*evaluate_cmd) return cmd_evaluate(file, as_of, format, out_path, out, err);
    if (*validate) return cmd_validate(validate_file, out, err);
    if (*serve) return run_server(serve_options, err);
    if (*cohort_commands.synth || *cohort_commands.cohort) return run_cohort_commands(cohort_commands, out, err);
    if (*vocabulary_cmd) return cmd_vocabulary(vocabulary_out, out);
    if (*rules) {
      out << (rules_format == "json" ? catalogue_to_json() : catalogue_to_markdown());
      return 0;
    }
  } catch (const UsageError& e) {
    err << "switchpoint: " << escape_text(e.message) << "\n";
    return 2;
  } catch (const std::exception& e) {
    err << "switchpoint: internal error: " << escape_text(e.what()) << "\n";
    return 1;
  }
  return 2;
}

}  // namespace switchpoint
