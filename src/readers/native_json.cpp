#include "readers/native_json.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "core/therapy/regimens.h"
#include "readers/consistency.h"
#include "readers/json_walk.h"
#include "readers/read_document.h"

namespace switchpoint {
namespace {

using json::child;
using simdjson::dom::object;

constexpr std::string_view kLabTests =
    "bilirubin, albumin, inr, pt_prolongation, ast, alt, platelets, creatinine, afp, dcp";

std::string known_regimens() {
  std::string out;
  for (const auto& r : regimens()) out += (out.empty() ? "" : ", ") + std::string(r.id);
  return out;
}

struct NativeReader {
  NativeReader(std::vector<Problem>& problems, std::map<std::string, int>& skip_counts)
      : w(problems), skipped(skip_counts) {}

  json::Walker w;
  std::map<std::string, int>& skipped;  // equal repeats read once, counted by kind
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

  // Every date read from an entry, with its location: a deceased_date is checked against them.
  std::vector<std::pair<Date, std::string>> entry_dates;
  std::optional<Date> deceased_date;

  // The entries as read, with their locations, before same-date entries are merged (finish()).
  struct ClinicalEntry {
    ClinicalAssessment c;
    std::string ptr;
  };
  struct ImagingEntry {
    ImagingStudy s;
    std::string ptr;
    std::map<std::string, std::string> lesion_ptr;  // target lesion id → its location
  };
  template <typename T>
  struct Located {
    T v;
    std::string ptr;
  };
  std::vector<ClinicalEntry> clinical_entries;
  std::vector<ImagingEntry> imaging_entries;
  std::vector<Located<TaceSession>> tace_entries;
  std::vector<Located<SystemicTherapy>> systemic_entries;
  std::vector<Located<Endoscopy>> endoscopy_entries;
  std::vector<Located<Condition>> condition_entries;

  // A date of an entry, remembered for the deceased_date check.
  std::optional<Date> entry_date(object o, const std::string& ptr, std::string_view key, bool required) {
    auto d = w.date(o, ptr, key, required);
    if (d) entry_dates.emplace_back(*d, child(ptr, key));
    return d;
  }

  template <typename Each>
  void each_object(object root, std::string_view key, Each each) {
    auto arr = w.array(root, "", key, false);
    if (!arr) return;
    std::size_t i = 0;
    for (auto el : *arr) {
      const std::string ptr = child("/" + std::string(key), i++);
      object o;
      if (el.get(o) != simdjson::SUCCESS) {
        w.problem(ptr, fmt::format("each entry of '{}' must be an object, found {} {}", key, json::type_name(el.type()),
                                   json::render(el)));
        continue;
      }
      each(o, ptr);
    }
  }

  void patient(object root) {
    auto p = w.object(root, "", "patient", true);
    if (!p) return;
    w.only_keys(*p, "/patient", {"id", "birth_date", "sex", "curative_treatment_unsuitable", "deceased_date"});
    if (auto id = w.string(*p, "/patient", "id", true)) {
      if (id->empty()) w.problem("/patient/id", "'id' must not be empty");
      rec.patient_id = *id;
    }
    rec.birth_date = w.date(*p, "/patient", "birth_date", false);
    w.string(*p, "/patient", "sex", false);
    rec.curative_treatment_unsuitable = w.boolean(*p, "/patient", "curative_treatment_unsuitable", false);
    deceased_date = w.date(*p, "/patient", "deceased_date", false);
    rec.deceased_date = deceased_date;
    rec.deceased = deceased_date.has_value();
  }

  void labs(object root) {
    each_object(root, "labs", [&](object o, const std::string& ptr) {
      w.only_keys(o, ptr, {"date", "test", "value", "unit"});
      auto date = entry_date(o, ptr, "date", true);
      auto test = w.string(o, ptr, "test", true);
      auto value = w.number(o, ptr, "value", true);
      const bool unit_given = w.field(o, ptr, "unit", false).has_value();
      auto unit = w.string(o, ptr, "unit", false);
      if (!test) return;
      auto q = lab_quantity_from_key(*test);
      if (!q) {
        w.problem(child(ptr, "test"),
                  fmt::format("'{}' is not a known lab test; expected one of: {}", *test, kLabTests));
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
        ++skipped["labs (the same value twice on one date, read once)"];
        return;  // an equal repeat is merged
      }
      series.push_back(v);
    });
  }

