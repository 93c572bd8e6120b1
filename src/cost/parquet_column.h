// One Parquet column chunk decoded into what the cost aggregation reads:
// the definition and repetition levels of every entry and the non-null
// values as doubles or as text, formatted the way a CSV export writes them (numbers that
// parse back to the same double, decimals exact, dates YYYY-MM-DD,
// timestamps YYYY-MM-DDTHH:MM:SSZ). A ColumnValues is filled by one thread;
// the file handle may be shared (positioned reads). Private to the cost module.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parquet_meta.h"
#include "sageguard/result.h"

namespace sageguard::cost::parquet {

// A file read with positioned reads (pread): safe to share between threads.
class ParquetFile {
 public:
  static Result<ParquetFile> open(const std::string& path);
  // Bytes in memory (not copied: they must outlive the ParquetFile).
  static ParquetFile memory(std::string_view bytes, std::string name) {
    ParquetFile f(-1, bytes.size(), std::move(name));
    f.mem_ = bytes.data();
    return f;
  }
  ParquetFile(ParquetFile&& o) noexcept : fd_(o.fd_), size_(o.size_), name_(std::move(o.name_)), mem_(o.mem_) {
    o.fd_ = -1;
  }
  ParquetFile& operator=(ParquetFile&&) = delete;
  ~ParquetFile();
  uint64_t size() const { return size_; }
  const std::string& name() const { return name_; }
  // Reads [offset, offset + n) into dst; Error when outside the file or on I/O failure.
  Status read(uint64_t offset, std::size_t n, char* dst) const;

 private:
  ParquetFile(int fd, uint64_t size, std::string name) : fd_(fd), size_(size), name_(std::move(name)) {}
  int fd_;
  uint64_t size_;
  std::string name_;
  const char* mem_ = nullptr;
};

// A leaf of the schema with its place in the nesting.
struct Leaf {
  std::string name;  // dotted path, for messages
  PhysicalType type = PhysicalType::byte_array;
  int32_t type_length = 0;
  Logical logical = Logical::none;
  std::string logical_name;
  int32_t scale = 0;
  int max_def = 0;
  int max_rep = 0;
  // The definition level at which each repeated ancestor (outermost first)
  // is defined: an entry that continues a list at repetition level r must be
  // defined at least that deep (rep_def[r - 1]).
  std::vector<int> rep_def;
  int parent_def = 0;     // the definition level of the leaf's parent
  std::size_t chunk = 0;  // index of its column chunk in every row group
};

// Text views that stay valid while the arena lives (blocks never move).
class TextArena {
 public:
  std::string_view add(std::string_view s);
  void clear() { blocks_.clear(); }

 private:
  std::deque<std::string> blocks_;
};

// An allocator whose resize() leaves new elements default-initialised
// (for numbers: not zeroed), for buffers the decoders fill right after.
template <class T>
struct FillLater : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = FillLater<U>;
  };
  FillLater() = default;
  template <class U>
  FillLater(const FillLater<U>&) noexcept {}
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
template <class T>
using Filled = std::vector<T, FillLater<T>>;

struct ColumnValues {
  Filled<uint16_t> def;  // one per entry; empty when max_def == 0
  Filled<uint16_t> rep;  // one per entry; empty when max_rep == 0
  // The non-null values, in order: as text, table[ids[i]] (a dictionary's
  // entries come first, so in a dictionary-encoded chunk equal ids are equal
  // text and equal text has one id); as numbers (DOUBLE leaves read so),
  // numbers[i].
  std::vector<std::string_view> table;
  std::vector<uint32_t> ids;
  Filled<double> numbers;
  std::size_t entries = 0;
  std::size_t present = 0;  // entries defined to max_def: the values
  // Storage the views point into.
  std::deque<std::string> pages;
  TextArena text;

  void clear();
};

// Buffers for what read_column does not keep (the compressed chunk, pages
// whose values are copied out, dictionary indices), reused from one chunk to
// the next by one thread, so a row group does not allocate (and fault in)
// them afresh.
struct ColumnScratch {
  std::string chunk, page;
  std::vector<uint32_t> indices;
};

// Decodes column chunk `c` of `leaf` (entries, levels, values; `as_numbers`
// for a DOUBLE leaf: its values as doubles, not text). Error (input, naming
// the file and the column) on corrupt data or an encoding, codec or type
// outside what the reader supports.
Status read_column(const ParquetFile& f, const ColumnChunk& c, const Leaf& leaf, ColumnValues& out,
                   ColumnScratch& scratch, bool as_numbers = false);

}  // namespace sageguard::cost::parquet
