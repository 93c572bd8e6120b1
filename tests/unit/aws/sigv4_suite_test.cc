// Runs every case of AWS's SigV4 test suite (tests/testdata/aws-sigv4-suite,
// Apache-2.0: see its LICENSE and NOTICE) through SigV4Signer, header and
// presigned-query variants.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "http_request_text.h"
#include "sageguard/aws/credentials_chain.h"
#include "sageguard/aws/sigv4_signer.h"
#include "test_support.h"

namespace {

namespace fs = std::filesystem;
using sageguard::aws::Credentials;
using sageguard::aws::SigningParams;
using sageguard::aws::SigV4Signer;

const fs::path kSuite = fs::path(SG_TESTDATA) / "aws-sigv4-suite";

std::vector<std::string> suite_cases() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(kSuite, ec)) {
    if (e.is_directory() && fs::exists(e.path() / "context.json")) {
      names.push_back(e.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

struct Case {
  sageguard::aws::HttpRequest request;
  Credentials creds;
  SigningParams params;
};

Case load_case(const std::string& name) {
  const fs::path dir = kSuite / name;
  auto ctx = nlohmann::json::parse(sgtest::read_file(dir / "context.json"));
  auto req = sgtest::parse_request_text(sgtest::read_file(dir / "request.txt"));
  EXPECT_TRUE(req.has_value()) << "cannot parse request.txt of " << name;
  Case c;
  if (req) c.request = *req;
  c.creds.access_key_id = ctx["credentials"]["access_key_id"];
  c.creds.secret_access_key = ctx["credentials"]["secret_access_key"];
  c.creds.session_token = ctx["credentials"].value("token", "");
  c.params.region = ctx["region"];
  c.params.service = ctx["service"];
  auto t = sageguard::aws::parse_iso8601(ctx["timestamp"].get<std::string>());
  EXPECT_TRUE(t.has_value());
  c.params.time = t.value_or(std::chrono::system_clock::time_point{});
  c.params.normalize_path = ctx.value("normalize", true);
  c.params.add_content_sha256_header = ctx.value("sign_body", false);
  c.params.omit_session_token = ctx.value("omit_session_token", false);
  c.params.expires = std::chrono::seconds(ctx.value("expiration_in_seconds", 3600));
  return c;
}

std::string expected(const std::string& name, const std::string& file) {
  return sgtest::read_file(kSuite / name / file);
}

std::string trim_eol(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

class SigV4Suite : public ::testing::TestWithParam<std::string> {};

TEST_P(SigV4Suite, HeaderSigning) {
  const std::string name = GetParam();
  Case c = load_case(name);
  SigV4Signer signer;
  auto signed_result = signer.sign(c.request, c.creds, c.params);
  ASSERT_TRUE(signed_result.ok()) << signed_result.error().message;
  const auto& r = *signed_result;
  EXPECT_EQ(r.canonical_request, expected(name, "header-canonical-request.txt"));
  EXPECT_EQ(r.string_to_sign, expected(name, "header-string-to-sign.txt"));
  EXPECT_EQ(r.signature, trim_eol(expected(name, "header-signature.txt")));
  // The Authorization line of the signed request, verbatim.
  std::string signed_req = expected(name, "header-signed-request.txt");
  auto at = signed_req.find("\nAuthorization:");
  ASSERT_NE(at, std::string::npos);
  auto end = signed_req.find('\n', at + 1);
  EXPECT_EQ("Authorization:" + *c.request.header("Authorization"),
            trim_eol(signed_req.substr(at + 1, end - at - 1)));
  if (!c.creds.session_token.empty()) {
    EXPECT_EQ(c.request.header("X-Amz-Security-Token").value_or(""), c.creds.session_token);
  }
}

TEST_P(SigV4Suite, QuerySigning) {
  const std::string name = GetParam();
  Case c = load_case(name);
  SigV4Signer signer;
  auto presigned = signer.presign(c.request, c.creds, c.params);
  ASSERT_TRUE(presigned.ok()) << presigned.error().message;
  const auto& r = *presigned;
  EXPECT_EQ(r.canonical_request, expected(name, "query-canonical-request.txt"));
  EXPECT_EQ(r.string_to_sign, expected(name, "query-string-to-sign.txt"));
  EXPECT_EQ(r.signature, trim_eol(expected(name, "query-signature.txt")));
  EXPECT_NE(c.request.url.find("X-Amz-Signature=" + r.signature), std::string::npos) << c.request.url;
  EXPECT_FALSE(c.request.header("Authorization").has_value());
}

std::string case_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string n = info.param;
  std::replace(n.begin(), n.end(), '-', '_');
  return n;
}

INSTANTIATE_TEST_SUITE_P(Aws, SigV4Suite, ::testing::ValuesIn(suite_cases()), case_name);

TEST(SigV4SuiteInventory, EveryCaseIsPresent) {
  // Guards against a silently empty suite (wrong path): AWS ships 38 cases.
  EXPECT_EQ(suite_cases().size(), 38u) << "suite at " << kSuite;
}

}  // namespace
