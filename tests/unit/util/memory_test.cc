// reserve_heap_in_huge_pages: the heap really grows by the amount asked, the
// new part is advised for huge pages (the kernel's VmFlags for the range say
// "hg"), and malloc keeps working; advise_thread_heap_huge_pages advises a
// thread's own heap. Run in child processes: the calls change malloc's
// settings for the whole process.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "util/memory.h"

namespace sageguard {
namespace {

// The VmFlags line of the mapping in /proc/self/smaps that holds `addr`.
std::string vm_flags_at(uintptr_t addr) {
  std::ifstream in("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    uintptr_t lo = 0, hi = 0;
    char dash = 0;
    std::istringstream head(line);
    if (head >> std::hex >> lo >> dash >> hi && dash == '-' && line.find(':') > line.find(' ')) {
      inside = addr >= lo && addr < hi;
      continue;
    }
    if (inside && line.starts_with("VmFlags:")) return line;
  }
  return "";
}

int reserve_and_check() {
  constexpr size_t kAsk = size_t{32} << 20;
  const auto before = reinterpret_cast<uintptr_t>(sbrk(0));
  reserve_heap_in_huge_pages(kAsk);
  const auto after = reinterpret_cast<uintptr_t>(sbrk(0));
  // The heap grew by the pad, less the free top it had (well under 1 MiB).
  constexpr size_t kSlack = size_t{1} << 20;
  if (after + kSlack < before + kAsk) return 1;
  // A 2 MiB-aligned address inside the new part is in an advised range.
  const uintptr_t probe = ((before + (size_t{4} << 20)) & ~((uintptr_t{2} << 20) - 1));
  if (vm_flags_at(probe).find(" hg") == std::string::npos) return 2;
  // Small allocations now come from the reserved part and work as usual.
  std::vector<char*> blocks;
  for (int i = 0; i < 10000; ++i) {
    blocks.push_back(static_cast<char*>(std::malloc(100)));
    std::memset(blocks.back(), i & 0xff, 100);
  }
  for (int i = 0; i < 10000; ++i) {
    if (static_cast<unsigned char>(blocks[i][99]) != (i & 0xff)) return 3;
    std::free(blocks[i]);
  }
  // Freeing does not trim the reserve away.
  if (reinterpret_cast<uintptr_t>(sbrk(0)) + kSlack < before + kAsk) return 4;
  return 0;
}

TEST(ReserveHeap, GrowsTheHeapInAdvisedMemoryAndKeepsIt) {
#if defined(__GLIBC__)
  EXPECT_EXIT(std::_Exit(reserve_and_check()), testing::ExitedWithCode(0), "");
#else
  GTEST_SKIP() << "glibc only";
#endif
}

TEST(ReserveHeap, SmallRequestsChangeNothing) {
  EXPECT_EXIT(
      {
        const void* before = sbrk(0);
        reserve_heap_in_huge_pages(size_t{1} << 20);
        std::_Exit(sbrk(0) == before ? 0 : 1);
      },
      testing::ExitedWithCode(0), "");
}


// A second thread's small allocations come from a heap of its own; after
// advise_thread_heap_huge_pages that heap is advised for huge pages. In a
// child process too: the advice outlives the thread.
int advise_in_thread_and_check() {
  int result = -1;
  std::thread t([&] {
    advise_thread_heap_huge_pages();
    void* p = std::malloc(100);
    const auto at = reinterpret_cast<uintptr_t>(p);
    if (p >= sbrk(0)) {  // a thread arena, as glibc makes for a second thread
      result = vm_flags_at(at).find(" hg") == std::string::npos ? 1 : 0;
    } else {
      result = 2;  // served from the main heap: nothing to advise
    }
    std::free(p);
  });
  t.join();
  return result;
}

TEST(ReserveHeap, ThreadHeapIsAdvised) {
#if defined(__GLIBC__)
  EXPECT_EXIT(std::_Exit(advise_in_thread_and_check()), testing::ExitedWithCode(0), "");
#else
  GTEST_SKIP() << "glibc only";
#endif
}

}  // namespace
}  // namespace sageguard
