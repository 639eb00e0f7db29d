#include "cohort/command.h"

#include <fmt/format.h>

#include <unistd.h>
#include <cstdio>
#include <fstream>
#include <ostream>
#include <tuple>

#include "cohort/analysis.h"
#include "cohort/csv.h"
#include "cohort/report.h"
#include "presenters/text_escape.h"

namespace switchpoint::cohort {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

void write_file_atomically(const std::string& path, const std::string& content) {
  const std::string tmp = fmt::format("{}.tmp.{}", path, static_cast<long>(::getpid()));
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw UsageError(fmt::format("{}: cannot write the output file", path));
    f.write(content.data(), static_cast<std::streamsize>(content.size()));
    f.flush();
    if (!f) {
      f.close();
      std::remove(tmp.c_str());
      throw UsageError(fmt::format("{}: writing failed", path));
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw UsageError(fmt::format("{}: cannot replace the output file", path));
  }
}

int run_cohort_command(const CommandOptions& o, std::ostream& out, std::ostream& err) {
  try {
    const bool csv = ends_with(o.output, ".csv");
    if (!csv && !ends_with(o.output, ".ndjson") && !ends_with(o.output, ".jsonl"))
      throw UsageError(
          fmt::format("-o {}: the output is CSV (.csv) or NDJSON (.ndjson, .jsonl), by its extension", o.output));
    if (!o.report.empty() && !ends_with(o.report, ".html") && !ends_with(o.report, ".htm"))
      throw UsageError(fmt::format("--report {}: the report is an HTML file (.html)", o.report));

    if (!o.analysis.empty() && !ends_with(o.analysis, ".json"))
      throw UsageError(fmt::format("--analysis {}: the analysis is a JSON file (.json)", o.analysis));
    if (!o.analysis_table.empty() && !ends_with(o.analysis_table, ".csv"))
      throw UsageError(fmt::format("--analysis-table {}: the analysis table is a CSV file (.csv)", o.analysis_table));
    if (o.landmark_days < 0 || o.landmark_days > 3650)
      throw UsageError(fmt::format("--landmark-days {}: expected a number of days from 0 to 3650", o.landmark_days));
    const AnalysisOptions analysis_options{o.landmark_days};
    for (const auto& [flag, path, ext] : {std::tuple{"--criteria", o.criteria, ".csv"},
                                          {"--episodes", o.episodes, ".csv"},
                                          {"--dictionary", o.dictionary, ".json"},
                                          {"--excluded", o.excluded, ".csv"}})
      if (!path.empty() && !ends_with(path, ext))
        throw UsageError(fmt::format("{} {}: the file is {} ({})", flag, path,
                                     ext == std::string_view(".csv") ? "CSV" : "JSON", ext));

    const Result res = evaluate_cohort(o.cohort);
    const Stats& st = res.stats;
    for (const auto& p : st.invalid)
      err << (p.line > 0 ? fmt::format("{}:{}: {}\n", escape_text(p.file), p.line, escape_text(p.message))
                         : fmt::format("{}: {}\n", escape_text(p.file), escape_text(p.message)));

    write_file_atomically(o.output, csv ? rows_to_csv(res.rows) : rows_to_ndjson(res.rows));
    if (!o.report.empty()) write_file_atomically(o.report, cohort_report_html(res, analysis_options));
    if (!o.analysis.empty() || !o.analysis_table.empty()) {
      const auto comparisons = compare_switch_continue(res.rows, analysis_options);
      if (!o.analysis.empty()) write_file_atomically(o.analysis, analysis_json(comparisons));
      if (!o.analysis_table.empty()) write_file_atomically(o.analysis_table, analysis_table_csv(comparisons));
    }
    if (!o.criteria.empty()) write_file_atomically(o.criteria, criteria_to_csv(res.rows));
    if (!o.episodes.empty()) write_file_atomically(o.episodes, episodes_to_csv(res.rows));
    if (!o.dictionary.empty()) write_file_atomically(o.dictionary, data_dictionary_json());
    if (!o.excluded.empty()) {
      std::string list = "patient_id,reason\n";
      for (const auto& id : st.not_in_cohort)
        list += csv_text_cell(id) + "," +
                csv_plain_cell("no HCC diagnosis, TACE or HCC systemic therapy in the export: not evaluated") + "\n";
      write_file_atomically(o.excluded, list);
    }

    out << fmt::format(
        "switchpoint cohort: {} patients from {} ({} lines, {:.1f} MB; {} thread{}): {} evaluated, {} "
        "withheld for invalid input; {} invalid line{}{}.\n",
        st.patients, st.source, st.lines, static_cast<double>(st.bytes) / 1e6, st.threads, st.threads == 1 ? "" : "s",
        st.patients_evaluated, st.patients_withheld, st.invalid_line_count, st.invalid_line_count == 1 ? "" : "s",
        st.invalid_line_count ? " (listed on standard error)" : "");
    if (st.selected)
      out << fmt::format(
          "cohort selection: {} patient{} in the export; {} in the cohort (an HCC diagnosis, a TACE or an HCC "
          "systemic therapy: {} with an HCC diagnosis, {} with TACE, {} with systemic therapy among those "
          "evaluated); {} not in the cohort, not evaluated{}.\n",
          st.export_patients, st.export_patients == 1 ? "" : "s", st.patients, st.with_hcc_diagnosis, st.with_tace,
          st.with_systemic, st.not_in_cohort.size(), o.excluded.empty() ? " (--excluded FILE.csv lists them)" : "");
    out << fmt::format("  {:<16} {:>10} {:>15} {:>18} {:>15}\n", "definition", "refractory", "not-refractory",
                       "insufficient-data", "not-applicable");
    for (std::size_t i = 0; i < kDefinitions.size(); ++i) {
      long r = 0, n = 0, in = 0, na = 0;
      for (const auto& row : res.rows) {
        if (row.input != InputStatus::Ok) continue;
        switch (row.definitions[i].status) {
          case RefractorinessStatus::Refractory:
            ++r;
            break;
          case RefractorinessStatus::NotRefractory:
            ++n;
            break;
          case RefractorinessStatus::InsufficientData:
            ++in;
            break;
          case RefractorinessStatus::NotApplicable:
            ++na;
            break;
        }
      }
      out << fmt::format("  {:<16} {:>10} {:>15} {:>18} {:>15}\n", kDefinitions[i], r, n, in, na);
    }
    std::string wrote = escape_text(o.output);
    for (const std::string* f :
         {&o.report, &o.analysis, &o.analysis_table, &o.criteria, &o.episodes, &o.dictionary, &o.excluded})
      if (!f->empty()) wrote += ", " + escape_text(*f);
    out << fmt::format("wrote {}\n", wrote);
    return 0;
  } catch (const UsageError& e) {
    err << "switchpoint: " << escape_text(e.what()) << "\n";
    return 2;
  }
}

}  // namespace switchpoint::cohort
