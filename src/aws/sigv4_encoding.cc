// Hashing, HMAC and the URI encodings SigV4 uses (canonical path and query).
// The digests go through the dlopen()ed libcrypto table (crypto_loader.h).
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <ctime>
#include <utility>
#include <vector>

#include "aws/crypto_loader.h"
#include "util/strings.h"
#include "sageguard/aws/sigv4_signer.h"

namespace sageguard::aws::sigv4 {

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xF]);
  }
  return out;
}

Result<std::string> sha256_hex(const CryptoApi& crypto, std::string_view data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  // SHA256() fetches the algorithm from a provider in OpenSSL 3, which can
  // fail (e.g. a broken openssl.cnf); never sign with an unset buffer.
  if (crypto.sha256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md) ==
      nullptr) {
    return Error::make(ErrorCode::aws, "libcrypto's SHA256() failed");
  }
  return hex(std::string_view(reinterpret_cast<const char*>(md), sizeof md));
}

Result<std::string> hmac_sha256(const CryptoApi& crypto, std::string_view key,
                                std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  const EVP_MD* sha256 = crypto.evp_sha256();
  if (sha256 == nullptr ||
      crypto.hmac(sha256, key.data(), static_cast<int>(key.size()),
                  reinterpret_cast<const unsigned char*>(data.data()), data.size(), md,
                  &len) == nullptr ||
      len != SHA256_DIGEST_LENGTH) {
    return Error::make(ErrorCode::aws, "libcrypto's HMAC-SHA256 failed");
  }
  return std::string(reinterpret_cast<const char*>(md), len);
}

static bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '_' || c == '.' || c == '~';
}

std::string uri_encode(std::string_view s, bool keep_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 0xF]);
    }
  }
  return out;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = hex_digit_value(s[i + 1]);
      int lo = hex_digit_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);  // a stray '%' stays literal (and is encoded later)
  }
  return out;
}

std::string canonical_path(std::string_view raw_path, bool normalize) {
  std::string path(raw_path.empty() ? "/" : raw_path);
  if (normalize) {
    // RFC 3986 dot-segment removal; empty segments are dropped as well, which
    // is what AWS's suite and botocore expect ("//a//" -> "/a/").
    std::vector<std::string_view> segs;
    std::string_view rest(path);
    while (!rest.empty()) {
      auto slash = rest.find('/');
      std::string_view seg = rest.substr(0, slash);
      rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
      if (seg.empty() || seg == ".") continue;
      if (seg == "..") {
        if (!segs.empty()) segs.pop_back();
        continue;
      }
      segs.push_back(seg);
    }
    std::string norm;
    for (auto seg : segs) {
      norm.push_back('/');
      norm.append(seg);
    }
    if (norm.empty() || (path.back() == '/' && norm.back() != '/')) norm.push_back('/');
    path = std::move(norm);
  }
  // The wire path is encoded once more: services other than S3 sign the
  // double-encoded form.
  return uri_encode(path, /*keep_slash=*/true);
}

std::string canonical_query(std::string_view raw_query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::string_view rest = raw_query;
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view piece = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (piece.empty()) continue;
    auto eq = piece.find('=');
    std::string_view k = piece.substr(0, eq);
    std::string_view v = eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
    pairs.emplace_back(uri_encode(percent_decode(k), false), uri_encode(percent_decode(v), false));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [k, v] : pairs) {
    if (!out.empty()) out.push_back('&');
    out += k;
    out.push_back('=');
    out += v;
  }
  return out;
}

std::string amz_date(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace sageguard::aws::sigv4
