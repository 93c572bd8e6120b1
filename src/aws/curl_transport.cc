// HttpTransport over libcurl. Easy handles are pooled so keep-alive
// connections are reused across calls; a share handle shares DNS and TLS
// sessions between them. Plain http is refused unless the host is loopback
// (or one of the metadata hosts the caller allowed). libcurl is called through
// the table of curl_loader.h, loaded at the first send: making a transport
// costs nothing, and a missing libcurl is a TransportError, not a failed start.
#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <functional>
#include <mutex>
#include <vector>

#include "aws/curl_loader.h"
#include "sageguard/aws/http_transport.h"

namespace sageguard::aws {

namespace {

// Where a response body goes, and how much of it we accept.
struct BodySink {
  std::string* body = nullptr;
  size_t limit = 0;
  bool over_limit = false;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  const size_t bytes = size * n;
  if (bytes > sink->limit - std::min(sink->limit, sink->body->size())) {
    // Returning less than we were given makes curl stop with a write error.
    sink->over_limit = true;
    return 0;
  }
  sink->body->append(data, bytes);
  return bytes;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* headers = static_cast<HeaderList*>(user);
  std::string_view line(data, size * n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.starts_with("HTTP/")) {
    headers->clear();  // a new response (after 100-continue or similar)
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    headers->emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return size * n;
}

class CurlTransport final : public HttpTransport {
 public:
  CurlTransport(CurlTransportOptions opts, std::function<Result<const CurlApi*>()> load)
      : opts_(std::move(opts)), load_(std::move(load)) {}
  ~CurlTransport() override {
    if (api_ == nullptr) return;  // never sent: nothing of libcurl's to free
    for (CURL* h : idle_) api_->easy_cleanup(h);
    api_->share_cleanup(share_);
  }
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  HttpOutcome send(const HttpRequest& req) override {
    auto url = parse_url(req.url);
    if (!url || (url->scheme != "http" && url->scheme != "https")) {
      return TransportError{TransportErrorKind::invalid, "not an http(s) URL", false};
    }
    if (url->scheme == "http" && !is_loopback_host(url->host) &&
        std::find(opts_.plain_http_hosts.begin(), opts_.plain_http_hosts.end(), url->host) ==
            opts_.plain_http_hosts.end()) {
      return TransportError{TransportErrorKind::insecure,
                            "refusing plain http to non-loopback host " + url->host +
                                " (use https)",
                            false};
    }
    const CurlApi* api = ready();
    if (api == nullptr) {
      // Not retryable and nothing was sent: `invalid` is the kind that says so
      // (the request cannot be made here); the message names the cause.
      return TransportError{TransportErrorKind::unavailable, load_error_, false};
    }
    const CurlApi& c = *api;
    CURL* h = acquire();
    HttpResponse resp;
    curl_slist* hdrs = nullptr;
    // Suppress headers curl would add on its own that we did not ask for.
    hdrs = c.slist_append(hdrs, "Expect:");
    for (const auto& [k, v] : req.headers) {
      std::string line = v.empty() ? k + ";" : k + ": " + v;
      hdrs = c.slist_append(hdrs, line.c_str());
    }
    c.easy_setopt(h, CURLOPT_URL, req.url.c_str());
    c.easy_setopt(h, CURLOPT_SHARE, share_);
    c.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    c.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    c.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    c.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    c.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!opts_.ca_bundle.empty()) c.easy_setopt(h, CURLOPT_CAINFO, opts_.ca_bundle.c_str());
    c.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(opts_.connect_timeout.count()));
    c.easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(opts_.total_timeout.count()));
    // Below 1 byte/s for stall_timeout: curl ends the transfer as timed out.
    c.easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    c.easy_setopt(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(std::max<long long>(1, opts_.stall_timeout.count())));
    c.easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    c.easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    BodySink sink{&resp.body, opts_.max_response_bytes, false};
    // A declared length over the limit ends the transfer before the body.
    c.easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(opts_.max_response_bytes));
    c.easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
    c.easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    c.easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
    c.easy_setopt(h, CURLOPT_HEADERDATA, &resp.headers);
    if (req.method == "GET" && req.body.empty()) {
      c.easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else if (req.method == "HEAD") {
      c.easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else {
      c.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
      c.easy_setopt(h, CURLOPT_POSTFIELDS, req.body.data());
      if (req.method != "POST") c.easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    }
    CURLcode rc = c.easy_perform(h);
    c.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp.status);
    curl_off_t connect_us = 0;
    c.easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &connect_us);
    c.easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
    c.slist_free_all(hdrs);
    release(h);
    if (rc == CURLE_OK) return resp;
    if (sink.over_limit || rc == CURLE_FILESIZE_EXCEEDED) {
      return TransportError{TransportErrorKind::too_large,
                            "the response body is larger than " +
                                std::to_string(opts_.max_response_bytes >> 20) +
                                " MiB (no AWS answer sageguard reads is that large)",
                            true};
    }
    return classify(c, rc, connect_us > 0);
  }

 private:
  // Loads libcurl (once per process) and makes this transport's share handle
  // (once per transport); nullptr, with load_error_ set, if libcurl is unusable.
  const CurlApi* ready() {
    std::call_once(ready_once_, [this] {
      auto api = load_();
      if (!api) {
        load_error_ = api.error().message;
        return;
      }
      const CurlApi& c = **api;
      share_ = c.share_init();
      c.share_setopt(share_, CURLSHOPT_LOCKFUNC, &CurlTransport::lock);
      c.share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &CurlTransport::unlock);
      c.share_setopt(share_, CURLSHOPT_USERDATA, this);
      c.share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
      c.share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
      api_ = &c;
    });
    return api_;
  }

  static TransportError classify(const CurlApi& c, CURLcode rc, bool connected) {
    std::string msg = c.easy_strerror(rc);
    switch (rc) {
      case CURLE_OPERATION_TIMEDOUT:
        return {TransportErrorKind::timeout, msg, connected};
      case CURLE_COULDNT_RESOLVE_HOST:
      case CURLE_COULDNT_RESOLVE_PROXY:
      case CURLE_COULDNT_CONNECT:
        return {TransportErrorKind::connection, msg, false};
      case CURLE_SSL_CONNECT_ERROR:
      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_CACERT_BADFILE:
      case CURLE_SSL_CERTPROBLEM:
        return {TransportErrorKind::tls, msg, false};
      case CURLE_URL_MALFORMAT:
      case CURLE_UNSUPPORTED_PROTOCOL:
        return {TransportErrorKind::invalid, msg, false};
      default:
        return {TransportErrorKind::connection, msg, true};
    }
  }

  CURL* acquire() {
    {
      std::lock_guard<std::mutex> lock(pool_mu_);
      if (!idle_.empty()) {
        CURL* h = idle_.back();
        idle_.pop_back();
        return h;
      }
    }
    return api_->easy_init();
  }

  void release(CURL* h) {
    // Reset clears options but keeps the handle's live connections.
    api_->easy_reset(h);
    std::lock_guard<std::mutex> lock(pool_mu_);
    if (idle_.size() < opts_.max_idle_handles) {
      idle_.push_back(h);
      return;
    }
    api_->easy_cleanup(h);
  }

  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<CurlTransport*>(user)->share_mu_[static_cast<size_t>(data) % kLocks].lock();
  }
  static void unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<CurlTransport*>(user)->share_mu_[static_cast<size_t>(data) % kLocks].unlock();
  }

  static constexpr size_t kLocks = 8;
  CurlTransportOptions opts_;
  std::function<Result<const CurlApi*>()> load_;
  // Set once by ready(); call_once orders these writes before every reader.
  std::once_flag ready_once_;
  const CurlApi* api_ = nullptr;
  std::string load_error_;
  CURLSH* share_ = nullptr;
  std::array<std::mutex, kLocks> share_mu_;
  std::mutex pool_mu_;
  std::vector<CURL*> idle_;
};

}  // namespace

std::shared_ptr<HttpTransport> make_curl_transport_with(
    CurlTransportOptions options, std::function<Result<const CurlApi*>()> api) {
  return std::make_shared<CurlTransport>(std::move(options), std::move(api));
}

std::shared_ptr<HttpTransport> make_curl_transport(CurlTransportOptions options) {
  return make_curl_transport_with(std::move(options), &curl_api);
}

}  // namespace sageguard::aws
