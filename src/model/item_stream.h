// Reading a bundle (a JSON array or JSON lines) one item at a time, as the
// check driver does: deferred Documents, the item stream over one, and the
// line cursor that locates findings without a whole-file line index. Private
// to the library. A Document is thread-safe to read; a JsonItemStream or
// LineCursor is not (one per reader).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "model/value_arena.h"
#include "sageguard/document.h"

namespace sageguard {

// Like load_document, but a JSON array or JSON lines file is only read and
// validated (UTF-8, not empty), not parsed: the Document is deferred() and
// its items are read one at a time with JsonItemStream. Other documents are
// parsed as load_document does. For `check`, whose rules look at one bundle
// item at a time: a 20,000-request bundle then needs memory for one request
// tree, not for 20,000.
Result<std::shared_ptr<const Document>> load_document_deferred(const std::string& path,
                                                               const ReadOptions& opts = {});
Result<std::shared_ptr<const Document>> parse_document_deferred(std::string path, std::string text,
                                                                const ReadOptions& opts = {});
// A deferred() document parsed whole after all, sharing its text (no copy of
// a large file): for checks that must see the items together.
Result<std::shared_ptr<const Document>> parse_deferred_whole(const Document& deferred,
                                                             const ReadOptions& opts = {});

// Reads the items of a JSON array (or of JSON lines) one at a time, with the
// same errors, at the same offsets, as parsing the whole text. Items are
// built in `arena`; the caller may reset() it between items. Offsets are
// into `text`, which must outlive the items (strings may point into it).
class JsonItemStream {
 public:
  JsonItemStream(const std::string& path, std::string_view text, uint32_t max_depth,
                 ValueArena& arena, bool lines);
  ~JsonItemStream();
  JsonItemStream(const JsonItemStream&) = delete;
  JsonItemStream& operator=(const JsonItemStream&) = delete;

  // Parses the next item into `item`: true if there was one, false after the
  // last (once the text after the array has been checked). An Error is final.
  Result<bool> next(Value& item);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Line/column of offsets met in increasing order, without the line index: it
// counts the newlines between successive positions. Checking a large bundle
// item by item asks for a few locations per item; indexing every line first
// would cost more than that. Not thread-safe (one per reader).
//
// The cursor keeps its line and column (code points since the line's
// start), so a location costs the bytes between the cursor and it, never a
// recount of a long line.
//
// Over a whole Document, an offset before the last advance() falls back to
// Document::locate. Over a window of a larger input (JsonWindowItems slides
// one over a file), move_base() moves the window's start forward while the
// bytes in front of it are still in view, advancing the cursor to it if
// needed; show() then points the cursor at the window's new bytes. There an
// offset before the cursor cannot be located: locate() gives {0, 0} and
// lost() turns true.
class LineCursor {
 public:
  explicit LineCursor(const Document& doc) : doc_(&doc), text_(doc.text()) {}
  // `window` holds the input's bytes from offset `base` on.
  explicit LineCursor(std::string_view window = {}, uint64_t base = 0)
      : text_(window), base_(base), at_(base), line_start_(base) {}
  // Moves forward to `offset` (earlier offsets are ignored).
  void advance(uint64_t offset);
  LineCol locate(uint64_t offset) const;
  void move_base(uint64_t new_base);
  void show(std::string_view window) { text_ = window; }
  bool lost() const { return lost_; }

 private:
  // Newlines in [from, to): adds them to `line`, moves `start` past the
  // last; true if there was one.
  bool count(uint64_t from, uint64_t to, uint32_t& line, uint64_t& start) const;
  // Code points in [from, to), both in view.
  uint64_t code_points(uint64_t from, uint64_t to) const;

  const Document* doc_ = nullptr;
  std::string_view text_;  // the input from base_ on
  uint64_t base_ = 0;
  uint64_t at_ = 0;
  uint32_t line_ = 1;
  uint64_t line_start_ = 0;
  uint64_t at_col_ = 0;  // code points between the line's start and at_
  mutable bool lost_ = false;
};

}  // namespace sageguard
