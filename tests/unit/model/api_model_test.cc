// Tests for the SageMaker API model check (request.invalid core): each
// constraint class on real fields of the embedded botocore table, with exact
// pointers, messages and offsets into the source text.
#include "sageguard/api_model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "model/api_model_graph.h"
#include "sageguard/document.h"

namespace sageguard {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const char* kTraining = R"({
  "TrainingJobName": "churn-2024-01",
  "RoleArn": "arn:aws:iam::123456789012:role/SageMakerRole",
  "AlgorithmSpecification": {"TrainingImage": "123456789012.dkr.ecr.us-east-1.amazonaws.com/xgb:1", "TrainingInputMode": "File"},
  "OutputDataConfig": {"S3OutputPath": "s3://bucket/out", "KmsKeyId": "alias/ml"},
  "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 50},
  "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
  "VpcConfig": {"Subnets": ["subnet-0abc"], "SecurityGroupIds": ["sg-0abc"]},
  "HyperParameters": {"max_depth": "5"},
  "Environment": {"MODE": "prod"},
  "EnableNetworkIsolation": true,
  "Tags": [{"Key": "project", "Value": "churn"}]
})";

struct Checked {
  std::string text;
  bool known = false;
  std::vector<ApiViolation> violations;

  // The source text at a violation's offset (first `n` bytes).
  std::string at(size_t i, size_t n) const { return text.substr(violations.at(i).offset, n); }
  std::vector<std::string> pointers() const {
    std::vector<std::string> p;
    for (const auto& v : violations) p.push_back(v.pointer);
    return p;
  }
  std::vector<std::string> messages() const {
    std::vector<std::string> m;
    for (const auto& v : violations) m.push_back(v.message);
    return m;
  }
};

Checked check(const std::string& op, std::string text, const ApiValidateOptions& opts = {}) {
  Checked c;
  c.text = std::move(text);
  auto v = parse_json("request.json", c.text, 512);
  EXPECT_TRUE(v.ok()) << (v.ok() ? "" : v.error().describe());
  if (!v.ok()) return c;
  c.known = validate_api_request(op, v->root(), opts, c.violations);
  return c;
}

// kTraining with `from` replaced by `to` (which must occur exactly once).
std::string training_with(const std::string& from, const std::string& to) {
  std::string t = kTraining;
  auto pos = t.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  EXPECT_EQ(t.find(from, pos + 1), std::string::npos) << from;
  return t.replace(pos, from.size(), to);
}

TEST(ApiModelTable, LoadsWithEveryPatternCompiled) {
  auto info = api_model_info();
  ASSERT_TRUE(info.ok()) << info.error().describe();
  EXPECT_FALSE(info->botocore_version.empty());
  EXPECT_THAT(info->operations,
              ElementsAre("CreateAutoMLJob", "CreateAutoMLJobV2", "CreateDataQualityJobDefinition",
                          "CreateDomain", "CreateEndpoint", "CreateEndpointConfig",
                          "CreateFeatureGroup", "CreateHyperParameterTuningJob", "CreateModel",
                          "CreateModelBiasJobDefinition", "CreateModelExplainabilityJobDefinition",
                          "CreateModelPackage", "CreateModelPackageGroup",
                          "CreateModelQualityJobDefinition", "CreateMonitoringSchedule",
                          "CreateNotebookInstance", "CreateProcessingJob", "CreateSpace",
                          "CreateTrainingJob", "CreateTransformJob", "CreateUserProfile"));
  EXPECT_GT(info->shape_count, 300u);
  // The generator skips none of today's patterns and RE2 must compile every
  // translated one; anything here would silently disable a check.
  for (const auto& [pattern, why] : info->unchecked_patterns) ADD_FAILURE() << pattern << ": " << why;
}

TEST(ApiModelValidate, ValidRequestHasNoViolations) {
  auto c = check("CreateTrainingJob", kTraining);
  EXPECT_TRUE(c.known);
  EXPECT_THAT(c.messages(), IsEmpty());
}

TEST(ApiModelValidate, UnknownOperationReturnsFalse) {
  auto c = check("CreateTrainingJobz", kTraining);
  EXPECT_FALSE(c.known);
  EXPECT_THAT(c.violations, IsEmpty());
}

