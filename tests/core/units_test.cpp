// Units and plausibility of CLINICAL_RULES.md §1. The expected factors, spellings and ranges
// below are written from the rules, not read back from src/core/units.cpp, so a change to the
// table there must be mirrored here on purpose.
#include "core/units.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

namespace switchpoint {
namespace {

// The micro sign (U+00B5) and the Greek small letter mu (U+03BC) look alike and both occur in
// laboratory exports; both are accepted.
constexpr std::string_view kMicro = "\xC2\xB5";
constexpr std::string_view kMu = "\xCE\xBC";

std::string with(std::string_view micro, std::string_view rest_before, std::string_view rest_after) {
  return std::string(rest_before) + std::string(micro) + std::string(rest_after);
}

struct ExpectedUnit {
  std::string spelling;
  double factor;  // canonical = value × factor
};

struct ExpectedQuantity {
  Quantity q;
  std::string key;
  std::vector<ExpectedUnit> units;  // the first is the canonical unit
  double min, max;                  // plausible range in the canonical unit, inclusive
};

// CLINICAL_RULES.md §1, spelled as clinicians and UCUM write them (§10).
std::vector<ExpectedQuantity> expected() {
  return {
      {Quantity::Bilirubin,
       "bilirubin",
       {{"umol/L", 1}, {with(kMicro, "", "mol/L"), 1}, {with(kMu, "", "mol/L"), 1}, {"mg/dL", 17.1}},
       3.0,  // project floor, not the rules' 1 µmol/L: see units.cpp and docs/record-format.md
       1000.0},
      {Quantity::Albumin, "albumin", {{"g/L", 1}, {"g/dL", 10}}, 10.0, 60.0},
      {Quantity::Inr, "inr", {{"{INR}", 1}, {"INR", 1}, {"ratio", 1}, {"1", 1}}, 0.7, 10.0},
      {Quantity::PtProlongation, "pt_prolongation", {{"s", 1}, {"sec", 1}}, 0.0, 60.0},
      {Quantity::Ast, "ast", {{"U/L", 1}, {"IU/L", 1}, {"[IU]/L", 1}}, 1.0, 10000.0},
      {Quantity::Alt, "alt", {{"U/L", 1}, {"IU/L", 1}, {"[IU]/L", 1}}, 1.0, 10000.0},
      {Quantity::Platelets,
       "platelets",
       {{"10*9/L", 1},
        {"10^9/L", 1},
        {"10*3/uL", 1},
        {"10^3/uL", 1},
        {with(kMicro, "10^3/", "L"), 1},
        {with(kMicro, "10*3/", "L"), 1},
        {with(kMu, "10^3/", "L"), 1},
        {with(kMu, "10*3/", "L"), 1},
        {"/uL", 0.001},
        {with(kMicro, "/", "L"), 0.001},
        {with(kMu, "/", "L"), 0.001}},
       5.0,
       1500.0},
      {Quantity::Creatinine,
       "creatinine",
       {{"umol/L", 1}, {with(kMicro, "", "mol/L"), 1}, {with(kMu, "", "mol/L"), 1}, {"mg/dL", 88.4}},
       10.0,
       2000.0},
      {Quantity::Afp,
       "afp",
       {{"ng/mL", 1},
        {"ug/L", 1},
        {with(kMicro, "", "g/L"), 1},
        {with(kMu, "", "g/L"), 1},
        {"[IU]/mL", 1.21},
        {"IU/mL", 1.21}},
       0.0,
       1e7},
      {Quantity::Dcp, "dcp", {{"mAU/mL", 1}, {"m[arb'U]/mL", 1}, {"{mAU}/mL", 1}}, 0.0, 1e7},
      {Quantity::Weight, "weight", {{"kg", 1}, {"lb", 0.4536}, {"[lb_av]", 0.4536}}, 25.0, 300.0},
      {Quantity::Diameter, "diameter", {{"cm", 1}, {"mm", 0.1}}, 0.0, 40.0},
      {Quantity::Percent, "percent", {{"%", 1}}, 0.0, 100.0},
  };
}

double accepted(Quantity q, double v, std::string_view unit) {
  const Converted c = to_canonical(q, v, unit);
  EXPECT_TRUE(c.canonical.has_value()) << v << " " << unit << ": " << c.problem;
  EXPECT_TRUE(c.problem.empty()) << c.problem;
  return c.canonical.value_or(NAN);
}

std::string refused(Quantity q, double v, std::string_view unit) {
  const Converted c = to_canonical(q, v, unit);
  EXPECT_FALSE(c.canonical.has_value()) << v << " " << unit << " was accepted as " << c.canonical.value_or(NAN);
  EXPECT_FALSE(c.problem.empty());
  return c.problem;
}

bool contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

TEST(Units, AcceptedSpellingsAreExactlyTheDocumentedOnes) {
  for (const auto& e : expected()) {
    const QuantitySpec& s = spec_of(e.q);
    EXPECT_EQ(s.quantity, e.q);
    EXPECT_EQ(s.key, e.key);
    std::set<std::string> want, have;
    for (const auto& u : e.units) want.insert(u.spelling);
    for (const auto& u : s.units) have.insert(std::string(u.spelling));
    EXPECT_EQ(have, want) << e.key;
    ASSERT_FALSE(s.units.empty());
    EXPECT_EQ(s.units.front().spelling, e.units.front().spelling) << e.key << ": canonical unit first";
    EXPECT_EQ(s.units.front().factor, 1.0) << e.key;
    EXPECT_EQ(s.plausible_min, e.min) << e.key;
    EXPECT_EQ(s.plausible_max, e.max) << e.key;
  }
  EXPECT_EQ(all_quantity_specs().size(), expected().size());
}

TEST(Units, CanonicalUnitDisplaySpellings) {
  EXPECT_EQ(spec_of(Quantity::Bilirubin).canonical_unit, "\xC2\xB5mol/L");
  EXPECT_EQ(spec_of(Quantity::Albumin).canonical_unit, "g/L");
  EXPECT_EQ(spec_of(Quantity::Platelets).canonical_unit, "10^9/L");
  EXPECT_EQ(spec_of(Quantity::Creatinine).canonical_unit, "\xC2\xB5mol/L");
  EXPECT_EQ(spec_of(Quantity::Afp).canonical_unit, "ng/mL");
  EXPECT_EQ(spec_of(Quantity::Dcp).canonical_unit, "mAU/mL");
  EXPECT_EQ(spec_of(Quantity::Weight).canonical_unit, "kg");
  EXPECT_EQ(spec_of(Quantity::Diameter).canonical_unit, "cm");
}

// "Both ways": a value in each unit gives value × factor in the canonical unit, and a canonical
// value expressed back in each unit (÷ factor) converts to that same canonical value.
TEST(Units, EveryAcceptedUnitConvertsBothWays) {
  for (const auto& e : expected()) {
    // A canonical value comfortably inside the range, and one near each end.
    const double mid = e.min + (e.max - e.min) * 0.37;
    for (const auto& u : e.units) {
      for (double canonical : {mid, e.min + (e.max - e.min) * 0.01, e.max * 0.99}) {
        const double in_unit = canonical / u.factor;
        EXPECT_NEAR(accepted(e.q, in_unit, u.spelling), canonical, 1e-9 * std::fmax(1.0, canonical))
            << e.key << " " << in_unit << " " << u.spelling;
      }
      const double v = (e.min + e.max) / 2 / u.factor;
      EXPECT_DOUBLE_EQ(accepted(e.q, v, u.spelling), v * u.factor) << e.key << " " << u.spelling;
    }
  }
}

TEST(Units, ConversionFactorsOfTheRules) {
  EXPECT_DOUBLE_EQ(accepted(Quantity::Bilirubin, 1.0, "mg/dL"), 17.1);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Bilirubin, 17.1, "umol/L"), 17.1);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Albumin, 3.5, "g/dL"), 35.0);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Albumin, 35, "g/L"), 35.0);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Creatinine, 1.0, "mg/dL"), 88.4);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Creatinine, 2.0, "mg/dL"), 176.8);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Afp, 100, "IU/mL"), 121.0);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Afp, 100, "[IU]/mL"), 121.0);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Afp, 400, "ug/L"), 400.0);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Weight, 150, "lb"), 68.04);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Weight, 150, "kg"), 150.0);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Diameter, 45, "mm"), 4.5);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Diameter, 3, "mm"), 0.3);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Diameter, 4.5, "cm"), 4.5);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Platelets, 150, "10^3/uL"), 150.0);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Platelets, 150, "10*9/L"), 150.0);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Platelets, 150000, "/uL"), 150.0);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Dcp, 40, "m[arb'U]/mL"), 40.0);
}

