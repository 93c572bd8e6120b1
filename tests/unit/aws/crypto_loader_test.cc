// The run-time libcrypto loader: the table it builds is the library's own
// functions and computes the published SHA-256 / HMAC-SHA256 test vectors, it
// is built once, a missing or wrong library is an error value, and the
// process does not map libcrypto at start-up (the point of loading it late).
#include "aws/crypto_loader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "elf_needed.h"
#include "loader_checks.h"
#include "sageguard/aws/sigv4_signer.h"

namespace {

namespace aws = sageguard::aws;
namespace sigv4 = sageguard::aws::sigv4;

const char kNoSuchSoname[] = "libsageguard-no-such-crypto.so.9";

// Taken during static initialisation, before main() and so before any test
// (in any file of this binary) can have loaded libcrypto, directly or through
// libcurl: what the dynamic linker mapped at start-up.
const std::vector<std::string> kMappedAtStart = sgtest::mapped_objects();

bool any_starts_with(const std::vector<std::string>& paths, const std::string& prefix) {
  return std::any_of(paths.begin(), paths.end(), [&](const std::string& p) {
    return sgtest::file_name_starts_with(p, prefix);
  });
}

const aws::CryptoApi& table() {
  auto api = aws::crypto_api();
  if (!api.ok()) {
    ADD_FAILURE() << api.error().message;
    static const aws::CryptoApi kEmpty{};
    return kEmpty;
  }
  return **api;
}

std::string sha256(const std::string& data) {
  auto h = sigv4::sha256_hex(table(), data);
  EXPECT_TRUE(h.ok()) << h.error().message;
  return h.ok() ? *h : "";
}

std::string hmac_hex(const std::string& key, const std::string& data) {
  auto m = sigv4::hmac_sha256(table(), key, data);
  EXPECT_TRUE(m.ok()) << m.error().message;
  return m.ok() ? sigv4::hex(*m) : "";
}

std::string bytes_from_hex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

TEST(CryptoLoader, LibcryptoIsNotMappedAtStartUp) {
  // The reader works: libstdc++ is mapped at start-up in any C++ test binary.
  ASSERT_TRUE(any_starts_with(kMappedAtStart, "libstdc++"))
      << "mapped_objects() found no libstdc++";
  EXPECT_FALSE(any_starts_with(kMappedAtStart, "libcrypto"))
      << "libcrypto is mapped at start-up (linked directly or by a dependency); it should be "
         "dlopen()ed at the first signature";
  // And the same check sees it once it is loaded.
  ASSERT_TRUE(aws::crypto_api().ok());
  EXPECT_TRUE(any_starts_with(sgtest::mapped_objects(), "libcrypto"));
}

TEST(CryptoLoader, ExecutablesDoNotLinkLibcrypto) {
  // This binary links sg_aws the way sageguard does, so it needs what
  // sageguard needs.
  const auto needed = sgtest::needed_libraries();
  ASSERT_TRUE(any_starts_with(needed, "libstdc++")) << "the DT_NEEDED reader found no libstdc++";
  for (const auto& lib : needed) {
    EXPECT_FALSE(lib.starts_with("libcrypto")) << lib << " is linked; it should be dlopen()ed";
    EXPECT_FALSE(lib.starts_with("libssl")) << lib << " is linked; nothing of ours calls libssl";
  }
}

TEST(CryptoLoader, LoadsTheInstalledLibcryptoWithEveryEntry) {
  auto api = aws::crypto_api();
  ASSERT_TRUE(api.ok()) << api.error().message;
  const aws::CryptoApi& a = **api;
  auto p = [](auto fn) { return reinterpret_cast<void*>(fn); };
  const std::vector<std::pair<const char*, void*>> list = {
      {"SHA256", p(a.sha256)}, {"HMAC", p(a.hmac)}, {"EVP_sha256", p(a.evp_sha256)}};
  sgtest::expect_entries_resolved_from("libcrypto.so.3", list, sizeof(aws::CryptoApi));
}

TEST(CryptoLoader, LaterCallsReturnTheSameTableFromAnyThread) {
  sgtest::expect_same_table_from_threads([] { return aws::crypto_api(); });
}

TEST(CryptoLoader, Sha256MatchesThePublishedExamples) {
  // FIPS 180-2, Appendix B.1-B.3 (one block, two blocks, one million 'a').
  EXPECT_EQ(sha256("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // NIST CAVP SHA256ShortMsg, Len = 0 (the empty payload every GET signs).
  EXPECT_EQ(sha256(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(CryptoLoader, HmacSha256MatchesRfc4231) {
  const std::string k20aa(20, '\xaa');
  const std::string k131aa(131, '\xaa');
  // RFC 4231 section 4.2 - 4.8: test cases 1-4, 6 and 7 in full.
  EXPECT_EQ(hmac_hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hmac_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hmac_hex(k20aa, std::string(50, '\xdd')),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
  EXPECT_EQ(hmac_hex(bytes_from_hex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
                     std::string(50, '\xcd')),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
  EXPECT_EQ(hmac_hex(k131aa, "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  EXPECT_EQ(hmac_hex(k131aa,
                     "This is a test using a larger than block-size key and a larger than "
                     "block-size data. The key needs to be hashed before being used by the HMAC "
                     "algorithm."),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
  // Test case 5 publishes only the first 128 bits.
  EXPECT_EQ(hmac_hex(std::string(20, '\x0c'), "Test With Truncation").substr(0, 32),
            "a3b6167473100ee06e0c796c2955552b");
}

// HMAC per its definition (RFC 2104) from the table's SHA-256 alone:
// H((K ^ opad) || H((K ^ ipad) || m)), K hashed first when longer than the
// 64-byte block and zero-padded to it.
std::string rfc2104_hmac_hex(std::string key, const std::string& data) {
  if (key.size() > 64) key = bytes_from_hex(sha256(key));
  key.resize(64, '\0');
  std::string inner = key, outer = key;
  for (char& c : inner) c = static_cast<char>(c ^ 0x36);
  for (char& c : outer) c = static_cast<char>(c ^ 0x5c);
  return sha256(outer + bytes_from_hex(sha256(inner + data)));
}

TEST(CryptoLoader, HmacAgreesWithItsDefinitionOverSha256) {
  std::mt19937 rng(20261127);
  auto random_bytes = [&rng](size_t n) {
    std::string s(n, '\0');
    for (char& c : s) c = static_cast<char>(rng() & 0xff);
    return s;
  };
  // Key sizes around the 64-byte block (shorter, equal, hashed first).
  for (size_t key_len : {0u, 1u, 32u, 63u, 64u, 65u, 200u}) {
    for (size_t data_len : {0u, 1u, 55u, 64u, 1000u}) {
      const std::string key = random_bytes(key_len);
      const std::string data = random_bytes(data_len);
      EXPECT_EQ(hmac_hex(key, data), rfc2104_hmac_hex(key, data))
          << "key " << key_len << " bytes, data " << data_len << " bytes";
    }
  }
}

TEST(CryptoLoader, AMissingLibraryIsAnErrorNamingIt) {
  auto api = aws::load_crypto_api({kNoSuchSoname});
  ASSERT_FALSE(api.ok());
  EXPECT_EQ(api.error().code, sageguard::ErrorCode::aws);
  const std::string& m = api.error().message;
  EXPECT_NE(m.find(kNoSuchSoname), std::string::npos) << m;
  EXPECT_NE(m.find("install libssl3"), std::string::npos) << m;
}

TEST(CryptoLoader, FallsBackToTheNextName) {
  auto api = aws::load_crypto_api({kNoSuchSoname, "libcrypto.so.3"});
  ASSERT_TRUE(api.ok()) << api.error().message;
  EXPECT_NE(api->hmac, nullptr);
  // The fallback table works on its own.
  auto h = sigv4::sha256_hex(*api, "abc");
  ASSERT_TRUE(h.ok()) << h.error().message;
  EXPECT_EQ(*h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CryptoLoader, ALibraryWithoutTheSymbolsIsRefused) {
  // zlib is installed wherever sageguard builds and has none of these.
  auto api = aws::load_crypto_api({"libz.so.1"});
  ASSERT_FALSE(api.ok());
  EXPECT_EQ(api.error().code, sageguard::ErrorCode::aws);
  const std::string& m = api.error().message;
  EXPECT_NE(m.find("libz.so.1"), std::string::npos) << m;
  EXPECT_NE(m.find("missing SHA256, HMAC, EVP_sha256"), std::string::npos) << m;
}

}  // namespace
