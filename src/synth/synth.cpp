#include "synth/synth.h"

#include <fmt/format.h>
#include <zlib.h>

#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "core/date.h"
#include "core/scores/child_pugh.h"
#include "readers/fhir_codes.h"
#include "synth/prng.h"

// The disease course of one patient (docs/synth.md): a baseline visit, TACE sessions each
// followed by an assessment visit, then — by the clinicians' choices of the model — more TACE,
// a switch to systemic therapy, surveillance or supportive care, until death or the end of
// follow-up (2024-12-31). Every visit writes labs, bedside grades, vital signs and other labs
// unrelated to HCC; imaging visits write the tumour findings.

namespace switchpoint::synth {
namespace {

constexpr std::string_view kLoinc = fhir::kLoinc;
constexpr std::string_view kHcc = fhir::kHcc;
constexpr std::string_view kUcum = fhir::kUcum;

enum class Category : unsigned char { CR, PR, SD, PD };
enum class Vi : unsigned char { Absent, Branch, MainPortalVein };

std::string_view to_code(Category c) {
  switch (c) {
    case Category::CR:
      return "CR";
    case Category::PR:
      return "PR";
    case Category::SD:
      return "SD";
    case Category::PD:
      return "PD";
  }
  return "SD";
}

std::string_view to_code(Vi v) {
  switch (v) {
    case Vi::Absent:
      return "absent";
    case Vi::Branch:
      return "branch";
    case Vi::MainPortalVein:
      return "main-portal-vein";
  }
  return "absent";
}

double round_to(double v, int decimals) {
  double scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  return std::round(v * scale) / scale;
}

// Child-Pugh points as the engine counts them from what was written (the core's cut-offs,
// CLINICAL_RULES.md §2), for the model's own decisions and its summary. Grades 0–2 of the model are
// the three classes of each bedside finding.
int child_pugh_points(double bili_umol, double alb_g_l, double inr, int ascites, int enceph) {
  return child_pugh_bilirubin_points(bili_umol) + child_pugh_albumin_points(alb_g_l) + child_pugh_inr_points(inr) +
         child_pugh_ascites_points(static_cast<Ascites>(ascites)) +
         child_pugh_encephalopathy_points(static_cast<Encephalopathy>(enceph));
}

// One unrelated observation kind: LOINC code, UCUM unit, range and decimals.
struct Unrelated {
  std::string_view code;
  std::string_view unit;
  double lo, hi;
  int decimals;
};
constexpr Unrelated kUnrelated[] = {
    {"2951-2", "mmol/L", 128, 145, 0},  // sodium
    {"2823-3", "mmol/L", 3.2, 5.4, 1},  // potassium
    {"2075-0", "mmol/L", 95, 110, 0},   // chloride
    {"1963-8", "mmol/L", 20, 30, 0},    // bicarbonate
    {"3094-0", "mg/dL", 8, 30, 0},      // urea nitrogen
    {"2345-7", "mg/dL", 75, 190, 0},    // glucose
    {"718-7", "g/dL", 9.5, 16, 1},      // haemoglobin
    {"4544-3", "%", 30, 48, 1},         // haematocrit
    {"6690-2", "10*3/uL", 2.5, 11, 1},  // leukocytes
    {"6768-6", "U/L", 60, 300, 0},      // alkaline phosphatase
    {"2324-2", "U/L", 30, 400, 0},      // GGT
    {"8867-4", "/min", 55, 105, 0},     // heart rate
    {"8480-6", "mm[Hg]", 100, 165, 0},  // systolic blood pressure
    {"8462-4", "mm[Hg]", 55, 100, 0},   // diastolic blood pressure
    {"8310-5", "Cel", 36.0, 37.8, 1},   // body temperature
    {"9279-1", "/min", 12, 22, 0},      // respiratory rate
    {"59408-5", "%", 92, 100, 0},       // oxygen saturation
    {"8302-2", "cm", 150, 190, 0},      // body height
    {"39156-5", "kg/m2", 18, 33, 1},    // body mass index
    {"72514-3", "{score}", 0, 6, 0},    // pain severity
    {"5902-2", "s", 11, 16, 1},         // prothrombin time in seconds (deliberately not read)
};

// Writes one patient's resources as NDJSON lines.
class Emitter {
 public:
  // A dry emitter writes nothing (the model's summary only); the model draws the same numbers.
  Emitter(Ndjson& out, Summary& s, std::string pid, bool dry) : out_(out), sum_(s), pid_(std::move(pid)), dry_(dry) {}

  void patient(std::string_view gender, Date birth, std::optional<Date> deceased) {
    ++sum_.lines_patient;
    if (dry_) return;
    fmt::format_to(std::back_inserter(out_.patient),
                   R"({{"resourceType":"Patient","id":"{}","gender":"{}","birthDate":"{}")", pid_, gender, birth.iso());
    if (deceased) fmt::format_to(std::back_inserter(out_.patient), R"(,"deceasedDateTime":"{}")", deceased->iso());
    out_.patient += "}\n";
  }

