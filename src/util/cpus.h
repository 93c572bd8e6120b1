// How many CPUs this process may run on.
#pragma once

#include <cstddef>

namespace sageguard {

// The CPUs in this process's affinity mask (what `taskset` or a container's
// cpuset allows), at least 1. std::thread::hardware_concurrency() counts
// the machine's CPUs instead: two threads pinned to one core only take
// turns, so work split for parallelism asks this.
size_t usable_cpus();

}  // namespace sageguard
