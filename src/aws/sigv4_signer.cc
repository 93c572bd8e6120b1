// SigV4: canonical request -> string to sign -> signature, for header signing
// and presigned URLs. The derived key is cached per (secret, date, region,
// service) because deriving it costs four HMACs per request otherwise.
#include "sageguard/aws/sigv4_signer.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

#include "aws/crypto_loader.h"

namespace sageguard::aws {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Trim and collapse runs of whitespace to one space ("Trimall").
std::string trim_all(std::string_view v) {
  std::string out;
  bool pending_space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

bool never_signed(const std::string& lname) {
  // Hop-by-hop headers and ones proxies rewrite; botocore skips the same set.
  static constexpr std::array<std::string_view, 12> kSkip = {
      "authorization", "connection", "expect", "keep-alive", "proxy-authenticate",
      "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
      "user-agent", "x-amzn-trace-id"};
  return std::find(kSkip.begin(), kSkip.end(), lname) != kSkip.end();
}

struct CanonicalHeaders {
  std::string block;   // "name:value\n" lines
  std::string signed_names;  // "a;b;c"
};

CanonicalHeaders canonical_headers(const HttpRequest& req, const UrlParts& url) {
  std::vector<std::pair<std::string, std::string>> items;  // (lname, value) in order
  bool have_host = false;
  for (const auto& [name, value] : req.headers) {
    std::string lname = lower(trim_all(name));
    if (never_signed(lname)) continue;
    if (lname == "host") have_host = true;
    items.emplace_back(lname, trim_all(value));
  }
  if (!have_host) items.emplace_back("host", url.host_header());
  // Stable sort keeps the order of repeated headers, which is significant.
  std::stable_sort(items.begin(), items.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  CanonicalHeaders out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0 && items[i].first == items[i - 1].first) {
      out.block.push_back(',');
      out.block += items[i].second;
      continue;
    }
    if (i > 0) out.block.push_back('\n');
    if (!out.signed_names.empty()) out.signed_names.push_back(';');
    out.signed_names += items[i].first;
    out.block += items[i].first;
    out.block.push_back(':');
    out.block += items[i].second;
  }
  if (!items.empty()) out.block.push_back('\n');
  return out;
}

std::string rebuild_url(const UrlParts& u, const std::string& query) {
  std::string url = u.scheme + "://" + u.host_header() + u.path;
  if (!query.empty()) url += "?" + query;
  return url;
}

}  // namespace

Result<std::string> SigningKeyCache::get(const CryptoApi& crypto, const std::string& secret,
                                         const std::string& date, const std::string& region,
                                         const std::string& service) {
  // Keyed by a hash of the secret, so rotated credentials never reuse a key.
  SG_ASSIGN_OR_RETURN(const std::string secret_hash, sigv4::sha256_hex(crypto, secret));
  const std::string id = secret_hash + "/" + date + "/" + region + "/" + service;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = keys_.find(id);
    if (it != keys_.end()) return it->second;
  }
  SG_ASSIGN_OR_RETURN(std::string k, sigv4::hmac_sha256(crypto, "AWS4" + secret, date));
  SG_ASSIGN_OR_RETURN(k, sigv4::hmac_sha256(crypto, k, region));
  SG_ASSIGN_OR_RETURN(k, sigv4::hmac_sha256(crypto, k, service));
  SG_ASSIGN_OR_RETURN(k, sigv4::hmac_sha256(crypto, k, "aws4_request"));
  std::lock_guard<std::mutex> lock(mu_);
  if (keys_.size() >= 64) keys_.clear();  // old dates; bounded memory
  keys_[id] = k;
  ++derivations_;
  return k;
}

std::size_t SigningKeyCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return keys_.size();
}

std::size_t SigningKeyCache::derivations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return derivations_;
}

// The steps both signing styles share, from the canonical request's parts
// to the signature (filled into `r`).
static Status finish_signature(const CryptoApi& crypto, SigningKeyCache& cache,
                               const std::string& canonical_request, const std::string& date_time,
                               const std::string& scope, const Credentials& creds,
                               const SigningParams& params, SigningResult& r) {
  r.canonical_request = canonical_request;
  SG_ASSIGN_OR_RETURN(const std::string request_hash, sigv4::sha256_hex(crypto, r.canonical_request));
  r.string_to_sign = "AWS4-HMAC-SHA256\n" + date_time + "\n" + scope + "\n" + request_hash;
  SG_ASSIGN_OR_RETURN(const std::string key, cache.get(crypto, creds.secret_access_key,
                                                        date_time.substr(0, 8), params.region,
                                                        params.service));
  SG_ASSIGN_OR_RETURN(const std::string mac, sigv4::hmac_sha256(crypto, key, r.string_to_sign));
  r.signature = sigv4::hex(mac);
  return Status::success();
}

