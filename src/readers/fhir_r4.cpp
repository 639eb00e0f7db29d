#include "readers/fhir_r4.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "readers/consistency.h"
#include "readers/fhir_codes.h"
#include "readers/fhir_resources.h"
#include "readers/json_walk.h"
#include "readers/not_read.h"
#include "readers/read_document.h"
#include "readers/terminology_imaging.h"
#include "readers/terminology_meds.h"
#include "readers/terminology_obs.h"

// How FHIR R4 resources become a PatientRecord (docs/fhir.md is the user's view of this file):
// a Bundle's entries (read_fhir_bundle) or one patient's lines of Bulk NDJSON (read_fhir_resources,
// used by the cohort reader) go through the same resource-level reader below.
//
// Three outcomes per resource, never a guess:
//  - read: the resource is recognised and well formed; it fills the record.
//  - skipped and counted: the resource type, code or status is not one the engine uses
//    (a heart rate, an entered-in-error lab, a planned procedure). ReadResult::skipped says
//    what and how often; the record stays valid.
//  - problem: the resource is recognised but wrong (a lab with a missing or implausible unit,
//    no date, a value of the wrong type, a conflicting second value for one date, another
//    patient's resource). Any problem withholds the whole record.
// The result does not depend on the order of the Bundle's entries.

namespace switchpoint {
namespace {

using json::child;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// A coding as views of its resource (alive while the resource is read): reading a coding copies
// nothing.
struct Coding {
  std::string_view system;
  std::string_view code;
  std::string_view display = {};  // coding.display, else the concept's text (for what was not read)
};

// A coding seen in place, for deciding quickly whether a resource is read at all.
struct CodingView {
  std::string_view system;
  std::string_view code;
};

// The system, code and display members of a coding object, found in one pass over its members
// (each the first of its name, as at_key finds it): a coding is read for every resource, at the
// scan and again at the read.
struct CodingMembers {
  element system, code, display;
  bool has_system = false, has_code = false, has_display = false;
};
CodingMembers coding_members(object c) {
  CodingMembers m;
  for (auto [k, v] : c) {
    if (k == "system") {
      if (!std::exchange(m.has_system, true)) m.system = v;
    } else if (k == "code") {
      if (!std::exchange(m.has_code, true)) m.code = v;
    } else if (k == "display") {
      if (!std::exchange(m.has_display, true)) m.display = v;
    }
  }
  return m;
}
// A member as a string view: "" when absent or null; false (and "") when present and not a string.
bool member_view(bool present, element e, std::string_view& out) {
  out = {};
  if (!present || e.is_null()) return true;
  if (e.get(out) == simdjson::SUCCESS) return true;
  out = {};
  return false;
}

// Procedures that end a TACE course (CLINICAL_RULES §5, P-course-end): the project codes, SNOMED
// CT and CPT codes of fhir::procedure_codes() (readers/fhir_codes.cpp, with the source of each;
// docs/terminology.md "Procedures").
std::optional<CourseEndingKind> course_ending_kind(std::string_view system, std::string_view code) {
  const auto* p = fhir::find_procedure_code(system, code);
  return p != nullptr ? fhir::course_ending_of(p->kind) : std::nullopt;
}

// The fact an Observation code of the table gives (core/record.h FactKind), for naming a resource
// of that code that is not read beside the fact; nullopt when no obtain line asks for it.
std::optional<FactKind> fact_of(const fhir::ObservationCode& m) {
  using F = fhir::Finding;
  switch (m.finding) {
    case F::Lab:
      return fact_kind_of(m.quantity);
    case F::Weight:
      return FactKind::Weight;
    case F::Ecog:
      return FactKind::Ecog;
    case F::Ascites:
      return FactKind::Ascites;
    case F::Encephalopathy:
      return FactKind::Encephalopathy;
    case F::Varices:
      return FactKind::Varices;
    case F::VascularInvasion:
      return FactKind::VascularInvasion;
    case F::CurativeUnsuitable:
      return std::nullopt;
    default:
      return FactKind::Imaging;
  }
}

// "system|code". Appended, not formatted: the scan builds one for every line skipped on its code.
template <typename C>
std::string key_of(const C& c) {
  std::string out;
  out.reserve(c.system.size() + 1 + c.code.size());
  out.append(c.system).append(1, '|').append(c.code);
  return out;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool same_unit(std::string_view a, std::string_view b) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  a = trim(a);
  b = trim(b);
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// The conversion factor of a unit spelling for q, if it is one of the accepted spellings.
std::optional<double> unit_factor(Quantity q, std::string_view unit) {
  for (const auto& u : spec_of(q).units)
    if (same_unit(u.spelling, unit)) return u.factor;
  return std::nullopt;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

enum class DateForm : std::uint8_t { Full, Partial, Invalid };

// The parts of a FHIR R4 dateTime: YYYY, YYYY-MM, YYYY-MM-DD, or YYYY-MM-DDThh:mm:ss(.s+) with a
// time zone (Z or ±hh:mm, at most +14:00), which FHIR requires whenever a time is given.
struct DateTime {
  DateForm form = DateForm::Invalid;
  std::optional<Date> date;               // Full: the date as written, whatever its time zone
  std::optional<Date> last_day;           // Partial: the last day the year or month allows
  std::optional<std::int64_t> utc_nanos;  // with a time: the instant, for ordering a period's ends
  std::string why;                        // Invalid: what is wrong, in words
};

int two_digits(std::string_view s, std::size_t at) {
  if (at + 2 > s.size() || !all_digits(s.substr(at, 2))) return -1;
  return (s[at] - '0') * 10 + (s[at + 1] - '0');
}

DateTime parse_fhir_datetime(std::string_view s) {
  DateTime out;
  if (s.size() < 4 || !all_digits(s.substr(0, 4))) {
    out.why = "it does not start with a four-digit year";
    return out;
  }
  const int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');  // four digits
  if (s.size() == 4) {
    out.form = DateForm::Partial;
    out.last_day = Date::from_ymd(year, 12, 31);
    return out;
  }
  if (s.size() == 7 && s[4] == '-') {
    const int month = two_digits(s, 5);
    if (month < 1 || month > 12) {
      out.why = "the month is not 01 to 12";
      return out;
    }
    out.form = DateForm::Partial;
    for (unsigned day = 31; day >= 28 && !out.last_day; --day)
      out.last_day = Date::from_ymd(year, static_cast<unsigned>(month), day);
    return out;
  }
  if (s.size() < 10) {
    out.why = "it is not YYYY, YYYY-MM or YYYY-MM-DD";
    return out;
  }
  out.date = Date::parse(s.substr(0, 10));
  if (!out.date) {
    out.why = "the date part is not a real calendar date between 1900 and 2200";
    return out;
  }
  if (s.size() == 10) {
    out.form = DateForm::Full;
    return out;
  }
  if (s[10] != 'T' || s.size() < 19 || s[13] != ':' || s[16] != ':') {
    out.date.reset();
    out.why = "after the date FHIR expects a time Thh:mm:ss";
    return out;
  }
  const int hh = two_digits(s, 11), mm = two_digits(s, 14), ss = two_digits(s, 17);
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60) {
    out.date.reset();
    out.why =
        fmt::format("the time {} is not a time of day (hours 00-23, minutes 00-59, seconds 00-60)", s.substr(11, 8));
    return out;
  }
  std::size_t at = 19;
  std::int64_t nanos = 0;
  if (at < s.size() && s[at] == '.') {
    std::size_t digits = 0;
    std::int64_t scale = 100000000;
    for (++at; at < s.size() && s[at] >= '0' && s[at] <= '9'; ++at, ++digits) {
      nanos += (s[at] - '0') * scale;
      scale /= 10;
    }
    if (digits == 0) {
      out.date.reset();
      out.why = "the decimal point of the seconds has no digits after it";
      return out;
    }
  }
  std::int64_t offset_minutes = 0;
  const std::string_view zone = s.substr(at);
  if (zone.empty()) {
    out.date.reset();
    out.why = "a time is given without a time zone (FHIR requires Z or +hh:mm/-hh:mm with a time)";
    return out;
  }
  if (zone != "Z") {
    const int zh = two_digits(zone, 1), zm = two_digits(zone, 4);
    if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':' || zh < 0 || zm < 0 || zm > 59 ||
        zh > 14 || (zh == 14 && zm != 0)) {
      out.date.reset();
      out.why = fmt::format("the time zone '{}' is not Z or an offset from -14:00 to +14:00 written ±hh:mm", zone);
      return out;
    }
    offset_minutes = (zone[0] == '-' ? -1 : 1) * (zh * 60 + zm);
  }
  out.form = DateForm::Full;
  const std::int64_t seconds =
      static_cast<std::int64_t>(out.date->days()) * 86400 + hh * 3600 + mm * 60 + ss - offset_minutes * 60;
  out.utc_nanos = seconds * 1000000000 + nanos;
  return out;
}

// A FHIR date or dateTime cut to its date part (the date as written, whatever its time zone).
DateForm fhir_date(std::string_view s, std::optional<Date>& out) {
  const DateTime dt = parse_fhir_datetime(s);
  out = dt.date;
  return dt.form;
}

// An end that comes before its start: by the instants when both have a time, else by the dates.
bool ends_before_start(const DateTime& start, const DateTime& end) {
  if (start.utc_nanos && end.utc_nanos) return *end.utc_nanos < *start.utc_nanos;
  const std::optional<Date> s = start.date ? start.date : std::nullopt;
  const std::optional<Date> e = end.date ? end.date : end.last_day;
  return s && e && *e < *s;
}

// The patient id a reference names: "Patient/p1", "https://x/fhir/Patient/p1/_history/2" → "p1";
// anything else (urn:uuid:…) is its own id.
std::string_view id_view_from_reference(std::string_view ref) {
  const auto pos = ref.rfind("Patient/");
  if (pos == std::string_view::npos) return ref;
  std::string_view rest = ref.substr(pos + 8);
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) rest = rest.substr(0, slash);
  return rest;
}
std::string id_from_reference(std::string_view ref) { return std::string(id_view_from_reference(ref)); }

// Two values of one finding are the same value: measured ones in their canonical unit with the
// cut-off tolerance (70 kg = 154.32 lb, 52 mm = 5.2 cm), the rest exactly.
struct SameFinding {
  bool operator()(double a, double b) const { return same_value(a, b); }
  bool operator()(const LabValue& a, const LabValue& b) const { return same_value(a.value, b.value); }
  template <typename T>
  bool operator()(const T& a, const T& b) const {
    return a == b;
  }
};

// One resource being read: views of its FhirResource (alive while read_fhir_resources runs), so
// that no location is copied per resource.
struct Entry {
  const std::string& ptr;  // "/entry/3/resource"
  std::string_view type;   // a view: compared with the types read, for every resource
  const std::string& full_url;
  object resource;
};

struct FhirReader {
  FhirReader(std::vector<Problem>& problems, std::map<std::string, int>& skip_counts)
      : w(problems), skipped(skip_counts), all_problems(problems) {}

  json::Walker w;
  std::map<std::string, int>& skipped;
  const std::vector<Problem>& all_problems;
  std::size_t problem_count() const { return all_problems.size(); }
  PatientRecord rec;

  // Whose record this is.
  bool have_patient = false;
  std::string patient_id;
  std::string patient_full_url;
  std::string patient_ptr;       // the Patient resource's location, for problems with its birthDate
  std::string anchor_reference;  // without a Patient resource: the first subject reference

  // Findings grouped by date before they become timeline entries.
  std::map<Date, ClinicalAssessment> clinical;
  std::map<Date, ImagingStudy> imaging;
  std::map<Date, std::map<std::string, double>> targets;  // date → lesion id → viable diameter cm
  std::map<Date, std::set<std::string>> modalities;
  std::map<Date, int> imaging_study_resources;
  std::map<Date, Varices> endoscopy;
  std::map<Date, TaceSession> tace;
  std::map<Date, bool> curative;
  std::map<std::string, std::string> first_ptr;  // "what@date" → pointer of the value kept
  // The dates read from the resources that fall after the date of death, with their locations
  // (check_deceased reports them). The Patient is read before every other resource, so that the
  // date of death is known when they are read: only the dates after it are kept, and no location
  // is spelled out for the others.
  std::vector<std::pair<Date, std::string>> entry_dates;
  bool after_death(Date d) const { return rec.deceased_date && !deceased_ptr.empty() && *rec.deceased_date < d; }
  std::string deceased_ptr;  // where the date of death was read
  // Labs, therapies and conditions with their locations, until finish() merges equal repeats and
  // refuses different ones.
  struct LocatedLab {
    Quantity q;
    LabValue v;
    std::string ptr;
  };
  std::vector<LocatedLab> lab_entries;
  std::vector<std::pair<SystemicTherapy, std::string>> systemic_entries;
  std::vector<std::pair<Condition, std::string>> condition_entries;
  // Medication resources of the bundle by "Medication/<id>" and by fullUrl, for medicationReference.
  std::map<std::string, std::pair<object, std::string>> medications;
  // Medications outside the resources (a Bulk export's Medication.ndjson), or null.
  const MedicationLookup* external_medications = nullptr;
  // Agents coded by RxNorm or ATC (and regimens given as MedicationAdministration), until
  // finish_components() assembles them into regimens.
  struct Component {
    std::string ingredient;  // an agent, or a regimen id (a MedicationAdministration of a project code)
    std::string type;        // the resource type
    std::string code_key;    // "http://www.nlm.nih.gov/research/umls/rxnorm|1792776"
    SystemicTherapy s;       // dates and stop reason; s.regimen is the ingredient
    std::string ptr;
    bool administration = false;
  };
  std::vector<Component> components;

  // "Observation http://loinc.org|1975-2 (Bilirubin…)": the words of each code of the table, spelled
  // once for the whole run (observation() names every Observation it reads with them).
  static const std::string& observation_words(const fhir::ObservationCode& m) {
    static const std::vector<std::string> words = [] {
      std::vector<std::string> out;
      for (const auto& c : fhir::observation_codes())
        out.push_back(std::string("Observation ")
                          .append(c.system)
                          .append("|")
                          .append(c.code)
                          .append(" (")
                          .append(c.display)
                          .append(")"));
      return out;
    }();
    return words[static_cast<std::size_t>(&m - fhir::observation_codes().data())];
  }

  // What was sent but not read, structured (ReadResult::not_read; readers/not_read.h).
  NotReadCounter not_read;

  // Skipped-count keys of resources that were read after all: a repeat read once or merged into
  // the first, a dose read as its course, the HCC diagnosis, a Medication (read through the
  // resources that refer to it). Counted in `skipped` only.
  static bool read_after_all(std::string_view key) {
    return key.starts_with("used:") || key.ends_with("read once)") || key.ends_with("merged)") ||
           key.ends_with("read as that course)") || key == "Medication (read only through a medicationReference)";
  }
  // The structured entry of a key that says no more than its words: "<Type> <system>|<code>
  // (<reason>)", "<Type> (<reason>)", "<Type> <words> (<reason>)".
  static NotRead not_read_of_key(std::string_view key) {
    NotRead e;
    const auto sp = key.find(' ');
    e.resource = std::string(key.substr(0, sp));
    if (sp == std::string_view::npos) {
      e.reason = "resource type not read";
      return e;
    }
    std::string_view rest = key.substr(sp + 1);
    const auto next = rest.find(' ');
    const std::string_view token = rest.substr(0, next);
    if (const auto bar = token.find('|'); bar != std::string_view::npos && !token.starts_with("(")) {
      e.system = std::string(token.substr(0, bar));
      e.code = std::string(token.substr(bar + 1));
      rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
    }
    if (rest.starts_with("(") && rest.ends_with(")")) rest = rest.substr(1, rest.size() - 2);
    e.reason = std::string(rest);
    return e;
  }
  void skip(std::string what, int n = 1) {
    if (!read_after_all(what)) {
      NotRead e = not_read_of_key(what);
      e.key = what;
      not_read.add(std::move(e), n);
    }
    skipped[std::move(what)] += n;
  }
  void skip(std::string what, NotRead e) {
    e.key = what;
    not_read.add(std::move(e));
    ++skipped[std::move(what)];
  }
  // "SNOMED CT 389026000 Ascites": a coding as a clinician reads it.
  static std::string coding_words(std::string_view system, std::string_view code, std::string_view display) {
    std::string out = std::string(system_short_name(system)) + " " + std::string(code);
    if (const std::string d = clip_display(display); !d.empty()) out += " " + d;
    return out;
  }
  static std::string display_of(const std::vector<Coding>& cods, std::string_view system, std::string_view code) {
    for (const auto& c : cods)
      if (c.system == system && c.code == code) return clip_display(c.display);
    return "";
  }
  // The date of a resource that is not read, for naming it: its first full date, quietly (a
  // skipped resource's dates are not checked, nor reported).
  static std::optional<Date> quiet_date(object res) {
    for (const char* key : {"effectiveDateTime", "effectiveInstant", "onsetDateTime", "performedDateTime", "authoredOn",
                            "recordedDate", "issued"}) {
      std::string_view v;
      if (res[key].get(v) == simdjson::SUCCESS) return parse_fhir_datetime(v).date;
    }
    for (const char* period : {"effectivePeriod", "performedPeriod", "onsetPeriod"})
      for (const char* end : {"start", "end"}) {
        std::string_view v;
        if (res[period][end].get(v) == simdjson::SUCCESS) return parse_fhir_datetime(v).date;
      }
    return std::nullopt;
  }
  // A resource of a known code that is not read (a void status, no value, a code of the not-read
  // tables): counted under `key`, and — when the code says which fact it concerns — kept in the
  // record's unread entries, so that the obtain line of that fact names it.
  void skip_known(const Entry& e, std::string key, const std::vector<Coding>& cods, std::string_view system,
                  std::string_view code, std::string reason, std::optional<FactKind> fact) {
    const std::string display = display_of(cods, system, code);
    if (fact) rec.unread.push_back({*fact, quiet_date(e.resource), coding_words(system, code, display), reason});
    skip(std::move(key),
         NotRead{std::string(e.type), std::string(system), std::string(code), display, std::move(reason)});
  }
  // "no value: dataAbsentReason asked-unknown"
  static std::string absent_reason(object res) {
    std::string_view code;
    if (res["dataAbsentReason"]["coding"].at(0)["code"].get(code) == simdjson::SUCCESS && !code.empty())
      return "no value: dataAbsentReason " + std::string(code);
    return "no value: dataAbsentReason";
  }
  // A fact a resource read for something else leaves missing (an ungraded ascites, a Karnofsky
  // score where ECOG is asked): named beside that fact, never counted as not read.
  void note_unread(FactKind fact, Date d, std::string what, std::string reason) {
    rec.unread.push_back({fact, d, std::move(what), std::move(reason)});
  }

  // ---- small readers ---------------------------------------------------------------------

  // o[key] as w.string reads it when that reports nothing: false when it would report a problem
  // (present, not null, not a string), and then `out` is not set.
  static bool plain_string(object o, std::string_view key, std::optional<std::string>& out) {
    element e;
    if (o.at_key(key).get(e) != simdjson::SUCCESS || e.is_null()) {
      out.reset();
      return true;
    }
    std::string_view v;
    if (e.get(v) != simdjson::SUCCESS) return false;
    out.emplace(v);
    return true;
  }

