// Loader errors: every class of mistake is an ErrorCode::policy error at the
// exact 1-based line and column of the offending node.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <chrono>
#include <string>

#include "sageguard/policy.h"

namespace sageguard {
namespace {

struct Where {
  uint32_t line;
  uint32_t column;
};

Error fail(const std::string& text) {
  auto r = parse_policy("p.yaml", text);
  EXPECT_FALSE(r.ok()) << "expected an error for:\n" << text;
  if (r.ok()) return Error{};
  return r.error();
}

void expect_error(const std::string& text, Where w, const std::string& fragment) {
  Error e = fail(text);
  EXPECT_EQ(e.code, ErrorCode::policy) << e.describe();
  EXPECT_EQ(e.file, "p.yaml");
  EXPECT_EQ(e.line, w.line) << e.describe();
  EXPECT_EQ(e.column, w.column) << e.describe();
  EXPECT_NE(e.message.find(fragment), std::string::npos) << e.message;
}

TEST(PolicyLoader, MinimalPolicyLoads) {
  auto r = parse_policy("p.yaml", "version: 1\n");
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->version, 1);
  EXPECT_EQ(r->source, "p.yaml");
  EXPECT_TRUE(r->required_tags.empty());
  EXPECT_EQ(r->severity_of("spot.enabled"), Severity::warning);
  EXPECT_EQ(r->severity_of("vpc.required"), Severity::error);
  EXPECT_DOUBLE_EQ(r->max_wait_factor, 2.0);
  EXPECT_TRUE(r->is_nvme("ml.p4d.24xlarge"));  // built-in NVMe list applies
}

TEST(PolicyLoader, UnknownTopLevelKey) {
  expect_error("version: 1\nrulez:\n  spot.enabled: off\n", {2, 1}, "unknown key 'rulez'");
}

TEST(PolicyLoader, UnknownNestedKey) {
  expect_error("version: 1\nkms:\n  volume_key: k\n  volum_key: x\n", {4, 3},
               "unknown key 'volum_key' in 'kms'");
  expect_error("version: 1\ntags:\n  values:\n    Contact: {pattern: 'a', alowed: [x]}\n",
               {4, 29}, "unknown key 'alowed'");
}

TEST(PolicyLoader, VersionMustBeOne) {
  expect_error("version: 2\n", {1, 10}, "unsupported policy version");
  expect_error("version: '1'\n", {1, 10}, "unsupported policy version");
  expect_error("rules: {}\n", {1, 1}, "missing 'version: 1'");
  expect_error("", {1, 1}, "empty");
  expect_error("# only a comment\n", {1, 1}, "empty");
}

TEST(PolicyLoader, RootMustBeAMapping) {
  expect_error("- version: 1\n", {1, 1}, "'policy' must be a mapping");
}

TEST(PolicyLoader, UnknownRuleId) {
  expect_error("version: 1\nrules:\n  spot.enable: off\n", {3, 3},
               "unknown rule id 'spot.enable' (did you mean 'spot.enabled'?)");
  expect_error("version: 1\nrules:\n  no.such.rule: off\n", {3, 3}, "unknown rule id");
}

TEST(PolicyLoader, InvalidSeverity) {
  expect_error("version: 1\nrules:\n  spot.enabled: fatal\n", {3, 17}, "invalid severity 'fatal'");
  expect_error("version: 1\nrules:\n  spot.enabled: [error]\n", {3, 17}, "must be a string");
}

TEST(PolicyLoader, WrongTypes) {
  expect_error("version: 1\ntags:\n  required: Project\n", {3, 13},
               "'tags.required' must be a list of strings");
  expect_error("version: 1\ntags:\n  required: [Project, [x]]\n", {3, 23}, "this item is a list");
  expect_error("version: 1\nvpc: [subnet-1]\n", {2, 6}, "'vpc' must be a mapping");
  expect_error("version: 1\nkms:\n  volume_key: {a: b}\n", {3, 15}, "must be a string");
  expect_error("version: 1\nspot:\n  max_wait_factor: two\n", {3, 20}, "must be a number");
  expect_error("version: 1\nspot:\n  max_wait_factor: 0.5\n", {3, 20}, "from 1 to 1000");
  expect_error("version: 1\nlimits:\n  max_runtime_seconds: 1.5\n", {3, 24}, "positive integer");
  expect_error("version: 1\nlimits:\n  max_runtime_seconds: 0\n", {3, 24}, "positive integer");
  expect_error("version: 1\nlimits:\n  max_runtime_seconds: '3600'\n", {3, 24},
               "positive integer");
  expect_error("version: 1\nlimits:\n  max_job_cost_usd: -5\n", {3, 21}, "positive number");
  expect_error("version: 1\nlimits:\n  max_job_cost_usd: .inf\n", {3, 21}, "positive number");
  expect_error("version: 1\ntags:\n  defaults:\n    Contact: [a]\n", {4, 14}, "must be a string");
  expect_error("version: 1\nwaivers: {rule: x}\n", {2, 10}, "'waivers' must be a list");
}

TEST(PolicyLoader, DuplicateKeys) {
  expect_error("version: 1\nvpc:\n  subnets: [a]\nvpc:\n  subnets: [b]\n", {4, 1},
               "duplicate key 'vpc'");
  expect_error("version: 1\ntags:\n  defaults:\n    Contact: a\n    Contact: b\n", {5, 5},
               "duplicate key 'Contact' in 'tags.defaults'");
  expect_error("version: 1\ntags:\n  required: [Project, Contact, Project]\n", {3, 32},
               "lists 'Project' twice");
}

TEST(PolicyLoader, BadRegexPointsAtThePattern) {
  expect_error("version: 1\ntags:\n  values:\n    Contact:\n      pattern: '[a-z'\n", {5, 16},
               "invalid pattern for tag 'Contact'");
  // A pattern RE2 rejects for its own reasons (backreferences).
  expect_error("version: 1\ntags:\n  values:\n    Contact: { pattern: '(a)\\1' }\n", {4, 25},
               "invalid pattern");
}

// AWS's own tag-value pattern: the costliest kind of pattern a real policy
// uses (~5.5 MiB compiled, as \p{L} is hundreds of UTF-8 ranges).
constexpr const char* kAwsTagValuePattern = R"([\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256})";

std::string policy_with_patterns(size_t tags, const std::string& pattern) {
  std::string text = "version: 1\ntags:\n  values:\n";
  for (size_t i = 0; i < tags; ++i) {
    text += "    T" + std::to_string(i) + ":\n      pattern: '" + pattern + "'\n";
  }
  return text;
}

TEST(PolicyLoader, ManyHeavyPatternsFailFastOnTheBudget) {
  // ~17 KB of policy: before the budget, 400 of these compiled for minutes
  // and held hundreds of MB.
  const std::string text = policy_with_patterns(400, R"([\p{L}\p{N}_.:/=+\-@]{0,200})");
  const auto start = std::chrono::steady_clock::now();
  auto r = parse_policy("p.yaml", text);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::policy);
  EXPECT_NE(r.error().message.find("over their budget"), std::string::npos) << r.error().message;
  EXPECT_GT(r.error().line, 5u);  // some patterns fit; the one over the budget is named
  // ~1.5 s on an idle core (a budget's worth of compiling); before, minutes.
  // Generous for loaded CI machines.
  EXPECT_LT(seconds, 30.0);
}

