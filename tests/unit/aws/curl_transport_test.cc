// The libcurl transport against a loopback server: round trip, typed
// failures, the plain-http rule, and concurrent use.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "loopback_http_server.h"
#include "sageguard/aws/aws_error.h"
#include "sageguard/aws/http_transport.h"

namespace {

namespace aws = sageguard::aws;
using namespace std::chrono_literals;
using sgtest::CannedResponse;
using sgtest::LoopbackHttpServer;
using sgtest::ReceivedRequest;

CannedResponse echo(const ReceivedRequest& r) {
  return {201, {{"X-Echo-Method", r.method}, {"x-amzn-RequestId", "rid-1"}}, r.header("x-test") + "|" + r.body};
}

// How transport failures read to a user and to the retry loop: only
// timeouts and broken connections are worth another attempt.
TEST(CurlTransport, TransportErrorsMapToAwsErrors) {
  struct Case {
    aws::TransportErrorKind kind;
    const char* code;
    bool retryable;
  };
  const Case cases[] = {{aws::TransportErrorKind::timeout, "Timeout", true},
                        {aws::TransportErrorKind::connection, "ConnectionError", true},
                        {aws::TransportErrorKind::tls, "TlsError", false},
                        {aws::TransportErrorKind::insecure, "InvalidEndpoint", false},
                        {aws::TransportErrorKind::invalid, "InvalidEndpoint", false},
                        {aws::TransportErrorKind::unavailable, "HttpClientUnavailable", false}};
  for (const auto& c : cases) {
    const aws::AwsError e = aws::from_transport_error({c.kind, "details", false});
    EXPECT_EQ(e.code, c.code);
    EXPECT_EQ(e.retryable, c.retryable) << c.code;
    EXPECT_EQ(e.message, "details");
    EXPECT_FALSE(e.maybe_applied);
  }
}

TEST(CurlTransport, RoundTripsMethodHeadersAndBody) {
  LoopbackHttpServer server(echo);
  auto t = aws::make_curl_transport();
  aws::HttpRequest req;
  req.method = "POST";
  req.url = server.url() + "/path?q=1";
  req.headers = {{"X-Test", "hello"}, {"Content-Type", "application/x-amz-json-1.1"}};
  req.body = R"({"a":1})";
  auto out = t->send(req);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out.response().status, 201);
  EXPECT_EQ(out.response().body, R"(hello|{"a":1})");
  EXPECT_EQ(out.response().header("X-ECHO-METHOD"), "POST");
  EXPECT_EQ(out.response().header("x-amzn-requestid"), "rid-1");
  auto seen = server.requests().at(0);
  EXPECT_EQ(seen.target, "/path?q=1");
  EXPECT_EQ(seen.header("content-type"), "application/x-amz-json-1.1");
  EXPECT_EQ(seen.header("expect"), "");
}

TEST(CurlTransport, PlainHttpOnlyToLoopback) {
  auto t = aws::make_curl_transport();
  aws::HttpRequest req;
  req.url = "http://example.com/";
  auto out = t->send(req);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().kind, aws::TransportErrorKind::insecure);
  EXPECT_FALSE(out.error().maybe_sent);
  req.url = "http://169.254.169.254/latest/api/token";
  EXPECT_EQ(t->send(req).error().kind, aws::TransportErrorKind::insecure);
  req.url = "ftp://127.0.0.1/";
  EXPECT_EQ(t->send(req).error().kind, aws::TransportErrorKind::invalid);
}

TEST(CurlTransport, IsLoopbackHost) {
  EXPECT_TRUE(aws::is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(aws::is_loopback_host("127.255.3.4"));
  EXPECT_TRUE(aws::is_loopback_host("localhost"));
  EXPECT_TRUE(aws::is_loopback_host("LOCALHOST"));
  EXPECT_TRUE(aws::is_loopback_host("[::1]"));
  EXPECT_TRUE(aws::is_loopback_host("::1"));
  EXPECT_FALSE(aws::is_loopback_host("128.0.0.1"));
  EXPECT_FALSE(aws::is_loopback_host("127.0.0.1.example.com"));
  EXPECT_FALSE(aws::is_loopback_host("localhost.evil.com"));
  EXPECT_FALSE(aws::is_loopback_host("169.254.169.254"));
  EXPECT_FALSE(aws::is_loopback_host("::2"));
}

TEST(CurlTransport, ParseUrl) {
  auto u = aws::parse_url("HTTPS://API.Example.com:443/a%20b/?x=1#frag");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "api.example.com");
  EXPECT_EQ(u->path, "/a%20b/");
  EXPECT_EQ(u->query, "x=1");
  EXPECT_EQ(u->host_header(), "api.example.com");
  auto v6 = aws::parse_url("http://[::1]:8080");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->host_header(), "[::1]:8080");
  EXPECT_EQ(v6->path, "/");
  EXPECT_FALSE(aws::parse_url("http://user@host/").has_value());
  EXPECT_FALSE(aws::parse_url("no-scheme").has_value());
}

TEST(CurlTransport, TimeoutIsTyped) {
  LoopbackHttpServer server([](const ReceivedRequest&) {
    CannedResponse r;
    r.delay = 1500ms;
    return r;
  });
  aws::CurlTransportOptions o;
  o.total_timeout = 200ms;
  auto t = aws::make_curl_transport(o);
  aws::HttpRequest req;
  req.url = server.url() + "/";
  auto out = t->send(req);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().kind, aws::TransportErrorKind::timeout);
  EXPECT_TRUE(out.error().maybe_sent);
}

TEST(CurlTransport, RefusedAndDroppedConnectionsAreTyped) {
  int dead_port = 0;
  { LoopbackHttpServer gone(echo); dead_port = gone.port(); }
  auto t = aws::make_curl_transport();
  aws::HttpRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(dead_port) + "/";
  auto refused = t->send(req);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, aws::TransportErrorKind::connection);
  EXPECT_FALSE(refused.error().maybe_sent);

  LoopbackHttpServer dropper([](const ReceivedRequest&) {
    CannedResponse r;
    r.drop = true;
    return r;
  });
  req.url = dropper.url() + "/";
  auto dropped = t->send(req);
  ASSERT_FALSE(dropped.ok());
  EXPECT_EQ(dropped.error().kind, aws::TransportErrorKind::connection);
  EXPECT_TRUE(dropped.error().maybe_sent);
}

TEST(CurlTransport, HttpsWithVerificationFailsAgainstAPlainServer) {
  LoopbackHttpServer server(echo);
  auto t = aws::make_curl_transport();
  aws::HttpRequest req;
  req.url = "https://127.0.0.1:" + std::to_string(server.port()) + "/";
  auto out = t->send(req);
  EXPECT_FALSE(out.ok());
}

TEST(CurlTransport, ManyThreadsAtOnce) {
  std::atomic<int> served{0};
  LoopbackHttpServer server([&](const ReceivedRequest& r) {
    ++served;
    return CannedResponse{200, {}, r.body};
  });
  auto t = aws::make_curl_transport();
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      for (int j = 0; j < 15; ++j) {
        aws::HttpRequest req;
        req.method = "POST";
        req.url = server.url() + "/";
        req.body = std::to_string(i * 100 + j);
        auto out = t->send(req);
        if (out.ok() && out.response().body == req.body) ++good;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(good.load(), 120);
  EXPECT_EQ(served.load(), 120);
}

}  // namespace