  // The same as a view of the resource: "" when absent, null or not a string.
  static bool plain_string_view(object o, std::string_view key, std::string_view& out) {
    out = {};
    element e;
    if (o.at_key(key).get(e) != simdjson::SUCCESS || e.is_null()) return true;
    if (e.get(out) == simdjson::SUCCESS) return true;
    out = {};
    return false;
  }

  std::vector<Coding> codings_of(object cc, const std::string& cptr) { return codings_at(cc, cptr, nullptr); }

  // The codings of the CodeableConcept `cc` at `base` (+ `*key` when given: the pointer is spelled
  // out only when a problem is reported).
  std::vector<Coding> codings_at(object cc, const std::string& base, const std::string_view* key) {
    std::string own;
    auto cptr = [&]() -> const std::string& {
      if (key == nullptr) return base;
      if (own.empty()) own = child(base, *key);
      return own;
    };
    std::vector<Coding> out;
    element arr_el;
    array arr;
    if (cc.at_key("coding").get(arr_el) != simdjson::SUCCESS || arr_el.is_null()) return out;
    if (arr_el.get(arr) != simdjson::SUCCESS) {
      w.array(cc, cptr(), "coding", false);  // reports the coding that is not an array
      return out;
    }
    out.reserve(arr.size());
    std::size_t i = 0;
    for (auto el : arr) {
      const std::size_t index = i++;
      object c;
      if (el.get(c) != simdjson::SUCCESS) {
        w.problem(child(child(cptr(), "coding"), index),
                  fmt::format("each coding must be an object {{system, code, display}}, found {} {}",
                              json::type_name(el.type()), json::render(el)));
        continue;
      }
      // The usual coding (system and code strings, or absent) has nothing to report: its pointer
      // is spelled out only for one that has.
      std::string_view sys, code;
      const CodingMembers cm = coding_members(c);
      const bool sys_plain = member_view(cm.has_system, cm.system, sys);
      if (const bool code_plain = member_view(cm.has_code, cm.code, code); !sys_plain || !code_plain) {
        const std::string p = child(child(cptr(), "coding"), index);
        w.string(c, p, "system", false);  // reports what is not a string
        w.string(c, p, "code", false);
      }
      if (!code.empty()) {
        std::string_view display;
        if (!cm.has_display || cm.display.get(display) != simdjson::SUCCESS) display = {};
        out.push_back({sys, code, display});
      }
    }
    std::string_view text;
    if (cc["text"].get(text) == simdjson::SUCCESS && !text.empty())
      for (auto& c : out)
        if (c.display.empty()) c.display = text;
    return out;
  }

  // The codings of the CodeableConcept o[key].
  std::vector<Coding> codings(object o, const std::string& ptr, std::string_view key, bool required) {
    auto cc = w.object(o, ptr, key, required);
    if (!cc) return {};
    return codings_at(*cc, ptr, &key);
  }

  // "Observation http://loinc.org|8867-4", the key of a skipped resource.
  template <typename C>
  static std::string skip_key(std::string_view type, const std::vector<C>& cods) {
    if (cods.empty()) return fmt::format("{} (no code)", type);
    const auto& c = cods.front();
    std::string out;
    out.reserve(type.size() + 2 + c.system.size() + c.code.size());
    out.append(type).append(1, ' ').append(c.system).append(1, '|').append(c.code);
    return out;
  }

  // The key of a resource whose code is not read, with the reason when the code is a known one.
  template <typename C>
  static std::string skip_code_key(std::string_view type, const std::vector<C>& cods) {
    for (const auto& c : cods)
      if (const auto* nr = fhir::find_not_read(type, c.system, c.code))
        return fmt::format("{} {} ({})", type, key_of(c), nr->reason);
    return skip_key(type, cods);
  }
  // A resource skipped on its code: with the display it sent, the reason of the not-read table when
  // the code is in it, and (`e` given) the fact the table says it concerns.
  void skip_code(std::string_view type, const std::vector<Coding>& cods, const Entry* e = nullptr) {
    std::string key = skip_code_key(type, cods);
    if (cods.empty()) {
      std::string text;
      if (e) {
        std::string_view t;
        if (e->resource["code"]["text"].get(t) == simdjson::SUCCESS) text = clip_display(t);
      }
      skip(std::move(key), NotRead{std::string(type), "", "", text, "no code, text only"});
      return;
    }
    for (const auto& c : cods)
      if (const auto* nr = fhir::find_not_read(type, c.system, c.code)) {
        NotRead entry{std::string(type), std::string(c.system), std::string(c.code), clip_display(c.display),
                      std::string(nr->reason)};
        if (e && nr->fact)
          rec.unread.push_back(
              {*nr->fact, quiet_date(e->resource), coding_words(c.system, c.code, c.display), std::string(nr->reason)});
        skip(std::move(key), std::move(entry));
        return;
      }
    const Coding& c = cods.front();
    skip(std::move(key), NotRead{std::string(type), std::string(c.system), std::string(c.code), clip_display(c.display),
                                 "code not read"});
  }

  // A FHIR date or dateTime at o[key]; partial or invalid dates are problems. The dates read are
  // remembered with their locations, for the check against the date of death.
  std::optional<Date> date_at(object o, const std::string& ptr, std::string_view key) {
    DateTime dt;
    return date_at(o, ptr, key, dt);
  }
  std::optional<Date> date_at(object o, const std::string& ptr, std::string_view key, DateTime& dt) {
    element e;
    if (o.at_key(key).get(e) != simdjson::SUCCESS) return date_of(std::nullopt, ptr, key, dt);
    return date_of(e, ptr, key, dt);
  }
  // The same with the member o[key] already found (nullopt: absent).
  std::optional<Date> date_of(std::optional<element> found, const std::string& ptr, std::string_view key,
                              DateTime& dt) {
    auto s = w.view_of(w.present(found ? &*found : nullptr, ptr, key, false), ptr, key);
    if (!s) return std::nullopt;
    dt = parse_fhir_datetime(*s);
    switch (dt.form) {
      case DateForm::Full:
        if (after_death(*dt.date)) entry_dates.emplace_back(*dt.date, child(ptr, key));
        return dt.date;
      case DateForm::Partial:
        w.problem(child(ptr, key), fmt::format("'{}' is '{}': the day is missing; the engine needs a full "
                                               "date YYYY-MM-DD",
                                               key, *s));
        return std::nullopt;
      case DateForm::Invalid:
        break;
    }
    w.problem(child(ptr, key), fmt::format("'{}' is '{}'; expected a FHIR date or dateTime (YYYY-MM-DD or "
                                           "YYYY-MM-DDThh:mm:ss+zz:zz) with a real calendar date between "
                                           "1900 and 2200: {}",
                                           key, *s, dt.why));
    return std::nullopt;
  }

  // A Period's end must not come before its start (both as FHIR dateTimes).
  void check_period(object period, const std::string& pp, const DateTime& start) {
    auto e = w.string(period, pp, "end", false);
    if (!e) return;
    const DateTime end = parse_fhir_datetime(*e);
    if (end.form == DateForm::Invalid) {
      w.problem(child(pp, "end"), fmt::format("'end' is '{}'; expected a FHIR dateTime (YYYY-MM-DD or "
                                              "YYYY-MM-DDThh:mm:ss+zz:zz): {}",
                                              *e, end.why));
      return;
    }
    if (end.date && after_death(*end.date)) entry_dates.emplace_back(*end.date, child(pp, "end"));
    if (start.form != DateForm::Invalid && ends_before_start(start, end)) {
      std::string_view st;
      if (period["start"].get(st) != simdjson::SUCCESS) st = "";
      w.problem(child(pp, "end"),
                fmt::format("the period ends ({}) before it starts ({}): contradictory dates", *e, st));
    }
  }

  // The date of a resource: the first of `datetime_keys` present, else `period_key`.start
  // (no period when empty). Absent and required: a problem naming what is expected.
  std::optional<Date> dated(object o, const std::string& ptr, std::initializer_list<std::string_view> datetime_keys,
                            std::string_view period_key, std::string_view what, bool required = true,
                            bool check_end = true) {
    for (auto key : datetime_keys) {
      simdjson::dom::element e;
      if (o.at_key(key).get(e) != simdjson::SUCCESS) continue;
      DateTime dt;
      auto d = date_of(e, ptr, key, dt);
      // An instant is a moment: FHIR requires its time and time zone.
      if (d && key.ends_with("Instant") && !dt.utc_nanos) {
        w.problem(child(ptr, key), fmt::format("'{}' is '{}'; a FHIR instant needs a time and a time zone "
                                               "(YYYY-MM-DDThh:mm:ss+zz:zz)",
                                               key, e.get_string().value_unsafe()));
        return std::nullopt;
      }
      return d;
    }
    if (!period_key.empty())
      if (auto period = w.object(o, ptr, period_key, false)) {
        const std::string pp = child(ptr, period_key);
        simdjson::dom::element e;
        if (period->at_key("start").get(e) == simdjson::SUCCESS) {
          DateTime start;
          auto d = date_at(*period, pp, "start", start);
          if (check_end) check_period(*period, pp, start);
          return d;
        }
      }
    if (required)
      w.problem(ptr, period_key.empty() ? fmt::format("{} has no date: {} is required", what, *datetime_keys.begin())
                                        : fmt::format("{} has no date: {} (or {}.start) is required", what,
                                                      *datetime_keys.begin(), period_key));
    return std::nullopt;
  }

  // The value[x] element present on an Observation ("valueQuantity"), or "".
  static std::string value_key(object o) {
    for (auto [k, v] : o)
      if (k.starts_with("value")) return std::string(k);
    return "";
  }
  // The same, and whether a dataAbsentReason is present, in one pass over the members.
  static std::string value_key(object o, bool& absent_reason_given) {
    std::string_view found;
    bool have_value = false;
    absent_reason_given = false;
    for (auto [k, v] : o) {
      if (!have_value && k.starts_with("value")) {
        found = k;
        have_value = true;
      } else if (k == "dataAbsentReason") {
        absent_reason_given = true;
      }
    }
    return std::string(found);
  }

  bool has(object o, std::string_view key) {
    simdjson::dom::element e;
    return o.at_key(key).get(e) == simdjson::SUCCESS;
  }

  // valueQuantity (or another Quantity at `key`) converted to the canonical unit of q by
  // to_canonical. The UCUM `code` is read when its system is UCUM or absent, else the `unit`;
  // the entered unit kept for display is the human-readable `unit` when given.
  std::optional<LabValue> quantity(object o, const std::string& ptr, std::string_view key, Quantity q, Date d) {
    return quantity(o, ptr, key, q, d, child(ptr, key));
  }
  // The same, with the Quantity's pointer `vp` (ptr + key) already spelled out by the caller.
  std::optional<LabValue> quantity(object o, const std::string& ptr, std::string_view key, Quantity q, Date d,
                                   const std::string& vp) {
    auto vq = w.object(o, ptr, key, true);
    if (!vq) return std::nullopt;
    // The Quantity's members in one pass (each the first of its name, as at_key finds it), then
    // checked in the order the problems are reported.
    enum Member : std::uint8_t { Value, Comparator, Unit, System, Code, Members };
    static constexpr std::string_view kNames[Members] = {"value", "comparator", "unit", "system", "code"};
    element found[Members];
    bool seen[Members] = {};
    for (auto [k, v] : *vq)
      for (std::uint8_t i = 0; i < Members; ++i)
        if (k == kNames[i]) {
          if (!std::exchange(seen[i], true)) found[i] = v;
          break;
        }
    auto member = [&](Member i) { return seen[i] ? &found[i] : nullptr; };
    auto value = w.number_of(w.present(member(Value), vp, "value", true), vp, "value");
    auto comparator = w.view_of(w.present(member(Comparator), vp, "comparator", false), vp, "comparator");
    auto unit = w.view_of(w.present(member(Unit), vp, "unit", false), vp, "unit");
    auto system = w.view_of(w.present(member(System), vp, "system", false), vp, "system");
    auto code = w.view_of(w.present(member(Code), vp, "code", false), vp, "code");
    if (!value) return std::nullopt;
    const auto& spec = spec_of(q);
    if (comparator) {
      w.problem(child(vp, "comparator"),
                fmt::format("{} {}{} {}: a value with comparator '{}' is outside the assay's range and is not "
                            "read as a number; give the measured value or leave the observation out",
                            spec.label, *comparator, *value, unit.value_or(code.value_or("")), *comparator));
      return std::nullopt;
    }
    std::optional<std::string_view> ucum;
    if (code && !code->empty() && (!system || *system == fhir::kUcum)) ucum = code;
    if (code && !code->empty() && system && *system != fhir::kUcum && (!unit || unit->empty())) {
      w.problem(vp, fmt::format("{} {}: the unit code '{}' is of system '{}', not UCUM ({}); accepted: UCUM "
                                "codes of {}",
                                spec.label, *value, *code, *system, fhir::kUcum, spec.canonical_unit));
      return std::nullopt;
    }
    const std::string_view conv = ucum ? *ucum : unit.value_or("");
    // A unit spelled exactly as its UCUM code (the usual Quantity) cannot disagree with it.
    if (ucum && unit && !unit->empty() && *unit != *ucum) {
      const auto fu = unit_factor(q, *unit);
      const auto fc = unit_factor(q, *ucum);
      if (fu && fc && *fu != *fc) {
        w.problem(vp, fmt::format("{} {}: unit '{}' and UCUM code '{}' disagree; which one is meant cannot "
                                  "be told",
                                  spec.label, *value, *unit, *ucum));
        return std::nullopt;
      }
    }
    Converted c = to_canonical(q, *value, conv);
    if (!c.canonical) {
      w.problem(vp, c.problem);
      return std::nullopt;
    }
    const std::string_view entered = (unit && !unit->empty()) ? *unit : conv;
    return LabValue{d, *c.canonical, *value, std::string(entered)};
  }

  // valueCodeableConcept with a coding of urn:switchpoint:hcc parsed by `parse`.
  template <typename E, typename Parse>
  std::optional<E> code_value(object o, const std::string& ptr, std::string_view key, Parse parse,
                              std::string_view what, std::string_view allowed) {
    auto cods = codings(o, ptr, key, true);
    for (const auto& c : cods)
      if (c.system == fhir::kHcc) {
        if (auto e = parse(c.code)) return e;
        w.problem(child(ptr, key), fmt::format("{}: '{}' is not a known code; expected one of ({}): {}", what, c.code,
                                               fhir::kHcc, allowed));
        return std::nullopt;
      }
    std::string found;
    for (const auto& c : cods) found += (found.empty() ? "" : ", ") + key_of(c);
    w.problem(child(ptr, key), fmt::format("{}: no coding of {} ({}); expected one of: {}", what, fhir::kHcc,
                                           found.empty() ? "no coding at all" : "found " + found, allowed));
    return std::nullopt;
  }

  // The first extension of `o` with `url`; its value is read by the caller.
  std::optional<std::pair<object, std::string>> extension(object o, const std::string& ptr, std::string_view url) {
    auto arr = w.array(o, ptr, "extension", false);
    if (!arr) return std::nullopt;
    std::size_t i = 0;
    for (auto el : *arr) {
      const std::string p = child(child(ptr, "extension"), i++);
      object ext;
      if (el.get(ext) != simdjson::SUCCESS) continue;
      std::string_view u;
      if (ext["url"].get(u) == simdjson::SUCCESS && u == url) return std::make_pair(ext, p);
    }
    return std::nullopt;
  }

  // Keeps one value per (what, date); a different second value is a problem, an equal one is merged.
  template <typename T, typename Eq = SameFinding>
  void set_once(std::optional<T>& slot, T value, Date d, std::string_view what, const std::string& ptr, Eq eq = {}) {
    // "what@YYYY-MM-DD", built once into its room, and only when it is filed or looked up.
    auto key = [&] {
      std::string k;
      k.reserve(what.size() + 11);
      k.append(what).append(1, '@').append(d.iso());
      return k;
    };
    if (slot) {
      if (!eq(*slot, value))
        w.problem(ptr, fmt::format("{} on {} is given twice with different values (the other at {}); one date "
                                   "holds one value",
                                   what, d.iso(), first_ptr[key()]));
      return;
    }
    slot = std::move(value);
    first_ptr.insert_or_assign(key(), ptr);
  }

  // The status of a resource, checked against its FHIR value set: codes are case-sensitive, and
  // "Entered-In-Error" or "COMPLETED" is not a status (it would otherwise be read as valid data).
  // `bad` is set when the status is present but not a valid code (the problem is reported).
  // A view of the resource: nothing is copied for the usual status.
  std::optional<std::string_view> status_of(object res, const std::string& ptr, std::string_view type,
                                            std::initializer_list<std::string_view> allowed, bool& bad) {
    const std::size_t before = problem_count();
    auto status = w.view(res, ptr, "status", false);
    bad = problem_count() != before;
    if (!status) return status;
    if (std::find(allowed.begin(), allowed.end(), *status) != allowed.end()) return status;
    std::string list;
    for (auto a : allowed) list.append(list.empty() ? "" : ", ").append(a);
    w.problem(child(ptr, "status"), fmt::format("status '{}' is not a FHIR R4 {} status; expected one of (lower "
                                                "case, as written): {}",
                                                *status, type, list));
    bad = true;
    return std::nullopt;
  }

  // The codes of a Condition's clinicalStatus or verificationStatus must be of the HL7 value set
  // (case-sensitive); false, with a problem, when one is not.
  bool condition_status_ok(const std::vector<Coding>& cods, const std::string& ptr, std::string_view key,
                           std::initializer_list<std::string_view> allowed) {
    for (const auto& c : cods) {
      if (!c.system.empty() && !c.system.starts_with("http://terminology.hl7.org/CodeSystem/condition-")) continue;
      if (std::find(allowed.begin(), allowed.end(), c.code) != allowed.end()) continue;
      std::string list;
      for (auto a : allowed) list.append(list.empty() ? "" : ", ").append(a);
      w.problem(child(ptr, key), fmt::format("{} '{}' is not a FHIR R4 Condition {}; expected one of (lower case, as "
                                             "written): {}",
                                             key, c.code, key, list));
      return false;
    }
    return true;
  }

  // ---- the patient -----------------------------------------------------------------------

