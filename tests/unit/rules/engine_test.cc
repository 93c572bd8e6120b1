// Rule-engine behaviour beyond single rules: waivers and their expiry,
// severities from the policy, unresolved Pipelines expressions, tag
// propagation through pipelines and bundles, Describe* responses.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include "sageguard/check.h"
#include "test_support.h"

namespace sageguard {
namespace {

using Pairs = std::set<std::pair<std::string, std::string>>;

Policy policy_from(const std::string& yaml) {
  auto p = parse_policy("p.yaml", yaml);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().describe());
  return p.ok() ? std::move(p).value() : Policy{};
}

CheckResult check_text(const std::string& text, const Policy& policy,
                       const std::string& today = "2026-11-27") {
  auto doc = parse_document("doc.json", text);
  EXPECT_TRUE(doc.ok()) << (doc.ok() ? "" : doc.error().describe());
  CheckResult r;
  CheckOptions o;
  o.today = today;
  Status s = check_document(**doc, true, policy, o, r);
  EXPECT_TRUE(s.ok());
  return r;
}

Pairs rules_of(const CheckResult& r) {
  Pairs out;
  for (const auto& f : r.findings) out.insert({f.rule, f.resource.name});
  return out;
}

// Minimal valid endpoint: only tags matter for these tests.
const char* kEndpoint = R"({"EndpointName": "legacy-ep", "EndpointConfigName": "c",
  "Tags": [{"Key": "Project", "Value": "p"}]})";

TEST(Engine, SeverityOverridesAndOff) {
  Policy p = policy_from("version: 1\nrules:\n  tags.required: note\ntags:\n  required: [Owner]\n");
  auto r = check_text(kEndpoint, p);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].severity, Severity::note);
  Policy off = policy_from("version: 1\nrules:\n  tags.required: off\ntags:\n  required: [Owner]\n");
  EXPECT_TRUE(check_text(kEndpoint, off).findings.empty());
}

TEST(Engine, WaiverAppliesUntilExpiryInclusive) {
  const std::string yaml =
      "version: 1\ntags:\n  required: [Owner]\nwaivers:\n"
      "  - rule: tags.required\n    resource: \"legacy-*\"\n    reason: old stuff\n"
      "    expires: 2026-12-31\n";
  Policy p = policy_from(yaml);
  auto before = check_text(kEndpoint, p, "2026-12-31");
  EXPECT_TRUE(before.findings.empty());
  ASSERT_EQ(before.waived.size(), 1u);
  EXPECT_EQ(before.waived[0].reason, "old stuff");
  EXPECT_EQ(before.waived[0].expires, "2026-12-31");

  auto after = check_text(kEndpoint, p, "2027-01-01");
  EXPECT_TRUE(after.waived.empty());
  EXPECT_EQ(rules_of(after), (Pairs{{"tags.required", "legacy-ep"}}));
}

TEST(Engine, ExpiredWaiverIsReportedByCheckPaths) {
  sgtest::TempDir d;
  sgtest::write_file(d / "ep.json", kEndpoint);
  Policy p = policy_from(
      "version: 1\ntags:\n  required: [Project]\nwaivers:\n"
      "  - rule: network.isolation\n    resource: \"x\"\n    reason: r\n    expires: 2020-01-01\n");
  CheckOptions o;
  o.today = "2026-11-27";
  auto r = check_paths({(d / "ep.json").string()}, p, o);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->findings.size(), 1u);
  EXPECT_EQ(r->findings[0].rule, "waiver.expired");
  EXPECT_EQ(r->findings[0].severity, Severity::warning);
  EXPECT_EQ(r->findings[0].file, "p.yaml");
  EXPECT_EQ(r->findings[0].line, 5u);
  EXPECT_EQ(r->summary.warning, 1);
}

TEST(Engine, UnresolvedExpressionsAreNeverJudged) {
  Policy p = policy_from(
      "version: 1\nlimits:\n  instance_types: [\"ml.m5.*\"]\n");
  const char* pipeline = R"({"Version": "2020-12-01", "Steps": [{"Name": "T", "Type": "Training",
    "Arguments": {
      "AlgorithmSpecification": {"TrainingImage": {"Get": "Parameters.Image"}, "TrainingInputMode": "File"},
      "RoleArn": {"Std:Join": {"On": "", "Values": ["arn:aws:iam::123456789012:role/", "r"]}},
      "OutputDataConfig": {"S3OutputPath": "s3://b/o/"},
      "ResourceConfig": {"InstanceType": {"Get": "Parameters.Type"}, "InstanceCount": 1, "VolumeSizeInGB": 30},
      "StoppingCondition": {"MaxRuntimeInSeconds": 60},
      "EnableNetworkIsolation": {"Get": "Parameters.Isolate"}
    }}]})";
  auto r = check_text(pipeline, p);
  // The step is still checked: it lacks a VPC, which is not an expression.
  EXPECT_TRUE(rules_of(r).count({"vpc.required", "T"}));
  for (const auto& f : r.findings) {
    EXPECT_NE(f.rule, "request.invalid") << f.message;   // no name required, Get values skipped
    EXPECT_NE(f.rule, "instance.allowed") << f.message;
    EXPECT_NE(f.rule, "network.isolation") << f.message;
  }
}

