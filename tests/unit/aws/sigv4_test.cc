// SigV4Signer beyond the AWS suite: key cache behaviour under threads,
// re-signing, encodings, and a libcrypto that cannot be loaded.
#include <gtest/gtest.h>

#include <thread>

#include "aws/crypto_loader.h"
#include "sageguard/aws/sigv4_signer.h"

namespace {

using namespace std::chrono_literals;
using sageguard::aws::Credentials;
using sageguard::aws::HttpRequest;
using sageguard::Result;
using sageguard::aws::SigningParams;
using sageguard::aws::SigningResult;
using sageguard::aws::SigV4Signer;
namespace sigv4 = sageguard::aws::sigv4;

Credentials creds(std::string secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY") {
  return Credentials{"AKIDEXAMPLE", std::move(secret), "", std::nullopt, "test"};
}

SigningParams params(std::chrono::system_clock::time_point t) {
  SigningParams p;
  p.region = "us-east-1";
  p.service = "sagemaker";
  p.time = t;
  return p;
}

HttpRequest request() {
  HttpRequest r;
  r.method = "POST";
  r.url = "https://api.sagemaker.us-east-1.amazonaws.com/";
  r.headers = {{"X-Amz-Target", "SageMaker.ListTrainingJobs"}};
  r.body = "{}";
  return r;
}

const auto kDay1 = std::chrono::system_clock::time_point(std::chrono::seconds(1440938160));

// The signing result, or a failed expectation and an empty result.
SigningResult ok_or_fail(Result<SigningResult> r) {
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? std::move(r).value() : SigningResult{};
}

TEST(SigningKeyCache, DerivesOncePerDateRegionServiceAndSecret) {
  SigV4Signer s;
  for (int i = 0; i < 50; ++i) {
    auto r = request();
    ok_or_fail(s.sign(r, creds(), params(kDay1 + std::chrono::seconds(i))));
  }
  EXPECT_EQ(s.key_cache().derivations(), 1u);
  auto r = request();
  ok_or_fail(s.sign(r, creds(), params(kDay1 + 24h)));
  EXPECT_EQ(s.key_cache().derivations(), 2u);
  ok_or_fail(s.sign(r, creds("another-secret"), params(kDay1)));
  EXPECT_EQ(s.key_cache().derivations(), 3u);
}

TEST(SigningKeyCache, CachedKeyGivesTheSameSignatureAsAFreshSigner) {
  SigV4Signer warm;
  auto a = request();
  ok_or_fail(warm.sign(a, creds(), params(kDay1)));
  auto b = request();
  auto with_cache = ok_or_fail(warm.sign(b, creds("other"), params(kDay1)));  // different secret
  SigV4Signer cold;
  auto c = request();
  auto fresh = ok_or_fail(cold.sign(c, creds("other"), params(kDay1)));
  EXPECT_FALSE(fresh.signature.empty());
  EXPECT_EQ(with_cache.signature, fresh.signature);
}

TEST(SigV4Signer, ConcurrentSigningAgreesWithSequential) {
  SigV4Signer shared;
  std::vector<std::string> expected(8);
  for (int t = 0; t < 8; ++t) {
    SigV4Signer own;
    auto r = request();
    const std::string secret = "secret" + std::to_string(t);
    expected[t] = ok_or_fail(own.sign(r, creds(secret), params(kDay1 + 24h * t))).signature;
    EXPECT_FALSE(expected[t].empty());
  }
  std::vector<std::thread> threads;
  std::vector<int> mismatches(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        auto r = request();
        auto got = shared.sign(r, creds("secret" + std::to_string(t)), params(kDay1 + 24h * t));
        if (!got.ok() || got->signature != expected[t]) {
          ++mismatches[t];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 8; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

TEST(SigV4Signer, ResigningReplacesTheOldSignature) {
  SigV4Signer s;
  auto r = request();
  Credentials c = creds();
  c.session_token = "TOKEN";
  ok_or_fail(s.sign(r, c, params(kDay1)));
  auto second = ok_or_fail(s.sign(r, c, params(kDay1 + 10s)));
  int auth = 0, token = 0, date = 0;
  for (const auto& [k, v] : r.headers) {
    auth += k == "Authorization";
    token += k == "X-Amz-Security-Token";
    date += k == "X-Amz-Date";
  }
  EXPECT_EQ(auth, 1);
  EXPECT_EQ(token, 1);
  EXPECT_EQ(date, 1);
  EXPECT_EQ(r.header("Authorization"), second.authorization);
  EXPECT_NE(second.canonical_request.find("x-amz-security-token:TOKEN"), std::string::npos);
}

// A source standing for a machine without libcrypto.
Result<const sageguard::aws::CryptoApi*> no_crypto() {
  auto api = sageguard::aws::load_crypto_api({"libsageguard-no-such-crypto.so.9"});
  if (api.ok()) {
    return sageguard::Error::make(sageguard::ErrorCode::internal, "loaded a missing library");
  }
  return std::move(api).error();
}

TEST(SigV4Signer, WithoutLibcryptoSigningIsAnErrorAndTheRequestIsUntouched) {
  SigV4Signer s(&no_crypto);
  Credentials c = creds();
  c.session_token = "TOKEN";
  auto r = request();
  const auto before = r;
  auto header = s.sign(r, c, params(kDay1));
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.error().code, sageguard::ErrorCode::aws);
  EXPECT_NE(header.error().message.find("libsageguard-no-such-crypto.so.9"), std::string::npos)
      << header.error().message;
  EXPECT_EQ(r.headers, before.headers);
  EXPECT_EQ(r.url, before.url);
  auto query = s.presign(r, c, params(kDay1));
  ASSERT_FALSE(query.ok());
  EXPECT_EQ(query.error().code, sageguard::ErrorCode::aws);
  EXPECT_EQ(r.url, before.url);
  EXPECT_EQ(r.headers, before.headers);
  EXPECT_EQ(s.key_cache().derivations(), 0u);
}

TEST(SigV4Encoding, UriEncodeAndDecode) {
  EXPECT_EQ(sigv4::uri_encode("a b/c~d*", true), "a%20b/c~d%2A");
  EXPECT_EQ(sigv4::uri_encode("a b/c", false), "a%20b%2Fc");
  EXPECT_EQ(sigv4::percent_decode("%e1%88%B4%zz%"), "\xE1\x88\xB4%zz%");
  EXPECT_EQ(sigv4::canonical_query("b=2&a=%7e&a=1&&c"), "a=1&a=~&b=2&c=");
  EXPECT_EQ(sigv4::canonical_path("/a/./b/../c//", true), "/a/c/");
  EXPECT_EQ(sigv4::canonical_path("/a%20b", true), "/a%2520b");
  EXPECT_EQ(sigv4::canonical_path("", false), "/");
}

}  // namespace
