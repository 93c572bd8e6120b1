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
#include <vector>

#include "model/item_stream.h"
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
    // Read from this offset on instead of the file's start: a cut that
    // split_points() found, where an item (not the array's '[') comes next.
    // Offsets are the file's; lines and columns are counted from the cut
    // as line 1, column 1, and the caller moves them to the real ones.
    uint64_t start = 0;
  };

  // Where a file can be cut into `parts` pieces checked in parallel: for
  // each cut, the offset to read from and that of the item believed to
  // begin there. These are guesses made from a few bytes around each cut:
  // preferably a line start (a newline is never inside a JSON string, so
  // that guess is only about nesting), else, for an array on one line, an
  // object that opens with the first item's first key after a ','. The
  // reader of the piece before a cut confirms it by meeting an item at
  // exactly that offset. Empty when the file is not a JSON array of objects
  // or JSON lines, is smaller than `min_size`, or no cut was found.
  struct Cut {
    uint64_t start = 0;  // Options::start for the piece after the cut
    uint64_t item = 0;   // where its first item begins (start + indent blanks)
  };
  static std::vector<Cut> split_points(const std::string& path, size_t parts,
                                       uint64_t min_size = 0);

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
  // increasing order after advance(item offset): a LineCursor that slides
  // with the window. lost() is true once locate() was asked for an offset
  // before the cursor, which the window may no longer hold: the locations
  // given are then not to be used.
  void advance(uint64_t offset) { cursor_.advance(offset); }
  LineCol locate(uint64_t offset) const { return cursor_.locate(offset); }
  bool lost() const { return cursor_.lost(); }

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
  uint64_t start_ = 0;     // Options::start
  bool eof_ = false;
  bool lines_ = false;
  bool gave_up_ = false;
  size_t items_ = 0;
  size_t refills_ = 0;
  size_t grows_ = 0;
  ValueArena arena_;
  std::unique_ptr<JsonParser> parser_;
  LineCursor cursor_;
};

}  // namespace sageguard