  void quantity(Date d, std::string_view system, std::string_view code, double value, int decimals,
                std::string_view unit, bool unrelated = false) {
    if (!begin_observation(d, system, code, unrelated)) return;
    fmt::format_to(std::back_inserter(out_.observation),
                   R"("valueQuantity":{{"value":{:.{}f},"unit":"{}","system":"{}","code":"{}"}}}})"
                   "\n",
                   value, decimals, unit, kUcum, unit);
  }
  void integer(Date d, std::string_view system, std::string_view code, int value) {
    if (!begin_observation(d, system, code, false)) return;
    fmt::format_to(std::back_inserter(out_.observation),
                   R"("valueInteger":{}}})"
                   "\n",
                   value);
  }
  void boolean(Date d, std::string_view code, bool value) {
    if (!begin_observation(d, kHcc, code, false)) return;
    fmt::format_to(std::back_inserter(out_.observation),
                   R"("valueBoolean":{}}})"
                   "\n",
                   value ? "true" : "false");
  }
  void coded(Date d, std::string_view code, std::string_view value) {
    if (!begin_observation(d, kHcc, code, false)) return;
    fmt::format_to(std::back_inserter(out_.observation),
                   R"("valueCodeableConcept":{{"coding":[{{"system":"{}","code":"{}"}}]}}}})"
                   "\n",
                   kHcc, value);
  }

  void tace(Date d, std::string_view technique) {
    ++sum_.lines_procedure;
    if (dry_) return;
    fmt::format_to(
        std::back_inserter(out_.procedure),
        R"({{"resourceType":"Procedure","id":"{}-p{}","status":"completed","extension":[{{"url":"{}","valueString":"{}"}}],)"
        R"("code":{{"coding":[{{"system":"{}","code":"tace"}},{{"system":"{}","code":"441525007"}}]}},)"
        R"("subject":{{"reference":"Patient/{}"}},"performedDateTime":"{}"}})"
        "\n",
        pid_, ++seq_, fhir::kExtTaceTechnique, technique, kHcc, fhir::kSnomed, pid_, d.iso());
  }
  void other_procedure(Date d, std::string_view snomed, std::string_view status) {
    ++sum_.lines_procedure;
    if (dry_) return;
    fmt::format_to(
        std::back_inserter(out_.procedure),
        R"({{"resourceType":"Procedure","id":"{}-p{}","status":"{}","code":{{"coding":[{{"system":"{}","code":"{}"}}]}},)"
        R"("subject":{{"reference":"Patient/{}"}},"performedDateTime":"{}"}})"
        "\n",
        pid_, ++seq_, status, fhir::kSnomed, snomed, pid_, d.iso());
  }

  void regimen(std::string_view id, Date start, std::optional<Date> end, std::string_view reason, double dose_mg) {
    ++sum_.lines_medication;
    if (dry_) return;
    auto o = std::back_inserter(out_.medication);
    fmt::format_to(o, R"({{"resourceType":"MedicationStatement","id":"{}-m{}","status":"{}",)", pid_, ++seq_,
                   end ? "stopped" : "active");
    if (end && !reason.empty())
      fmt::format_to(o, R"("statusReason":[{{"coding":[{{"system":"{}","code":"{}"}}]}}],)", kHcc, reason);
    fmt::format_to(o, R"("medicationCodeableConcept":{{"coding":[{{"system":"{}","code":"{}"}}]}},)", kHcc, id);
    fmt::format_to(o, R"("subject":{{"reference":"Patient/{}"}},"effectivePeriod":{{"start":"{}")", pid_, start.iso());
    if (end) fmt::format_to(o, R"(,"end":"{}")", end->iso());
    out_.medication += "}";
    if (dose_mg > 0)
      fmt::format_to(
          o,
          R"(,"dosage":[{{"doseAndRate":[{{"rateQuantity":{{"value":{:.0f},"unit":"mg/d","system":"{}","code":"mg/d"}}}}]}}])",
          dose_mg, kUcum);
    out_.medication += "}\n";
  }
  void other_medication(Date start, std::string_view rxnorm) {
    ++sum_.lines_medication;
    if (dry_) return;
    fmt::format_to(
        std::back_inserter(out_.medication),
        R"({{"resourceType":"MedicationStatement","id":"{}-m{}","status":"active","medicationCodeableConcept":{{"coding":[{{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"{}"}}]}},)"
        R"("subject":{{"reference":"Patient/{}"}},"effectiveDateTime":"{}"}})"
        "\n",
        pid_, ++seq_, rxnorm, pid_, start.iso());
  }

  void condition(std::string_view system, std::string_view code, Date onset, std::optional<Date> abatement) {
    ++sum_.lines_condition;
    if (dry_) return;
    auto o = std::back_inserter(out_.condition);
    fmt::format_to(
        o,
        R"({{"resourceType":"Condition","id":"{}-c{}","clinicalStatus":{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"{}"}}]}},)"
        R"("code":{{"coding":[{{"system":"{}","code":"{}"}}]}},"subject":{{"reference":"Patient/{}"}},"onsetDateTime":"{}")",
        pid_, ++seq_, abatement ? "resolved" : "active", system, code, pid_, onset.iso());
    if (abatement) fmt::format_to(o, R"(,"abatementDateTime":"{}")", abatement->iso());
    out_.condition += "}\n";
  }

 private:
  bool begin_observation(Date d, std::string_view system, std::string_view code, bool unrelated) {
    ++sum_.lines_observation;
    if (unrelated) ++sum_.lines_unrelated_observation;
    if (dry_) return false;
    fmt::format_to(
        std::back_inserter(out_.observation),
        R"({{"resourceType":"Observation","id":"{}-o{}","status":"final","code":{{"coding":[{{"system":"{}","code":"{}"}}]}},)"
        R"("subject":{{"reference":"Patient/{}"}},"effectiveDateTime":"{}",)",
        pid_, ++seq_, system, code, pid_, d.iso());
    return true;
  }

