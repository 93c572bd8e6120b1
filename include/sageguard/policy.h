// The team's policy (docs/policy.md, version 1): which rules apply at
// what severity, which tags and values are required, the allow-lists, limits,
// defaults that `fix` may add, and waivers. A loaded Policy is immutable and
// safe to share between threads.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <utility>

#include "sageguard/result.h"

namespace re2 {
class RE2;
}

namespace sageguard {

enum class Severity : uint8_t { off, note, warning, error };
const char* to_string(Severity s);
std::optional<Severity> parse_severity(std::string_view s);

// Where a policy value came from, for `policy show` and error messages.
struct Origin {
  std::string file;  // "<built-in>" for defaults
  uint32_t line = 0;
  uint32_t column = 0;
};

struct TagValueRule {
  std::string key;
  std::optional<std::string> pattern;       // RE2, whole-value match
  std::shared_ptr<const re2::RE2> regex;    // compiled `pattern`
  std::vector<std::string> allowed;         // empty = any value
  Origin origin;
};

struct Waiver {
  std::string rule;      // rule id
  std::string resource;  // glob on the resource name
  std::string reason;
  std::string expires;   // YYYY-MM-DD
  Origin origin;
};

// The largest spot.max_wait_factor a policy may set.
inline constexpr double kMaxWaitFactorLimit = 1000;

struct Policy {
  std::string source = "<built-in>";  // path of the file, or "<built-in>"
  int version = 1;

  // Severity overrides by rule id; rules not listed keep their default.
  std::map<std::string, Severity, std::less<>> severities;

  std::vector<std::string> required_tags;
  std::vector<TagValueRule> tag_values;
  std::vector<std::pair<std::string, std::string>> tag_defaults;  // in file order

  std::vector<std::string> subnets;          // allow-list; fix defaults
  std::vector<std::string> security_groups;  // allow-list; fix defaults
  // The policy's subnets reach S3 (a gateway endpoint or NAT): only then
  // may `fix` move a job that has no VpcConfig into them.
  bool subnets_reach_s3 = false;

  std::optional<std::string> volume_key;
  std::optional<std::string> output_key;
  std::vector<std::string> kms_allowed;
  // Globs of instance types with local NVMe storage (no volume KMS key).
  // Defaults to the SageMaker Python SDK's list; `kms.nvme_instance_types`
  // in the policy replaces it.
  std::vector<std::string> nvme_instance_types;

  std::optional<std::string> checkpoint_s3_prefix;
  double max_wait_factor = 2.0;  // 1 to kMaxWaitFactorLimit

  std::vector<std::string> instance_types;  // glob allow-list; empty = any
  std::optional<int64_t> max_runtime_seconds;
  std::optional<double> max_job_cost_usd;

  // The rest of the estate (docs/policy.md). Endpoints the policy calls
  // production: a name matching one of `production_names` (globs), or a tag
  // whose key is listed in `production_tags` with one of its values.
  std::vector<std::string> production_names;
  std::vector<std::pair<std::string, std::vector<std::string>>> production_tags;
  std::optional<int64_t> min_instance_count;  // limits.min_instance_count
  // limits.min_notebook_platform: the oldest notebook PlatformIdentifier
  // allowed ("notebook-al2-v2"); compared by Amazon Linux and version.
  std::optional<std::string> min_notebook_platform;
  bool manual_approval = false;                // registry.manual_approval
  std::vector<std::string> allowed_registries;  // images.allowed_registries (account ids)

  std::vector<Waiver> waivers;

  // Where each top-level setting came from ("tags.required" -> origin).
  std::map<std::string, Origin> origins;

  // Effective severity of `rule_id` (override, else the rule's default).
  Severity severity_of(std::string_view rule_id) const;
  const TagValueRule* value_rule(std::string_view key) const;
  // True if `instance_type` matches one of nvme_instance_types.
  bool is_nvme(std::string_view instance_type) const;
  // True if a resource named `name` with `tags` (key, value) is production.
  bool is_production(std::string_view name,
                     const std::vector<std::pair<std::string_view, std::string_view>>& tags) const;
};

// A notebook PlatformIdentifier ("notebook-al2-v3") as (Amazon Linux
// version, platform version), which order oldest first; nullopt for any
// other text. limits.min_notebook_platform and the rule comparing to it.
std::optional<std::pair<int, int>> parse_notebook_platform(std::string_view id);

// The built-in default policy: the seed practices, no account values.
const Policy& default_policy();
// Its YAML text, commented (what `policy init` writes).
std::string default_policy_yaml();

// Parse policy YAML. Unknown keys, wrong types, bad regexes, unknown rule
// ids and invalid dates are ErrorCode::policy errors with file:line:col.
Result<Policy> parse_policy(const std::string& path, const std::string& text);
Result<Policy> load_policy_file(const std::string& path);

// Lookup order: explicit path, $SAGEGUARD_POLICY, ./sageguard.yaml, built-in.
Result<Policy> resolve_policy(const std::optional<std::string>& explicit_path);

}  // namespace sageguard
