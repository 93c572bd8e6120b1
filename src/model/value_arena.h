// The bump arena behind a ValueTree's values (document.h), and deep copies
// into one: private to the library, whose readers and resource extraction
// build in it. An arena is not thread-safe (one per tree or per reader);
// what it holds may be read from many threads once built.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

#include "sageguard/document.h"

namespace sageguard {

// Bump allocator behind a tree: chunks that only grow, freed all at once.
class ValueArena {
 public:
  ValueArena() = default;
  ValueArena(const ValueArena&) = delete;
  ValueArena& operator=(const ValueArena&) = delete;
  ~ValueArena();

  // 8-byte aligned, never null (n == 0 gives a valid pointer).
  void* allocate(size_t n);
  std::string_view copy(std::string_view s);
  // Forget everything allocated so far but keep the largest chunk for reuse:
  // a caller that parses one bundle item at a time touches the same memory
  // for every item instead of faulting in fresh pages (see JsonItemStream).
  void reset();
  template <class T>
  T* copy_array(const T* src, size_t n) {
    static_assert(std::is_trivially_copyable_v<T>);
    T* out = static_cast<T*>(allocate(n * sizeof(T)));
    if (n) std::memcpy(static_cast<void*>(out), src, n * sizeof(T));
    return out;
  }

 private:
  struct Chunk;
  void release(Chunk* c);
  Chunk* head_ = nullptr;
  char* cur_ = nullptr;
  char* end_ = nullptr;
  uint64_t reserved_ = 0;
};

// A deep copy of `v` whose containers and strings live in `arena`, offsets
// kept (for the few items check keeps beyond their turn).
Value copy_value(const Value& v, ValueArena& arena);

}  // namespace sageguard