  Ndjson& out_;
  Summary& sum_;
  std::string pid_;
  bool dry_;
  int seq_ = 0;
};

const Date kFollowUpEnd = *Date::from_ymd(2024, 12, 31);

class Course {
 public:
  Course(const Options& o, int index, Ndjson& out, Summary& s, bool dry)
      : p_(o.parameters),
        rng_(o.seed, static_cast<std::uint64_t>(index)),
        sum_(s),
        pid_(fmt::format("p{:06d}", index + 1)),
        em_(out, s, pid_, dry),
        out_(out),
        switch_hr_(o.switch_hr) {
    // The control model's responder class comes from a stream of its own, so that the main
    // stream's draws keep their order.
    if (switch_hr_) {
      Rng side(o.seed, 0x8000000000000000ULL | static_cast<std::uint64_t>(index));
      good_responder_ = side.bernoulli(p_.good_responder_share);
      const auto& w = p_.control_ecog_share;
      control_ecog_ = side.pick({w[0], w[1], w[2]});
      control_daily_ = p_.control_death_per_day;
      for (int i = 0; i < control_ecog_; ++i) control_daily_ *= p_.control_hr_per_ecog_point;
    }
  }

  void run() {
    ++sum_.patients;
    baseline();
    tace_course(baseline_date_.plus_days(rng_.integer(7, 28)));
    if (switch_hr_) {
      // Contacts until death or the end of follow-up (Parameters::control_contact_*).
      while (!dead_) {
        const Date v = last_visit_.plus_days(rng_.integer(p_.control_contact_min_days, p_.control_contact_max_days));
        if (!reaches(last_visit_, v)) break;
        last_visit_ = v;
        em_.quantity(v, kLoinc, "29463-7", weight_, 1, "kg");
      }
    }
    em_.patient(male_ ? "male" : "female", birth_, death_);
    truth();
  }

 private:
  // ---- the patient's state -------------------------------------------------------------
  const Parameters& p_;
  Rng rng_;
  Summary& sum_;
  std::string pid_;
  Emitter em_;
  Ndjson& out_;  // truth.csv rows go here even for a dry run (summarize_cohort)
  std::optional<double> switch_hr_;
  // Control model: responder class, and the state fixed at the refractoriness assessment.
  bool good_responder_ = false;
  std::optional<Date> refractory_on_, systemic_start_;
  int cp_at_refractory_ = 0, ecog_at_refractory_ = 0;
  bool vi_at_refractory_ = false, ehs_at_refractory_ = false;
  int control_ecog_ = 0;      // ECOG, constant over the course
  double control_daily_ = 0;  // daily death probability over the whole course (before switching)

  // The truth row (kTruthHeader).
  void truth() {
    auto opt = [](const std::optional<Date>& d) { return d ? d->iso() : std::string(); };
    fmt::format_to(
        std::back_inserter(out_.truth), "{},{},{},{},{},{},{},{},{},{},{},{}\n", pid_, opt(refractory_on_),
        refractory_on_ ? std::to_string(cp_at_refractory_) : "",
        refractory_on_ ? std::to_string(ecog_at_refractory_) : "",
        refractory_on_ ? (vi_at_refractory_ ? "1" : "0") : "", refractory_on_ ? (ehs_at_refractory_ ? "1" : "0") : "",
        systemic_start_ ? "1" : "0", opt(systemic_start_), opt(death_), death_ ? death_->iso() : last_visit_.iso(),
        switch_hr_ ? (good_responder_ ? "good" : "poor") : "", switch_hr_ ? fmt::format("{}", *switch_hr_) : "");
  }

  bool male_ = true;
  Date birth_, baseline_date_, next_, last_visit_;
  std::optional<Date> death_;
  bool bilirubin_in_mg_ = false, albumin_in_g_dl_ = false, diameter_in_mm_ = false;
  // Tumour
  int count_ = 1;
  double diameter_cm_ = 3;
  Vi vi_ = Vi::Absent;
  bool ehs_ = false, bilobar_ = false;
  std::string_view morphology_ = "simple-nodular";
  double afp_ = 10, dcp_ = 40;
  // Liver and performance
  double bili0_ = 12, alb0_ = 40, inr0_ = 1.05, damage_ = 0;
  double weight_ = 70;
  int ecog_ = 0;
  int last_cp_ = 5;
  // Course
  int sessions_ = 0;
  int non_responses_in_a_row_ = 0;
  bool refractory_ = false;
  bool dead_ = false;

  // ---- visits --------------------------------------------------------------------------

  int ascites_grade() const { return damage_ < 1.5 ? 0 : damage_ < 2.5 ? 1 : 2; }
  int enceph_grade() const { return damage_ < 2.8 ? 0 : damage_ < 3.8 ? 1 : 2; }