TEST(ApiModelValidate, MissingRequiredTopLevelPointsAtRoot) {
  auto c = check("CreateTrainingJob",
                 training_with(R"("RoleArn": "arn:aws:iam::123456789012:role/SageMakerRole",)", ""));
  ASSERT_EQ(c.violations.size(), 1u);
  EXPECT_EQ(c.violations[0].message, "missing required member 'RoleArn'");
  EXPECT_EQ(c.violations[0].pointer, "/RoleArn");
  EXPECT_EQ(c.violations[0].offset, 0u);  // the request object lacks it
}

TEST(ApiModelValidate, MissingRequiredNestedPointsAtObject) {
  auto c = check("CreateTrainingJob", training_with(R"("Subnets": ["subnet-0abc"], )", ""));
  ASSERT_EQ(c.violations.size(), 1u);
  EXPECT_EQ(c.violations[0].message, "missing required member 'VpcConfig.Subnets'");
  EXPECT_EQ(c.violations[0].pointer, "/VpcConfig/Subnets");
  EXPECT_EQ(c.at(0, 15), R"({"SecurityGroup)");
}

TEST(ApiModelValidate, SkipRequiredOnlyTopLevel) {
  ApiValidateOptions opts;
  opts.skip_required = {"TrainingJobName", "S3OutputPath"};
  auto c = check("CreateTrainingJob", training_with(R"("TrainingJobName": "churn-2024-01",)", ""), opts);
  EXPECT_THAT(c.messages(), IsEmpty());
  // A nested member of the same name is still required.
  auto nested = check("CreateTrainingJob", training_with(R"("S3OutputPath": "s3://bucket/out", )", ""), opts);
  EXPECT_THAT(nested.messages(), ElementsAre("missing required member 'OutputDataConfig.S3OutputPath'"));
}

TEST(ApiModelValidate, PatternMismatchNamesMemberAndAnchoredPattern) {
  auto c = check("CreateTrainingJob", training_with("churn-2024-01", "my_job"));
  ASSERT_EQ(c.violations.size(), 1u);
  EXPECT_EQ(c.violations[0].message,
            "TrainingJobName 'my_job' does not match pattern ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$");
  EXPECT_EQ(c.violations[0].pointer, "/TrainingJobName");
  EXPECT_EQ(c.at(0, 8), "\"my_job\"");
}

TEST(ApiModelValidate, PatternMustMatchWholeValue) {
  // "[-0-9a-zA-Z]+" matches a prefix of "subnet 1" but not all of it.
  auto c = check("CreateTrainingJob", training_with("subnet-0abc", "subnet 1"));
  EXPECT_THAT(c.pointers(), ElementsAre("/VpcConfig/Subnets/0"));
  EXPECT_THAT(c.messages(), ElementsAre(HasSubstr("does not match pattern ^[-0-9a-zA-Z]+$")));
}

TEST(ApiModelValidate, MaxLengthCountsCodePoints) {
  std::string name(64, 'a');
  auto c = check("CreateTrainingJob", training_with("churn-2024-01", name));
  EXPECT_THAT(c.messages(), ElementsAre("TrainingJobName is 64 characters long, at most 63 allowed"));
  // 128 two-byte characters (256 bytes) is a valid tag key: the limit is in
  // code points; 129 is one too many.
  std::string key;
  for (int i = 0; i < 128; ++i) key += "\xC3\xA9";  // é
  EXPECT_THAT(check("CreateTrainingJob", training_with("\"project\"", "\"" + key + "\"")).messages(), IsEmpty());
  auto over = check("CreateTrainingJob", training_with("\"project\"", "\"" + key + "\xC3\xA9\""));
  EXPECT_THAT(over.messages(), ElementsAre("Tags[0].Key is 129 characters long, at most 128 allowed"));
  EXPECT_THAT(over.pointers(), ElementsAre("/Tags/0/Key"));
}

TEST(ApiModelValidate, MinLength) {
  auto c = check("CreateTrainingJob", training_with("arn:aws:iam::123456789012:role/SageMakerRole", "arn:aws"));
  // Reported alone, not also as a pattern mismatch.
  EXPECT_THAT(c.messages(), ElementsAre("RoleArn is 7 characters long, at least 20 required"));
  auto empty_key = check("CreateTrainingJob", training_with("\"project\"", "\"\""));
  EXPECT_THAT(empty_key.messages(), ElementsAre("Tags[0].Key is 0 characters long, at least 1 required"));
}

TEST(ApiModelValidate, ListMaxAndMin) {
  std::string subnets;
  for (int i = 0; i < 17; ++i) subnets += std::string(i ? "," : "") + "\"subnet-" + std::to_string(i) + "\"";
  auto c = check("CreateTrainingJob", training_with("[\"subnet-0abc\"]", "[" + subnets + "]"));
  ASSERT_EQ(c.violations.size(), 1u);
  EXPECT_EQ(c.violations[0].message, "VpcConfig.Subnets has 17 items, at most 16 allowed");
  EXPECT_EQ(c.violations[0].pointer, "/VpcConfig/Subnets");
  EXPECT_EQ(c.at(0, 10), "[\"subnet-0");
  auto none = check("CreateTrainingJob", training_with("[\"sg-0abc\"]", "[]"));
  EXPECT_THAT(none.messages(), ElementsAre("VpcConfig.SecurityGroupIds has 0 items, at least 1 required"));
}

TEST(ApiModelValidate, TagsAtMostFifty) {
  auto tags = [](int n) {
    std::string t;
    for (int i = 0; i < n; ++i) t += std::string(i ? "," : "") + R"({"Key": "k)" + std::to_string(i) + R"(", "Value": "v"})";
    return "[" + t + "]";
  };
  const std::string one = R"([{"Key": "project", "Value": "churn"}])";
  EXPECT_THAT(check("CreateTrainingJob", training_with(one, tags(50))).messages(), IsEmpty());
  EXPECT_THAT(check("CreateTrainingJob", training_with(one, tags(51))).messages(),
              ElementsAre("Tags has 51 items, at most 50 allowed"));
}

TEST(ApiModelValidate, MapSizeAndKeyPattern) {
  std::string env;
  for (int i = 0; i < 101; ++i) env += std::string(i ? "," : "") + "\"K" + std::to_string(i) + "\": \"v\"";
  auto big = check("CreateTrainingJob", training_with(R"({"MODE": "prod"})", "{" + env + "}"));
  EXPECT_THAT(big.messages(), ElementsAre("Environment has 101 entries, at most 100 allowed"));
  auto bad_key = check("CreateTrainingJob", training_with(R"("MODE")", R"("1MODE")"));
  ASSERT_EQ(bad_key.violations.size(), 1u);
  EXPECT_EQ(bad_key.violations[0].message,
            "Environment key '1MODE' does not match pattern ^[a-zA-Z_][a-zA-Z0-9_]*$");
  EXPECT_EQ(bad_key.violations[0].pointer, "/Environment/1MODE");
  EXPECT_EQ(bad_key.at(0, 7), "\"1MODE\"");  // the key token, not the value
}

TEST(ApiModelValidate, EnumWithSuggestion) {
  auto c = check("CreateTrainingJob", training_with("ml.m5.xlarge", "ml.m5.xlarg"));
  ASSERT_EQ(c.violations.size(), 1u);
  EXPECT_THAT(c.violations[0].message, HasSubstr("ResourceConfig.InstanceType 'ml.m5.xlarg' is not one of the "));
  EXPECT_THAT(c.violations[0].message, HasSubstr("(did you mean 'ml.m5.xlarge'?)"));
  EXPECT_EQ(c.violations[0].pointer, "/ResourceConfig/InstanceType");
  EXPECT_EQ(c.at(0, 13), "\"ml.m5.xlarg\"");
  // A small enum lists its values.
  auto mode = check("CreateTrainingJob", training_with("\"File\"", "\"file\""));
  EXPECT_THAT(mode.messages(), ElementsAre("AlgorithmSpecification.TrainingInputMode 'file' is not one of Pipe, "
                                           "File, FastFile (did you mean 'File'?)"));
}

TEST(ApiModelValidate, TypeMismatches) {
  auto c = check("CreateTrainingJob", training_with("\"MaxRuntimeInSeconds\": 3600", "\"MaxRuntimeInSeconds\": \"3600\""));
  EXPECT_THAT(c.messages(), ElementsAre("StoppingCondition.MaxRuntimeInSeconds must be an integer, got string"));
  EXPECT_EQ(c.at(0, 6), "\"3600\"");
  auto frac = check("CreateTrainingJob", training_with("3600", "1.5"));
  EXPECT_THAT(frac.messages(), ElementsAre("StoppingCondition.MaxRuntimeInSeconds must be an integer, got number 1.5"));
  auto boolean = check("CreateTrainingJob", training_with("true", "\"true\""));
  EXPECT_THAT(boolean.messages(), ElementsAre("EnableNetworkIsolation must be a boolean, got string"));
  auto list = check("CreateTrainingJob", training_with("[\"sg-0abc\"]", "\"sg-0abc\""));
  EXPECT_THAT(list.messages(), ElementsAre("VpcConfig.SecurityGroupIds must be an array, got string"));
  auto obj = check("CreateTrainingJob", training_with(R"({"max_depth": "5"})", "null"));
  EXPECT_THAT(obj.messages(), ElementsAre("HyperParameters must be an object, got null"));
  auto str = check("CreateTrainingJob", training_with("\"5\"", "5"));
  EXPECT_THAT(str.messages(), ElementsAre("HyperParameters[\"max_depth\"] must be a string, got number 5"));
  EXPECT_THAT(str.pointers(), ElementsAre("/HyperParameters/max_depth"));
  auto root = check("CreateTrainingJob", "[]");
  EXPECT_THAT(root.messages(), ElementsAre("request must be an object, got array"));
  EXPECT_THAT(root.pointers(), ElementsAre(""));
}

TEST(ApiModelValidate, NumericRange) {
  auto low = check("CreateTrainingJob", training_with("3600", "0"));
  EXPECT_THAT(low.messages(), ElementsAre("StoppingCondition.MaxRuntimeInSeconds must be at least 1, got 0"));
  auto wide = check("CreateTrainingJob", training_with("3600", "4294967296"));
  EXPECT_THAT(wide.messages(), ElementsAre("StoppingCondition.MaxRuntimeInSeconds 4294967296 does not fit a 32-bit integer"));
  const char* endpoint_config = R"({"EndpointConfigName": "ec",
    "ProductionVariants": [{"VariantName": "a", "ModelName": "m", "InstanceType": "ml.m5.large",
                            "InitialInstanceCount": 1, "InitialVariantWeight": -0.5, "VolumeSizeInGB": 513}]})";
  auto ec = check("CreateEndpointConfig", endpoint_config);
  EXPECT_THAT(ec.messages(), ElementsAre("ProductionVariants[0].InitialVariantWeight must be at least 0, got -0.5",
                                         "ProductionVariants[0].VolumeSizeInGB must be at most 512, got 513"));
  EXPECT_THAT(ec.pointers(), ElementsAre("/ProductionVariants/0/InitialVariantWeight",
                                         "/ProductionVariants/0/VolumeSizeInGB"));
  EXPECT_EQ(ec.at(0, 4), "-0.5");
  EXPECT_EQ(ec.at(1, 3), "513");
}

