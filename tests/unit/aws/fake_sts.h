// A scripted stand-in for STS and the IAM Identity Center portal in unit
// tests: records every request and answers AssumeRole* with credentials
// named after the call count, so tests can tell which call produced what.
// Integration tests use moto and a loopback portal instead. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sageguard/aws/http_transport.h"
#include "sageguard/aws/sigv4_signer.h"

namespace sgtest {

// "a=1&b=x%20y" -> {a: 1, b: "x y"}.
inline std::map<std::string, std::string> parse_form(const std::string& body) {
  std::map<std::string, std::string> out;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t amp = body.find('&', pos);
    if (amp == std::string::npos) amp = body.size();
    const std::string field = body.substr(pos, amp - pos);
    const auto eq = field.find('=');
    out[sageguard::aws::sigv4::percent_decode(field.substr(0, eq))] =
        eq == std::string::npos ? "" : sageguard::aws::sigv4::percent_decode(field.substr(eq + 1));
    pos = amp + 1;
  }
  return out;
}

class FakeSts : public sageguard::aws::HttpTransport {
 public:
  // Lifetime of the credentials handed out, and their expiry is computed
  // from `now` (a test clock).
  std::chrono::seconds lifetime{3600};
  std::function<std::chrono::system_clock::time_point()> now = [] { return std::chrono::system_clock::now(); };
  std::chrono::milliseconds delay{0};  // per call, to make refreshes overlap
  std::atomic<int> failures_to_inject{0};

  sageguard::aws::HttpOutcome send(const sageguard::aws::HttpRequest& r) override {
    int n = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(r);
      n = static_cast<int>(requests_.size());
    }
    if (delay.count() > 0) std::this_thread::sleep_for(delay);
    sageguard::aws::HttpResponse resp;
    if (failures_to_inject > 0) {
      --failures_to_inject;
      resp.status = 403;
      resp.body = "<ErrorResponse><Error><Code>AccessDenied</Code><Message>no</Message></Error></ErrorResponse>";
      return resp;
    }
    const std::string exp = iso(now() + lifetime);
    if (r.method == "GET") {  // the portal
      resp.status = 200;
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
          (now() + lifetime).time_since_epoch()).count();
      resp.body = "{\"roleCredentials\":{\"accessKeyId\":\"SSOKEY" + std::to_string(n) +
                  "\",\"secretAccessKey\":\"SSOSECRET" + std::to_string(n) +
                  "\",\"sessionToken\":\"SSOTOKEN" + std::to_string(n) + "\",\"expiration\":" +
                  std::to_string(ms) + "}}";
      return resp;
    }
    const auto form = parse_form(r.body);
    const std::string action = form.count("Action") ? form.at("Action") : "";
    resp.status = 200;
    if (action == "GetCallerIdentity") {
      resp.body = "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:sts::123456789012:"
                  "assumed-role/r/s</Arn><UserId>AROA:s</UserId><Account>123456789012</Account>"
                  "</GetCallerIdentityResult></GetCallerIdentityResponse>";
      return resp;
    }
    const std::string role = form.count("RoleArn") ? form.at("RoleArn") : "";
    resp.body = "<" + action + "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><" + action +
                "Result><Credentials><AccessKeyId>KEY" + std::to_string(n) +
                "</AccessKeyId><SecretAccessKey>SECRET" + std::to_string(n) +
                "</SecretAccessKey><SessionToken>TOKEN" + std::to_string(n) +
                "</SessionToken><Expiration>" + exp + "</Expiration></Credentials><AssumedRoleUser><Arn>" +
                role + "/assumed</Arn></AssumedRoleUser></" + action + "Result></" + action + "Response>";
    return resp;
  }

  std::vector<sageguard::aws::HttpRequest> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

  static std::string iso(std::chrono::system_clock::time_point t) {
    const std::time_t s = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&s, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
  }

 private:
  mutable std::mutex mu_;
  std::vector<sageguard::aws::HttpRequest> requests_;
};

}  // namespace sgtest
