// libFuzzer target for the policy loader: parse_policy on arbitrary bytes.
// Invariants beyond "no sanitizer report": an error is a policy/input error
// naming the file, and a loaded policy answers its lookups without crashing.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sageguard/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = "fuzz-policy.yaml";
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto policy = sageguard::parse_policy(path, text);
  if (!policy.ok()) {
    const sageguard::Error& e = policy.error();
    if (e.file != path) __builtin_trap();
    if (e.code == sageguard::ErrorCode::internal) __builtin_trap();
    (void)e.describe();
    return 0;
  }
  const sageguard::Policy& p = *policy;
  if (p.version != 1) __builtin_trap();
  (void)p.severity_of("tags.required");
  (void)p.severity_of("no.such.rule");
  for (const auto& rule : p.tag_values) (void)p.value_rule(rule.key);
  (void)p.is_nvme("ml.p4d.24xlarge");
  (void)p.is_nvme("");
  return 0;
}