TEST(ApiModelValidate, UnknownMemberWithSuggestion) {
  auto c = check("CreateTrainingJob", training_with("EnableNetworkIsolation", "EnableNetworkIsolaton"));
  ASSERT_EQ(c.violations.size(), 1u);
  EXPECT_EQ(c.violations[0].message,
            "unknown member 'EnableNetworkIsolaton' (did you mean 'EnableNetworkIsolation'?)");
  EXPECT_EQ(c.violations[0].pointer, "/EnableNetworkIsolaton");
  EXPECT_EQ(c.at(0, 23), "\"EnableNetworkIsolaton\"");  // the key token
  auto nested = check("CreateTrainingJob", training_with("\"Subnets\"", "\"Subnet\""));
  EXPECT_THAT(nested.messages(), ElementsAre("unknown member 'VpcConfig.Subnet' (did you mean 'Subnets'?)",
                                             "missing required member 'VpcConfig.Subnets'"));
  auto far = check("CreateTrainingJob", training_with("EnableNetworkIsolation", "Colour"));
  EXPECT_THAT(far.messages(), ElementsAre("unknown member 'Colour'"));
}

TEST(ApiModelValidate, AllowUnknownMembers) {
  ApiValidateOptions opts;
  opts.allow_unknown_members = true;
  std::string described = training_with(R"("EnableNetworkIsolation": true,)",
                                         R"("TrainingJobArn": "arn:x", "TrainingJobStatus": "Completed",)");
  described = described.replace(described.find("\"Subnets\""), 0, "\"VpcId\": \"vpc-1\", ");
  EXPECT_THAT(check("CreateTrainingJob", described, opts).messages(), IsEmpty());
  EXPECT_THAT(check("CreateTrainingJob", described).pointers(),
              ElementsAre("/VpcConfig/VpcId", "/TrainingJobArn", "/TrainingJobStatus"));
  // Known members are still checked.
  EXPECT_THAT(check("CreateTrainingJob", training_with("churn-2024-01", "bad_name"), opts).pointers(),
              ElementsAre("/TrainingJobName"));
}

