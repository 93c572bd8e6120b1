// Retry settings, quota bookkeeping and backoff.
#include "sageguard/aws/retry_strategy.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>

#include "sageguard/aws/shared_config.h"
#include "util/strings.h"

namespace sageguard::aws {

namespace {

// 1..999 (the SDKs accept any positive integer; more than 999 attempts is
// not a retry policy).
std::optional<int> parse_attempts(const std::string& v) {
  if (v.empty() || v.size() > 3) return std::nullopt;
  for (char ch : v) {
    if (ch < '0' || ch > '9') return std::nullopt;
  }
  const int n = std::atoi(v.c_str());
  if (n < 1) return std::nullopt;
  return n;
}

}  // namespace

RetryConfig RetryConfig::from_env(const Env& env) {
  RetryConfig c;
  if (auto n = parse_attempts(env.get_or("AWS_MAX_ATTEMPTS"))) c.max_attempts = *n;
  return c;
}

Result<RetryConfig> resolve_retry_config(const Env& env, const std::string& profile) {
  RetryConfig c;
  std::string mode = env.get_or("AWS_RETRY_MODE");
  std::string mode_from = "AWS_RETRY_MODE";
  std::string attempts = env.get_or("AWS_MAX_ATTEMPTS");
  std::string attempts_from = "AWS_MAX_ATTEMPTS";
  if (mode.empty() || attempts.empty()) {
    SG_ASSIGN_OR_RETURN(SharedConfig cfg, load_shared_config(env));
    const std::string name = resolve_profile_name(env, profile);
    const ProfileSettings settings = cfg.profile(name);
    auto setting = [&](const char* key) {
      auto it = settings.find(key);
      return it == settings.end() ? std::string() : it->second;
    };
    if (mode.empty()) {
      mode = setting("retry_mode");
      mode_from = "`retry_mode` in profile '" + name + "'";
    }
    if (attempts.empty()) {
      attempts = setting("max_attempts");
      attempts_from = "`max_attempts` in profile '" + name + "'";
    }
  }
  if (mode == "adaptive") {
    c.mode = RetryMode::adaptive;
  } else if (!mode.empty() && mode != "standard" && mode != "legacy") {
    return Error::make(ErrorCode::usage, "invalid retry mode '" + terminal_safe(mode) + "' (from " +
                                             terminal_safe(mode_from) +
                                             "): expected standard, adaptive or legacy");
  }
  if (!attempts.empty()) {
    auto n = parse_attempts(attempts);
    if (!n) {
      return Error::make(ErrorCode::usage, "invalid max attempts '" + terminal_safe(attempts) +
                                               "' (from " + terminal_safe(attempts_from) +
                                               "): expected a whole number from 1 to 999");
    }
    c.max_attempts = *n;
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
