// Credentials from the environment, shared files, credential_process; region
// and profile selection; the chain's order and caching. No process env is
// touched: everything goes through MapEnv.
#include <gtest/gtest.h>

#include "sageguard/aws/credentials_chain.h"
#include "sageguard/aws/shared_config.h"
#include "test_support.h"

namespace {

using sageguard::ErrorCode;
using sageguard::aws::ChainOptions;
using sageguard::aws::MapEnv;
namespace aws = sageguard::aws;

// An env where no source outside the test can leak in.
MapEnv isolated_env(const sgtest::TempDir& dir) {
  MapEnv env;
  env.set("HOME", dir.path().string());
  env.set("AWS_EC2_METADATA_DISABLED", "true");
  env.set("AWS_SHARED_CREDENTIALS_FILE", (dir / "credentials").string());
  env.set("AWS_CONFIG_FILE", (dir / "config").string());
  return env;
}

TEST(EnvCredentials, ReadsKeysAndToken) {
  MapEnv env({{"AWS_ACCESS_KEY_ID", "AKID"}, {"AWS_SECRET_ACCESS_KEY", "SECRET"},
              {"AWS_SESSION_TOKEN", "TOKEN"}});
  auto r = aws::credentials_from_env(env);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ((*r)->access_key_id, "AKID");
  EXPECT_EQ((*r)->secret_access_key, "SECRET");
  EXPECT_EQ((*r)->session_token, "TOKEN");
}

TEST(EnvCredentials, AbsentIsNotAnError_PartialIs) {
  auto none = aws::credentials_from_env(MapEnv{});
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto partial = aws::credentials_from_env(MapEnv({{"AWS_ACCESS_KEY_ID", "AKID"}}));
  ASSERT_FALSE(partial.ok());
  EXPECT_EQ(partial.error().code, ErrorCode::aws);
  EXPECT_NE(partial.error().message.find("AWS_SECRET_ACCESS_KEY"), std::string::npos);
  auto only_secret = aws::credentials_from_env(MapEnv({{"AWS_SECRET_ACCESS_KEY", "S3CR3T"}}));
  ASSERT_FALSE(only_secret.ok());
  EXPECT_EQ(only_secret.error().message.find("S3CR3T"), std::string::npos);
}

TEST(SharedConfig, ParsesProfilesCommentsAndSubsections) {
  auto cfg = aws::parse_profile_file(
      "# comment\n[default]\nregion = us-west-2\ns3 =\n  max_concurrent_requests = 10\n"
      "output=json\n; another\n[profile dev]\nregion=eu-west-1\n[sso-session x]\nsso_region=a\n"
      "[profile  spaced ]\nregion = ap-south-1\n",
      /*is_config_file=*/true);
  ASSERT_EQ(cfg.count("default"), 1u);
  EXPECT_EQ(cfg["default"]["region"], "us-west-2");
  EXPECT_EQ(cfg["default"]["output"], "json");
  EXPECT_EQ(cfg["default"].count("max_concurrent_requests"), 0u);
  EXPECT_EQ(cfg["dev"]["region"], "eu-west-1");
  EXPECT_EQ(cfg["spaced"]["region"], "ap-south-1");
  EXPECT_EQ(cfg.count("x"), 0u);
  EXPECT_EQ(cfg.count("sso-session x"), 0u);
  // In the credentials file a section name is the profile name as written.
  auto creds = aws::parse_profile_file("[dev]\naws_access_key_id = A\n", false);
  EXPECT_EQ(creds["dev"]["aws_access_key_id"], "A");
}

TEST(SharedConfig, CredentialsFileWinsOverConfigFile) {
  sgtest::TempDir dir;
  sgtest::write_file(dir / "credentials", "[dev]\naws_access_key_id = FROMCREDS\naws_secret_access_key = S1\n");
  sgtest::write_file(dir / "config",
                     "[profile dev]\naws_access_key_id = FROMCONFIG\naws_secret_access_key = S2\nregion = eu-west-1\n");
  MapEnv env = isolated_env(dir);
  auto cfg = aws::load_shared_config(env);
  ASSERT_TRUE(cfg.ok());
  aws::ProfileContext ctx;
  ctx.env = &env;
  ctx.config = &*cfg;
  auto c = aws::credentials_from_profile(ctx, "dev");
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c->has_value());
  EXPECT_EQ((*c)->access_key_id, "FROMCREDS");
  EXPECT_EQ((*c)->secret_access_key, "S1");
  EXPECT_EQ((*c)->method, "shared-credentials-file");
}

