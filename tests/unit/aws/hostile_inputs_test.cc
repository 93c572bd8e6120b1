// What the aws module does with values it must not trust: region names from
// flags, the environment, profiles and EC2's answer (they become host
// names); retry settings; paginations that cycle; answers nested deeper
// than our readers accept, in the client and in the --debug trace; bodies
// larger than the transport's limit; missing configuration (exit 2).
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "loopback_http_server.h"
#include "sageguard/aws/credentials_chain.h"
#include "sageguard/aws/ec2_regions.h"
#include "aws/json_client.h"
#include "sageguard/aws/retry_strategy.h"
#include "sageguard/aws/service_endpoint.h"
#include "sageguard/aws/shared_config.h"
#include "sageguard/aws/wire_trace.h"
#include "test_support.h"

namespace {

namespace aws = sageguard::aws;
using nlohmann::json;
using sageguard::ErrorCode;
using sgtest::CannedResponse;
using sgtest::LoopbackHttpServer;
using sgtest::ReceivedRequest;

// Values botocore's validate_region_name (botocore/utils.py) accepts and
// refuses; the integration test test_aws_hostile.py checks the same split
// against botocore itself.
const char* const kValidRegions[] = {"us-east-1", "eu-west-2", "cn-north-1", "us-gov-west-1",
                                     "us-isob-east-1", "local", "US-EAST-1", "a",
                                     "x1", "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij123"};
const char* const kInvalidRegions[] = {"x.localhost:8080/#", "evil.com", "us-east-1.", "us-east-1/",
                                       "us-east-1#", "us east 1", "-us-east-1", "us-east-1-",
                                       "123", "us_east_1", "us-east-1\n", "\x1b[31m",
                                       "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij1234",
                                       "\xc3\xa9u-west-1"};

TEST(RegionName, AcceptsWhatTheSdksAcceptAndNothingElse) {
  for (const char* r : kValidRegions) EXPECT_TRUE(aws::is_valid_region_name(r)) << r;
  for (const char* r : kInvalidRegions) EXPECT_FALSE(aws::is_valid_region_name(r)) << r;
  EXPECT_FALSE(aws::is_valid_region_name(""));
}

TEST(RegionName, EverySourceIsCheckedAndNamedInTheError) {
  sgtest::TempDir dir;
  const auto config = dir / "config";
  sgtest::write_file(config, "[default]\nregion = x.localhost:9/#\n[profile ok]\nregion = eu-west-1\n");
  aws::MapEnv base({{"AWS_CONFIG_FILE", config.string()},
                    {"AWS_SHARED_CREDENTIALS_FILE", (dir / "none").string()}});
  struct Case {
    std::string flag, env_name, env_value, want_source;
  };
  const Case cases[] = {{"evil.com", "", "", "--region"},
                        {"", "AWS_REGION", "evil.com", "AWS_REGION"},
                        {"", "AWS_DEFAULT_REGION", "evil.com", "AWS_DEFAULT_REGION"},
                        {"", "", "", "profile 'default'"}};
  for (const auto& c : cases) {
    aws::MapEnv env = base;
    if (!c.env_name.empty()) env.set(c.env_name, c.env_value);
    auto r = aws::resolve_region(env, c.flag, "");
    ASSERT_FALSE(r.ok()) << c.want_source;
    EXPECT_EQ(r.error().code, ErrorCode::usage) << r.error().message;
    EXPECT_NE(r.error().message.find(c.want_source), std::string::npos) << r.error().message;
    // No client is made either: the error comes before any connection.
    aws::SageMakerClientOptions o;
    o.region = c.flag;
    o.env = &env;
    o.credentials = std::make_shared<aws::StaticCredentialsProvider>(aws::Credentials{"AKID", "s", "", {}, "t"});
    auto client = aws::make_sagemaker_client(o);
    ASSERT_FALSE(client.ok());
    EXPECT_EQ(client.error().code, ErrorCode::usage);
  }
  auto ok = aws::resolve_region(base, "", "ok");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(*ok, "eu-west-1");
  // Control characters in the value are not echoed to the terminal raw.
  auto esc = aws::resolve_region(base, "\x1b[2J", "");
  ASSERT_FALSE(esc.ok());
  EXPECT_EQ(esc.error().message.find('\x1b'), std::string::npos);
}

TEST(RegionName, MissingRegionIsConfigurationNotAnAwsFailure) {
  sgtest::TempDir dir;
  aws::MapEnv env({{"AWS_CONFIG_FILE", (dir / "none").string()},
                   {"AWS_SHARED_CREDENTIALS_FILE", (dir / "none2").string()}});
  auto r = aws::resolve_region(env, "", "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::usage);
  auto configured = aws::configured_region(env, "", "");
  ASSERT_TRUE(configured.ok());
  EXPECT_FALSE(configured->has_value());
  static constexpr aws::ServiceEndpoint kSm{"SageMaker", "--endpoint-url", "AWS_ENDPOINT_URL_SAGEMAKER",
                                            "api.sagemaker"};
  auto none = aws::resolve_service_endpoint(env, "", "", kSm);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::usage);
  auto hostile = aws::resolve_service_endpoint(env, "", "x.localhost:1/#", kSm);
  ASSERT_FALSE(hostile.ok());
  EXPECT_EQ(hostile.error().code, ErrorCode::usage);
  auto good = aws::resolve_service_endpoint(env, "", "eu-west-1", kSm);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, "https://api.sagemaker.eu-west-1.amazonaws.com");
}