TEST(Units, SpellingIsCaseInsensitiveAndTrimmed) {
  EXPECT_DOUBLE_EQ(accepted(Quantity::Bilirubin, 1.0, "MG/DL"), 17.1);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Bilirubin, 1.0, "mg/dl"), 17.1);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Bilirubin, 20, "UMOL/L"), 20.0);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Bilirubin, 20, "umol/l"), 20.0);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Albumin, 4.0, "G/DL"), 40.0);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Inr, 1.1, "inr"), 1.1);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Afp, 10, "iu/ml"), 12.1);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Dcp, 40, "MAU/ML"), 40.0);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Weight, 100, "LB"), 45.36);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Diameter, 30, "MM"), 3.0);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Platelets, 150, "10^9/l"), 150.0);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Bilirubin, 1.0, "  mg/dL\t"), 17.1);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Albumin, 40, " g/L "), 40.0);
}

TEST(Units, MicroSignVariants) {
  for (std::string_view micro : {kMicro, kMu}) {
    EXPECT_DOUBLE_EQ(accepted(Quantity::Bilirubin, 20, with(micro, "", "mol/L")), 20.0);
    EXPECT_DOUBLE_EQ(accepted(Quantity::Bilirubin, 20, with(micro, "", "MOL/L")), 20.0);
    EXPECT_DOUBLE_EQ(accepted(Quantity::Creatinine, 80, with(micro, "", "mol/l")), 80.0);
    EXPECT_DOUBLE_EQ(accepted(Quantity::Afp, 12, with(micro, "", "g/L")), 12.0);
    EXPECT_DOUBLE_EQ(accepted(Quantity::Platelets, 150, with(micro, "10^3/", "L")), 150.0);
    EXPECT_DOUBLE_EQ(accepted(Quantity::Platelets, 150000, with(micro, "/", "L")), 150.0);
  }
  // "mmol/L" is not µmol/L: a thousand-fold difference must never be guessed.
  EXPECT_TRUE(contains(refused(Quantity::Bilirubin, 0.02, "mmol/L"), "unknown unit 'mmol/L'"));
  EXPECT_TRUE(contains(refused(Quantity::Creatinine, 0.08, "mmol/L"), "unknown unit 'mmol/L'"));
}

