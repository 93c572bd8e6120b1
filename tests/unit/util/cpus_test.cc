// usable_cpus counts the affinity mask, not the machine: pinned to one CPU
// (as `taskset -c 0` does), a process is told 1.
#include "util/cpus.h"

#include <gtest/gtest.h>
#include <sched.h>

#include <cstdlib>
#include <thread>

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

}  // namespace
}  // namespace sageguard