  // Labs, bedside grades and unrelated observations of one date; returns Child-Pugh points as the
  // engine will count them from what was written.
  int labs_and_grades(Date d) {
    last_visit_ = d;
    double bili = round_to(bili0_ * (1 + 0.8 * damage_) * rng_.uniform(0.9, 1.1), 0);
    if (bili < 3) bili = 3;
    double bili_written = bili;
    if (bilirubin_in_mg_) {
      const double mg = round_to(bili / 17.1, 2);
      em_.quantity(d, kLoinc, "1975-2", mg, 2, "mg/dL");
      bili_written = mg * 17.1;
    } else {
      em_.quantity(d, kLoinc, "14631-6", bili, 0, "umol/L");
    }
    double alb = round_to(alb0_ - 4.5 * damage_ + rng_.normal(0, 1.0), 0);
    if (alb < 15) alb = 15;
    double alb_written = alb;
    if (albumin_in_g_dl_) {
      const double gdl = round_to(alb / 10, 1);
      em_.quantity(d, kLoinc, "1751-7", gdl, 1, "g/dL");
      alb_written = gdl * 10;
    } else {
      em_.quantity(d, kLoinc, "1751-7", alb, 0, "g/L");
    }
    const double inr = round_to(inr0_ + 0.15 * damage_ + rng_.uniform(-0.05, 0.05), 2);
    em_.quantity(d, kLoinc, "6301-6", inr, 2, "{INR}");
    const double ast = round_to(rng_.uniform(25, 80) * (1 + 0.3 * damage_), 0);
    em_.quantity(d, kLoinc, "1920-8", ast, 0, "U/L");
    em_.quantity(d, kLoinc, "1742-6", round_to(ast * rng_.uniform(0.6, 1.2), 0), 0, "U/L");
    em_.quantity(d, kLoinc, "777-3", round_to(rng_.uniform(60, 250), 0), 0, "10*3/uL");
    em_.quantity(d, kLoinc, "2160-0", round_to(rng_.uniform(0.6, 1.3), 2), 2, "mg/dL");
    em_.quantity(d, kLoinc, "1834-1", round_to(afp_, 1), 1, "ng/mL");
    em_.quantity(d, kLoinc, "34444-0", round_to(dcp_, 0), 0, "m[arb'U]/mL");
    em_.integer(d, kLoinc, "89247-1", ecog_);
    static constexpr std::string_view kAscites[] = {"none", "slight", "moderate-severe"};
    static constexpr std::string_view kEnceph[] = {"none", "grade-1-2", "grade-3-4"};
    em_.coded(d, "ascites", kAscites[ascites_grade()]);
    em_.coded(d, "encephalopathy", kEnceph[enceph_grade()]);
    weight_ = round_to(weight_ + rng_.uniform(-1.5, 1.0), 1);
    em_.quantity(d, kLoinc, "29463-7", weight_, 1, "kg");
    for (const auto& u : kUnrelated)
      em_.quantity(d, kLoinc, u.code, round_to(rng_.uniform(u.lo, u.hi), u.decimals), u.decimals, u.unit, true);
    last_cp_ = child_pugh_points(bili_written, alb_written, inr, ascites_grade(), enceph_grade());
    return last_cp_;
  }

  // Imaging findings of one study; `response` on the assessment of a session, `new_lesions` after S1.
  void imaging(Date d, std::optional<Category> response, std::optional<int> new_lesions, double viable,
               double size_change) {
    em_.integer(d, kHcc, "intrahepatic-tumor-count", count_);
    if (diameter_in_mm_) em_.quantity(d, kHcc, "largest-tumor-diameter", round_to(diameter_cm_ * 10, 0), 0, "mm");
    else em_.quantity(d, kHcc, "largest-tumor-diameter", round_to(diameter_cm_, 1), 1, "cm");
    if (new_lesions) em_.integer(d, kHcc, "new-intrahepatic-lesion", *new_lesions);
    if (response) {
      em_.coded(d, "mrecist-response", to_code(*response));
      em_.quantity(d, kHcc, "viable-tumor-percent", round_to(viable, 0), 0, "%");
      em_.quantity(d, kHcc, "treated-size-change-percent", round_to(size_change, 0), 0, "%");
    }
    em_.coded(d, "macrovascular-invasion", to_code(vi_));
    em_.boolean(d, "extrahepatic-spread", ehs_);
    em_.coded(d, "tumor-morphology", morphology_);
    em_.boolean(d, "bilobar-disease", bilobar_);
  }

  // Death in the interval (from, to]: per ~60 days, from the state; never from the treatment.
  bool dies_before(Date from, Date to) {
    if (switch_hr_) {
      // The control model: one daily probability for the whole course, set by ECOG (constant),
      // times H on every day after the first day of systemic therapy; one draw per day, so that
      // the hazard is the same on every day of the interval.
      const double q0 = control_daily_ > 0.5 ? 0.5 : control_daily_;
      const double q1 = control_daily_ * *switch_hr_ > 0.5 ? 0.5 : control_daily_ * *switch_hr_;
      const int span = days_between(from, to);
      for (int day = 1; day <= span; ++day) {
        const bool switched = systemic_start_ && from.plus_days(day) > *systemic_start_;
        if (!rng_.bernoulli(switched ? q1 : q0)) continue;
        death_ = from.plus_days(day);
        if (*death_ > kFollowUpEnd) {
          death_.reset();
          return false;
        }
        dead_ = true;
        ++sum_.died;
        return true;
      }
      return false;
    }
    double p;
    {
      const int cp_above = last_cp_ > 5 ? last_cp_ - 5 : 0;
      double h = p_.death_base + p_.death_per_child_pugh_point_above_5 * cp_above +
                 (vi_ != Vi::Absent ? p_.death_vascular_invasion : 0) + (ehs_ ? p_.death_extrahepatic_spread : 0);
      if (h > 0.6) h = 0.6;
      p = h * days_between(from, to) / 60.0;
    }
    if (!rng_.bernoulli(p)) return false;
    const int span = days_between(from, to);
    death_ = from.plus_days(span > 1 ? rng_.integer(1, span - 1) : 1);
    if (*death_ > kFollowUpEnd) {
      death_.reset();
      return false;
    }
    dead_ = true;
    ++sum_.died;
    return true;
  }

  // The next visit on `to`, or false when the patient died before or follow-up ended.
  bool reaches(Date from, Date to) {
    if (dead_) return false;
    if (to > kFollowUpEnd) return false;
    return !dies_before(from, to);
  }

