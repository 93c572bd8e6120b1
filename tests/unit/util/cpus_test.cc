// usable_cpus counts the affinity mask, not the machine: pinned to one CPU
// (as `taskset -c 0` does), a process is told 1. run_on_threads shares
// work among threads, the caller's included (its thread-refusal path is
// tested in tests/unit/check/, where thread creation can be refused).
#include "util/cpus.h"

#include <gtest/gtest.h>
#include <sched.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace sageguard {
namespace {

TEST(UsableCpus, CountsTheAffinityMask) {
  cpu_set_t all;
  CPU_ZERO(&all);
  ASSERT_EQ(sched_getaffinity(0, sizeof(all), &all), 0);
  EXPECT_EQ(usable_cpus(), static_cast<size_t>(CPU_COUNT(&all)));
  EXPECT_GE(usable_cpus(), 1u);
  // Pinned to one CPU, in a child process so the test's own mask is kept.
  EXPECT_EXIT(
      {
        cpu_set_t one;
        CPU_ZERO(&one);
        for (int c = 0; c < CPU_SETSIZE; ++c) {
          if (CPU_ISSET(c, &all)) {
            CPU_SET(c, &one);
            break;
          }
        }
        if (sched_setaffinity(0, sizeof(one), &one) != 0) std::_Exit(3);
        std::_Exit(usable_cpus() == 1 ? 0 : 1);
      },
      testing::ExitedWithCode(0), "");
}

TEST(RunOnThreads, EveryShareDoneOnceOnUpToThatManyThreadsTheCallerIncluded) {
  for (size_t threads : {1, 2, 5}) {
    std::vector<int> done(1000, 0);
    std::atomic<size_t> next{0};
    std::mutex m;
    std::set<std::thread::id> ran_on;
    run_on_threads(threads, [&] {
      {
        std::lock_guard<std::mutex> lock(m);
        ran_on.insert(std::this_thread::get_id());
      }
      for (size_t i = next++; i < done.size(); i = next++) ++done[i];
    });
    EXPECT_EQ(ran_on.size(), threads);
    EXPECT_EQ(ran_on.count(std::this_thread::get_id()), 1u);
    for (int d : done) ASSERT_EQ(d, 1);
  }
}

}  // namespace
}  // namespace sageguard