TEST(SharedConfig, DefaultPathsUnderHome) {
  sgtest::TempDir dir;
  sgtest::write_file(dir / ".aws" / "credentials", "[default]\naws_access_key_id = HOMEKEY\naws_secret_access_key = S\n");
  MapEnv env({{"HOME", dir.path().string()}});
  auto cfg = aws::load_shared_config(env);
  ASSERT_TRUE(cfg.ok());
  EXPECT_EQ(cfg->profile("default")["aws_access_key_id"], "HOMEKEY");
}

TEST(Region, ResolutionOrder) {
  sgtest::TempDir dir;
  sgtest::write_file(dir / "config", "[default]\nregion = from-default\n[profile p]\nregion = from-profile\n");
  MapEnv env = isolated_env(dir);
  EXPECT_EQ(aws::resolve_region(env, "", "").value(), "from-default");
  EXPECT_EQ(aws::resolve_region(env, "", "p").value(), "from-profile");
  env.set("AWS_PROFILE", "p");
  EXPECT_EQ(aws::resolve_region(env, "", "").value(), "from-profile");
  env.set("AWS_DEFAULT_REGION", "from-default-region");
  EXPECT_EQ(aws::resolve_region(env, "", "").value(), "from-default-region");
  env.set("AWS_REGION", "from-aws-region");
  EXPECT_EQ(aws::resolve_region(env, "", "").value(), "from-aws-region");
  EXPECT_EQ(aws::resolve_region(env, "explicit", "").value(), "explicit");
}

TEST(Region, MissingIsAConfigurationError) {
  sgtest::TempDir dir;
  MapEnv env = isolated_env(dir);
  auto r = aws::resolve_region(env, "", "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::usage);  // exit 2, not 3
  EXPECT_NE(r.error().message.find("--region"), std::string::npos);
}

TEST(CredentialProcess, ParsesVersion1Output) {
  auto r = aws::credentials_from_process(
      R"(printf '{"Version": 1, "AccessKeyId": "PK", "SecretAccessKey": "PS", "SessionToken": "PT", "Expiration": "2030-01-02T03:04:05Z"}')");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->access_key_id, "PK");
  EXPECT_EQ(r->secret_access_key, "PS");
  EXPECT_EQ(r->session_token, "PT");
  ASSERT_TRUE(r->expiration.has_value());
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*r->expiration), 1893553445);
}

TEST(CredentialProcess, FailuresNeverEchoTheOutput) {
  auto bad_version = aws::credentials_from_process(
      R"(printf '{"Version": 2, "AccessKeyId": "PK", "SecretAccessKey": "TOPSECRET"}')");
  ASSERT_FALSE(bad_version.ok());
  EXPECT_NE(bad_version.error().message.find("Version"), std::string::npos);
  EXPECT_EQ(bad_version.error().message.find("TOPSECRET"), std::string::npos);
  auto failing = aws::credentials_from_process("echo TOPSECRET; exit 3");
  ASSERT_FALSE(failing.ok());
  EXPECT_NE(failing.error().message.find("exit status 3"), std::string::npos);
  EXPECT_EQ(failing.error().message.find("TOPSECRET"), std::string::npos);
  auto not_json = aws::credentials_from_process("echo TOPSECRET");
  ASSERT_FALSE(not_json.ok());
  EXPECT_EQ(not_json.error().message.find("TOPSECRET"), std::string::npos);
}

TEST(CredentialProcess, UsedFromAProfile) {
  sgtest::TempDir dir;
  sgtest::write_file(dir / "config",
                     "[profile proc]\ncredential_process = printf '{\"Version\":1,\"AccessKeyId\":\"PROCKEY\",\"SecretAccessKey\":\"S\"}'\n");
  MapEnv env = isolated_env(dir);
  auto chain = aws::make_default_credentials_chain(ChainOptions{"proc", &env, nullptr, {}});
  auto c = chain->credentials();
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->access_key_id, "PROCKEY");
  EXPECT_NE(c->source.find("credential_process"), std::string::npos);
}