  // ---- the course ----------------------------------------------------------------------

  void baseline() {
    male_ = rng_.bernoulli(0.8);
    baseline_date_ = Date::from_ymd(2016, 1, 1)->plus_days(rng_.integer(0, 6 * 365 + 180));
    birth_ = baseline_date_.plus_days(-rng_.integer(45 * 365, 85 * 365));
    bilirubin_in_mg_ = rng_.bernoulli(0.5);
    albumin_in_g_dl_ = rng_.bernoulli(0.4);
    diameter_in_mm_ = rng_.bernoulli(0.5);
    count_ = 1 + rng_.pick({0.15, 0.25, 0.25, 0.15, 0.10, 0.10});
    diameter_cm_ = rng_.uniform(2.5, 9.0);
    bilobar_ = count_ >= 2 && rng_.bernoulli(0.15 * count_);
    static constexpr std::string_view kMorph[] = {"simple-nodular", "confluent-multinodular", "extranodular-growth",
                                                  "poorly-differentiated"};
    morphology_ = kMorph[rng_.pick({0.60, 0.25, 0.10, 0.05})];
    afp_ = rng_.geometric(2, 1.8, 14);
    dcp_ = rng_.geometric(15, 1.8, 12);
    bili0_ = rng_.uniform(7, 26);
    alb0_ = rng_.uniform(34, 45);
    inr0_ = rng_.uniform(0.95, 1.25);
    damage_ = rng_.uniform(0, 0.6) * rng_.uniform(0, 1);
    weight_ = rng_.uniform(48, 95);
    ecog_ = rng_.bernoulli(0.35) ? 1 : 0;
    if (switch_hr_) ecog_ = control_ecog_;  // (the draw above keeps the stream's order)

    const Date d = baseline_date_;
    em_.condition(fhir::kIcd10, "C22.0", d.plus_days(-rng_.integer(0, 60)), std::nullopt);
    if (rng_.bernoulli(0.55)) em_.condition(fhir::kIcd10, "B18.1", d.plus_days(-rng_.integer(400, 5000)), std::nullopt);
    else if (rng_.bernoulli(0.4))
      em_.condition(fhir::kIcd10, "B18.2", d.plus_days(-rng_.integer(400, 5000)), std::nullopt);
    else em_.condition(fhir::kIcd10, "K70.3", d.plus_days(-rng_.integer(400, 5000)), std::nullopt);
    if (rng_.bernoulli(0.25)) em_.condition(fhir::kIcd10, "E11.9", d.plus_days(-rng_.integer(400, 5000)), std::nullopt);
    if (rng_.bernoulli(0.35)) em_.condition(fhir::kIcd10, "I10", d.plus_days(-rng_.integer(400, 5000)), std::nullopt);
    if (rng_.bernoulli(0.04)) {
      const Date onset = d.plus_days(-rng_.integer(200, 1500));
      em_.condition(kHcc, "variceal-bleeding", onset, onset.plus_days(rng_.integer(3, 14)));
    }
    if (rng_.bernoulli(0.5)) em_.other_medication(d.plus_days(-rng_.integer(30, 3000)), "306266");  // entecavir
    if (rng_.bernoulli(0.3)) em_.other_medication(d.plus_days(-rng_.integer(30, 3000)), "8787");    // propranolol
    if (rng_.bernoulli(0.2)) em_.other_medication(d.plus_days(-rng_.integer(30, 3000)), "6809");    // metformin

    labs_and_grades(d);
    imaging(d, std::nullopt, std::nullopt, 0, 0);
    em_.boolean(d, "curative-treatment-unsuitable", true);
    if (rng_.bernoulli(0.6)) {
      static constexpr std::string_view kVarices[] = {"none", "low-risk", "high-risk-untreated", "treated"};
      em_.coded(d.plus_days(-rng_.integer(1, 60)), "varices", kVarices[rng_.pick({0.45, 0.3, 0.1, 0.15})]);
    }
  }

  Category draw_response(int session) {
    double p_or = p_.objective_response[static_cast<std::size_t>(session <= 4 ? session - 1 : 3)];
    if (switch_hr_)
      p_or = std::min(0.95, p_or * (good_responder_ ? p_.good_responder_factor : p_.poor_responder_factor));
    if (rng_.bernoulli(p_or)) return rng_.bernoulli(p_.complete_among_responses) ? Category::CR : Category::PR;
    return rng_.bernoulli(p_.pd_among_non_responses) ? Category::PD : Category::SD;
  }