TEST(ApiModelValidate, UnresolvedExpressionsAreNotJudged) {
  ApiValidateOptions opts;
  opts.skip_required = {"TrainingJobName"};
  std::string t = training_with(R"("TrainingJobName": "churn-2024-01",)", "");
  t = t.replace(t.find("\"ml.m5.xlarge\""), 14, R"({"Get": "Parameters.TrainingInstanceType"})");
  t = t.replace(t.find("\"s3://bucket/out\""), 17,
                R"({"Std:Join": {"On": "/", "Values": ["s3:/", {"Get": "Parameters.Bucket"}]}})");
  t = t.replace(t.find("3600"), 4, R"({"Get": "Parameters.MaxRuntime"})");
  t = t.replace(t.find("[\"sg-0abc\"]"), 11, R"({"Get": "Parameters.Groups"})");
  auto c = check("CreateTrainingJob", t, opts);
  EXPECT_THAT(c.messages(), IsEmpty());

  Member members[] = {{"Get", Value::string_view_at("Steps.Train.ModelArtifacts", 8)},
                      {"Other", Value::null_at(30)}};
  EXPECT_TRUE(is_unresolved_expression(Value::object_of(members, 1, 0)));
  members[0].first = "Std:JsonGet";
  EXPECT_TRUE(is_unresolved_expression(Value::object_of(members, 1, 0)));
  // two members: a real object
  EXPECT_FALSE(is_unresolved_expression(Value::object_of(members, 2, 0)));
  EXPECT_FALSE(is_unresolved_expression(Value::string_view_at("Get", 0)));
  // A look-alike with a different key is judged like any object.
  auto fake = check("CreateTrainingJob", training_with("3600", R"({"Gett": "x"})"));
  EXPECT_THAT(fake.messages(), ElementsAre("StoppingCondition.MaxRuntimeInSeconds must be an integer, got object"));
}