TEST(Chain, EnvironmentBeatsProfileUnlessProfileIsExplicit) {
  sgtest::TempDir dir;
  sgtest::write_file(dir / "credentials",
                     "[default]\naws_access_key_id = DEFAULTKEY\naws_secret_access_key = S\n"
                     "[other]\naws_access_key_id = OTHERKEY\naws_secret_access_key = S\n");
  MapEnv env = isolated_env(dir);
  env.set("AWS_ACCESS_KEY_ID", "ENVKEY");
  env.set("AWS_SECRET_ACCESS_KEY", "ENVSECRET");
  EXPECT_EQ(aws::make_default_credentials_chain(ChainOptions{"", &env, nullptr, {}})->credentials()->access_key_id,
            "ENVKEY");
  env.set("AWS_PROFILE", "other");  // AWS_PROFILE does not override env keys
  EXPECT_EQ(aws::make_default_credentials_chain(ChainOptions{"", &env, nullptr, {}})->credentials()->access_key_id,
            "ENVKEY");
  EXPECT_EQ(aws::make_default_credentials_chain(ChainOptions{"other", &env, nullptr, {}})->credentials()->access_key_id,
            "OTHERKEY");
}

TEST(Chain, ProfileFromAwsProfileAndMissingNamedProfile) {
  sgtest::TempDir dir;
  sgtest::write_file(dir / "credentials", "[other]\naws_access_key_id = OTHERKEY\naws_secret_access_key = S\n");
  MapEnv env = isolated_env(dir);
  env.set("AWS_PROFILE", "other");
  EXPECT_EQ(aws::make_default_credentials_chain(ChainOptions{"", &env, nullptr, {}})->credentials()->access_key_id,
            "OTHERKEY");
  auto missing = aws::make_default_credentials_chain(ChainOptions{"nope", &env, nullptr, {}})->credentials();
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("'nope' not found"), std::string::npos);
}

TEST(Chain, NothingConfiguredIsAClearError) {
  sgtest::TempDir dir;
  MapEnv env = isolated_env(dir);
  auto r = aws::make_default_credentials_chain(ChainOptions{"", &env, nullptr, {}})->credentials();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::usage);  // missing configuration: exit 2
  EXPECT_NE(r.error().message.find("no AWS credentials found"), std::string::npos);
}

TEST(Chain, CachesAndRefreshesBeforeExpiry) {
  sgtest::TempDir dir;
  // The process counts its runs in a file and embeds the count in the key id.
  const auto counter = dir / "count";
  sgtest::write_file(dir / "proc.sh",
                     "n=$(cat " + counter.string() + " 2>/dev/null || echo 0); n=$((n+1)); echo $n > " +
                         counter.string() +
                         "\nprintf '{\"Version\":1,\"AccessKeyId\":\"K%s\",\"SecretAccessKey\":\"S\","
                         "\"Expiration\":\"2030-01-01T01:00:00Z\"}' $n\n");
  sgtest::write_file(dir / "config", "[default]\ncredential_process = sh " + (dir / "proc.sh").string() + "\n");
  MapEnv env = isolated_env(dir);
  auto now = *aws::parse_iso8601("2030-01-01T00:00:00Z");
  ChainOptions o{"", &env, nullptr, [&] { return now; }};
  auto chain = aws::make_default_credentials_chain(o);
  EXPECT_EQ(chain->credentials()->access_key_id, "K1");
  EXPECT_EQ(chain->credentials()->access_key_id, "K1");  // cached
  now = *aws::parse_iso8601("2030-01-01T00:56:00Z");     // within 5 minutes of expiry
  EXPECT_EQ(chain->credentials()->access_key_id, "K2");
}

TEST(Iso8601, Offsets) {
  auto z = aws::parse_iso8601("2024-01-02T03:04:05Z");
  auto frac = aws::parse_iso8601("2024-01-02T03:04:05.123Z");
  auto plus = aws::parse_iso8601("2024-01-02T05:04:05+02:00");
  ASSERT_TRUE(z && frac && plus);
  EXPECT_EQ(*z, *frac);
  EXPECT_EQ(*z, *plus);
  EXPECT_FALSE(aws::parse_iso8601("yesterday").has_value());
}

}  // namespace
