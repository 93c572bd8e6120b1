// HttpTransport over libcurl. Easy handles are pooled so keep-alive
// connections are reused across calls; a share handle shares DNS and TLS
// sessions between them. Plain http is refused unless the host is loopback
// (or one of the metadata hosts the caller allowed).
#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <mutex>
#include <vector>

#include "sageguard/aws/http_transport.h"

namespace sageguard::aws {

namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
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
  explicit CurlTransport(CurlTransportOptions opts) : opts_(std::move(opts)) {
    global_init();
    share_ = curl_share_init();
    curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, &CurlTransport::lock);
    curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &CurlTransport::unlock);
    curl_share_setopt(share_, CURLSHOPT_USERDATA, this);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }
  ~CurlTransport() override {
    for (CURL* h : idle_) curl_easy_cleanup(h);
    curl_share_cleanup(share_);
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
    CURL* h = acquire();
    HttpResponse resp;
    curl_slist* hdrs = nullptr;
    // Suppress headers curl would add on its own that we did not ask for.
    hdrs = curl_slist_append(hdrs, "Expect:");
    for (const auto& [k, v] : req.headers) {
      std::string line = v.empty() ? k + ";" : k + ": " + v;
      hdrs = curl_slist_append(hdrs, line.c_str());
    }
    curl_easy_setopt(h, CURLOPT_URL, req.url.c_str());
    curl_easy_setopt(h, CURLOPT_SHARE, share_);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!opts_.ca_bundle.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, opts_.ca_bundle.c_str());
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(opts_.connect_timeout.count()));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(opts_.total_timeout.count()));
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &resp.body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &resp.headers);
    if (req.method == "GET" && req.body.empty()) {
      curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else if (req.method == "HEAD") {
      curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else {
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, req.body.data());
      if (req.method != "POST") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    }
    CURLcode rc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp.status);
    curl_off_t connect_us = 0;
    curl_easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &connect_us);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
    curl_slist_free_all(hdrs);
    release(h);
    if (rc == CURLE_OK) return resp;
    return classify(rc, connect_us > 0);
  }

 private:
  static TransportError classify(CURLcode rc, bool connected) {
    std::string msg = curl_easy_strerror(rc);
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
    return curl_easy_init();
  }

  void release(CURL* h) {
    // Reset clears options but keeps the handle's live connections.
    curl_easy_reset(h);
    std::lock_guard<std::mutex> lock(pool_mu_);
    if (idle_.size() < opts_.max_idle_handles) {
      idle_.push_back(h);
      return;
    }
    curl_easy_cleanup(h);
  }

  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<CurlTransport*>(user)->share_mu_[static_cast<size_t>(data) % kLocks].lock();
  }
  static void unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<CurlTransport*>(user)->share_mu_[static_cast<size_t>(data) % kLocks].unlock();
  }

  static constexpr size_t kLocks = 8;
  CurlTransportOptions opts_;
  CURLSH* share_ = nullptr;
  std::array<std::mutex, kLocks> share_mu_;
  std::mutex pool_mu_;
  std::vector<CURL*> idle_;
};

}  // namespace

std::shared_ptr<HttpTransport> make_curl_transport(CurlTransportOptions options) {
  return std::make_shared<CurlTransport>(std::move(options));
}

}  // namespace sageguard::aws
