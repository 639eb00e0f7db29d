// The registry of refractoriness definitions (issue 16): one list that the engine, the rule
// catalogue and the cohort's columns read.
#include "core/refractoriness/registry.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/obtain.h"
#include "core/refractoriness/definitions.h"

namespace switchpoint {
namespace {

TEST(DefinitionRegistry, IdsAreUniqueAndTheEightOfClinicalRules) {
  std::set<std::string_view> ids;
  for (const auto& d : kRefractorinessDefinitions) EXPECT_TRUE(ids.insert(d.id).second) << d.id;
  // CLINICAL_RULES.md §5, in its order.
  const std::vector<std::string_view> expected{"raoul-2011", "jsh-lcsgj-2014", "apasl-2017", "galle-2017",
                                               "aasld-2018", "klca-ncc-2022",  "easl-2018",  "bclc-2022"};
  ASSERT_EQ(kRefractorinessDefinitions.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(kRefractorinessDefinitions[i].id, expected[i]);
    EXPECT_EQ(kRefractorinessDefinitionIds[i], expected[i]);
  }
}

TEST(DefinitionRegistry, EachEntryHasAnEvaluateFunctionAndACatalogueEntryWithSourceAndGrade) {
  for (const auto& d : kRefractorinessDefinitions) {
    EXPECT_NE(d.evaluate, nullptr) << d.id;
    EXPECT_FALSE(d.display_name.empty()) << d.id;
    const auto rules = d.catalogue();
    ASSERT_FALSE(rules.empty()) << d.id;
    const RuleInfo& def = rules.front();
    EXPECT_EQ(def.id, d.id);
    EXPECT_EQ(def.kind, RuleKind::Definition) << d.id;
    EXPECT_FALSE(def.source.empty()) << d.id;
    EXPECT_FALSE(def.title.empty()) << d.id;
    EXPECT_FALSE(def.statement.empty()) << d.id;
    EXPECT_TRUE(def.grade == Grade::V || def.grade == Grade::S || def.grade == Grade::P || def.grade == Grade::U)
        << d.id;
    EXPECT_EQ(&rule(d.id), &rule(def.id));  // in the catalogue the program prints
    ASSERT_GE(rules.size(), 2u) << d.id << " lists no criterion";
    for (std::size_t i = 1; i < rules.size(); ++i) {
      EXPECT_EQ(rules[i].kind, RuleKind::Criterion) << rules[i].id;
      EXPECT_EQ(rules[i].id.substr(0, d.id.size() + 1), std::string(d.id) + "/") << rules[i].id;
      EXPECT_FALSE(rules[i].source.empty()) << rules[i].id;
      EXPECT_EQ(rule(rules[i].id).id, rules[i].id);
    }
  }
}

TEST(DefinitionRegistry, EveryDefinitionOfTheCatalogueIsInTheRegistry) {
  std::size_t definitions = 0;
  for (const auto& r : rule_catalogue()) {
    if (r.kind != RuleKind::Definition) continue;
    ++definitions;
    bool found = false;
    for (const auto& d : kRefractorinessDefinitions) found = found || d.id == r.id;
    EXPECT_TRUE(found) << r.id << " is in the catalogue but not in the registry";
  }
  EXPECT_EQ(definitions, kRefractorinessDefinitions.size());
}

TEST(DefinitionRegistry, TheEngineEvaluatesTheRegistryInItsOrder) {
  PatientRecord r;
  r.patient_id = "p";
  const Date at = *Date::parse("2024-03-01");
  const auto results = evaluate_refractoriness(r, build_tace_history(r, at));
  ASSERT_EQ(results.size(), kRefractorinessDefinitions.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i].id, kRefractorinessDefinitions[i].id);
    EXPECT_EQ(definition_display_name(results[i].id), kRefractorinessDefinitions[i].display_name);
  }
}

}  // namespace
}  // namespace switchpoint