  void patient(const Entry& e) {
    auto id = w.string(e.resource, e.ptr, "id", false);
    std::string this_id = id && !id->empty() ? *id : (e.full_url.empty() ? "" : id_from_reference(e.full_url));
    if (have_patient) {
      if (this_id != patient_id)
        w.problem(e.ptr, fmt::format("a second patient '{}' in a bundle for patient '{}'; one bundle holds one "
                                     "patient's record",
                                     this_id, patient_id));
      return;
    }
    have_patient = true;
    patient_id = this_id;
    patient_ptr = e.ptr;
    patient_full_url = e.full_url;
    if (auto s = w.string(e.resource, e.ptr, "birthDate", false)) {
      std::optional<Date> d;
      switch (fhir_date(*s, d)) {
        case DateForm::Full:
          if (s->size() == 10) rec.birth_date = d;
          else w.problem(child(e.ptr, "birthDate"), fmt::format("'birthDate' is '{}'; expected a date YYYY-MM-DD", *s));
          break;
        case DateForm::Partial:
          skip("Patient birthDate (partial date, not read)");
          break;
        case DateForm::Invalid:
          w.problem(child(e.ptr, "birthDate"),
                    fmt::format("'birthDate' is '{}'; expected a real calendar date YYYY-MM-DD between 1900 and "
                                "2200",
                                *s));
          break;
      }
    }
    // Patient.deceased[x]: a date (partial: its last possible day) is checked against every entry
    // in finish(); deceasedBoolean true says the patient died but gives nothing to check against.
    if (has(e.resource, "deceasedDateTime")) {
      deceased_ptr = child(e.ptr, "deceasedDateTime");
      if (auto s = w.string(e.resource, e.ptr, "deceasedDateTime", false)) {
        const DateTime dt = parse_fhir_datetime(*s);
        if (dt.form == DateForm::Invalid)
          w.problem(deceased_ptr, fmt::format("'deceasedDateTime' is '{}'; expected a FHIR dateTime (YYYY-MM-DD or "
                                              "YYYY-MM-DDThh:mm:ss+zz:zz): {}",
                                              *s, dt.why));
        rec.deceased_date = dt.date ? dt.date : dt.last_day;
        rec.deceased = rec.deceased_date.has_value();
      }
    } else if (auto dead = w.boolean(e.resource, e.ptr, "deceasedBoolean", false)) {
      rec.deceased = *dead;
    }
  }

  // Compared as views: nothing is copied per resource.
  bool refers_to_patient(std::string_view ref) const {
    if (have_patient) {
      if (!patient_full_url.empty() && ref == patient_full_url) return true;
      // The usual reference, "Patient/<id>" exactly, read as the general way below reads it (an id
      // with a '/' takes that way: the reference's id would end at its slash).
      if (ref.size() == 8 + patient_id.size() && ref.starts_with("Patient/") && ref.ends_with(patient_id) &&
          patient_id.find('/') == std::string::npos)
        return true;
      return ref.find("Patient/") != std::string_view::npos && id_view_from_reference(ref) == patient_id;
    }
    if (ref == anchor_reference) return true;
    return ref.find("Patient/") != std::string_view::npos && anchor_reference.find("Patient/") != std::string::npos &&
           id_view_from_reference(ref) == id_view_from_reference(anchor_reference);
  }