TEST(Units, PlausibilityBoundsAreInclusiveOnBothSides) {
  for (const auto& e : expected()) {
    const std::string_view canonical = e.units.front().spelling;
    EXPECT_DOUBLE_EQ(accepted(e.q, e.min, canonical), e.min) << e.key;
    EXPECT_DOUBLE_EQ(accepted(e.q, e.max, canonical), e.max) << e.key;
    const double below_min = e.min == 0 ? -1e-9 : std::nextafter(e.min, -INFINITY);
    const double above_max = std::nextafter(e.max, INFINITY);
    EXPECT_TRUE(contains(refused(e.q, below_min, canonical), "implausible")) << e.key;
    EXPECT_TRUE(contains(refused(e.q, above_max, canonical), "implausible")) << e.key;
  }
}

TEST(Units, PlausibilityBoundsInTheOtherUnits) {
  // Bilirubin 3–1000 µmol/L = 0.1754–58.48 mg/dL.
  EXPECT_DOUBLE_EQ(accepted(Quantity::Bilirubin, 0.18, "mg/dL"), 0.18 * 17.1);
  EXPECT_FALSE(to_canonical(Quantity::Bilirubin, 0.17, "mg/dL").canonical);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Bilirubin, 58.4, "mg/dL"), 58.4 * 17.1);
  EXPECT_FALSE(to_canonical(Quantity::Bilirubin, 58.5, "mg/dL").canonical);
  // Albumin 10–60 g/L = 1.0–6.0 g/dL, ends included.
  EXPECT_DOUBLE_EQ(accepted(Quantity::Albumin, 1.0, "g/dL"), 10.0);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Albumin, 6.0, "g/dL"), 60.0);
  EXPECT_FALSE(to_canonical(Quantity::Albumin, 0.99, "g/dL").canonical);
  EXPECT_FALSE(to_canonical(Quantity::Albumin, 6.01, "g/dL").canonical);
  // Creatinine 10–2000 µmol/L = 0.1131–22.62 mg/dL.
  EXPECT_TRUE(to_canonical(Quantity::Creatinine, 0.12, "mg/dL").canonical);
  EXPECT_FALSE(to_canonical(Quantity::Creatinine, 0.11, "mg/dL").canonical);
  EXPECT_TRUE(to_canonical(Quantity::Creatinine, 22.6, "mg/dL").canonical);
  EXPECT_FALSE(to_canonical(Quantity::Creatinine, 22.7, "mg/dL").canonical);
  // Weight 25–300 kg = 55.12–661.4 lb.
  EXPECT_FALSE(to_canonical(Quantity::Weight, 55, "lb").canonical);
  EXPECT_TRUE(to_canonical(Quantity::Weight, 55.2, "lb").canonical);
  EXPECT_TRUE(to_canonical(Quantity::Weight, 661, "lb").canonical);
  EXPECT_FALSE(to_canonical(Quantity::Weight, 662, "lb").canonical);
  // Diameter 0–40 cm = 0–400 mm.
  EXPECT_DOUBLE_EQ(accepted(Quantity::Diameter, 400, "mm"), 40.0);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Diameter, 0, "mm"), 0.0);
  EXPECT_FALSE(to_canonical(Quantity::Diameter, 401, "mm").canonical);
  EXPECT_FALSE(to_canonical(Quantity::Diameter, -1, "mm").canonical);
  // Platelets 5–1500 × 10^9/L = 5000–1500000 /µL.
  EXPECT_DOUBLE_EQ(accepted(Quantity::Platelets, 5000, "/uL"), 5.0);
  EXPECT_DOUBLE_EQ(accepted(Quantity::Platelets, 1500000, "/uL"), 1500.0);
  EXPECT_FALSE(to_canonical(Quantity::Platelets, 4999, "/uL").canonical);
  EXPECT_FALSE(to_canonical(Quantity::Platelets, 1500001, "/uL").canonical);
  // AFP 0–10^7 ng/mL; in IU/mL the top is 10^7 / 1.21.
  EXPECT_TRUE(to_canonical(Quantity::Afp, 8e6, "IU/mL").canonical);
  EXPECT_FALSE(to_canonical(Quantity::Afp, 8.3e6, "IU/mL").canonical);
  EXPECT_FALSE(to_canonical(Quantity::Afp, -1, "IU/mL").canonical);
}

