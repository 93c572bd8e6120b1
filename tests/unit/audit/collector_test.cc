// collect_inventory against an in-memory SageMaker behind the HttpTransport
// seam, with deterministic faults (throttling, 500s, broken connections),
// resources that vanish between list and describe, and one the caller may
// not read. Every listed resource must come out exactly once.
#include "audit/collector.h"

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <set>

#include "test_client.h"
#include "sageguard/audit/rate_limited_transport.h"

namespace sageguard::audit {
namespace {

using nlohmann::json;

class FakeSageMaker : public aws::HttpTransport {
 public:
  int jobs = 250;
  int fault_every = 0;  // every Nth request fails (cycling throttle / 500 / broken)
  std::set<std::string> vanished, denied;
  bool deny_models_list = false;

  aws::HttpOutcome send(const aws::HttpRequest& req) override {
    std::string op = req.header("X-Amz-Target").value_or("");
    op = op.substr(op.find('.') + 1);
    json body = json::parse(req.body);
    int n;
    {
      std::lock_guard<std::mutex> lock(mu_);
      n = ++requests_;
      ops_[op] += 1;
    }
    if (fault_every > 0 && n % fault_every == 0) {
      switch ((n / fault_every) % 3) {
        case 0: return error(400, "ThrottlingException", "Rate exceeded");
        case 1: return error(500, "InternalFailure", "injected");
        default: return aws::TransportError{aws::TransportErrorKind::connection, "reset", true};
      }
    }
    if (op == "ListTrainingJobs") return list_jobs(body);
    if (op == "ListModels") {
      if (deny_models_list) return error(400, "AccessDeniedException", "no ListModels for you");
      return ok({{"Models", json::array()}});
    }
    if (op == "DescribeTrainingJob") {
      std::string name = body["TrainingJobName"];
      if (vanished.count(name)) {
        return error(400, "ValidationException", "Requested resource not found.");
      }
      if (denied.count(name)) return error(400, "AccessDeniedException", "not allowed");
      return ok({{"TrainingJobName", name}, {"TrainingJobArn", arn(name)}});
    }
    if (op == "ListTags") return list_tags(body);
    return error(400, "UnknownOperationException", op);
  }

  static std::string arn(const std::string& name) {
    return "arn:aws:sagemaker:us-east-1:123456789012:training-job/" + name;
  }
  static std::string name_of(int i) { return "job-" + std::to_string(i); }
  int requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  int calls(const std::string& op) {
    std::lock_guard<std::mutex> lock(mu_);
    return ops_[op];
  }

 private:
  static aws::HttpOutcome ok(const json& j) {
    aws::HttpResponse r;
    r.status = 200;
    r.body = j.dump();
    return r;
  }
  static aws::HttpOutcome error(long status, const std::string& code, const std::string& msg) {
    aws::HttpResponse r;
    r.status = status;
    r.body = json{{"__type", code}, {"message", msg}}.dump();
    return r;
  }
  aws::HttpOutcome list_jobs(const json& body) {
    const int page = body.value("MaxResults", 100);
    int start = body.contains("NextToken") ? std::stoi(body["NextToken"].get<std::string>()) : 0;
    std::string contains = body.value("NameContains", "");
    json out = {{"TrainingJobSummaries", json::array()}};
    int i = start;
    for (; i < jobs && static_cast<int>(out["TrainingJobSummaries"].size()) < page; ++i) {
      if (name_of(i).find(contains) == std::string::npos) continue;
      out["TrainingJobSummaries"].push_back(
          {{"TrainingJobName", name_of(i)}, {"TrainingJobArn", arn(name_of(i))}});
    }
    if (i < jobs) out["NextToken"] = std::to_string(i);
    return ok(out);
  }
  // Three tags per job, served two per page whatever MaxResults says.
  aws::HttpOutcome list_tags(const json& body) {
    std::string a = body["ResourceArn"];
    std::string name = a.substr(a.rfind('/') + 1);
    if (vanished.count(name)) return error(400, "ValidationException", "Could not find job");
    int start = body.contains("NextToken") ? std::stoi(body["NextToken"].get<std::string>()) : 0;
    json tags = json::array();
    for (int i = start; i < std::min(3, start + 2); ++i) {
      tags.push_back({{"Key", "k" + std::to_string(i)}, {"Value", name}});
    }
    json out = {{"Tags", tags}};
    if (start + 2 < 3) out["NextToken"] = std::to_string(start + 2);
    return ok(out);
  }