  void clinical(object root) {
    each_object(root, "clinical", [&](object o, const std::string& ptr) {
      w.only_keys(o, ptr, {"date", "ascites", "encephalopathy", "ecog", "weight"});
      auto date = entry_date(o, ptr, "date", true);
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
      clinical_entries.push_back({std::move(c), ptr});
    });
  }

  void imaging(object root) {
    each_object(root, "imaging", [&](object o, const std::string& ptr) {
      w.only_keys(o, ptr,
                  {"date", "modality", "tumor_count", "largest_diameter", "target_lesions", "nontarget", "new_lesions",
                   "mrecist", "viable_tumor_percent", "treated_size_change_percent", "vascular_invasion",
                   "extrahepatic_spread", "morphology", "bilobar", "liver_occupation_percent", "bile_duct_invasion"});
      // Without a date the study is not kept, but its other fields are still checked so that
      // every problem is reported at once.
      auto date = entry_date(o, ptr, "date", true);
      ImagingStudy s;
      std::map<std::string, std::string> lesions_ptr;
      s.date = date.value_or(Date{});
      s.modality = w.string(o, ptr, "modality", false).value_or("");
      s.intrahepatic_tumor_count = w.integer(o, ptr, "tumor_count", false, 0, 1000);
      if (auto d = w.quantity(o, ptr, "largest_diameter", false, Quantity::Diameter, s.date))
        s.largest_diameter_cm = d->value;
      if (auto targets = w.array(o, ptr, "target_lesions", false)) {
        std::vector<TargetLesion> lesions;
        std::map<std::string, std::string> lesion_ptr;
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
          if (!id || !d) continue;
          // One lesion listed twice in one study: read once when the diameters agree.
          const auto same_id =
              std::find_if(lesions.begin(), lesions.end(), [&](const TargetLesion& l) { return l.id == *id; });
          if (same_id == lesions.end()) {
            lesions.push_back({*id, d->value});
            lesion_ptr[*id] = lp;
          } else if (!same_value(same_id->viable_diameter_cm, d->value)) {
            w.problem(lp, fmt::format("target lesion '{}' is given twice in this study with different viable "
                                      "diameters: {} cm at {} and {} cm at {}; which one counts cannot be told",
                                      *id, same_id->viable_diameter_cm, lesion_ptr[*id], d->value, lp));
          }
        }
        // Counted as given, whether or not each lesion was itself valid.
        if (i > 5) w.problem(tptr, fmt::format("{} target lesions given; mRECIST allows at most 5", i));
        s.target_lesions = std::move(lesions);
        lesions_ptr = std::move(lesion_ptr);
      }
      s.nontarget =
          w.enumeration<NonTargetStatus>(o, ptr, "nontarget", false, parse_nontarget, "absent, CR, non-CR-non-PD, PD");
      s.new_lesions = w.integer(o, ptr, "new_lesions", false, 0, 1000);
      s.mrecist_recorded = w.enumeration<MrecistCategory>(o, ptr, "mrecist", false, parse_mrecist, "CR, PR, SD, PD");
      s.viable_tumor_percent = w.bounded(o, ptr, "viable_tumor_percent", false, 0, 100, "a percentage");
      s.treated_size_change_percent =
          w.bounded(o, ptr, "treated_size_change_percent", false, -100, 1000, "a percentage change");
      s.vascular_invasion = w.enumeration<VascularInvasion>(o, ptr, "vascular_invasion", false, parse_vascular_invasion,
                                                            "absent, branch, main-portal-vein");
      s.extrahepatic_spread = w.boolean(o, ptr, "extrahepatic_spread", false);
      s.morphology = w.enumeration<Morphology>(
          o, ptr, "morphology", false, parse_morphology,
          "simple-nodular, confluent-multinodular, massive-infiltrative, extranodular-growth, "
          "poorly-differentiated, multiple-disseminated, sarcomatous-change");
      s.bilobar = w.boolean(o, ptr, "bilobar", false);
      s.liver_occupation_percent = w.bounded(o, ptr, "liver_occupation_percent", false, 0, 100, "a percentage");
      s.bile_duct_invasion = w.boolean(o, ptr, "bile_duct_invasion", false);
      if (date) imaging_entries.push_back({std::move(s), ptr, std::move(lesions_ptr)});
    });
  }