TEST(Units, ClassicTrapsNameTheLikelyUnit) {
  const std::string alb = refused(Quantity::Albumin, 35, "g/dL");
  EXPECT_TRUE(contains(alb, "albumin 35 g/dL")) << alb;
  EXPECT_TRUE(contains(alb, "implausible")) << alb;
  EXPECT_TRUE(contains(alb, "did you mean g/L?")) << alb;

  const std::string alb_low = refused(Quantity::Albumin, 3.5, "g/L");
  EXPECT_TRUE(contains(alb_low, "did you mean g/dL?")) << alb_low;

  const std::string bili = refused(Quantity::Bilirubin, 2.6, "umol/L");
  EXPECT_TRUE(contains(bili, "total bilirubin 2.6 umol/L")) << bili;
  EXPECT_TRUE(contains(bili, "did you mean mg/dL?")) << bili;

  const std::string crea = refused(Quantity::Creatinine, 1.2, "umol/L");
  EXPECT_TRUE(contains(crea, "creatinine 1.2 umol/L")) << crea;
  EXPECT_TRUE(contains(crea, "did you mean mg/dL?")) << crea;

  const std::string plt = refused(Quantity::Platelets, 150000, "10^9/L");
  EXPECT_TRUE(contains(plt, "platelets 150000 10^9/L")) << plt;
  EXPECT_TRUE(contains(plt, "did you mean /uL?")) << plt;

  const std::string diam = refused(Quantity::Diameter, 45, "cm");
  EXPECT_TRUE(contains(diam, "45 cm")) << diam;
  EXPECT_TRUE(contains(diam, "did you mean mm?")) << diam;

  const std::string light = refused(Quantity::Weight, 50, "lb");
  EXPECT_TRUE(contains(light, "body weight 50 lb")) << light;
  EXPECT_TRUE(contains(light, "did you mean kg?")) << light;

  const std::string heavy = refused(Quantity::Weight, 400, "kg");
  EXPECT_TRUE(contains(heavy, "body weight 400 kg")) << heavy;
  EXPECT_TRUE(contains(heavy, "did you mean lb?")) << heavy;
}

