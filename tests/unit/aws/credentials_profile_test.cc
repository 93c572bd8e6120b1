// Assume-role chains, credential_source, MFA, web identity, IAM Identity
// Center and the chain's refresh windows, against a scripted STS/portal
// (tests/unit/aws/fake_sts.h). botocore's resolution of the same layouts is
// checked in tests/integration/test_credentials_moto.py.
#include <gtest/gtest.h>

#include <thread>

#include "aws/sha1.h"
#include "fake_sts.h"
#include "sageguard/aws/credentials_chain.h"
#include "sageguard/aws/sso_portal.h"
#include "sageguard/aws/sts_client.h"
#include "sageguard/aws/wire_trace.h"
#include "test_support.h"

namespace {

namespace aws = sageguard::aws;
using aws::ChainOptions;
using aws::MapEnv;
using Clock = std::chrono::system_clock;

MapEnv isolated_env(const sgtest::TempDir& dir) {
  MapEnv env;
  env.set("HOME", dir.path().string());
  env.set("AWS_EC2_METADATA_DISABLED", "true");
  env.set("AWS_SHARED_CREDENTIALS_FILE", (dir / "credentials").string());
  env.set("AWS_CONFIG_FILE", (dir / "config").string());
  env.set("AWS_REGION", "eu-west-1");
  return env;
}

struct Harness {
  sgtest::TempDir dir;
  MapEnv env = isolated_env(dir);
  std::shared_ptr<sgtest::FakeSts> sts = std::make_shared<sgtest::FakeSts>();
  Clock::time_point now = *aws::parse_iso8601("2030-01-01T00:00:00Z");
  std::vector<std::string> traced;

