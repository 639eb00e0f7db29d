// The HTML report (`switchpoint evaluate --format html`): the example patients' reports carry
// the verdict, every definition with its status, the recommended regimen, the chart with one
// label per refractory definition and the notice; nothing is fetched from a network; strings
// from the record are escaped; output is byte-stable; the chart's scales and layout behave on
// edge cases (empty record, one value, values ≤ 0, 30 sessions, 10 years).
#include "presenters/html_report.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/engine.h"
#include "presenters/html_escape.h"
#include "presenters/svg_timeline.h"
#include "readers/read_any.h"
#include "support/files.h"

namespace switchpoint {
namespace {

namespace fs = std::filesystem;
const fs::path kExamples = fs::path(SWITCHPOINT_SOURCE_DIR) / "examples";

using testing_support::slurp;

Date d(std::string_view iso) { return *Date::parse(iso); }

std::size_t count(const std::string& hay, std::string_view needle) {
  std::size_t n = 0;
  for (auto pos = hay.find(needle); pos != std::string::npos; pos = hay.find(needle, pos + needle.size())) ++n;
  return n;
}

struct Rendered {
  PatientRecord record;  // cut at the as-of date
  Decision decision;
  std::string html;
};

Rendered render(const PatientRecord& full, Date as_of, const InputSummary& input = {"switchpoint.record/1", {}}) {
  Rendered r;
  r.record = full.as_of(as_of);
  r.decision = evaluate(full, as_of);
  r.html = decision_to_html(r.decision, r.record, input);
  return r;
}

// examples/*.json, and with `fhir` also the FHIR R4 Bundles of examples/fhir/.
std::vector<fs::path> example_files(bool fhir = false) {
  std::vector<fs::path> files;
  for (const auto& dir : {kExamples, kExamples / "fhir"}) {
    if (dir != kExamples && !fhir) continue;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Whether `needle` occurs inside a tag (an attribute) rather than in text content.
bool inside_a_tag(const std::string& html, std::string_view needle) {
  for (auto pos = html.find(needle); pos != std::string::npos; pos = html.find(needle, pos + 1)) {
    const auto open = html.rfind('<', pos);
    const auto close = html.rfind('>', pos);
    if (open != std::string::npos && (close == std::string::npos || close < open)) return true;
  }
  return false;
}

Rendered render_example(const fs::path& path) {
  const ReadResult rr = read_record(slurp(path));
  EXPECT_TRUE(rr.ok()) << path;
  const PatientRecord record = rr.record.value_or(PatientRecord{});
  const Date as_of = default_as_of(record).value_or(d("2024-01-01"));
  return render(record, as_of, InputSummary{rr.format, rr.skipped});
}

// The text of the row of one definition in the refractoriness table.
std::string definition_row(const std::string& html, const std::string& id) {
  const auto start = html.find("<tr id=\"def-" + id + "\"");
  if (start == std::string::npos) return "";
  return html.substr(start, html.find("</tr>", start) - start);
}

// ---- the example patients ------------------------------------------------------------------------

TEST(HtmlReport, ExamplesShowVerdictDefinitionsPlanChartAndNotice) {
  const auto files = example_files(true);
  ASSERT_GE(files.size(), 4u);
  for (const auto& path : files) {
    SCOPED_TRACE(path.filename().string());
    const Rendered r = render_example(path);
    const std::string& html = r.html;
    const Decision& dec = r.decision;

    // Document basics.
    EXPECT_EQ(html.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0), 0u);
    EXPECT_NE(html.find("<meta charset=\"utf-8\">"), std::string::npos);
    EXPECT_NE(html.find("<title>switchpoint — patient " + dec.patient_id), std::string::npos);
    EXPECT_NE(html.find("@page { size: A4;"), std::string::npos);

    // The verdict, big and labelled in words.
    const std::string verdict(to_string(dec.checkpoint.verdict));
    EXPECT_NE(html.find("<section class=\"verdict v-" + verdict + "\""), std::string::npos);
    EXPECT_NE(html.find("data-verdict=\"" + verdict + "\""), std::string::npos);

    // All eight definitions with their statuses.
    ASSERT_EQ(dec.refractoriness.size(), 8u);
    for (const auto& def : dec.refractoriness) {
      const std::string row = definition_row(html, def.id);
      ASSERT_FALSE(row.empty()) << def.id;
      const std::string status(to_string(def.status));
      EXPECT_NE(row.find("data-status=\"" + status + "\""), std::string::npos) << def.id;
      EXPECT_NE(row.find(">" + status + "</span>"), std::string::npos) << def.id;
      if (def.since) {
        EXPECT_NE(row.find(def.since->iso()), std::string::npos) << def.id;
      }
    }

    // The recommended regimen, with its dose, in the recommendation box.
    const TherapyOption* rec = nullptr;
    for (const auto& o : dec.therapy.options)
      if (o.status == OptionStatus::Recommended) rec = &o;
    if (rec) {
      const auto box = html.find("<div class=\"recommended\" id=\"recommended\">");
      ASSERT_NE(box, std::string::npos);
      const std::string box_text = html.substr(box, html.find("</div>", box) - box);
      EXPECT_NE(box_text.find(std::string(rec->regimen->name)), std::string::npos);
      EXPECT_NE(box_text.find(html::escape(rec->dose)), std::string::npos);
    } else {
      EXPECT_NE(html.find("No regimen is recommended"), std::string::npos);
    }

    // The chart: one label (and one line) per refractory definition.
    EXPECT_NE(html.find("<svg class=\"timeline\""), std::string::npos);
    EXPECT_NE(html.find("role=\"img\""), std::string::npos);
    std::size_t refractory = 0;
    for (const auto& def : dec.refractoriness) {
      if (def.status != RefractorinessStatus::Refractory) continue;
      ++refractory;
      EXPECT_EQ(count(html, "data-definition=\"" + def.id + "\""), 1u) << def.id;
    }
    EXPECT_EQ(count(html, "class=\"refractory-label\""), refractory);
    EXPECT_EQ(count(html, "<g class=\"refractory-since\">"), refractory);
    EXPECT_EQ(count(html, "class=\"session-label\""), dec.history.sessions.size());

    // The notice at the top, in the footer and in the printed page footer.
    const std::string notice = kDecisionSupportNotice;
    EXPECT_LT(html.find(notice), html.find("<main>"));
    EXPECT_GT(html.rfind(notice), html.find("<footer>"));
    EXPECT_NE(html.find("@bottom-left { content: \"" + notice + "\""), std::string::npos);

    // Every score, candidacy guideline and TACE session appears.
    for (const auto& s : dec.scores)
      EXPECT_NE(html.find("id=\"score-" + std::string(s.key) + "\""), std::string::npos) << s.key;
    for (const auto& c : dec.tace_candidacy)
      EXPECT_NE(html.find("<code>" + c.guideline + "</code>"), std::string::npos);
  }
}

TEST(HtmlReport, RefractoryPatientChartShowsItsCourse) {
  const Rendered r = render_example(kExamples / "02-refractory-patient.json");
  const std::string& html = r.html;
  EXPECT_NE(html.find("data-verdict=\"switch\""), std::string::npos);
  for (const char* s : {">S1</text>", ">S2</text>", ">S3</text>"}) EXPECT_NE(html.find(s), std::string::npos) << s;
  for (const char* cat : {"response-PR", "response-SD", "response-PD"})
    EXPECT_NE(html.find(cat), std::string::npos) << cat;
  EXPECT_NE(html.find("2024-06-03:</tspan>"), std::string::npos);  // apasl-2017 first
  EXPECT_NE(html.find("2024-08-19:</tspan>"), std::string::npos);  // the seven others
  EXPECT_NE(html.find("class=\"malbi-line\""), std::string::npos);
  EXPECT_NE(html.find(">ULN 10</text>"), std::string::npos);
  EXPECT_NE(html.find(">VI</text>"), std::string::npos);  // branch invasion on 2024-08-19
  EXPECT_NE(html.find("no systemic therapy recorded"), std::string::npos);

  // Replayed on 2024-05-01: S2 (2024-04-22) awaits its assessment, nothing is refractory yet.
  const ReadResult rr = read_record(slurp(kExamples / "02-refractory-patient.json"));
  ASSERT_TRUE(rr.ok());
  const std::string replay = render(*rr.record, d("2024-05-01")).html;
  EXPECT_NE(replay.find("<g class=\"response response-pending\">"), std::string::npos);
  EXPECT_EQ(count(replay, "class=\"session-label\""), 2u);
  EXPECT_EQ(replay.find("class=\"refractory-label\""), std::string::npos);
  EXPECT_NE(replay.find("no definition refractory on the as-of date"), std::string::npos);
  EXPECT_EQ(replay.find(">2024-08-19<"), std::string::npos);  // nothing after the as-of date is drawn
}

TEST(HtmlReport, FetchesNothingFromANetwork) {
  for (const auto& path : example_files(true)) {
    SCOPED_TRACE(path.filename().string());
    const std::string html = render_example(path).html;
    for (const char* bad :
         {"src=", "href=", "@import", "url(", "<script", "<link", "<iframe", "<object", "<embed", "@font-face"})
      EXPECT_EQ(html.find(bad), std::string::npos) << bad;
    // A FHIR Bundle's code systems ("http://loinc.org|2951-2", not used) may be named as text,
    // never as an address the browser would load.
    EXPECT_FALSE(inside_a_tag(html, "http:"));
    EXPECT_FALSE(inside_a_tag(html, "https:"));
    if (path.parent_path() == kExamples) {
      EXPECT_EQ(html.find("http://"), std::string::npos);
      EXPECT_EQ(html.find("https://"), std::string::npos);
    }
  }
}

TEST(HtmlReport, IsByteIdenticalAcrossRenders) {
  for (const auto& path : example_files(true)) {
    const std::string a = render_example(path).html;
    const std::string b = render_example(path).html;
    EXPECT_EQ(a, b) << path;
  }
}

// ---- escaping ------------------------------------------------------------------------------------------

TEST(HtmlEscape, EscapesMarkupQuotesAndControls) {
  EXPECT_EQ(html::escape("<script>alert(\"x\")</script>&'"),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;");
  EXPECT_EQ(html::escape("µmol/L → 5"), "µmol/L → 5");
  EXPECT_EQ(html::escape(std::string("a\x01") + "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(html::css_string("a\"b</style>"), "\"a\\22 b\\3c /style\\3e \"");
}

TEST(HtmlReport, RendersHostileStringsAsText) {
  PatientRecord r;
  r.patient_id = "<script>alert(\"id\")</script>";
  r.curative_treatment_unsuitable = true;
  r.labs.afp_ng_per_ml.push_back({d("2024-01-05"), 120, 120, "ng/mL<b>"});
  ImagingStudy s;
  s.date = d("2024-01-05");
  s.modality = "\"><svg onload=alert(1)>";
  s.intrahepatic_tumor_count = 2;
  s.largest_diameter_cm = 3.1;
  r.imaging.push_back(s);
  r.tace.push_back({d("2024-01-10"), "<img src=x onerror=alert(2)>", true});
  r.sort_timelines();
  const std::string html = render(r, d("2024-02-01")).html;
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<svg onload"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&quot;id&quot;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(2)&gt;"), std::string::npos);
  // The id in the printed page footer is a CSS string that cannot end the style element.
  EXPECT_EQ(count(html, "</style>"), 1u);
  EXPECT_NE(html.find("\\3c script\\3e alert(\\22 id\\22 )\\3c /script\\3e "), std::string::npos);
}

// ---- the chart's scales and layout ----------------------------------------------------------------------

TEST(HtmlChart, LogScaleMapsDecadesEvenly) {
  const chart::LogScale ls = chart::log_scale_for({10, 1000}, 0, 300);
  EXPECT_EQ(ls.lo_exp, 1);
  EXPECT_EQ(ls.hi_exp, 3);
  EXPECT_DOUBLE_EQ(ls.decade_px(), 150);
  EXPECT_DOUBLE_EQ(ls(10) - ls(1000), 2 * ls.decade_px());  // 10 and 1000 are two decades apart
  EXPECT_DOUBLE_EQ(ls(10), 300);
  EXPECT_DOUBLE_EQ(ls(1000), 0);
  EXPECT_NEAR(ls(100), 150, 1e-9);
  EXPECT_NEAR(ls(std::sqrt(10.0) * 10), 225, 1e-9);  // half a decade
}

TEST(HtmlChart, LogScaleHandlesNonPositiveSingleAndNoValues) {
  // Values ≤ 0 are ignored for the range and drawn at the floor.
  const chart::LogScale a = chart::log_scale_for({0, -5, 50}, 10, 110);
  EXPECT_EQ(a.lo_exp, 1);
  EXPECT_EQ(a.hi_exp, 2);  // a single value still spans one decade
  EXPECT_DOUBLE_EQ(a(0), 110);
  EXPECT_DOUBLE_EQ(a(-5), 110);
  // An exact power of ten is its own decade line.
  const chart::LogScale b = chart::log_scale_for({1000}, 0, 100);
  EXPECT_EQ(b.lo_exp, 3);
  EXPECT_EQ(b.hi_exp, 4);
  EXPECT_DOUBLE_EQ(b(1000), 100);
  // No positive value: a default range, no division by zero.
  const chart::LogScale c = chart::log_scale_for({}, 0, 90);
  EXPECT_EQ(c.lo_exp, 0);
  EXPECT_EQ(c.hi_exp, 3);
  EXPECT_DOUBLE_EQ(c.decade_px(), 30);
  // Values below 1 give negative decades.
  const chart::LogScale e = chart::log_scale_for({0.5, 8}, 0, 200);
  EXPECT_EQ(e.lo_exp, -1);
  EXPECT_EQ(e.hi_exp, 1);
}

TEST(HtmlChart, StaggerPutsOverlappingLabelsOnSeparateRows) {
  const auto rows = chart::stagger({{0, 50}, {40, 90}, {60, 100}, {95, 120}, {200, 220}}, 4);
  EXPECT_EQ(rows, (std::vector<int>{0, 1, 0, 1, 0}));
  // Eight labels on one date: eight rows.
  std::vector<chart::Span> same(8, chart::Span{100, 180});
  const auto stacked = chart::stagger(same, 4);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(stacked[static_cast<std::size_t>(i)], i);
}

TEST(HtmlChart, TimeScaleSpansTheDataAndTheAsOfDate) {
  PatientRecord r;
  r.labs.afp_ng_per_ml.push_back({d("2020-01-01"), 5, 5, "ng/mL"});
  r.tace.push_back({d("2021-06-01"), "cTACE", true});
  const Decision dec = evaluate(r, d("2022-01-01"));
  const chart::TimeScale ts = chart::time_scale_for(r.as_of(d("2022-01-01")), dec, 100, 900);
  EXPECT_LT(ts.from, d("2020-01-01"));
  EXPECT_GT(ts.to, d("2022-01-01"));
  EXPECT_GT(ts(d("2020-01-01")), 100);
  EXPECT_LT(ts(d("2022-01-01")), 900);
  EXPECT_LT(ts(d("2020-01-01")), ts(d("2021-06-01")));
}

TEST(HtmlChart, CopesWithAnEmptyRecord) {
  PatientRecord r;
  r.patient_id = "empty";
  const Rendered out = render(r, d("2024-05-01"));
  const std::string svg = chart::timeline_svg(out.decision, out.record);
  EXPECT_NE(svg.find("no TACE session on or before the as-of date"), std::string::npos);
  EXPECT_NE(svg.find("no imaging with a tumour count"), std::string::npos);
  EXPECT_NE(svg.find("no AFP or DCP recorded"), std::string::npos);
  EXPECT_NE(svg.find("ALBI not computable"), std::string::npos);
  EXPECT_NE(svg.find("Child-Pugh not computable"), std::string::npos);
  EXPECT_NE(svg.find("no systemic therapy recorded"), std::string::npos);
  EXPECT_NE(svg.find("no definition refractory on the as-of date"), std::string::npos);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  EXPECT_EQ(svg.find("inf"), std::string::npos);
  EXPECT_NE(out.html.find("None on or before the as-of date."), std::string::npos);
}

TEST(HtmlChart, CopesWithOneValueAndNonPositiveMarkers) {
  PatientRecord r;
  r.patient_id = "one";
  r.labs.afp_ng_per_ml.push_back({d("2024-03-01"), 0, 0, "ng/mL"});
  r.labs.dcp_mau_per_ml.push_back({d("2024-03-01"), 35, 35, "mAU/mL"});
  const Rendered out = render(r, d("2024-03-01"));
  const std::string svg = chart::timeline_svg(out.decision, out.record);
  EXPECT_NE(svg.find(">≤0</text>"), std::string::npos);  // AFP 0: off the log axis, drawn at its floor
  EXPECT_NE(svg.find(">35</text>"), std::string::npos);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  EXPECT_EQ(svg.find("inf"), std::string::npos);
}

TEST(HtmlChart, CopesWithDatesAtTheCalendarLimits) {
  for (const char* iso : {"1900-01-03", "2200-12-29"}) {
    PatientRecord r;
    r.patient_id = iso;
    r.labs.afp_ng_per_ml.push_back({d(iso), 12, 12, "ng/mL"});
    const Rendered out = render(r, d(iso));
    EXPECT_NE(out.html.find("<svg class=\"timeline\""), std::string::npos) << iso;
    EXPECT_NE(out.html.find(">12</text>"), std::string::npos) << iso;
  }
}

PatientRecord long_course(int sessions, int years) {
  PatientRecord r;
  r.patient_id = "long-course";
  r.curative_treatment_unsuitable = true;
  const Date start = d("2014-01-06");
  const int days = years * 365;
  for (int i = 0; i < sessions; ++i)
    r.tace.push_back({start.plus_days(10 + i * (days - 40) / sessions), "cTACE", true});
  for (int m = 0; m * 30 < days; ++m) {
    const Date t = start.plus_days(m * 30);
    r.labs.bilirubin_umol_per_l.push_back({t, 15.0 + m % 7, 15.0 + m % 7, "umol/L"});
    r.labs.albumin_g_per_l.push_back({t, 40.0 - (m % 5), 40.0 - (m % 5), "g/L"});
    r.labs.inr.push_back({t, 1.1, 1.1, "INR"});
    r.labs.afp_ng_per_ml.push_back({t, 5.0 * (1 + m % 40) * (1 + m % 3), 0, ""});
    r.labs.dcp_mau_per_ml.push_back({t, 30.0 + 400.0 * (m % 11), 0, ""});
    ClinicalAssessment c;
    c.date = t;
    c.ascites = Ascites::None;
    c.encephalopathy = Encephalopathy::None;
    c.ecog = 0;
    r.clinical.push_back(c);
  }
  for (int q = 0; q * 91 < days; ++q) {
    ImagingStudy s;
    s.date = start.plus_days(q * 91 + 3);
    s.modality = "CT";
    s.intrahepatic_tumor_count = 2 + q % 4;
    s.largest_diameter_cm = 2.0 + 0.1 * (q % 20);
    s.mrecist_recorded = q % 2 ? MrecistCategory::SD : MrecistCategory::PR;
    r.imaging.push_back(s);
  }
  SystemicTherapy sor;
  sor.regimen = "sorafenib";
  sor.start = start.plus_days(days - 300);
  sor.end = start.plus_days(days - 120);
  sor.stop_reason = StopReason::Progression;
  r.systemic.push_back(sor);
  SystemicTherapy rego;
  rego.regimen = "regorafenib";
  rego.start = start.plus_days(days - 110);
  r.systemic.push_back(rego);
  r.sort_timelines();
  return r;
}

TEST(HtmlChart, CopesWithThirtySessionsOverTenYears) {
  const PatientRecord r = long_course(30, 10);
  const Rendered out = render(r, *default_as_of(r));
  const std::string svg = chart::timeline_svg(out.decision, out.record);
  EXPECT_EQ(count(svg, "class=\"session-label\""), 30u);
  EXPECT_NE(svg.find(">S30</text>"), std::string::npos);
  EXPECT_NE(svg.find("Sorafenib (stopped: progression)"), std::string::npos);
  EXPECT_NE(svg.find("Regorafenib (ongoing)"), std::string::npos);
  // Year ticks, not 120 month ticks.
  EXPECT_LE(count(svg, "text-anchor=\"middle\">201"), 12u);
  // The chart keeps a printable aspect: its height stays bounded whatever the data.
  const auto vb = svg.find("viewBox=\"0 0 900.0 ");
  ASSERT_NE(vb, std::string::npos);
  const double height = std::stod(svg.substr(vb + 19));
  EXPECT_LT(height, 1200);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  // Thirty sessions in one year as well: labels stagger instead of piling up. Procedures about 11
  // days apart are one staged session unless imaging lies between them (CLINICAL_RULES §5,
  // P-session-merge): a CT the day after each keeps them thirty sessions.
  PatientRecord dense = long_course(30, 1);
  for (const TaceSession& t : dense.tace) {
    ImagingStudy ct;
    ct.date = t.date.plus_days(1);
    ct.modality = "CT";
    dense.imaging.push_back(ct);
  }
  dense.sort_timelines();
  const Rendered dense_out = render(dense, *default_as_of(dense));
  EXPECT_EQ(count(chart::timeline_svg(dense_out.decision, dense_out.record), "class=\"session-label\""), 30u);
}

}  // namespace
}  // namespace switchpoint
