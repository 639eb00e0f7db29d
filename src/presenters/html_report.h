#pragma once
// Decision → one self-contained HTML report (no network, no external fonts or scripts) that
// prints on A4: verdict, refractoriness table, treatment plan, the timeline chart (SVG drawn
// here), scores and evidence with sources, and the decision-support notice.
#include <string>

#include "core/engine.h"
#include "presenters/decision_json.h"

namespace switchpoint {

std::string decision_to_html(const Decision& d, const PatientRecord& record, const InputSummary& input);

}  // namespace switchpoint