TEST(PolicyLoader, OneOversizedPatternFailsFastAndSaysSo) {
  const auto start = std::chrono::steady_clock::now();
  expect_error(policy_with_patterns(1, R"([\p{L}]{1000})"), {5, 16}, "is too large");
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 10.0);
}

TEST(PolicyLoader, RealPatternsStillFitTheBudget) {
  // One AWS tag-value pattern per required tag of the built-in policy.
  auto r = parse_policy("p.yaml", policy_with_patterns(6, kAwsTagValuePattern));
  ASSERT_TRUE(r.ok()) << r.error().describe();
  const TagValueRule* rule = r->value_rule("T5");
  ASSERT_NE(rule, nullptr);
  EXPECT_TRUE(RE2::FullMatch("Caf\xC3\xA9 team: ml-ops@example.com", *rule->regex));
  EXPECT_FALSE(RE2::FullMatch("semi;colon", *rule->regex));
}

TEST(PolicyLoader, PatternIsWholeValueMatch) {
  auto r = parse_policy("p.yaml",
                        "version: 1\ntags:\n  values:\n    Contact: { pattern: 'a|b' }\n");
  ASSERT_TRUE(r.ok()) << r.error().describe();
  const TagValueRule* rule = r->value_rule("Contact");
  ASSERT_NE(rule, nullptr);
  ASSERT_TRUE(rule->regex);
  EXPECT_EQ(*rule->pattern, "a|b");
  // Whole-value semantics even with a partial-match call.
  EXPECT_TRUE(RE2::PartialMatch("a", *rule->regex));
  EXPECT_TRUE(RE2::PartialMatch("b", *rule->regex));
  EXPECT_FALSE(RE2::PartialMatch("ab", *rule->regex));
  EXPECT_FALSE(RE2::PartialMatch("xa", *rule->regex));
  EXPECT_FALSE(RE2::PartialMatch("a\n", *rule->regex));
  EXPECT_EQ(rule->origin.line, 4u);
  EXPECT_EQ(rule->origin.column, 5u);
}

