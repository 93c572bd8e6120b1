// Loads libcurl with dlopen on first use (see curl_loader.h for why).
#include "aws/curl_loader.h"

#include <dlfcn.h>

#include <cstdio>
#include <mutex>
#include <type_traits>
#include <utility>

#include "aws/dl_util.h"

namespace sageguard::aws {

namespace {

// The table's types must be the real prototypes: a mismatch would be an ABI
// error at run time, so catch it against <curl/curl.h> here. decltype does not
// reference the symbols, so nothing is linked.
static_assert(std::is_same_v<decltype(CurlApi::global_init), decltype(&curl_global_init)>);
static_assert(std::is_same_v<decltype(CurlApi::version_info), decltype(&curl_version_info)>);
static_assert(std::is_same_v<decltype(CurlApi::easy_init), decltype(&curl_easy_init)>);
static_assert(std::is_same_v<decltype(CurlApi::easy_cleanup), decltype(&curl_easy_cleanup)>);
static_assert(std::is_same_v<decltype(CurlApi::easy_reset), decltype(&curl_easy_reset)>);
static_assert(std::is_same_v<decltype(CurlApi::easy_perform), decltype(&curl_easy_perform)>);
static_assert(std::is_same_v<decltype(CurlApi::easy_setopt), decltype(&curl_easy_setopt)>);
static_assert(std::is_same_v<decltype(CurlApi::easy_getinfo), decltype(&curl_easy_getinfo)>);
static_assert(std::is_same_v<decltype(CurlApi::easy_strerror), decltype(&curl_easy_strerror)>);
static_assert(std::is_same_v<decltype(CurlApi::share_init), decltype(&curl_share_init)>);
static_assert(std::is_same_v<decltype(CurlApi::share_cleanup), decltype(&curl_share_cleanup)>);
static_assert(std::is_same_v<decltype(CurlApi::share_setopt), decltype(&curl_share_setopt)>);
static_assert(std::is_same_v<decltype(CurlApi::slist_append), decltype(&curl_slist_append)>);
static_assert(std::is_same_v<decltype(CurlApi::slist_free_all), decltype(&curl_slist_free_all)>);

std::string version_text(unsigned num) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%u.%u.%u", (num >> 16) & 0xff, (num >> 8) & 0xff, num & 0xff);
  return buf;
}

}  // namespace

Result<CurlApi> load_curl_api(const std::vector<std::string>& sonames) {
  SG_ASSIGN_OR_RETURN(const dl::Opened opened,
                      dl::open_first(sonames, "libcurl", "libcurl4 (Debian/Ubuntu) or libcurl"));
  void* lib = opened.handle;

  CurlApi api{};
  std::string missing;
  dl::resolve(lib, "curl_global_init", api.global_init, missing);
  dl::resolve(lib, "curl_version_info", api.version_info, missing);
  dl::resolve(lib, "curl_easy_init", api.easy_init, missing);
  dl::resolve(lib, "curl_easy_cleanup", api.easy_cleanup, missing);
  dl::resolve(lib, "curl_easy_reset", api.easy_reset, missing);
  dl::resolve(lib, "curl_easy_perform", api.easy_perform, missing);
  dl::resolve(lib, "curl_easy_setopt", api.easy_setopt, missing);
  dl::resolve(lib, "curl_easy_getinfo", api.easy_getinfo, missing);
  dl::resolve(lib, "curl_easy_strerror", api.easy_strerror, missing);
  dl::resolve(lib, "curl_share_init", api.share_init, missing);
  dl::resolve(lib, "curl_share_cleanup", api.share_cleanup, missing);
  dl::resolve(lib, "curl_share_setopt", api.share_setopt, missing);
  dl::resolve(lib, "curl_slist_append", api.slist_append, missing);
  dl::resolve(lib, "curl_slist_free_all", api.slist_free_all, missing);
  if (!missing.empty()) return dl::unusable(opened, "libcurl", missing);

  const curl_version_info_data* info = api.version_info(CURLVERSION_NOW);
  if (info == nullptr || info->version_num < kMinCurlVersion) {
    const std::string have =
        info == nullptr ? "an unknown version" : "version " + version_text(info->version_num);
    const std::string where = dl::describe(lib, opened.soname);
    dlclose(lib);
    return Error::make(ErrorCode::aws, where + " is " + have + "; sageguard needs libcurl " +
                                           version_text(kMinCurlVersion) + " or later");
  }
  return api;
}

Result<const CurlApi*> curl_api() {
  // Built once; the library is never unloaded (handles made from it may live
  // until exit), and curl_global_cleanup is left to process exit as before.
  static std::once_flag once;
  static CurlApi table{};
  static Result<const CurlApi*> outcome = Error::make(ErrorCode::internal, "libcurl not loaded yet");
  std::call_once(once, [] {
    auto loaded = load_curl_api({"libcurl.so.4", "libcurl.so"});
    if (!loaded) {
      outcome = std::move(loaded).error();
      return;
    }
    table = *loaded;
    if (CURLcode rc = table.global_init(CURL_GLOBAL_DEFAULT); rc != CURLE_OK) {
      outcome = Error::make(ErrorCode::aws, std::string("curl_global_init failed: ") +
                                                table.easy_strerror(rc));
      return;
    }
    outcome = &table;
  });
  return outcome;
}

}  // namespace sageguard::aws