TEST(RegionName, DescribeRegionsAnswerIsChecked) {
  const std::string xml =
      "<DescribeRegionsResponse><regionInfo>"
      "<item><regionName>us-east-1</regionName><optInStatus>opt-in-not-required</optInStatus></item>"
      "<item><regionName>x.localhost:9/#</regionName><optInStatus>opt-in-not-required</optInStatus></item>"
      "</regionInfo></DescribeRegionsResponse>";
  auto r = aws::parse_describe_regions(xml);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::usage);
  EXPECT_NE(r.error().message.find("DescribeRegions"), std::string::npos) << r.error().message;
}

TEST(RetryConfig, StandardByDefaultAdaptiveOnlyWhenAsked) {
  sgtest::TempDir dir;
  const auto config = dir / "config";
  sgtest::write_file(config, "[default]\nretry_mode = adaptive\nmax_attempts = 7\n"
                             "[profile std]\nretry_mode = standard\n"
                             "[profile bad]\nretry_mode = turbo\n");
  aws::MapEnv none({{"AWS_CONFIG_FILE", (dir / "missing").string()},
                    {"AWS_SHARED_CREDENTIALS_FILE", (dir / "missing2").string()}});
  auto d = aws::resolve_retry_config(none, "");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->mode, aws::RetryMode::standard);
  EXPECT_EQ(d->max_attempts, 3);
  EXPECT_EQ(d->quota_capacity, 500);
  EXPECT_EQ(d->retry_cost, 5);
  EXPECT_EQ(d->timeout_retry_cost, 10);

  aws::MapEnv files({{"AWS_CONFIG_FILE", config.string()},
                     {"AWS_SHARED_CREDENTIALS_FILE", (dir / "missing2").string()}});
  auto prof = aws::resolve_retry_config(files, "");
  ASSERT_TRUE(prof.ok());
  EXPECT_EQ(prof->mode, aws::RetryMode::adaptive);
  EXPECT_EQ(prof->max_attempts, 7);
  EXPECT_EQ(aws::resolve_retry_config(files, "std")->mode, aws::RetryMode::standard);
  // The environment wins over the profile, as in the SDKs.
  aws::MapEnv env = files;
  env.set("AWS_RETRY_MODE", "standard");
  env.set("AWS_MAX_ATTEMPTS", "2");
  auto e = aws::resolve_retry_config(env, "");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->mode, aws::RetryMode::standard);
  EXPECT_EQ(e->max_attempts, 2);
  env.set("AWS_RETRY_MODE", "legacy");
  EXPECT_EQ(aws::resolve_retry_config(env, "")->mode, aws::RetryMode::standard);

  auto bad = aws::resolve_retry_config(files, "bad");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::usage);
  EXPECT_NE(bad.error().message.find("turbo"), std::string::npos);
  env.set("AWS_RETRY_MODE", "adaptive");
  env.set("AWS_MAX_ATTEMPTS", "0");
  EXPECT_FALSE(aws::resolve_retry_config(env, "").ok());
}

// Replies from a script (the last entry repeats) and counts requests.
class Script : public aws::HttpTransport {
 public:
  explicit Script(std::vector<aws::HttpOutcome> s) : script_(std::move(s)) {}
  aws::HttpOutcome send(const aws::HttpRequest&) override {
    std::lock_guard<std::mutex> lock(mu_);
    return script_[std::min(sent_++, script_.size() - 1)];
  }
  size_t sent() {
    std::lock_guard<std::mutex> lock(mu_);
    return sent_;
  }

 private:
  std::mutex mu_;
  std::vector<aws::HttpOutcome> script_;
  size_t sent_ = 0;
};

aws::HttpResponse answer(const std::string& body, long status = 200) {
  aws::HttpResponse r;
  r.status = status;
  r.body = body;
  return r;
}

