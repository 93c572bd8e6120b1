#include "sageguard/audit/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <thread>

namespace sageguard::audit {

namespace {
using Seconds = std::chrono::duration<double>;
}

RateLimiter::RateLimiter(RateLimiterConfig config, Clock clock, SleepUntil sleep)
    : config_(config), clock_(std::move(clock)), sleep_(std::move(sleep)) {
  if (config_.max_tps <= 0) config_.max_tps = 1;
  config_.min_tps = std::clamp(config_.min_tps, 0.01, config_.max_tps);
  if (config_.recovery_tps_per_second <= 0) config_.recovery_tps_per_second = config_.max_tps / 30;
  if (config_.delivery_jitter.count() < 0) config_.delivery_jitter = {};
  window_ = std::chrono::seconds(1) + config_.delivery_jitter;
  rate_ = config_.max_tps;
  last_update_ = now();
}

RateLimiter::TimePoint RateLimiter::now() const {
  return clock_ ? clock_() : std::chrono::steady_clock::now();
}

RateLimiter::TimePoint RateLimiter::reserve() {
  const TimePoint t = now();
  std::lock_guard<std::mutex> lock(mu_);
  // An idle limiter does not bank unused slots: that would allow a burst.
  const TimePoint slot = std::max(t, next_slot_);
  // rate_ slots per window_, so a window_ never holds more than max_tps.
  next_slot_ = slot + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                          Seconds(Seconds(window_).count() / rate_));
  return slot;
}

void RateLimiter::acquire() {
  auto sleep_until = [this](TimePoint t) {
    if (sleep_) {
      sleep_(t);
    } else {
      std::this_thread::sleep_until(t);
    }
  };
  sleep_until(reserve());
  const size_t cap = static_cast<size_t>(std::max(1.0, std::floor(config_.max_tps)));
  for (;;) {
    TimePoint wait_until{};
    {
      const TimePoint t = now();
      std::lock_guard<std::mutex> lock(mu_);
      while (!released_.empty() && t - released_.front() >= window_) released_.pop_front();
      if (released_.size() < cap) {
        released_.push_back(t);
        return;
      }
      wait_until = released_.front() + window_;
    }
    sleep_until(wait_until);
  }
}

void RateLimiter::on_throttle() {
  const TimePoint t = now();
  std::lock_guard<std::mutex> lock(mu_);
  last_update_ = t;
  if (cut_once_ && t - last_cut_ < config_.decrease_cooldown) return;
  rate_ = std::max(config_.min_tps, rate_ * config_.decrease_factor);
  last_cut_ = t;
  cut_once_ = true;
  ++cuts_;
}

void RateLimiter::on_success() {
  const TimePoint t = now();
  std::lock_guard<std::mutex> lock(mu_);
  if (rate_ >= config_.max_tps) {
    last_update_ = t;
    return;
  }
  const double elapsed = std::max(0.0, Seconds(t - last_update_).count());
  rate_ = std::min(config_.max_tps, rate_ + config_.recovery_tps_per_second * elapsed);
  last_update_ = t;
}

double RateLimiter::current_tps() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rate_;
}

uint64_t RateLimiter::cuts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cuts_;
}

}  // namespace sageguard::audit
