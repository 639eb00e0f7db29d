#include "core/facts.h"

#include <fmt/compile.h>
#include <fmt/format.h>

#include "core/number_text.h"
#include "core/text.h"
#include "core/timeline.h"

namespace switchpoint::facts {
namespace {

std::string_view lab_name(Quantity q) {
  switch (q) {
    case Quantity::Bilirubin:
      return "total bilirubin";
    case Quantity::Albumin:
      return "albumin";
    case Quantity::Inr:
      return "INR";
    case Quantity::PtProlongation:
      return "prothrombin time";
    case Quantity::Ast:
      return "AST";
    case Quantity::Alt:
      return "ALT";
    case Quantity::Platelets:
      return "platelet count";
    case Quantity::Creatinine:
      return "creatinine";
    case Quantity::Afp:
      return "AFP";
    case Quantity::Dcp:
      return "DCP (PIVKA-II)";
    default:
      return spec_of(q).label;
  }
}

}  // namespace

std::string lab(Quantity q, Date at) {
  return format_text(FMT_COMPILE("{} within {} days before {}"), lab_name(q), kLabWindowDays, at.iso());
}
std::string lab_before_first_tace(Quantity q, Date s1) {
  return format_text(FMT_COMPILE("{} within {} days before the first TACE ({})"), lab_name(q), kLabWindowDays,
                     s1.iso());
}
std::string ascites(Date at) {
  return format_text(FMT_COMPILE("ascites grade within {} days before {}"), kClinicalWindowDays, at.iso());
}
std::string encephalopathy(Date at) {
  return format_text(FMT_COMPILE("hepatic encephalopathy grade within {} days before {}"), kClinicalWindowDays,
                     at.iso());
}
std::string ecog(const PatientRecord& r, Date at) {
  const ClinicalAssessment* last = nullptr;
  for (const auto& c : r.clinical)
    if (c.ecog && c.date <= at) last = &c;
  return format_text(FMT_COMPILE("ECOG performance status within {} days before {}{}"), kEcogWeightWindowDays, at.iso(),
                     last ? format_text(FMT_COMPILE(" (last: ECOG {} on {}, {} days before)"), *last->ecog,
                                        last->date.iso(), days_between(last->date, at))
                          : std::string(" (none recorded)"));
}
std::string ecog_before_first_tace(Date s1) {
  return format_text(FMT_COMPILE("ECOG performance status within {} days before the first TACE ({})"),
                     kEcogWeightWindowDays, s1.iso());
}
std::string weight(const PatientRecord& r, Date at) {
  const ClinicalAssessment* last = nullptr;
  for (const auto& c : r.clinical)
    if (c.weight_kg && c.date <= at) last = &c;
  return format_text(FMT_COMPILE("body weight within {} days before {}{}"), kEcogWeightWindowDays, at.iso(),
                     last
                         ? format_text(FMT_COMPILE(" (last: {} kg on {}, {} days before)"),
                                       Fixed{last->weight_kg->value, 1}, last->date.iso(), days_between(last->date, at))
                         : std::string(" (none recorded)"));
}

std::string child_pugh_input(std::string_view name, Date at) {
  if (name == "bilirubin") return lab(Quantity::Bilirubin, at);
  if (name == "albumin") return lab(Quantity::Albumin, at);
  if (name == "pt_prolongation") return lab(Quantity::PtProlongation, at);
  if (name.starts_with("inr"))
    return format_text(FMT_COMPILE("INR (or prothrombin time) within {} days before {}"), kLabWindowDays, at.iso());
  if (name == "ascites") return ascites(at);
  if (name == "encephalopathy") return encephalopathy(at);
  return format_text(FMT_COMPILE("{} on {}"), name, at.iso());
}

std::string study(Date d) { return format_text(FMT_COMPILE("the CT/MRI of {}"), d.iso()); }
std::string mrecist(Date study_date, Date session) {
  return format_text(FMT_COMPILE("mRECIST response on {} (after the TACE of {})"), study(study_date), session.iso());
}
std::string response_imaging(Date session) {
  return format_text(FMT_COMPILE("a response CT/MRI after the TACE of {} (14–120 days after it, before the next TACE)"),
                     session.iso());
}
std::string viable_percent(Date d) {
  return format_text(FMT_COMPILE("viable tumour % of the treated nodules on {}"), study(d));
}
std::string tumour_count(Date d) { return format_text(FMT_COMPILE("number of intrahepatic tumours on {}"), study(d)); }
std::string tumour_count_before(Date session) {
  return format_text(FMT_COMPILE("number of intrahepatic tumours on the CT/MRI before the TACE of {}"), session.iso());
}
std::string finding(std::string_view what, Date d) {
  return format_text(FMT_COMPILE("{} (present or absent) on {}"), what, study(d));
}
std::string finding_at_baseline(std::string_view what, Date s1) {
  return format_text(FMT_COMPILE("{} (present or absent) on the baseline CT/MRI before the first TACE ({})"), what,
                     s1.iso());
}
std::string imaging_after_first_tace(Date s1) {
  return format_text(FMT_COMPILE("a CT/MRI after the first TACE ({})"), s1.iso());
}
std::string tumour_burden(Date at) {
  return format_text(FMT_COMPILE("number of tumours and largest diameter on a CT/MRI within {} days before {}"),
                     kImagingWindowDays, at.iso());
}
std::string tumour_burden_on(Date d) {
  return format_text(FMT_COMPILE("number of tumours and largest diameter on {}"), study(d));
}
std::string morphology(Date at) {
  return format_text(FMT_COMPILE("tumour morphology on a CT/MRI within {} days before {}"), kImagingWindowDays,
                     at.iso());
}
std::string bilobar(Date at) {
  return format_text(FMT_COMPILE("whether the disease is bilobar (CT/MRI within {} days before {})"),
                     kImagingWindowDays, at.iso());
}
std::string tumour_markers_around_tace() {
  return "AFP or DCP within 30 days before a TACE and again after it (within 90 days, before the next TACE)";
}

std::vector<FactKind> kinds_of(std::string_view fact) {
  using K = FactKind;
  struct Prefix {
    std::string_view start;
    std::vector<FactKind> kinds;
  };
  // The opening words of the phrases above (and of the therapy prerequisites that name a fact).
  static const std::vector<Prefix> kPrefixes{
      {"total bilirubin ", {K::Bilirubin}},
      {"albumin ", {K::Albumin}},
      {"INR ", {K::Coagulation}},
      {"prothrombin time ", {K::Coagulation}},
      {"AST ", {K::Ast}},
      {"ALT ", {K::Alt}},
      {"platelet count ", {K::Platelets}},
      {"creatinine ", {K::Creatinine}},
      {"AFP or DCP ", {K::Afp, K::Dcp}},
      {"AFP ", {K::Afp}},
      {"DCP ", {K::Dcp}},
      {"ascites grade ", {K::Ascites}},
      {"hepatic encephalopathy grade ", {K::Encephalopathy}},
      {"ECOG performance status ", {K::Ecog}},
      {"body weight ", {K::Weight}},
      {"upper GI endoscopy ", {K::Varices}},
      {"vascular invasion (present or absent) ", {K::VascularInvasion, K::Imaging}},
      {"sorafenib tolerance", {K::SystemicTherapy}},
  };
  for (const auto& p : kPrefixes)
    if (fact.starts_with(p.start)) return p.kinds;
  if (fact.find("CT/MRI") != std::string_view::npos) return {K::Imaging};
  return {};
}

}  // namespace switchpoint::facts
