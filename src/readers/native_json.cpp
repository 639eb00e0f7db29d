#include "readers/native_json.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "core/therapy/regimens.h"
#include "readers/json_walk.h"

namespace switchpoint {
namespace {

using json::child;
using simdjson::dom::array;
using simdjson::dom::object;

constexpr std::string_view kLabTests =
    "bilirubin, albumin, inr, pt_prolongation, ast, alt, platelets, creatinine, afp, dcp";

std::string known_regimens() {
  std::string out;
  for (const auto& r : regimens()) out += (out.empty() ? "" : ", ") + std::string(r.id);
  return out;
}

struct NativeReader {
  json::Walker w;
  PatientRecord rec;
  // The first lab entry per (test, date), so that a second, different value is refused as the
  // FHIR reader does: one date holds one value, whatever the order of the entries.
  // Kept with the index of that entry in its series, so that a repeat is checked in O(log n), not by
  // scanning the series (a record of many repeated labs would otherwise take quadratic time).
  struct FirstLab {
    std::string ptr;
    std::size_t index;
  };
  std::map<std::pair<Quantity, std::int32_t>, FirstLab> first_lab;

  template <typename Each>
  void each_object(object root, std::string_view key, Each each) {
    auto arr = w.array(root, "", key, false);
    if (!arr) return;
    std::size_t i = 0;
    for (auto el : *arr) {
      const std::string ptr = child("/" + std::string(key), i++);
      object o;
      if (el.get(o) != simdjson::SUCCESS) {
        w.problem(ptr, fmt::format("each entry of '{}' must be an object, found {} {}", key,
                                   json::type_name(el.type()), json::render(el)));
        continue;
      }
      each(o, ptr);
    }
  }

  void patient(object root) {
    auto p = w.object(root, "", "patient", true);
    if (!p) return;
    w.only_keys(*p, "/patient", {"id", "birth_date", "sex", "curative_treatment_unsuitable"});
    if (auto id = w.string(*p, "/patient", "id", true)) {
      if (id->empty()) w.problem("/patient/id", "'id' must not be empty");
      rec.patient_id = *id;
    }
    rec.birth_date = w.date(*p, "/patient", "birth_date", false);
    w.string(*p, "/patient", "sex", false);
    rec.curative_treatment_unsuitable = w.boolean(*p, "/patient", "curative_treatment_unsuitable", false);
  }

  void labs(object root) {
    each_object(root, "labs", [&](object o, const std::string& ptr) {
      w.only_keys(o, ptr, {"date", "test", "value", "unit"});
      auto date = w.date(o, ptr, "date", true);
      auto test = w.string(o, ptr, "test", true);
      auto value = w.number(o, ptr, "value", true);
      const bool unit_given = w.field(o, ptr, "unit", false).has_value();
      auto unit = w.string(o, ptr, "unit", false);
      if (!test) return;
      auto q = lab_quantity_from_key(*test);
      if (!q) {
        w.problem(child(ptr, "test"), fmt::format("'{}' is not a known lab test; expected one of: {}", *test, kLabTests));
        return;
      }
      // A unit of the wrong type was reported by string(); do not report it again as missing.
      if (!date || !value || (unit_given && !unit)) return;
      Converted c = to_canonical(*q, *value, unit.value_or(""));
      if (!c.canonical) {
        w.problem(unit ? ptr : child(ptr, "unit"), c.problem);
        return;
      }
      const LabValue v{*date, *c.canonical, *value, unit.value_or("")};
      auto& series = rec.labs.of(*q);
      const auto [first, inserted] = first_lab.try_emplace({*q, date->days()}, FirstLab{ptr, series.size()});
      if (!inserted) {
        const LabValue& other = series[first->second.index];
        if (!at_least(v.value, other.value) || !at_most(v.value, other.value))
          w.problem(ptr, fmt::format("{} on {} is given twice with different values ({} {} here, {} {} at {}); "
                                     "one date holds one value",
                                     *test, date->iso(), v.entered_value, v.entered_unit, other.entered_value,
                                     other.entered_unit, first->second.ptr));
        return;  // an equal repeat is merged
      }
      series.push_back(v);
    });
  }

