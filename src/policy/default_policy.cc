// The built-in default policy (docs/policy.md): the seed practices with
// no account values. default_policy() builds it in code; default_policy_yaml()
// is the commented text `policy init` writes, and a unit test checks that the
// two agree.
#include <fmt/format.h>

#include "policy/policy_internal.h"
#include "sageguard/policy.h"
#include "sageguard/rule_catalog.h"

namespace sageguard {
namespace policy_internal {

const std::vector<std::string>& builtin_nvme_instance_types() {
  // Families with a `d` after the generation digit end in d, dn or de
  // (p4d, m6id, g4dn, m5dn, p4de); the rest have NVMe without the letter:
  // every training family of the API model whose instances come with local
  // instance storage (SageMaker refuses a volume key on all of them).
  static const std::vector<std::string> kTypes = {
      "ml.*d.*",    "ml.*dn.*",    "ml.*de.*",   "ml.g5.*",      "ml.g6.*",   "ml.g6e.*",
      "ml.g7e.*",   "ml.p5.*",     "ml.p5e.*",   "ml.p5en.*",    "ml.p6-*.*", "ml.p6e-*.*",
      "ml.trn1.*",  "ml.trn1n.*",  "ml.trn2.*",
  };
  return kTypes;
}

}  // namespace policy_internal

namespace {

const std::vector<std::string>& seed_tags() {
  static const std::vector<std::string> kTags = {
      "Project", "Sponsor", "Project Lead", "Project Name", "Cost Center", "Contact",
  };
  return kTags;
}

std::string quoted_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    out += (i == 0 ? "\"" : ", \"") + items[i] + "\"";
  }
  return out + "]";
}

// `text` as comment lines of at most `width` columns, broken at spaces.
std::string comment_block(std::string_view text, std::string_view prefix, size_t width) {
  std::string out;
  std::string line(prefix);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view word = text.substr(pos, end - pos);
    if (line.size() > prefix.size() && line.size() + 1 + word.size() > width) {
      out += line + "\n";
      line = std::string(prefix);
    }
    if (line.size() > prefix.size()) line += ' ';
    line += word;
    pos = end + 1;
  }
  return out + line + "\n";
}

Policy build_default() {
  Policy p;
  p.source = "<built-in>";
  for (const RuleInfo& r : rule_catalog()) p.severities[std::string(r.id)] = r.default_severity;
  p.required_tags = seed_tags();
  p.nvme_instance_types = policy_internal::builtin_nvme_instance_types();
  p.max_wait_factor = 2.0;
  // Production endpoints are the ones tagged so; they run on two instances
  // at least. Model versions wait for a person's approval.
  p.production_tags = {{"Environment", {"prod", "production"}}};
  p.min_instance_count = 2;
  p.manual_approval = true;
  return p;
}

}  // namespace

const Policy& default_policy() {
  static const Policy kPolicy = build_default();
  return kPolicy;
}

std::string default_policy_yaml() {
  std::string rules;
  for (const RuleInfo& r : rule_catalog()) {
    rules += comment_block(r.description, "  # ", 78);
    rules += fmt::format("  {}: {}\n", r.id, to_string(r.default_severity));
  }
  return fmt::format(
      R"(# sageguard policy, version 1 (written by `sageguard policy init`).
# The built-in default: the seed practices with no account values. Fill in
# your subnets, security groups and KMS keys, then commit this file as
# sageguard.yaml next to your jobs (or point $SAGEGUARD_POLICY at it).
version: 1

# Severity per rule id: error | warning | note | off.
rules:
{}
tags:
  # Cost-allocation tags every job, model and endpoint must carry.
  required: {}
  # Value rules per tag key: `pattern` (RE2, must match the whole value)
  # and/or `allowed` (a list of values). For example:
  #   Contact: {{ pattern: '[^@\s]+@[^@\s]+\.[a-z]+' }}
  #   "Cost Center": {{ allowed: [CC-100, CC-200] }}
  values: {{}}
  # Values `sageguard fix` adds when a tag is missing (never invented):
  #   Contact: ml-team@example.com
  defaults: {{}}

vpc:
  # Allow-lists; `sageguard fix` uses them as the defaults it adds.
  subnets: []
  security_groups: []
  # Say `true` once these subnets reach S3 (a gateway endpoint or NAT):
  # only then does `fix` move a job without a VpcConfig into them.
  subnets_reach_s3: false

kms:
  # Customer-managed keys `fix` adds for volumes and outputs:
  #   volume_key: arn:aws:kms:REGION:ACCOUNT:key/KEY-ID
  #   output_key: arn:aws:kms:REGION:ACCOUNT:key/KEY-ID
  # Optional allow-list of key ARNs / aliases (empty = any key).
  allowed: []
  # Instance types with local NVMe storage, which SageMaker encrypts itself
  # and for which it rejects a volume key (globs; this list replaces the
  # built-in one).
  nvme_instance_types: {}

spot:
  # Where `fix` points checkpoints (it appends <job-name>/):
  #   checkpoint_s3_prefix: s3://BUCKET/checkpoints/
  # `fix` sets MaxWaitTimeInSeconds = factor x MaxRuntimeInSeconds.
  max_wait_factor: 2.0

limits:
  # Glob allow-list of instance types (empty = any), e.g. ["ml.m5.*", "ml.g5.*"].
  instance_types: []
  # max_runtime_seconds: 86400
  # max_job_cost_usd: 500
  # Instances every variant of a production endpoint config runs on at least.
  min_instance_count: 2
  # The oldest notebook instance platform allowed, e.g. notebook-al2-v3.
  #   min_notebook_platform: notebook-al2-v3

# Which endpoint configs are production ones (limits.min_instance_count):
# a name matching one of `names` (globs) or one of these tag values.
production:
  names: []
  tags:
    Environment: [prod, production]

registry:
  # Model package versions are registered as PendingManualApproval.
  manual_approval: true

images:
  # AWS accounts whose ECR registries model images may come from (empty =
  # any registry); public registries are refused once this lists one.
  allowed_registries: []

# Accepted exceptions, each with a reason and an expiry:
#   - rule: network.isolation
#     resource: "legacy-*"        # glob on the resource name
#     reason: "container installs packages at start-up"
#     expires: 2027-03-31
waivers: []
)",
      rules, quoted_list(seed_tags()),
      quoted_list(policy_internal::builtin_nvme_instance_types()));
}

}  // namespace sageguard
