// AWS Signature Version 4 for requests (Authorization header) and presigned
// URLs (query parameters). SigV4Signer is thread-safe: its only state is the
// signing-key cache, which is guarded by a mutex. The hashing comes from
// libcrypto, loaded at the first signature (src/aws/crypto_loader.h); when it
// cannot be loaded, signing returns that error.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "sageguard/aws/credentials.h"
#include "sageguard/aws/http_transport.h"
#include "sageguard/result.h"

namespace sageguard::aws {

struct CryptoApi;  // the loaded libcrypto entry points (src/aws/crypto_loader.h)

struct SigningParams {
  std::string region;
  std::string service;
  std::chrono::system_clock::time_point time;
  // Remove "." / ".." segments and empty segments from the path (every
  // service but S3).
  bool normalize_path = true;
  // Add and sign X-Amz-Content-SHA256 (header signing only).
  bool add_content_sha256_header = false;
  // Add the session token after signing instead of signing it (a few services).
  bool omit_session_token = false;
  // Lifetime of a presigned URL.
  std::chrono::seconds expires{3600};
};

// The intermediate values, for tests and the --debug trace.
struct SigningResult {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // lower-case hex
  std::string authorization;  // full header value (header signing only)
};

// Derived signing keys keyed by (secret, date, region, service). Thread-safe.
class SigningKeyCache {
 public:
  Result<std::string> get(const CryptoApi& crypto, const std::string& secret,
                          const std::string& date, const std::string& region,
                          const std::string& service);
  std::size_t size() const;
  std::size_t derivations() const;  // how many keys were computed (tests)

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::string> keys_;
  std::size_t derivations_ = 0;
};

// Where a signer gets libcrypto's table from.
using CryptoSource = Result<const CryptoApi*> (*)();

class SigV4Signer {
 public:
  // Signs with the process-wide libcrypto table (crypto_api()).
  SigV4Signer();
  // Test seam: takes the table from `crypto` at each signature instead.
  explicit SigV4Signer(CryptoSource crypto);

  // Adds X-Amz-Date, X-Amz-Security-Token (when there is a token), optionally
  // X-Amz-Content-SHA256, and Authorization to `request`. Replaces any
  // earlier signature, so re-signing a retried request is fine. Fails
  // (ErrorCode::aws) when libcrypto cannot be loaded; `request` is then
  // left as it was.
  Result<SigningResult> sign(HttpRequest& request, const Credentials& creds,
                             const SigningParams& params);
  // Adds X-Amz-Algorithm/Credential/Date/Expires/SignedHeaders[/Security-Token]
  // and X-Amz-Signature to the URL query. Fails as sign() does.
  Result<SigningResult> presign(HttpRequest& request, const Credentials& creds,
                                const SigningParams& params);
  SigningKeyCache& key_cache() { return cache_; }

 private:
  CryptoSource crypto_;
  SigningKeyCache cache_;
};

// Building blocks, exposed for tests.
namespace sigv4 {
// The digests need a loaded libcrypto table; they fail only if libcrypto does.
Result<std::string> sha256_hex(const CryptoApi& crypto, std::string_view data);
Result<std::string> hmac_sha256(const CryptoApi& crypto, std::string_view key,
                                std::string_view data);  // raw bytes
std::string hex(std::string_view bytes);
// RFC 3986 encoding of everything but unreserved characters (and '/' when
// `keep_slash`), upper-case hex.
std::string uri_encode(std::string_view s, bool keep_slash);
std::string percent_decode(std::string_view s);
std::string canonical_path(std::string_view raw_path, bool normalize);
// Decodes each key/value, re-encodes, sorts by key then value.
std::string canonical_query(std::string_view raw_query);
std::string amz_date(std::chrono::system_clock::time_point t);  // 20150830T123600Z
}  // namespace sigv4

}  // namespace sageguard::aws
