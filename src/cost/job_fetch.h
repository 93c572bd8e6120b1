// Collects the Describe* responses `cost --jobs` and `roi` need from the
// SageMaker API: list, describe and ListTags every training, tuning,
// processing and transform job and every endpoint (with its config). Uses
// the thread-safe JsonClient from up to `concurrency` threads of its own.
// Private to the library (not installed; its interface uses nlohmann::json).
#pragma once

#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "aws/json_client.h"
#include "sageguard/result.h"

namespace sageguard::cost {

struct FetchOptions {
  // Jobs created before this (epoch seconds) are not listed; endpoints are
  // always listed because they bill for as long as they run.
  std::optional<double> created_after;
  std::optional<double> created_before;
  unsigned concurrency = 4;
  bool training = true;     // also tuning jobs, for their tags
  bool processing = true;
  bool transform = true;
  bool endpoints = true;
};

// Descriptions with "Tags" merged in (and "EndpointConfig" on endpoints), in
// a stable order: by kind, then list order. A failed call is an
// Error(aws) naming the operation and resource.
Result<std::vector<nlohmann::json>> fetch_describes(aws::JsonClient& client, const FetchOptions& options);

}  // namespace sageguard::cost
