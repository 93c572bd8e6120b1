// docs/rules.md is generated from the rule catalogue; this fails when the
// committed file and the catalogue differ, so the two cannot drift.
#include <gtest/gtest.h>

#include "report/rule_reference.h"
#include "sageguard/rule_catalog.h"
#include "test_support.h"

namespace {

TEST(RuleReference, CommittedDocMatchesTheCatalogue) {
  const std::string committed = sgtest::read_file(sgtest::source_dir() + "/docs/rules.md");
  EXPECT_EQ(committed, sageguard::report::rule_reference_markdown())
      << "docs/rules.md is stale: regenerate it with `cmake --build build --target rules_doc`";
}

TEST(RuleReference, EveryRuleHasItsSection) {
  const std::string doc = sageguard::report::rule_reference_markdown();
  for (const auto& r : sageguard::rule_catalog()) {
    EXPECT_NE(doc.find("\n## " + std::string(r.id) + "\n"), std::string::npos) << r.id;
    EXPECT_FALSE(r.kinds.empty()) << r.id;
  }
}

}  // namespace
