// collect_inventory against servers that misbehave in ways that used to keep
// an audit running for ever: paginations that cycle (List* and ListTags), an
// endpoint that goes away mid-audit, and throttling, which in the standard
// retry mode must not cut the request rate.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>

#include "audit/collector.h"
#include "test_client.h"
#include "sageguard/audit/rate_limited_transport.h"

namespace sageguard::audit {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

aws::HttpOutcome ok(const json& j) {
  aws::HttpResponse r;
  r.status = 200;
  r.body = j.dump();
  return r;
}

std::string arn(const std::string& name) {
  return "arn:aws:sagemaker:us-east-1:123456789012:training-job/" + name;
}

// Training jobs job-0 .. job-(jobs-1), 10 per page; one tag each.
class Service : public aws::HttpTransport {
 public:
  int jobs = 40;
  bool cycle_list = false;    // ListTrainingJobs pages: "", A, B, A, B, ...
  bool cycle_tags = false;    // ListTags of job-3: A, B, A, ...
  int die_after = -1;         // from this request on: connection refused
  int throttle_every = 0;     // every Nth request: ThrottlingException

  aws::HttpOutcome send(const aws::HttpRequest& req) override {
    const int n = ++requests;
    if (die_after >= 0 && n > die_after) {
      return aws::TransportError{aws::TransportErrorKind::connection, "Couldn't connect to server", false};
    }
    if (throttle_every > 0 && n % throttle_every == 0) {
      aws::HttpResponse r;
      r.status = 400;
      r.body = R"({"__type":"ThrottlingException","message":"Rate exceeded"})";
      return r;
    }
    std::string op = req.header("X-Amz-Target").value_or("");
    op = op.substr(op.find('.') + 1);
    const json body = json::parse(req.body);
    const std::string token = body.value("NextToken", "");
    if (op == "ListTrainingJobs") {
      int start = 0;
      if (cycle_list) {
        start = token.empty() ? 0 : token == "A" ? 10 : 20;
      } else if (!token.empty()) {
        start = std::stoi(token);
      }
      json out = {{"TrainingJobSummaries", json::array()}};
      for (int i = start; i < std::min(jobs, start + 10); ++i) {
        const std::string name = "job-" + std::to_string(i);
        out["TrainingJobSummaries"].push_back({{"TrainingJobName", name}, {"TrainingJobArn", arn(name)}});
      }
      if (cycle_list) {
        out["NextToken"] = token == "A" ? "B" : "A";
      } else if (start + 10 < jobs) {
        out["NextToken"] = std::to_string(start + 10);
      }
      return ok(out);
    }
    if (op == "DescribeTrainingJob") {
      const std::string name = body["TrainingJobName"];
      return ok({{"TrainingJobName", name}, {"TrainingJobArn", arn(name)}});
    }
    if (op == "ListTags") {
      const std::string a = body["ResourceArn"];
      json out = {{"Tags", json::array({{{"Key", "Project"}, {"Value", "x"}}})}};
      if (cycle_tags && a == arn("job-3")) out["NextToken"] = token == "A" ? "B" : "A";
      return ok(out);
    }
    return ok(json::object());
  }
  std::atomic<int> requests{0};
};

CollectOptions options() {
  CollectOptions o;
  o.kinds = {ResourceKind::training_job};
  o.concurrency = 4;
  o.round_backoff = 0ms;
  return o;
}

TEST(CollectorFaults, CyclingNextTokenEndsTheListingWithAnError) {
  auto service = std::make_shared<Service>();
  service->cycle_list = true;
  auto c = client_for(service);
  Inventory inv = collect_inventory({{"us-east-1", c.get()}}, options());
  ASSERT_EQ(inv.list_failures.size(), 1u);
  EXPECT_NE(inv.list_failures[0].error.find("ListTrainingJobs"), std::string::npos)
      << inv.list_failures[0].error;
  EXPECT_NE(inv.list_failures[0].error.find("cycles"), std::string::npos);
  // Pages "", A and B were read (30 jobs, each once); the second A was refused.
  EXPECT_EQ(inv.described.size(), 30u);
  EXPECT_LT(service->requests.load(), 200);
}

TEST(CollectorFaults, CyclingListTagsMakesThatResourceUnreadable) {
  auto service = std::make_shared<Service>();
  service->cycle_tags = true;
  auto c = client_for(service);
  Inventory inv = collect_inventory({{"us-east-1", c.get()}}, options());
  ASSERT_EQ(inv.unreadable.size(), 1u);
  EXPECT_EQ(inv.unreadable[0].id.name, "job-3");
  EXPECT_NE(inv.unreadable[0].error.find("ListTags"), std::string::npos) << inv.unreadable[0].error;
  EXPECT_EQ(inv.described.size(), 39u);
}

TEST(CollectorFaults, AnEndpointThatGoesAwayEndsTheAuditWithEverythingAccountedFor) {
  auto service = std::make_shared<Service>();
  service->jobs = 2000;
  service->die_after = 300;  // some pages and describes first, then nothing
  auto c = client_for(service);
  CollectOptions o = options();
  o.concurrency = 16;
  // The rounds (1 + 2 + 3 + 4 s) a dead endpoint must not be waited through.
  o.round_backoff = 1000ms;
  const auto start = std::chrono::steady_clock::now();
  Inventory inv = collect_inventory({{"us-east-1", c.get()}}, o);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, 5s);
  EXPECT_GT(inv.described.size(), 0u);
  EXPECT_FALSE(inv.unreadable.empty());
  EXPECT_EQ(inv.list_failures.size(), 1u);  // the listing had not finished
  EXPECT_EQ(inv.described.size() + inv.unreadable.size(), inv.stats.listed);
  bool named = false;
  for (const auto& u : inv.unreadable) {
    named = named || u.error.find("stopped answering") != std::string::npos;
  }
  EXPECT_TRUE(named);
  // Once the quota was spent, the region was given up: no call per round of
  // every unread resource.
  EXPECT_LT(service->requests.load() - 300, 600);
}