std::unique_ptr<aws::JsonClient> client_over(std::shared_ptr<aws::HttpTransport> t,
                                             std::shared_ptr<aws::CredentialsProvider> creds = nullptr,
                                             aws::TraceSink trace = {}) {
  aws::JsonClientConfig cfg;
  cfg.region = "us-east-1";
  cfg.endpoint = "https://api.sagemaker.us-east-1.amazonaws.com";
  cfg.sleeper = [](std::chrono::milliseconds) {};
  cfg.trace = std::move(trace);
  if (!creds) {
    creds = std::make_shared<aws::StaticCredentialsProvider>(
        aws::Credentials{"AKIDEXAMPLE", "secret-key-value", "", std::nullopt, "test"});
  }
  return std::make_unique<aws::JsonClient>(cfg, std::move(creds), std::move(t));
}

TEST(Pagination, AnyRepeatedNextTokenStopsWithAnErrorNamingTheOperation) {
  auto t = std::make_shared<Script>(std::vector<aws::HttpOutcome>{
      answer(R"({"Models":[{"ModelName":"a"}],"NextToken":"A"})"),
      answer(R"({"Models":[{"ModelName":"b"}],"NextToken":"B"})"),
      answer(R"({"Models":[{"ModelName":"c"}],"NextToken":"A"})"),
      answer(R"({"Models":[{"ModelName":"d"}],"NextToken":"B"})")});
  auto c = client_over(t);
  auto r = c->list_all("ListModels", json::object(), "Models");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::aws);
  EXPECT_TRUE(r.error().message.starts_with("ListModels: ")) << r.error().message;
  EXPECT_NE(r.error().message.find("cycles"), std::string::npos) << r.error().message;
  EXPECT_EQ(t->sent(), 3u);  // A, B, then A again: stopped there
  // A bound on pages still holds for a service that never repeats itself.
  int n = 0;
  std::vector<aws::HttpOutcome> endless;
  for (; n < 60; ++n) endless.push_back(answer(R"({"NextToken":"t)" + std::to_string(n) + R"("})"));
  auto c2 = client_over(std::make_shared<Script>(endless));
  auto bounded = c2->paginate("ListModels", json::object(), 50);
  ASSERT_FALSE(bounded.ok());
  EXPECT_NE(bounded.error().message.find("more than 50 pages"), std::string::npos);
}

std::string nested(size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

TEST(Depth, DeeplyNestedAnswerIsRefusedNotRecursedInto) {
  const std::string deep = R"({"TrainingJobName":"x","a":)" + nested(200000) + "}";
  std::vector<std::string> traces;
  auto t = std::make_shared<Script>(std::vector<aws::HttpOutcome>{answer(deep)});
  auto c = client_over(t, nullptr, [&](const std::string& s) { traces.push_back(s); });
  auto o = c->call_detailed("DescribeTrainingJob", json{{"TrainingJobName", "x"}});
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error.code, "InvalidResponse");
  EXPECT_NE(o.error.message.find("512"), std::string::npos) << o.error.message;
  // The --debug trace showed the request and a placeholder for the body.
  ASSERT_EQ(traces.size(), 2u);
  EXPECT_NE(traces[1].find("bytes not shown"), std::string::npos);
  // The limit is the readers' own: 512 levels still pass.
  auto ok = client_over(std::make_shared<Script>(
      std::vector<aws::HttpOutcome>{answer(R"({"a":)" + nested(511) + "}")}));
  EXPECT_TRUE(ok->call_detailed("X", json::object()).ok());
}

TEST(Depth, WireTraceOfADeepBodyDoesNotOverflowAndKeepsSecretsOut) {
  const std::string secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  aws::HttpResponse r = answer(R"({"SecretAccessKey":")" + secret + R"(","x":)" + nested(100000) + "}");
  const std::string out = aws::format_response_trace(r, {});
  EXPECT_EQ(out.find(secret), std::string::npos);
  EXPECT_NE(out.find("bytes not shown"), std::string::npos);
  // Brackets inside strings are text, not nesting.
  aws::HttpResponse s = answer(R"({"Message":")" + std::string(5000, '[') + R"("})");
  EXPECT_NE(aws::format_response_trace(s, {}).find(std::string(5000, '[')), std::string::npos);
}