  Harness() {
    sts->now = [this] { return now; };
  }
  std::shared_ptr<aws::CredentialsProvider> chain(const std::string& profile = "",
                                                  aws::MfaCodeSource mfa = {}) {
    ChainOptions o;
    o.profile = profile;
    o.env = &env;
    o.clock = [this] { return now; };
    o.transport = sts;
    o.metadata_transport = sts;
    o.mfa_code = std::move(mfa);
    o.trace = [this](const std::string& s) { traced.push_back(s); };
    return aws::make_default_credentials_chain(std::move(o));
  }
  std::map<std::string, std::string> form(size_t i) const { return sgtest::parse_form(sts->requests().at(i).body); }
};

TEST(Sha1, KnownVectors) {
  EXPECT_EQ(aws::sha1_hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(aws::sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(aws::sha1_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
}

TEST(AssumeRole, SourceProfileChainTwoLevelsDeep) {
  Harness h;
  sgtest::write_file(h.dir / "credentials", "[base]\naws_access_key_id = BASEKEY\naws_secret_access_key = BASESECRET\n");
  sgtest::write_file(h.dir / "config",
                     "[profile mid]\nrole_arn = arn:aws:iam::111111111111:role/mid\nsource_profile = base\n"
                     "[profile top]\nrole_arn = arn:aws:iam::222222222222:role/top\nsource_profile = mid\n"
                     "external_id = ext-42\nrole_session_name = me\nduration_seconds = 1800\n");
  auto c = h.chain("top")->credentials();
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(h.sts->requests().size(), 2u);
  // The inner role first, signed with the base keys, at the regional endpoint.
  const auto first = h.sts->requests()[0];
  EXPECT_EQ(first.url, "https://sts.eu-west-1.amazonaws.com/");
  EXPECT_NE(first.header("Authorization")->find("Credential=BASEKEY/20300101/eu-west-1/sts/"), std::string::npos);
  EXPECT_EQ(h.form(0).at("RoleArn"), "arn:aws:iam::111111111111:role/mid");
  EXPECT_EQ(h.form(0).at("RoleSessionName"), "botocore-session-1893456000");
  EXPECT_EQ(h.form(0).count("ExternalId"), 0u);
  // Then the outer one, signed with what the first returned.
  EXPECT_NE(h.sts->requests()[1].header("Authorization")->find("Credential=KEY1/"), std::string::npos);
  EXPECT_EQ(h.sts->requests()[1].header("X-Amz-Security-Token"), "TOKEN1");
  EXPECT_EQ(h.form(1).at("RoleArn"), "arn:aws:iam::222222222222:role/top");
  EXPECT_EQ(h.form(1).at("ExternalId"), "ext-42");
  EXPECT_EQ(h.form(1).at("RoleSessionName"), "me");
  EXPECT_EQ(h.form(1).at("DurationSeconds"), "1800");
  EXPECT_EQ(c->access_key_id, "KEY2");
  EXPECT_EQ(c->method, "assume-role");
  ASSERT_EQ(c->chain.size(), 3u);
  EXPECT_EQ(c->chain[0].profile, "top");
  EXPECT_EQ(c->chain[1].profile, "mid");
  EXPECT_EQ(c->chain[1].role, "arn:aws:iam::111111111111:role/mid");
  EXPECT_EQ(c->chain[2].method, "shared-credentials-file");
  EXPECT_EQ(c->chain[2].profile, "base");
  // The trace carries neither the source secret nor the new ones.
  for (const auto& t : h.traced) {
    for (const char* secret : {"BASESECRET", "SECRET1", "TOKEN1", "SECRET2", "TOKEN2"}) {
      EXPECT_EQ(t.find(secret), std::string::npos) << secret << " in " << t;
    }
  }
}

TEST(AssumeRole, CycleIsAnErrorNamingTheProfiles_SelfReferenceWithKeysIsNot) {
  Harness h;
  sgtest::write_file(h.dir / "config",
                     "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
                     "[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n"
                     "[profile self]\nrole_arn = arn:aws:iam::1:role/s\nsource_profile = self\n"
                     "aws_access_key_id = SELFKEY\naws_secret_access_key = SELFSECRET\n"
                     "[profile selfnokeys]\nrole_arn = arn:aws:iam::1:role/s\nsource_profile = selfnokeys\n");
  auto cycle = h.chain("a")->credentials();
  ASSERT_FALSE(cycle.ok());
  EXPECT_NE(cycle.error().message.find("a -> b -> a"), std::string::npos) << cycle.error().message;
  EXPECT_TRUE(h.sts->requests().empty());
  auto self = h.chain("self")->credentials();
  ASSERT_TRUE(self.ok()) << self.error().message;
  EXPECT_NE(h.sts->requests().back().header("Authorization")->find("Credential=SELFKEY/"), std::string::npos);
  EXPECT_EQ(self->chain.back().method, "config-file");
  auto bad = h.chain("selfnokeys")->credentials();
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("selfnokeys -> selfnokeys"), std::string::npos);
}

TEST(AssumeRole, CredentialSourceEnvironmentAndItsErrors) {
  Harness h;
  sgtest::write_file(h.dir / "config",
                     "[profile envsrc]\nrole_arn = arn:aws:iam::1:role/e\ncredential_source = Environment\n"
                     "[profile both]\nrole_arn = arn:aws:iam::1:role/e\ncredential_source = Environment\n"
                     "source_profile = envsrc\n"
                     "[profile neither]\nrole_arn = arn:aws:iam::1:role/e\n"
                     "[profile wrong]\nrole_arn = arn:aws:iam::1:role/e\ncredential_source = Bogus\n");
  h.env.set("AWS_ACCESS_KEY_ID", "ENVKEY");
  h.env.set("AWS_SECRET_ACCESS_KEY", "ENVSECRET");
  // --profile skips the env provider, but credential_source still reads it.
  auto c = h.chain("envsrc")->credentials();
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_NE(h.sts->requests()[0].header("Authorization")->find("Credential=ENVKEY/"), std::string::npos);
  EXPECT_EQ(c->chain.back().method, "env");
  for (const char* p : {"both", "neither", "wrong"}) {
    auto r = h.chain(p)->credentials();
    ASSERT_FALSE(r.ok()) << p;
    EXPECT_NE(r.error().message.find(p), std::string::npos) << r.error().message;
  }
}

TEST(AssumeRole, DurationThatIsNotANumberIsNotSent) {
  Harness h;
  sgtest::write_file(h.dir / "credentials", "[base]\naws_access_key_id = K\naws_secret_access_key = S\n");
  sgtest::write_file(h.dir / "config",
                     "[profile d]\nrole_arn = arn:aws:iam::1:role/d\nsource_profile = base\n"
                     "duration_seconds = an hour\n");
  ASSERT_TRUE(h.chain("d")->credentials().ok());
  EXPECT_EQ(h.form(0).count("DurationSeconds"), 0u);
}

TEST(AssumeRole, MfaCodeIsAskedAndSent) {
  Harness h;
  sgtest::write_file(h.dir / "credentials", "[base]\naws_access_key_id = K\naws_secret_access_key = S\n");
  sgtest::write_file(h.dir / "config",
                     "[profile mfa]\nrole_arn = arn:aws:iam::1:role/m\nsource_profile = base\n"
                     "mfa_serial = arn:aws:iam::1:mfa/me\n");
  std::string asked;
  auto c = h.chain("mfa", [&](const std::string& serial) -> sageguard::Result<std::string> {
                asked = serial;
                return std::string("123456");
              })->credentials();
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(asked, "arn:aws:iam::1:mfa/me");
  EXPECT_EQ(h.form(0).at("SerialNumber"), "arn:aws:iam::1:mfa/me");
  EXPECT_EQ(h.form(0).at("TokenCode"), "123456");
  for (const auto& t : h.traced) EXPECT_EQ(t.find("123456"), std::string::npos);
  auto none = h.chain("mfa")->credentials();
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("--mfa-code"), std::string::npos);
}

TEST(AssumeRole, LegacyStsEndpointsAndOverrides) {
  auto env_with = [](std::map<std::string, std::string> v) { return MapEnv(std::move(v)); };
  auto t = std::make_shared<sgtest::FakeSts>();
  auto url = [&](const MapEnv& env, const std::string& region, const std::string& mode) {
    auto c = aws::resolve_sts_config(env, region, mode, t);
    return c.ok() ? c->endpoint + " " + c->signing_region : "error: " + c.error().message;
  };
  MapEnv none;
  EXPECT_EQ(url(none, "eu-west-1", ""), "https://sts.eu-west-1.amazonaws.com eu-west-1");
  EXPECT_EQ(url(none, "eu-west-1", "legacy"), "https://sts.amazonaws.com us-east-1");
  EXPECT_EQ(url(none, "af-south-1", "legacy"), "https://sts.af-south-1.amazonaws.com af-south-1");
  EXPECT_EQ(url(none, "", ""), "https://sts.amazonaws.com us-east-1");
  EXPECT_EQ(url(env_with({{"AWS_ENDPOINT_URL", "http://127.0.0.1:9/"}}), "eu-west-1", ""),
            "http://127.0.0.1:9 eu-west-1");
  EXPECT_EQ(url(env_with({{"AWS_ENDPOINT_URL", "http://127.0.0.1:9"}, {"AWS_ENDPOINT_URL_STS", "http://127.0.0.1:8"}}),
                "eu-west-1", ""),
            "http://127.0.0.1:8 eu-west-1");
  EXPECT_NE(url(none, "eu-west-1", "sometimes").find("error"), std::string::npos);
}

TEST(WebIdentity, FromEnvironmentUnsignedAndTokenReReadAtRefresh) {
  Harness h;
  sgtest::write_file(h.dir / "token", "OIDC-TOKEN-ONE");
  h.env.set("AWS_WEB_IDENTITY_TOKEN_FILE", (h.dir / "token").string());
  h.env.set("AWS_ROLE_ARN", "arn:aws:iam::1:role/ci");
  h.env.set("AWS_ROLE_SESSION_NAME", "ci-run");
  auto chain = h.chain();
  auto c = chain->credentials();
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->method, "assume-role-with-web-identity");
  auto r0 = h.sts->requests().at(0);
  EXPECT_FALSE(r0.header("Authorization").has_value());
  EXPECT_EQ(h.form(0).at("Action"), "AssumeRoleWithWebIdentity");
  EXPECT_EQ(h.form(0).at("WebIdentityToken"), "OIDC-TOKEN-ONE");
  EXPECT_EQ(h.form(0).at("RoleSessionName"), "ci-run");
  sgtest::write_file(h.dir / "token", "OIDC-TOKEN-TWO");
  h.now += std::chrono::minutes(55);  // inside the mandatory window of a 1-hour session
  auto again = chain->credentials();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->access_key_id, "KEY2");
  EXPECT_EQ(h.form(1).at("WebIdentityToken"), "OIDC-TOKEN-TWO");
  for (const auto& t : h.traced) {
    EXPECT_EQ(t.find("OIDC-TOKEN"), std::string::npos) << t;
    EXPECT_EQ(t.find("SECRET1"), std::string::npos) << t;
  }
}