  void tace(object root) {
    each_object(root, "tace", [&](object o, const std::string& ptr) {
      w.only_keys(o, ptr, {"date", "technique", "selective"});
      auto date = entry_date(o, ptr, "date", true);
      TaceSession t;
      t.technique = w.string(o, ptr, "technique", false).value_or("");
      t.selective = w.boolean(o, ptr, "selective", false);
      if (!date) return;
      t.date = *date;
      tace_entries.push_back({std::move(t), ptr});
    });
  }

  void systemic(object root) {
    each_object(root, "systemic_therapy", [&](object o, const std::string& ptr) {
      w.only_keys(o, ptr, {"regimen", "start", "end", "stop_reason", "dose_mg_per_day", "days_at_dose_last_28"});
      SystemicTherapy s;
      auto regimen = w.string(o, ptr, "regimen", true);
      auto start = entry_date(o, ptr, "start", true);
      s.end = entry_date(o, ptr, "end", false);
      s.stop_reason = w.enumeration<StopReason>(o, ptr, "stop_reason", false, parse_stop_reason,
                                                "progression, intolerance, completed, other");
      s.dose_mg_per_day = w.bounded(o, ptr, "dose_mg_per_day", false, 0, 5000, "a daily dose in mg");
      s.days_at_dose_last_28 = w.integer(o, ptr, "days_at_dose_last_28", false, 0, 28);
      if (regimen && !find_regimen(*regimen))
        w.problem(child(ptr, "regimen"),
                  fmt::format("'{}' is not a known regimen id; expected one of: {}", *regimen, known_regimens()));
      if (!regimen || !start) return;
      if (s.end && *s.end < *start)
        w.problem(child(ptr, "end"), fmt::format("end {} is before start {}", s.end->iso(), start->iso()));
      if (s.stop_reason && !s.end) w.problem(child(ptr, "stop_reason"), "a stop_reason is given but no end date");
      s.regimen = *regimen;
      s.start = *start;
      systemic_entries.push_back({std::move(s), ptr});
    });
  }

  void endoscopy(object root) {
    each_object(root, "endoscopy", [&](object o, const std::string& ptr) {
      w.only_keys(o, ptr, {"date", "varices"});
      auto date = entry_date(o, ptr, "date", true);
      auto varices = w.enumeration<Varices>(o, ptr, "varices", true, parse_varices,
                                            "none, low-risk, high-risk-untreated, treated");
      if (date && varices) endoscopy_entries.push_back({{*date, *varices}, ptr});
    });
  }

  void conditions(object root) {
    each_object(root, "conditions", [&](object o, const std::string& ptr) {
      w.only_keys(o, ptr, {"code", "onset", "abatement"});
      auto kind = w.enumeration<ConditionKind>(
          o, ptr, "code", true, parse_condition_kind,
          "active-autoimmune-disease, solid-organ-transplant, variceal-bleeding, uncontrolled-hypertension, "
          "major-bleeding, arterial-thrombosis");
      Condition c{ConditionKind::ActiveAutoimmuneDisease, entry_date(o, ptr, "onset", false),
                  entry_date(o, ptr, "abatement", false)};
      if (!kind) return;
      c.kind = *kind;
      if (c.onset && c.abatement && *c.abatement < *c.onset)
        w.problem(child(ptr, "abatement"), "abatement is before onset");
      condition_entries.push_back({c, ptr});
    });
  }

  // ---- same-date entries: merged when they agree, refused when they do not -----------------

  using Sources = std::map<std::string_view, std::string>;  // field → the entry that gave it

  static bool equal(double a, double b) { return same_value(a, b); }
  static bool equal(const LabValue& a, const LabValue& b) { return same_value(a.value, b.value); }
  template <typename T>
  static bool equal(const T& a, const T& b) {
    return a == b;
  }

