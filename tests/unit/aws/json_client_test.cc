// JsonClient with a scripted in-memory transport: wire format, error parsing,
// the standard retry mode (delays, quota, attempt budget), pagination,
// idempotent creates, endpoint resolution, concurrency and the wire trace.
#include <gtest/gtest.h>

#include <deque>
#include <mutex>
#include <thread>

#include "aws/json_client.h"

namespace {

namespace aws = sageguard::aws;
using nlohmann::json;
using sageguard::ErrorCode;
using namespace std::chrono_literals;

const char* kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const char* kToken = "FwoGZXIvYXdzEXAMPLESESSIONTOKENvalue+/=";

// Replies from a script (then repeats the last entry); records requests.
class ScriptedTransport : public aws::HttpTransport {
 public:
  explicit ScriptedTransport(std::vector<aws::HttpOutcome> script) : script_(std::move(script)) {}
  aws::HttpOutcome send(const aws::HttpRequest& r) override {
    std::lock_guard<std::mutex> lock(mu_);
    requests.push_back(r);
    std::size_t i = std::min(next_++, script_.size() - 1);
    return script_[i];
  }
  std::vector<aws::HttpRequest> requests;

 private:
  std::mutex mu_;
  std::vector<aws::HttpOutcome> script_;
  std::size_t next_ = 0;
};

aws::HttpResponse reply(long status, const std::string& body, const std::string& rid = "req-1") {
  aws::HttpResponse r;
  r.status = status;
  r.body = body;
  r.headers = {{"x-amzn-RequestId", rid}, {"Content-Type", "application/x-amz-json-1.1"}};
  return r;
}

aws::HttpResponse error_reply(long status, const std::string& type, const std::string& msg) {
  return reply(status, json{{"__type", type}, {"message", msg}}.dump());
}

struct Harness {
  std::shared_ptr<ScriptedTransport> transport;
  std::vector<std::chrono::milliseconds> sleeps;
  std::vector<std::string> traces;
  std::unique_ptr<aws::JsonClient> client;