TEST(WebIdentity, ExplicitProfileIgnoresTheVariablesButReadsItsOwnKeys) {
  Harness h;
  sgtest::write_file(h.dir / "token", "T");
  sgtest::write_file(h.dir / "credentials", "[p]\naws_access_key_id = PKEY\naws_secret_access_key = S\n");
  sgtest::write_file(h.dir / "config", "[profile w]\nweb_identity_token_file = " + (h.dir / "token").string() +
                                           "\nrole_arn = arn:aws:iam::1:role/w\n");
  h.env.set("AWS_WEB_IDENTITY_TOKEN_FILE", (h.dir / "token").string());
  h.env.set("AWS_ROLE_ARN", "arn:aws:iam::1:role/env");
  auto p = h.chain("p")->credentials();
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->method, "shared-credentials-file");
  auto w = h.chain("w")->credentials();
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_EQ(h.form(0).at("RoleArn"), "arn:aws:iam::1:role/w");
}

TEST(ProfileOrder, CredentialsFileThenProcessThenConfigFile) {
  Harness h;
  const std::string proc =
      "credential_process = printf '{\"Version\":1,\"AccessKeyId\":\"PROCKEY\",\"SecretAccessKey\":\"S\"}'\n";
  sgtest::write_file(h.dir / "credentials", "[both]\naws_access_key_id = CREDKEY\naws_secret_access_key = S\n");
  sgtest::write_file(h.dir / "config", "[profile both]\n" + proc + "[profile cfg]\n" + proc +
                                           "aws_access_key_id = CFGKEY\naws_secret_access_key = S\n");
  EXPECT_EQ(h.chain("both")->credentials()->method, "shared-credentials-file");
  auto cfg = h.chain("cfg")->credentials();
  EXPECT_EQ(cfg->method, "custom-process");
  EXPECT_EQ(cfg->access_key_id, "PROCKEY");
}