  // One value per field and date. A field only one entry gives, or the same value twice, is
  // merged; two different values are a problem naming both entries.
  template <typename T>
  void merge(std::optional<T>& into, Sources& src, const std::optional<T>& from, const std::string& from_ptr,
             std::string_view field, Date d) {
    if (!from) return;
    if (!into) {
      into = from;
      src[field] = from_ptr;
      return;
    }
    if (!equal(*into, *from))
      w.problem(child(from_ptr, field), fmt::format("{} on {} is given twice with different values: {} at {} and {} "
                                                    "at {}; one date holds one value, and the order of the entries "
                                                    "must not decide which one counts",
                                                    field, d.iso(), shown(*into), child(src[field], field),
                                                    shown(*from), child(from_ptr, field)));
  }

  void finish_clinical() {
    std::map<Date, std::pair<ClinicalAssessment, Sources>> by_date;
    for (const auto& e : clinical_entries) {
      auto& [m, src] = by_date[e.c.date];
      m.date = e.c.date;
      merge(m.ascites, src, e.c.ascites, e.ptr, "ascites", m.date);
      merge(m.encephalopathy, src, e.c.encephalopathy, e.ptr, "encephalopathy", m.date);
      merge(m.ecog, src, e.c.ecog, e.ptr, "ecog", m.date);
      merge(m.weight_kg, src, e.c.weight_kg, e.ptr, "weight", m.date);
    }
    for (auto& [d, m] : by_date) rec.clinical.push_back(std::move(m.first));
  }

  static std::string_view key_of(ImagingField f) {
    switch (f) {
      case ImagingField::TumorCount:
        return "tumor_count";
      case ImagingField::LargestDiameter:
        return "largest_diameter";
      case ImagingField::TargetLesion:
        return "target_lesions";
      case ImagingField::NewLesions:
        return "new_lesions";
      case ImagingField::ViablePercent:
        return "viable_tumor_percent";
      case ImagingField::LiverOccupation:
        return "liver_occupation_percent";
      case ImagingField::Bilobar:
        return "bilobar";
    }
    return "";
  }