TEST(Engine, PropagationInPipelinesAndBundles) {
  Policy p = policy_from("version: 1\n");
  const char* pipeline = R"({"Version": "2020-12-01", "Steps": [
    {"Name": "Train", "Type": "Training", "Arguments": {"Tags": [{"Key": "Project", "Value": "a"}, {"Key": "CC", "Value": "1"}]}},
    {"Name": "M", "Type": "Model", "Arguments": {"PrimaryContainer": {"ModelDataUrl": {"Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"}},
      "Tags": [{"Key": "Project", "Value": "b"}]}}]})";
  auto r = check_text(pipeline, p);
  std::vector<std::string> msgs;
  for (const auto& f : r.findings) {
    if (f.rule == "tags.propagation") msgs.push_back(f.message);
  }
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0], "tag 'Project' is 'b' here but 'a' on training step 'Train'");
  EXPECT_EQ(msgs[1], "tag 'CC' of training step 'Train' is missing here");

  const char* bundle = R"([
    {"TrainingJobName": "job", "OutputDataConfig": {"S3OutputPath": "s3://b/out/"}, "Tags": [{"Key": "Project", "Value": "a"}]},
    {"ModelName": "m", "PrimaryContainer": {"ModelDataUrl": "s3://b/out/job/output/model.tar.gz"}, "Tags": [{"Key": "Project", "Value": "a"}]},
    {"EndpointConfigName": "c", "ProductionVariants": [{"ModelName": "m"}]},
    {"EndpointName": "e", "EndpointConfigName": "c", "Tags": [{"Key": "Project", "Value": "a"}]}
  ])";
  Pairs prop;
  for (const auto& f : check_text(bundle, p).findings) {
    if (f.rule == "tags.propagation") prop.insert({f.resource.kind, f.resource.name});
  }
  EXPECT_EQ(prop, (Pairs{{"EndpointConfig", "c"}}));
}

TEST(Engine, DescribeResponsesAllowOutputMembers) {
  Policy p = policy_from("version: 1\nrules:\n  request.invalid: error\n");
  const char* described = R"({"EndpointName": "e", "EndpointArn": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/e",
    "EndpointConfigName": "c", "EndpointStatus": "InService", "CreationTime": 1700000000})";
  auto r = check_text(described, p);
  for (const auto& f : r.findings) EXPECT_NE(f.rule, "request.invalid") << f.message;
  const char* request = R"({"EndpointName": "e", "EndpointConfigName": "c", "EndpointStatus": "InService"})";
  bool unknown = false;
  for (const auto& f : check_text(request, p).findings) unknown |= f.rule == "request.invalid";
  EXPECT_TRUE(unknown);
}

TEST(Engine, NvmeAndServerlessEndpointConfigsNeedNoVolumeKey) {
  Policy p = policy_from("version: 1\n");
  auto rules_for = [&](const char* variants) {
    std::string doc = std::string(R"({"EndpointConfigName": "c", "ProductionVariants": )") + variants + "}";
    std::set<std::string> out;
    for (const auto& f : check_text(doc, p).findings) out.insert(f.rule);
    return out;
  };
  EXPECT_TRUE(rules_for(R"([{"VariantName": "v", "ModelName": "m", "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}])")
                  .count("kms.volume"));
  EXPECT_FALSE(rules_for(R"([{"VariantName": "v", "ModelName": "m", "InstanceType": "ml.g5.xlarge", "InitialInstanceCount": 1}])")
                   .count("kms.volume"));
  EXPECT_FALSE(rules_for(R"([{"VariantName": "v", "ModelName": "m", "ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 1}}])")
                   .count("kms.volume"));
}

TEST(Engine, FindingLocationsPointAtTheNode) {
  Policy p = policy_from("version: 1\nvpc:\n  subnets: [subnet-1]\n  security_groups: [sg-1]\n");
  const std::string text =
      "{\n"
      "  \"ModelName\": \"m\",\n"
      "  \"PrimaryContainer\": {\"Image\": \"i\"},\n"
      "  \"VpcConfig\": {\"Subnets\": [\"subnet-1\", \"subnet-2\"], \"SecurityGroupIds\": [\"sg-1\"]}\n"
      "}\n";
  auto r = check_text(text, p);
  const Finding* f = nullptr;
  for (const auto& x : r.findings) {
    if (x.rule == "vpc.allowed") f = &x;
  }
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->line, 4u);
  EXPECT_EQ(f->column, 41u);
  EXPECT_EQ(f->path, "/VpcConfig/Subnets/1");
  EXPECT_EQ(f->message, "subnets 'subnet-2' is not in the policy's allow-list");
}

