// The bump allocator behind every parsed tree (see document.h for why).
#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <new>

#include "model/value_arena.h"
#include "util/memory.h"

namespace sageguard {

// Chunks are linked through a header at their start. Small chunks come from
// malloc; big ones are mapped directly so that the kernel can back them with
// transparent huge pages: a large bundle otherwise spends more time in page
// faults than in parsing.
struct ValueArena::Chunk {
  Chunk* next;
  size_t size;  // whole chunk, header included
  bool mapped;
};

namespace {
constexpr size_t kFirstChunk = 16 * 1024;
constexpr size_t kMaxChunk = 32 * 1024 * 1024;
constexpr size_t kMapThreshold = 2 * 1024 * 1024;
constexpr size_t kHeader = 32;  // room for the Chunk header, a multiple of 8
}  // namespace

void ValueArena::release(Chunk* c) {
  if (c->mapped) {
    munmap(c, c->size);
  } else {
    std::free(c);
  }
}

ValueArena::~ValueArena() {
  while (head_) {
    Chunk* next = head_->next;
    release(head_);
    head_ = next;
  }
}

void ValueArena::reset() {
  if (!head_) return;
  // Chunks are linked newest first and grow, so the head is the largest.
  Chunk* keep = head_;
  for (Chunk* c = keep->next; c;) {
    Chunk* next = c->next;
    release(c);
    c = next;
  }
  keep->next = nullptr;
  reserved_ = keep->size;
  cur_ = reinterpret_cast<char*>(keep) + kHeader;
  end_ = reinterpret_cast<char*>(keep) + keep->size;
}

void* ValueArena::allocate(size_t n) {
  static_assert(sizeof(Chunk) <= kHeader);
  n = (n + 7) & ~size_t{7};
  if (static_cast<size_t>(end_ - cur_) < n || cur_ == nullptr) {
    // Grow geometrically with what is already reserved, so a big tree needs
    // few chunks and a small one wastes little.
    size_t size = std::clamp<size_t>(reserved_, kFirstChunk, kMaxChunk);
    size = std::max(size, n + kHeader);
    void* mem = nullptr;
    bool mapped = false;
    if (size >= kMapThreshold) {
      size_t whole = 0;  // rounded up to whole 2 MiB pages
      mem = map_huge_pages(size, whole);
      if (mem == nullptr) throw std::bad_alloc();
      size = whole;
      mapped = true;
    } else {
      mem = std::malloc(size);
      if (!mem) throw std::bad_alloc();
    }
    auto* c = static_cast<Chunk*>(mem);
    c->next = head_;
    c->size = size;
    c->mapped = mapped;
    head_ = c;
    reserved_ += size;
    cur_ = static_cast<char*>(mem) + kHeader;
    end_ = static_cast<char*>(mem) + size;
  }
  void* out = cur_;
  cur_ += n;
  return out;
}

std::string_view ValueArena::copy(std::string_view s) {
  char* p = static_cast<char*>(allocate(s.size()));
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  return {p, s.size()};
}

// Out of line: ValueArena is complete only here (document.h declares it).
ValueTree::ValueTree() : arena_(std::make_unique<ValueArena>()) {}
ValueTree::~ValueTree() = default;
ValueTree::ValueTree(ValueTree&&) noexcept = default;
ValueTree& ValueTree::operator=(ValueTree&&) noexcept = default;

}  // namespace sageguard
