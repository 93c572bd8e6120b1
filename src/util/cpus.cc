#include "util/cpus.h"

#include <sched.h>

#include <algorithm>
#include <system_error>
#include <thread>
#include <vector>

namespace sageguard {

size_t usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return static_cast<size_t>(n);
  }
  return std::max<size_t>(1, std::thread::hardware_concurrency());
}

void run_on_threads(size_t threads, const std::function<void()>& work) {
  std::vector<std::thread> started;
  try {
    for (size_t t = 1; t < threads; ++t) started.emplace_back(work);
  } catch (const std::system_error&) {
    // No more threads to be had: the ones started, and this one, share it all.
  }
  work();
  for (auto& t : started) t.join();
}

}  // namespace sageguard