  // Studies of one date (a CT and an MRI the same day) are one study: merged when no field
  // disagrees, refused naming both entries when one does.
  void finish_imaging() {
    struct Merged {
      ImagingStudy s;
      Sources src;
      std::set<std::string> modalities;
      std::map<std::string, std::string> lesion_ptr;
      std::size_t entries = 0;
    };
    std::map<Date, Merged> by_date;
    for (const auto& e : imaging_entries) {
      Merged& m = by_date[e.s.date];
      ++m.entries;
      ImagingStudy& s = m.s;
      s.date = e.s.date;
      if (!e.s.modality.empty()) m.modalities.insert(e.s.modality);
      merge(s.intrahepatic_tumor_count, m.src, e.s.intrahepatic_tumor_count, e.ptr, "tumor_count", s.date);
      merge(s.largest_diameter_cm, m.src, e.s.largest_diameter_cm, e.ptr, "largest_diameter", s.date);
      merge(s.nontarget, m.src, e.s.nontarget, e.ptr, "nontarget", s.date);
      merge(s.new_lesions, m.src, e.s.new_lesions, e.ptr, "new_lesions", s.date);
      merge(s.mrecist_recorded, m.src, e.s.mrecist_recorded, e.ptr, "mrecist", s.date);
      merge(s.viable_tumor_percent, m.src, e.s.viable_tumor_percent, e.ptr, "viable_tumor_percent", s.date);
      merge(s.treated_size_change_percent, m.src, e.s.treated_size_change_percent, e.ptr, "treated_size_change_percent",
            s.date);
      merge(s.vascular_invasion, m.src, e.s.vascular_invasion, e.ptr, "vascular_invasion", s.date);
      merge(s.extrahepatic_spread, m.src, e.s.extrahepatic_spread, e.ptr, "extrahepatic_spread", s.date);
      merge(s.morphology, m.src, e.s.morphology, e.ptr, "morphology", s.date);
      merge(s.bilobar, m.src, e.s.bilobar, e.ptr, "bilobar", s.date);
      merge(s.liver_occupation_percent, m.src, e.s.liver_occupation_percent, e.ptr, "liver_occupation_percent", s.date);
      merge(s.bile_duct_invasion, m.src, e.s.bile_duct_invasion, e.ptr, "bile_duct_invasion", s.date);
      if (e.s.target_lesions) {
        if (!s.target_lesions) {
          s.target_lesions = e.s.target_lesions;
          m.src["target_lesions"] = e.ptr;
          m.lesion_ptr = e.lesion_ptr;
          continue;
        }
        // Target lesions are matched by id: the same lesion on two studies of one date must have
        // the same viable diameter.
        for (const auto& t : *e.s.target_lesions) {
          const std::string& here = e.lesion_ptr.at(t.id);
          auto known = std::find_if(s.target_lesions->begin(), s.target_lesions->end(),
                                    [&](const TargetLesion& l) { return l.id == t.id; });
          if (known == s.target_lesions->end()) {
            s.target_lesions->push_back(t);
            m.lesion_ptr[t.id] = here;
          } else if (!same_value(known->viable_diameter_cm, t.viable_diameter_cm)) {
            w.problem(child(here, "viable_diameter"),
                      fmt::format("target lesion '{}' on {} is given twice with different viable diameters: {} cm at "
                                  "{} and {} cm at {}; one date holds one value, and the order of the entries must "
                                  "not decide which one counts",
                                  t.id, s.date.iso(), known->viable_diameter_cm, m.lesion_ptr[t.id],
                                  t.viable_diameter_cm, here));
          }
        }
        if (s.target_lesions->size() > 5 && e.s.target_lesions->size() <= 5)
          w.problem(child(e.ptr, "target_lesions"),
                    fmt::format("{} different target lesions on {} (studies of one date are one study); mRECIST "
                                "allows at most 5",
                                s.target_lesions->size(), s.date.iso()));
      }
    }
    for (auto& [d, m] : by_date) {
      ImagingStudy& s = m.s;
      for (const auto& mod : m.modalities) s.modality += (s.modality.empty() ? "" : "+") + mod;
      if (s.intrahepatic_tumor_count && *s.intrahepatic_tumor_count == 0 && s.largest_diameter_cm &&
          *s.largest_diameter_cm > 0)
        w.problem(m.src["tumor_count"], fmt::format("tumor_count is 0 but largest_diameter is {} cm: contradictory "
                                                    "findings{}",
                                                    *s.largest_diameter_cm,
                                                    m.src["tumor_count"] == m.src["largest_diameter"]
                                                        ? ""
                                                        : " (largest_diameter at " + m.src["largest_diameter"] + ")"));
      Merged& merged = m;  // a lambda may not capture a structured binding (clang 14)
      for (const auto& f : impossible_findings(s)) {
        auto at = [&merged](ImagingField field, const std::string& lesion) {
          if (field == ImagingField::TargetLesion && !lesion.empty()) return merged.lesion_ptr[lesion];
          return child(merged.src[key_of(field)], key_of(field));
        };
        const std::string here = at(f.field, f.lesion_id);
        w.problem(here, fmt::format("{} ({} at {}, {} at {})", f.message, key_of(f.field), here, key_of(f.other),
                                    at(f.other, "")));
      }
      // Target lesions in the order of their ids, as the FHIR reader keeps them: the order in which
      // they are written (or the studies of one date are listed) never changes the record or the
      // text of its mRECIST sum (a FHIR twin of the record gives the same decision, word for word).
      if (s.target_lesions)
        std::sort(s.target_lesions->begin(), s.target_lesions->end(),
                  [](const TargetLesion& a, const TargetLesion& b) { return a.id < b.id; });
      rec.imaging.push_back(std::move(s));
    }
  }

  static std::string describe(const TaceSession& t) {
    return fmt::format("technique {}, selective {}", t.technique.empty() ? "not stated" : "'" + t.technique + "'",
                       t.selective ? shown(*t.selective) : "not stated");
  }

