// pthread_create interposed for this test binary (see thread_refusal.h):
// the executable's definition comes before libc's, so std::thread reaches
// it; unless a RefuseThreads is alive it hands over to the real one.
#include "thread_refusal.h"

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <cerrno>
#include <system_error>
#include <thread>

namespace {

std::atomic<bool> armed{false};
std::atomic<size_t> allowed{0};
std::atomic<size_t> refusals{0};

}  // namespace

extern "C" int pthread_create(pthread_t* thread, const pthread_attr_t* attr,
                              void* (*start)(void*), void* arg) {
  using Real = int (*)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);
  static const auto real = reinterpret_cast<Real>(dlsym(RTLD_NEXT, "pthread_create"));
  if (armed.load()) {
    size_t left = allowed.load();
    // Take one of the allowed creations, or refuse when none is left.
    while (left > 0 && !allowed.compare_exchange_weak(left, left - 1)) {
    }
    if (left == 0) {
      refusals.fetch_add(1);
      return EAGAIN;
    }
  }
  return real(thread, attr, start, arg);
}

namespace sgtest {

RefuseThreads::RefuseThreads(size_t n) {
  allowed.store(n);
  refusals.store(0);
  armed.store(true);
}

RefuseThreads::~RefuseThreads() { armed.store(false); }

size_t RefuseThreads::refused() const { return refusals.load(); }

}  // namespace sgtest

namespace {

// The interposer itself: without it the tests that use it would pass for
// the wrong reason.
TEST(RefuseThreads, RefusesAfterTheAllowedAndOnlyWhileAlive) {
  auto start = [] { std::thread([] {}).join(); };
  {
    sgtest::RefuseThreads refuse(1);
    EXPECT_NO_THROW(start());
    EXPECT_THROW(start(), std::system_error);
    EXPECT_EQ(refuse.refused(), 1u);
  }
  EXPECT_NO_THROW(start());
}

}  // namespace
