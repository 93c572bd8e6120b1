// The run-time libcurl loader: the table it builds is the library's own
// functions, it is built once, a missing or wrong library is an error value,
// the transport reports that error per request, and the executables do not
// link libcurl at start-up (the point of loading it late).
#include "aws/curl_loader.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <utility>
#include <vector>

#include "elf_needed.h"
#include "loader_checks.h"
#include "loopback_http_server.h"

namespace {

namespace aws = sageguard::aws;
using sageguard::Result;
using sgtest::CannedResponse;
using sgtest::LoopbackHttpServer;
using sgtest::ReceivedRequest;

const char kNoSuchSoname[] = "libsageguard-no-such-curl.so.9";

// Each table entry with the C name it must have been resolved from.
std::vector<std::pair<const char*, void*>> entries(const aws::CurlApi& a) {
  auto p = [](auto fn) { return reinterpret_cast<void*>(fn); };
  return {{"curl_global_init", p(a.global_init)},       {"curl_version_info", p(a.version_info)},
          {"curl_easy_init", p(a.easy_init)},           {"curl_easy_cleanup", p(a.easy_cleanup)},
          {"curl_easy_reset", p(a.easy_reset)},         {"curl_easy_perform", p(a.easy_perform)},
          {"curl_easy_setopt", p(a.easy_setopt)},       {"curl_easy_getinfo", p(a.easy_getinfo)},
          {"curl_easy_strerror", p(a.easy_strerror)},   {"curl_share_init", p(a.share_init)},
          {"curl_share_cleanup", p(a.share_cleanup)},   {"curl_share_setopt", p(a.share_setopt)},
          {"curl_slist_append", p(a.slist_append)},     {"curl_slist_free_all", p(a.slist_free_all)}};
}

TEST(CurlLoader, LoadsTheInstalledLibcurlWithEveryEntry) {
  auto api = aws::curl_api();
  ASSERT_TRUE(api.ok()) << api.error().message;
  const auto list = entries(**api);
  sgtest::expect_entries_resolved_from("libcurl.so.4", list, sizeof(aws::CurlApi));
  const curl_version_info_data* v = (*api)->version_info(CURLVERSION_NOW);
  ASSERT_NE(v, nullptr);
  EXPECT_GE(v->version_num, aws::kMinCurlVersion);
  // The table works: an easy handle round trip through the loaded library.
  CURL* h = (*api)->easy_init();
  ASSERT_NE(h, nullptr);
  EXPECT_EQ((*api)->easy_setopt(h, CURLOPT_URL, "http://127.0.0.1/"), CURLE_OK);
  (*api)->easy_cleanup(h);
}

TEST(CurlLoader, LaterCallsReturnTheSameTableFromAnyThread) {
  sgtest::expect_same_table_from_threads([] { return aws::curl_api(); });
}

TEST(CurlLoader, AMissingLibraryIsAnErrorNamingIt) {
  auto api = aws::load_curl_api({kNoSuchSoname});
  ASSERT_FALSE(api.ok());
  EXPECT_EQ(api.error().code, sageguard::ErrorCode::aws);
  EXPECT_NE(api.error().message.find(kNoSuchSoname), std::string::npos) << api.error().message;
  EXPECT_NE(api.error().message.find("install libcurl4"), std::string::npos) << api.error().message;
}

TEST(CurlLoader, FallsBackToTheNextName) {
  auto api = aws::load_curl_api({kNoSuchSoname, "libcurl.so.4"});
  ASSERT_TRUE(api.ok()) << api.error().message;
  EXPECT_NE(api->easy_perform, nullptr);
}

TEST(CurlLoader, ALibraryWithoutTheSymbolsIsRefused) {
  // libc is present everywhere and has none of curl's entry points.
  auto api = aws::load_curl_api({"libc.so.6"});
  ASSERT_FALSE(api.ok());
  const std::string& m = api.error().message;
  EXPECT_NE(m.find("libc.so.6"), std::string::npos) << m;
  EXPECT_NE(m.find("curl_easy_init"), std::string::npos) << m;
  EXPECT_NE(m.find("curl_slist_free_all"), std::string::npos) << m;
}

TEST(CurlLoader, TransportReportsALoadFailureOnEachSendWithoutSending) {
  std::atomic<int> served{0};
  LoopbackHttpServer server([&](const ReceivedRequest&) {
    ++served;
    return CannedResponse{200, {}, "ok"};
  });
  std::atomic<int> loads{0};
  auto failing = [&loads]() -> Result<const aws::CurlApi*> {
    ++loads;
    return aws::load_curl_api({kNoSuchSoname}).error();
  };
  auto t = aws::make_curl_transport_with({}, failing);
  EXPECT_EQ(loads.load(), 0) << "making a transport must not load libcurl";
  std::vector<std::thread> threads;
  std::atomic<int> typed{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      aws::HttpRequest req;
      req.url = server.url() + "/";
      auto out = t->send(req);
      if (!out.ok() && out.error().kind == aws::TransportErrorKind::unavailable &&
          !out.error().maybe_sent && out.error().message.find(kNoSuchSoname) != std::string::npos) {
        ++typed;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(typed.load(), 4);
  EXPECT_EQ(loads.load(), 1) << "the table is fetched once per transport";
  EXPECT_EQ(served.load(), 0);
  // The plain-http rule does not depend on libcurl and is still reported as such.
  aws::HttpRequest remote;
  remote.url = "http://example.com/";
  EXPECT_EQ(t->send(remote).error().kind, aws::TransportErrorKind::insecure);
}

TEST(CurlLoader, TransportOverTheLoadedTableSends) {
  LoopbackHttpServer server([](const ReceivedRequest& r) { return CannedResponse{200, {}, r.body}; });
  auto t = aws::make_curl_transport_with({}, &aws::curl_api);
  aws::HttpRequest req;
  req.method = "POST";
  req.url = server.url() + "/";
  req.body = "payload";
  auto out = t->send(req);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out.response().body, "payload");
}

TEST(CurlLoader, ExecutablesDoNotLinkLibcurl) {
  // This binary links sg_aws the way sageguard does, so it needs what
  // sageguard needs.
  const auto needed = sgtest::needed_libraries();
  bool has_cxx = false;
  for (const auto& lib : needed) {
    EXPECT_FALSE(lib.starts_with("libcurl")) << lib << " is linked; it should be dlopen()ed";
    has_cxx = has_cxx || lib.starts_with("libstdc++");
  }
  EXPECT_TRUE(has_cxx) << "the DT_NEEDED reader found no libstdc++; it is broken";
}

}  // namespace
