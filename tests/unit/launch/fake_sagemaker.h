// An in-memory SageMaker for launch tests: an HttpTransport that answers by
// X-Amz-Target operation from canned replies and records every request, so
// a test can assert that a refusal sent nothing at all.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aws/json_client.h"

namespace sgtest {

class FakeSageMaker : public sageguard::aws::HttpTransport {
 public:
  struct Call {
    std::string operation;
    nlohmann::json body;
  };

  // Replies for `operation`, in order; the last one repeats.
  void on(const std::string& operation, std::vector<nlohmann::json> replies) {
    auto& r = replies_[operation];
    r.clear();
    for (auto& body : replies) r.emplace_back(200, std::move(body));
  }
  // Replies with explicit HTTP status, in order; the last one repeats.
  void script(const std::string& operation, std::vector<std::pair<long, nlohmann::json>> replies) {
    replies_[operation] = std::move(replies);
  }
  static nlohmann::json error_body(const std::string& type) {
    return {{"__type", type}, {"message", "injected " + type}};
  }

  sageguard::aws::HttpOutcome send(const sageguard::aws::HttpRequest& r) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::string target = r.header("X-Amz-Target").value_or("");
    std::string op = target.substr(target.find('.') + 1);
    calls.push_back({op, nlohmann::json::parse(r.body.empty() ? "{}" : r.body)});
    sageguard::aws::HttpResponse resp;
    resp.headers = {{"x-amzn-RequestId", "fake-1"}};
    auto it = replies_.find(op);
    if (it == replies_.end() || it->second.empty()) {
      resp.status = 400;
      resp.body = nlohmann::json{{"__type", "ValidationException"}, {"message", "no reply for " + op}}.dump();
      return resp;
    }
    std::size_t& n = next_[op];
    const auto& reply = it->second[std::min(n, it->second.size() - 1)];
    ++n;
    resp.status = reply.first;
    resp.body = reply.second.dump();
    return resp;
  }

  std::size_t count(const std::string& op) const {
    std::size_t n = 0;
    for (const auto& c : calls) n += c.operation == op ? 1 : 0;
    return n;
  }

  std::vector<Call> calls;

 private:
  std::mutex mu_;
  std::map<std::string, std::vector<std::pair<long, nlohmann::json>>> replies_;
  std::map<std::string, std::size_t> next_;
};

// A client over `fake` with fixed credentials and no sleeping.
inline std::unique_ptr<sageguard::aws::JsonClient> fake_client(std::shared_ptr<FakeSageMaker> fake) {
  sageguard::aws::JsonClientConfig cfg;
  cfg.region = "us-east-1";
  cfg.endpoint = "https://api.sagemaker.us-east-1.amazonaws.com";
  cfg.sleeper = [](std::chrono::milliseconds) {};
  cfg.random = [] { return 0.5; };
  auto creds = std::make_shared<sageguard::aws::StaticCredentialsProvider>(
      sageguard::aws::Credentials{"AKIDEXAMPLE", "secretEXAMPLE", "", std::nullopt, "test"});
  return std::make_unique<sageguard::aws::JsonClient>(cfg, creds, std::move(fake));
}

// The policy the launch tests use: two required tags, VPC/KMS/checkpoint
// values fix can fill in, and a 500 USD budget.
inline const char* kLaunchTestPolicy = R"(version: 1
tags:
  required: [Project, "Cost Center", Contact]
  defaults:
    Contact: ml-platform@example.com
vpc:
  subnets: [subnet-0a1b2c3d, subnet-4e5f6a7b]
  security_groups: [sg-0123abcd]
  subnets_reach_s3: true
kms:
  volume_key: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
  output_key: arn:aws:kms:us-east-1:111122223333:key/5678efab-34cd-56ef-78ab-0987654321fe
spot:
  checkpoint_s3_prefix: s3://ml-checkpoints/
limits:
  max_job_cost_usd: 500
)";

}  // namespace sgtest
