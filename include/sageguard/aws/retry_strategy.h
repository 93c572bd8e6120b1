// The AWS SDK retry modes: "standard" (attempt budget, jittered exponential
// backoff, the client-wide retry quota) and whether "adaptive" (standard plus
// a client-side rate that falls on throttling) was asked for. RetryQuota is
// thread-safe and meant to be shared by every call of one client.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>

#include <string>

#include "sageguard/aws/env.h"
#include "sageguard/result.h"

namespace sageguard::aws {

// As the SDKs name them in AWS_RETRY_MODE / `retry_mode`. Standard is the
// default: throttles are retried with backoff, and the request rate is never
// cut on the client's side (one throttle in ten must not slow a whole run).
enum class RetryMode { standard, adaptive };

// The quota and backoff values are botocore's standard mode
// (botocore/retries/standard.py, quota.py): capacity 500, 5 per retry, 10 per
// retry after a timeout, 1 back per first-attempt success, the retry's cost
// back when a retried call succeeds, backoff rand * min(2^(attempt-1), 20) s.
struct RetryConfig {
  RetryMode mode = RetryMode::standard;
  int max_attempts = 3;          // AWS_MAX_ATTEMPTS
  int quota_capacity = 500;
  int retry_cost = 5;
  int timeout_retry_cost = 10;
  int success_refund = 1;
  double max_backoff_seconds = 20;
  // Defaults with AWS_MAX_ATTEMPTS applied when it is a positive integer.
  static RetryConfig from_env(const Env& env);
};

// The retry settings the SDKs would use: AWS_RETRY_MODE, else the profile's
// `retry_mode`; AWS_MAX_ATTEMPTS, else the profile's `max_attempts`; else
// the defaults. "legacy" is read as standard. An unknown mode or a
// max_attempts that is not a positive integer is ErrorCode::usage.
// `profile`: --profile, empty = AWS_PROFILE or "default".
Result<RetryConfig> resolve_retry_config(const Env& env, const std::string& profile);

class RetryQuota {
 public:
  explicit RetryQuota(int capacity = 500) : capacity_(capacity), available_(capacity) {}
  // Takes `cost` tokens; false (taking nothing) when there are not enough.
  bool acquire(int cost);
  // Gives back up to `amount` tokens, never above capacity.
  void release(int amount);
  int available() const;

 private:
  int capacity_;
  mutable std::mutex mu_;
  int available_;
};

// Delay before the next attempt after attempt number `attempt` (1-based)
// failed: random01 * min(2^(attempt-1), max_backoff) seconds.
std::chrono::milliseconds backoff_delay(int attempt, double random01, double max_backoff_seconds = 20);

using Sleeper = std::function<void(std::chrono::milliseconds)>;
using RandomSource = std::function<double()>;  // uniform in [0, 1)

}  // namespace sageguard::aws
