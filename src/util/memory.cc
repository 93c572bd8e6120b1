#include "util/memory.h"

#include <sys/mman.h>
#include <unistd.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <algorithm>
#include <cstdint>
#include <cstdlib>

namespace sageguard {

namespace {
constexpr uintptr_t kHuge = 2 * 1024 * 1024;
}  // namespace

void advise_huge_pages(void* p, size_t n) {
#ifdef MADV_HUGEPAGE
  if (n < 4 * kHuge) return;
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(p) + n) & ~(kHuge - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)p;
  (void)n;
#endif
}

void* map_huge_pages(size_t n, size_t& mapped) {
  // Over-allocate by one huge page so the start can be moved to a 2 MiB
  // boundary; the unused head and tail are returned at once.
  const size_t span = (n + kHuge - 1) / kHuge * kHuge;
  void* raw = ::mmap(nullptr, span + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                     -1, 0);
  if (raw == MAP_FAILED) return nullptr;
  const auto start = reinterpret_cast<uintptr_t>(raw);
  const uintptr_t aligned = (start + kHuge - 1) & ~(kHuge - 1);
  if (aligned > start) ::munmap(raw, aligned - start);
  const size_t tail = start + span + kHuge - (aligned + span);
  if (tail > 0) ::munmap(reinterpret_cast<void*>(aligned + span), tail);
#ifdef MADV_HUGEPAGE
  ::madvise(reinterpret_cast<void*>(aligned), span, MADV_HUGEPAGE);
#endif
  mapped = span;
  return reinterpret_cast<void*>(aligned);
}

void reserve_heap_in_huge_pages(size_t n) {
#if defined(__GLIBC__) && defined(MADV_HUGEPAGE)
  if (n < 4 * kHuge) return;
  // Every later growth of the heap, and every trim, keeps n bytes spare.
  mallopt(M_TOP_PAD, static_cast<int>(std::min<size_t>(n, size_t{1} << 30)));
  // One allocation larger than all the free memory malloc holds cannot be
  // served from it, so malloc grows the heap now, by about that much plus
  // the pad. It must come from the heap, not from a mapping of its own,
  // hence the mmap threshold above it meanwhile (32 MiB is glibc's largest;
  // a process with more free memory than that needs no reserve); 128 KiB is
  // glibc's default.
  const size_t free_bytes = mallinfo2().fordblks;
  constexpr size_t kMaxThreshold = size_t{32} << 20;
  if (free_bytes + 4096 >= kMaxThreshold) return;
  mallopt(M_MMAP_THRESHOLD, static_cast<int>(kMaxThreshold));
  auto* before = static_cast<char*>(sbrk(0));
  void* probe = malloc(free_bytes + 4096);
  // Keep the compiler from dropping the malloc/free pair as unused.
  asm volatile("" : : "r"(probe) : "memory");
  auto* after = static_cast<char*>(sbrk(0));
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(before) + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t end = reinterpret_cast<uintptr_t>(after) & ~(kHuge - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
  free(probe);
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#else
  (void)n;
#endif
}

void advise_thread_heap_huge_pages() {
#if defined(__GLIBC__) && defined(MADV_HUGEPAGE)
  // glibc serves a second thread from an arena of its own, whose heaps are
  // mappings of HEAP_MAX_SIZE (64 MiB on 64-bit: twice the largest mmap
  // threshold) on a boundary of that size. The heap holding a fresh small
  // allocation is this thread's. The main arena lives below the program
  // break and is left alone (reserve_heap_in_huge_pages is for it). Should
  // glibc change its layout, this advises a range that is not the heap: a
  // hint the kernel applies to whatever is mapped there, or ignores.
  constexpr uintptr_t kThreadHeap = uintptr_t{64} << 20;
  void* probe = malloc(64);
  asm volatile("" : : "r"(probe) : "memory");
  if (probe != nullptr && probe >= sbrk(0)) {
    const uintptr_t heap = reinterpret_cast<uintptr_t>(probe) & ~(kThreadHeap - 1);
    madvise(reinterpret_cast<void*>(heap), kThreadHeap, MADV_HUGEPAGE);
  }
  free(probe);
#endif
}

}  // namespace sageguard