  void clinical(object root) {
    each_object(root, "clinical", [&](object o, const std::string& ptr) {
      w.only_keys(o, ptr, {"date", "ascites", "encephalopathy", "ecog", "weight"});
      auto date = w.date(o, ptr, "date", true);
      ClinicalAssessment c;
      c.ascites = w.enumeration<Ascites>(o, ptr, "ascites", false, parse_ascites, "none, slight, moderate-severe");
      c.encephalopathy = w.enumeration<Encephalopathy>(o, ptr, "encephalopathy", false, parse_encephalopathy,
                                                       "none, grade-1-2, grade-3-4");
      c.ecog = w.integer(o, ptr, "ecog", false, 0, 5);
      // Without a date the entry is not kept, but its other fields are still checked so that
      // every problem is reported at once.
      c.weight_kg = w.quantity(o, ptr, "weight", false, Quantity::Weight, date.value_or(Date{}));
      if (!date) return;
      c.date = *date;
      rec.clinical.push_back(std::move(c));
    });
  }

  void imaging(object root) {
    each_object(root, "imaging", [&](object o, const std::string& ptr) {
      w.only_keys(o, ptr, {"date", "modality", "tumor_count", "largest_diameter", "target_lesions", "nontarget",
                           "new_lesions", "mrecist", "viable_tumor_percent", "treated_size_change_percent",
                           "vascular_invasion", "extrahepatic_spread", "morphology", "bilobar",
                           "liver_occupation_percent", "bile_duct_invasion"});
      // Without a date the study is not kept, but its other fields are still checked so that
      // every problem is reported at once.
      auto date = w.date(o, ptr, "date", true);
      ImagingStudy s;
      s.date = date.value_or(Date{});
      s.modality = w.string(o, ptr, "modality", false).value_or("");
      s.intrahepatic_tumor_count = w.integer(o, ptr, "tumor_count", false, 0, 1000);
      if (auto d = w.quantity(o, ptr, "largest_diameter", false, Quantity::Diameter, s.date))
        s.largest_diameter_cm = d->value;
      if (auto targets = w.array(o, ptr, "target_lesions", false)) {
        std::vector<TargetLesion> lesions;
        std::size_t i = 0;
        const std::string tptr = child(ptr, "target_lesions");
        for (auto el : *targets) {
          const std::string lp = child(tptr, i++);
          object t;
          if (el.get(t) != simdjson::SUCCESS) {
            w.problem(lp, "each target lesion must be an object {\"id\", \"viable_diameter\"}");
            continue;
          }
          w.only_keys(t, lp, {"id", "viable_diameter"});
          auto id = w.string(t, lp, "id", true);
          auto d = w.quantity(t, lp, "viable_diameter", true, Quantity::Diameter, s.date);
          if (id && d) lesions.push_back({*id, d->value});
        }
        // Counted as given, whether or not each lesion was itself valid.
        if (i > 5) w.problem(tptr, fmt::format("{} target lesions given; mRECIST allows at most 5", i));
        s.target_lesions = std::move(lesions);
      }
      s.nontarget = w.enumeration<NonTargetStatus>(o, ptr, "nontarget", false, parse_nontarget,
                                                   "absent, CR, non-CR-non-PD, PD");
      s.new_lesions = w.integer(o, ptr, "new_lesions", false, 0, 1000);
      s.mrecist_recorded = w.enumeration<MrecistCategory>(o, ptr, "mrecist", false, parse_mrecist, "CR, PR, SD, PD");
      s.viable_tumor_percent = w.bounded(o, ptr, "viable_tumor_percent", false, 0, 100, "a percentage");
      s.treated_size_change_percent =
          w.bounded(o, ptr, "treated_size_change_percent", false, -100, 1000, "a percentage change");
      s.vascular_invasion = w.enumeration<VascularInvasion>(o, ptr, "vascular_invasion", false,
                                                            parse_vascular_invasion, "absent, branch, main-portal-vein");
      s.extrahepatic_spread = w.boolean(o, ptr, "extrahepatic_spread", false);
      s.morphology = w.enumeration<Morphology>(
          o, ptr, "morphology", false, parse_morphology,
          "simple-nodular, confluent-multinodular, massive-infiltrative, extranodular-growth, "
          "poorly-differentiated, multiple-disseminated, sarcomatous-change");
      s.bilobar = w.boolean(o, ptr, "bilobar", false);
      s.liver_occupation_percent = w.bounded(o, ptr, "liver_occupation_percent", false, 0, 100, "a percentage");
      s.bile_duct_invasion = w.boolean(o, ptr, "bile_duct_invasion", false);
      if (s.intrahepatic_tumor_count && *s.intrahepatic_tumor_count == 0 && s.largest_diameter_cm &&
          *s.largest_diameter_cm > 0)
        w.problem(ptr, fmt::format("tumor_count is 0 but largest_diameter is {} cm: contradictory findings",
                                   *s.largest_diameter_cm));
      if (date) rec.imaging.push_back(std::move(s));
    });
  }

