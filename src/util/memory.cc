#include "util/memory.h"

#include <sys/mman.h>

#include <cstdint>

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

}  // namespace sageguard