void write_sso_cache(const Harness& h, const std::string& key_input, const std::string& expires) {
  std::filesystem::create_directories(h.dir / ".aws/sso/cache");
  sgtest::write_file(h.dir.path() / ".aws/sso/cache" / (aws::sha1_hex(key_input) + ".json"),
                     "{\"startUrl\":\"https://d-123.awsapps.com/start\",\"region\":\"eu-central-1\","
                     "\"accessToken\":\"SSO-ACCESS-TOKEN\",\"expiresAt\":\"" + expires + "\"}");
}

TEST(Sso, SessionProfileUsesTheCachedTokenAndThePortal) {
  Harness h;
  sgtest::write_file(h.dir / "config",
                     "[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\n"
                     "sso_role_name = Dev Role\nregion = eu-west-1\n"
                     "[sso-session corp]\nsso_region = eu-central-1\nsso_start_url = https://d-123.awsapps.com/start\n");
  write_sso_cache(h, "corp", "2030-01-01T08:00:00Z");
  auto c = h.chain("dev")->credentials();
  ASSERT_TRUE(c.ok()) << c.error().message;
  auto r = h.sts->requests().at(0);
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.url, "https://portal.sso.eu-central-1.amazonaws.com/federation/credentials?role_name=Dev%20Role"
                   "&account_id=123456789012");
  EXPECT_EQ(r.header("x-amz-sso_bearer_token"), "SSO-ACCESS-TOKEN");
  EXPECT_EQ(c->method, "sso");
  EXPECT_EQ(c->access_key_id, "SSOKEY1");
  EXPECT_EQ(c->chain[0].role, "123456789012/Dev Role");
  ASSERT_TRUE(c->expiration.has_value());
  EXPECT_EQ(*c->expiration, h.now + std::chrono::hours(1));
  for (const auto& t : h.traced) {
    EXPECT_EQ(t.find("SSO-ACCESS-TOKEN"), std::string::npos) << t;
    EXPECT_EQ(t.find("SSOSECRET1"), std::string::npos) << t;
  }
}

TEST(Sso, LegacyProfileKeysTheCacheByStartUrl_ExpiredTokenSaysLogin) {
  Harness h;
  sgtest::write_file(h.dir / "config",
                     "[profile old]\nsso_start_url = https://d-123.awsapps.com/start\nsso_region = eu-central-1\n"
                     "sso_account_id = 123456789012\nsso_role_name = R\n"
                     "[profile broken]\nsso_session = nope\nsso_account_id = 1\nsso_role_name = R\n");
  write_sso_cache(h, "https://d-123.awsapps.com/start", "2029-12-31T23:00:00Z");
  auto expired = h.chain("old")->credentials();
  ASSERT_FALSE(expired.ok());
  EXPECT_NE(expired.error().message.find("aws sso login --profile old"), std::string::npos);
  EXPECT_EQ(expired.error().message.find("SSO-ACCESS-TOKEN"), std::string::npos);
  write_sso_cache(h, "https://d-123.awsapps.com/start", "2030-01-01T01:00:00Z");
  EXPECT_TRUE(h.chain("old")->credentials().ok());
  auto broken = h.chain("broken")->credentials();
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("sso-session nope"), std::string::npos);
}

