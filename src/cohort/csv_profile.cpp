#include "cohort/csv_profile.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>

#include <unordered_map>

#include "cohort/csv.h"
#include "cohort/mapped_guard.h"
#include "core/scores/child_pugh.h"
#include "presenters/text_escape.h"

namespace switchpoint::cohort {
namespace {

// Leading and trailing spaces and tabs of a cell. RFC 4180 makes spaces data; in this profile no
// column's value begins or ends with one (ids, dates, numbers), so padding is taken as padding:
// "  P1 ", "P1" and "\"P1\"" are one patient, never three (docs/cohort.md).
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
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
  kId,
  kDate,
  kCount,
  kDiameter,
  kNew,
  kVi,
  kLymph,
  kDistant,
  kChildPugh,
  kAfp,
  kTargeted,
  kTace,
  kResection,
  kDeath,
  kOsDays,
  kColumns
};
constexpr std::string_view kNames[kColumns] = {"ID",
                                               "Date",
                                               "Amount.of.Hepatic.Lesions",
                                               "Largest.Diameter.of.Hepatic.Lesions",
                                               "New.Lesion",
                                               "Vascular.Invasion",
                                               "Local.Lymph.Node.Metastasis",
                                               "Distant.Metastasis",
                                               "Child_pugh_score",
                                               "AFP",
                                               "TargetedTherapy",
                                               "Embolization",
                                               "Resection",
                                               "Status_of_death",
                                               "OStime_day"};

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
    problems_.push_back(
        {fmt::format("{}:{}", file_, line_), fmt::format("column {} is '{}'; expected {}", column, value, expected)});
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
  std::optional<double> real(const std::vector<std::string>& c, Col col, double lo, double hi,
                             std::string_view expected) {
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
      if (r->count && *r->count == 4) {
        ++four_or_more;
        s.intrahepatic_tumor_count_at_least = 4;  // "4" means 4 or more: a lower bound
      }
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
    if (r->resection && *r->resection) {
      if (!resection) resection = r->date;
      rec.procedures.push_back({r->date, CourseEndingKind::Resection});  // ends the TACE course (P-course-end)
    }
    if (r->child_pugh) {
      p.recorded_child_pugh.emplace_back(r->date, *r->child_pugh);
      ClinicalAssessment c;
      c.date = r->date;
      c.child_pugh_points_recorded = *r->child_pugh;
      // 5 points is the minimum of every part: no ascites and no encephalopathy.
      if (*r->child_pugh == 5) {
        c.ascites = Ascites::None;
        c.encephalopathy = Encephalopathy::None;
      }
      rec.clinical.push_back(c);
    }
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
        spread =
            std::max(spread, std::abs(days_between(*p.row.follow_up_end,
                                                   r->date.plus_days(static_cast<int>(std::lround(*r->os_days))))));
    // Follow-up (death or last contact) that ends before the first TACE contradicts the TACE
    // dates: which is wrong cannot be told, so the patient is withheld, never evaluated as ok.
    if (!rec.tace.empty())
      for (const Row* r : kept) {
        if (!r->os_days) continue;
        const Date end = r->date.plus_days(static_cast<int>(std::lround(*r->os_days)));
        if (end < rec.tace.front().date) {
          p.problems.push_back({fmt::format("{}:{}", stats.files.front(), r->line),
                                fmt::format("follow-up ends before the first TACE: OStime_day {:g} from {} ends "
                                            "follow-up{} on {}, but the first TACE (Embolization = 1) is on {}; the "
                                            "dates contradict each other",
                                            *r->os_days, r->date.iso(), r->died && *r->died ? " (death)" : "",
                                            end.iso(), rec.tace.front().date.iso())});
          break;
        }
      }
    if (spread > 31)
      p.row.notes.push_back(
          fmt::format("rows disagree on the end of follow-up by up to {} days; the last row's is used", spread));
  }
  if (four_or_more > 0)
    p.row.notes.push_back(fmt::format(
        "tumour count '4 or more' on {} of {} studies: read as a lower bound (at least 4)", four_or_more, studies));
  if (p.row.systemic_unknown_regimen_from)
    p.row.notes.push_back(
        fmt::format("targeted therapy (regimen not recorded) from {}: not in the record; therapy "
                    "line and first choice not given",
                    p.row.systemic_unknown_regimen_from->iso()));
  if (lymph_only)
    p.row.notes.push_back(
        fmt::format("regional lymph-node metastasis from {} read as extrahepatic spread", lymph_only->iso()));
  if (resection) p.row.notes.push_back(fmt::format("resection on {}: ends the TACE course", resection->iso()));
  p.row.notes.push_back("DTSDHCC: missing values were imputed by the data set's authors (random-forest regression)");
  if (p.problems.empty()) p.record = std::move(rec);
  return p;
}

}  // namespace