TEST(ApiModelValidate, TranslatedJavaPatterns) {
  // "(...)?([a-zA-Z0-9]([a-zA-Z0-9-]){0,62})(?<!-)": RE2 has no lookbehind;
  // the translation must still reject a trailing hyphen and accept the rest.
  auto with_algo = [](const std::string& name) {
    return training_with(R"("TrainingImage": "123456789012.dkr.ecr.us-east-1.amazonaws.com/xgb:1")",
                         "\"AlgorithmName\": \"" + name + "\"");
  };
  EXPECT_THAT(check("CreateTrainingJob", with_algo("my-algo")).messages(), IsEmpty());
  EXPECT_THAT(check("CreateTrainingJob", with_algo("a")).messages(), IsEmpty());
  EXPECT_THAT(check("CreateTrainingJob", with_algo("arn:aws:sagemaker:us-east-1:123456789012:algorithm/x1")).messages(),
              IsEmpty());
  EXPECT_THAT(check("CreateTrainingJob", with_algo("my-algo-")).pointers(),
              ElementsAre("/AlgorithmSpecification/AlgorithmName"));
  EXPECT_THAT(check("CreateTrainingJob", with_algo(std::string(64, 'a'))).pointers(),
              ElementsAre("/AlgorithmSpecification/AlgorithmName"));
}

const api_model::Shape* shape_named(std::string_view name) {
  const auto& g = api_model::graph();
  if (!g.ok()) return nullptr;
  for (const auto& s : g.value()->shapes) {
    if (s->name == name) return s.get();
  }
  return nullptr;
}

