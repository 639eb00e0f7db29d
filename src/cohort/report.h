#pragma once
// The cohort report (`switchpoint cohort … --report cohort.html`): one self-contained HTML file
// (inline CSS and SVG drawn here; no script, font or request to a network) with counts per
// definition, pairwise agreement (Cohen's kappa) and the disagreements, Kaplan–Meier curves of
// the time from the first TACE to refractoriness per definition, and — where the input has
// deaths and follow-up — overall survival from the refractoriness date for patients who then
// switched to systemic therapy versus those who continued TACE (log-rank test, numbers at risk),
// with the method and its biases stated. Byte-identical for the same result.
#include <string>

#include "cohort/analysis.h"
#include "cohort/cohort.h"

namespace switchpoint::cohort {

// With outcomes, the report also shows the switch-versus-continue analysis of cohort/analysis.h
// (the same numbers as --analysis) with these options.
std::string cohort_report_html(const Result& result, const AnalysisOptions& analysis = {});

}  // namespace switchpoint::cohort