  // A TACE listed twice on one date is one session (refractoriness counts sessions); two with
  // different details are refused.
  void finish_tace() {
    std::map<Date, const Located<TaceSession>*> by_date;
    for (const auto& e : tace_entries) {
      auto [it, fresh] = by_date.try_emplace(e.v.date, &e);
      if (fresh) continue;
      const auto& first = *it->second;
      if (first.v.technique == e.v.technique && first.v.selective == e.v.selective)
        ++skipped["tace (the same session listed twice, read once)"];
      else
        w.problem(e.ptr, fmt::format("a second TACE session on {} with different details: {} at {} and {} at {}; one "
                                     "date holds one TACE session, and the order of the entries must not decide "
                                     "which details count",
                                     e.v.date.iso(), describe(first.v), first.ptr, describe(e.v), e.ptr));
    }
    for (const auto& [d, e] : by_date) rec.tace.push_back(e->v);
  }

  static std::string describe(const SystemicTherapy& s) {
    auto opt = [](const auto& v) { return v ? shown(*v) : std::string("not stated"); };
    return fmt::format("end {}, stop_reason {}, dose_mg_per_day {}, days_at_dose_last_28 {}",
                       s.end ? s.end->iso() : "none (ongoing)", opt(s.stop_reason), opt(s.dose_mg_per_day),
                       opt(s.days_at_dose_last_28));
  }

  static auto full_key(const SystemicTherapy& s) {
    return std::tie(s.start, s.regimen, s.end, s.stop_reason, s.dose_mg_per_day, s.days_at_dose_last_28);
  }

  // The same course (regimen and start) listed twice is one course; with different details it
  // is refused. Two courses without an end are refused: which one is current cannot be told.
  void finish_systemic() {
    std::map<std::pair<std::string, Date>, const Located<SystemicTherapy>*> courses;
    for (const auto& e : systemic_entries) {
      auto [it, fresh] = courses.try_emplace({e.v.regimen, e.v.start}, &e);
      if (fresh) continue;
      const auto& first = *it->second;
      if (full_key(first.v) == full_key(e.v)) ++skipped["systemic_therapy (the same course listed twice, read once)"];
      else
        w.problem(e.ptr, fmt::format("{} started on {} is given twice with different details: {} at {} and {} at {}; "
                                     "the order of the entries must not decide which details count",
                                     e.v.regimen, e.v.start.iso(), describe(first.v), first.ptr, describe(e.v), e.ptr));
    }
    std::vector<const Located<SystemicTherapy>*> kept;
    kept.reserve(courses.size());
    for (const auto& [k, e] : courses) kept.push_back(e);
    std::sort(kept.begin(), kept.end(), [](const auto* a, const auto* b) { return full_key(a->v) < full_key(b->v); });
    const Located<SystemicTherapy>* ongoing = nullptr;
    for (const auto* e : kept) {
      if (!e->v.end) {
        if (ongoing)
          w.problem(e->ptr, fmt::format("two regimens are ongoing at once (no end date): {} since {} at {} and {} "
                                        "since {} at {}; which one the patient takes now cannot be told: give the "
                                        "end date of the one that was stopped",
                                        ongoing->v.regimen, ongoing->v.start.iso(), ongoing->ptr, e->v.regimen,
                                        e->v.start.iso(), e->ptr));
        else ongoing = e;
      }
      rec.systemic.push_back(e->v);
    }
  }

  void finish_endoscopy() {
    std::map<Date, std::pair<std::optional<Varices>, Sources>> by_date;
    for (const auto& e : endoscopy_entries) {
      auto& [v, src] = by_date[e.v.date];
      if (v && *v == e.v.varices) ++skipped["endoscopy (the same finding twice on one date, read once)"];
      merge(v, src, std::optional<Varices>(e.v.varices), e.ptr, "varices", e.v.date);
    }
    for (const auto& [d, v] : by_date) rec.endoscopies.push_back({d, *v.first});
  }