  explicit Harness(std::vector<aws::HttpOutcome> script, aws::RetryConfig retry = {}) {
    transport = std::make_shared<ScriptedTransport>(std::move(script));
    aws::JsonClientConfig cfg;
    cfg.region = "us-east-1";
    cfg.endpoint = "https://api.sagemaker.us-east-1.amazonaws.com/";
    cfg.retry = retry;
    cfg.sleeper = [this](std::chrono::milliseconds d) { sleeps.push_back(d); };
    cfg.random = [] { return 0.5; };
    cfg.clock = [] { return std::chrono::system_clock::time_point(std::chrono::seconds(1700000000)); };
    cfg.trace = [this](const std::string& t) { traces.push_back(t); };
    auto creds = std::make_shared<aws::StaticCredentialsProvider>(
        aws::Credentials{"AKIDEXAMPLE", kSecret, kToken, std::nullopt, "test"});
    client = std::make_unique<aws::JsonClient>(cfg, creds, transport);
  }
};

TEST(JsonClient, SendsJson11PostWithTargetAndSignature) {
  Harness h({reply(200, R"({"TrainingJobSummaries":[]})")});
  auto r = h.client->call("ListTrainingJobs", json{{"MaxResults", 10}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE((*r)["TrainingJobSummaries"].is_array());
  ASSERT_EQ(h.transport->requests.size(), 1u);
  const auto& req = h.transport->requests[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "https://api.sagemaker.us-east-1.amazonaws.com/");
  EXPECT_EQ(req.header("X-Amz-Target"), "SageMaker.ListTrainingJobs");
  EXPECT_EQ(req.header("Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(json::parse(req.body), json({{"MaxResults", 10}}));
  auto auth = req.header("Authorization").value_or("");
  EXPECT_TRUE(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20231114/us-east-1/sagemaker/aws4_request"))
      << auth;
  EXPECT_NE(auth.find("x-amz-target"), std::string::npos);
  EXPECT_EQ(req.header("X-Amz-Security-Token"), kToken);
}

TEST(JsonClient, ParsesErrorsIntoAwsError) {
  Harness h({reply(400, R"({"__type":"com.amazonaws.sagemaker#ValidationException:http://internal","Message":"bad name"})", "rid-42")});
  auto o = h.client->call_detailed("CreateTrainingJob", json::object());
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error.code, "ValidationException");
  EXPECT_EQ(o.error.message, "bad name");
  EXPECT_EQ(o.error.request_id, "rid-42");
  EXPECT_EQ(o.error.http_status, 400);
  EXPECT_FALSE(o.error.retryable);
  EXPECT_EQ(o.attempts, 1);
  auto r = o.to_result("CreateTrainingJob");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::aws);
  EXPECT_EQ(r.error().message,
            "CreateTrainingJob: ValidationException: bad name (HTTP 400, request id rid-42)");
  EXPECT_EQ(aws::normalize_error_code("aws.protocoltests#FooError:http://x"), "FooError");
  EXPECT_EQ(aws::normalize_error_code("ThrottlingException"), "ThrottlingException");
}

TEST(JsonClient, RetriesThrottlingWithBackoffAndRefundsQuota) {
  Harness h({error_reply(400, "ThrottlingException", "Rate exceeded"),
             error_reply(400, "ThrottlingException", "Rate exceeded"), reply(200, "{}")});
  auto r = h.client->call("ListTrainingJobs", json::object());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(h.transport->requests.size(), 3u);
  // rand()=0.5: 0.5 * min(2^0, 20) s, then 0.5 * min(2^1, 20) s.
  ASSERT_EQ(h.sleeps.size(), 2u);
  EXPECT_EQ(h.sleeps[0], 500ms);
  EXPECT_EQ(h.sleeps[1], 1000ms);
  // Two retries cost 5 each; success after a retry refunds the last cost.
  EXPECT_EQ(h.client->retry_quota_available(), 495);
}

TEST(JsonClient, GivesUpAfterMaxAttemptsAndHonoursAwsMaxAttempts) {
  Harness h({error_reply(500, "InternalFailure", "boom")});
  auto o = h.client->call_detailed("ListTrainingJobs", json::object());
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.attempts, 3);
  EXPECT_EQ(h.transport->requests.size(), 3u);
  EXPECT_TRUE(o.earlier_attempt_ambiguous);  // a 500 may come after the work

  aws::MapEnv env({{"AWS_MAX_ATTEMPTS", "5"}});
  Harness five({error_reply(503, "ServiceUnavailable", "later")}, aws::RetryConfig::from_env(env));
  EXPECT_EQ(five.client->call_detailed("ListTrainingJobs", json::object()).attempts, 5);
  EXPECT_EQ(aws::RetryConfig::from_env(aws::MapEnv{{"AWS_MAX_ATTEMPTS", "zero"}}).max_attempts, 3);
}

TEST(JsonClient, NeverRetriesValidationQuotaOrAuthErrors) {
  for (const char* code : {"ValidationException", "ResourceLimitExceeded", "AccessDeniedException",
                           "UnrecognizedClientException", "InvalidSignatureException",
                           "ExpiredTokenException"}) {
    Harness h({error_reply(code == std::string("ResourceLimitExceeded") ? 503 : 400, code, "no")});
    auto o = h.client->call_detailed("CreateTrainingJob", json::object());
    EXPECT_EQ(o.attempts, 1) << code;
    EXPECT_FALSE(o.error.retryable) << code;
  }
  for (const char* code : {"Throttling", "TooManyRequestsException", "RequestLimitExceeded",
                           "RequestTimeout", "PriorRequestNotComplete"}) {
    EXPECT_TRUE(aws::is_retryable(code, 400)) << code;
  }
  for (long status : {500L, 502L, 503L, 504L}) EXPECT_TRUE(aws::is_retryable("X", status));
  EXPECT_FALSE(aws::is_retryable("X", 501));
}

TEST(JsonClient, TransportFailuresRetryAndTimeoutsCostMore) {
  aws::TransportError timeout{aws::TransportErrorKind::timeout, "timed out", true};
  aws::TransportError refused{aws::TransportErrorKind::connection, "refused", false};
  Harness h({timeout, refused, reply(200, "{}")}, aws::RetryConfig{});
  auto o = h.client->call_detailed("ListTrainingJobs", json::object());
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o.attempts, 3);
  EXPECT_TRUE(o.earlier_attempt_ambiguous);
  EXPECT_EQ(h.client->retry_quota_available(), 500 - 10 - 5 + 5);
}

TEST(JsonClient, RetryQuotaRunsOut) {
  aws::RetryConfig cfg;
  cfg.quota_capacity = 12;
  cfg.max_attempts = 10;
  Harness h({error_reply(500, "InternalFailure", "boom")}, cfg);
  auto o = h.client->call_detailed("ListTrainingJobs", json::object());
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.attempts, 3);  // 12 tokens pay for two retries of 5
  EXPECT_NE(o.error.message.find("retry quota exhausted"), std::string::npos);
  EXPECT_EQ(h.client->retry_quota_available(), 2);
}

TEST(JsonClient, PaginatesWithNextToken) {
  Harness h({reply(200, R"({"Items":[1,2],"NextToken":"t1"})"), reply(200, R"({"Items":[3],"NextToken":"t2"})"),
             reply(200, R"({"Items":[4]})")});
  auto r = h.client->list_all("ListTrainingJobs", json{{"MaxResults", 2}}, "Items");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, json({1, 2, 3, 4}));
  ASSERT_EQ(h.transport->requests.size(), 3u);
  EXPECT_FALSE(json::parse(h.transport->requests[0].body).contains("NextToken"));
  EXPECT_EQ(json::parse(h.transport->requests[1].body)["NextToken"], "t1");
  EXPECT_EQ(json::parse(h.transport->requests[2].body)["NextToken"], "t2");
  EXPECT_EQ(json::parse(h.transport->requests[2].body)["MaxResults"], 2);

  Harness loop({reply(200, R"({"Items":[],"NextToken":"same"})")});
  EXPECT_FALSE(loop.client->paginate("ListTrainingJobs", json::object()).ok());
}

const json kCreate = {{"TrainingJobName", "job-1"},
                      {"RoleArn", "arn:aws:iam::123456789012:role/r"},
                      {"ResourceConfig", {{"InstanceType", "ml.m5.large"}, {"InstanceCount", 1}}},
                      {"Tags", {{{"Key", "team"}, {"Value", "a"}}}}};

aws::IdempotentCreate create_spec() {
  return {"CreateTrainingJob", kCreate, "DescribeTrainingJob", "TrainingJobName", {}};
}

TEST(JsonClient, AmbiguousCreateResolvedByDescribe) {
  json described = {{"TrainingJobName", "job-1"}, {"TrainingJobArn", "arn:job-1"},
                    {"RoleArn", "arn:aws:iam::123456789012:role/r"},
                    {"ResourceConfig", {{"InstanceType", "ml.m5.large"}, {"InstanceCount", 1}, {"VolumeSizeInGB", 30}}}};
  aws::TransportError dropped{aws::TransportErrorKind::connection, "connection reset", true};
  Harness h({dropped, error_reply(400, "ResourceInUse", "name taken"), reply(200, described.dump())});
  auto r = h.client->create_idempotent(create_spec());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->resolved_by_describe);
  EXPECT_EQ(r->response["TrainingJobArn"], "arn:job-1");
  ASSERT_EQ(h.transport->requests.size(), 3u);
  EXPECT_EQ(h.transport->requests[2].header("X-Amz-Target"), "SageMaker.DescribeTrainingJob");
  EXPECT_EQ(json::parse(h.transport->requests[2].body), json({{"TrainingJobName", "job-1"}}));
}

TEST(JsonClient, ResourceInUseForADifferentJobIsAnError) {
  json other = {{"TrainingJobName", "job-1"}, {"RoleArn", "arn:aws:iam::123456789012:role/someone-else"}};
  aws::TransportError dropped{aws::TransportErrorKind::connection, "connection reset", true};
  Harness h({dropped, error_reply(400, "ResourceInUse", "name taken"), reply(200, other.dump())});
  auto r = h.client->create_idempotent(create_spec());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("ResourceInUse"), std::string::npos);
  EXPECT_NE(r.error().message.find("different resource"), std::string::npos);
}

TEST(JsonClient, ResourceInUseWithoutAmbiguityIsNotDescribed) {
  // A throttle means the create was not processed: no reason to suspect it was ours.
  Harness h({error_reply(400, "ThrottlingException", "slow"), error_reply(400, "ResourceInUse", "name taken")});
  auto r = h.client->create_idempotent(create_spec());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(h.transport->requests.size(), 2u);
}

TEST(JsonClient, SubsetMatch) {
  EXPECT_TRUE(aws::json_subset_match(json{{"a", 1}, {"b", {1, 2}}}, json{{"a", 1.0}, {"b", {1, 2}}, {"c", 3}}));
  EXPECT_TRUE(aws::json_subset_match(json{{"a", 1}, {"tags", 1}}, json{{"a", 1}}));
  EXPECT_FALSE(aws::json_subset_match(json{{"b", {1, 2}}}, json{{"b", {1}}}));
  EXPECT_FALSE(aws::json_subset_match(json{{"a", {{"x", "y"}}}}, json{{"a", {{"x", "z"}}}}));
}

TEST(JsonClient, ManyThreadsShareOneClient) {
  Harness h({reply(200, R"({"ok":true})")});
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  h.client = nullptr;
  // Same client, no trace sink (the sink in Harness is not synchronised).
  aws::JsonClientConfig cfg;
  cfg.region = "us-east-1";
  cfg.endpoint = "https://api.sagemaker.us-east-1.amazonaws.com";
  auto creds = std::make_shared<aws::StaticCredentialsProvider>(aws::Credentials{"AKID", kSecret, "", std::nullopt, "t"});
  aws::JsonClient client(cfg, creds, h.transport);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 50; ++j) {
        if (client.call("ListTrainingJobs", json::object()).ok()) ++good;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(good.load(), 400);
  EXPECT_EQ(h.transport->requests.size(), 400u);
}

TEST(Endpoint, ResolutionOrderAndPlainHttpRule) {
  aws::MapEnv env;
  EXPECT_EQ(aws::resolve_sagemaker_endpoint(env, "", "eu-west-1").value(),
            "https://api.sagemaker.eu-west-1.amazonaws.com");
  env.set("AWS_ENDPOINT_URL", "https://global.example");
  EXPECT_EQ(aws::resolve_sagemaker_endpoint(env, "", "eu-west-1").value(), "https://global.example");
  env.set("AWS_ENDPOINT_URL_SAGEMAKER", "http://127.0.0.1:5000/");
  EXPECT_EQ(aws::resolve_sagemaker_endpoint(env, "", "eu-west-1").value(), "http://127.0.0.1:5000");
  EXPECT_EQ(aws::resolve_sagemaker_endpoint(env, "https://explicit.example", "eu-west-1").value(),
            "https://explicit.example");
  auto insecure = aws::resolve_sagemaker_endpoint(env, "http://sagemaker.example.com", "eu-west-1");
  ASSERT_FALSE(insecure.ok());
  EXPECT_NE(insecure.error().message.find("loopback"), std::string::npos);
}

TEST(WireTrace, NeverContainsSecretOrToken) {
  // The service echoes the secret back (as a hostile or buggy endpoint might).
  json echoed = {{"SecretAccessKey", "something"}, {"note", std::string("key ") + kSecret},
                 {"Credentials", {{"SessionToken", kToken}}}};
  Harness h({error_reply(500, "InternalFailure", std::string("token was ") + kToken), reply(200, echoed.dump())});
  auto r = h.client->call("CreateTrainingJob",
                          json{{"Environment", {{"Password", "hunter2"}}}, {"Name", "x"}});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(h.traces.size(), 4u);  // request, error response, request, response
  for (const auto& t : h.traces) {
    EXPECT_EQ(t.find(kSecret), std::string::npos) << t;
    EXPECT_EQ(t.find(kToken), std::string::npos) << t;
    EXPECT_EQ(t.find("hunter2"), std::string::npos) << t;
    EXPECT_EQ(t.find("Signature="), std::string::npos) << t;
  }
  EXPECT_NE(h.traces[0].find("Authorization: <redacted>"), std::string::npos);
  EXPECT_NE(h.traces[0].find("X-Amz-Security-Token: <redacted>"), std::string::npos);
  EXPECT_NE(h.traces[0].find("SageMaker.CreateTrainingJob"), std::string::npos);
  EXPECT_NE(h.traces[1].find("HTTP 500"), std::string::npos);
}

}  // namespace

namespace {

TEST(AwsErrorParsing, XmlErrorBodiesAndHeaderFallback) {
  sageguard::aws::HttpResponse xml;
  xml.status = 403;
  xml.body = "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>bad sig</Message></Error></ErrorResponse>";
  auto e = sageguard::aws::parse_json_error(xml);
  EXPECT_EQ(e.code, "SignatureDoesNotMatch");
  EXPECT_EQ(e.message, "bad sig");
  EXPECT_FALSE(e.retryable);
  sageguard::aws::HttpResponse hdr;
  hdr.status = 400;
  hdr.headers = {{"X-Amzn-ErrorType", "ThrottlingException:http://x"}};
  EXPECT_EQ(sageguard::aws::parse_json_error(hdr).code, "ThrottlingException");
  EXPECT_TRUE(sageguard::aws::parse_json_error(hdr).retryable);
}

}  // namespace
