// The Deny statements behind `policy export --format iam|scp`: one per
// requirement IAM can enforce, built from the policy with only the condition
// keys and actions in docs/aws-notes.md. Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sageguard/policy.h"

namespace sageguard::policy_internal {

// Statements in a stable order (tags, VPC, encryption, isolation, KMS,
// instance types), each {"Sid", "Effect": "Deny", "Action", "Resource": "*",
// "Condition"}. Appends to `unexpressible` (if non-null) one
// "<rule-id>: <why>" line per rule or setting IAM cannot enforce.
std::vector<nlohmann::ordered_json> deny_statements(const Policy& policy,
                                                    std::vector<std::string>* unexpressible);

// An RE2 pattern as an IAM StringLike pattern (`*`, `?`), when the regex is
// nothing but literals, `.`, `.*` and `.+`; nullopt otherwise.
std::optional<std::string> regex_to_string_like(std::string_view pattern);

}  // namespace sageguard::policy_internal
