// Header lookup on requests/responses, URL splitting and the loopback test
// that decides where plain http is allowed.
#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

#include "sageguard/aws/http_transport.h"

namespace sageguard::aws {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::optional<std::string> find_header(const HeaderList& headers, const std::string& name) {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> HttpRequest::header(const std::string& name) const {
  return find_header(headers, name);
}

void HttpRequest::remove_header(const std::string& name) {
  std::erase_if(headers, [&](const auto& h) { return iequals(h.first, name); });
}

void HttpRequest::set_header(const std::string& name, std::string value) {
  remove_header(name);
  headers.emplace_back(name, std::move(value));
}

std::optional<std::string> HttpResponse::header(const std::string& name) const {
  return find_header(headers, name);
}

std::optional<UrlParts> parse_url(const std::string& url) {
  auto sep = url.find("://");
  if (sep == std::string::npos || sep == 0) return std::nullopt;
  UrlParts u;
  u.scheme = url.substr(0, sep);
  for (char& c : u.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string rest = url.substr(sep + 3);
  if (auto hash = rest.find('#'); hash != std::string::npos) rest.resize(hash);
  auto path_start = rest.find_first_of("/?");
  std::string authority = rest.substr(0, path_start);
  std::string tail = path_start == std::string::npos ? "" : rest.substr(path_start);
  if (authority.find('@') != std::string::npos) return std::nullopt;  // no userinfo
  if (!authority.empty() && authority[0] == '[') {
    auto close = authority.find(']');
    if (close == std::string::npos) return std::nullopt;
    u.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return std::nullopt;
      u.port = authority.substr(close + 2);
    }
  } else {
    auto colon = authority.rfind(':');
    u.host = authority.substr(0, colon);
    if (colon != std::string::npos) u.port = authority.substr(colon + 1);
  }
  if (u.host.empty()) return std::nullopt;
  for (char& c : u.host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!std::all_of(u.port.begin(), u.port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  auto q = tail.find('?');
  u.path = tail.substr(0, q);
  if (q != std::string::npos) u.query = tail.substr(q + 1);
  if (u.path.empty()) u.path.push_back('/');  // (= "/" trips a g++ 12 -Wrestrict false positive)
  return u;
}

std::string UrlParts::host_header() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  bool default_port = port.empty() || (scheme == "https" && port == "443") ||
                      (scheme == "http" && port == "80");
  if (!default_port) h += ":" + port;
  return h;
}

bool is_loopback_host(const std::string& host_in) {
  std::string host = host_in;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::string lower = host;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    static const in6_addr loop = IN6ADDR_LOOPBACK_INIT;
    return std::equal(std::begin(v6.s6_addr), std::end(v6.s6_addr), std::begin(loop.s6_addr));
  }
  return false;
}

CurlTransportOptions CurlTransportOptions::from_env(const Env& env) {
  CurlTransportOptions o;
  o.ca_bundle = env.get_or("AWS_CA_BUNDLE");
  return o;
}

}  // namespace sageguard::aws