  // The same condition (code and onset) listed twice is read once; with a different abatement
  // (one ended, one still active) it is refused.
  void finish_conditions() {
    std::map<std::pair<ConditionKind, std::optional<Date>>, const Located<Condition>*> by_key;
    auto abated = [](const Condition& c) {
      return c.abatement ? c.abatement->iso() : std::string("none (still active)");
    };
    for (const auto& e : condition_entries) {
      auto [it, fresh] = by_key.try_emplace({e.v.kind, e.v.onset}, &e);
      if (fresh) continue;
      const auto& first = *it->second;
      if (first.v.abatement == e.v.abatement) ++skipped["conditions (the same condition listed twice, read once)"];
      else
        w.problem(e.ptr, fmt::format("{} with onset {} is given twice with different abatement: {} at {} and {} at "
                                     "{}; the order of the entries must not decide whether it has ended",
                                     to_string(e.v.kind), e.v.onset ? e.v.onset->iso() : "not stated", abated(first.v),
                                     first.ptr, abated(e.v), e.ptr));
    }
    for (const auto& [k, e] : by_key) rec.conditions.push_back(e->v);
  }

  // Nothing happens to a patient after death: an entry dated after deceased_date is refused.
  void check_deceased() {
    if (!deceased_date) return;
    if (rec.birth_date && *deceased_date < *rec.birth_date)
      w.problem("/patient/deceased_date", fmt::format("deceased_date {} is before birth_date {}: contradictory dates",
                                                      deceased_date->iso(), rec.birth_date->iso()));
    for (const auto& [d, ptr] : entry_dates)
      if (*deceased_date < d)
        w.problem(ptr, fmt::format("{} is after the patient's death on {} (/patient/deceased_date): no entry can "
                                   "follow the date of death; check this date or the date of death",
                                   d.iso(), deceased_date->iso()));
  }

  void finish() {
    finish_clinical();
    finish_imaging();
    finish_tace();
    finish_systemic();
    finish_endoscopy();
    finish_conditions();
    check_deceased();
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

ReadResult native_json_not_valid(simdjson::error_code err) {
  ReadResult out;
  out.format = std::string(kNativeSchema);
  out.problems.push_back({"", fmt::format("not valid JSON: {}", simdjson::error_message(err))});
  return out;
}

ReadResult read_native_json(std::string_view bytes) {
  bytes = json::without_bom(bytes);
  simdjson::dom::parser parser;
  simdjson::padded_string padded(bytes);
  simdjson::dom::element doc;
  if (auto err = parser.parse(padded).get(doc); err != simdjson::SUCCESS) return native_json_not_valid(err);
  return read_native_json_document(doc);
}

ReadResult read_native_json_document(simdjson::dom::element doc) {
  ReadResult out;
  out.format = std::string(kNativeSchema);
  object root;
  if (doc.get(root) != simdjson::SUCCESS) {
    out.problems.push_back(
        {"", fmt::format("the record must be a JSON object, found {}", json::type_name(doc.type()))});
    return out;
  }
  // A member name twice in one object is ambiguous (which "value" counts?): refused, named.
  json::duplicate_keys(doc, "", out.problems);
  NativeReader r(out.problems, out.skipped);
  r.w.only_keys(root, "",
                {"schema", "patient", "labs", "clinical", "imaging", "tace", "systemic_therapy", "endoscopy",
                 "conditions", "procedures"});
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
  r.finish();
  // Counted as listed: more than the limit is implausible whether or not some entries repeat a session.
  if (r.tace_entries.size() > kMaxTaceSessions)
    add_problem(out.problems, "/tace", too_many_tace_sessions(r.tace_entries.size()));
  if (r.rec.birth_date)
    if (const auto first = r.rec.earliest_entry_date(); first && *first < *r.rec.birth_date)
      add_problem(out.problems, "/patient/birth_date",
                  fmt::format("birth_date {} is after the record's first entry ({}): contradictory dates",
                              r.rec.birth_date->iso(), first->iso()));
  if (const auto late = r.rec.entry_beyond_plausible_age())
    add_problem(
        out.problems, "/patient/birth_date",
        fmt::format("the latest entry ({}) is more than {} years after birth_date {}: not plausible for a living "
                    "patient; check the year of that entry or of the birth date",
                    late->iso(), kMaxPlausibleAgeYears, r.rec.birth_date->iso()));
  if (!out.problems.empty()) return out;
  r.rec.sort_timelines();
  out.record = std::move(r.rec);
  return out;
}

}  // namespace switchpoint