TEST(PolicyLoader, InvalidDates) {
  const std::string head = "version: 1\nwaivers:\n  - rule: network.isolation\n"
                           "    resource: legacy-*\n    reason: r\n";
  expect_error(head + "    expires: 2027-02-29\n", {6, 14}, "invalid date '2027-02-29'");
  expect_error(head + "    expires: 2027-13-01\n", {6, 14}, "invalid date");
  expect_error(head + "    expires: 2027-3-31\n", {6, 14}, "invalid date");
  expect_error(head + "    expires: tomorrow\n", {6, 14}, "invalid date");
  EXPECT_TRUE(parse_policy("p.yaml", head + "    expires: 2028-02-29\n").ok());  // leap year
}

TEST(PolicyLoader, WaiverNeedsAllFourFields) {
  expect_error("version: 1\nwaivers:\n  - rule: network.isolation\n    resource: x\n"
               "    expires: 2027-03-31\n",
               {3, 5}, "waiver lacks 'reason'");
  expect_error("version: 1\nwaivers:\n  - rule: nope\n    resource: x\n    reason: r\n"
               "    expires: 2027-03-31\n",
               {3, 11}, "unknown rule id 'nope'");
  expect_error("version: 1\nwaivers:\n  - rule: network.isolation\n    resource: ''\n", {4, 15},
               "must not be empty");
  expect_error("version: 1\nwaivers:\n  - rule: network.isolation\n    who: me\n", {4, 5},
               "unknown key 'who'");
}

TEST(PolicyLoader, CheckpointPrefixMustBeS3) {
  expect_error("version: 1\nspot:\n  checkpoint_s3_prefix: /tmp/ckpt\n", {3, 25}, "s3://");
  expect_error("version: 1\nspot:\n  checkpoint_s3_prefix: s3:///x\n", {3, 25}, "s3://");
}

TEST(PolicyLoader, YamlSyntaxErrorsCarryTheirMark) {
  // yaml-cpp reports the unterminated flow sequence where it gives up.
  Error e = fail("version: 1\ntags:\n  required: [a, b\n");
  EXPECT_EQ(e.code, ErrorCode::policy);
  EXPECT_EQ(e.file, "p.yaml");
  EXPECT_GT(e.line, 0u);
  EXPECT_NE(e.message.find("invalid YAML"), std::string::npos) << e.message;
  // A bad indentation: exact position of yaml-cpp's mark, 1-based.
  expect_error("version: 1\nvpc:\n  subnets: [a]\n   x: y\n", {4, 4}, "end of map not found");
  expect_error("version: 1\nkms: [a, b}\n", {2, 11}, "illegal flow end");
  expect_error("version: 1\nkms: a: b\n", {2, 7}, "illegal map value");
  expect_error("version: 1\nkms: &x [a]\nvpc: *y\n", {3, 6}, "anchor is not defined");
}

TEST(PolicyLoader, MoreThanOneDocument) {
  expect_error("version: 1\n---\nversion: 1\n", {3, 1}, "exactly one YAML document");
}

TEST(PolicyLoader, SourceLineIsAttached) {
  Error e = fail("version: 1\nrules:\n  spot.enable: off   \n");
  EXPECT_EQ(e.source_line, "  spot.enable: off   ");
}

TEST(PolicyLoader, NullSectionsAndValuesMeanNotSet) {
  auto r = parse_policy("p.yaml",
                        "version: 1\nvpc:\nkms:\n  volume_key:\n  nvme_instance_types:\n"
                        "waivers:\nlimits:\n  max_job_cost_usd: ~\n");
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_FALSE(r->volume_key);
  EXPECT_FALSE(r->max_job_cost_usd);
  EXPECT_FALSE(r->nvme_instance_types.empty());  // still the built-in list
}