// Each Java-ism the generator translated, judged on values whose Java
// verdict is known.
TEST(ApiModelPatterns, JavaTranslationsKeepTheirMeaning) {
  const auto* alarm = shape_named("AlarmName");  // (?!\s*$).+
  ASSERT_TRUE(alarm && alarm->regex);
  EXPECT_TRUE(alarm->regex->full_match("high-latency"));
  EXPECT_TRUE(alarm->regex->full_match("  5xx errors "));
  EXPECT_FALSE(alarm->regex->full_match("   "));
  EXPECT_FALSE(alarm->regex->full_match("\t\x0B"));  // Java's \s includes \x0B
  EXPECT_FALSE(alarm->regex->full_match("two\nlines"));
  EXPECT_FALSE(alarm->regex->full_match(""));

  const auto* lambda = shape_named("TrainingRepositoryCredentialsProviderArn");  // \p{Alnum}
  ASSERT_TRUE(lambda && lambda->regex);
  EXPECT_TRUE(lambda->regex->full_match("arn:aws:lambda:us-east-1:123456789012:function:creds"));
  EXPECT_FALSE(lambda->regex->full_match("arn:aws_x:lambda:us-east-1:123456789012:function:creds"));

  const auto* catalog = shape_named("AthenaCatalog");  // \uXXXX and a surrogate-pair range
  ASSERT_TRUE(catalog && catalog->regex);
  EXPECT_TRUE(catalog->regex->full_match("AwsDataCatalog \xC3\xA9\t\xF0\x9F\x98\x80"));  // é, tab, U+1F600
  EXPECT_FALSE(catalog->regex->full_match("bad\x01"));
  EXPECT_FALSE(catalog->regex->full_match("bad\n"));

  const auto* env_key = shape_named("TransformEnvironmentKey");  // {0,1023} beyond RE2's limit
  ASSERT_TRUE(env_key && env_key->regex);
  EXPECT_TRUE(env_key->regex->full_match("_" + std::string(1023, 'a')));
  EXPECT_FALSE(env_key->regex->full_match("9abc"));

  const auto* tag_key = shape_named("TagKey");  // one class in a group: the byte-table path
  ASSERT_TRUE(tag_key && tag_key->regex);
  EXPECT_TRUE(tag_key->regex->full_match("cost-center:team/a=b+c@d_e.f"));
  EXPECT_TRUE(tag_key->regex->full_match("Projekt \xC3\x9C" "bersicht"));  // non-ASCII letters go to RE2
  EXPECT_FALSE(tag_key->regex->full_match("owner#1"));
  EXPECT_FALSE(tag_key->regex->full_match("\xE2\x82\xAC"));  // the euro sign is a symbol, not a letter

  auto c = check("CreateEndpoint", R"({"EndpointName": "e", "EndpointConfigName": "c",
      "DeploymentConfig": {"AutoRollbackConfiguration": {"Alarms": [{"AlarmName": "ok"}, {"AlarmName": "  "}]}}})");
  EXPECT_THAT(c.pointers(), ElementsAre("/DeploymentConfig/AutoRollbackConfiguration/Alarms/1/AlarmName"));
}

// Every pattern of the table against RE2 itself (UTF-8, anchored at both
// ends): the byte-table fast path, the Latin-1 table build and the deferred
// UTF-8 program must never change an answer. Random strings mix ASCII with
// letters, digits, spaces and symbols from outside it, and half of them are
// built from the pattern's own characters so that matches are common too.
TEST(ApiModelPatterns, EveryPatternAgreesWithRe2) {
  const auto& g = api_model::graph();
  ASSERT_TRUE(g.ok());
  const std::vector<std::string> pieces = {
      "a", "Z", "0", "9", "-", "_", ".", ":", "/", "=", "+", "@", " ", "\t", "#", "*", "$",
      "\xC3\xA9",          // é (letter)
      "\xD9\xA3",          // Arabic-Indic digit three (number)
      "\xC2\xA0",          // no-break space (separator)
      "\xE2\x82\xAC",     // euro sign (symbol)
      "\xF0\x9F\x98\x80",  // U+1F600 (outside the BMP)
      "\x01", "\n"};
  std::mt19937 rng(20261127);
  size_t compared = 0;
  for (const auto& pattern : (*g)->patterns) {
    RE2::Options opts;
    opts.set_log_errors(false);
    const RE2 oracle(pattern->text(), opts);
    if (!oracle.ok()) {
      EXPECT_FALSE(pattern->compile_error().empty()) << pattern->source();
      continue;
    }
    std::vector<std::string> own;  // the pattern's literal ASCII characters
    for (char c : pattern->text()) {
      if (std::isalnum(static_cast<unsigned char>(c)) || std::strchr("-_.:/=+@ ", c)) own.emplace_back(1, c);
    }
    for (int i = 0; i < 200; ++i) {
      std::string s;
      const size_t len = rng() % 40;  // past several 8-byte steps of the table path
      const bool from_own = !own.empty() && i % 2 == 0;
      for (size_t k = 0; k < len; ++k) {
        s += from_own && rng() % 8 != 0 ? own[rng() % own.size()] : pieces[rng() % pieces.size()];
      }
      EXPECT_EQ(pattern->full_match(s), RE2::FullMatch(s, oracle))
          << "pattern " << pattern->source() << " on \"" << s << "\"";
      ++compared;
    }
    EXPECT_TRUE(pattern->compile_error().empty()) << pattern->source();
  }
  // The table has some 40 distinct patterns; a loop that compared none would pass.
  EXPECT_GE(compared, 200u * 30);
}

