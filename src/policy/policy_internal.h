// Pieces shared by the policy module's own files (loader, default policy,
// exports): the built-in NVMe list and the policy file's size limit.
// Static data; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sageguard::policy_internal {

// Policy files larger than this are refused before parsing.
inline constexpr uint64_t kMaxPolicyBytes = 1024 * 1024;

// Globs of instance types with local NVMe storage, after the SageMaker
// Python SDK: every family with a `d` after the generation digit (p4d,
// p4de, g4dn, m5d, c5d, r5d, m6id, ...) plus g5, g6, p5 and trn1.
const std::vector<std::string>& builtin_nvme_instance_types();

}  // namespace sageguard::policy_internal
