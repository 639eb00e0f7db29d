// The rule catalogue is the single source of ids, sources and grades shown to clinicians.
#include "core/knowledge/catalogue.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace switchpoint {
namespace {

TEST(Catalogue, IdsAreUnique) {
  std::set<std::string_view> seen;
  for (const auto& r : rule_catalogue()) EXPECT_TRUE(seen.insert(r.id).second) << "duplicate rule id " << r.id;
}

TEST(Catalogue, EveryRuleHasTitleSourceAndStatement) {
  for (const auto& r : rule_catalogue()) {
    EXPECT_FALSE(r.title.empty()) << r.id;
    EXPECT_FALSE(r.source.empty()) << r.id;
    EXPECT_FALSE(r.statement.empty()) << r.id;
  }
}

TEST(Catalogue, EightDefinitionsWithTheGradesOfTheRules) {
  // CLINICAL_RULES.md §5 grades.
  EXPECT_EQ(rule("raoul-2011").grade, Grade::V);
  EXPECT_EQ(rule("jsh-lcsgj-2014").grade, Grade::V);
  EXPECT_EQ(rule("apasl-2017").grade, Grade::V);
  EXPECT_EQ(rule("galle-2017").grade, Grade::V);
  EXPECT_EQ(rule("aasld-2018").grade, Grade::V);
  EXPECT_EQ(rule("klca-ncc-2022").grade, Grade::S);
  EXPECT_EQ(rule("easl-2018").grade, Grade::S);
  EXPECT_EQ(rule("bclc-2022").grade, Grade::S);
  int definitions = 0;
  for (const auto& r : rule_catalogue()) definitions += r.kind == RuleKind::Definition;
  EXPECT_EQ(definitions, 8);
  EXPECT_EQ(rule("bclc-2022").kind, RuleKind::Definition);
}

TEST(Catalogue, UnverifiedRulesAreGradedU) {
  EXPECT_EQ(rule("abcr").grade, Grade::U);
  EXPECT_EQ(rule("moral-tace").grade, Grade::U);
}

TEST(Catalogue, UnknownIdIsAProgrammingError) { EXPECT_THROW(rule("no-such-rule"), std::logic_error); }

}  // namespace
}  // namespace switchpoint
