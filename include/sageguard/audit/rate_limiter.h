// RateLimiter: the client-side request-rate limit of one audit, shared by
// every worker thread. Requests are released on a fixed-interval schedule
// (never a burst), and no window of 1 s + delivery_jitter holds more than
// floor(max_tps) releases. The service counts a request when it arrives,
// which is later than our release by a varying delay; as long as that delay
// varies by less than delivery_jitter, no one-second window *at the service*
// holds more than max_tps requests either. The rate can adapt: cut when the
// service throttles, then recovering slowly (RateLimitedTransport does so in
// the adaptive retry mode only). Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>

namespace sageguard::audit {

struct RateLimiterConfig {
  double max_tps = 20;          // never exceeded
  double min_tps = 0.5;         // floor after repeated throttling
  double decrease_factor = 0.5; // rate *= factor on a throttle
  // Additive recovery, in TPS per second of throttle-free traffic; 0 means
  // max_tps / 30 (about half a minute from the floor back to full speed).
  double recovery_tps_per_second = 0;
  // Throttles that arrive within this time of a cut were already in flight
  // at the old rate: they do not cut again.
  std::chrono::milliseconds decrease_cooldown{1000};
  // How much later than its neighbours a request may reach the service
  // (thread wake-up, network, the server's accept queue) without making the
  // service see more than max_tps in a second. Costs throughput at the
  // limit: max_tps / (1 s + delivery_jitter) requests per second. The audit
  // benchmark's loopback fake, on a loaded two-core machine, showed arrival
  // clumps of up to about 70 ms.
  std::chrono::milliseconds delivery_jitter{100};
};

class RateLimiter {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using Clock = std::function<TimePoint()>;
  using SleepUntil = std::function<void(TimePoint)>;

  // Empty clock / sleep: steady_clock and std::this_thread::sleep_until.
  explicit RateLimiter(RateLimiterConfig config, Clock clock = {}, SleepUntil sleep = {});

  // Reserves the next release slot (never before now) and returns it.
  TimePoint reserve();
  // reserve(), sleeps until the slot, then also waits while floor(max_tps)
  // releases already happened in the last 1 s + delivery_jitter: a thread
  // that woke late must not send in a bunch with the punctual ones.
  void acquire();

  // The service answered a throttling error / a success.
  void on_throttle();
  void on_success();

  double current_tps() const;
  uint64_t cuts() const;  // how many times the rate was cut

 private:
  TimePoint now() const;

  RateLimiterConfig config_;
  Clock clock_;
  SleepUntil sleep_;
  mutable std::mutex mu_;
  double rate_;
  TimePoint next_slot_{};
  TimePoint last_update_{};
  TimePoint last_cut_{};
  bool cut_once_ = false;
  std::chrono::steady_clock::duration window_;  // 1 s + delivery_jitter
  std::deque<TimePoint> released_;  // release times within the last window_
  uint64_t cuts_ = 0;
};

}  // namespace sageguard::audit
