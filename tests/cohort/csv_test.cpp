// CSV per RFC 4180 (src/cohort/csv.h): the reader's edge cases, the formula neutraliser of the
// writer, and what the dtsdhcc profile does with rows the reader cannot read (their patient is
// withheld, never evaluated on its other rows) and with padded or quoted ids (no phantom
// patients). Expected values come from RFC 4180 §2 and OWASP's CSV-injection guidance.
#include "cohort/csv.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cohort/cohort.h"
#include "cohort_test_util.h"

namespace switchpoint::cohort {
namespace {

using testing::spit;
using testing::TempDir;
using Cells = std::vector<std::string>;

std::vector<CsvRecord> read_all(std::string_view text) {
  CsvReader r(text);
  std::vector<CsvRecord> out;
  CsvRecord rec;
  while (r.next(rec)) out.push_back(rec);
  return out;
}

TEST(CsvReader, PlainRecordsWithLfCrlfAndNoFinalLineBreak) {
  const auto r = read_all("a,b,c\r\n1,2,3\n4,5,6");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].cells, (Cells{"a", "b", "c"}));
  EXPECT_EQ(r[1].cells, (Cells{"1", "2", "3"}));
  EXPECT_EQ(r[2].cells, (Cells{"4", "5", "6"}));
  EXPECT_EQ(r[0].line, 1);
  EXPECT_EQ(r[1].line, 2);
  EXPECT_EQ(r[2].line, 3);
  for (const auto& x : r) EXPECT_EQ(x.error, "");
  EXPECT_EQ(r[0].bytes + r[1].bytes + r[2].bytes, std::string("a,b,c\r\n1,2,3\n4,5,6").size());
}

TEST(CsvReader, EmptyCellsAndBlankLines) {
  const auto r = read_all(",,\n\n\"\"\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].cells, (Cells{"", "", ""}));
  EXPECT_FALSE(r[0].blank());
  EXPECT_TRUE(r[1].blank());
  EXPECT_EQ(r[2].cells, (Cells{""}));
  EXPECT_FALSE(r[2].blank());  // a quoted empty cell is a cell, not a blank line
}

TEST(CsvReader, QuotedCommasDoubledQuotesAndLineBreaksInsideQuotes) {
  const auto r = read_all("\"a,b\",\"say \"\"hi\"\"\",\"two\r\nlines\nhere\"\nnext,1\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].error, "");
  EXPECT_EQ(r[0].cells, (Cells{"a,b", "say \"hi\"", "two\r\nlines\nhere"}));
  EXPECT_EQ(r[0].line, 1);
  EXPECT_EQ(r[0].last_line, 3);
  EXPECT_EQ(r[1].line, 4);  // line numbers count the line breaks inside quotes
  EXPECT_EQ(r[1].cells, (Cells{"next", "1"}));
  const auto e = read_all("\"\"\"\"\n");  // one cell holding one quote
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].cells, (Cells{"\""}));
}

TEST(CsvReader, SpacesAreDataButPadAQuotedCell) {
  const auto r = read_all("  P1 ,x\n \"P1\",x\n\"P1\" ,x\n\" P1 \"\t,x\nx \"P1\",y\n\"P1\"x,y\nok,1\n");
  ASSERT_EQ(r.size(), 7u);
  EXPECT_EQ(r[0].cells, (Cells{"  P1 ", "x"}));  // RFC 4180: spaces are part of a field
  EXPECT_EQ(r[0].error, "");
  // Around a quoted cell they are padding (docs/cohort.md); inside the quotes they are data.
  EXPECT_EQ(r[1].cells, (Cells{"P1", "x"}));
  EXPECT_EQ(r[1].error, "");
  EXPECT_EQ(r[2].cells, (Cells{"P1", "x"}));
  EXPECT_EQ(r[2].error, "");
  EXPECT_EQ(r[3].cells, (Cells{" P1 ", "x"}));
  // A quote after other text, or text after the closing quote, is an error.
  EXPECT_NE(r[4].error.find("a quote inside cell 1, which does not begin with one"), std::string::npos) << r[4].error;
  EXPECT_NE(r[5].error.find("text after the closing quote of cell 1"), std::string::npos) << r[5].error;
  EXPECT_EQ(r[5].cells, (Cells{"P1"}));       // the cell completed before the error
  EXPECT_EQ(r[6].cells, (Cells{"ok", "1"}));  // the next line is read normally
  EXPECT_EQ(r[6].line, 7);
  EXPECT_EQ(r[6].after_unclosed_quote, 0);
}