TEST(ApiModelValidate, ConcurrentCallsAgree) {
  const std::string text = training_with("churn-2024-01", "bad_name");
  auto v = parse_json("r.json", text, 512);
  ASSERT_TRUE(v.ok());
  std::vector<std::vector<ApiViolation>> results(8);
  std::vector<std::thread> threads;
  for (auto& r : results) {
    threads.emplace_back([&v, &r] {
      for (int i = 0; i < 200; ++i) {
        r.clear();
        validate_api_request("CreateTrainingJob", v->root(), {}, r);
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) {
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].pointer, "/TrainingJobName");
  }
}

TEST(ApiModelValidate, NestedListOfStructuresAndOtherOperations) {
  const char* processing = R"({"ProcessingJobName": "p1", "RoleArn": "arn:aws:iam::123456789012:role/R",
    "AppSpecification": {"ImageUri": "img"},
    "ProcessingResources": {"ClusterConfig": {"InstanceCount": 101, "InstanceType": "ml.t3.medium", "VolumeSizeInGB": 30}},
    "NetworkConfig": {"VpcConfig": {"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg_1"]}}})";
  auto c = check("CreateProcessingJob", processing);
  EXPECT_THAT(c.pointers(), ElementsAre("/ProcessingResources/ClusterConfig/InstanceCount",
                                        "/NetworkConfig/VpcConfig/SecurityGroupIds/0"));
  EXPECT_EQ(c.messages()[0], "ProcessingResources.ClusterConfig.InstanceCount must be at most 100, got 101");
  EXPECT_EQ(c.at(0, 3), "101");
  EXPECT_EQ(c.at(1, 6), "\"sg_1\"");
  auto endpoint = check("CreateEndpoint", R"({"EndpointName": "e-1"})");
  EXPECT_THAT(endpoint.messages(), ElementsAre("missing required member 'EndpointConfigName'"));
}

TEST(ApiModelValidate, PointerEscapesSpecialCharacters) {
  auto c = check("CreateTrainingJob", training_with(R"("max_depth")", R"("a/b~c")"));
  EXPECT_THAT(c.messages(), IsEmpty());  // hyperparameter keys allow anything
  auto env = check("CreateTrainingJob", training_with(R"("MODE")", R"("a/b~c")"));
  EXPECT_THAT(env.pointers(), ElementsAre("/Environment/a~1b~0c"));
}

TEST(ApiModelGraph, RejectsBrokenTables) {
  EXPECT_FALSE(api_model::build_graph("not json").ok());
  EXPECT_FALSE(api_model::build_graph(R"({"shapes": {}, "operations": {"Op": "Missing"}})").ok());
  EXPECT_FALSE(api_model::build_graph(
                   R"({"shapes": {"S": {"type": "structure", "members": {"A": "Nope"}}}, "operations": {}})")
                   .ok());
  auto ok = api_model::build_graph(
      R"({"shapes": {"S": {"type": "structure", "members": {"A": "T"}, "required": ["A"]},
                     "T": {"type": "string", "pattern": "(?<!x)y"}},
          "operations": {"Op": "S"}})");
  ASSERT_TRUE(ok.ok()) << ok.error().describe();
  // RE2 cannot compile the lookbehind: not fatal to the table. Patterns
  // compile on first use; this one then reports the error and checks nothing.
  EXPECT_TRUE((*ok)->unchecked_patterns.empty());
  const api_model::Shape* t = nullptr;
  for (const auto& s : (*ok)->shapes) {
    if (s->name == "T") t = s.get();
  }
  ASSERT_TRUE(t && t->regex);
  EXPECT_TRUE(t->regex->full_match("not checked"));
  EXPECT_THAT(t->regex->compile_error(), HasSubstr("RE2 cannot compile"));
  EXPECT_EQ(t->regex->source(), "(?<!x)y");
  EXPECT_NE((*ok)->find_operation("Op"), nullptr);
  EXPECT_EQ((*ok)->find_operation("Other"), nullptr);
}

}  // namespace
}  // namespace sageguard
