// Micro-benchmark of one value against an API-model pattern: RE2's anchored
// match (what every non-trivial pattern cost before AsciiDfa) against
// Pattern::full_match (AsciiDfa or byte table, RE2 only for non-ASCII), on
// values shaped like the check benchmark's (bench/check/gen_bundle.py).
// Reports per-value time; BENCHMARKS.md quotes it.
#include <benchmark/benchmark.h>
#include <re2/re2.h>

#include <string>
#include <vector>

#include "model/api_model_graph.h"

namespace {

struct Case {
  const char* name;
  const char* pattern;
  std::vector<std::string> values;
};

// 1,000 values per pattern, varied by index like the generated bundle.
std::vector<Case> cases() {
  const char* teams[] = {"ads", "search", "vision", "risk"};
  const char* models[] = {"ocr", "ctr", "churn", "fraud-detector"};
  Case name{"TrainingJobName", "[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}", {}};
  Case role{"RoleArn", "arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+", {}};
  Case uri{"S3Uri", "(https|s3)://([^/]+)/?(.*)", {}};
  for (int i = 0; i < 1000; ++i) {
    const std::string team = teams[i % 4];
    const std::string model = models[(i / 4) % 4];
    const std::string n = std::to_string(100000 + i);
    name.values.push_back(team + "-" + model + "-" + n + "-c" + std::to_string(i % 97));
    role.values.push_back("arn:aws:iam::111122223333:role/service-role/SageMaker-" + team +
                          "-ExecutionRole");
    uri.values.push_back("s3://ml-data-" + team + "/" + model + "/train/v" + std::to_string(i % 40) +
                         "/");
  }
  return {name, role, uri};
}

const std::vector<Case>& all_cases() {
  static const std::vector<Case> c = cases();
  return c;
}

void BM_Re2(benchmark::State& state) {
  const Case& c = all_cases()[static_cast<size_t>(state.range(0))];
  RE2::Options opts;
  opts.set_log_errors(false);
  const RE2 re(c.pattern, opts);
  size_t matched = 0;
  for (auto _ : state) {
    for (const auto& v : c.values) matched += re.Match(v, 0, v.size(), RE2::ANCHOR_BOTH, nullptr, 0);
  }
  benchmark::DoNotOptimize(matched);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * c.values.size()));
  state.SetLabel(c.name);
}

void BM_Pattern(benchmark::State& state) {
  const Case& c = all_cases()[static_cast<size_t>(state.range(0))];
  const sageguard::api_model::Pattern p(c.pattern, c.pattern);
  size_t matched = 0;
  for (auto _ : state) {
    for (const auto& v : c.values) matched += p.full_match(v);
  }
  benchmark::DoNotOptimize(matched);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * c.values.size()));
  state.SetLabel(c.name);
}

BENCHMARK(BM_Re2)->DenseRange(0, 2);
BENCHMARK(BM_Pattern)->DenseRange(0, 2);

}  // namespace
