// Test support: parses the HTTP request text of AWS's SigV4 suite
// (request.txt): request line, headers with obs-fold continuation lines, body.
// Header-only because tests/CMakeLists.txt compiles only *_test.cc files.
#pragma once

#include <optional>
#include <string>

#include "sageguard/aws/http_transport.h"

namespace sgtest {

inline std::optional<sageguard::aws::HttpRequest> parse_request_text(const std::string& text) {
  sageguard::aws::HttpRequest req;
  std::size_t pos = 0;
  auto next_line = [&](std::string& line) {
    if (pos > text.size()) return false;
    auto nl = text.find('\n', pos);
    line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    pos = nl == std::string::npos ? text.size() + 1 : nl + 1;
    return true;
  };
  std::string line;
  if (!next_line(line)) return std::nullopt;
  // "METHOD target HTTP/1.1"; the target itself may contain spaces.
  auto first = line.find(' ');
  auto last = line.rfind(' ');
  if (first == std::string::npos || last == first) return std::nullopt;
  req.method = line.substr(0, first);
  std::string target = line.substr(first + 1, last - first - 1);
  while (next_line(line)) {
    if (line.empty()) break;
    if ((line[0] == ' ' || line[0] == '\t') && !req.headers.empty()) {
      // obs-fold: the continuation joins the previous value with one space.
      auto b = line.find_first_not_of(" \t");
      req.headers.back().second += " " + (b == std::string::npos ? "" : line.substr(b));
      continue;
    }
    auto colon = line.find(':');
    if (colon == std::string::npos) return std::nullopt;
    req.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  if (pos <= text.size()) req.body = text.substr(pos);
  auto host = req.header("Host");
  if (!host) return std::nullopt;
  auto b = host->find_first_not_of(" \t");
  req.url = "https://" + host->substr(b == std::string::npos ? 0 : b) + target;
  return req;
}

}  // namespace sgtest