TEST(Refresh, WindowsFollowBotocoreForAnHourAndScaleDownForShortSessions) {
  using std::chrono::seconds;
  EXPECT_EQ(aws::refresh_windows(seconds(3600)).advisory, seconds(900));
  EXPECT_EQ(aws::refresh_windows(seconds(3600)).mandatory, seconds(600));
  EXPECT_EQ(aws::refresh_windows(seconds(900)).advisory, seconds(450));
  EXPECT_EQ(aws::refresh_windows(seconds(900)).mandatory, seconds(225));
}

// Many workers meet an expiring session at once: one call to STS.
TEST(Refresh, MandatoryRefreshIsSingleFlight) {
  Harness h;
  sgtest::write_file(h.dir / "credentials", "[base]\naws_access_key_id = K\naws_secret_access_key = S\n");
  sgtest::write_file(h.dir / "config", "[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n");
  auto chain = h.chain("r");
  ASSERT_EQ(chain->credentials()->access_key_id, "KEY1");
  h.now += std::chrono::minutes(55);
  h.sts->delay = std::chrono::milliseconds(100);
  std::vector<std::thread> workers;
  std::vector<std::string> keys(8);
  for (size_t i = 0; i < keys.size(); ++i) {
    workers.emplace_back([&, i] { keys[i] = chain->credentials()->access_key_id; });
  }
  for (auto& w : workers) w.join();
  EXPECT_EQ(h.sts->requests().size(), 2u);
  for (const auto& k : keys) EXPECT_EQ(k, "KEY2");
}

// In the advisory window the others keep working with the current session
// while one caller refreshes.
TEST(Refresh, AdvisoryRefreshDoesNotBlockTheOthers) {
  Harness h;
  sgtest::write_file(h.dir / "credentials", "[base]\naws_access_key_id = K\naws_secret_access_key = S\n");
  sgtest::write_file(h.dir / "config", "[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n");
  auto chain = h.chain("r");
  ASSERT_EQ(chain->credentials()->access_key_id, "KEY1");
  h.now += std::chrono::minutes(47);  // 13 minutes left: advisory, not mandatory
  h.sts->delay = std::chrono::milliseconds(300);
  std::string refreshed;
  std::thread refresher([&] { refreshed = chain->credentials()->access_key_id; });
  while (h.sts->requests().size() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(chain->credentials()->access_key_id, "KEY1");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(200));
  refresher.join();
  EXPECT_EQ(refreshed, "KEY2");
  EXPECT_EQ(chain->credentials()->access_key_id, "KEY2");
}

TEST(Refresh, FailedRefreshKeepsUnexpiredCredentialsThenFails) {
  Harness h;
  sgtest::write_file(h.dir / "credentials", "[base]\naws_access_key_id = K\naws_secret_access_key = S\n");
  sgtest::write_file(h.dir / "config", "[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n");
  auto chain = h.chain("r");
  ASSERT_EQ(chain->credentials()->access_key_id, "KEY1");
  h.sts->failures_to_inject = 100;
  h.now += std::chrono::minutes(55);
  EXPECT_EQ(chain->credentials()->access_key_id, "KEY1");
  h.now += std::chrono::minutes(6);
  auto r = chain->credentials();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("AccessDenied"), std::string::npos);
}

TEST(WireTrace, RedactsStsFormsXmlAndTheSsoBearerHeader) {
  aws::HttpRequest req;
  req.method = "POST";
  req.url = "https://sts.amazonaws.com/";
  req.headers = {{"x-amz-sso_bearer_token", "BEARER"}};
  req.body = "Action=AssumeRoleWithWebIdentity&WebIdentityToken=JWT.PART&TokenCode=999999&RoleArn=arn";
  const std::string out = aws::format_request_trace(req, {});
  EXPECT_EQ(out.find("BEARER"), std::string::npos);
  EXPECT_EQ(out.find("JWT.PART"), std::string::npos);
  EXPECT_EQ(out.find("999999"), std::string::npos);
  EXPECT_NE(out.find("RoleArn=arn"), std::string::npos);
  aws::HttpResponse resp;
  resp.status = 200;
  resp.body = "<X><SecretAccessKey>SK</SecretAccessKey><SessionToken>ST</SessionToken><AccessKeyId>AK</AccessKeyId></X>";
  const std::string rout = aws::format_response_trace(resp, {});
  EXPECT_EQ(rout.find(">SK<"), std::string::npos);
  EXPECT_EQ(rout.find(">ST<"), std::string::npos);
  EXPECT_NE(rout.find(">AK<"), std::string::npos);
}

}  // namespace
