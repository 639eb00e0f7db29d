#pragma once
// CSV as RFC 4180 defines it, read and written.
//
// Reading (CsvReader): records are separated by CRLF or LF; cells by commas. A cell that begins
// with a double quote is quoted: it ends at the next lone quote, a doubled quote inside it is one
// quote, and it may hold commas, CR and LF (so a record may span several lines). Anything else
// is an error of its record, reported with its line, never guessed at:
//  - a quote inside a cell that did not begin with one ('P"1', 'x "P1"'). Spaces and tabs
//    before the opening quote and after the closing quote of a quoted cell (' "P1" ,') are taken
//    as padding, as many exports write them: a deliberate reading of RFC 4180, which calls spaces
//    data but allows no quote after them;
//  - text after the closing quote of a quoted cell ('"P1"x');
//  - a carriage return that does not end the line;
//  - a quoted cell never closed before the end of the file, or one longer than kMaxCsvRecordBytes.
//    Where the cell was meant to end cannot be told, so the records after it are re-read from the
//    next line and every one of them is marked `after_unclosed_quote` (the caller withholds
//    their patients: any of those lines may belong to the unclosed cell);
//  - a record longer than kMaxCsvRecordBytes.
// An erroneous record still carries the cells completed before the error (its ID, typically), so
// that the caller can withhold that patient instead of evaluating it on its other rows.
//
// libcsv (Debian's libcsv-dev) was evaluated and not used: it reports neither the line of a
// record nor where a quote opened, and in its default mode it accepts the malformed quotes above
// as data; the reader here is ~150 lines with its RFC edge cases tested (tests/cohort/csv_test.cpp).
//
// Writing (csv_text_cell, csv_plain_cell): RFC 4180 quoting, and, for text cells, neutralised
// spreadsheet formulas (OWASP "CSV Injection"): a text cell that begins with = + - @, TAB, CR or
// LF gets a leading apostrophe and is quoted, so that "=HYPERLINK(…)" is shown as text by Excel,
// LibreOffice and Google Sheets instead of being run. Cells the program writes itself — dates,
// counts, statuses, numbers such as -2.5 — are written with csv_plain_cell and stay numeric.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace switchpoint::cohort {

// The longest CSV record read (and the longest NDJSON line: cohort/line_source.h): 16 MiB, far
// above any real row or FHIR resource (a DTSDHCC row is ~100 bytes), so that a hostile file
// cannot make the reader hold an unbounded line in memory.
inline constexpr std::size_t kMaxCsvRecordBytes = std::size_t{16} << 20;

struct CsvRecord {
  long line = 0;                   // the line on which the record begins (1-based)
  long last_line = 0;              // the line on which it ends
  std::vector<std::string> cells;  // on error: the cells completed before it
  std::string error;               // empty when the record is well-formed
  long after_unclosed_quote = 0;   // > 0: the line of an earlier unclosed quote this record follows
  std::size_t bytes = 0;           // the record's bytes in the file, line break included
  bool blank() const { return error.empty() && cells.size() == 1 && cells[0].empty() && !quoted_first; }
  bool quoted_first = false;  // the first cell was quoted ("" is then an empty cell, not a blank line)
};

class CsvReader {
 public:
  explicit CsvReader(std::string_view text) : text_(text) {}
  // The next record; false at the end of the text.
  bool next(CsvRecord& out);

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  long line_ = 1;
  long unclosed_ = 0;  // the line of the last unclosed quote, once one was found
};

// A cell of text that came from the input (an id, a message, notes): formula-neutralised and
// quoted as needed.
std::string csv_text_cell(std::string_view s);
// A cell the program made (a date, a count, a status, a number): quoted only as RFC 4180 needs.
std::string csv_plain_cell(std::string_view s);

}  // namespace switchpoint::cohort
