// libcurl, loaded at run time. sageguard does not link libcurl: mapping it
// and its ~28 dependencies (nghttp2, ldap, gssapi, gnutls, ...) costs about
// 11 ms per process, which every `check` or `fix` would pay without ever
// opening a connection. The first transport that sends a request dlopen()s
// libcurl.so.4 and resolves the few entry points it uses into a table;
// <curl/curl.h> is only included for types and constants.
#pragma once

#include <curl/curl.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sageguard/aws/http_transport.h"
#include "sageguard/result.h"

namespace sageguard::aws {

// The libcurl functions the transport calls. The *_setopt / getinfo ones are
// variadic in C and stay so here (the caller passes long / pointer /
// curl_off_t exactly as with the real prototypes). Every entry is non-null in
// a table handed out by the functions below.
struct CurlApi {
  CURLcode (*global_init)(long flags);
  curl_version_info_data* (*version_info)(CURLversion stamp);
  CURL* (*easy_init)();
  void (*easy_cleanup)(CURL* handle);
  void (*easy_reset)(CURL* handle);
  CURLcode (*easy_perform)(CURL* handle);
  CURLcode (*easy_setopt)(CURL* handle, CURLoption option, ...);
  CURLcode (*easy_getinfo)(CURL* handle, CURLINFO info, ...);
  const char* (*easy_strerror)(CURLcode code);
  CURLSH* (*share_init)();
  CURLSHcode (*share_cleanup)(CURLSH* share);
  CURLSHcode (*share_setopt)(CURLSH* share, CURLSHoption option, ...);
  curl_slist* (*slist_append)(curl_slist* list, const char* line);
  void (*slist_free_all)(curl_slist* list);
};

// Oldest libcurl the transport works with: CURLOPT_PROTOCOLS_STR (7.85.0).
// An older library would silently ignore that option (and with it the
// http/https-only restriction), so it is refused instead.
inline constexpr unsigned kMinCurlVersion = 0x075500;

// The process-wide table: the first call loads libcurl.so.4 (falling back to
// libcurl.so), checks its version and runs curl_global_init; later calls
// return the same table, or the same error. Thread-safe.
Result<const CurlApi*> curl_api();

// Test hook behind curl_api(): tries `sonames` in order and resolves the
// table from the first one that loads. No caching and no curl_global_init.
// The library stays loaded on success (the table points into it).
Result<CurlApi> load_curl_api(const std::vector<std::string>& sonames);

// Test seam (defined in curl_transport.cc): make_curl_transport() taking its
// table from `api`, called at the first send, instead of curl_api().
std::shared_ptr<HttpTransport> make_curl_transport_with(
    CurlTransportOptions options, std::function<Result<const CurlApi*>()> api);

}  // namespace sageguard::aws
