// Standard retry mode: quota bookkeeping and backoff.
#include "sageguard/aws/retry_strategy.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace sageguard::aws {

RetryConfig RetryConfig::from_env(const Env& env) {
  RetryConfig c;
  std::string v = env.get_or("AWS_MAX_ATTEMPTS");
  if (!v.empty() && v.size() < 4 && std::all_of(v.begin(), v.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
    int n = std::atoi(v.c_str());
    if (n >= 1) c.max_attempts = n;
  }
  return c;
}

bool RetryQuota::acquire(int cost) {
  std::lock_guard<std::mutex> lock(mu_);
  if (available_ < cost) return false;
  available_ -= cost;
  return true;
}

void RetryQuota::release(int amount) {
  std::lock_guard<std::mutex> lock(mu_);
  available_ = std::min(capacity_, available_ + amount);
}

int RetryQuota::available() const {
  std::lock_guard<std::mutex> lock(mu_);
  return available_;
}

std::chrono::milliseconds backoff_delay(int attempt, double random01, double max_backoff_seconds) {
  double cap = std::min(std::pow(2.0, std::max(0, attempt - 1)), max_backoff_seconds);
  double seconds = std::clamp(random01, 0.0, 1.0) * cap;
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000.0));
}

}  // namespace sageguard::aws