  // The TACE course from session date `s`; then the next phase.
  void tace_course(Date s) {
    int sessions_after_refractory = 0, allowed_after_refractory = 0;
    while (true) {
      if (!reaches(last_visit_, s)) return;
      ++sessions_;
      ++sum_.sessions;
      if (refractory_) ++sessions_after_refractory;
      if (refractory_ && sessions_after_refractory == 1) ++sum_.continued_tace;
      em_.tace(s, rng_.bernoulli(0.6) ? "cTACE" : "DEB-TACE");
      if (rng_.bernoulli(0.05)) em_.other_procedure(s.plus_days(-1), "233527006", "completed");  // central line
      damage_ += rng_.uniform(p_.damage_per_session_min, p_.damage_per_session_max);
      if (rng_.bernoulli(p_.acute_damage_probability)) damage_ += p_.acute_damage;

      // The response and what follows from it.
      const Category c = draw_response(sessions_);
      const double afp_factor = c == Category::CR   ? rng_.uniform(0.15, 0.5)
                                : c == Category::PR ? rng_.uniform(0.4, 0.85)
                                : c == Category::SD ? rng_.uniform(0.8, 1.3)
                                                    : rng_.uniform(1.3, 2.6);
      const double afp_before = afp_, dcp_before = dcp_;
      const double afp_after = afp_before * afp_factor, dcp_after = dcp_before * afp_factor * rng_.uniform(0.8, 1.25);
      const Date assess = s.plus_days(rng_.integer(28, 49));
      // Tumour markers drawn between the session and its assessment (half of the sessions).
      Date from = s;
      if (rng_.bernoulli(0.5)) {
        const Date m = s.plus_days(rng_.integer(14, 21));
        if (!reaches(s, m)) return;
        em_.quantity(m, kLoinc, "1834-1", round_to(std::sqrt(afp_before * afp_after), 1), 1, "ng/mL");
        em_.quantity(m, kLoinc, "34444-0", round_to(std::sqrt(dcp_before * dcp_after), 0), 0, "m[arb'U]/mL");
        from = m;
      }
      if (!reaches(from, assess)) return;
      afp_ = afp_after < 1 ? 1 : (afp_after > 500000 ? 500000 : afp_after);
      dcp_ = dcp_after < 5 ? 5 : (dcp_after > 500000 ? 500000 : dcp_after);
      int new_lesions = 0;
      double viable = 0, size_change = 0;
      switch (c) {
        case Category::CR:
          viable = 0;
          size_change = -rng_.uniform(30, 70);
          diameter_cm_ *= rng_.uniform(0.6, 0.9);
          break;
        case Category::PR:
          viable = rng_.uniform(5, 45);
          size_change = -rng_.uniform(10, 50);
          diameter_cm_ *= rng_.uniform(0.7, 0.95);
          break;
        case Category::SD:
          viable = rng_.uniform(30, 85);
          size_change = rng_.uniform(-10, 15);
          diameter_cm_ *= rng_.uniform(0.92, 1.1);
          break;
        case Category::PD:
          viable = rng_.uniform(55, 100);
          size_change = rng_.uniform(5, 60);
          diameter_cm_ *= rng_.uniform(1.05, 1.4);
          if (rng_.bernoulli(p_.new_lesions_given_pd)) new_lesions = rng_.integer(1, 3);
          break;
      }
      if (diameter_cm_ > 25) diameter_cm_ = 25;
      if (diameter_cm_ < 0.5) diameter_cm_ = 0.5;
      count_ += new_lesions;
      if (new_lesions > 0 && count_ >= 2 && rng_.bernoulli(0.3)) bilobar_ = true;
      bool new_finding = false;
      if (vi_ == Vi::Absent &&
          rng_.bernoulli(c == Category::PD ? p_.new_vascular_invasion_after_pd : p_.new_vascular_invasion)) {
        vi_ = rng_.bernoulli(p_.main_portal_vein_share) ? Vi::MainPortalVein : Vi::Branch;
        ++sum_.new_vascular_invasion;
        new_finding = true;
      }
      if (!ehs_ &&
          rng_.bernoulli(c == Category::PD ? p_.new_extrahepatic_spread_after_pd : p_.new_extrahepatic_spread)) {
        ehs_ = true;
        ++sum_.new_extrahepatic_spread;
        new_finding = true;
      }
      if ((rng_.bernoulli(0.05) || (new_finding && rng_.bernoulli(0.3))) && !switch_hr_)
        ecog_ = ecog_ < 4 ? ecog_ + 1 : 4;

      const int cp = labs_and_grades(assess);
      imaging(assess, c, new_lesions, viable, size_change);
      const std::size_t k = static_cast<std::size_t>(sessions_ <= 8 ? sessions_ - 1 : 7);
      ++sum_.assessed[k];
      const bool objective = c == Category::CR || c == Category::PR;
      if (objective) ++sum_.responded[k];
      non_responses_in_a_row_ = objective ? 0 : non_responses_in_a_row_ + 1;

      // The clinicians' choice.
      const bool refractory_now = non_responses_in_a_row_ >= 2 || vi_ != Vi::Absent || ehs_;
      if (cp >= 10 || ecog_ >= 3) {
        if (refractory_now && !refractory_) mark_refractory(cp, assess);
        supportive(assess);
        return;
      }
      if (refractory_now && !refractory_) {
        mark_refractory(cp, assess);
        const bool fit = cp <= 6 && ecog_ <= 1;
        if (rng_.bernoulli(fit ? p_.switch_when_refractory_fit : p_.switch_when_refractory_unfit)) {
          systemic(assess);
          return;
        }
        if (!rng_.bernoulli(p_.continue_tace_when_refractory)) {
          supportive(assess);
          return;
        }
        allowed_after_refractory = rng_.integer(1, 3);
      } else if (refractory_ && sessions_after_refractory >= allowed_after_refractory) {
        // Under the control model nobody switches after the refractoriness assessment (the draw is
        // kept so that the stream's order stays that of today's model).
        if (rng_.bernoulli(0.3) && cp <= 7 && !switch_hr_) systemic(assess);
        else supportive(assess);
        return;
      } else if (!refractory_ && c == Category::CR && rng_.bernoulli(p_.stop_after_complete_response)) {
        if (!surveillance(assess)) return;
        s = next_;
        continue;
      }
      if (sessions_ >= p_.max_sessions) {
        surveillance(assess);
        return;
      }
      s = assess.plus_days(rng_.integer(7, 28));
    }
  }

