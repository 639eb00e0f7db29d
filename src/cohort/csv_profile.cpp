#include "cohort/csv_profile.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <unordered_map>

#include "core/scores/child_pugh.h"

namespace switchpoint::cohort {
namespace {

// One CSV line split into cells (RFC 4180 quoting within the line).
bool split_csv(std::string_view line, std::vector<std::string>& cells) {
  cells.clear();
  std::string cell;
  bool quoted = false, was_quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          cell += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        cell += c;
      }
    } else if (c == '"' && cell.empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (c == ',') {
      cells.push_back(std::move(cell));
      cell.clear();
      was_quoted = false;
    } else {
      cell += c;
    }
  }
  cells.push_back(std::move(cell));
  return !quoted;
}

bool missing(std::string_view s) { return s.empty() || s == "NA"; }

std::optional<double> number(std::string_view s) {
  double v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// The dtsdhcc profile's columns.
enum Col : std::size_t {
  kId, kDate, kCount, kDiameter, kNew, kVi, kLymph, kDistant, kChildPugh, kAfp, kTargeted, kTace, kResection,
  kDeath, kOsDays, kColumns
};
constexpr std::string_view kNames[kColumns] = {
    "ID", "Date", "Amount.of.Hepatic.Lesions", "Largest.Diameter.of.Hepatic.Lesions", "New.Lesion",
    "Vascular.Invasion", "Local.Lymph.Node.Metastasis", "Distant.Metastasis", "Child_pugh_score", "AFP",
    "TargetedTherapy", "Embolization", "Resection", "Status_of_death", "OStime_day"};

struct Row {
  long line = 0;
  Date date;
  std::vector<std::string> cells;  // the profile's cells, in Col order (for the same-date check)
  std::optional<int> count;        // 0..4 (4 = "4 or more")
  std::optional<double> diameter_mm, afp, os_days;
  std::optional<int> new_lesions, child_pugh;
  std::optional<bool> vi, lymph, distant, targeted, tace, resection, died;
};

class RowParser {
 public:
  RowParser(const std::string& file, long line, std::vector<Problem>& problems)
      : file_(file), line_(line), problems_(problems) {}

  void problem(std::string_view column, std::string_view value, std::string_view expected) {
    problems_.push_back({fmt::format("{}:{}", file_, line_),
                         fmt::format("column {} is '{}'; expected {}", column, value, expected)});
  }
  std::optional<int> integer(const std::vector<std::string>& c, Col col, int lo, int hi, std::string_view expected) {
    if (missing(c[col])) return std::nullopt;
    auto v = number(c[col]);
    if (!v || *v != std::floor(*v) || *v < lo || *v > hi) {
      problem(kNames[col], c[col], expected);
      return std::nullopt;
    }
    return static_cast<int>(*v);
  }
  std::optional<double> real(const std::vector<std::string>& c, Col col, double lo, double hi, std::string_view expected) {
    if (missing(c[col])) return std::nullopt;
    auto v = number(c[col]);
    if (!v || *v < lo || *v > hi) {
      problem(kNames[col], c[col], expected);
      return std::nullopt;
    }
    return v;
  }
  std::optional<bool> flag(const std::vector<std::string>& c, Col col) {
    auto v = integer(c, col, 0, 1, "0 or 1");
    if (!v) return std::nullopt;
    return *v == 1;
  }

 private:
  const std::string& file_;
  long line_;
  std::vector<Problem>& problems_;
};

struct Group {
  std::string id;
  std::vector<Row> rows;
  std::vector<Problem> problems;
};

CsvPatient build(Group& g, Stats& stats) {
  CsvPatient p;
  p.row.patient_id = g.id;
  p.problems = std::move(g.problems);
  auto& rows = g.rows;
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.date < b.date; });

  // One date holds one row: an identical second row is read once, a different one is a problem.
  std::vector<Row*> kept;
  for (auto& r : rows) {
    if (!kept.empty() && kept.back()->date == r.date) {
      if (kept.back()->cells == r.cells) {
        ++stats.skipped["CSV row (the same row twice for one date, read once)"];
      } else {
        p.problems.push_back({fmt::format("{}:{}", stats.files.front(), r.line),
                              fmt::format("patient {} has two different rows for {} (the other at line {}); one "
                                          "date holds one value",
                                          g.id, r.date.iso(), kept.back()->line)});
      }
      continue;
    }
    kept.push_back(&r);
  }

  PatientRecord rec;
  rec.patient_id = g.id;
  int four_or_more = 0, studies = 0;
  std::optional<Date> lymph_only, resection;
  for (const Row* r : kept) {
    const std::string where = fmt::format("{}:{}", stats.files.front(), r->line);
    if (r->count || r->diameter_mm || r->new_lesions || r->vi || r->lymph || r->distant) {
      ImagingStudy s;
      s.date = r->date;
      ++studies;
      if (r->count && *r->count <= 3) s.intrahepatic_tumor_count = r->count;
      if (r->count && *r->count == 4) ++four_or_more;
      if (r->diameter_mm) s.largest_diameter_cm = *r->diameter_mm / 10.0;
      if (r->count && r->diameter_mm && (*r->count == 0) != (*r->diameter_mm == 0))
        p.problems.push_back(
            {where, fmt::format("Amount.of.Hepatic.Lesions is {} but Largest.Diameter.of.Hepatic.Lesions is {:g} mm: "
                                "contradictory findings",
                                *r->count, *r->diameter_mm)});
      s.new_lesions = r->new_lesions;
      if (r->vi) s.vascular_invasion = *r->vi ? VascularInvasion::Branch : VascularInvasion::Absent;
      if ((r->distant && *r->distant) || (r->lymph && *r->lymph)) s.extrahepatic_spread = true;
      else if (r->distant && r->lymph) s.extrahepatic_spread = false;
      if (r->lymph && *r->lymph && !(r->distant && *r->distant) && !lymph_only) lymph_only = r->date;
      rec.imaging.push_back(std::move(s));
    }
    if (r->afp) rec.labs.afp_ng_per_ml.push_back({r->date, *r->afp, *r->afp, "ng/mL"});
    if (r->tace && *r->tace) rec.tace.push_back({r->date, "", std::nullopt});
    if (r->targeted && *r->targeted) {
      if (!p.row.systemic_unknown_regimen_from) p.row.systemic_unknown_regimen_from = r->date;
      p.row.systemic_starts.push_back(r->date);
    }
    if (r->resection && *r->resection && !resection) resection = r->date;
    if (r->child_pugh) p.recorded_child_pugh.emplace_back(r->date, *r->child_pugh);
  }
  rec.sort_timelines();
  if (rec.tace.size() > kMaxTaceSessions) {
    // Where the first session beyond the limit is.
    long line = 0;
    std::size_t n = 0;
    for (const Row* r : kept)
      if (r->tace && *r->tace && ++n == kMaxTaceSessions + 1) line = r->line;
    p.problems.push_back({fmt::format("{}:{}", stats.files.front(), line), too_many_tace_sessions(rec.tace.size())});
  }

  if (!kept.empty()) {
    const Row& last = *kept.back();
    if (!p.recorded_child_pugh.empty()) p.row.recorded_child_pugh_points = p.recorded_child_pugh.back().second;
    p.row.died = last.died;
    if (last.os_days) p.row.follow_up_end = last.date.plus_days(static_cast<int>(std::lround(*last.os_days)));
    p.vascular_invasion_at_end = last.vi && *last.vi;
    // The rows should agree on when follow-up ends; say so when they do not.
    int spread = 0;
    for (const Row* r : kept)
      if (r->os_days && p.row.follow_up_end)
        spread = std::max(spread, std::abs(days_between(*p.row.follow_up_end,
                                                        r->date.plus_days(static_cast<int>(std::lround(*r->os_days))))));
    if (spread > 31)
      p.row.notes.push_back(fmt::format("rows disagree on the end of follow-up by up to {} days; the last row's is used",
                                        spread));
  }
  if (four_or_more > 0)
    p.row.notes.push_back(fmt::format("tumour count '4 or more' on {} of {} studies: not read as a count", four_or_more,
                                      studies));
  if (p.row.systemic_unknown_regimen_from)
    p.row.notes.push_back(fmt::format("targeted therapy (regimen not recorded) from {}: not in the record; therapy "
                                      "line and first choice not given",
                                      p.row.systemic_unknown_regimen_from->iso()));
  if (lymph_only) p.row.notes.push_back(fmt::format("regional lymph-node metastasis from {} read as extrahepatic spread", lymph_only->iso()));
  if (resection) p.row.notes.push_back(fmt::format("resection on {}: not in the record", resection->iso()));
  if (p.problems.empty()) p.record = std::move(rec);
  return p;
}

}  // namespace