  // subject.reference as a view of the resource.
  std::optional<std::string_view> subject_reference(object res, const std::string& ptr) {
    auto subj = w.object(res, ptr, "subject", false);
    if (!subj) return std::nullopt;
    // The usual reference (a string, or none) has nothing to report: the pointer is spelled out
    // only for one that has.
    element e;
    if (subj->at_key("reference").get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
    if (std::string_view v; e.get(v) == simdjson::SUCCESS) return v;
    return w.view(*subj, child(ptr, "subject"), "reference", false);
  }

  // A resource of another patient is a problem: one bundle is one patient's record. Resources
  // the reader does not use are checked only when their subject is a Patient.
  void check_subject(const Entry& e, bool read_type) {
    auto ref = subject_reference(e.resource, e.ptr);
    if (read_type && (!ref || ref->empty()) && has(e.resource, "subject")) {
      // subject.identifier or a display alone names a patient by another system's key or a name:
      // never assumed to be this patient.
      element subj;
      if (e.resource.at_key("subject").get(subj) == simdjson::SUCCESS && subj.is_object())
        w.problem(child(e.ptr, "subject"),
                  fmt::format("the subject {} has no reference to this bundle's patient '{}'; a subject given only "
                              "by identifier or display may be another patient: refer to the Patient "
                              "(\"reference\": \"Patient/{}\")",
                              json::render(subj), patient_id, patient_id));
      return;
    }
    if (!ref || ref->empty()) return;
    if (!read_type && ref->find("Patient/") == std::string_view::npos) return;
    if (!refers_to_patient(*ref))
      w.problem(child(child(e.ptr, "subject"), "reference"),
                fmt::format("subject '{}' is not this bundle's patient '{}'; one bundle holds one patient's record",
                            *ref, patient_id));
  }

  // ---- Observation -----------------------------------------------------------------------

  // An Observation: its code (observation_code), then the status, date and value checked
  // (observation_value_key), then the value read into the finding (observation_value).
  void observation(const Entry& e) {
    const auto cods = codings(e.resource, e.ptr, "code", true);
    bool ambiguous = false;
    const fhir::ObservationCode* m = observation_code(e.ptr, cods, ambiguous);
    if (ambiguous) return;
    if (!m) {
      if (observation_term(e, cods)) return;
      if (observation_imaging_term(e, cods)) return;
      if (observation_no_varices(e, cods)) return;
      skip_code("Observation", cods, &e);
      return;
    }
    const std::string& what = observation_words(*m);
    std::optional<Date> date;
    std::string vk;
    if (!observation_value_key(e, *m, cods, what, date, vk)) return;
    observation_value(e, *m, what, date, vk);
  }

  // The project's code among the codings (nullptr: none); `ambiguous` (a problem) when two
  // codings name different findings.
  const fhir::ObservationCode* observation_code(const std::string& ptr, const std::vector<Coding>& cods,
                                                bool& ambiguous) {
    const fhir::ObservationCode* m = nullptr;
    for (const auto& c : cods) {
      const auto* found = fhir::find_observation_code(c.system, c.code);
      if (!found) continue;
      if (m && (m->finding != found->finding || m->quantity != found->quantity)) {
        w.problem(child(ptr, "code"), fmt::format("the codings name two different findings, {}|{} and {}|{}; "
                                                  "which one is meant cannot be told",
                                                  m->system, m->code, found->system, found->code));
        ambiguous = true;
        return nullptr;
      }
      if (!m) m = found;
    }
    return m;
  }

  // The status, the date and the value's key of an Observation of code `m`: false when the
  // Observation is not read (skipped, or a problem reported), else `date` and `vk` (the value[x]
  // key, of the type expected, or an ECOG answer code) are set.
  bool observation_value_key(const Entry& e, const fhir::ObservationCode& code, const std::vector<Coding>& cods,
                             const std::string& what, std::optional<Date>& date, std::string& vk) {
    const object res = e.resource;
    const std::string& ptr = e.ptr;
    const fhir::ObservationCode* m = &code;
    bool bad_status = false;
    const auto status = status_of(
        res, ptr, "Observation",
        {"registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error", "unknown"},
        bad_status);
    if (bad_status) return false;
    if (status && (*status == "entered-in-error" || *status == "cancelled")) {
      skip_known(e, fmt::format("Observation {}|{} (status {})", m->system, m->code, *status), cods, m->system, m->code,
                 std::string("status ").append(*status), fact_of(*m));
      return false;
    }
    date = dated(res, ptr, {"effectiveDateTime", "effectiveInstant"}, "effectivePeriod", what);

    // The value: present, of the expected type.
    std::string_view expected;
    switch (m->value_type) {
      case fhir::ValueType::Quantity:
        expected = "valueQuantity";
        break;
      case fhir::ValueType::Integer:
        expected = "valueInteger";
        break;
      case fhir::ValueType::Boolean:
        expected = "valueBoolean";
        break;
      case fhir::ValueType::Code:
        expected = "valueCodeableConcept";
        break;
    }
    bool absent_reason_given = false;
    vk = value_key(res, absent_reason_given);
    if (vk.empty()) {
      if (absent_reason_given) {
        skip_known(e, fmt::format("Observation {}|{} (no value: dataAbsentReason)", m->system, m->code), cods,
                   m->system, m->code, absent_reason(res), fact_of(*m));
        return false;
      }
      w.problem(ptr, fmt::format("{} has no value; expected {}", what, expected));
      return false;
    }
    if (absent_reason_given) {
      w.problem(child(ptr, "dataAbsentReason"),
                fmt::format("{} has both a value ({}) and a dataAbsentReason; FHIR allows a reason for a missing "
                            "value only when there is no value (obs-6): whether the value holds cannot be told",
                            what, vk));
      return false;
    }
    if (m->finding == fhir::Finding::Ecog && vk == "valueCodeableConcept") return true;  // an ECOG answer code
    if (vk != expected) {
      w.problem(child(ptr, vk), fmt::format("{}: expected {}, found {}", what, expected, vk));
      return false;
    }
    return true;
  }

  // The value `vk` of an Observation of code `m`, checked by observation_value_key, read into its
  // finding on its date (a value without a usable date is checked, not kept).
  void observation_value(const Entry& e, const fhir::ObservationCode& code, const std::string& what,
                         const std::optional<Date>& date, const std::string& vk) {
    const object res = e.resource;
    const std::string& ptr = e.ptr;
    const fhir::ObservationCode* m = &code;
    if (m->finding == fhir::Finding::Ecog && vk == "valueCodeableConcept") {
      // ECOG as a LOINC answer code (LL529-9), as mCODE sends it.
      if (auto v = ecog_answer(res, ptr, vk, what); v && date)
        set_once(at_clinical(*date).ecog, *v, *date, "ECOG", child(ptr, vk));
      return;
    }
    const Date d = date.value_or(Date{});
    std::string vp = child(ptr, vk);
    using F = fhir::Finding;
    switch (m->finding) {
      case F::Lab:
        if (auto v = quantity(res, ptr, vk, m->quantity, d, vp); v && date)
          lab_entries.push_back({m->quantity, *v, std::move(vp)});
        return;
      case F::Weight:
        if (auto v = quantity(res, ptr, vk, Quantity::Weight, d, vp); v && date)
          set_once(at_clinical(d).weight_kg, *v, d, "body weight", vp);
        return;
      case F::Ecog:
        if (auto v = w.integer(res, ptr, vk, true, 0, 5); v && ecog_interpretation_agrees(res, ptr, *v, what) && date)
          set_once(at_clinical(d).ecog, *v, d, "ECOG", vp);
        return;
      case F::Ascites:
        if (auto v = code_value<Ascites>(res, ptr, vk, parse_ascites, what, m->allowed); v && date)
          set_once(at_clinical(d).ascites, *v, d, "ascites", vp);
        return;
      case F::Encephalopathy:
        if (auto v = code_value<Encephalopathy>(res, ptr, vk, parse_encephalopathy, what, m->allowed); v && date)
          set_once(at_clinical(d).encephalopathy, *v, d, "encephalopathy", vp);
        return;
      case F::TumorCount:
        if (auto v = w.integer(res, ptr, vk, true, 0, 1000); v && date)
          set_once(at_imaging(d).intrahepatic_tumor_count, *v, d, "intrahepatic tumour count", vp);
        return;
      case F::NewLesions:
        if (auto v = w.integer(res, ptr, vk, true, 0, 1000); v && date)
          set_once(at_imaging(d).new_lesions, *v, d, "new intrahepatic lesions", vp);
        return;
      case F::LargestDiameter:
        if (auto v = quantity(res, ptr, vk, Quantity::Diameter, d, vp); v && date)
          set_once(at_imaging(d).largest_diameter_cm, v->value, d, "largest tumour diameter", vp);
        return;
      case F::ViablePercent:
        if (auto v = quantity(res, ptr, vk, Quantity::Percent, d, vp); v && date)
          set_once(at_imaging(d).viable_tumor_percent, v->value, d, "viable tumour percent", vp);
        return;
      case F::LiverOccupation:
        if (auto v = quantity(res, ptr, vk, Quantity::Percent, d, vp); v && date)
          set_once(at_imaging(d).liver_occupation_percent, v->value, d, "liver occupation percent", vp);
        return;
      case F::TreatedSizeChange:
        if (auto v = percent_change(res, ptr, vk); v && date)
          set_once(at_imaging(d).treated_size_change_percent, *v, d, "treated size change percent", vp);
        return;
      case F::TargetLesion:
        target_lesion(res, ptr, vk, date);
        return;
      case F::NonTarget:
        if (auto v = code_value<NonTargetStatus>(res, ptr, vk, parse_nontarget, what, m->allowed); v && date)
          set_once(at_imaging(d).nontarget, *v, d, "mRECIST non-target status", vp);
        return;
      case F::Mrecist:
        if (auto v = mrecist_value(res, ptr, vk, what, m->allowed); v && date)
          set_once(at_imaging(d).mrecist_recorded, *v, d, "mRECIST response", vp);
        return;
      case F::VascularInvasion:
        if (auto v = code_value<VascularInvasion>(res, ptr, vk, parse_vascular_invasion, what, m->allowed); v && date)
          set_once(at_imaging(d).vascular_invasion, *v, d, "macrovascular invasion", vp);
        return;
      case F::Morphology:
        if (auto v = code_value<Morphology>(res, ptr, vk, parse_morphology, what, m->allowed); v && date)
          set_once(at_imaging(d).morphology, *v, d, "tumour morphology", vp);
        return;
      case F::ExtrahepaticSpread:
        if (auto v = w.boolean(res, ptr, vk, true); v && date)
          set_once(at_imaging(d).extrahepatic_spread, *v, d, "extrahepatic spread", vp);
        return;
      case F::Bilobar:
        if (auto v = w.boolean(res, ptr, vk, true); v && date)
          set_once(at_imaging(d).bilobar, *v, d, "bilobar disease", vp);
        return;
      case F::BileDuctInvasion:
        if (auto v = w.boolean(res, ptr, vk, true); v && date)
          set_once(at_imaging(d).bile_duct_invasion, *v, d, "bile duct invasion", vp);
        return;
      case F::Varices:
        if (auto v = code_value<Varices>(res, ptr, vk, parse_varices, what, m->allowed); v && date) {
          std::optional<Varices> slot;
          if (auto it = endoscopy.find(d); it != endoscopy.end()) slot = it->second;
          set_once(slot, *v, d, "varices", vp);
          endoscopy[d] = *slot;
        }
        return;
      case F::CurativeUnsuitable:
        if (auto v = w.boolean(res, ptr, vk, true); v && date) {
          std::optional<bool> slot;
          if (auto it = curative.find(d); it != curative.end()) slot = it->second;
          set_once(slot, *v, d, "curative treatment unsuitable", vp);
          curative[d] = *slot;
        }
        return;
    }
  }

  // ---- Observation: standard terminologies (terminology_obs.h, docs/terminology.md) ------

  // The ECOG grade of a valueCodeableConcept coded with a LOINC answer of LL529-9. A LOINC
  // code that is not an ECOG answer (another question's answer) is a problem; other systems'
  // codings beside it are not read.
  std::optional<int> ecog_answer(object res, const std::string& ptr, std::string_view key, std::string_view what) {
    const std::string vp = child(ptr, key);
    const auto cods = codings(res, ptr, key, true);
    std::optional<int> grade;
    for (const auto& c : cods) {
      if (c.system != fhir::kLoinc) continue;
      const auto g = fhir::terms::ecog_grade(c.system, c.code);
      if (!g) {
        w.problem(vp, fmt::format("{}: LOINC '{}' is not an answer of the ECOG scale (LOINC answer list LL529-9); "
                                  "expected one of: {}, or valueInteger 0..5",
                                  what, c.code, fhir::terms::ecog_answer_list()));
        return std::nullopt;
      }
      if (grade && *grade != *g) {
        w.problem(vp, fmt::format("{}: the codings give two different ECOG grades, {} and {}; which one is meant "
                                  "cannot be told",
                                  what, *grade, *g));
        return std::nullopt;
      }
      grade = g;
    }
    if (!grade) {
      std::string found;
      for (const auto& c : cods) found += (found.empty() ? "" : ", ") + key_of(c);
      w.problem(vp, fmt::format("{}: no LOINC ECOG answer ({}); expected one of ({}): {}, or valueInteger 0..5", what,
                                found.empty() ? "no coding at all" : "found " + found, fhir::kLoinc,
                                fhir::terms::ecog_answer_list()));
    }
    return grade;
  }

  // mCODE sends ECOG as valueInteger with the LOINC answer in `interpretation`: both must say
  // the same grade. False (with a problem) when they do not.
  bool ecog_interpretation_agrees(object res, const std::string& ptr, int value, std::string_view what) {
    auto arr = w.array(res, ptr, "interpretation", false);
    if (!arr) return true;
    std::size_t i = 0;
    for (auto el : *arr) {
      const std::string ip = child(child(ptr, "interpretation"), i++);
      object cc;
      if (el.get(cc) != simdjson::SUCCESS) continue;
      for (const auto& c : codings_of(cc, ip)) {
        if (c.system != fhir::kLoinc) continue;
        const auto g = fhir::terms::ecog_grade(c.system, c.code);
        if (!g) {
          w.problem(ip, fmt::format("{}: the interpretation LOINC '{}' is not an answer of the ECOG scale (LOINC "
                                    "answer list LL529-9); expected one of: {}",
                                    what, c.code, fhir::terms::ecog_answer_list()));
          return false;
        }
        if (*g != value) {
          w.problem(ip, fmt::format("{}: valueInteger {} and the interpretation LOINC {} (ECOG {}) disagree; which "
                                    "one is meant cannot be told",
                                    what, value, c.code, *g));
          return false;
        }
      }
    }
    return true;
  }

  // An Observation coded with a standard code of terminology_obs (Karnofsky; SNOMED CT
  // ascites or hepatic encephalopathy). False when no coding is one of them.
  // SNOMED CT 28670008 (oesophageal varices) valued *absent* (SNOMED CT 2667000, or valueBoolean
  // false) is documented absence: the record's varices `none` on that date, as the project's
  // `varices` = `none` (docs/terminology.md). Present, or any grade, is not read here: a risk grade
  // (low risk, high risk untreated, treated) has no standard code, so it falls through and is
  // skipped with the reason, and the therapy rules keep asking for the endoscopy's grade.
  bool observation_no_varices(const Entry& e, const std::vector<Coding>& cods) {
    const object res = e.resource;
    const std::string& ptr = e.ptr;
    const bool varices = std::any_of(cods.begin(), cods.end(), [](const Coding& c) {
      return c.system == fhir::kSnomed && c.code == fhir::kVaricesSnomed;
    });
    if (!varices) return false;
    const std::string vk = value_key(res);
    bool absent = false;
    if (vk == "valueBoolean") {
      bool b = true;
      absent = res.at_key("valueBoolean").get(b) == simdjson::SUCCESS && !b;
    } else if (vk == "valueCodeableConcept") {
      const auto values = codings(res, ptr, vk, false);
      absent = !values.empty() && std::all_of(values.begin(), values.end(), [](const Coding& c) {
        return c.system == fhir::kSnomed && c.code == fhir::kAbsentSnomed;
      });
    }
    if (!absent) return false;  // skipped with the not-read reason
    const std::string what = "Observation http://snomed.info/sct|28670008 (Oesophageal varices)";
    bool bad_status = false;
    const auto status = status_of(
        res, ptr, "Observation",
        {"registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error", "unknown"},
        bad_status);
    if (bad_status) return true;
    if (status && (*status == "entered-in-error" || *status == "cancelled")) {
      skip(fmt::format("Observation {}|{} (status {})", fhir::kSnomed, fhir::kVaricesSnomed, *status));
      return true;
    }
    auto date = dated(res, ptr, {"effectiveDateTime", "effectiveInstant"}, "effectivePeriod", what);
    if (!date) return true;
    std::optional<Varices> slot;
    if (auto it = endoscopy.find(*date); it != endoscopy.end()) slot = it->second;
    set_once(slot, Varices::None, *date, "varices", child(ptr, vk));
    endoscopy[*date] = *slot;
    return true;
  }

  bool observation_term(const Entry& e, const std::vector<Coding>& cods) {
    const object res = e.resource;
    const std::string& ptr = e.ptr;
    const fhir::terms::LiverFindingCode* lf = nullptr;
    const Coding* karnofsky = nullptr;
    for (const auto& c : cods) {
      if (const auto* f = fhir::terms::find_liver_finding(c.system, c.code, false)) {
        if (lf && lf->finding != f->finding) {
          w.problem(child(ptr, "code"), fmt::format("the codings name two different findings, {}|{} and {}|{}; "
                                                    "which one is meant cannot be told",
                                                    lf->system, lf->code, f->system, f->code));
          return true;
        }
        if (!lf) lf = f;
      } else if (fhir::terms::is_karnofsky(c.system, c.code) && !karnofsky) {
        karnofsky = &c;
      }
    }
    if (!lf && !karnofsky) return false;
    if (lf && karnofsky) {
      w.problem(child(ptr, "code"), fmt::format("the codings name two different findings, {}|{} and {}|{}; which one "
                                                "is meant cannot be told",
                                                lf->system, lf->code, karnofsky->system, karnofsky->code));
      return true;
    }
    const std::string system(lf ? lf->system : karnofsky->system);
    const std::string code(lf ? lf->code : karnofsky->code);
    const std::string what = fmt::format("Observation {}|{} ({})", system, code,
                                         lf ? lf->display : std::string_view("Karnofsky Performance Status score"));
    bool bad_status = false;
    const auto status = status_of(
        res, ptr, "Observation",
        {"registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error", "unknown"},
        bad_status);
    if (bad_status) return true;
    const std::optional<FactKind> term_fact =
        !lf ? std::nullopt
            : std::optional<FactKind>(lf->finding == fhir::terms::LiverFinding::Ascites ? FactKind::Ascites
                                                                                        : FactKind::Encephalopathy);
    if (status && (*status == "entered-in-error" || *status == "cancelled")) {
      skip_known(e, fmt::format("Observation {}|{} (status {})", system, code, *status), cods, system, code,
                 std::string("status ").append(*status), term_fact);
      return true;
    }
    auto date = dated(res, ptr, {"effectiveDateTime", "effectiveInstant"}, "effectivePeriod", what);
    const std::string_view expected =
        karnofsky ? "valueInteger"
                  : "valueCodeableConcept (SNOMED CT absent, present, mild, moderate, severe) or "
                    "valueBoolean";
    const std::string vk = value_key(res);
    if (vk.empty()) {
      if (has(res, "dataAbsentReason")) {
        skip_known(e, fmt::format("Observation {}|{} (no value: dataAbsentReason)", system, code), cods, system, code,
                   absent_reason(res), term_fact);
        return true;
      }
      w.problem(ptr, fmt::format("{} has no value; expected {}", what, expected));
      return true;
    }
    if (has(res, "dataAbsentReason")) {
      w.problem(child(ptr, "dataAbsentReason"),
                fmt::format("{} has both a value ({}) and a dataAbsentReason; FHIR allows a reason for a missing "
                            "value only when there is no value (obs-6): whether the value holds cannot be told",
                            what, vk));
      return true;
    }
    const std::string vp = child(ptr, vk);
    if (karnofsky) {
      if (vk != "valueInteger") {
        w.problem(vp, fmt::format("{}: expected valueInteger (0..100 in steps of 10), found {}", what, vk));
        return true;
      }
      auto v = w.integer(res, ptr, vk, true, 0, 100);
      if (v && *v % 10 != 0) {
        w.problem(vp, fmt::format("{}: Karnofsky {} is not on the scale; expected 0..100 in steps of 10", what, *v));
        return true;
      }
      if (v && date) {
        set_once(at_clinical(*date).karnofsky, *v, *date, "Karnofsky", vp);
        note_unread(FactKind::Ecog, *date, coding_words(system, code, display_of(cods, system, code)),
                    fmt::format("Karnofsky {}, not converted to ECOG: the scales do not map one to one", *v));
      }
      return true;
    }
    std::optional<fhir::terms::Presence> presence;
    std::optional<Ascites> ascites_grade;
    std::optional<Encephalopathy> he_grade;
    if (vk == "valueBoolean") {
      if (auto b = w.boolean(res, ptr, vk, true))
        presence = *b ? fhir::terms::Presence::Present : fhir::terms::Presence::Absent;
      else return true;
    } else if (vk == "valueCodeableConcept") {
      std::string found;
      std::string seen;  // the first reading, to refuse a second different one
      for (const auto& c : codings(res, ptr, vk, true)) {
        found += (found.empty() ? "" : ", ") + key_of(c);
        std::string reading;
        if (auto p = fhir::terms::presence_of(c.system, c.code, lf->finding)) {
          presence = p;
          reading = std::string(fhir::terms::to_string(*p));
        } else if (c.system == fhir::kHcc && lf->finding == fhir::terms::LiverFinding::Ascites &&
                   parse_ascites(c.code)) {
          ascites_grade = parse_ascites(c.code);
          reading = c.code;
        } else if (c.system == fhir::kHcc && lf->finding == fhir::terms::LiverFinding::Encephalopathy &&
                   parse_encephalopathy(c.code)) {
          he_grade = parse_encephalopathy(c.code);
          reading = c.code;
        } else {
          continue;
        }
        if (!seen.empty() && seen != reading) {
          w.problem(vp, fmt::format("{}: the codings give two different values, {} and {}; which one is meant "
                                    "cannot be told",
                                    what, seen, reading));
          return true;
        }
        seen = reading;
      }
      if (seen.empty()) {
        w.problem(vp, fmt::format("{}: no known value ({}); expected {}", what,
                                  found.empty() ? "no coding at all" : "found " + found,
                                  lf->finding == fhir::terms::LiverFinding::Ascites
                                      ? "SNOMED CT 2667000 Absent, 860638000 No ascites, 52101004 Present, "
                                        "255604002 Mild, 6736007 Moderate, 24484000 Severe, or urn:switchpoint:hcc "
                                        "none, slight, moderate-severe"
                                      : "SNOMED CT 2667000 Absent, 52101004 Present, 255604002 Mild, 6736007 "
                                        "Moderate, 24484000 Severe, or urn:switchpoint:hcc none, grade-1-2, "
                                        "grade-3-4"));
        return true;
      }
    } else {
      w.problem(vp, fmt::format("{}: expected {}, found {}", what, expected, vk));
      return true;
    }
    if (!date) return true;
    if (ascites_grade) set_once(at_clinical(*date).ascites, *ascites_grade, *date, "ascites", vp);
    else if (he_grade) set_once(at_clinical(*date).encephalopathy, *he_grade, *date, "encephalopathy", vp);
    else {
      liver_finding(lf->finding, *presence, *date, vp);
      using P = fhir::terms::Presence;
      const bool graded =
          *presence == P::Absent || (lf->finding == fhir::terms::LiverFinding::Ascites &&
                                     (*presence == P::Mild || *presence == P::Moderate || *presence == P::Severe));
      if (!graded && term_fact)
        note_unread(*term_fact, *date, coding_words(system, code, display_of(cods, system, code)),
                    fmt::format("{} without a grade: a grade is never guessed", fhir::terms::to_string(*presence)));
    }
    return true;
  }

  // Ascites or hepatic encephalopathy of one date from a standard code: absent is none, a
  // SNOMED CT severity of ascites is its Child-Pugh grade (mild = slight, moderate or severe =
  // moderate-severe); anything else present is "present, not graded", never a guessed grade.
  // Hepatic encephalopathy is graded by West Haven only: a SNOMED CT severity is not a grade.
  void liver_finding(fhir::terms::LiverFinding f, fhir::terms::Presence p, Date d, const std::string& vp) {
    using P = fhir::terms::Presence;
    ClinicalAssessment& c = at_clinical(d);
    if (f == fhir::terms::LiverFinding::Ascites) {
      if (p == P::Absent) set_once(c.ascites, Ascites::None, d, "ascites", vp);
      else if (p == P::Mild) set_once(c.ascites, Ascites::Slight, d, "ascites", vp);
      else if (p == P::Moderate || p == P::Severe) set_once(c.ascites, Ascites::ModerateSevere, d, "ascites", vp);
      else if (!std::exchange(c.ascites_present_ungraded, true)) first_ptr["ascites present@" + d.iso()] = vp;
      return;
    }
    if (p == P::Absent) set_once(c.encephalopathy, Encephalopathy::None, d, "encephalopathy", vp);
    else if (!std::exchange(c.encephalopathy_present_ungraded, true))
      first_ptr["encephalopathy present@" + d.iso()] = vp;
  }

  // One date: "present, not graded" beside a grade is refined by it; beside "none" it is a
  // contradiction.
  void finish_liver_findings() {
    for (auto& [d, c] : clinical) {
      if (c.ascites_present_ungraded && c.ascites) {
        if (*c.ascites == Ascites::None)
          w.problem(first_ptr["ascites present@" + d.iso()],
                    fmt::format("ascites on {} is recorded as present here and as absent at {}; one date holds one "
                                "value",
                                d.iso(), first_ptr["ascites@" + d.iso()]));
        c.ascites_present_ungraded = false;
      }
      if (c.encephalopathy_present_ungraded && c.encephalopathy) {
        if (*c.encephalopathy == Encephalopathy::None)
          w.problem(first_ptr["encephalopathy present@" + d.iso()],
                    fmt::format("hepatic encephalopathy on {} is recorded as present here and as absent at {}; one "
                                "date holds one value",
                                d.iso(), first_ptr["encephalopathy@" + d.iso()]));
        c.encephalopathy_present_ungraded = false;
      }
    }
  }

  ClinicalAssessment& at_clinical(Date d) {
    auto& c = clinical[d];
    c.date = d;
    return c;
  }

  ImagingStudy& at_imaging(Date d) {
    auto& s = imaging[d];
    s.date = d;
    return s;
  }

  // treated-size-change-percent: a signed percentage, unit %, from -100 to 1000.
  std::optional<double> percent_change(object res, const std::string& ptr, std::string_view key) {
    const std::string vp = child(ptr, key);
    auto vq = w.object(res, ptr, key, true);
    if (!vq) return std::nullopt;
    auto value = w.number(*vq, vp, "value", true);
    auto unit = w.string(*vq, vp, "unit", false);
    auto code = w.string(*vq, vp, "code", false);
    if (!value) return std::nullopt;
    const std::string u = code.value_or(unit.value_or(""));
    if (u != "%") {
      w.problem(vp, fmt::format("treated size change {} {}: the unit must be % (UCUM '%')", *value,
                                u.empty() ? "(no unit)" : u));
      return std::nullopt;
    }
    if (*value < -100 || *value > 1000) {
      w.problem(child(vp, "value"),
                fmt::format("treated size change {} % is implausible; expected a change from -100 to 1000 %", *value));
      return std::nullopt;
    }
    return value;
  }

  // target-lesion-viable-diameter: one Observation per lesion; the lesion's id is
  // focus[0].identifier.value (the lesion followed across studies).
  void target_lesion(object res, const std::string& ptr, std::string_view key, std::optional<Date> date) {
    std::optional<std::string> id;
    const std::string fp = child(child(ptr, "focus"), 0);
    if (auto focus = w.array(res, ptr, "focus", false)) {
      object f;
      if (focus->at(0).get(f) == simdjson::SUCCESS)
        if (auto ident = w.object(f, fp, "identifier", false))
          id = w.string(*ident, child(fp, "identifier"), "value", false);
    }
    auto v = quantity(res, ptr, key, Quantity::Diameter, date.value_or(Date{}));
    if (!id || id->empty()) {
      w.problem(ptr,
                "an mRECIST target lesion needs the lesion's id in focus[0].identifier.value, so that it "
                "can be followed from study to study");
      return;
    }
    if (!v || !date) return;
    auto& lesions = targets[*date];
    at_imaging(*date);
    std::optional<double> slot;
    if (auto it = lesions.find(*id); it != lesions.end()) slot = it->second;
    set_once(slot, v->value, *date, fmt::format("target lesion '{}'", *id), child(ptr, key));
    lesions[*id] = *slot;
  }

  // ---- Imaging findings in standard codes (terminology_imaging.h, docs/terminology.md) ----

  // mCODE TumorSize (LOINC 21889-1): the longest dimension of one tumour, by date and tumour
  // (focus reference or identifier; "#<location>" for a size without focus, whose tumour cannot be
  // told). finish_tumor_sizes() decides whether the sizes of a date give its largest diameter.
  struct MeasuredTumor {
    double cm;
    std::string ptr;
  };
  std::map<Date, std::map<std::string, MeasuredTumor>> tumor_sizes;
  std::map<Date, std::map<std::string, int>> tumor_size_resources;  // date → "Observation <code>" → resources
  // BodyStructure resources of the bundle by "BodyStructure/<id>" and by fullUrl: the mCODE
  // Tumor a TumorSize's focus names, for its location.
  std::map<std::string, std::pair<object, std::string>> body_structures;

  // An Observation coded with a standard imaging code of terminology_imaging (the mCODE
  // TumorSize, or a code recognised and not read). False when no coding is one of them.
  bool observation_imaging_term(const Entry& e, const std::vector<Coding>& cods) {
    using fhir::terms::ImagingRole;
    for (const auto& c : cods) {
      const auto* ic = fhir::terms::find_imaging_code(c.system, c.code);
      if (!ic) continue;
      if (ic->role == ImagingRole::NotRead) {
        skip(fmt::format("Observation {}|{} ({})", ic->system, ic->code, ic->record));
        return true;
      }
      if (ic->role == ImagingRole::TumorSize || ic->role == ImagingRole::LongestDimension) {
        tumor_size(e, ic->role == ImagingRole::LongestDimension);
        return true;
      }
    }
    // A response by other criteria (RECIST 1.1, WHO, RANO) under a code the engine does not read:
    // skipped with the reason, never read as an mRECIST category.
    // Read without the walker: a resource that is not read is never a problem, whatever its method.
    simdjson::dom::array method_codings;
    if (cods.empty() || e.resource["method"]["coding"].get(method_codings) != simdjson::SUCCESS) return false;
    for (auto c : method_codings) {
      std::string_view system, code;
      if (c["system"].get(system) != simdjson::SUCCESS || c["code"].get(code) != simdjson::SUCCESS) continue;
      if (const auto* oc = fhir::terms::other_response_criteria(system, code)) {
        skip(
            fmt::format("Observation {} (a response by {}, not mRECIST; not read)", key_of(cods.front()), oc->display));
        return true;
      }
    }
    return false;
  }

  // The longest dimension of an mCODE TumorSize (component 33728-7; the other dimensions are
  // checked against it) and its location; nullopt after a problem or a skip.
  std::optional<std::pair<double, std::string>> size_components(object res, const std::string& ptr,
                                                                const std::string& what, const std::string& key,
                                                                Date d) {
    const std::string vk = value_key(res);
    if (!vk.empty()) {
      w.problem(child(ptr, vk), fmt::format("{}: the size is sent in a component {} (the longest dimension, cm or "
                                            "mm) as the mCODE TumorSize profile requires, not in {} (not used by "
                                            "the profile): which dimension {} holds cannot be told",
                                            what, fhir::terms::kLongestDimensionLoinc, vk, vk));
      return std::nullopt;
    }
    auto comps = w.array(res, ptr, "component", false);
    if (!comps) {
      if (has(res, "dataAbsentReason")) {
        skip(key + " (no value: dataAbsentReason)");
        return std::nullopt;
      }
      w.problem(ptr, fmt::format("{} has no component {} (the tumour's longest dimension, cm or mm); the mCODE "
                                 "TumorSize profile requires it",
                                 what, fhir::terms::kLongestDimensionLoinc));
      return std::nullopt;
    }
    std::optional<double> longest;
    std::string longest_ptr;
    std::vector<std::pair<double, std::string>> others;
    std::size_t i = 0;
    bool failed = false;
    for (auto el : *comps) {
      const std::string cp = child(child(ptr, "component"), i++);
      object comp;
      if (el.get(comp) != simdjson::SUCCESS) continue;
      bool is_longest = false;
      bool is_other = false;
      for (const auto& c : codings(comp, cp, "code", true)) {
        if (c.system != fhir::kLoinc) continue;
        if (c.code == fhir::terms::kLongestDimensionLoinc) is_longest = true;
        if (c.code == fhir::terms::kOtherDimensionLoinc) is_other = true;
      }
      if (!is_longest && !is_other) continue;
      const std::string ck = value_key(comp);
      if (ck != "valueQuantity") {
        w.problem(ck.empty() ? cp : child(cp, ck),
                  fmt::format("{}: a tumour dimension needs valueQuantity in cm or mm, found {}", what,
                              ck.empty() ? "no value" : ck));
        failed = true;
        continue;
      }
      const std::size_t before = problem_count();
      auto v = quantity(comp, cp, ck, Quantity::Diameter, d);
      if (!v) {
        failed = failed || problem_count() != before;
        continue;
      }
      const std::string vp = child(cp, ck);
      if (v->value <= 0) {
        w.problem(vp, fmt::format("{}: a tumour dimension of {} {} is impossible for a measured tumour; expected "
                                  "more than 0 cm (no tumour is sent as the intrahepatic tumour count 0)",
                                  what, v->entered_value, v->entered_unit));
        failed = true;
        continue;
      }
      if (is_longest) {
        if (longest) {
          w.problem(vp, fmt::format("{}: a second longest dimension (the first at {}); one tumour size has one "
                                    "longest dimension",
                                    what, longest_ptr));
          failed = true;
          continue;
        }
        longest = v->value;
        longest_ptr = vp;
      } else {
        others.emplace_back(v->value, vp);
      }
    }
    if (failed) return std::nullopt;
    if (!longest) {
      w.problem(child(ptr, "component"),
                fmt::format("{} has no component {} (the tumour's longest dimension, cm or mm); the mCODE TumorSize "
                            "profile requires it",
                            what, fhir::terms::kLongestDimensionLoinc));
      return std::nullopt;
    }
    for (const auto& [cm, p] : others)
      if (cm > *longest) {
        w.problem(p, fmt::format("{}: an additional dimension of {:g} cm is longer than the longest dimension, "
                                 "{:g} cm (at {}); the dimensions may be swapped",
                                 what, cm, *longest, longest_ptr));
        return std::nullopt;
      }
    return std::make_pair(*longest, longest_ptr);
  }

  // LOINC 33728-7 (Size.maximum dimension in Tumor) sent as the Observation's own code: the
  // longest dimension of one tumour in valueQuantity.
  std::optional<std::pair<double, std::string>> size_value(object res, const std::string& ptr, const std::string& what,
                                                           const std::string& key, Date d) {
    const std::string vk = value_key(res);
    if (vk.empty()) {
      if (has(res, "dataAbsentReason")) skip(key + " (no value: dataAbsentReason)");
      else w.problem(ptr, fmt::format("{} has no value; expected valueQuantity in cm or mm", what));
      return std::nullopt;
    }
    if (vk != "valueQuantity") {
      w.problem(child(ptr, vk), fmt::format("{}: expected valueQuantity in cm or mm, found {}", what, vk));
      return std::nullopt;
    }
    auto v = quantity(res, ptr, vk, Quantity::Diameter, d);
    if (!v) return std::nullopt;
    const std::string vp = child(ptr, vk);
    if (v->value <= 0) {
      w.problem(vp, fmt::format("{}: a tumour dimension of {} {} is impossible for a measured tumour; expected more "
                                "than 0 cm (no tumour is sent as the intrahepatic tumour count 0)",
                                what, v->entered_value, v->entered_unit));
      return std::nullopt;
    }
    return std::make_pair(v->value, vp);
  }

  void tumor_size(const Entry& e, bool direct) {
    const object res = e.resource;
    const std::string& ptr = e.ptr;
    const std::string key = fmt::format("Observation {}|{}", fhir::kLoinc,
                                        direct ? fhir::terms::kLongestDimensionLoinc : fhir::terms::kTumorSizeLoinc);
    const std::string what = key + (direct ? " (Size.maximum dimension in Tumor)" : " (Size Tumor)");
    bool bad_status = false;
    const auto status = status_of(
        res, ptr, "Observation",
        {"registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error", "unknown"},
        bad_status);
    if (bad_status) return;
    if (status && (*status == "entered-in-error" || *status == "cancelled")) {
      skip(fmt::format("{} (status {})", key, *status));
      return;
    }
    auto date = dated(res, ptr, {"effectiveDateTime", "effectiveInstant"}, "effectivePeriod", what);
    if (has(res, "specimen")) {
      skip(key + " (size of a removed tumour specimen: pathology, not imaging; not read)");
      return;
    }
    // Method (mCODE TumorSizeMethodVS): an imaging procedure, or absent (a tumour still in the
    // body, `focus`, is measured by imaging); pathology, physical examination or an unknown
    // method is not read as an imaging finding.
    const auto methods = codings(res, ptr, "method", false);
    if (!methods.empty()) {
      bool imaging_method = false;
      for (const auto& c : methods)
        if (fhir::terms::tumor_size_method(c.system, c.code) == fhir::terms::SizeMethod::Imaging) imaging_method = true;
      if (!imaging_method) {
        skip(fmt::format("{} (method {} is not an imaging procedure of mCODE TumorSizeMethodVS; not read)", key,
                         key_of(methods[0])));
        return;
      }
    }
    const Date d = date.value_or(Date{});
    const auto measured = direct ? size_value(res, ptr, what, key, d) : size_components(res, ptr, what, key, d);
    if (!measured) return;
    const double longest_cm = measured->first;
    const std::string& longest_ptr = measured->second;
    // The tumour measured: focus[0] (mCODE: a Tumor BodyStructure, 0..1).
    std::string tumour = "#" + ptr;
    if (auto focus = w.array(res, ptr, "focus", false)) {
      if (focus->size() > 1) {
        w.problem(child(ptr, "focus"),
                  fmt::format("{} names {} tumours in focus; one size measures one tumour", what, focus->size()));
        return;
      }
      object f;
      const std::string fp = child(child(ptr, "focus"), 0);
      if (focus->at(0).get(f) == simdjson::SUCCESS) {
        if (auto r = w.string(f, fp, "reference", false); r && !r->empty()) tumour = *r;
        else if (auto ident = w.object(f, fp, "identifier", false))
          if (auto iv = w.string(*ident, child(fp, "identifier"), "value", false); iv && !iv->empty())
            tumour = "identifier " + *iv;
      }
    }
    // Where the tumour is: Observation.bodySite, and the location of the Tumor BodyStructure the
    // focus names (when it is in the bundle). A location other than the liver is not an
    // intrahepatic tumour; no location at all is read as one (this is an HCC record).
    std::vector<Coding> where = codings(res, ptr, "bodySite", false);
    if (auto bs = body_structures.find(tumour); bs != body_structures.end())
      for (auto& c : codings(bs->second.first, bs->second.second, "location", false)) where.push_back(c);
    if (!where.empty() && std::none_of(where.begin(), where.end(), [](const Coding& c) {
          return fhir::terms::is_liver_location(c.system, c.code);
        })) {
      skip(fmt::format("{} (location {} is not the liver, SNOMED CT 10200004: not an intrahepatic tumour; not read)",
                       key, key_of(where[0])));
      return;
    }
    if (!date) return;
    ++tumor_size_resources[*date][key];
    auto& sizes = tumor_sizes[*date];
    if (auto it = sizes.find(tumour); it != sizes.end()) {
      if (std::abs(it->second.cm - longest_cm) > 1e-9)
        w.problem(longest_ptr, fmt::format("tumour '{}' on {} is measured twice with different longest dimensions, "
                                           "{:g} cm and {:g} cm (the other at {}); one date holds one size per tumour",
                                           tumour, date->iso(), longest_cm, it->second.cm, it->second.ptr));
      return;
    }
    sizes.emplace(tumour, MeasuredTumor{longest_cm, longest_ptr});
  }

  // The tumour sizes of a date give the study's largest diameter only when every tumour counted
  // on that date is measured (a size per counted tumour, told apart by focus): the largest of
  // some tumours' sizes is only a lower bound of the largest tumour, and BCLC, up-to-seven and HAP
  // would otherwise be computed from a tumour that may not be the largest. Otherwise the sizes are
  // skipped and counted with the reason, or checked against the project's largest diameter.
  void finish_tumor_sizes() {
    for (const auto& [d, sizes] : tumor_sizes) {
      const std::string on = d.iso();
      const auto it = imaging.find(d);
      // Plain values (gcc 12 sees the optionals as maybe-uninitialized here).
      const bool has_count = it != imaging.end() && it->second.intrahepatic_tumor_count.has_value();
      const int counted = has_count ? *it->second.intrahepatic_tumor_count : 0;
      const bool has_largest = it != imaging.end() && it->second.largest_diameter_cm.has_value();
      const double largest_cm = has_largest ? *it->second.largest_diameter_cm : 0.0;
      int named = 0;
      bool unnamed = false;
      const MeasuredTumor* max = nullptr;
      for (const auto& [tumour, t] : sizes) {
        if (tumour.starts_with("#")) unnamed = true;
        else ++named;
        if (!max || t.cm > max->cm) max = &t;
      }
      const int measured = static_cast<int>(sizes.size());
      const std::string count_at = first_ptr["intrahepatic tumour count@" + on];
      if (has_count && (named > counted || (counted == 0 && measured > 0))) {
        w.problem(max->ptr, fmt::format("{} tumour size(s) on {} ({} different tumours by focus) but the "
                                        "intrahepatic tumour count is {} (at {}): contradictory findings",
                                        measured, on, named, counted, count_at));
        continue;
      }
      // One size on the date and no focus: the study's reported tumour size, not one tumour among
      // several named ones. Radiology reports give the largest nodule's size (BCLC, Milan and
      // up-to-seven are all defined on it), and the project's largest-tumor-diameter means the same,
      // so it is read as the largest diameter (docs/terminology.md "Imaging"). A size with focus
      // names one tumour, and several sizes are several tumours: the completeness rule applies.
      const bool study_level = measured == 1 && unnamed;
      const bool all_measured = counted > 0 && ((!unnamed && named == counted) || (counted == 1 && measured == 1));
      const bool complete = study_level || all_measured;
      if (has_largest) {
        // The project's largest diameter stands; the sizes must fit it.
        const std::string largest_at = first_ptr["largest tumour diameter@" + on];
        bool bad = false;
        for (const auto& [tumour, t] : sizes)
          if (t.cm > largest_cm + 1e-9) {
            w.problem(t.ptr, fmt::format("tumour size {:g} cm on {} is larger than the largest tumour diameter, {:g} "
                                         "cm (at {}): contradictory findings",
                                         t.cm, on, largest_cm, largest_at));
            bad = true;
          }
        if (!bad && complete && max->cm < largest_cm - 1e-9)
          w.problem(max->ptr,
                    all_measured
                        ? fmt::format("all {} tumours counted on {} are measured and the largest is {:g} cm, but the "
                                      "largest tumour diameter is {:g} cm (at {}): contradictory findings",
                                      counted, on, max->cm, largest_cm, largest_at)
                        : fmt::format("the one tumour size sent on {} without focus (the study's reported size) is "
                                      "{:g} cm, but the largest tumour diameter is {:g} cm (at {}): contradictory "
                                      "findings; add focus if the size is one tumour among several",
                                      on, max->cm, largest_cm, largest_at));
        continue;
      }
      if (complete) {
        at_imaging(d).largest_diameter_cm = max->cm;
        first_ptr["largest tumour diameter@" + on] = max->ptr;
        continue;
      }
      const std::string why =
          !has_count
              ? " (tumour size on a date with no intrahepatic tumour count: the largest size sent is not known to be "
                "the largest tumour; not read)"
              : " (tumour size: fewer tumours measured, told apart by focus, than the intrahepatic tumour count of "
                "that date: the largest size sent is not known to be the largest tumour; not read)";
      for (const auto& [what, n] : tumor_size_resources[d]) skip(what + why, n);
    }
  }

  // urn:switchpoint:hcc|mrecist-response: its value as a project code (CR, PR, SD, PD) or an NCIt
  // response category. A method naming other criteria (RECIST 1.1, WHO, RANO) is a problem: a
  // RECIST category measures the whole tumour, mRECIST its viable part.
  std::optional<MrecistCategory> mrecist_value(object res, const std::string& ptr, std::string_view vk,
                                               std::string_view what, std::string_view allowed) {
    for (const auto& c : codings(res, ptr, "method", false))
      if (const auto* oc = fhir::terms::other_response_criteria(c.system, c.code)) {
        w.problem(child(ptr, "method"),
                  fmt::format("{}: the method is {} ({}|{}), not mRECIST; a {} category is not an mRECIST category "
                              "(mRECIST measures the viable, enhancing tumour): send the mRECIST category, or leave "
                              "the observation out",
                              what, oc->display, oc->system, oc->code, oc->display));
        return std::nullopt;
      }
    std::optional<MrecistCategory> got;
    std::string got_from;
    std::string found;
    for (const auto& c : codings(res, ptr, vk, true)) {
      found += (found.empty() ? "" : ", ") + key_of(c);
      std::optional<MrecistCategory> v;
      if (c.system == fhir::kHcc) {
        v = parse_mrecist(c.code);
        if (!v) {
          w.problem(child(ptr, vk), fmt::format("{}: '{}' is not a known code; expected one of ({}): {}", what, c.code,
                                                fhir::kHcc, allowed));
          return std::nullopt;
        }
      } else if (c.system == fhir::terms::kNcit) {
        v = fhir::terms::ncit_response(c.system, c.code);
        if (!v) {
          w.problem(child(ptr, vk), fmt::format("{}: NCIt '{}' is not a response category read here; expected one of "
                                                "{}",
                                                what, c.code, fhir::terms::ncit_response_list()));
          return std::nullopt;
        }
      } else {
        continue;
      }
      if (got && *got != *v) {
        w.problem(child(ptr, vk), fmt::format("{}: the codings give two different categories, {} ({}) and {} ({}); "
                                              "which one is meant cannot be told",
                                              what, to_string(*got), got_from, to_string(*v), key_of(c)));
        return std::nullopt;
      }
      got = v;
      got_from = key_of(c);
    }
    if (!got)
      w.problem(child(ptr, vk), fmt::format("{}: no coding of {} or NCIt ({}); expected one of: {}; or {}", what,
                                            fhir::kHcc, found.empty() ? "no coding at all" : "found " + found, allowed,
                                            fhir::terms::ncit_response_list()));
    return got;
  }

  // ---- Procedure -------------------------------------------------------------------------

  void procedure(const Entry& e) {
    const object res = e.resource;
    const std::string& ptr = e.ptr;
    const auto cods = codings(res, ptr, "code", false);
    const Coding* tace_coding = nullptr;
    const Coding* refused = nullptr;
    for (const auto& c : cods) {
      if (fhir::is_tace_code(c.system, c.code) && !tace_coding) tace_coding = &c;
      // A code recognised as not TACE contradicts it; the embolisation or intra-arterial
      // chemotherapy code billed for the session (part_of_tace) does not.
      if (const auto* nr = fhir::find_not_read("Procedure", c.system, c.code); nr && !nr->part_of_tace) refused = &c;
      if (course_ending_kind(c.system, c.code)) refused = &c;  // TACE and a resection in one concept
    }
    if (!tace_coding) {
      if (!course_ending_procedure(e, cods)) skip_code("Procedure", cods);
      return;
    }
    if (refused) {
      w.problem(child(ptr, "code"), fmt::format("the codings disagree: {} is TACE, {} is not; which one is meant "
                                                "cannot be told",
                                                key_of(*tace_coding), key_of(*refused)));
      return;
    }
    bool bad_status = false;
    auto status = status_of(
        res, ptr, "Procedure",
        {"preparation", "in-progress", "not-done", "on-hold", "stopped", "completed", "entered-in-error", "unknown"},
        bad_status);
    if (bad_status) return;
    if (!status || *status != "completed") {
      skip(fmt::format("Procedure {} (status {})", key_of(*tace_coding), status.value_or("missing")));
      return;
    }
    auto date = dated(res, ptr, {"performedDateTime"}, "performedPeriod", "Procedure TACE");
    TaceSession t;
    if (auto ext = extension(res, ptr, fhir::kExtTaceTechnique)) {
      const auto& [o, p] = *ext;
      if (has(o, "valueCode")) t.technique = w.string(o, p, "valueCode", true).value_or("");
      else t.technique = w.string(o, p, "valueString", true).value_or("");
    }
    if (auto ext = extension(res, ptr, fhir::kExtTaceSelective)) {
      const auto& [o, p] = *ext;
      t.selective = w.boolean(o, p, "valueBoolean", true);
    }
    if (!date) return;
    t.date = *date;
    // Two TACE on one date are one session recorded twice (refractoriness counts sessions).
    if (auto it = tace.find(*date); it != tace.end()) {
      if (it->second.technique != t.technique || it->second.selective != t.selective) {
        w.problem(ptr, fmt::format("a second TACE on {} with different details (the other at {}); one TACE "
                                   "session per date",
                                   date->iso(), first_ptr["tace@" + date->iso()]));
        return;
      }
      skip(fmt::format("Procedure {} (second record of the TACE on the same date, merged)", key_of(*tace_coding)));
      return;
    }
    tace[*date] = t;
    first_ptr["tace@" + date->iso()] = ptr;
  }

  // A resection, ablation or liver transplantation (P-course-end). Returns false when no coding
  // names one (the caller skips the resource on its code). Codings that name two different kinds
  // are refused: which one was done cannot be told. The same kind twice on one date is read once.
  bool course_ending_procedure(const Entry& e, const std::vector<Coding>& cods) {
    const object res = e.resource;
    const std::string& ptr = e.ptr;
    const Coding* found = nullptr;
    std::optional<CourseEndingKind> kind;
    for (const auto& c : cods) {
      const auto k = course_ending_kind(c.system, c.code);
      if (!k) continue;
      if (kind && *kind != *k) {
        w.problem(child(ptr, "code"), fmt::format("the codings disagree: {} is {}, {} is {}; which one was done "
                                                  "cannot be told",
                                                  key_of(*found), to_string(*kind), key_of(c), to_string(*k)));
        return true;
      }
      if (!kind) found = &c;
      kind = k;
    }
    if (!kind) return false;
    auto status = w.string(res, ptr, "status", false);
    if (!status || *status != "completed") {
      skip(fmt::format("Procedure {} (status {})", key_of(*found), status.value_or("missing")));
      return true;
    }
    auto date =
        dated(res, ptr, {"performedDateTime"}, "performedPeriod", fmt::format("Procedure {}", to_string(*kind)));
    if (!date) return true;
    for (const auto& p : rec.procedures) {
      if (p.date == *date && p.kind == *kind) {
        skip(fmt::format("Procedure {} (second record of the {} on the same date, merged)", key_of(*found),
                         to_string(*kind)));
        return true;
      }
    }
    rec.procedures.push_back({*date, *kind});
    return true;
  }

  // ---- MedicationStatement, MedicationRequest, MedicationAdministration --------------------
  //
  // The medication is a project regimen code (urn:switchpoint:hcc|<regimen id>), or a standard
  // code of one agent (RxNorm ingredient, WHO ATC; readers/terminology_meds.h), coded directly
  // (medicationCodeableConcept) or through a Medication: contained ("#id") or another entry of
  // the bundle ("Medication/id" or its fullUrl). Agents become regimens in finish_components():
  // components given together form the §7 combination, a single agent its own regimen.

  // The codings of the medication of `res`, and where they are; nullopt (with the skip counted)
  // when a medicationReference cannot be followed.
  std::optional<std::pair<std::vector<Coding>, std::string>> medication_codings(const Entry& e) {
    const object res = e.resource;
    const std::string& ptr = e.ptr;
    if (has(res, "medicationCodeableConcept"))
      return std::make_pair(codings(res, ptr, "medicationCodeableConcept", false),
                            child(ptr, "medicationCodeableConcept"));
    auto mref = w.object(res, ptr, "medicationReference", false);
    if (!mref) return std::make_pair(std::vector<Coding>{}, child(ptr, "medicationCodeableConcept"));
    const std::string rp = child(ptr, "medicationReference");
    auto ref = w.string(*mref, rp, "reference", false);
    if (!ref || ref->empty()) {
      skip(fmt::format("{} medicationReference (no reference, not read)", e.type));
      return std::nullopt;
    }
    if (ref->starts_with("#")) {
      const std::string id = ref->substr(1);
      if (auto arr = w.array(res, ptr, "contained", false)) {
        std::size_t i = 0;
        for (auto el : *arr) {
          const std::string cp = child(child(ptr, "contained"), i++);
          object c;
          if (el.get(c) != simdjson::SUCCESS) continue;
          std::string_view rt, cid;
          if (c["resourceType"].get(rt) == simdjson::SUCCESS && rt == "Medication" &&
              c["id"].get(cid) == simdjson::SUCCESS && cid == id)
            return std::make_pair(codings(c, cp, "code", false), child(cp, "code"));
        }
      }
      w.problem(child(rp, "reference"), fmt::format("medicationReference '{}' names a contained Medication that the "
                                                    "resource does not contain",
                                                    *ref));
      return std::nullopt;
    }
    auto it = medications.find(*ref);
    if (it == medications.end() && external_medications != nullptr) {
      if (const auto m = (*external_medications)(*ref)) {
        if (!m->conflict.empty()) {
          w.problem(child(rp, "reference"), fmt::format("medicationReference '{}': {}", *ref, m->conflict));
          return std::nullopt;
        }
        const std::string mp(m->location);
        return std::make_pair(codings(m->resource, mp, "code", false), child(mp, "code"));
      }
    }
    if (it == medications.end()) {
      skip(fmt::format("{} medicationReference (Medication not in the bundle, not read)", e.type));
      return std::nullopt;
    }
    return std::make_pair(codings(it->second.first, it->second.second, "code", false),
                          child(it->second.second, "code"));
  }

  void medication(const Entry& e) {
    const object res = e.resource;
    const std::string& ptr = e.ptr;
    const std::string type(e.type);  // a medication resource is rare: one copy
    auto found = medication_codings(e);
    if (!found) return;
    const auto& [cods, cptr] = *found;
    const Coding* regimen = nullptr;
    const Coding* agent_coding = nullptr;
    const fhir::AgentCode* agent = nullptr;
    for (const auto& c : cods) {
      if (c.system == fhir::kHcc && fhir::is_regimen_id(c.code)) regimen = &c;
      if (const auto* a = fhir::find_agent_code(c.system, c.code)) {
        if (agent && agent->ingredient != a->ingredient) {
          w.problem(cptr, fmt::format("the codings disagree: {} is {}, {} is {}; one medication per resource (send "
                                      "each agent of a combination as its own resource)",
                                      key_of(*agent_coding), agent->ingredient, key_of(c), a->ingredient));
          return;
        }
        agent = a;
        agent_coding = &c;
      }
    }
    if (regimen && agent && !regimen_contains(regimen->code, agent->ingredient)) {
      w.problem(cptr, fmt::format("the codings disagree: {} is the regimen {}, {} is {}, which is not part of it",
                                  key_of(*regimen), regimen->code, key_of(*agent_coding), agent->ingredient));
      return;
    }
    if (!regimen && !agent) {
      skip_code(type, cods, &e);
      if (!cods.empty())
        rec.unread.push_back({FactKind::SystemicTherapy, quiet_date(res),
                              coding_words(cods.front().system, cods.front().code, cods.front().display),
                              "not a regimen or agent code the engine reads"});
      return;
    }
    const std::string what = regimen ? std::string(regimen->code) : std::string(agent->ingredient);
    const std::string code_key = regimen ? key_of(*regimen) : key_of(*agent_coding);
    bool bad_status = false;
    std::optional<std::string_view> status;
    std::span<const std::string_view> taken;
    static constexpr std::string_view kStatementTaken[] = {"active", "completed", "stopped", "on-hold"};
    static constexpr std::string_view kRequestTaken[] = {"active", "completed", "stopped", "on-hold"};
    static constexpr std::string_view kAdministrationTaken[] = {"completed", "in-progress", "stopped"};
    if (type == "MedicationStatement") {
      status = status_of(
          res, ptr, type,
          {"active", "completed", "entered-in-error", "intended", "stopped", "on-hold", "unknown", "not-taken"},
          bad_status);
      taken = kStatementTaken;
    } else if (type == "MedicationRequest") {
      status =
          status_of(res, ptr, type,
                    {"active", "on-hold", "cancelled", "completed", "entered-in-error", "stopped", "draft", "unknown"},
                    bad_status);
      taken = kRequestTaken;
    } else {
      status = status_of(res, ptr, type,
                         {"in-progress", "not-done", "on-hold", "completed", "entered-in-error", "stopped", "unknown"},
                         bad_status);
      taken = kAdministrationTaken;
    }
    if (bad_status) return;
    if (!status || std::find(taken.begin(), taken.end(), *status) == taken.end()) {
      const Coding& mc = regimen ? *regimen : *agent_coding;
      skip_known(e, fmt::format("{} {} (status {})", type, code_key, status.value_or("missing")), cods, mc.system,
                 mc.code, std::string("status ").append(status.value_or("missing")), FactKind::SystemicTherapy);
      return;
    }
    if (type == "MedicationRequest") {
      // A proposal or a plan is not a prescription: nothing was given.
      auto intent = w.string(res, ptr, "intent", false);
      if (intent && (*intent == "proposal" || *intent == "plan" || *intent == "option")) {
        const Coding& mc = regimen ? *regimen : *agent_coding;
        skip_known(e, fmt::format("{} {} (intent {})", type, code_key, *intent), cods, mc.system, mc.code,
                   "intent " + *intent, FactKind::SystemicTherapy);
        return;
      }
    }
    SystemicTherapy s;
    s.regimen = what;
    std::optional<Date> start;
    std::string end_ptr;
    if (type == "MedicationStatement") {
      start = dated(res, ptr, {"effectiveDateTime"}, "effectivePeriod", type + " " + what, true, false);
      end_ptr = child(child(ptr, "effectivePeriod"), "end");
      if (auto period = w.object(res, ptr, "effectivePeriod", false))
        s.end = date_at(*period, child(ptr, "effectivePeriod"), "end");
    } else if (type == "MedicationRequest") {
      // The period of treatment: dosageInstruction[0].timing.repeat.boundsPeriod, else authoredOn.
      std::optional<std::pair<object, std::string>> bounds;
      object d0, timing, repeat, bp;
      if (res["dosageInstruction"].at(0).get(d0) == simdjson::SUCCESS &&
          d0["timing"].get(timing) == simdjson::SUCCESS && timing["repeat"].get(repeat) == simdjson::SUCCESS &&
          repeat["boundsPeriod"].get(bp) == simdjson::SUCCESS)
        bounds = std::make_pair(
            bp, child(child(child(child(child(ptr, "dosageInstruction"), 0), "timing"), "repeat"), "boundsPeriod"));
      if (bounds && has(bounds->first, "start")) {
        start = date_at(bounds->first, bounds->second, "start");
      } else {
        start = dated(res, ptr, {"authoredOn"}, "", type + " " + what);
      }
      if (bounds) {
        s.end = date_at(bounds->first, bounds->second, "end");
        end_ptr = child(bounds->second, "end");
      }
      if (start && !s.end && (*status == "completed" || *status == "stopped")) {
        w.problem(child(ptr, "status"),
                  fmt::format("{} {} is '{}' but gives no end date "
                              "(dosageInstruction[0].timing.repeat.boundsPeriod.end); without it the therapy would "
                              "count as still given",
                              type, what, *status));
        return;
      }
    } else {
      // One administration: the date it was given (effectiveDateTime, or effectivePeriod.start).
      start = dated(res, ptr, {"effectiveDateTime"}, "effectivePeriod", type + " " + what);
    }
    stop_reasons(res, ptr, type, what, start, s);
    // An ordered or administered dose is not the daily dose taken (what the dose rules of the plan
    // read): it is not read, and said so rather than dropped silently.
    if (type == "MedicationRequest") {
      object i0;
      if (res["dosageInstruction"].at(0).get(i0) == simdjson::SUCCESS && has(i0, "doseAndRate"))
        ++skipped
            ["MedicationRequest dosageInstruction dose (an ordered dose is not the daily dose taken; not read: "
             "send a MedicationStatement with its dosage)"];
    } else if (type == "MedicationAdministration") {
      if (has(res, "dosage"))
        ++skipped
            ["MedicationAdministration dosage (one administered dose is not the daily dose taken; not read: "
             "send a MedicationStatement with its dosage)"];
    }
    if (type == "MedicationStatement") {
      if (auto dosage = w.array(res, ptr, "dosage", false); dosage && dosage->size() > 0) daily_dose(*dosage, ptr, s);
      if (auto ext = extension(res, ptr, fhir::kExtDaysAtDose)) {
        const auto& [o, p] = *ext;
        s.days_at_dose_last_28 = w.integer(o, p, "valueInteger", true, 0, 28);
      }
    }
    if (!start) return;
    s.start = *start;
    if (s.end && *s.end < s.start) {
      w.problem(end_ptr, fmt::format("end {} is before start {}", s.end->iso(), s.start.iso()));
      return;
    }
    if (s.end && *s.end == s.start && type == "MedicationStatement") {
      std::string_view st, en;
      if (res["effectivePeriod"]["start"].get(st) == simdjson::SUCCESS &&
          res["effectivePeriod"]["end"].get(en) == simdjson::SUCCESS &&
          ends_before_start(parse_fhir_datetime(st), parse_fhir_datetime(en)))
        w.problem(end_ptr, fmt::format("the period ends ({}) before it starts ({}): contradictory dates", en, st));
    }
    if (s.stop_reason && !s.end && type != "MedicationAdministration")
      w.problem(child(ptr, "statusReason"),
                fmt::format("a stop reason is given but no end date ({})",
                            type == "MedicationStatement" ? "effectivePeriod.end"
                                                          : "dosageInstruction[0].timing.repeat.boundsPeriod.end"));
    if (regimen) {
      if (type == "MedicationAdministration") {
        components.push_back({what, type, code_key, s, ptr, true});
        return;
      }
      systemic_entries.emplace_back(std::move(s), ptr);
      return;
    }
    components.push_back({what, type, code_key, s, ptr, type == "MedicationAdministration"});
  }

  // statusReason: an array of CodeableConcepts on MedicationStatement, one CodeableConcept on
  // MedicationRequest; the project codes are read (progression, intolerance, completed, other),
  // and the SNOMED CT codes of mCODE's TreatmentTerminationReasonVS (fhir::stop_reason_codes()).
  // Codings of one concept that give different stop reasons are a problem.
  // On MedicationAdministration it is why a dose was not given: not read.
  void stop_reasons(object res, const std::string& ptr, const std::string& type, const std::string& what,
                    const std::optional<Date>& start, SystemicTherapy& s) {
    if (type == "MedicationAdministration") return;
    std::vector<std::pair<object, std::string>> concepts;
    if (type == "MedicationRequest") {
      if (auto cc = w.object(res, ptr, "statusReason", false)) concepts.emplace_back(*cc, child(ptr, "statusReason"));
    } else if (auto reasons = w.array(res, ptr, "statusReason", false)) {
      std::size_t i = 0;
      for (auto el : *reasons) {
        const std::string rp = child(child(ptr, "statusReason"), i++);
        object cc;
        if (el.get(cc) != simdjson::SUCCESS) {
          w.problem(rp, "statusReason must be a CodeableConcept");
          continue;
        }
        concepts.emplace_back(cc, rp);
      }
    }
    for (const auto& [cc, rp] : concepts) {
      std::optional<StopReason> reason;
      std::string unread_reason;  // a recognised standard code that is not read, with why
      bool disagree = false;
      for (const auto& c : codings_of(cc, rp)) {
        std::optional<StopReason> r;
        if (c.system == fhir::kHcc) {
          r = parse_stop_reason(c.code);
        } else if (const auto* sr = fhir::find_stop_reason_code(c.system, c.code)) {
          if (sr->reason) r = sr->reason;
          else unread_reason = fmt::format(" ({} {}: {})", key_of(c), sr->display, sr->note);
        }
        if (!r) continue;
        if (reason && *reason != *r) disagree = true;
        reason = r;
      }
      if (disagree) {
        w.problem(rp,
                  "statusReason: the codings give different stop reasons; which one ended the therapy cannot "
                  "be told");
        continue;
      }
      if (!reason) {
        w.problem(rp, fmt::format("statusReason: no code that the engine reads{}; expected {}|progression, "
                                  "intolerance, completed or other, or an mCODE treatment termination reason "
                                  "(SNOMED CT 182992009 treatment completed, 407563006 treatment not tolerated, …)",
                                  unread_reason, fhir::kHcc));
        continue;
      }
      set_once(s.stop_reason, *reason, start.value_or(Date{}), "stop reason of " + what, rp);
    }
  }

  // True when the agent is the regimen or one of its components.
  static bool regimen_contains(std::string_view regimen, std::string_view ingredient) {
    if (regimen == ingredient) return true;
    for (const auto& c : fhir::combinations())
      if (c.regimen == regimen && (c.first == ingredient || c.second == ingredient)) return true;
    return false;
  }

  // dosage[0].doseAndRate[0].rateQuantity in mg/d: the daily dose.
  void daily_dose(array dosage, const std::string& ptr, SystemicTherapy& s) {
    object d0;
    if (dosage.at(0).get(d0) != simdjson::SUCCESS) return;
    const std::string dp = child(child(ptr, "dosage"), 0);
    auto dr = w.array(d0, dp, "doseAndRate", false);
    if (!dr || dr->size() == 0) return;
    object r0;
    if (dr->at(0).get(r0) != simdjson::SUCCESS) return;
    const std::string rp = child(child(dp, "doseAndRate"), 0);
    auto rq = w.object(r0, rp, "rateQuantity", false);
    if (!rq) return;
    const std::string qp = child(rp, "rateQuantity");
    auto value = w.number(*rq, qp, "value", true);
    auto code = w.string(*rq, qp, "code", false);
    auto unit = w.string(*rq, qp, "unit", false);
    if (!value) return;
    const std::string u = code.value_or(unit.value_or(""));
    if (u != "mg/d") {
      w.problem(qp, fmt::format("daily dose {} {}: the unit must be mg/d (UCUM 'mg/d')", *value,
                                u.empty() ? "(no unit)" : u));
      return;
    }
    if (*value < 0 || *value > 5000) {
      w.problem(child(qp, "value"), fmt::format("daily dose {} mg/d is implausible; expected 0 to 5000 mg/d", *value));
      return;
    }
    s.dose_mg_per_day = value;
  }

  // ---- Condition -------------------------------------------------------------------------

  static bool needs_onset(ConditionKind k) {
    return k == ConditionKind::VaricealBleeding || k == ConditionKind::MajorBleeding ||
           k == ConditionKind::ArterialThrombosis;
  }

  void condition(const Entry& e) {
    const object res = e.resource;
    const std::string& ptr = e.ptr;
    const auto cods = codings(res, ptr, "code", false);
    // The condition kind: a project code, or a standard code of terminology_obs (SNOMED CT,
    // ICD-10-CM). Two codings naming different kinds are a problem, never settled by order.
    std::optional<ConditionKind> kind;
    std::string code_key;
    const fhir::terms::LiverFindingCode* lf = nullptr;
    std::string lf_key;
    for (const auto& c : cods) {
      std::optional<ConditionKind> k;
      if (c.system == fhir::kHcc) k = parse_condition_kind(c.code);
      else if (const auto* cc = fhir::terms::find_condition_code(c.system, c.code)) k = cc->kind;
      if (k) {
        if (kind && *kind != *k) {
          w.problem(child(ptr, "code"), fmt::format("the codings name two different conditions, {} ({}) and {} ({}); "
                                                    "which one is meant cannot be told",
                                                    code_key, to_string(*kind), key_of(c), to_string(*k)));
          return;
        }
        if (!kind) {
          kind = k;
          code_key = key_of(c);
        }
      }
      if (const auto* f = fhir::terms::find_liver_finding(c.system, c.code, true)) {
        if (lf && lf->finding != f->finding) {
          w.problem(child(ptr, "code"), fmt::format("the codings name two different findings, {} and {}; which one "
                                                    "is meant cannot be told",
                                                    lf_key, key_of(c)));
          return;
        }
        if (!lf) {
          lf = f;
          lf_key = key_of(c);
        }
      }
    }
    if (kind && lf) {
      w.problem(child(ptr, "code"), fmt::format("the codings name two different things, {} ({}) and {} ({}); which "
                                                "one is meant cannot be told",
                                                code_key, to_string(*kind), lf_key, lf->display));
      return;
    }
    if (!kind && !lf) {
      for (const auto& c : cods)
        if (fhir::terms::is_hcc_diagnosis(c.system, c.code)) {
          hcc_diagnosis(e, key_of(c));
          return;
        }
      for (const auto& c : cods)
        if (const auto* nr = fhir::terms::find_not_read_condition(c.system, c.code)) {
          skip_known(e, fmt::format("Condition {} ({})", key_of(c), nr->reason), cods, c.system, c.code,
                     std::string(nr->reason), nr->fact);
          return;
        }
      skip_code("Condition", cods, &e);
      return;
    }
    if (!kind) code_key = lf_key;
    const auto verification = codings(res, ptr, "verificationStatus", false);
    const auto clinical_cods = codings(res, ptr, "clinicalStatus", false);
    if (!condition_status_ok(
            verification, ptr, "verificationStatus",
            {"unconfirmed", "provisional", "differential", "confirmed", "refuted", "entered-in-error"}) ||
        !condition_status_ok(clinical_cods, ptr, "clinicalStatus",
                             {"active", "recurrence", "relapse", "inactive", "remission", "resolved"}))
      return;
    bool refuted = false;
    for (const auto& c : verification) {
      if (c.code == "entered-in-error" || (c.code == "refuted" && !lf)) {
        const std::string key = fmt::format("Condition {} (verificationStatus {})", code_key, c.code);
        if (lf)
          skip_known(e, key, cods, lf->system, lf->code, fmt::format("verificationStatus {}", c.code),
                     lf->finding == fhir::terms::LiverFinding::Ascites ? FactKind::Ascites : FactKind::Encephalopathy);
        else skip(key);
        return;
      }
      refuted = refuted || c.code == "refuted";
    }
    std::string clinical_status;
    for (const auto& c : clinical_cods) clinical_status = c.code;
    if (lf) {
      liver_condition(e, *lf, code_key, refuted, clinical_status);
      return;
    }
    const std::string what = fmt::format("Condition {}", code_key);
    Condition c{*kind, dated(res, ptr, {"onsetDateTime"}, "onsetPeriod", what, needs_onset(*kind)),
                date_at(res, ptr, "abatementDateTime")};
    const bool resolved =
        clinical_status == "inactive" || clinical_status == "resolved" || clinical_status == "remission";
    if (resolved && !c.abatement) {
      w.problem(ptr, fmt::format("{} is '{}' but has no abatementDateTime; the engine needs the date it ended "
                                 "(without it the condition would count as still present)",
                                 what, clinical_status));
      return;
    }
    if (!resolved && !clinical_status.empty() && c.abatement) {
      w.problem(child(ptr, "abatementDateTime"),
                fmt::format("{} has an abatementDateTime but clinicalStatus '{}'; an abated condition is inactive, "
                            "resolved or in remission",
                            what, clinical_status));
      return;
    }
    if (c.onset && c.abatement && *c.abatement < *c.onset) {
      w.problem(child(ptr, "abatementDateTime"), "abatement is before onset");
      return;
    }
    if (needs_onset(*kind) && !c.onset) return;
    condition_entries.emplace_back(c, ptr);
  }

  // Ascites or hepatic encephalopathy as a Condition (SNOMED CT, ICD-10-CM): verificationStatus
  // refuted is documented absence on its date; otherwise present from onset (graded by
  // Condition.severity for ascites, else not graded) and, when it abated, absent from then on.
  void liver_condition(const Entry& e, const fhir::terms::LiverFindingCode& lf, const std::string& code_key,
                       bool refuted, const std::string& clinical_status) {
    const object res = e.resource;
    const std::string& ptr = e.ptr;
    const std::string what = fmt::format("Condition {} ({})", code_key, lf.display);
    const std::size_t at_start = problem_count();
    std::optional<Date> onset = dated(res, ptr, {"onsetDateTime"}, "onsetPeriod", what, false);
    std::string onset_ptr =
        has(res, "onsetDateTime") ? child(ptr, "onsetDateTime") : child(child(ptr, "onsetPeriod"), "start");
    if (!onset && !has(res, "onsetDateTime") && !has(res, "onsetPeriod") && has(res, "recordedDate")) {
      onset = date_at(res, ptr, "recordedDate");
      onset_ptr = child(ptr, "recordedDate");
    }
    const std::size_t before = problem_count();
    const auto abatement = date_at(res, ptr, "abatementDateTime");
    if (problem_count() != before) return;
    if (!onset) {
      if (problem_count() == at_start)
        w.problem(ptr, fmt::format("{} has no date: onsetDateTime (or onsetPeriod.start, or recordedDate) is "
                                   "required; the engine reads {} on a date",
                                   what, fhir::terms::to_string(lf.finding)));
      return;
    }
    using P = fhir::terms::Presence;
    if (refuted) {
      if (abatement) {
        w.problem(child(ptr, "abatementDateTime"),
                  fmt::format("{} is refuted (documented absence) but has an abatementDateTime: contradictory", what));
        return;
      }
      liver_finding(lf.finding, P::Absent, *onset, onset_ptr);
      return;
    }
    const bool resolved =
        clinical_status == "inactive" || clinical_status == "resolved" || clinical_status == "remission";
    if (resolved && !abatement) {
      w.problem(ptr, fmt::format("{} is '{}' but has no abatementDateTime; the engine needs the date it ended "
                                 "(without it the condition would count as still present)",
                                 what, clinical_status));
      return;
    }
    if (!resolved && !clinical_status.empty() && abatement) {
      w.problem(child(ptr, "abatementDateTime"),
                fmt::format("{} has an abatementDateTime but clinicalStatus '{}'; an abated condition is inactive, "
                            "resolved or in remission",
                            what, clinical_status));
      return;
    }
    if (abatement && *abatement < *onset) {
      w.problem(child(ptr, "abatementDateTime"), "abatement is before onset");
      return;
    }
    P presence = P::Present;
    if (auto sev = codings(res, ptr, "severity", false); !sev.empty()) {
      std::optional<P> found;
      for (const auto& c : sev)
        if (auto p = fhir::terms::severity_of(c.system, c.code)) {
          if (found && *found != *p) {
            w.problem(child(ptr, "severity"), fmt::format("{}: the severity codings disagree ({} and {})", what,
                                                          fhir::terms::to_string(*found), fhir::terms::to_string(*p)));
            return;
          }
          found = p;
        }
      if (!found) {
        std::string list;
        for (const auto& c : sev) list += (list.empty() ? "" : ", ") + key_of(c);
        w.problem(child(ptr, "severity"), fmt::format("{}: severity {} is not a known code; expected SNOMED CT "
                                                      "255604002 Mild, 6736007 Moderate or 24484000 Severe",
                                                      what, list));
        return;
      }
      presence = *found;
    }
    liver_finding(lf.finding, presence, *onset, onset_ptr);
    const bool graded = lf.finding == fhir::terms::LiverFinding::Ascites &&
                        (presence == P::Mild || presence == P::Moderate || presence == P::Severe);
    if (!graded)
      note_unread(
          lf.finding == fhir::terms::LiverFinding::Ascites ? FactKind::Ascites : FactKind::Encephalopathy, *onset,
          coding_words(lf.system, lf.code, lf.display),
          fmt::format("Condition {} without a grade: a grade is never guessed", fhir::terms::to_string(presence)));
    if (abatement && *abatement != *onset)
      liver_finding(lf.finding, P::Absent, *abatement, child(ptr, "abatementDateTime"));
  }

  // The HCC diagnosis: recognised (counted as "used: diagnosis"); its onset (else recordedDate)
  // is the diagnosis date, the earliest when several. A partial date is not read (the day is
  // not known); a refuted or entered-in-error diagnosis is skipped.
  void hcc_diagnosis(const Entry& e, const std::string& code_key) {
    const object res = e.resource;
    const std::string& ptr = e.ptr;
    const auto verification = codings(res, ptr, "verificationStatus", false);
    const auto clinical_cods = codings(res, ptr, "clinicalStatus", false);
    if (!condition_status_ok(
            verification, ptr, "verificationStatus",
            {"unconfirmed", "provisional", "differential", "confirmed", "refuted", "entered-in-error"}) ||
        !condition_status_ok(clinical_cods, ptr, "clinicalStatus",
                             {"active", "recurrence", "relapse", "inactive", "remission", "resolved"}))
      return;
    for (const auto& c : verification)
      if (c.code == "refuted" || c.code == "entered-in-error") {
        skip(fmt::format("Condition {} (verificationStatus {})", code_key, c.code));
        return;
      }
    skip("used: diagnosis");
    std::string_view key;
    object o = res;
    std::string op = ptr;
    if (has(res, "onsetDateTime")) key = "onsetDateTime";
    else if (auto period = w.object(res, ptr, "onsetPeriod", false)) {
      o = *period;
      op = child(ptr, "onsetPeriod");
      key = "start";
    } else if (has(res, "recordedDate")) key = "recordedDate";
    if (key.empty()) return;
    auto str = w.string(o, op, key, false);
    if (!str) return;
    const DateTime dt = parse_fhir_datetime(*str);
    if (dt.form == DateForm::Partial) return;
    if (auto d = date_at(o, op, key))
      if (!rec.hcc_diagnosis || *d < *rec.hcc_diagnosis) rec.hcc_diagnosis = d;
  }

  // ---- ImagingStudy: only its modality, for the findings of the same date ----------------

  void imaging_study(const Entry& e) {
    const object res = e.resource;
    const std::string& ptr = e.ptr;
    bool bad_status = false;
    auto status = status_of(res, ptr, "ImagingStudy",
                            {"registered", "available", "cancelled", "entered-in-error", "unknown"}, bad_status);
    if (bad_status) return;
    if (status && (*status == "cancelled" || *status == "entered-in-error")) {
      skip(fmt::format("ImagingStudy (status {})", *status));
      return;
    }
    auto date = dated(res, ptr, {"started"}, "", "ImagingStudy");
    std::set<std::string> found;
    if (auto mods = w.array(res, ptr, "modality", false)) {
      std::size_t i = 0;
      for (auto el : *mods) {
        const std::string mp = child(child(ptr, "modality"), i++);
        object c;
        if (el.get(c) != simdjson::SUCCESS) {
          w.problem(mp, "each modality must be a Coding {system, code}");
          continue;
        }
        auto sys = w.string(c, mp, "system", false);
        auto code = w.string(c, mp, "code", false);
        if (!code || code->empty()) continue;
        if (sys && *sys != fhir::kDicom) {
          skip(fmt::format("ImagingStudy modality {}|{} (not DICOM, not read)", *sys, *code));
          continue;
        }
        found.insert(*code == "MR" ? "MRI" : *code);
      }
    }
    if (!date) return;
    ++imaging_study_resources[*date];
    modalities[*date].insert(found.begin(), found.end());
  }

  // ---- one resource ----------------------------------------------------------------------

  static bool is_read_type(std::string_view type) {
    static constexpr std::string_view kRead[] = {
        "Observation", "Procedure",   "MedicationStatement", "MedicationRequest", "MedicationAdministration",
        "Condition",   "ImagingStudy"};
    return std::find(std::begin(kRead), std::end(kRead), type) != std::end(kRead);
  }

  // The codings of o[key] seen in place, as codings() reads them (codes that are empty are
  // left out). False when they are not well formed: codings() would report a problem.
  static bool coding_views(object o, std::string_view key, bool required, std::vector<CodingView>& out) {
    out.clear();
    element cc_el;
    if (o.at_key(key).get(cc_el) != simdjson::SUCCESS || cc_el.is_null()) return !required;
    object cc;
    if (cc_el.get(cc) != simdjson::SUCCESS) return false;
    element arr_el;
    if (cc.at_key("coding").get(arr_el) != simdjson::SUCCESS || arr_el.is_null()) return true;
    array arr;
    if (arr_el.get(arr) != simdjson::SUCCESS) return false;
    for (element el : arr) {
      object c;
      if (el.get(c) != simdjson::SUCCESS) return false;
      std::string_view sys, code;
      const CodingMembers cm = coding_members(c);
      if (!member_view(cm.has_system, cm.system, sys) || !member_view(cm.has_code, cm.code, code)) return false;
      if (!code.empty()) out.push_back({sys, code});
    }
    return true;
  }

  // The skip key of a resource that observation(), procedure(), medication() and condition()
  // would skip on its type or code alone (whatever its status, date and value), or nullopt when
  // it is or may be read. A resource with malformed codings is "may be read": the reader
  // reports the problem. The same tests as those functions, in the same order.
  static std::optional<std::string> skipped_on_code(object res, std::string_view type) {
    if (type == "Patient" || type == "ImagingStudy") return std::nullopt;
    if (type == "Medication") return std::string("Medication (read only through a medicationReference)");
    if (!is_read_type(type)) return std::string(type);
    thread_local std::vector<CodingView> cods;
    if (type == "Observation") {
      if (!coding_views(res, "code", true, cods)) return std::nullopt;
      for (const auto& c : cods)
        if (fhir::find_observation_code(c.system, c.code) || fhir::terms::find_liver_finding(c.system, c.code, false) ||
            fhir::terms::is_karnofsky(c.system, c.code))
          return std::nullopt;
      return skip_code_key("Observation", cods);
    }
    if (type == "Procedure") {
      if (!coding_views(res, "code", false, cods)) return std::nullopt;
      for (const auto& c : cods)
        if (fhir::is_tace_code(c.system, c.code) || course_ending_kind(c.system, c.code)) return std::nullopt;
      return skip_code_key("Procedure", cods);
    }
    if (type == "MedicationStatement" || type == "MedicationRequest" || type == "MedicationAdministration") {
      // A medicationReference may be read (the Medication it names decides).
      element ref;
      if (res.at_key("medicationCodeableConcept").get(ref) != simdjson::SUCCESS &&
          res.at_key("medicationReference").get(ref) == simdjson::SUCCESS)
        return std::nullopt;
      if (!coding_views(res, "medicationCodeableConcept", false, cods)) return std::nullopt;
      for (const auto& c : cods)
        if ((c.system == fhir::kHcc && fhir::is_regimen_id(c.code)) || fhir::find_agent_code(c.system, c.code))
          return std::nullopt;
      return skip_code_key(type, cods);
    }
    // Condition
    if (!coding_views(res, "code", false, cods)) return std::nullopt;
    for (const auto& c : cods)
      if ((c.system == fhir::kHcc && parse_condition_kind(c.code)) ||
          fhir::terms::find_condition_code(c.system, c.code) ||
          fhir::terms::find_liver_finding(c.system, c.code, true) || fhir::terms::is_hcc_diagnosis(c.system, c.code))
        return std::nullopt;  // read (the HCC diagnosis: its date)
    for (const auto& c : cods)
      if (const auto* nr = fhir::terms::find_not_read_condition(c.system, c.code))
        return fmt::format("Condition {} ({})", key_of(c), nr->reason);
    return skip_code_key("Condition", cods);
  }

  void resource(const Entry& e) {
    if (e.type == "Patient") return;  // read first
    const bool read_type = is_read_type(e.type);
    // A resource that is not this patient's is reported and not read: its values must not meet
    // this patient's (a second, different value on one date would be reported as well).
    const std::size_t before = problem_count();
    check_subject(e, read_type);
    if (problem_count() != before) return;
    if (e.type == "Observation") observation(e);
    else if (e.type == "Procedure") procedure(e);
    else if (e.type == "MedicationStatement" || e.type == "MedicationRequest" || e.type == "MedicationAdministration")
      medication(e);
    else if (e.type == "Medication") skip("Medication (read only through a medicationReference)");
    else if (e.type == "Condition") condition(e);
    else if (e.type == "ImagingStudy") imaging_study(e);
    else skip(std::string(e.type));
  }

  // The names set_once() files imaging findings under (first_ptr keys).
  static std::string_view finding_name(ImagingField f) {
    switch (f) {
      case ImagingField::TumorCount:
        return "intrahepatic tumour count";
      case ImagingField::LargestDiameter:
        return "largest tumour diameter";
      case ImagingField::TargetLesion:
        return "target lesion";
      case ImagingField::NewLesions:
        return "new intrahepatic lesions";
      case ImagingField::ViablePercent:
        return "viable tumour percent";
      case ImagingField::LiverOccupation:
        return "liver occupation percent";
      case ImagingField::Bilobar:
        return "bilobar disease";
    }
    return "";
  }

  // One value per lab test and date, whatever the order of the resources: equal repeats (in any
  // unit) are read once, different values are a problem naming both.
  void finish_labs() {
    auto order = [](const LocatedLab& a, const LocatedLab& b) {
      return std::tie(a.q, a.v.date, a.v.value, a.v.entered_value, a.v.entered_unit, a.ptr) <
             std::tie(b.q, b.v.date, b.v.value, b.v.entered_value, b.v.entered_unit, b.ptr);
    };
    std::sort(lab_entries.begin(), lab_entries.end(), order);
    const LocatedLab* kept = nullptr;
    for (const auto& l : lab_entries) {
      if (kept && kept->q == l.q && kept->v.date == l.v.date) {
        if (!same_value(kept->v.value, l.v.value))
          w.problem(l.ptr, fmt::format("{} on {} is given twice with different values ({} here, {} at {}); one date "
                                       "holds one value, and the order of the entries must not decide which one "
                                       "counts",
                                       spec_of(l.q).label, l.v.date.iso(), shown(l.v), shown(kept->v), kept->ptr));
        else ++skipped["Observation (the same lab value twice on one date, read once)"];
        continue;
      }
      kept = &l;
      rec.labs.of(l.q).push_back(l.v);
    }
  }

  // Agents become regimens (docs/terminology.md "Medications and procedures"):
  //  - the same agent recorded twice identically is read once;
  //  - MedicationAdministrations of one agent are the doses of one course: it starts at the
  //    first dose and has no end (a dose does not say that the course stopped); when the first
  //    dose falls within a MedicationStatement or MedicationRequest of the agent, the doses are
  //    that course's and are not read again;
  //  - the two components of a §7 combination whose starts are at most kCombinationWindowDays
  //    apart form the combination; each component is paired once, with the partner nearest in
  //    time (the earlier one on a tie);
  //  - an agent left unpaired is its own regimen when §7 has it as a single agent (durvalumab,
  //    sorafenib, …); otherwise it is a lone component, never promoted to the combination: an
  //    immune checkpoint inhibitor given alone is a problem (it changes the line of therapy, and
  //    the record has no way to hold it), bevacizumab alone is skipped and counted.
  void finish_components() {
    auto order = [](const Component& a, const Component& b) {
      return std::tie(a.s.start, a.ingredient, a.administration, a.s.end, a.s.stop_reason, a.ptr) <
             std::tie(b.s.start, b.ingredient, b.administration, b.s.end, b.s.stop_reason, b.ptr);
    };
    std::sort(components.begin(), components.end(), order);
    std::vector<Component> kept;
    std::map<std::string, std::size_t> course_of;  // ingredient → its course of administrations in `kept`
    for (auto& c : components) {
      if (c.administration) {
        if (auto it = course_of.find(c.ingredient); it != course_of.end()) {
          ++skipped[fmt::format("{} {} (a further dose of the course started {}, read as that course)", c.type,
                                c.code_key, kept[it->second].s.start.iso())];
          continue;
        }
        c.s.end.reset();
        course_of[c.ingredient] = kept.size();
        kept.push_back(std::move(c));
        continue;
      }
      if (!kept.empty()) {
        const Component& k = kept.back();
        if (!k.administration && k.ingredient == c.ingredient && k.s.start == c.s.start && k.s.end == c.s.end &&
            k.s.stop_reason == c.s.stop_reason) {
          ++skipped[fmt::format("{} {} (second record of the same {}, merged)", c.type, c.code_key, c.ingredient)];
          continue;
        }
      }
      kept.push_back(std::move(c));
    }
    // Administrations whose first dose falls within a MedicationStatement or MedicationRequest
    // of the same agent (or at most 7 days before it starts) are doses of that course: the
    // course keeps its own dates and stop reason.
    std::vector<bool> used(kept.size(), false);
    for (std::size_t i = 0; i < kept.size(); ++i) {
      if (!kept[i].administration) continue;
      for (const auto& k : kept) {
        if (k.administration || k.ingredient != kept[i].ingredient) continue;
        // Within: from 7 days before its start (an order written after the first dose) to its end.
        if (days_between(kept[i].s.start, k.s.start) <= fhir::kCombinationWindowDays &&
            (!k.s.end || kept[i].s.start <= *k.s.end)) {
          used[i] = true;
          ++skipped[fmt::format("{} {} (doses of the course recorded by a {} from {}, read as that course)",
                                kept[i].type, kept[i].code_key, k.type, k.s.start.iso())];
          break;
        }
      }
    }
    for (const auto& combo : fhir::combinations()) {
      for (std::size_t i = 0; i < kept.size(); ++i) {
        if (used[i] || kept[i].ingredient != combo.first) continue;
        std::optional<std::size_t> best;
        for (std::size_t j = 0; j < kept.size(); ++j) {
          if (used[j] || kept[j].ingredient != combo.second) continue;
          const int gap = std::abs(days_between(kept[i].s.start, kept[j].s.start));
          if (gap > fhir::kCombinationWindowDays) continue;
          if (!best || gap < std::abs(days_between(kept[i].s.start, kept[*best].s.start))) best = j;
        }
        if (!best) continue;
        used[i] = used[*best] = true;
        const Component& a = kept[i];
        const Component& b = kept[*best];
        SystemicTherapy s;
        s.regimen = combo.regimen;
        s.start = std::min(a.s.start, b.s.start);
        // The combination has ended when both components have; it is still given while one is.
        if (a.s.end && b.s.end) s.end = std::max(*a.s.end, *b.s.end);
        if (a.s.stop_reason && b.s.stop_reason && *a.s.stop_reason != *b.s.stop_reason) {
          w.problem(b.ptr, fmt::format("{} and {} given together from {} ({}) stopped for different reasons ({} here, "
                                       "{} at {}); which reason ended the regimen cannot be told",
                                       a.ingredient, b.ingredient, s.start.iso(), combo.regimen,
                                       to_string(*b.s.stop_reason), to_string(*a.s.stop_reason), a.ptr));
          continue;
        }
        if (s.end) s.stop_reason = a.s.stop_reason ? a.s.stop_reason : b.s.stop_reason;
        systemic_entries.emplace_back(std::move(s), a.ptr);
      }
    }
    for (std::size_t i = 0; i < kept.size(); ++i) {
      if (used[i]) continue;
      Component& c = kept[i];
      if (auto regimen = fhir::single_agent_regimen(c.ingredient)) {
        c.s.regimen = std::string(*regimen);
        systemic_entries.emplace_back(std::move(c.s), c.ptr);
        continue;
      }
      std::string partner, combination;
      for (const auto& combo : fhir::combinations()) {
        if (combo.first != c.ingredient && combo.second != c.ingredient) continue;
        partner = combo.first == c.ingredient ? combo.second : combo.first;
        combination = combo.regimen;
      }
      if (fhir::is_checkpoint_inhibitor(c.ingredient)) {
        w.problem(c.ptr, fmt::format("{} ({}) from {} is given without {} within {} days: {} alone is not a regimen "
                                     "of the knowledge base, and an immune checkpoint inhibitor changes which line "
                                     "of therapy comes next, so the record cannot be read safely; record the {} "
                                     "given with it, or the regimen as {}|{}",
                                     c.ingredient, c.code_key, c.s.start.iso(), partner, fhir::kCombinationWindowDays,
                                     c.ingredient, partner, fhir::kHcc, combination));
        continue;
      }
      skip(
          fmt::format("{} {} ({} without {} within {} days: a lone component, not a regimen of the knowledge "
                      "base; not read)",
                      c.type, c.code_key, c.ingredient, partner, fhir::kCombinationWindowDays));
      const auto bar = c.code_key.find('|');
      const std::string words = bar == std::string::npos
                                    ? c.code_key
                                    : coding_words(std::string_view(c.code_key).substr(0, bar),
                                                   std::string_view(c.code_key).substr(bar + 1), c.ingredient);
      rec.unread.push_back({FactKind::SystemicTherapy, c.s.start, words,
                            fmt::format("{} without {} within {} days: a lone component, not a regimen", c.ingredient,
                                        partner, fhir::kCombinationWindowDays)});
    }
  }

  // The same course (regimen and start) recorded twice is one course; with different details it
  // is a problem. Two courses without an end are a problem: which one is current cannot be told.
  void finish_systemic() {
    auto systemic_key = [](const SystemicTherapy& s) {
      return std::tie(s.start, s.regimen, s.end, s.stop_reason, s.dose_mg_per_day, s.days_at_dose_last_28);
    };
    std::sort(systemic_entries.begin(), systemic_entries.end(), [&](const auto& a, const auto& b) {
      return std::tie(a.first.regimen, a.first.start) < std::tie(b.first.regimen, b.first.start) ||
             (std::tie(a.first.regimen, a.first.start) == std::tie(b.first.regimen, b.first.start) &&
              (systemic_key(a.first) < systemic_key(b.first) ||
               (systemic_key(a.first) == systemic_key(b.first) && a.second < b.second)));
    });
    const std::pair<SystemicTherapy, std::string>* kept = nullptr;
    auto end_of = [](const SystemicTherapy& t) { return t.end ? t.end->iso() : std::string("none (ongoing)"); };
    for (const auto& e : systemic_entries) {
      if (kept && kept->first.regimen == e.first.regimen && kept->first.start == e.first.start) {
        if (systemic_key(kept->first) != systemic_key(e.first))
          w.problem(e.second, fmt::format("{} started on {} is recorded twice with different details (end {} here, "
                                          "end {} at {}, or a different stop reason or dose); the order of the "
                                          "resources must not decide which details count",
                                          e.first.regimen, e.first.start.iso(), end_of(e.first), end_of(kept->first),
                                          kept->second));
        else skipped["MedicationStatement (second record of the same therapy, merged)"] += 1;
        continue;
      }
      kept = &e;
      rec.systemic.push_back(e.first);
    }
    std::vector<const std::pair<SystemicTherapy, std::string>*> ongoing;
    for (const auto& e : systemic_entries)
      if (!e.first.end && (ongoing.empty() || ongoing.back()->first.regimen != e.first.regimen ||
                           ongoing.back()->first.start != e.first.start))
        ongoing.push_back(&e);
    std::sort(ongoing.begin(), ongoing.end(),
              [&](const auto* a, const auto* b) { return systemic_key(a->first) < systemic_key(b->first); });
    for (std::size_t i = 1; i < ongoing.size(); ++i)
      w.problem(ongoing[i]->second,
                fmt::format("two regimens are ongoing at once (no effectivePeriod.end): {} since {} at {} and {} since "
                            "{} here; which one the patient takes now cannot be told: give the end date of the one "
                            "that was stopped",
                            ongoing[0]->first.regimen, ongoing[0]->first.start.iso(), ongoing[0]->second,
                            ongoing[i]->first.regimen, ongoing[i]->first.start.iso()));
    std::sort(rec.systemic.begin(), rec.systemic.end(),
              [&](const SystemicTherapy& a, const SystemicTherapy& b) { return systemic_key(a) < systemic_key(b); });
  }

  // The same condition (code and onset) recorded twice is read once; with a different abatement
  // (one ended, one still active) it is a problem.
  void finish_conditions() {
    auto key = [](const Condition& c) { return std::tie(c.kind, c.onset, c.abatement); };
    std::sort(condition_entries.begin(), condition_entries.end(), [&](const auto& a, const auto& b) {
      return key(a.first) < key(b.first) || (key(a.first) == key(b.first) && a.second < b.second);
    });
    const std::pair<Condition, std::string>* kept = nullptr;
    auto abated = [](const Condition& c) {
      return c.abatement ? c.abatement->iso() : std::string("none (still active)");
    };
    for (const auto& e : condition_entries) {
      if (kept && kept->first.kind == e.first.kind && kept->first.onset == e.first.onset) {
        if (kept->first.abatement != e.first.abatement)
          w.problem(e.second, fmt::format("Condition {} with onset {} is recorded twice with different abatement ({} "
                                          "here, {} at {}); the order of the resources must not decide whether it "
                                          "has ended",
                                          to_string(e.first.kind), e.first.onset ? e.first.onset->iso() : "not stated",
                                          abated(e.first), abated(kept->first), kept->second));
        continue;
      }
      kept = &e;
      rec.conditions.push_back(e.first);
    }
  }

  // Nothing happens to a patient after death: a resource dated after deceasedDateTime is a problem.
  void check_deceased() {
    if (!rec.deceased_date || deceased_ptr.empty()) return;
    if (rec.birth_date && *rec.deceased_date < *rec.birth_date)
      w.problem(deceased_ptr, fmt::format("deceasedDateTime {} is before birthDate {}: contradictory dates",
                                          rec.deceased_date->iso(), rec.birth_date->iso()));
    std::sort(entry_dates.begin(), entry_dates.end(),
              [](const auto& a, const auto& b) { return std::tie(a.second, a.first) < std::tie(b.second, b.first); });
    entry_dates.erase(std::unique(entry_dates.begin(), entry_dates.end()), entry_dates.end());
    for (const auto& [d, ptr] : entry_dates)
      if (*rec.deceased_date < d)
        w.problem(ptr, fmt::format("{} is after the patient's death on {} ({}): no entry can follow the date of "
                                   "death; check this date or the date of death",
                                   d.iso(), rec.deceased_date->iso(), deceased_ptr));
  }

  void finish() {
    finish_labs();
    finish_liver_findings();
    finish_conditions();
    check_deceased();
    rec.patient_id = patient_id;
    for (auto& [d, c] : clinical) rec.clinical.push_back(std::move(c));
    finish_tumor_sizes();
    for (const auto& [d, n] : imaging_study_resources)
      if (!imaging.contains(d)) skip("ImagingStudy (no imaging finding read on its date, not read)", n);
    for (auto& [d, s] : imaging) {
      if (auto it = targets.find(d); it != targets.end()) {
        std::vector<TargetLesion> lesions;
        for (const auto& [id, cm] : it->second) lesions.push_back({id, cm});
        if (lesions.size() > 5)
          w.problem(first_ptr[fmt::format("target lesion '{}'@{}", lesions.back().id, d.iso())],
                    fmt::format("{} target lesions on {}; mRECIST allows at most 5", lesions.size(), d.iso()));
        s.target_lesions = std::move(lesions);
      }
      if (auto it = modalities.find(d); it != modalities.end()) {
        for (const auto& m : it->second) s.modality += (s.modality.empty() ? "" : "+") + m;
      }
      if (s.intrahepatic_tumor_count && *s.intrahepatic_tumor_count == 0 && s.largest_diameter_cm &&
          *s.largest_diameter_cm > 0)
        w.problem(first_ptr["intrahepatic tumour count@" + d.iso()],
                  fmt::format("intrahepatic tumour count is 0 but the largest tumour diameter is {} cm on {}: "
                              "contradictory findings",
                              *s.largest_diameter_cm, d.iso()));
      // Named copies: a lambda may not capture structured bindings (clang 14).
      const std::string on = d.iso();
      const ImagingStudy& study = s;
      for (const auto& f : impossible_findings(s)) {
        auto at = [this, &on, &study](ImagingField field, const std::string& lesion) {
          if (field == ImagingField::TargetLesion) {
            if (!lesion.empty()) return first_ptr[fmt::format("target lesion '{}'@{}", lesion, on)];
            if (study.target_lesions && !study.target_lesions->empty())
              return first_ptr[fmt::format("target lesion '{}'@{}", study.target_lesions->front().id, on)];
          }
          return first_ptr[std::string(finding_name(field)) + "@" + on];
        };
        const std::string here = at(f.field, f.lesion_id);
        w.problem(here, fmt::format("{} (the other finding at {})", f.message, at(f.other, "")));
      }
      rec.imaging.push_back(std::move(s));
    }
    for (const auto& [d, v] : endoscopy) rec.endoscopies.push_back({d, v});
    for (const auto& [d, t] : tace) rec.tace.push_back(t);
    if (tace.size() > kMaxTaceSessions)
      w.problem(first_ptr["tace@" + std::next(tace.begin(), kMaxTaceSessions)->first.iso()],
                too_many_tace_sessions(tace.size()));
    // The latest judgement stands.
    if (!curative.empty()) rec.curative_treatment_unsuitable = curative.rbegin()->second;

    finish_components();
    finish_systemic();
    rec.sort_timelines();
    if (rec.birth_date)
      if (const auto first = rec.earliest_entry_date(); first && *first < *rec.birth_date)
        w.problem(child(patient_ptr, "birthDate"),
                  fmt::format("birthDate {} is after the record's first entry ({}): contradictory dates",
                              rec.birth_date->iso(), first->iso()));
    if (const auto late = rec.entry_beyond_plausible_age())
      w.problem(
          child(patient_ptr, "birthDate"),
          fmt::format("the latest entry ({}) is more than {} years after birthDate {}: not plausible for a living "
                      "patient; check the year of that entry or of the birth date",
                      late->iso(), kMaxPlausibleAgeYears, rec.birth_date->iso()));
  }
};

}  // namespace

namespace {
// A resource's type and id, as views of the resource (read_fhir_resources: each resource once).
struct TypeId {
  std::string_view type, id;
  bool operator==(const TypeId&) const = default;
};
// FNV-1a over the id, mixed with the type's length and first letter: ids are short, and the types
// few (the table compares both in full).
struct TypeIdHash {
  std::size_t operator()(const TypeId& k) const {
    std::uint64_t h = 14695981039346656037ULL;
    for (const char c : k.id) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    const std::uint64_t t = (k.type.size() << 8) | (k.type.empty() ? 0U : static_cast<unsigned char>(k.type[0]));
    return static_cast<std::size_t>(h ^ (t * 0x9E3779B97F4A7C15ULL));
  }
};
}  // namespace

void read_fhir_resources(std::span<const FhirResource> resources, ReadResult& out, const MedicationLookup* external) {
  FhirReader r(out.problems, out.skipped);
  r.external_medications = external;

  // A member name twice in one object of a resource is ambiguous (which "value" counts, which
  // "code" decides whether it is read at all?): a problem, whatever the resource.
  for (const auto& res : resources)
    if (!res.keys_unique) json::duplicate_keys(res.resource, res.location, out.problems);

  // Each resource once.
  // Kept by the thread from call to call (a cohort reads one patient after another): no fresh
  // allocation, and no consolidation of the allocator's free lists, for every patient.
  thread_local std::vector<Entry> entries;
  entries.clear();
  entries.reserve(resources.size());
  // (Type, id) → the first resource with it; contents are compared only when an id recurs. The
  // type and id are views of the resources (alive during the call): nothing is copied per resource.
  // An open-addressed table, at most half full, kept by the thread: no node is allocated per resource.
  using IdSlot = std::pair<TypeId, const FhirResource*>;
  thread_local std::vector<IdSlot> by_id;
  std::size_t capacity = 16;
  while (capacity < 2 * resources.size()) capacity *= 2;
  by_id.assign(capacity, IdSlot{TypeId{}, nullptr});
  auto slot_of = [mask = capacity - 1](const TypeId& key) -> IdSlot& {
    for (std::size_t i = TypeIdHash{}(key)&mask;; i = (i + 1) & mask)
      if (by_id[i].second == nullptr || by_id[i].first == key) return by_id[i];
  };
  for (const auto& res : resources) {
    Entry e{res.location, res.type, res.full_url, res.resource};
    // The id as w.string reads it: a present id that is not a string is a problem (reported there).
    std::string_view id;
    element id_el;
    if (e.resource.at_key("id").get(id_el) == simdjson::SUCCESS && !id_el.is_null() &&
        id_el.get(id) != simdjson::SUCCESS) {
      id = {};
      r.w.string(e.resource, e.ptr, "id", false);
    }
    if (!id.empty()) {
      const TypeId key{e.type, id};
      IdSlot& slot = slot_of(key);
      if (const FhirResource* first = slot.second) {
        if (simdjson::minify(first->resource) == simdjson::minify(e.resource))
          r.skip(fmt::format("{} (the same resource twice, read once)", e.type));
        else
          r.w.problem(e.ptr, fmt::format("{}/{} appears twice with different content (the other at {}); which "
                                         "one is meant cannot be told",
                                         e.type, id, first->location));
        continue;
      }
      slot = IdSlot{key, &res};
    }
    entries.push_back(e);
  }

  // Medication resources, for the medicationReference of the resources that name them.
  for (const auto& e : entries) {
    if (e.type != "Medication") continue;
    std::string_view id;
    if (e.resource["id"].get(id) == simdjson::SUCCESS && !id.empty())
      r.medications.emplace("Medication/" + std::string(id), std::make_pair(e.resource, e.ptr));
    if (!e.full_url.empty()) r.medications.emplace(e.full_url, std::make_pair(e.resource, e.ptr));
  }

  // BodyStructure resources (mCODE Tumor), for the focus of a tumour size.
  for (const auto& e : entries) {
    if (e.type != "BodyStructure") continue;
    std::string_view id;
    if (e.resource["id"].get(id) == simdjson::SUCCESS && !id.empty())
      r.body_structures.emplace("BodyStructure/" + std::string(id), std::make_pair(e.resource, e.ptr));
    if (!e.full_url.empty()) r.body_structures.emplace(e.full_url, std::make_pair(e.resource, e.ptr));
  }

  // Whose record: the Patient, else the subject of the first resource that names one.
  for (const auto& e : entries)
    if (e.type == "Patient") r.patient(e);
  if (!r.have_patient)
    for (const auto& e : entries) {
      std::string_view ref;
      if (e.resource["subject"]["reference"].get(ref) == simdjson::SUCCESS && !ref.empty()) {
        r.anchor_reference = std::string(ref);
        r.patient_id = id_from_reference(ref);
        break;
      }
    }
  if (r.patient_id.empty())
    r.w.problem("",
                "the bundle does not say whose record it is: no Patient resource with an id, and no resource "
                "with a subject reference");

  // Most resources of a patient are labs: their list is given room for all at once.
  r.lab_entries.reserve(entries.size());
  for (const auto& e : entries) r.resource(e);
  r.finish();
  if (out.not_read.empty()) out.not_read = r.not_read.sorted();
  else merge_not_read(out.not_read, r.not_read.sorted());
  // The unread entries in a fixed order (the Bundle's order never shows), each once.
  auto& unread = r.rec.unread;
  auto unread_key = [](const UnreadEntry& u) { return std::tie(u.date, u.fact, u.what, u.reason); };
  std::sort(unread.begin(), unread.end(),
            [&](const UnreadEntry& a, const UnreadEntry& b) { return unread_key(a) < unread_key(b); });
  unread.erase(std::unique(unread.begin(), unread.end(),
                           [&](const UnreadEntry& a, const UnreadEntry& b) { return unread_key(a) == unread_key(b); }),
               unread.end());
  if (!out.problems.empty()) return;
  out.record = std::move(r.rec);
}

std::optional<std::string> fhir_skipped_on_code(simdjson::dom::object resource, std::string_view type) {
  return FhirReader::skipped_on_code(resource, type);
}

std::string fhir_patient_id(std::string_view reference) { return id_from_reference(reference); }
std::string_view fhir_patient_id_view(std::string_view reference) { return id_view_from_reference(reference); }

ReadResult read_fhir_bundle(std::string_view bytes) {
  bytes = json::without_bom(bytes);
  simdjson::dom::parser parser;
  simdjson::padded_string padded(bytes);
  element doc;
  if (auto err = parser.parse(padded).get(doc); err != simdjson::SUCCESS) {
    ReadResult out;
    out.format = "FHIR R4 Bundle";
    out.problems.push_back({"", fmt::format("not valid JSON: {}", simdjson::error_message(err))});
    return out;
  }
  return read_fhir_bundle_document(doc);
}

ReadResult read_fhir_bundle_document(element doc) {
  ReadResult out;
  out.format = "FHIR R4 Bundle";
  object root;
  if (doc.get(root) != simdjson::SUCCESS) {
    out.problems.push_back(
        {"", fmt::format("a FHIR Bundle must be a JSON object, found {}", json::type_name(doc.type()))});
    return out;
  }
  // A member name twice in one object is ambiguous (which "value" counts?): refused, named — here
  // in the Bundle's own members, in each resource by read_fhir_resources.
  json::duplicate_keys(doc, "", out.problems, "resource");
  json::Walker w(out.problems);
  auto type = w.string(root, "", "resourceType", true);
  if (!type) return out;
  if (*type != "Bundle") {
    w.problem("/resourceType", fmt::format("resourceType is '{}'; a patient record in FHIR R4 is a Bundle of "
                                           "Patient, Observation, Condition, Procedure and MedicationStatement "
                                           "resources",
                                           *type));
    return out;
  }

  // The entries' resources; read_fhir_resources reads them as the NDJSON lines of a Bulk export are read.
  std::vector<FhirResource> resources;
  if (auto arr = w.array(root, "", "entry", false)) {
    std::size_t i = 0;
    for (auto el : *arr) {
      const std::string ep = child(std::string("/entry"), i++);
      object entry;
      if (el.get(entry) != simdjson::SUCCESS) {
        w.problem(
            ep, fmt::format("each entry must be an object, found {} {}", json::type_name(el.type()), json::render(el)));
        continue;
      }
      auto res = w.object(entry, ep, "resource", false);
      if (!res) {
        ++out.skipped["Bundle entry without resource"];
        out.not_read.push_back(
            {"Bundle entry", "", "", "", "entry without resource", 1, "Bundle entry without resource"});
        continue;
      }
      FhirResource fr{child(ep, "resource"), w.string(entry, ep, "fullUrl", false).value_or(""), "", *res};
      auto rt = w.string(*res, fr.location, "resourceType", true);
      if (!rt) continue;
      fr.type = *rt;
      resources.push_back(std::move(fr));
    }
  }
  read_fhir_resources(resources, out);
  return out;
}

}  // namespace switchpoint
