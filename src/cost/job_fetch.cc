// List -> Describe -> ListTags for each billed kind, describes in parallel.
#include "cost/job_fetch.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <unordered_set>

namespace sageguard::cost {
namespace {

using nlohmann::json;

struct Kind {
  const char* list_op;
  const char* list_key;
  const char* name_key;
  const char* describe_op;
  const char* arn_key;
  bool dated;  // ListX accepts CreationTimeAfter/Before
};

constexpr Kind kTraining{"ListTrainingJobs", "TrainingJobSummaries", "TrainingJobName", "DescribeTrainingJob",
                         "TrainingJobArn", true};
constexpr Kind kTuning{"ListHyperParameterTuningJobs", "HyperParameterTuningJobSummaries",
                       "HyperParameterTuningJobName", "DescribeHyperParameterTuningJob",
                       "HyperParameterTuningJobArn", true};
constexpr Kind kProcessing{"ListProcessingJobs", "ProcessingJobSummaries", "ProcessingJobName",
                           "DescribeProcessingJob", "ProcessingJobArn", true};
constexpr Kind kTransform{"ListTransformJobs", "TransformJobSummaries", "TransformJobName", "DescribeTransformJob",
                          "TransformJobArn", true};
constexpr Kind kEndpoint{"ListEndpoints", "Endpoints", "EndpointName", "DescribeEndpoint", "EndpointArn", false};

struct Task {
  const Kind* kind;
  std::string name;
};

Result<json> describe(aws::JsonClient& c, const Task& t) {
  json req = {{t.kind->name_key, t.name}};
  auto d = c.call(t.kind->describe_op, req);
  if (!d.ok()) return std::move(d).error();
  json out = std::move(*d);
  std::string arn = out.value(t.kind->arn_key, std::string());
  if (!arn.empty()) {
    auto tags = c.list_all("ListTags", {{"ResourceArn", arn}}, "Tags");
    if (!tags.ok()) return std::move(tags).error();
    out["Tags"] = std::move(*tags);
  }
  if (t.kind == &kEndpoint && out.contains("EndpointConfigName")) {
    auto cfg = c.call("DescribeEndpointConfig", {{"EndpointConfigName", out["EndpointConfigName"]}});
    // A deleted config leaves the endpoint unpriced, not the run failed.
    if (cfg.ok()) out["EndpointConfig"] = std::move(*cfg);
  }
  return out;
}

}  // namespace

Result<std::vector<json>> fetch_describes(aws::JsonClient& client, const FetchOptions& o) {
  std::vector<const Kind*> kinds;
  if (o.training) {
    kinds.push_back(&kTuning);  // first: its tags are needed when its training jobs are read
    kinds.push_back(&kTraining);
  }
  if (o.processing) kinds.push_back(&kProcessing);
  if (o.transform) kinds.push_back(&kTransform);
  if (o.endpoints) kinds.push_back(&kEndpoint);

  std::vector<Task> tasks;
  for (const Kind* k : kinds) {
    json req = json::object();
    req["MaxResults"] = 100;
    if (k->dated && o.created_after) req["CreationTimeAfter"] = *o.created_after;
    if (k->dated && o.created_before) req["CreationTimeBefore"] = *o.created_before;
    auto list = client.list_all(k->list_op, req, k->list_key);
    if (!list.ok()) return std::move(list).error();
    std::unordered_set<std::string> seen;
    for (const auto& s : *list) {
      std::string n = s.value(k->name_key, std::string());
      if (!n.empty() && seen.insert(n).second) tasks.push_back(Task{k, n});
    }
  }

  std::vector<std::optional<json>> results(tasks.size());
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  std::optional<Error> first_error;
  auto work = [&] {
    for (;;) {
      if (failed.load()) return;
      std::size_t i = next.fetch_add(1);
      if (i >= tasks.size()) return;
      auto d = describe(client, tasks[i]);
      if (!d.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (!first_error) {
          Error e = d.error();
          e.message = tasks[i].kind->describe_op + std::string(" ") + tasks[i].name + ": " + e.message;
          first_error = std::move(e);
        }
        failed.store(true);
        return;
      }
      results[i] = std::move(*d);
    }
  };
  unsigned n = std::max(1u, std::min<unsigned>(o.concurrency, static_cast<unsigned>(tasks.size())));
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < n; ++i) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  if (first_error) return *first_error;
  std::vector<json> out;
  out.reserve(results.size());
  for (auto& r : results) out.push_back(std::move(*r));
  return out;
}

}  // namespace sageguard::cost
