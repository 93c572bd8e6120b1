// The AWS SDK "standard" retry mode: attempt budget, jittered exponential
// backoff and the client-wide retry quota (token bucket). RetryQuota is
// thread-safe and meant to be shared by every call of one client.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>

#include "sageguard/aws/env.h"

namespace sageguard::aws {

struct RetryConfig {
  int max_attempts = 3;          // AWS_MAX_ATTEMPTS
  int quota_capacity = 500;
  int retry_cost = 5;
  int timeout_retry_cost = 10;
  int success_refund = 1;
  double max_backoff_seconds = 20;
  // Defaults with AWS_MAX_ATTEMPTS applied when it is a positive integer.
  static RetryConfig from_env(const Env& env);
};

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