namespace {

// The file's bytes, mapped read-only (a cohort CSV is read whole; the pages are the file's, so
// they cost no anonymous memory). A file truncated by another program while it is read gives
// zeros past its new end instead of ending the process (cohort/mapped_guard.h): changed() says so,
// as it says when the file is no longer the one mapped (another size, time or identity).
class MappedFile {
 public:
  explicit MappedFile(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw UsageError(fmt::format("{}: cannot open the file", path));
    struct stat st {};
    if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd_);
      throw UsageError(fmt::format("{}: not a regular file", path));
    }
    size_ = static_cast<std::size_t>(st.st_size);
    if (size_ > 0) {
      void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd_, 0);
      if (p == MAP_FAILED) {
        ::close(fd_);
        throw UsageError(fmt::format("{}: cannot read the file", path));
      }
      data_ = static_cast<const char*>(p);
      guard_.emplace(data_, size_);
    }
    dev_ = st.st_dev;
    ino_ = st.st_ino;
    mtime_ = st.st_mtim;
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile() {
    if (data_) ::munmap(const_cast<char*>(data_), size_);
    ::close(fd_);
  }
  std::string_view text() const { return {data_ ? data_ : "", size_}; }
  bool changed() const {
    if (guard_ && guard_->faulted()) return true;
    struct stat st {};
    return ::stat(path_.c_str(), &st) != 0 || st.st_dev != dev_ || st.st_ino != ino_ ||
           static_cast<std::size_t>(st.st_size) != size_ || st.st_mtim.tv_sec != mtime_.tv_sec ||
           st.st_mtim.tv_nsec != mtime_.tv_nsec;
  }

 private:
  std::string path_;
  int fd_ = -1;
  const char* data_ = nullptr;
  std::size_t size_ = 0;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
  struct timespec mtime_ {};
  std::optional<MappingGuard> guard_;  // after data_: removed after the munmap of ~MappedFile
};

}  // namespace

std::vector<CsvPatient> read_csv(const std::string& path, std::string_view profile, Stats& stats) {
  if (profile != "dtsdhcc")
    throw UsageError(fmt::format("--csv-profile '{}': not a known profile; known: {}", profile, kCsvProfiles));
  const MappedFile file(path);
  std::string_view text = file.text();
  std::size_t offset = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {  // a UTF-8 byte order mark
    text.remove_prefix(3);
    stats.bytes += 3;
  }
  stats.source = fmt::format("CSV (profile {})", profile);
  stats.files.push_back(path);
  CsvReader reader(text);
  CsvRecord rec;

  // The header: the profile's columns by name, in any order.
  std::size_t at[kColumns];
  std::size_t width = 0;
  while (reader.next(rec)) {
    stats.bytes += rec.bytes;
    offset += rec.bytes;
    if (rec.blank()) continue;
    if (!rec.error.empty())
      throw UsageError(
          fmt::format("{}:{}: the header cannot be read: {}", escape_text(path), rec.line, escape_text(rec.error)));
    auto& cells = rec.cells;
    for (auto& c : cells) c = std::string(trim(c));
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
      throw UsageError(
          fmt::format("{}:{}: the header names these columns more than once: {}; which one is meant "
                      "cannot be told",
                      escape_text(path), rec.line, twice));
    if (!absent.empty())
      throw UsageError(fmt::format("{}:{}: the header lacks the columns of profile {}: {}", escape_text(path), rec.line,
                                   profile, absent));
    break;
  }
  if (width == 0) throw UsageError(fmt::format("{}: empty file; expected a header line", escape_text(path)));

  std::vector<Group> groups;
  std::unordered_map<std::string, std::size_t> index;
  auto group_of = [&](const std::string& id) -> Group& {
    auto [it, fresh] = index.try_emplace(id, groups.size());
    if (fresh) groups.push_back({id, {}, {}});
    return groups[it->second];
  };
  std::vector<std::string> row_cells(kColumns);
  while (reader.next(rec)) {
    const std::string_view bytes = text.substr(offset, rec.bytes);
    offset += rec.bytes;
    stats.bytes += rec.bytes;
    if (rec.blank()) {
      ++stats.skipped["(blank line)"];
      continue;
    }
    ++stats.lines;
    // The patient the row names, when its ID cell could be read (even from a row that cannot be
    // read as a whole: that patient is then withheld, not evaluated on its other rows).
    std::string id;
    if (at[kId] < rec.cells.size()) {
      const std::string_view cell = trim(rec.cells[at[kId]]);
      if (!missing(cell) && simdjson::validate_utf8(cell.data(), cell.size())) id = std::string(cell);
    }
    // Cells end up in rows, messages and the report (JSON, CSV, HTML): bytes that are not UTF-8
    // are refused with the row, never copied through.
    std::string unreadable;
    if (!rec.error.empty()) unreadable = rec.error;
    else if (rec.after_unclosed_quote)
      unreadable = fmt::format("the row follows the unclosed quote of line {}: it may be part of that cell",
                               rec.after_unclosed_quote);
    else if (!simdjson::validate_utf8(bytes.data(), bytes.size()))
      unreadable = "the line is not valid UTF-8; the file must be UTF-8 text";
    else if (rec.cells.size() != width)
      unreadable = fmt::format("{} cells where the header has {}", rec.cells.size(), width);
    if (!unreadable.empty()) {
      if (id.empty()) {
        stats.invalid.push_back({path, rec.line, unreadable + "; no patient ID can be read from the row"});
      } else {
        group_of(id).problems.push_back({fmt::format("{}:{}", path, rec.line),
                                         fmt::format("{}; patient {} is withheld rather than evaluated on its other "
                                                     "rows",
                                                     unreadable, id)});
      }
      continue;
    }
    for (std::size_t c = 0; c < kColumns; ++c) row_cells[c] = std::string(trim(rec.cells[at[c]]));
    if (id.empty()) {
      stats.invalid.push_back({path, rec.line, "column ID is empty: the row cannot be linked to a patient"});
      continue;
    }
    Group& g = group_of(id);
    ++stats.lines_kept;
    stats.bytes_kept += rec.bytes;
    const long line_no = rec.line;

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
  // Rows read from a file that changed meanwhile (zeros where it was cut short) are never used.
  if (file.changed())
    throw UsageError(
        fmt::format("{}: the file changed while it was read (its size, time or identity is not what it "
                    "was when reading began); evaluate it again once it is complete",
                    escape_text(path)));
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
    row.notes.push_back(
        "macrovascular invasion of unrecorded level (read as branch): first choice not given, as "
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
