#include "cohort/csv.h"

#include <fmt/format.h>

#include <algorithm>

#include "presenters/text_escape.h"

namespace switchpoint::cohort {

bool CsvReader::next(CsvRecord& out) {
  out = CsvRecord{};
  if (pos_ >= text_.size()) return false;
  const std::size_t start = pos_, n = text_.size();
  out.line = line_;
  out.after_unclosed_quote = unclosed_;
  std::string cell;
  std::size_t i = pos_;

  // An error ends its record at the end of the current line.
  auto fail_to_line_end = [&](std::string message) {
    out.error = std::move(message);
    const std::size_t nl = text_.find('\n', i);
    i = nl == std::string_view::npos ? n : nl + 1;
  };
  auto end_cell = [&] {
    out.cells.push_back(std::move(cell));
    cell.clear();
  };

  bool cell_start = true;
  while (true) {
    if (i - start > kMaxCsvRecordBytes) {
      fail_to_line_end(fmt::format("the row is longer than {} MiB; no row of a cohort is", kMaxCsvRecordBytes >> 20));
      break;
    }
    if (i >= n) {  // the end of the text ends the record (a last line without a line break)
      end_cell();
      break;
    }
    // Spaces before an opening quote are padding (as many exports write ', "P1"'), not data.
    if (cell_start && (text_[i] == ' ' || text_[i] == '\t')) {
      const std::size_t k = text_.find_first_not_of(" \t", i);
      if (k != std::string_view::npos && text_[k] == '"') i = k;
    }
    const char c = text_[i];
    if (cell_start && c == '"') {
      if (out.cells.empty()) out.quoted_first = true;
      // A quoted cell: up to the lone closing quote.
      const std::size_t open = i;
      ++i;
      bool closed = false;
      while (i < n) {
        const std::size_t q = text_.find('"', i);
        const std::size_t stop = q == std::string_view::npos ? n : q;
        // In a record that follows an unclosed quote, a quoted cell does not span lines: every
        // such record is withheld anyway, and the text is then read once (no second scan to the end).
        if (unclosed_) {
          const std::size_t nl = text_.find('\n', i);
          if (nl != std::string_view::npos && nl < stop) break;
        }
        if (stop - open > kMaxCsvRecordBytes || q == std::string_view::npos) break;
        cell.append(text_, i, stop - i);
        if (q + 1 < n && text_[q + 1] == '"') {
          cell += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        closed = true;
        break;
      }
      if (!closed) {
        // Where the cell was meant to end cannot be told: the record ends with the line where the
        // quote opened (its cells are those before the quote), and the lines after are read again,
        // each marked as following this quote.
        const bool too_long = i - open > kMaxCsvRecordBytes;
        i = open;
        cell.clear();
        unclosed_ = line_ + static_cast<long>(std::count(text_.begin() + static_cast<std::ptrdiff_t>(start),
                                                         text_.begin() + static_cast<std::ptrdiff_t>(open), '\n'));
        fail_to_line_end(fmt::format(
            "a quoted cell (cell {}) opened on line {} is never closed{}; where it ends cannot "
            "be told, so the rows after it are withheld",
            out.cells.size() + 1, unclosed_, too_long ? fmt::format(" within {} MiB", kMaxCsvRecordBytes >> 20) : ""));
        break;
      }
      // After the closing quote (and any spaces, padding like those before it): a comma, a line
      // break or the end.
      while (i < n && (text_[i] == ' ' || text_[i] == '\t')) ++i;
      if (i >= n) {
        end_cell();
        break;
      }
      if (text_[i] == ',') {
        end_cell();
        ++i;
        continue;
      }
      if (text_[i] == '\n' || (text_[i] == '\r' && i + 1 < n && text_[i + 1] == '\n')) {
        end_cell();
        i += text_[i] == '\r' ? 2 : 1;
        break;
      }
      end_cell();
      fail_to_line_end(
          fmt::format("text after the closing quote of cell {}; a quoted cell ends with a quote followed "
                      "by a comma or the end of the line",
                      out.cells.size()));
      break;
    }
    cell_start = false;
    if (c == ',') {
      end_cell();
      cell_start = true;
      ++i;
    } else if (c == '\n') {
      end_cell();
      ++i;
      break;
    } else if (c == '\r') {
      end_cell();
      if (i + 1 < n && text_[i + 1] == '\n') {
        i += 2;
        break;
      }
      fail_to_line_end("a carriage return inside a cell; a row ends with CRLF or LF");
      break;
    } else if (c == '"') {
      end_cell();
      fail_to_line_end(
          fmt::format("a quote inside cell {}, which does not begin with one; RFC 4180 quotes a whole "
                      "cell (\"P1\"), and a space before the quote is part of the cell",
                      out.cells.size()));
      break;
    } else {
      // A run of ordinary bytes at once (at most the longest record: a longer one is an error).
      const std::size_t stop = text_.find_first_of(",\n\r\"", i);
      const std::size_t end = stop == std::string_view::npos ? n : stop;
      cell.append(text_, i, std::min(end, start + kMaxCsvRecordBytes + 1) - i);
      i = end;
    }
  }
  out.bytes = i - start;
  const auto breaks = std::count(text_.begin() + static_cast<std::ptrdiff_t>(start),
                                 text_.begin() + static_cast<std::ptrdiff_t>(i), '\n');
  line_ += static_cast<long>(breaks);
  out.last_line = line_ - (text_[i - 1] == '\n' ? 1 : 0);
  pos_ = i;
  return true;
}

namespace {
bool needs_quotes(std::string_view s) { return s.find_first_of(",\"\n\r") != std::string_view::npos; }
std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}
}  // namespace

std::string csv_plain_cell(std::string_view s) { return needs_quotes(s) ? quoted(s) : std::string(s); }

std::string csv_text_cell(std::string_view text) {
  // Control characters and bidi overrides are made visible first (presenters/text_escape.h).
  const std::string s = escape_text(text);
  if (!text.empty() && std::string_view("=+-@\t\r\n").find(text.front()) != std::string_view::npos)
    return quoted("'" + std::string(s));
  return csv_plain_cell(s);
}

}  // namespace switchpoint::cohort
