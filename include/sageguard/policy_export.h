// Turning a Policy into what other tools enforce: an IAM policy and service
// control policies that make AWS refuse non-compliant Create* calls, a
// SageMaker Python SDK intelligent-defaults config.yaml, and the effective
// policy as annotated YAML. Pure functions of the Policy; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sageguard/policy.h"
#include "sageguard/result.h"

namespace sageguard {

// AWS Organizations' limit on one SCP document, in characters.
inline constexpr size_t kScpMaxChars = 5120;
// IAM's limit on one managed policy, in characters without whitespace.
inline constexpr size_t kIamManagedPolicyMaxChars = 6144;

// An IAM policy document (JSON, Version 2012-10-17, pretty-printed) of Deny
// statements, one per enforceable requirement, using only the SageMaker and
// aws:RequestTag condition keys of docs/aws-notes.md. Only rules at severity
// `error` become Deny statements (a warning or note is advisory; `off` is
// off). If `unexpressible` is non-null it receives one line per rule or
// setting IAM cannot enforce, as "<rule-id>: <why>" (spot, checkpoints,
// runtime, budget, regex tag patterns, waivers, warning-level rules, ...).
// Fails (ErrorCode::policy) only if the policy yields no statement at all.
// A document over kIamManagedPolicyMaxChars is still returned (it fits as an
// inline role policy, limit 10,240); `unexpressible` then gets a "size: ..."
// line.
Result<std::string> export_iam(const Policy& policy,
                               std::vector<std::string>* unexpressible = nullptr);

// The same statements packed in order into minified managed-policy
// documents of at most kIamManagedPolicyMaxChars characters each (attach
// all of them). Fails if one statement alone is too big or more than 10
// documents (IAM's default per-role quota) would be needed.
Result<std::vector<std::string>> export_iam_documents(
    const Policy& policy, std::vector<std::string>* unexpressible = nullptr);

// The same Deny statements as service control policies: minified JSON
// documents, each at most kScpMaxChars characters. Statements are packed in
// order into as few documents as needed; attach all of them. Fails if a
// single statement exceeds the limit or more than 5 documents (the SCPs
// AWS allows per target) would be needed.
Result<std::vector<std::string>> export_scp(const Policy& policy,
                                            std::vector<std::string>* unexpressible = nullptr);

// SageMaker Python SDK intelligent-defaults config.yaml (SchemaVersion
// '1.0'): TrainingJob, ProcessingJob, Model, EndpointConfig and Endpoint
// sections with isolation, inter-container encryption, KMS keys, VPC (only
// when the policy has both subnets and security groups) and the tags whose
// values tags.defaults supplies (never invented). Settings whose rule is off
// are left out. `notes`, if non-null, receives what could not be carried.
Result<std::string> export_sdk_config(const Policy& policy,
                                      std::vector<std::string>* notes = nullptr);

// The effective policy as YAML (loadable by parse_policy), with a comment on
// each value saying where it came from: "FILE:LINE" or "built-in".
std::string show_policy(const Policy& policy);

}  // namespace sageguard
