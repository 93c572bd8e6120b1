// docs/rules.md, the rule reference, as generated from the rule catalogue:
// a summary table, then one section per rule id. tools/gen_rules_doc.cc
// writes it; a test fails when the committed file differs. Pure; thread-safe.
#pragma once

#include <string>

namespace sageguard::report {

std::string rule_reference_markdown();

}  // namespace sageguard::report
