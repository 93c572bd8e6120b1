// JsonWindowItems: the items of a large JSON array or JSON-lines file, read
// through one reused window instead of the whole file in memory.
//
// Why: on the virtual machines sageguard runs on, the first touch of fresh
// memory traps to the hypervisor, and in its slow phases zeroing the fresh
// 2 MiB pages a 35 MB bundle is read into was up to a fifth of `check`
// (BENCHMARKS.md). A 2 MiB window that is filled again and again is touched
// fresh once.
//
// The reader is a fast path, not a second source of truth: it never reports
// an input error. Invalid UTF-8, a syntax error, a read error or a file that
// grows past the size limit all end it with Step::give_up, and the caller
// reads the file whole (load_document_deferred), which reports the exact
// error with its line and column. Items come out with the offsets a parse of
// the whole file gives them, and locate() gives the line and column that
// Document::locate would.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "sageguard/document.h"

namespace sageguard {

class JsonParser;

class JsonWindowItems {
 public:
  struct Options {
    size_t window = size_t{2} << 20;  // bytes; grows when one item does not fit
    uint64_t min_file_size = 0;       // smaller files are left to the whole-file path
    uint64_t max_file_size = 0;
    uint32_t max_depth = 512;
  };

  // A reader for `path` if it is a regular file holding a JSON array (or
  // JSON lines, by its name) within the size limit; nullptr for anything
  // else (the caller takes the whole-file path, errors included).
  static std::unique_ptr<JsonWindowItems> open(const std::string& path, const Options& opts);
  ~JsonWindowItems();
  JsonWindowItems(const JsonWindowItems&) = delete;
  JsonWindowItems& operator=(const JsonWindowItems&) = delete;

  enum class Step { item, end, give_up };
  // The next item, built in this reader's arena. It and the strings it
  // points to stay valid until the next call. give_up is final.
  Step next(Value& item);

  // Line and column of `offset`, for offsets in the current item, met in
  // increasing order after advance(item offset), as LineCursor does.
  void advance(uint64_t offset);
  LineCol locate(uint64_t offset) const;
  // True once locate() was asked for an offset before the cursor, which the
  // window may no longer hold: the locations given are then not to be used.
  bool lost() const { return lost_; }

  uint64_t file_size() const { return file_size_; }
  // How often the window was refilled and grown (for tests: a small window
  // must really slide).
  size_t refills() const { return refills_; }
  size_t grows() const { return grows_; }

 private:
  JsonWindowItems() = default;
  bool fill();
  bool refill(uint64_t keep_from);
  bool grow();
  std::string_view window() const { return {buf_, static_cast<size_t>(valid_)}; }

  // Line state at some offset: the line number and where that line starts;
  // `carry` counts the line's code points that lie before the window.
  struct LineState {
    uint32_t line = 1;
    uint64_t line_start = 0;
    uint64_t carry = 0;
  };
  void count_lines(uint64_t from, uint64_t to, LineState& s) const;
  uint32_t column(const LineState& s, uint64_t offset) const;
  void slide_lines(uint64_t new_base);

  std::string path_;
  int fd_ = -1;
  uint64_t file_size_ = 0;
  uint64_t max_file_size_ = 0;
  char* buf_ = nullptr;
  size_t mapped_ = 0;      // bytes mapped at buf_ (munmap size)
  size_t cap_ = 0;         // bytes of the window in use
  uint64_t len_ = 0;       // bytes read into the window
  uint64_t valid_ = 0;     // of which UTF-8-checked whole code points
  uint64_t base_ = 0;      // offset in the file of buf_[0]
  bool eof_ = false;
  bool lines_ = false;
  bool gave_up_ = false;
  size_t items_ = 0;
  size_t refills_ = 0;
  size_t grows_ = 0;
  ValueArena arena_;
  std::unique_ptr<JsonParser> parser_;
  uint64_t at_ = 0;        // the offset `cur_` describes
  LineState cur_;
  mutable bool lost_ = false;
};

}  // namespace sageguard
