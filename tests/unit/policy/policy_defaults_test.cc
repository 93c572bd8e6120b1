// The built-in default policy, its `policy init` text, the lookup order and
// the small helpers (severity names, NVMe globs, hostile nesting).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "sageguard/policy.h"
#include "sageguard/rule_catalog.h"
#include "policy/policy_compare.h"
#include "test_support.h"
#include "util/glob.h"

namespace sageguard {
namespace {

using testing_support::expect_same_policy;

TEST(DefaultPolicy, SeedPractices) {
  const Policy& p = default_policy();
  EXPECT_EQ(p.source, "<built-in>");
  EXPECT_EQ(p.required_tags, (std::vector<std::string>{"Project", "Sponsor", "Project Lead",
                                                       "Project Name", "Cost Center", "Contact"}));
  for (const RuleInfo& r : rule_catalog()) {
    EXPECT_EQ(p.severity_of(std::string(r.id)), r.default_severity) << r.id;
  }
  EXPECT_EQ(p.severity_of("spot.enabled"), Severity::warning);
  EXPECT_EQ(p.severity_of("kms.volume"), Severity::error);
  // No account values, no limits.
  EXPECT_TRUE(p.subnets.empty());
  EXPECT_TRUE(p.security_groups.empty());
  EXPECT_FALSE(p.volume_key);
  EXPECT_FALSE(p.output_key);
  EXPECT_TRUE(p.instance_types.empty());
  EXPECT_FALSE(p.max_runtime_seconds);
  EXPECT_FALSE(p.max_job_cost_usd);
  EXPECT_TRUE(p.waivers.empty());
  EXPECT_TRUE(p.tag_defaults.empty());
}

TEST(DefaultPolicy, InitYamlParsesToTheDefault) {
  const std::string text = default_policy_yaml();
  auto r = parse_policy("sageguard.yaml", text);
  ASSERT_TRUE(r.ok()) << r.error().describe() << "\n" << r.error().source_line;
  expect_same_policy(*r, default_policy());
  // It is commented: a starting point, not a bare dump.
  EXPECT_NE(text.find("# "), std::string::npos);
}

TEST(DefaultPolicy, NvmeList) {
  const Policy& p = default_policy();
  for (const char* t : {"ml.p4d.24xlarge", "ml.p4de.24xlarge", "ml.g4dn.xlarge", "ml.m5d.large",
                        "ml.c5d.2xlarge", "ml.r5d.large", "ml.m6id.large", "ml.c6id.xlarge",
                        "ml.g5.xlarge", "ml.g6.2xlarge", "ml.p5.48xlarge", "ml.trn1.32xlarge",
                        "ml.g6e.xlarge", "ml.g7e.2xlarge", "ml.p5e.48xlarge", "ml.p5en.48xlarge",
                        "ml.p6-b200.48xlarge", "ml.p6e-gb200.36xlarge", "ml.trn1n.32xlarge",
                        "ml.trn2.48xlarge"}) {
    EXPECT_TRUE(p.is_nvme(t)) << t;
  }
  for (const char* t : {"ml.m5.large", "ml.c5.xlarge", "ml.p3.2xlarge", "ml.g4.xlarge",
                        "ml.t3.medium", "ml.inf2.xlarge", "ml.r5.large"}) {
    EXPECT_FALSE(p.is_nvme(t)) << t;
  }
}

TEST(Severity, NamesRoundTrip) {
  for (Severity s : {Severity::off, Severity::note, Severity::warning, Severity::error}) {
    EXPECT_EQ(parse_severity(to_string(s)), s);
  }
  EXPECT_FALSE(parse_severity("Error"));
  EXPECT_FALSE(parse_severity(""));
  EXPECT_EQ(default_policy().severity_of("no.such.rule"), Severity::off);
}

// rule_index hashes ids; every catalogue id must find its own position and
// anything else (near misses included) nothing.
TEST(RuleCatalog, IndexFindsEveryIdAndNothingElse) {
  EXPECT_TRUE(rule_index_is_hashed());
  const auto rules = rule_catalog();
  for (size_t i = 0; i < rules.size(); ++i) {
    const std::string id(rules[i].id);
    EXPECT_EQ(rule_index(id), static_cast<int>(i)) << id;
    EXPECT_EQ(find_rule(id), &rules[i]) << id;
    EXPECT_EQ(rule_index(id + "x"), -1) << id;
    EXPECT_EQ(rule_index(id.substr(0, id.size() - 1)), -1) << id;
    std::string upper = id;
    upper[0] = static_cast<char>(upper[0] - 'a' + 'A');
    EXPECT_EQ(rule_index(upper), -1) << id;
  }
  EXPECT_EQ(rule_index(""), -1);
  EXPECT_EQ(find_rule("no.such-rule"), nullptr);
}

TEST(Glob, Matching) {
  EXPECT_TRUE(glob_match("ml.m5.*", "ml.m5.large"));
  EXPECT_FALSE(glob_match("ml.m5.*", "ml.m5d.large"));
  EXPECT_TRUE(glob_match("legacy-*", "legacy-"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_FALSE(glob_match("?", ""));
  EXPECT_TRUE(glob_match("a?c", "abc"));
  EXPECT_TRUE(glob_match("*a*b*c*", "xxaxxbxxcxx"));
  EXPECT_FALSE(glob_match("*a*b*c*", "xxcxxbxxaxx"));
  EXPECT_TRUE(glob_match("a*", "a*"));
  EXPECT_FALSE(glob_match("abc", "abcd"));
  // Backtracking worst case stays fast and iterative.
  std::string text(20000, 'a');
  std::string pattern;
  for (int i = 0; i < 50; ++i) pattern += "*a";
  pattern += "*b";
  EXPECT_FALSE(glob_match(pattern, text));
}

TEST(PolicyLoader, HostileNestingIsRefusedNotACrash) {
  for (const std::string& text :
       {std::string(200000, '['), std::string(200000, '{'), "version: 1\nx: " + std::string(5000, '['),
        [] {
          std::string s;
          for (int i = 0; i < 3000; ++i) s += "- ";
          return s + "x\n";
        }(),
        [] {
          std::string s;
          for (int i = 0; i < 1400; ++i) s += std::string(static_cast<size_t>(i), ' ') + "a:\n";
          return s;
        }(),
        [] {
          std::string s;
          for (int i = 0; i < 100000; ++i) s += "{a: ";
          return s;
        }()}) {
    auto r = parse_policy("deep.yaml", text);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::policy);
    EXPECT_NE(r.error().message.find("nesting deeper"), std::string::npos) << r.error().message;
  }
  // The refusal points at where it went too deep.
  auto r = parse_policy("deep.yaml", "version: 1\nx: " + std::string(100, '['));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().line, 2u);
  EXPECT_EQ(r.error().column, 4u + 32u);
  // Brackets inside quoted strings and comments do not count.
  std::string ok = "version: 1\ntags:\n  defaults:\n    Note: '" + std::string(100, '[') +
                   "'\n    Other: \"" + std::string(100, '{') + "\" # " + std::string(100, '[') +
                   "\n";
  auto fine = parse_policy("ok.yaml", ok);
  EXPECT_TRUE(fine.ok()) << fine.error().describe();
}

class ResolvePolicy : public ::testing::Test {
 protected:
  void SetUp() override {
    old_cwd_ = std::filesystem::current_path();
    std::filesystem::current_path(dir_.path());
    if (const char* e = std::getenv("SAGEGUARD_POLICY")) old_env_ = e;
    unsetenv("SAGEGUARD_POLICY");
  }
  void TearDown() override {
    std::filesystem::current_path(old_cwd_);
    if (old_env_) {
      setenv("SAGEGUARD_POLICY", old_env_->c_str(), 1);
    } else {
      unsetenv("SAGEGUARD_POLICY");
    }
  }
  sgtest::TempDir dir_;
  std::filesystem::path old_cwd_;
  std::optional<std::string> old_env_;
};

TEST_F(ResolvePolicy, LookupOrder) {
  // Nothing anywhere: the built-in policy.
  auto r = resolve_policy(std::nullopt);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->source, "<built-in>");

