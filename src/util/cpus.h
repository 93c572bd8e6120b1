// How many CPUs this process may run on, and sharing work among threads
// on them.
#pragma once

#include <cstddef>
#include <functional>

namespace sageguard {

// The CPUs in this process's affinity mask (what `taskset` or a container's
// cpuset allows), at least 1. std::thread::hardware_concurrency() counts
// the machine's CPUs instead: two threads pinned to one core only take
// turns, so work split for parallelism asks this.
size_t usable_cpus();

// Runs `work` on up to `threads` threads, the caller's included (it runs
// there last, after starting the others), and returns when all are done.
// `work` must take its shares itself (an atomic counter) until none is
// left, so that when a thread cannot be created (a process or memory
// limit) the threads there are do everything; no more are asked for after
// the first refusal.
void run_on_threads(size_t threads, const std::function<void()>& work);

}  // namespace sageguard
