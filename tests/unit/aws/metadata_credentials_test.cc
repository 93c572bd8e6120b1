// Container and IMDSv2 credentials against a loopback HTTP server.
#include <gtest/gtest.h>

#include "aws/curl_loader.h"
#include "loopback_http_server.h"
#include "sageguard/aws/credentials_chain.h"
#include "test_support.h"

namespace {

namespace aws = sageguard::aws;
using sgtest::CannedResponse;
using sgtest::LoopbackHttpServer;
using sgtest::ReceivedRequest;

const char* kCredsJson =
    R"({"Code":"Success","AccessKeyId":"MDKEY","SecretAccessKey":"MDSECRET","Token":"MDTOKEN","Expiration":"2030-01-01T00:00:00Z"})";

CannedResponse imds(const ReceivedRequest& r) {
  if (r.method == "PUT" && r.target == "/latest/api/token") {
    if (r.header("x-aws-ec2-metadata-token-ttl-seconds").empty()) return {400, {}, ""};
    return {200, {}, "SESSION-TOKEN"};
  }
  if (r.header("x-aws-ec2-metadata-token") != "SESSION-TOKEN") return {401, {}, ""};
  if (r.target == "/latest/meta-data/iam/security-credentials/") return {200, {}, "my-role\n"};
  if (r.target == "/latest/meta-data/iam/security-credentials/my-role") return {200, {}, kCredsJson};
  return {404, {}, ""};
}

std::shared_ptr<aws::HttpTransport> transport() { return aws::make_curl_transport(); }

TEST(Imds, PutsATokenThenGetsRoleCredentials) {
  LoopbackHttpServer server(imds);
  aws::MapEnv env({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url() + "/"}});
  auto t = transport();
  auto r = aws::credentials_from_imds(env, *t);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ((*r)->access_key_id, "MDKEY");
  EXPECT_EQ((*r)->session_token, "MDTOKEN");
  EXPECT_TRUE((*r)->expiration.has_value());
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].method, "PUT");
  EXPECT_EQ(reqs[0].header("x-aws-ec2-metadata-token-ttl-seconds"), "21600");
  EXPECT_EQ(reqs[1].method, "GET");
  EXPECT_EQ(reqs[2].header("x-aws-ec2-metadata-token"), "SESSION-TOKEN");
}

TEST(Imds, DisabledMeansNoRequestAtAll) {
  LoopbackHttpServer server(imds);
  aws::MapEnv env({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url()},
                   {"AWS_EC2_METADATA_DISABLED", "TRUE"}});
  auto t = transport();
  auto r = aws::credentials_from_imds(env, *t);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  EXPECT_TRUE(server.requests().empty());
}

TEST(Imds, NoRoleAndUnreachableAreNotErrors) {
  LoopbackHttpServer server([](const ReceivedRequest& r) -> CannedResponse {
    if (r.method == "PUT") return {200, {}, "T"};
    return {404, {}, ""};
  });
  aws::MapEnv env({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url()}});
  auto t = transport();
  auto no_role = aws::credentials_from_imds(env, *t);
  ASSERT_TRUE(no_role.ok());
  EXPECT_FALSE(no_role->has_value());

  int dead_port = 0;
  { LoopbackHttpServer gone([](const ReceivedRequest&) { return CannedResponse{}; }); dead_port = gone.port(); }
  aws::MapEnv dead({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:" + std::to_string(dead_port)}});
  auto unreachable = aws::credentials_from_imds(dead, *t);
  ASSERT_TRUE(unreachable.ok());
  EXPECT_FALSE(unreachable->has_value());
}

// Without libcurl the metadata service cannot be asked: that is an error to
// show, not a sign of running outside EC2 (which would read "no credentials").
TEST(Imds, MissingHttpLibraryIsAnErrorNotNoCredentials) {
  LoopbackHttpServer server(imds);
  aws::MapEnv env({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url()}});
  auto t = aws::make_curl_transport_with({}, []() -> sageguard::Result<const aws::CurlApi*> {
    return aws::load_curl_api({"libsageguard-no-such-curl.so"}).error();
  });
  auto r = aws::credentials_from_imds(env, *t);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("libsageguard-no-such-curl.so"), std::string::npos) << r.error().message;
  EXPECT_TRUE(server.requests().empty());
}

TEST(Imds, ChainFallsThroughToImds) {
  LoopbackHttpServer server(imds);
  sgtest::TempDir dir;
  aws::MapEnv env({{"HOME", dir.path().string()},
                   {"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url()}});
  auto chain = aws::make_default_credentials_chain(aws::ChainOptions{"", &env, transport(), {}});
  auto c = chain->credentials();
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->access_key_id, "MDKEY");
  EXPECT_EQ(c->source, "instance-metadata");
}

CannedResponse container(const ReceivedRequest& r) {
  if (r.target != "/v2/credentials/abc") return {404, {}, ""};
  if (r.header("authorization") != "Bearer-XYZ") return {401, {}, ""};
  return {200, {{"Content-Type", "application/json"}}, kCredsJson};
}

TEST(ContainerCredentials, FullUriWithTokenFromEnvAndFile) {
  LoopbackHttpServer server(container);
  auto t = transport();
  aws::MapEnv env({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", server.url() + "/v2/credentials/abc"},
                   {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer-XYZ"}});
  auto r = aws::credentials_from_container(env, *t);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ((*r)->secret_access_key, "MDSECRET");

  sgtest::TempDir dir;
  sgtest::write_file(dir / "token", "Bearer-XYZ\n");
  aws::MapEnv file_env({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", server.url() + "/v2/credentials/abc"},
                        {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong"},
                        {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", (dir / "token").string()}});
  auto from_file = aws::credentials_from_container(file_env, *t);
  ASSERT_TRUE(from_file.ok()) << from_file.error().message;
  EXPECT_TRUE(from_file->has_value());
}

// Sends what was meant for 169.254.170.2 to the loopback server instead, so
// the relative-URI form is exercised over real HTTP.
class RedirectingTransport : public aws::HttpTransport {
 public:
  RedirectingTransport(std::string from, std::string to) : from_(std::move(from)), to_(std::move(to)) {}
  aws::HttpOutcome send(const aws::HttpRequest& r) override {
    seen_url = r.url;
    aws::HttpRequest copy = r;
    if (copy.url.starts_with(from_)) copy.url = to_ + copy.url.substr(from_.size());
    return inner_->send(copy);
  }
  std::string seen_url;

 private:
  std::string from_, to_;
  std::shared_ptr<aws::HttpTransport> inner_ = aws::make_curl_transport();
};

TEST(ContainerCredentials, RelativeUriGoesTo169_254_170_2) {
  LoopbackHttpServer server(container);
  RedirectingTransport t("http://169.254.170.2", server.url());
  aws::MapEnv env({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc"},
                   {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer-XYZ"}});
  auto r = aws::credentials_from_container(env, t);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ(t.seen_url, "http://169.254.170.2/v2/credentials/abc");
}

TEST(ContainerCredentials, RefusesPlainHttpToOtherHostsAndReportsHttpErrors) {
  auto t = transport();
  aws::MapEnv bad({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/creds"}});
  auto r = aws::credentials_from_container(bad, *t);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("FULL_URI"), std::string::npos);

  LoopbackHttpServer server([](const ReceivedRequest&) { return CannedResponse{500, {}, "oops"}; });
  aws::MapEnv env({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", server.url() + "/x"}});
  auto failed = aws::credentials_from_container(env, *t);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find("HTTP 500"), std::string::npos);
}

}  // namespace