TEST(Units, ImplausibleInEveryUnitSaysCheckTheValue) {
  const std::string inr = refused(Quantity::Inr, 12, "INR");
  EXPECT_TRUE(contains(inr, "INR 12")) << inr;
  EXPECT_TRUE(contains(inr, "no accepted unit makes it plausible")) << inr;
  EXPECT_FALSE(contains(inr, "did you mean")) << inr;
  const std::string weight = refused(Quantity::Weight, 700, "lb");
  EXPECT_TRUE(contains(weight, "no accepted unit makes it plausible")) << weight;
  const std::string negative = refused(Quantity::Albumin, -4, "g/dL");
  EXPECT_TRUE(contains(negative, "no accepted unit makes it plausible")) << negative;
}

TEST(Units, MissingOrUnknownUnitIsNeverAssumed) {
  const std::string missing = refused(Quantity::Albumin, 40, "");
  EXPECT_TRUE(contains(missing, "albumin 40")) << missing;
  EXPECT_TRUE(contains(missing, "unit is missing")) << missing;
  EXPECT_TRUE(contains(missing, "g/L, g/dL")) << missing;
  EXPECT_TRUE(contains(refused(Quantity::Albumin, 40, "   "), "unit is missing"));
  // Even a dimensionless ratio needs its unit stated.
  EXPECT_TRUE(contains(refused(Quantity::Inr, 1.1, ""), "unit is missing"));

  const std::string unknown = refused(Quantity::Bilirubin, 1.0, "mg/L");
  EXPECT_TRUE(contains(unknown, "unknown unit 'mg/L'")) << unknown;
  EXPECT_TRUE(contains(unknown, "accepted: umol/L")) << unknown;
  EXPECT_TRUE(contains(unknown, "mg/dL")) << unknown;
  // A unit of another quantity is unknown here, whatever its number.
  EXPECT_TRUE(contains(refused(Quantity::Albumin, 40, "mg/dL"), "unknown unit 'mg/dL'"));
  EXPECT_TRUE(contains(refused(Quantity::Weight, 70, "g"), "unknown unit 'g'"));
  EXPECT_TRUE(contains(refused(Quantity::Diameter, 4, "in"), "unknown unit 'in'"));
}

TEST(Units, DcpInNanogramsIsADifferentAssayAndNeverConverted) {
  const std::string dcp = refused(Quantity::Dcp, 40, "ng/mL");
  EXPECT_TRUE(contains(dcp, "DCP")) << dcp;
  EXPECT_TRUE(contains(dcp, "unknown unit 'ng/mL'")) << dcp;
  EXPECT_TRUE(contains(dcp, "different DCP assay")) << dcp;
  EXPECT_TRUE(contains(dcp, "not converted")) << dcp;
}

TEST(Units, NonFiniteValuesAreRefused) {
  EXPECT_FALSE(to_canonical(Quantity::Albumin, NAN, "g/L").canonical);
  EXPECT_FALSE(to_canonical(Quantity::Albumin, INFINITY, "g/L").canonical);
}