SigV4Signer::SigV4Signer() : crypto_(&crypto_api) {}

SigV4Signer::SigV4Signer(CryptoSource crypto) : crypto_(crypto) {}

Result<SigningResult> SigV4Signer::sign(HttpRequest& request, const Credentials& creds,
                                        const SigningParams& params) {
  SG_ASSIGN_OR_RETURN(const CryptoApi* crypto, crypto_());
  SigningResult r;
  auto url = parse_url(request.url);
  if (!url) url = UrlParts{"https", "", "", "/", ""};
  const std::string date_time = sigv4::amz_date(params.time);
  const std::string date = date_time.substr(0, 8);
  const std::string scope = date + "/" + params.region + "/" + params.service + "/aws4_request";
  SG_ASSIGN_OR_RETURN(const std::string payload_hash, sigv4::sha256_hex(*crypto, request.body));

  // The headers are edited on a copy (the body is not needed) and replace the
  // request's only once the signature exists, so a failure leaves it intact.
  HttpRequest staged;
  staged.headers = request.headers;
  staged.remove_header("Authorization");
  staged.set_header("X-Amz-Date", date_time);
  staged.remove_header("X-Amz-Security-Token");
  if (!creds.session_token.empty() && !params.omit_session_token) {
    staged.set_header("X-Amz-Security-Token", creds.session_token);
  }
  if (params.add_content_sha256_header) staged.set_header("X-Amz-Content-SHA256", payload_hash);

  CanonicalHeaders ch = canonical_headers(staged, *url);
  SG_TRY(finish_signature(*crypto, cache_,
                          request.method + "\n" +
                              sigv4::canonical_path(url->path, params.normalize_path) + "\n" +
                              sigv4::canonical_query(url->query) + "\n" + ch.block + "\n" +
                              ch.signed_names + "\n" + payload_hash,
                          date_time, scope, creds, params, r));
  r.authorization = "AWS4-HMAC-SHA256 Credential=" + creds.access_key_id + "/" + scope +
                    ", SignedHeaders=" + ch.signed_names + ", Signature=" + r.signature;
  staged.set_header("Authorization", r.authorization);
  if (!creds.session_token.empty() && params.omit_session_token) {
    staged.set_header("X-Amz-Security-Token", creds.session_token);
  }
  request.headers = std::move(staged.headers);
  return r;
}

Result<SigningResult> SigV4Signer::presign(HttpRequest& request, const Credentials& creds,
                                           const SigningParams& params) {
  SG_ASSIGN_OR_RETURN(const CryptoApi* crypto, crypto_());
  SigningResult r;
  auto url = parse_url(request.url);
  if (!url) url = UrlParts{"https", "", "", "/", ""};
  const std::string date_time = sigv4::amz_date(params.time);
  const std::string date = date_time.substr(0, 8);
  const std::string scope = date + "/" + params.region + "/" + params.service + "/aws4_request";

  // Authorization is never signed (never_signed), so the request is only
  // changed once the signature exists.
  CanonicalHeaders ch = canonical_headers(request, *url);
  std::string added = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" +
                      sigv4::uri_encode(creds.access_key_id + "/" + scope, false) +
                      "&X-Amz-Date=" + date_time +
                      "&X-Amz-Expires=" + std::to_string(params.expires.count()) +
                      "&X-Amz-SignedHeaders=" + sigv4::uri_encode(ch.signed_names, false);
  std::string token_param;
  if (!creds.session_token.empty()) {
    token_param = "&X-Amz-Security-Token=" + sigv4::uri_encode(creds.session_token, false);
  }
  std::string query = url->query;
  if (!query.empty()) query.push_back('&');
  query += added;
  if (!params.omit_session_token) query += token_param;

  SG_ASSIGN_OR_RETURN(const std::string payload_hash, sigv4::sha256_hex(*crypto, request.body));
  SG_TRY(finish_signature(*crypto, cache_,
                          request.method + "\n" +
                              sigv4::canonical_path(url->path, params.normalize_path) + "\n" +
                              sigv4::canonical_query(query) + "\n" + ch.block + "\n" +
                              ch.signed_names + "\n" + payload_hash,
                          date_time, scope, creds, params, r));
  if (params.omit_session_token) query += token_param;
  query += "&X-Amz-Signature=" + r.signature;
  request.remove_header("Authorization");
  request.url = rebuild_url(*url, query);
  return r;
}

}  // namespace sageguard::aws