TEST(CsvReader, QuoteInsideAnUnquotedCellIsAnErrorOfThatLineOnly) {
  const auto r = read_all("P1,ab\"c,3\nP2,x,y\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_NE(r[0].error.find("a quote inside cell 2"), std::string::npos);
  EXPECT_EQ(r[0].cells.front(), "P1");
  EXPECT_EQ(r[1].error, "");
  EXPECT_EQ(r[1].cells, (Cells{"P2", "x", "y"}));
}

TEST(CsvReader, LoneCarriageReturnIsAnError) {
  const auto r = read_all("P1,a\rb\nP2,c\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_NE(r[0].error.find("carriage return"), std::string::npos);
  EXPECT_EQ(r[1].cells, (Cells{"P2", "c"}));
  EXPECT_EQ(r[1].line, 2);
}

TEST(CsvReader, UnbalancedQuoteAtEndOfFileMarksEveryLaterRecord) {
  const auto r = read_all("P1,1\nP2,\"open,2\nP3,3\nP4,4");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].error, "");
  EXPECT_EQ(r[1].line, 2);
  EXPECT_NE(r[1].error.find("a quoted cell (cell 2) opened on line 2 is never closed"), std::string::npos)
      << r[1].error;
  EXPECT_EQ(r[1].cells, (Cells{"P2"}));  // the cells before the quote: the patient is known
  // The lines after it are read again, each marked: any of them may belong to the open cell.
  EXPECT_EQ(r[2].line, 3);
  EXPECT_EQ(r[2].cells, (Cells{"P3", "3"}));
  EXPECT_EQ(r[2].after_unclosed_quote, 2);
  EXPECT_EQ(r[3].line, 4);
  EXPECT_EQ(r[3].after_unclosed_quote, 2);
  // A quote opened at the very end.
  const auto e = read_all("P1,\"");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].error.find("never closed"), std::string::npos);
}

TEST(CsvReader, RecordLongerThanTheCapIsAnErrorWithoutHoldingIt) {
  std::string big = "P1," + std::string(kMaxCsvRecordBytes + 10, 'x') + "\nP2,1\n";
  const auto r = read_all(big);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_NE(r[0].error.find("longer than 16 MiB"), std::string::npos) << r[0].error;
  EXPECT_LE(r[0].cells.size() < 2 ? 0 : r[0].cells[1].size(), kMaxCsvRecordBytes + 1);
  EXPECT_EQ(r[1].cells, (Cells{"P2", "1"}));
  EXPECT_EQ(r[1].line, 2);
  // Just under the cap is read.
  const auto ok = read_all("P1," + std::string(kMaxCsvRecordBytes - 10, 'x') + "\n");
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_EQ(ok[0].error, "");
}

TEST(CsvWriter, FormulaCellsAreNeutralisedAndQuoted) {
  // OWASP CSV injection: = + - @ TAB CR (and LF) at the start of a text cell.
  EXPECT_EQ(csv_text_cell("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  EXPECT_EQ(csv_text_cell("+1"), "\"'+1\"");
  EXPECT_EQ(csv_text_cell("-2.5"), "\"'-2.5\"");  // text column: an id is never a number
  EXPECT_EQ(csv_text_cell("@SUM(A1)"), "\"'@SUM(A1)\"");
  EXPECT_EQ(csv_text_cell("\tx"), "\"'\\tx\"");  // the tab is also made visible
  EXPECT_EQ(csv_text_cell("\rx"), "\"'\\rx\"");
  EXPECT_EQ(csv_text_cell("\nx"), "\"'\\nx\"");
  // Not at the start, or not one of them: untouched.
  EXPECT_EQ(csv_text_cell("P=1"), "P=1");
  EXPECT_EQ(csv_text_cell("P1"), "P1");
  EXPECT_EQ(csv_text_cell(""), "");
  EXPECT_EQ(csv_text_cell("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_text_cell("say \"x\""), "\"say \"\"x\"\"\"");
  EXPECT_EQ(csv_text_cell("P1\x1b[31m"), "P1\\x1b[31m");
  // Cells the program makes stay as they are: numbers keep their sign.
  EXPECT_EQ(csv_plain_cell("-2.5"), "-2.5");
  EXPECT_EQ(csv_plain_cell("2024-01-02"), "2024-01-02");
  EXPECT_EQ(csv_plain_cell("a,b"), "\"a,b\"");
}

// ---- the dtsdhcc profile on rows the reader cannot read -------------------------------------

constexpr std::string_view kHeader =
    "ID,Date,Age,Amount.of.Hepatic.Lesions,Largest.Diameter.of.Hepatic.Lesions,New.Lesion,Vascular.Invasion,"
    "Local.Lymph.Node.Metastasis,Distant.Metastasis,Child_pugh_score,AFP,TargetedTherapy,Embolization,Resection,"
    "Status_of_death,OStime_day\n";

Result run_csv(const TempDir& d, const std::string& body) {
  const std::string csv = d.file("in.csv");
  spit(csv, std::string(kHeader) + body);
  Options o;
  o.inputs = {csv};
  o.csv_profile = "dtsdhcc";
  o.threads = 1;
  return evaluate_cohort(o);
}

const CohortRow* find(const Result& r, std::string_view id) {
  for (const auto& row : r.rows)
    if (row.patient_id == id) return &row;
  return nullptr;
}

TEST(DtsdhccCsv, PaddedAndQuotedIdsAreOnePatient) {
  TempDir d;
  const Result r = run_csv(d,
                           "P1,2020-01-01,60,2,30,0,0,0,0,5,10,0,1,0,0,400\n"
                           "  P1 ,2020-03-01,60,2,30,0,0,0,0,5,10,0,0,0,0,340\n"
                           "\"P1\",2020-05-01,60,2,30,0,0,0,0,5,10,0,0,0,0,280\n"
                           "\" P1\t\",2020-06-01,60,2,30,0,0,0,0,5,10,0,0,0,0,250\n");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].patient_id, "P1");
  EXPECT_EQ(r.rows[0].input, InputStatus::Ok);
  EXPECT_EQ(r.stats.lines_kept, 4u);
  EXPECT_TRUE(r.stats.invalid.empty());
}