  // ./sageguard.yaml beats the built-in.
  sgtest::write_file(dir_ / "sageguard.yaml", "version: 1\ntags:\n  required: [Local]\n");
  r = resolve_policy(std::nullopt);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->source, "sageguard.yaml");
  EXPECT_EQ(r->required_tags, std::vector<std::string>{"Local"});

  // $SAGEGUARD_POLICY beats ./sageguard.yaml.
  const std::string env_path = (dir_ / "env.yaml").string();
  sgtest::write_file(env_path, "version: 1\ntags:\n  required: [Env]\n");
  setenv("SAGEGUARD_POLICY", env_path.c_str(), 1);
  r = resolve_policy(std::nullopt);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->source, env_path);
  EXPECT_EQ(r->required_tags, std::vector<std::string>{"Env"});

  // An explicit path beats everything.
  const std::string explicit_path = (dir_ / "explicit.yaml").string();
  sgtest::write_file(explicit_path, "version: 1\ntags:\n  required: [Explicit]\n");
  r = resolve_policy(explicit_path);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->required_tags, std::vector<std::string>{"Explicit"});

  // A named policy that does not exist is an error, not a silent fallback.
  r = resolve_policy((dir_ / "missing.yaml").string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::io);
  setenv("SAGEGUARD_POLICY", (dir_ / "missing-env.yaml").c_str(), 1);
  r = resolve_policy(std::nullopt);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().file.find("missing-env.yaml"), std::string::npos);
}

TEST_F(ResolvePolicy, InvalidLocalPolicyIsAnErrorWithPosition) {
  sgtest::write_file(dir_ / "sageguard.yaml", "version: 1\nvcp: {}\n");
  auto r = resolve_policy(std::nullopt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::policy);
  EXPECT_EQ(r.error().describe(),
            "sageguard.yaml:2:1: unknown key 'vcp' in 'policy' (expected one of: version, rules, "
            "tags, vpc, kms, spot, limits, production, registry, images, waivers)");
}

TEST_F(ResolvePolicy, OversizedFileIsRefused) {
  sgtest::write_file(dir_ / "big.yaml", "version: 1\n# " + std::string(1100000, 'x') + "\n");
  auto r = load_policy_file((dir_ / "big.yaml").string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::policy);
}

}  // namespace
}  // namespace sageguard
