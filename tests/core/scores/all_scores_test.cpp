// Every score of CLINICAL_RULES.md §2 and the response summaries of §3 are registered once, in
// clinical order, with the JSON keys of INTERFACES.md; and no score ever answers without its
// inputs.
#include "core/scores/all_scores.h"

#include <gtest/gtest.h>

#include <set>

#include "test_records.h"

namespace switchpoint {
namespace {

using namespace test_records;

const std::vector<std::string_view> kOrder{
    "child_pugh", "albi",    "bclc", "kinki", "bolondi", "up_to_seven", "six_and_twelve", "tumor_burden_score",
    "hap",        "mhap_ii", "art",  "abcr",  "moral",   "moral_tace",  "mrecist",        "jsh_te"};

TEST(AllScores, RegisteredOnceInClinicalOrder) {
  const auto scores = compute_scores(PatientRecord{}, day("2024-03-01"));
  ASSERT_EQ(scores.size(), kOrder.size());
  for (std::size_t i = 0; i < kOrder.size(); ++i) {
    EXPECT_EQ(scores[i].key, kOrder[i]);
    ASSERT_NE(scores[i].rule, nullptr) << scores[i].key;
  }
}

TEST(AllScores, AnEmptyRecordGivesNoAnswerAndSaysWhy) {
  for (const auto& s : compute_scores(PatientRecord{}, day("2024-03-01"))) {
    EXPECT_FALSE(s.computed) << s.key;
    EXPECT_TRUE(s.fields.empty()) << s.key;
    if (s.applicable) EXPECT_FALSE(s.missing.empty()) << s.key << " is not computed but names no missing input";
    else EXPECT_FALSE(s.summary.empty()) << s.key << " is not applicable but gives no reason";
  }
}

TEST(AllScores, UngradedRulesAreInformationalOnly) {
  for (const auto& s : compute_scores(PatientRecord{}, day("2024-03-01"))) {
    const bool expected = s.key == "abcr" || s.key == "moral_tace";
    EXPECT_EQ(s.informational_only(), expected) << s.key;
  }
}

// A patient two months into TACE with every input present (compare examples/01).
PatientRecord full_course() {
  PatientRecord r;
  r.patient_id = "full";
  const Date base = day("2024-01-08"), after = day("2024-03-04");
  add_child_pugh(r, base, 5, 0);
  add_child_pugh(r, after, 5, 0);
  for (Date d : {base, after}) {
    r.labs.ast_u_per_l.push_back(lab(d, 40));
    r.labs.afp_ng_per_ml.push_back(lab(d, 85));
    r.labs.dcp_mau_per_ml.push_back(lab(d, 120));
  }
  r.tace.push_back(session(day("2024-01-10")));
  ImagingStudy b = study(day("2024-01-05"), 4, 4.2);
  b.target_lesions = targets({{"S7", 4.2}, {"S8", 2.5}});
  b.nontarget = NonTargetStatus::Absent;
  b.new_lesions = 0;
  b.vascular_invasion = VascularInvasion::Absent;
  b.extrahepatic_spread = false;
  r.imaging.push_back(b);
  ImagingStudy a = study(day("2024-03-01"), 4, 2.0);
  a.target_lesions = targets({{"S7", 2.0}, {"S8", 0.8}});
  a.nontarget = NonTargetStatus::Absent;
  a.new_lesions = 0;
  a.viable_tumor_percent = 30;
  a.treated_size_change_percent = -40;
  a.vascular_invasion = VascularInvasion::Absent;
  a.extrahepatic_spread = false;
  r.imaging.push_back(a);
  return r;
}

TEST(AllScores, AFullRecordComputesEveryScore) {
  for (const auto& s : compute_scores(full_course(), day("2024-03-05"))) {
    EXPECT_TRUE(s.applicable) << s.key << ": " << s.summary;
    EXPECT_TRUE(s.computed) << s.key;
    EXPECT_TRUE(s.missing.empty()) << s.key << ": " << (s.missing.empty() ? "" : s.missing[0]);
    EXPECT_FALSE(s.fields.empty()) << s.key;
    EXPECT_FALSE(s.summary.empty()) << s.key;
  }
}

TEST(AllScores, InterfaceKeysAndFieldNames) {
  const auto scores = compute_scores(full_course(), day("2024-03-05"));
  auto find = [&](std::string_view key) -> const ScoreResult& {
    for (const auto& s : scores)
      if (s.key == key) return s;
    throw std::logic_error("no score");
  };
  EXPECT_NE(find("child_pugh").field("points"), nullptr);
  EXPECT_NE(find("child_pugh").field("class"), nullptr);
  EXPECT_NE(find("albi").field("mgrade"), nullptr);
  EXPECT_NE(find("up_to_seven").field("value"), nullptr);
  EXPECT_NE(find("up_to_seven").field("within"), nullptr);
  EXPECT_EQ(std::get<std::string>(*find("bclc").field("stage")), "B");
  EXPECT_NE(find("art").field("points"), nullptr);
  EXPECT_NE(find("hap").field("class"), nullptr);
  // No field may shadow the keys every score already writes ("computed", "at", …).
  for (const auto& s : scores)
    for (const auto& f : s.fields)
      for (std::string_view reserved :
           {"computed", "applicable", "informational_only", "summary", "at", "missing", "inputs", "notes", "rule"})
        EXPECT_NE(f.key, reserved) << s.key;
}

}  // namespace
}  // namespace switchpoint