TEST(DtsdhccCsv, AnUnreadableRowWithholdsItsPatient) {
  TempDir d;
  const Result r = run_csv(d,
                           "P1,2020-01-01,60,2,30,0,0,0,0,5,10,0,1,0,0,400\n"
                           "P1,2020-03-01,60,2,30,0,\"0,0,0,5,10,0,0,0,0,340\n"  // unbalanced quote at the end
  );
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].input, InputStatus::Invalid);
  EXPECT_NE(r.rows[0].first_problem.find("in.csv:3: a quoted cell (cell 7) opened on line 3 is never closed; where it "
                                         "ends cannot be told, so the rows after it are withheld; patient P1 is "
                                         "withheld rather than evaluated on its other rows"),
            std::string::npos)
      << r.rows[0].first_problem;
  EXPECT_EQ(r.stats.patients_withheld, 1u);
}

TEST(DtsdhccCsv, RowsAfterAnUnclosedQuoteWithholdTheirPatients) {
  TempDir d;
  const Result r = run_csv(d,
                           "P1,2020-01-01,60,2,30,0,0,0,0,5,10,0,1,0,0,400\n"
                           "P2,2020-01-01,60,2,\"30,0,0,0,0,5,10,0,1,0,0,400\n"
                           "P3,2020-01-01,60,2,30,0,0,0,0,5,10,0,1,0,0,400\n");
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(find(r, "P1")->input, InputStatus::Ok);
  EXPECT_EQ(find(r, "P2")->input, InputStatus::Invalid);
  EXPECT_EQ(find(r, "P3")->input, InputStatus::Invalid);
  EXPECT_NE(find(r, "P3")->first_problem.find("follows the unclosed quote of line 3"), std::string::npos)
      << find(r, "P3")->first_problem;
}

TEST(DtsdhccCsv, AShortRowWithholdsThePatientItNames) {
  TempDir d;
  const Result r = run_csv(d,
                           "P1,2020-01-01,60,2,30,0,0,0,0,5,10,0,1,0,0,400\n"
                           "P1,2020-03-01,60,2,30\n");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].input, InputStatus::Invalid);
  EXPECT_NE(r.rows[0].first_problem.find("5 cells where the header has 16"), std::string::npos);
}

TEST(DtsdhccCsv, FollowUpEndingBeforeTheFirstTaceWithholdsThePatient) {
  TempDir d;
  // P1: follow-up from 2020-01-01 ends after 30 days (2020-01-31), the first TACE is 2020-03-01.
  // P2: ends on the day of the first TACE (the boundary): read. P3: one day after: read.
  const Result r = run_csv(d,
                           "P1,2020-01-01,60,2,30,0,0,0,0,5,10,0,0,0,1,30\n"
                           "P1,2020-03-01,60,2,30,0,0,0,0,5,10,0,1,0,1,0\n"
                           "P2,2020-01-01,60,2,30,0,0,0,0,5,10,0,0,0,1,60\n"
                           "P2,2020-03-01,60,2,30,0,0,0,0,5,10,0,1,0,1,0\n"
                           "P3,2020-01-01,60,2,30,0,0,0,0,5,10,0,0,0,0,61\n"
                           "P3,2020-03-01,60,2,30,0,0,0,0,5,10,0,1,0,0,1\n");
  const CohortRow* p1 = find(r, "P1");
  ASSERT_NE(p1, nullptr);
  EXPECT_EQ(p1->input, InputStatus::Invalid);
  EXPECT_NE(p1->first_problem.find("in.csv:2: follow-up ends before the first TACE: OStime_day 30 from 2020-01-01 "
                                   "ends follow-up (death) on 2020-01-31, but the first TACE (Embolization = 1) is on "
                                   "2020-03-01"),
            std::string::npos)
      << p1->first_problem;
  EXPECT_EQ(find(r, "P2")->input, InputStatus::Ok);  // 2020-01-01 + 60 days = 2020-03-01: the same day
  EXPECT_EQ(find(r, "P3")->input, InputStatus::Ok);
}

}  // namespace
}  // namespace switchpoint::cohort