TEST(Units, LabKeysAreTheLabQuantitiesOnly) {
  EXPECT_EQ(lab_quantity_from_key("bilirubin"), Quantity::Bilirubin);
  EXPECT_EQ(lab_quantity_from_key("albumin"), Quantity::Albumin);
  EXPECT_EQ(lab_quantity_from_key("inr"), Quantity::Inr);
  EXPECT_EQ(lab_quantity_from_key("pt_prolongation"), Quantity::PtProlongation);
  EXPECT_EQ(lab_quantity_from_key("ast"), Quantity::Ast);
  EXPECT_EQ(lab_quantity_from_key("alt"), Quantity::Alt);
  EXPECT_EQ(lab_quantity_from_key("platelets"), Quantity::Platelets);
  EXPECT_EQ(lab_quantity_from_key("creatinine"), Quantity::Creatinine);
  EXPECT_EQ(lab_quantity_from_key("afp"), Quantity::Afp);
  EXPECT_EQ(lab_quantity_from_key("dcp"), Quantity::Dcp);
  EXPECT_FALSE(lab_quantity_from_key("weight"));
  EXPECT_FALSE(lab_quantity_from_key("diameter"));
  EXPECT_FALSE(lab_quantity_from_key("percent"));
  EXPECT_FALSE(lab_quantity_from_key("Bilirubin"));  // keys are exact, unlike units
  EXPECT_FALSE(lab_quantity_from_key("sodium"));
}

// CLINICAL_RULES.md §2: a value entered exactly at a published cut-off lands on the side the
// source says, whatever unit it came in.
TEST(Units, CutOffHelpersAbsorbConversionRounding) {
  const double three_mg = accepted(Quantity::Bilirubin, 3.0, "mg/dL");
  EXPECT_EQ(three_mg, 51.300000000000004);  // the binary artefact the helpers exist for
  EXPECT_NE(three_mg, 51.3);
  EXPECT_FALSE(above(three_mg, 51.3));
  EXPECT_FALSE(below(three_mg, 51.3));
  EXPECT_TRUE(at_least(three_mg, 51.3));
  EXPECT_TRUE(at_most(three_mg, 51.3));

  const double two_mg = accepted(Quantity::Bilirubin, 2.0, "mg/dL");
  EXPECT_TRUE(at_least(two_mg, 34.2));
  EXPECT_FALSE(below(two_mg, 34.2));
  EXPECT_TRUE(at_most(two_mg, 34.2));

  // Just off the cut-off on either side is not absorbed.
  EXPECT_TRUE(above(accepted(Quantity::Bilirubin, 3.01, "mg/dL"), 51.3));
  EXPECT_TRUE(below(accepted(Quantity::Bilirubin, 2.99, "mg/dL"), 51.3));
  EXPECT_TRUE(above(51.31, 51.3));
  EXPECT_TRUE(below(51.29, 51.3));
  EXPECT_FALSE(at_most(51.31, 51.3));
  EXPECT_FALSE(at_least(51.29, 51.3));

  // Albumin 2.8 and 3.5 g/dL are the 28 and 35 g/L cut-offs.
  EXPECT_TRUE(at_least(accepted(Quantity::Albumin, 2.8, "g/dL"), 28.0));
  EXPECT_TRUE(at_most(accepted(Quantity::Albumin, 3.5, "g/dL"), 35.0));
  EXPECT_FALSE(above(accepted(Quantity::Albumin, 3.5, "g/dL"), 35.0));

  // Negative cut-offs (ALBI −2.60, −1.39) and a zero cut-off.
  EXPECT_TRUE(at_most(-2.6000000000000001, -2.60));
  EXPECT_FALSE(above(-2.6 + 1e-12, -2.6));
  EXPECT_TRUE(above(-2.59, -2.6));
  EXPECT_TRUE(below(-1.40, -1.39));
  EXPECT_FALSE(above(1e-12, 0.0));
  EXPECT_TRUE(above(1e-6, 0.0));
  EXPECT_TRUE(below(-1e-6, 0.0));
}

}  // namespace
}  // namespace switchpoint