TEST(PolicyLoader, FullPolicyValuesAndOrigins) {
  const std::string text = R"(version: 1
rules:
  spot.enabled: error
  network.isolation: off
tags:
  required: [Project, "Cost Center"]
  values:
    "Cost Center": { allowed: [CC-100, CC-200] }
  defaults:
    Zeta: z
    Alpha: a
vpc:
  subnets: [subnet-1, subnet-2]
  security_groups: [sg-1]
kms:
  volume_key: arn:aws:kms:us-east-1:111122223333:key/v
  output_key: alias/out
  allowed: [alias/out]
  nvme_instance_types: ["ml.x9d.*"]
spot:
  checkpoint_s3_prefix: s3://ckpt/
  max_wait_factor: 1.5
limits:
  instance_types: ["ml.m5.*"]
  max_runtime_seconds: 86400
  max_job_cost_usd: 500
waivers:
  - rule: network.isolation
    resource: "legacy-*"
    reason: "installs packages"
    expires: 2027-03-31
)";
  auto r = parse_policy("team.yaml", text);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  const Policy& p = *r;
  EXPECT_EQ(p.severity_of("spot.enabled"), Severity::error);
  EXPECT_EQ(p.severity_of("network.isolation"), Severity::off);
  EXPECT_EQ(p.severity_of("kms.volume"), Severity::error);
  EXPECT_EQ(p.required_tags, (std::vector<std::string>{"Project", "Cost Center"}));
  ASSERT_NE(p.value_rule("Cost Center"), nullptr);
  EXPECT_EQ(p.value_rule("Cost Center")->allowed, (std::vector<std::string>{"CC-100", "CC-200"}));
  EXPECT_EQ(p.value_rule("Project"), nullptr);
  ASSERT_EQ(p.tag_defaults.size(), 2u);
  EXPECT_EQ(p.tag_defaults[0].first, "Zeta");  // file order, not sorted
  EXPECT_EQ(p.tag_defaults[1].first, "Alpha");
  EXPECT_EQ(p.subnets, (std::vector<std::string>{"subnet-1", "subnet-2"}));
  EXPECT_EQ(*p.output_key, "alias/out");
  EXPECT_TRUE(p.is_nvme("ml.x9d.large"));
  EXPECT_FALSE(p.is_nvme("ml.p4d.24xlarge"));  // the list was replaced
  EXPECT_DOUBLE_EQ(p.max_wait_factor, 1.5);
  EXPECT_EQ(*p.max_runtime_seconds, 86400);
  EXPECT_DOUBLE_EQ(*p.max_job_cost_usd, 500);
  ASSERT_EQ(p.waivers.size(), 1u);
  EXPECT_EQ(p.waivers[0].expires, "2027-03-31");
  EXPECT_EQ(p.waivers[0].origin.line, 28u);
  EXPECT_EQ(p.waivers[0].origin.column, 5u);

  auto at = [&](const std::string& k) {
    auto it = p.origins.find(k);
    EXPECT_NE(it, p.origins.end()) << k;
    return it == p.origins.end() ? Origin{} : it->second;
  };
  EXPECT_EQ(at("version").line, 1u);
  EXPECT_EQ(at("version").column, 10u);
  EXPECT_EQ(at("rules.spot.enabled").line, 3u);
  EXPECT_EQ(at("tags.required").line, 6u);
  EXPECT_EQ(at("tags.required").column, 13u);
  EXPECT_EQ(at("kms.nvme_instance_types").line, 19u);
  EXPECT_EQ(at("limits.max_job_cost_usd").line, 26u);
  EXPECT_EQ(at("limits.max_job_cost_usd").file, "team.yaml");
  EXPECT_EQ(at("waivers").line, 28u);
}

TEST(PolicyLoader, SizeLimit) {
  std::string big = "version: 1\n";
  big += "# " + std::string(1024 * 1024, 'x') + "\n";
  Error e = fail(big);
  EXPECT_EQ(e.code, ErrorCode::policy);
  EXPECT_NE(e.message.find("over the limit"), std::string::npos) << e.message;
}

}  // namespace
}  // namespace sageguard