  void tace(object root) {
    each_object(root, "tace", [&](object o, const std::string& ptr) {
      w.only_keys(o, ptr, {"date", "technique", "selective"});
      auto date = w.date(o, ptr, "date", true);
      TaceSession t;
      t.technique = w.string(o, ptr, "technique", false).value_or("");
      t.selective = w.boolean(o, ptr, "selective", false);
      if (!date) return;
      t.date = *date;
      rec.tace.push_back(std::move(t));
    });
  }

  void systemic(object root) {
    each_object(root, "systemic_therapy", [&](object o, const std::string& ptr) {
      w.only_keys(o, ptr, {"regimen", "start", "end", "stop_reason", "dose_mg_per_day", "days_at_dose_last_28"});
      SystemicTherapy s;
      auto regimen = w.string(o, ptr, "regimen", true);
      auto start = w.date(o, ptr, "start", true);
      s.end = w.date(o, ptr, "end", false);
      s.stop_reason = w.enumeration<StopReason>(o, ptr, "stop_reason", false, parse_stop_reason,
                                                "progression, intolerance, completed, other");
      s.dose_mg_per_day = w.bounded(o, ptr, "dose_mg_per_day", false, 0, 5000, "a daily dose in mg");
      s.days_at_dose_last_28 = w.integer(o, ptr, "days_at_dose_last_28", false, 0, 28);
      if (regimen && !find_regimen(*regimen))
        w.problem(child(ptr, "regimen"), fmt::format("'{}' is not a known regimen id; expected one of: {}", *regimen,
                                                     known_regimens()));
      if (!regimen || !start) return;
      if (s.end && *s.end < *start)
        w.problem(child(ptr, "end"), fmt::format("end {} is before start {}", s.end->iso(), start->iso()));
      if (s.stop_reason && !s.end)
        w.problem(child(ptr, "stop_reason"), "a stop_reason is given but no end date");
      s.regimen = *regimen;
      s.start = *start;
      rec.systemic.push_back(std::move(s));
    });
  }

  void endoscopy(object root) {
    each_object(root, "endoscopy", [&](object o, const std::string& ptr) {
      w.only_keys(o, ptr, {"date", "varices"});
      auto date = w.date(o, ptr, "date", true);
      auto varices = w.enumeration<Varices>(o, ptr, "varices", true, parse_varices,
                                            "none, low-risk, high-risk-untreated, treated");
      if (date && varices) rec.endoscopies.push_back({*date, *varices});
    });
  }