// tags.invalid checks ASCII tag text byte by byte and only hands other text
// to the Unicode regex; the finding must fire exactly when AWS's character
// class (the regex, applied here directly) rejects the key or value.
TEST(Engine, TagCharacterClassMatchesTheRegexOnRandomText) {
  const RE2 allowed(R"([\p{L}\p{Z}\p{N}_.:/=+\-@]*)");
  const std::vector<std::string> pieces = {"a", "Z", "0", " ", "_", ".", ":", "/", "=", "+",
                                           "-", "@", "!", "#", "*", "~", "\t", "\xC3\xA9",
                                           "\xE2\x80\x83", "\xEF\xBC\x91", "\xE2\x82\xAC"};
  std::mt19937 rng(42);
  const Policy policy = default_policy();
  for (int round = 0; round < 400; ++round) {
    std::string key = "K", val;
    for (int n = static_cast<int>(rng() % 6); n > 0; --n) key += pieces[rng() % pieces.size()];
    for (int n = static_cast<int>(rng() % 6); n > 0; --n) val += pieces[rng() % pieces.size()];
    nlohmann::json ep = {{"EndpointName", "e"},
                         {"EndpointConfigName", "c"},
                         {"Tags", {{{"Key", key}, {"Value", val}}}}};
    const CheckResult r = check_text(ep.dump(), policy);
    bool key_flagged = false, value_flagged = false;
    for (const auto& f : r.findings) {
      if (f.rule != "tags.invalid" || f.message.find("has characters outside") == std::string::npos) {
        continue;
      }
      (f.path == "/Tags/0/Key" ? key_flagged : value_flagged) = true;
    }
    EXPECT_EQ(key_flagged, !RE2::FullMatch(key, allowed)) << key;
    EXPECT_EQ(value_flagged, !RE2::FullMatch(val, allowed)) << val;
  }
}

// Duplicate tag keys: every repeat is reported with the index of the first
// occurrence, for short lists (scanned) and long ones (hashed) alike. The
// expectation is computed here independently from the generated list.
TEST(Engine, DuplicateTagKeysNameTheFirstOccurrence) {
  std::mt19937 rng(7);
  const Policy policy = default_policy();
  for (const size_t n : {2u, 9u, 64u, 65u, 130u}) {
    for (int round = 0; round < 20; ++round) {
      nlohmann::json tags = nlohmann::json::array();
      std::map<std::string, size_t> first;
      std::map<std::string, std::string> want;  // pointer -> message
      for (size_t i = 0; i < n; ++i) {
        const std::string key = "k" + std::to_string(rng() % (n / 2 + 1));
        tags.push_back({{"Key", key}, {"Value", "v"}});
        if (auto [it, fresh] = first.emplace(key, i); !fresh) {
          want["/Tags/" + std::to_string(i) + "/Key"] =
              "duplicate tag key '" + key + "' (first at /Tags/" + std::to_string(it->second) + ")";
        }
      }
      nlohmann::json ep = {{"EndpointName", "e"}, {"EndpointConfigName", "c"}, {"Tags", tags}};
      const CheckResult r = check_text(ep.dump(), policy);
      std::map<std::string, std::string> got;
      for (const auto& f : r.findings) {
        if (f.rule == "tags.invalid" && f.message.starts_with("duplicate tag key")) got[f.path] = f.message;
      }
      EXPECT_EQ(got, want) << "n=" << n << " round " << round;
    }
  }
}

// Tag key and value lengths count characters (code points), not bytes: at
// and around each limit, in ASCII and in two- and three-byte characters,
// the findings (and the length they quote) follow a count made here.
TEST(Engine, TagLengthLimitsCountCharacters) {
  const Policy policy = default_policy();
  const std::vector<std::string> units = {"k", "\xC3\xA9", "\xE6\x96\x87"};  // k, é, 文
  auto repeat = [](const std::string& u, size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s += u;
    return s;
  };
  for (const auto& unit : units) {
    for (const size_t key_chars : {0u, 1u, 127u, 128u, 129u}) {
      for (const size_t value_chars : {0u, 255u, 256u, 257u}) {
        const std::string key = repeat(unit, key_chars);
        const std::string value = repeat(unit, value_chars);
        nlohmann::json ep = {{"EndpointName", "e"},
                             {"EndpointConfigName", "c"},
                             {"Tags", {{{"Key", key}, {"Value", value}}}}};
        const CheckResult r = check_text(ep.dump(), policy);
        std::map<std::string, std::string> got;
        for (const auto& f : r.findings) {
          if (f.rule == "tags.invalid" && f.message.find(" characters; ") != std::string::npos) {
            got[f.path] = f.message;
          }
        }
        std::map<std::string, std::string> want;
        if (key_chars < 1 || key_chars > 128) {
          want["/Tags/0/Key"] = "tag key '" + key + "' is " + std::to_string(key_chars) +
                                " characters; keys must be 1-128";
        }
        if (value_chars > 256) {
          want["/Tags/0/Value"] = "tag '" + key + "' value is " + std::to_string(value_chars) +
                                  " characters; values may have at most 256";
        }
        EXPECT_EQ(got, want) << unit.size() << "-byte characters, key " << key_chars << ", value "
                             << value_chars;
      }
    }
  }
}

}  // namespace
}  // namespace sageguard