  void mark_refractory(int cp, Date on) {
    refractory_ = true;
    refractory_on_ = on;
    cp_at_refractory_ = cp;
    ecog_at_refractory_ = ecog_;
    vi_at_refractory_ = vi_ != Vi::Absent;
    ehs_at_refractory_ = ehs_;
    ++sum_.refractory;
    if (cp >= 7) ++sum_.refractory_child_pugh_b_or_c;
  }

  // Imaging every ~3 months after a complete response; a recurrence brings TACE back (true,
  // with next_ the date of the next session).
  bool surveillance(Date from) {
    Date d = from;
    for (int i = 0; i < 3; ++i) {
      const Date v = d.plus_days(rng_.integer(80, 100));
      if (!reaches(d, v)) return false;
      damage_ += rng_.uniform(-0.05, 0.05);
      if (damage_ < 0) damage_ = 0;
      int fresh = 0;
      if (rng_.bernoulli(0.3)) {
        fresh = rng_.integer(1, 2);
        count_ += fresh;
      }
      labs_and_grades(v);
      imaging(v, std::nullopt, fresh, 0, 0);
      d = v;
      if (fresh > 0 && sessions_ < p_.max_sessions) {
        next_ = v.plus_days(rng_.integer(7, 28));
        non_responses_in_a_row_ = 0;
        return true;
      }
    }
    return false;
  }

  // Systemic therapy from ~2 weeks after `from`: the regimen of its era, visits every 2–3 months,
  // stopped for progression or intolerance, sometimes a second line.
  void systemic(Date from) {
    ++sum_.switched;
    Date start = from.plus_days(rng_.integer(7, 28));
    if (!reaches(from, start)) return;
    if (!systemic_start_) systemic_start_ = start;
    const bool modern = start.year() >= 2020;
    std::string_view reg;
    double dose = 0;
    if (modern) {
      const int r = rng_.pick({0.7, 0.2, 0.1});
      reg = r == 0 ? "atezolizumab-bevacizumab" : r == 1 ? "lenvatinib" : "durvalumab-tremelimumab";
    } else {
      reg = rng_.bernoulli(0.65) ? "sorafenib" : "lenvatinib";
    }
    if (reg == "sorafenib") dose = 800;
    if (reg == "lenvatinib") dose = weight_ >= 60 ? 12 : 8;
    for (int line = 1; line <= 2; ++line) {
      Date d = start;
      std::optional<Date> end;
      std::string_view reason;
      for (int i = 0; i < 3 && !end; ++i) {
        const Date v = d.plus_days(rng_.integer(56, 90));
        if (!reaches(d, v)) break;
        int fresh = 0;
        const bool progression = rng_.bernoulli(0.3);
        if (progression) {
          diameter_cm_ *= rng_.uniform(1.05, 1.3);
          if (diameter_cm_ > 25) diameter_cm_ = 25;
          if (rng_.bernoulli(0.5)) fresh = rng_.integer(1, 3);
          count_ += fresh;
        }
        damage_ += rng_.uniform(0, 0.15);
        labs_and_grades(v);
        imaging(v, std::nullopt, fresh, 0, 0);
        d = v;
        if (progression) {
          end = v;
          reason = "progression";
        } else if (rng_.bernoulli(0.06)) {
          end = v;
          reason = "intolerance";
        }
      }
      em_.regimen(reg, start, end, reason, dose);
      if (!end || dead_ || line == 2 || !rng_.bernoulli(0.5)) return;
      const Date next = end->plus_days(rng_.integer(7, 21));
      if (!reaches(*end, next)) return;
      if (reg == "sorafenib") {
        reg = rng_.bernoulli(0.6) ? "regorafenib" : "cabozantinib";
        dose = reg == "regorafenib" ? 160 : 60;
      } else {
        reg = rng_.bernoulli(0.5) ? "sorafenib" : "cabozantinib";
        dose = reg == "sorafenib" ? 800 : 60;
      }
      start = next;
    }
  }