  void conditions(object root) {
    each_object(root, "conditions", [&](object o, const std::string& ptr) {
      w.only_keys(o, ptr, {"code", "onset", "abatement"});
      auto kind = w.enumeration<ConditionKind>(
          o, ptr, "code", true, parse_condition_kind,
          "active-autoimmune-disease, solid-organ-transplant, variceal-bleeding, uncontrolled-hypertension, "
          "major-bleeding, arterial-thrombosis");
      Condition c{ConditionKind::ActiveAutoimmuneDisease, w.date(o, ptr, "onset", false),
                  w.date(o, ptr, "abatement", false)};
      if (!kind) return;
      c.kind = *kind;
      if (c.onset && c.abatement && *c.abatement < *c.onset)
        w.problem(child(ptr, "abatement"), "abatement is before onset");
      rec.conditions.push_back(c);
    });
  }

  // Procedures that end a TACE course (CLINICAL_RULES §5, P-course-end): resection, ablation,
  // liver transplantation. The same procedure twice on one date is kept once; two different ones
  // on one date (resection with intraoperative ablation) are both kept: they end the course alike.
  void procedures(object root) {
    each_object(root, "procedures", [&](object o, const std::string& ptr) {
      w.only_keys(o, ptr, {"date", "code"});
      auto date = w.date(o, ptr, "date", true);
      auto kind = w.enumeration<CourseEndingKind>(o, ptr, "code", true, parse_course_ending_kind,
                                                  "resection, ablation, liver-transplantation");
      if (!date || !kind) return;
      for (const auto& p : rec.procedures)
        if (p.date == *date && p.kind == *kind) return;
      rec.procedures.push_back({*date, *kind});
    });
  }
};

}  // namespace

ReadResult read_native_json(std::string_view bytes) {
  bytes = json::without_bom(bytes);
  ReadResult out;
  out.format = std::string(kNativeSchema);
  simdjson::dom::parser parser;
  simdjson::padded_string padded(bytes);
  simdjson::dom::element doc;
  if (auto err = parser.parse(padded).get(doc); err != simdjson::SUCCESS) {
    out.problems.push_back({"", fmt::format("not valid JSON: {}", simdjson::error_message(err))});
    return out;
  }
  object root;
  if (doc.get(root) != simdjson::SUCCESS) {
    out.problems.push_back({"", fmt::format("the record must be a JSON object, found {}", json::type_name(doc.type()))});
    return out;
  }
  // A member name twice in one object is ambiguous (which "value" counts?): refused, named.
  json::duplicate_keys(doc, "", out.problems);
  NativeReader r{json::Walker(out.problems), {}, {}};
  r.w.only_keys(root, "", {"schema", "patient", "labs", "clinical", "imaging", "tace", "systemic_therapy",
                           "endoscopy", "conditions", "procedures"});
  if (auto schema = r.w.string(root, "", "schema", true); schema && *schema != kNativeSchema)
    r.w.problem("/schema", fmt::format("schema is '{}'; this reader reads '{}'", *schema, kNativeSchema));
  r.patient(root);
  r.labs(root);
  r.clinical(root);
  r.imaging(root);
  r.tace(root);
  r.systemic(root);
  r.endoscopy(root);
  r.conditions(root);
  r.procedures(root);
  if (r.rec.tace.size() > kMaxTaceSessions) add_problem(out.problems, "/tace", too_many_tace_sessions(r.rec.tace.size()));
  if (r.rec.birth_date)
    if (const auto first = r.rec.earliest_entry_date(); first && *first < *r.rec.birth_date)
      add_problem(out.problems, "/patient/birth_date",
                  fmt::format("birth_date {} is after the record's first entry ({}): contradictory dates",
                              r.rec.birth_date->iso(), first->iso()));
  if (const auto late = r.rec.entry_beyond_plausible_age())
    add_problem(out.problems, "/patient/birth_date",
                fmt::format("the latest entry ({}) is more than {} years after birth_date {}: not plausible for a living "
                            "patient; check the year of that entry or of the birth date",
                            late->iso(), kMaxPlausibleAgeYears, r.rec.birth_date->iso()));
  if (!out.problems.empty()) return out;
  r.rec.sort_timelines();
  out.record = std::move(r.rec);
  return out;
}

}  // namespace switchpoint
