// HttpTransport: the seam through which every AWS call goes. A request is
// method/url/headers/body; the outcome is a response or a typed failure
// (connection / timeout / refused as insecure). Implementations must be safe
// to call from many threads at once; make_curl_transport() is.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "sageguard/aws/env.h"

namespace sageguard::aws {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // absolute http(s) URL, path and query already percent-encoded
  HeaderList headers;
  std::string body;
  // First value of a header (case-insensitive name), or nullopt.
  std::optional<std::string> header(const std::string& name) const;
  // Replace every header called `name` by one with `value`.
  void set_header(const std::string& name, std::string value);
  void remove_header(const std::string& name);
};

struct HttpResponse {
  long status = 0;
  HeaderList headers;  // names as received
  std::string body;
  std::optional<std::string> header(const std::string& name) const;
};

enum class TransportErrorKind {
  connection,  // could not connect, or the connection broke
  timeout,     // connect or total timeout hit
  insecure,    // refused before sending: plain http to a non-loopback host
  invalid,     // malformed URL or other request problem
  tls,         // certificate or handshake failure
  unavailable, // the HTTP library (libcurl, loaded on first use) is missing or too old
  too_large,   // the response body exceeded the transport's limit (not kept)
};

struct TransportError {
  TransportErrorKind kind = TransportErrorKind::connection;
  std::string message;
  // False only when we know the request never reached a server (connect
  // refused, DNS failure, refused locally). A create whose request may have
  // been sent is ambiguous: it may have taken effect.
  bool maybe_sent = true;
};

// Either a response (any HTTP status) or a transport failure.
class HttpOutcome {
 public:
  HttpOutcome(HttpResponse r) : v_(std::move(r)) {}   // NOLINT
  HttpOutcome(TransportError e) : v_(std::move(e)) {}  // NOLINT
  bool ok() const { return v_.index() == 0; }
  const HttpResponse& response() const { return std::get<0>(v_); }
  HttpResponse& response() { return std::get<0>(v_); }
  const TransportError& error() const { return std::get<1>(v_); }

 private:
  std::variant<HttpResponse, TransportError> v_;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual HttpOutcome send(const HttpRequest& request) = 0;
};

struct CurlTransportOptions {
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds total_timeout{60000};
  // An attempt during which nothing arrives for this long (a server that
  // went away without closing the connection) ends as a timeout, so retries
  // and the retry quota can act well before total_timeout. SageMaker
  // answers its calls within a few seconds.
  std::chrono::seconds stall_timeout{10};
  std::string ca_bundle;  // AWS_CA_BUNDLE; empty = system store
  // Hosts besides loopback that may be reached over plain http (the metadata
  // services at 169.254.169.254 and 169.254.170.2 only speak http).
  std::vector<std::string> plain_http_hosts;
  // Idle easy handles (each keeps its keep-alive connection) the pool holds;
  // a caller with more threads in flight raises it so connections are reused.
  size_t max_idle_handles = 32;
  // Response bodies larger than this are refused (TransportErrorKind::
  // too_large) rather than held in memory: SageMaker's largest answers (a
  // page of 100 summaries, a Describe*) are well under a megabyte.
  size_t max_response_bytes = size_t{64} << 20;

  // Defaults plus AWS_CA_BUNDLE from `env`.
  static CurlTransportOptions from_env(const Env& env);
};

// libcurl transport: TLS verification always on, no redirects, connections
// reused through a pool of easy handles. Thread-safe.
std::shared_ptr<HttpTransport> make_curl_transport(CurlTransportOptions options = {});

// True for 127.0.0.0/8, "localhost" and ::1 (as "[::1]" or "::1").
bool is_loopback_host(const std::string& host);

// Pieces of an absolute URL. `path` keeps its percent-encoding ("/" if empty);
// `query` is the raw text after '?', without '#fragment'.
struct UrlParts {
  std::string scheme;  // lower case
  std::string host;    // without brackets for IPv6
  std::string port;    // empty when absent
  std::string path;
  std::string query;
  // host[:port] as it belongs in a Host header (default ports dropped).
  std::string host_header() const;
};
std::optional<UrlParts> parse_url(const std::string& url);

}  // namespace sageguard::aws