std::vector<CsvPatient> read_csv(const std::string& path, std::string_view profile, Stats& stats) {
  if (profile != "dtsdhcc")
    throw UsageError(fmt::format("--csv-profile '{}': not a known profile; known: {}", profile, kCsvProfiles));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError(fmt::format("{}: cannot open the file", path));
  stats.source = fmt::format("CSV (profile {})", profile);
  stats.files.push_back(path);

  std::string line;
  std::vector<std::string> cells;
  long line_no = 0;
  // The header: the profile's columns by name, in any order.
  std::size_t at[kColumns];
  std::size_t width = 0;
  while (std::getline(in, line)) {
    ++line_no;
    stats.bytes += line.size() + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line_no == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // a UTF-8 byte order mark
    if (line.empty()) continue;
    split_csv(line, cells);
    width = cells.size();
    std::string absent, twice;
    for (std::size_t c = 0; c < kColumns; ++c) {
      const auto it = std::find(cells.begin(), cells.end(), kNames[c]);
      if (it == cells.end()) absent += (absent.empty() ? "" : ", ") + std::string(kNames[c]);
      else at[c] = static_cast<std::size_t>(it - cells.begin());
      // A column named twice is ambiguous (which one holds the value?), like a JSON member twice.
      if (it != cells.end() && std::find(it + 1, cells.end(), kNames[c]) != cells.end())
        twice += (twice.empty() ? "" : ", ") + std::string(kNames[c]);
    }
    if (!twice.empty())
      throw UsageError(fmt::format("{}:{}: the header names these columns more than once: {}; which one is meant "
                                   "cannot be told",
                                   path, line_no, twice));
    if (!absent.empty())
      throw UsageError(fmt::format("{}:{}: the header lacks the columns of profile {}: {}", path, line_no, profile,
                                   absent));
    break;
  }
  if (width == 0) throw UsageError(fmt::format("{}: empty file; expected a header line", path));

  std::vector<Group> groups;
  std::unordered_map<std::string, std::size_t> index;
  std::vector<std::string> row_cells(kColumns);
  while (std::getline(in, line)) {
    ++line_no;
    stats.bytes += line.size() + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      ++stats.skipped["(blank line)"];
      continue;
    }
    ++stats.lines;
    // Cells end up in rows, messages and the report (JSON, CSV, HTML): bytes that are not UTF-8
    // are refused with the line, never copied through.
    if (!simdjson::validate_utf8(line)) {
      stats.invalid.push_back({path, line_no, "the line is not valid UTF-8; the file must be UTF-8 text"});
      continue;
    }
    if (!split_csv(line, cells) || cells.size() != width) {
      stats.invalid.push_back({path, line_no, fmt::format("{} cells where the header has {}{}", cells.size(), width,
                                                          cells.size() == width ? " (unclosed quote)" : "")});
      continue;
    }
    for (std::size_t c = 0; c < kColumns; ++c) row_cells[c] = cells[at[c]];
    const std::string& id = row_cells[kId];
    if (missing(id)) {
      stats.invalid.push_back({path, line_no, "column ID is empty: the row cannot be linked to a patient"});
      continue;
    }
    auto [it, fresh] = index.try_emplace(id, groups.size());
    if (fresh) groups.push_back({id, {}, {}});
    Group& g = groups[it->second];
    ++stats.lines_kept;
    stats.bytes_kept += line.size() + 1;

    Row r;
    r.line = line_no;
    RowParser rp(path, line_no, g.problems);
    const auto before = g.problems.size();
    auto date = Date::parse(row_cells[kDate]);
    if (!date) {
      rp.problem("Date", row_cells[kDate], "a date YYYY-MM-DD");
      continue;
    }
    r.date = *date;
    r.count = rp.integer(row_cells, kCount, 0, 4, "an integer 0 to 4 (4 = 4 or more)");
    r.diameter_mm = rp.real(row_cells, kDiameter, 0, 400, "millimetres, 0 to 400");
    r.new_lesions = rp.integer(row_cells, kNew, 0, 1000, "an integer count, 0 to 1000");
    r.vi = rp.flag(row_cells, kVi);
    r.lymph = rp.flag(row_cells, kLymph);
    r.distant = rp.flag(row_cells, kDistant);
    r.child_pugh = rp.integer(row_cells, kChildPugh, 5, 15, "Child-Pugh points, an integer 5 to 15");
    r.afp = rp.real(row_cells, kAfp, 0, 1e7, "AFP in ng/mL, 0 to 10,000,000");
    r.targeted = rp.flag(row_cells, kTargeted);
    r.tace = rp.flag(row_cells, kTace);
    r.resection = rp.flag(row_cells, kResection);
    r.died = rp.flag(row_cells, kDeath);
    r.os_days = rp.real(row_cells, kOsDays, 0, 40000, "days, 0 to 40,000");
    if (g.problems.size() != before) continue;
    r.cells = row_cells;
    g.rows.push_back(std::move(r));
  }
  std::vector<CsvPatient> out;
  out.reserve(groups.size());
  for (auto& g : groups) out.push_back(build(g, stats));
  std::sort(out.begin(), out.end(),
            [](const CsvPatient& a, const CsvPatient& b) { return a.row.patient_id < b.row.patient_id; });
  return out;
}

void finish_csv_row(CsvPatient& p) {
  CohortRow& row = p.row;
  if (row.input != InputStatus::Ok) return;
  if (row.systemic_unknown_regimen_from) {
    row.therapy_line.reset();
    row.first_choice.clear();
  } else if (p.vascular_invasion_at_end && !row.first_choice.empty()) {
    row.first_choice.clear();
    row.notes.push_back("macrovascular invasion of unrecorded level (read as branch): first choice not given, as "
                        "main portal vein invasion would change it");
  }
  for (auto& d : row.definitions) {
    d.child_pugh_at_since = '?';
    if (!d.since) continue;
    for (const auto& [date, points] : p.recorded_child_pugh)
      if (date <= *d.since) d.child_pugh_at_since = child_pugh_class(points);
  }
}

}  // namespace switchpoint::cohort