TEST(Credentials, NoneConfiguredIsExit2AndAFailedSourceExit3) {
  struct Fixed : aws::CredentialsProvider {
    ErrorCode code;
    explicit Fixed(ErrorCode c) : code(c) {}
    sageguard::Result<aws::Credentials> credentials() override {
      return sageguard::Error::make(code, "nothing here");
    }
  };
  for (ErrorCode code : {ErrorCode::usage, ErrorCode::aws}) {
    auto t = std::make_shared<Script>(std::vector<aws::HttpOutcome>{answer("{}")});
    auto c = client_over(t, std::make_shared<Fixed>(code));
    auto r = c->call("ListModels", json::object());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, code);
    EXPECT_EQ(t->sent(), 0u);
  }
  sgtest::TempDir dir;
  aws::MapEnv env({{"AWS_CONFIG_FILE", (dir / "none").string()},
                   {"AWS_SHARED_CREDENTIALS_FILE", (dir / "none2").string()},
                   {"AWS_EC2_METADATA_DISABLED", "true"}});
  auto chain = aws::make_default_credentials_chain(aws::ChainOptions{"", &env, nullptr, {}});
  auto r = chain->credentials();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::usage);
}

TEST(BodyLimit, LargerBodiesAreRefusedWithAClearError) {
  const std::string big(300000, 'x');
  LoopbackHttpServer server([&](const ReceivedRequest&) {
    CannedResponse r;
    r.body = big;
    return r;
  });
  aws::CurlTransportOptions small;
  small.max_response_bytes = 100000;
  aws::HttpRequest req;
  req.url = server.url() + "/";
  auto refused = aws::make_curl_transport(small)->send(req);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, aws::TransportErrorKind::too_large);
  const aws::AwsError e = aws::from_transport_error(refused.error());
  EXPECT_EQ(e.code, "ResponseTooLarge");
  EXPECT_FALSE(e.retryable);
  // At the limit exactly, and by default (64 MiB), the body arrives whole.
  small.max_response_bytes = big.size();
  auto at_limit = aws::make_curl_transport(small)->send(req);
  ASSERT_TRUE(at_limit.ok());
  EXPECT_EQ(at_limit.response().body.size(), big.size());
  EXPECT_EQ(aws::CurlTransportOptions{}.max_response_bytes, size_t{64} << 20);
}

TEST(BodyLimit, ChunkedBodiesWithoutALengthAreCutToo) {
  // No Content-Length: the limit is enforced while the body arrives.
  LoopbackHttpServer server([](const ReceivedRequest&) {
    CannedResponse r;
    r.headers = {{"Transfer-Encoding", "chunked"}};
    std::string chunk(50000, 'y');
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
    for (int i = 0; i < 6; ++i) r.body += size + chunk + "\r\n";
    r.body += "0\r\n\r\n";
    return r;
  });
  aws::CurlTransportOptions small;
  small.max_response_bytes = 120000;
  aws::HttpRequest req;
  req.url = server.url() + "/";
  auto out = aws::make_curl_transport(small)->send(req);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().kind, aws::TransportErrorKind::too_large);
}

TEST(SilentEndpoint, StopsRetryingOnceManyAttemptsInARowGotNoAnswer) {
  struct Switch : aws::HttpTransport {
    std::atomic<bool> alive{false};
    std::atomic<int> sent{0};
    aws::HttpOutcome send(const aws::HttpRequest&) override {
      ++sent;
      if (alive) return answer("{}");
      return aws::TransportError{aws::TransportErrorKind::connection, "refused", false};
    }
  };
  auto t = std::make_shared<Switch>();
  auto c = client_over(t);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(c->call_detailed("X", json::object()).attempts, 3);
  ASSERT_EQ(t->sent.load(), 15);
  // The 16th silent attempt: no more retries, for this call or the next.
  auto o = c->call_detailed("X", json::object());
  EXPECT_EQ(o.attempts, 1);
  EXPECT_TRUE(o.quota_exhausted);
  EXPECT_NE(o.error.message.find("got no answer"), std::string::npos) << o.error.message;
  EXPECT_EQ(c->call_detailed("X", json::object()).attempts, 1);
  // An answer makes the endpoint alive again: full retries once more.
  t->alive = true;
  EXPECT_TRUE(c->call_detailed("X", json::object()).ok());
  t->alive = false;
  EXPECT_EQ(c->call_detailed("X", json::object()).attempts, 3);
}

TEST(StallTimeout, AServerThatStopsAnsweringEndsTheAttemptEarly) {
  LoopbackHttpServer server([](const ReceivedRequest&) {
    CannedResponse r;
    r.delay = std::chrono::milliseconds(4000);
    return r;
  });
  aws::CurlTransportOptions o;
  o.stall_timeout = std::chrono::seconds(1);
  aws::HttpRequest req;
  req.url = server.url() + "/";
  const auto start = std::chrono::steady_clock::now();
  auto out = aws::make_curl_transport(o)->send(req);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().kind, aws::TransportErrorKind::timeout);
  EXPECT_LT(took, std::chrono::milliseconds(3500));
}

}  // namespace
