// Test-only tool (target sg_sigv4_tool): signs requests with SigV4Signer so
// Python tests can compare against botocore. Reads one JSON request per line
// on stdin, writes one JSON result per line on stdout:
//   in:  {"method","url","headers":[[k,v],...],"body","access_key","secret_key",
//         "token","region","service","time": <unix seconds>,"presign": bool,
//         "expires": <seconds>}
//   out: {"authorization","signature","canonical_request","string_to_sign",
//         "url","headers":[[k,v],...]}  or {"error": "..."}
#include <chrono>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "sageguard/aws/sigv4_signer.h"

int main() {
  using nlohmann::json;
  sageguard::aws::SigV4Signer signer;  // one signer: exercises the key cache
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    json in = json::parse(line, nullptr, false);
    if (!in.is_object()) {
      std::cout << json{{"error", "input line is not a JSON object"}}.dump() << "\n";
      continue;
    }
    sageguard::aws::HttpRequest req;
    req.method = in.value("method", "GET");
    req.url = in.value("url", "");
    req.body = in.value("body", "");
    for (const auto& h : in.value("headers", json::array())) {
      req.headers.emplace_back(h.at(0).get<std::string>(), h.at(1).get<std::string>());
    }
    sageguard::aws::Credentials creds;
    creds.access_key_id = in.value("access_key", "");
    creds.secret_access_key = in.value("secret_key", "");
    creds.session_token = in.value("token", "");
    sageguard::aws::SigningParams p;
    p.region = in.value("region", "us-east-1");
    p.service = in.value("service", "sagemaker");
    p.time = std::chrono::system_clock::time_point(std::chrono::seconds(in.value("time", 0LL)));
    p.expires = std::chrono::seconds(in.value("expires", 3600));
    auto signed_req =
        in.value("presign", false) ? signer.presign(req, creds, p) : signer.sign(req, creds, p);
    if (!signed_req.ok()) {
      std::cout << json{{"error", signed_req.error().message}}.dump() << "\n" << std::flush;
      continue;
    }
    const auto& r = *signed_req;
    json out = {{"authorization", r.authorization},
                {"signature", r.signature},
                {"canonical_request", r.canonical_request},
                {"string_to_sign", r.string_to_sign},
                {"url", req.url},
                {"headers", req.headers}};
    std::cout << out.dump(-1, ' ', false, json::error_handler_t::replace) << "\n" << std::flush;
  }
  return 0;
}
