// Makes thread creation fail on demand in this test binary, to reach the
// paths a real process takes when it hits a thread or memory limit (root,
// which runs the tests, ignores RLIMIT_NPROC, so a limit cannot be set).
#pragma once

#include <cstddef>

namespace sgtest {

// While one of these lives, the first `allowed` threads created start as
// usual and every later one fails as pthread_create does at a limit
// (EAGAIN, which std::thread turns into std::system_error).
class RefuseThreads {
 public:
  explicit RefuseThreads(size_t allowed);
  ~RefuseThreads();
  RefuseThreads(const RefuseThreads&) = delete;
  RefuseThreads& operator=(const RefuseThreads&) = delete;
  // How many creations were refused so far.
  size_t refused() const;
};

}  // namespace sgtest