  // Supportive care: labs and bedside grades every 2–3 months, 1–3 visits.
  void supportive(Date from) {
    ++sum_.supportive_care;
    Date d = from;
    const int visits = rng_.integer(1, 3);
    for (int i = 0; i < visits; ++i) {
      const Date v = d.plus_days(rng_.integer(60, 90));
      if (!reaches(d, v)) return;
      damage_ += rng_.uniform(0, 0.3);
      labs_and_grades(v);
      d = v;
    }
  }
};

}  // namespace

void Summary::add(const Summary& o) {
  patients += o.patients;
  for (std::size_t i = 0; i < assessed.size(); ++i) {
    assessed[i] += o.assessed[i];
    responded[i] += o.responded[i];
  }
  refractory += o.refractory;
  refractory_child_pugh_b_or_c += o.refractory_child_pugh_b_or_c;
  switched += o.switched;
  continued_tace += o.continued_tace;
  supportive_care += o.supportive_care;
  new_vascular_invasion += o.new_vascular_invasion;
  new_extrahepatic_spread += o.new_extrahepatic_spread;
  died += o.died;
  sessions += o.sessions;
  lines_patient += o.lines_patient;
  lines_observation += o.lines_observation;
  lines_unrelated_observation += o.lines_unrelated_observation;
  lines_procedure += o.lines_procedure;
  lines_medication += o.lines_medication;
  lines_condition += o.lines_condition;
}

void generate_patient(const Options& options, int index, Ndjson& out, Summary& summary) {
  Course(options, index, out, summary, false).run();
}

Summary summarize_cohort(const Options& options, std::string* truth) {
  Summary s;
  Ndjson unused;
  for (int i = 0; i < options.patients; ++i) Course(options, i, unused, s, true).run();
  if (truth) *truth = std::move(unused.truth);
  return s;
}

Summary generate_cohort(const Options& options, Ndjson& out) {
  Summary s;
  for (int i = 0; i < options.patients; ++i) generate_patient(options, i, out, s);
  return s;
}

namespace {

// One output file written through a temporary file renamed when complete.
class OutFile {
 public:
  OutFile(const std::string& dir, std::string_view name, bool gzip)
      : path_(fmt::format("{}/{}.ndjson{}", dir, name, gzip ? ".gz" : "")),
        tmp_(fmt::format("{}/.{}.ndjson{}.tmp.{}", dir, name, gzip ? ".gz" : "", static_cast<long>(::getpid()))),
        gzip_(gzip) {
    if (gzip_) gz_ = gzopen(tmp_.c_str(), "wb6");
    else f_ = std::fopen(tmp_.c_str(), "wb");
    if (!gz_ && !f_) throw std::runtime_error(fmt::format("{}: cannot write the file", path_));
  }
  OutFile(const OutFile&) = delete;
  OutFile& operator=(const OutFile&) = delete;
  ~OutFile() {
    if (gz_) gzclose(gz_);
    if (f_) std::fclose(f_);
    if (!done_) std::remove(tmp_.c_str());
  }
  void write(std::string& buf) {
    if (buf.empty()) return;
    bool ok;
    if (gzip_) ok = gzwrite(gz_, buf.data(), static_cast<unsigned>(buf.size())) == static_cast<int>(buf.size());
    else ok = std::fwrite(buf.data(), 1, buf.size(), f_) == buf.size();
    if (!ok) throw std::runtime_error(fmt::format("{}: writing failed", path_));
    buf.clear();
  }
  void commit() {
    bool ok = true;
    if (gz_) ok = gzclose(gz_) == Z_OK;
    if (f_) ok = std::fclose(f_) == 0;
    gz_ = nullptr;
    f_ = nullptr;
    if (!ok || std::rename(tmp_.c_str(), path_.c_str()) != 0)
      throw std::runtime_error(fmt::format("{}: writing failed", path_));
    done_ = true;
  }

 private:
  std::string path_, tmp_;
  bool gzip_;
  gzFile gz_ = nullptr;
  std::FILE* f_ = nullptr;
  bool done_ = false;
};

}  // namespace

namespace {

void write_truth(const std::string& dir, const std::string& content) {
  const std::string path = fmt::format("{}/truth.csv", dir);
  const std::string tmp = fmt::format("{}/.truth.csv.tmp.{}", dir, static_cast<long>(::getpid()));
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) throw std::runtime_error(fmt::format("{}: cannot write the file", path));
  const bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size();
  if (std::fclose(f) != 0 || !ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw std::runtime_error(fmt::format("{}: writing failed", path));
  }
}

}  // namespace

Summary write_cohort(const Options& options, const std::string& dir, bool gzip) {
  OutFile patient(dir, "Patient", gzip), observation(dir, "Observation", gzip), procedure(dir, "Procedure", gzip),
      medication(dir, "MedicationStatement", gzip), condition(dir, "Condition", gzip);
  Summary s;
  Ndjson buf;
  std::string truth(kTruthHeader);
  auto flush = [&] {
    truth += buf.truth;
    buf.truth.clear();
    patient.write(buf.patient);
    observation.write(buf.observation);
    procedure.write(buf.procedure);
    medication.write(buf.medication);
    condition.write(buf.condition);
  };
  for (int i = 0; i < options.patients; ++i) {
    generate_patient(options, i, buf, s);
    if (buf.observation.size() > (4u << 20)) flush();
  }
  flush();
  for (OutFile* f : {&patient, &observation, &procedure, &medication, &condition}) f->commit();
  write_truth(dir, truth);
  return s;
}

std::string describe(const Summary& s) {
  std::string rates;
  for (std::size_t k = 0; k < 4; ++k)
    rates += fmt::format(
        "{}S{} {:.1f}% ({}/{})", k ? ", " : "", k + 1,
        s.assessed[k] ? 100.0 * static_cast<double>(s.responded[k]) / static_cast<double>(s.assessed[k]) : 0.0,
        s.responded[k], s.assessed[k]);
  const double unrelated = s.lines_observation ? 100.0 * static_cast<double>(s.lines_unrelated_observation) /
                                                     static_cast<double>(s.lines_observation)
                                               : 0.0;
  return fmt::format(
      "{} patients, {} TACE sessions. Objective response by session: {}.\n"
      "Refractory (model event): {} ({:.1f}% Child-Pugh B/C then); switched to systemic therapy {}, "
      "TACE continued after refractoriness {}, supportive care {}; new macrovascular invasion {}, new "
      "extrahepatic spread {}; died {}.\n"
      "Lines: Patient {}, Observation {} ({:.1f}% unrelated to HCC), Procedure {}, MedicationStatement {}, "
      "Condition {}.\n",
      s.patients, s.sessions, rates, s.refractory,
      s.refractory ? 100.0 * s.refractory_child_pugh_b_or_c / s.refractory : 0.0, s.switched, s.continued_tace,
      s.supportive_care, s.new_vascular_invasion, s.new_extrahepatic_spread, s.died, s.lines_patient,
      s.lines_observation, unrelated, s.lines_procedure, s.lines_medication, s.lines_condition);
}

}  // namespace switchpoint::synth
