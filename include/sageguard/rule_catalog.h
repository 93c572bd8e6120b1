// The table of rule ids (docs/rules.md is generated from it) with their
// default severity and the texts that SARIF, `policy export`, the HTML
// report and the rule reference show. Static data; thread-safe.
#pragma once

#include <span>
#include <string_view>

#include "sageguard/policy.h"

namespace sageguard {

struct RuleInfo {
  std::string_view id;
  Severity default_severity;
  std::string_view description;  // one line, what the rule asks for
  std::string_view remediation;  // what to change
  std::string_view sdk_parameter;  // SageMaker Python SDK argument, or ""
  std::string_view iam_condition_key;  // IAM key that enforces it, or ""
  bool fixable;  // `fix` can repair it when the policy supplies the value
  // The resource kinds it looks at, as JSON output names them
  // ("TrainingJob, Model"), or what else it is about (the policy file).
  std::string_view kinds;
};

std::span<const RuleInfo> rule_catalog();
// nullptr for an unknown id.
const RuleInfo* find_rule(std::string_view id);
// Position of `id` in rule_catalog(), or -1. Constant time: rules ask for
// their severity many times per resource checked.
int rule_index(std::string_view id);
// False if the catalogue's ids defeated the hash (rule_index then walks the
// catalogue); a test keeps it true.
bool rule_index_is_hashed();

}  // namespace sageguard
