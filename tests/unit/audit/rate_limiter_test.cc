// RateLimiter on a fake clock: the schedule itself is checked, never the
// wall clock.
#include "sageguard/audit/rate_limiter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

namespace sageguard::audit {
namespace {

using namespace std::chrono_literals;
using TP = RateLimiter::TimePoint;

struct FakeClock {
  TP now = TP{} + 1000s;
};

// Most slots in any window [t, t + 1 s).
size_t max_per_second(const std::vector<TP>& slots) {
  size_t best = 0;
  for (size_t i = 0; i < slots.size(); ++i) {
    auto end = std::lower_bound(slots.begin(), slots.end(), slots[i] + 1s);
    best = std::max<size_t>(best, static_cast<size_t>(end - (slots.begin() + i)));
  }
  return best;
}

// Most slots in any window [t, t + w).
size_t max_per_window(const std::vector<TP>& slots, std::chrono::milliseconds w) {
  size_t best = 0;
  for (size_t i = 0; i < slots.size(); ++i) {
    auto end = std::lower_bound(slots.begin(), slots.end(), slots[i] + w);
    best = std::max<size_t>(best, static_cast<size_t>(end - (slots.begin() + i)));
  }
  return best;
}

TEST(RateLimiter, NeverMoreThanMaxInAnySecond) {
  FakeClock c;
  RateLimiter rl({.max_tps = 20, .delivery_jitter = 0ms}, [&] { return c.now; });
  std::vector<TP> slots;
  for (int i = 0; i < 200; ++i) slots.push_back(rl.reserve());
  EXPECT_TRUE(std::is_sorted(slots.begin(), slots.end()));
  EXPECT_EQ(max_per_second(slots), 20u);
  // 200 requests at 20/s take 10 s of schedule.
  EXPECT_GE(slots.back() - slots.front(), 9900ms);
}

TEST(RateLimiter, JitterMarginWidensTheWindow) {
  FakeClock c;
  RateLimiter rl({.max_tps = 20}, [&] { return c.now; });  // default margin: 100 ms
  std::vector<TP> slots;
  for (int i = 0; i < 200; ++i) slots.push_back(rl.reserve());
  EXPECT_EQ(max_per_window(slots, 1100ms), 20u);
  EXPECT_LE(max_per_second(slots), 19u);
  // 200 requests, 20 per 1.1 s.
  EXPECT_GE(slots.back() - slots.front(), 10900ms);
}

// What the service counts: each release arrives after its own delay in
// [0, delivery_jitter]. Whatever the delays, no one-second window at the
// service holds more than max_tps.
TEST(RateLimiter, ServiceNeverSeesMoreThanMaxWithinTheJitter) {
  FakeClock c;
  RateLimiter rl({.max_tps = 50, .delivery_jitter = 100ms}, [&] { return c.now; });
  std::vector<TP> slots;
  for (int i = 0; i < 600; ++i) slots.push_back(rl.reserve());
  // Three delay patterns: pseudo-random; the worst case (the last tenth of
  // the first second delayed by the full margin, so it piles onto the
  // next); alternating none and full.
  uint64_t lcg = 12345;
  auto random_delay = [&](size_t) {
    lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
    return std::chrono::microseconds(static_cast<int64_t>((lcg >> 33) % 100001));
  };
  auto piling = [&](size_t i) {
    const auto since = slots[i] - slots[0];
    return since >= 900ms && since < 1s ? std::chrono::microseconds(100000)
                                        : std::chrono::microseconds(0);
  };
  auto alternating = [&](size_t i) {
    return std::chrono::microseconds(i % 2 ? 100000 : 0);
  };
  for (const auto& delay : std::vector<std::function<std::chrono::microseconds(size_t)>>{
           random_delay, piling, alternating}) {
    std::vector<TP> arrivals;
    for (size_t i = 0; i < slots.size(); ++i) arrivals.push_back(slots[i] + delay(i));
    std::sort(arrivals.begin(), arrivals.end());
    EXPECT_LE(max_per_second(arrivals), 50u);
  }
  // Without the margin the piling pattern would break the limit.
  FakeClock c2;
  RateLimiter plain({.max_tps = 50, .delivery_jitter = 0ms}, [&] { return c2.now; });
  std::vector<TP> plain_slots, arrivals;
  for (int i = 0; i < 600; ++i) plain_slots.push_back(plain.reserve());
  for (size_t i = 0; i < plain_slots.size(); ++i) {
    const auto since = plain_slots[i] - plain_slots[0];
    arrivals.push_back(plain_slots[i] + (since >= 900ms && since < 1s ? 100ms : 0ms));
  }
  std::sort(arrivals.begin(), arrivals.end());
  EXPECT_GT(max_per_second(arrivals), 50u);
}

TEST(RateLimiter, IdleTimeIsNotBankedAsBurst) {
  FakeClock c;
  RateLimiter rl({.max_tps = 10}, [&] { return c.now; });
  rl.reserve();
  c.now += 60s;  // a long pause
  std::vector<TP> slots;
  for (int i = 0; i < 30; ++i) slots.push_back(rl.reserve());
  EXPECT_EQ(slots.front(), c.now);
  EXPECT_EQ(max_per_second(slots), 10u);
}

TEST(RateLimiter, ThrottleCutsRateOncePerCooldown) {
  FakeClock c;
  RateLimiter rl({.max_tps = 40, .min_tps = 1, .decrease_factor = 0.5}, [&] { return c.now; });
  rl.on_throttle();
  EXPECT_DOUBLE_EQ(rl.current_tps(), 20);
  rl.on_throttle();  // already in flight at the old rate: no second cut
  EXPECT_DOUBLE_EQ(rl.current_tps(), 20);
  c.now += 1500ms;
  rl.on_throttle();
  EXPECT_DOUBLE_EQ(rl.current_tps(), 10);
  EXPECT_EQ(rl.cuts(), 2u);
  for (int i = 0; i < 20; ++i) {
    c.now += 2s;
    rl.on_throttle();
  }
  EXPECT_DOUBLE_EQ(rl.current_tps(), 1);  // the floor
}

TEST(RateLimiter, RecoversSlowlyAndNeverAboveMax) {
  FakeClock c;
  RateLimiter rl({.max_tps = 30, .recovery_tps_per_second = 1}, [&] { return c.now; });
  rl.on_throttle();
  EXPECT_DOUBLE_EQ(rl.current_tps(), 15);
  c.now += 5s;
  rl.on_success();
  EXPECT_NEAR(rl.current_tps(), 20, 1e-9);
  c.now += 100s;
  rl.on_success();
  EXPECT_DOUBLE_EQ(rl.current_tps(), 30);
}

TEST(RateLimiter, SlowerScheduleAfterThrottle) {
  FakeClock c;
  RateLimiter rl({.max_tps = 10}, [&] { return c.now; });
  rl.on_throttle();
  std::vector<TP> slots;
  for (int i = 0; i < 50; ++i) slots.push_back(rl.reserve());
  EXPECT_LE(max_per_second(slots), 5u);
}

TEST(RateLimiter, AcquireSleepsUntilItsSlot) {
  FakeClock c;
  std::vector<TP> slept;
  RateLimiter rl({.max_tps = 4, .delivery_jitter = 0ms}, [&] { return c.now; },
                 [&](TP t) { slept.push_back(t); });
  for (int i = 0; i < 3; ++i) rl.acquire();
  ASSERT_EQ(slept.size(), 3u);
  EXPECT_EQ(slept[1] - slept[0], 250ms);
  EXPECT_EQ(slept[2] - slept[1], 250ms);
}

}  // namespace
}  // namespace sageguard::audit
