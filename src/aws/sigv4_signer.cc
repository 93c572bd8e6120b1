// SigV4: canonical request -> string to sign -> signature, for header signing
// and presigned URLs. The derived key is cached per (secret, date, region,
// service) because deriving it costs four HMACs per request otherwise.
#include "sageguard/aws/sigv4_signer.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <cctype>

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

std::string SigningKeyCache::get(const std::string& secret, const std::string& date,
                                 const std::string& region, const std::string& service) {
  // Keyed by a hash of the secret, so rotated credentials never reuse a key.
  std::string id = sigv4::sha256_hex(secret) + "/" + date + "/" + region + "/" + service;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = keys_.find(id);
    if (it != keys_.end()) return it->second;
  }
  std::string k = sigv4::hmac_sha256("AWS4" + secret, date);
  k = sigv4::hmac_sha256(k, region);
  k = sigv4::hmac_sha256(k, service);
  k = sigv4::hmac_sha256(k, "aws4_request");
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

SigningResult SigV4Signer::sign(HttpRequest& request, const Credentials& creds,
                                const SigningParams& params) {
  SigningResult r;
  auto url = parse_url(request.url);
  if (!url) url = UrlParts{"https", "", "", "/", ""};
  const std::string date_time = sigv4::amz_date(params.time);
  const std::string date = date_time.substr(0, 8);
  const std::string scope = date + "/" + params.region + "/" + params.service + "/aws4_request";
  const std::string payload_hash = sigv4::sha256_hex(request.body);

  request.remove_header("Authorization");
  request.set_header("X-Amz-Date", date_time);
  request.remove_header("X-Amz-Security-Token");
  if (!creds.session_token.empty() && !params.omit_session_token) {
    request.set_header("X-Amz-Security-Token", creds.session_token);
  }
  if (params.add_content_sha256_header) request.set_header("X-Amz-Content-SHA256", payload_hash);

  CanonicalHeaders ch = canonical_headers(request, *url);
  r.canonical_request = request.method + "\n" + sigv4::canonical_path(url->path, params.normalize_path) +
                        "\n" + sigv4::canonical_query(url->query) + "\n" + ch.block + "\n" +
                        ch.signed_names + "\n" + payload_hash;
  r.string_to_sign = "AWS4-HMAC-SHA256\n" + date_time + "\n" + scope + "\n" +
                     sigv4::sha256_hex(r.canonical_request);
  std::string key = cache_.get(creds.secret_access_key, date, params.region, params.service);
  r.signature = sigv4::hex(sigv4::hmac_sha256(key, r.string_to_sign));
  r.authorization = "AWS4-HMAC-SHA256 Credential=" + creds.access_key_id + "/" + scope +
                    ", SignedHeaders=" + ch.signed_names + ", Signature=" + r.signature;
  request.set_header("Authorization", r.authorization);
  if (!creds.session_token.empty() && params.omit_session_token) {
    request.set_header("X-Amz-Security-Token", creds.session_token);
  }
  return r;
}

SigningResult SigV4Signer::presign(HttpRequest& request, const Credentials& creds,
                                   const SigningParams& params) {
  SigningResult r;
  auto url = parse_url(request.url);
  if (!url) url = UrlParts{"https", "", "", "/", ""};
  const std::string date_time = sigv4::amz_date(params.time);
  const std::string date = date_time.substr(0, 8);
  const std::string scope = date + "/" + params.region + "/" + params.service + "/aws4_request";

  request.remove_header("Authorization");
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

  r.canonical_request = request.method + "\n" + sigv4::canonical_path(url->path, params.normalize_path) +
                        "\n" + sigv4::canonical_query(query) + "\n" + ch.block + "\n" +
                        ch.signed_names + "\n" + sigv4::sha256_hex(request.body);
  r.string_to_sign = "AWS4-HMAC-SHA256\n" + date_time + "\n" + scope + "\n" +
                     sigv4::sha256_hex(r.canonical_request);
  std::string key = cache_.get(creds.secret_access_key, date, params.region, params.service);
  r.signature = sigv4::hex(sigv4::hmac_sha256(key, r.string_to_sign));
  if (params.omit_session_token) query += token_param;
  query += "&X-Amz-Signature=" + r.signature;
  request.url = rebuild_url(*url, query);
  return r;
}

}  // namespace sageguard::aws
