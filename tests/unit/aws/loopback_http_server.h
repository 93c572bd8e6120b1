// Test support: a tiny HTTP/1.1 server on 127.0.0.1 (port 0 = any free port)
// that answers each request through a handler and records what it received.
// One request per connection ("Connection: close"). Header-only because the
// unit-test build compiles only *_test.cc files. Thread-safe recording.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cctype>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sgtest {

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string header(const std::string& lname) const {
    for (const auto& [k, v] : headers) {
      if (k == lname) return v;
    }
    return "";
  }
};

struct CannedResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool drop = false;                            // close without answering
  std::chrono::milliseconds delay{0};           // wait before answering
};

class LoopbackHttpServer {
 public:
  using Handler = std::function<CannedResponse(const ReceivedRequest&)>;

  explicit LoopbackHttpServer(Handler handler) : handler_(std::move(handler)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 64);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~LoopbackHttpServer() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
    for (auto& t : workers_) t.join();
  }
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<ReceivedRequest> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  void run() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      std::lock_guard<std::mutex> lock(workers_mu_);
      workers_.emplace_back([this, c] { serve(c); });
    }
  }

  static std::string lower(std::string s) {
    for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
  }

  void serve(int c) {
    std::string buf;
    char tmp[4096];
    std::size_t header_end = std::string::npos;
    while ((header_end = buf.find("\r\n\r\n")) == std::string::npos) {
      ssize_t n = ::recv(c, tmp, sizeof tmp, 0);
      if (n <= 0) {
        ::close(c);
        return;
      }
      buf.append(tmp, static_cast<std::size_t>(n));
    }
    ReceivedRequest req;
    std::string head = buf.substr(0, header_end);
    std::size_t line_end = head.find("\r\n");
    std::string first = head.substr(0, line_end);
    req.method = first.substr(0, first.find(' '));
    req.target = first.substr(first.find(' ') + 1, first.rfind(' ') - first.find(' ') - 1);
    std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    std::size_t content_length = 0;
    while (pos < head.size()) {
      std::size_t e = head.find("\r\n", pos);
      if (e == std::string::npos) e = head.size();
      std::string line = head.substr(pos, e - pos);
      auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string v = line.substr(colon + 1);
        v.erase(0, v.find_first_not_of(' '));
        req.headers.emplace_back(lower(line.substr(0, colon)), v);
        if (lower(line.substr(0, colon)) == "content-length") content_length = std::stoul(v);
      }
      pos = e + 2;
    }
    req.body = buf.substr(header_end + 4);
    while (req.body.size() < content_length) {
      ssize_t n = ::recv(c, tmp, sizeof tmp, 0);
      if (n <= 0) break;
      req.body.append(tmp, static_cast<std::size_t>(n));
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(req);
    }
    CannedResponse resp = handler_(req);
    if (resp.delay.count() > 0) std::this_thread::sleep_for(resp.delay);
    if (!resp.drop) {
      std::string out = "HTTP/1.1 " + std::to_string(resp.status) + " X\r\n";
      bool chunked = false;  // the handler framed the body itself
      for (const auto& [k, v] : resp.headers) {
        out += k + ": " + v + "\r\n";
        chunked = chunked || lower(k) == "transfer-encoding";
      }
      if (!chunked) out += "Content-Length: " + std::to_string(resp.body.size()) + "\r\n";
      out += "Connection: close\r\n\r\n";
      out += resp.body;
      std::size_t sent = 0;
      while (sent < out.size()) {
        ssize_t n = ::send(c, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<std::size_t>(n);
      }
    }
    ::close(c);
  }

  Handler handler_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex workers_mu_;
  std::vector<std::thread> workers_;
  mutable std::mutex mu_;
  std::vector<ReceivedRequest> requests_;
};

}  // namespace sgtest