TEST(CollectorFaults, FlakyButAliveEndpointIsNotGivenUp) {
  // One call in five refused: the quota runs dry, yet answers keep coming,
  // so every resource is still read (our own rounds retry the rest).
  class Flaky : public Service {
   public:
    aws::HttpOutcome send(const aws::HttpRequest& req) override {
      if (++n_ % 5 == 0) {
        return aws::TransportError{aws::TransportErrorKind::connection, "reset", true};
      }
      return Service::send(req);
    }

   private:
    std::atomic<int> n_{0};
  };
  auto service = std::make_shared<Flaky>();
  service->jobs = 300;
  auto c = client_for(service);
  CollectOptions o = options();
  o.extra_rounds = 12;
  Inventory inv = collect_inventory({{"us-east-1", c.get()}}, o);
  EXPECT_EQ(inv.described.size(), 300u);
  EXPECT_TRUE(inv.unreadable.empty());
  EXPECT_TRUE(inv.list_failures.empty());
}

TEST(CollectorFaults, StandardModeRetriesThrottlesWithoutCuttingTheRate) {
  for (aws::RetryMode mode : {aws::RetryMode::standard, aws::RetryMode::adaptive}) {
    auto service = std::make_shared<Service>();
    service->jobs = 200;
    service->throttle_every = 10;
    auto limiter = std::make_shared<RateLimiter>(RateLimiterConfig{.max_tps = 1e6});
    auto transport = std::make_shared<RateLimitedTransport>(service, limiter, mode);
    auto c = client_for(transport);
    Inventory inv = collect_inventory({{"us-east-1", c.get()}}, options());
    EXPECT_EQ(inv.described.size(), 200u);
    EXPECT_GT(transport->counters().throttled, 0u);
    if (mode == aws::RetryMode::standard) {
      EXPECT_EQ(limiter->cuts(), 0u);
      EXPECT_EQ(limiter->current_tps(), 1e6);
    } else {
      EXPECT_GT(limiter->cuts(), 0u);
    }
  }
}

}  // namespace
}  // namespace sageguard::audit