  std::mutex mu_;
  int requests_ = 0;
  std::map<std::string, int> ops_;
};

CollectOptions fast_options() {
  CollectOptions o;
  o.kinds = {ResourceKind::training_job};
  o.concurrency = 8;
  o.round_backoff = std::chrono::milliseconds(0);
  return o;
}

// Every job name in exactly one of described / vanished / unreadable.
void expect_each_once(const Inventory& inv, int jobs) {
  std::map<std::string, int> seen;
  for (const auto& d : inv.described) seen[d.id.name] += 1;
  for (const auto& v : inv.vanished) seen[v.name] += 1;
  for (const auto& u : inv.unreadable) seen[u.id.name] += 1;
  EXPECT_EQ(seen.size(), static_cast<size_t>(jobs));
  for (const auto& [name, n] : seen) EXPECT_EQ(n, 1) << name;
  EXPECT_EQ(inv.stats.listed, static_cast<uint64_t>(jobs));
}

TEST(Collector, DescribesAndTagsEveryListedResource) {
  auto fake = std::make_shared<FakeSageMaker>();
  auto c = client_for(fake);
  Inventory inv = collect_inventory({{"us-east-1", c.get()}}, fast_options());
  expect_each_once(inv, fake->jobs);
  ASSERT_EQ(inv.described.size(), 250u);
  EXPECT_TRUE(inv.unreadable.empty());
  EXPECT_TRUE(inv.list_failures.empty());
  EXPECT_EQ(fake->calls("ListTrainingJobs"), 3);  // 100 + 100 + 50
  EXPECT_EQ(fake->calls("DescribeTrainingJob"), 250);
  EXPECT_EQ(fake->calls("ListTags"), 500);  // two pages each
  for (const auto& d : inv.described) {
    EXPECT_EQ(d.id.arn, FakeSageMaker::arn(d.id.name));
    EXPECT_EQ(d.id.region, "us-east-1");
    ASSERT_EQ(d.tags.size(), 3u) << d.id.name;
    EXPECT_EQ(d.tags[2]["Value"], d.id.name);
    EXPECT_EQ(d.described["TrainingJobName"], d.id.name);
  }
  // Sorted by name: stable output.
  EXPECT_TRUE(std::is_sorted(inv.described.begin(), inv.described.end(),
                             [](const auto& a, const auto& b) { return a.id.name < b.id.name; }));
}

TEST(Collector, FaultsLoseNothingAndDuplicateNothing) {
  auto fake = std::make_shared<FakeSageMaker>();
  fake->fault_every = 4;  // a quarter of all requests fail, in every way
  fake->vanished = {"job-7", "job-100"};
  fake->denied = {"job-42"};
  auto limiter = std::make_shared<RateLimiter>(RateLimiterConfig{.max_tps = 1e6});
  auto transport = std::make_shared<RateLimitedTransport>(fake, limiter, aws::RetryMode::adaptive);
  auto c = client_for(transport);
  CollectOptions o = fast_options();
  // The client's retry quota runs dry at this fault rate; our own rounds
  // carry on (each task fails with p = 1/4 per attempt).
  o.extra_rounds = 12;
  Inventory inv = collect_inventory({{"us-east-1", c.get()}}, o);
  expect_each_once(inv, fake->jobs);
  ASSERT_EQ(inv.vanished.size(), 2u);
  EXPECT_EQ(inv.vanished[0].name, "job-100");
  EXPECT_EQ(inv.vanished[1].name, "job-7");
  ASSERT_EQ(inv.unreadable.size(), 1u);
  EXPECT_EQ(inv.unreadable[0].id.name, "job-42");
  EXPECT_NE(inv.unreadable[0].error.find("AccessDeniedException"), std::string::npos);
  EXPECT_EQ(inv.described.size(), 247u);
  for (const auto& d : inv.described) EXPECT_EQ(d.tags.size(), 3u) << d.id.name;
  const auto counters = transport->counters();
  EXPECT_EQ(counters.requests, static_cast<uint64_t>(fake->requests()));
  EXPECT_GT(counters.throttled, 0u);
  EXPECT_GT(counters.server_errors, 0u);
  EXPECT_GT(counters.broken, 0u);
  EXPECT_GT(limiter->cuts(), 0u);
}

TEST(Collector, FilterByGlobUsesNameContains) {
  auto fake = std::make_shared<FakeSageMaker>();
  auto c = client_for(fake);
  CollectOptions o = fast_options();
  o.filter.name_glob = "job-1?";
  Inventory inv = collect_inventory({{"us-east-1", c.get()}}, o);
  ASSERT_EQ(inv.described.size(), 10u);  // job-10 .. job-19
  EXPECT_EQ(inv.described.front().id.name, "job-10");
  EXPECT_EQ(fake->calls("DescribeTrainingJob"), 10);
}

TEST(Collector, FailedListIsReportedNotSilent) {
  auto fake = std::make_shared<FakeSageMaker>();
  fake->jobs = 5;
  fake->deny_models_list = true;
  auto c = client_for(fake);
  CollectOptions o = fast_options();
  o.kinds = {ResourceKind::training_job, ResourceKind::model};
  Inventory inv = collect_inventory({{"us-east-1", c.get()}}, o);
  EXPECT_EQ(inv.described.size(), 5u);
  ASSERT_EQ(inv.list_failures.size(), 1u);
  EXPECT_EQ(inv.list_failures[0].kind, ResourceKind::model);
  EXPECT_NE(inv.list_failures[0].error.find("ListModels"), std::string::npos);
}

TEST(Collector, StatusFilterSkipsKindsWithoutThatStatus) {
  auto fake = std::make_shared<FakeSageMaker>();
  fake->jobs = 3;
  auto c = client_for(fake);
  CollectOptions o = fast_options();
  o.kinds = {ResourceKind::training_job, ResourceKind::model, ResourceKind::endpoint};
  o.filter.status = "Completed";
  Inventory inv = collect_inventory({{"us-east-1", c.get()}}, o);
  EXPECT_EQ(inv.described.size(), 3u);
  EXPECT_EQ(inv.stats.skipped_kinds, (std::vector<std::string>{"model", "endpoint"}));
  EXPECT_EQ(fake->calls("ListModels"), 0);
}

}  // namespace
}  // namespace sageguard::audit
