// The one interface the check driver reads bundles through: an item source
// hands over a bundle's items one at a time, each parsed into a reused
// arena, and says where an offset lies (line, column). Two sources: a
// deferred Document (a file read or mapped whole, or a text; JsonItemStream)
// and a large file read through a window (JsonWindowItems), optionally one
// piece of it. A whole document parsed at once is checked by check_document
// directly. One source per thread; not shared.
#pragma once

#include <concepts>
#include <optional>
#include <span>
#include <vector>

#include "model/json_window.h"
#include "sageguard/check.h"
#include "model/item_stream.h"
#include "sageguard/document.h"

namespace sageguard::check {

// next(): the next item (false at the end; an Error for an input error).
// advance(): the items before `offset` are done (locations only go forward).
// locate(): the line and column of an offset at or after the last advance.
// unrecognised(): the Error for an item no kind recognises.
// size(): the input's bytes, for reserving room for findings.
template <class S>
concept ItemSource = requires(S& s, const S& cs, Value& item, uint64_t offset, size_t index) {
  { s.next(item) } -> std::same_as<Result<bool>>;
  s.advance(offset);
  { cs.locate(offset) } -> std::same_as<LineCol>;
  { s.unrecognised(item, index) } -> std::same_as<Error>;
  { cs.size() } -> std::same_as<uint64_t>;
};

// The items of a deferred Document (a bundle left unparsed by
// load_document_deferred), for check_items.
class DocumentItems {
 public:
  DocumentItems(const Document& doc, const CheckOptions& opts)
      : doc_(doc),
        kind_(opts.kind),
        stream_(doc.path(), doc.text(), opts.read.max_depth, arena_,
                is_json_lines_path(doc.path())),
        lines_(doc) {}
  Result<bool> next(Value& item) {
    arena_.reset();
    return stream_.next(item);
  }
  void advance(uint64_t offset) { lines_.advance(offset); }
  LineCol locate(uint64_t offset) const { return lines_.locate(offset); }
  Error unrecognised(const Value& item, size_t index) const {
    std::vector<Resource> none;
    return extract_bundle_item(doc_, item, index, kind_, none).error();
  }
  uint64_t size() const { return doc_.text().size(); }

 private:
  const Document& doc_;
  std::optional<ResourceKind> kind_;
  ValueArena arena_;  // before stream_, which builds in it
  JsonItemStream stream_;
  LineCursor lines_;
};

// The items of a large bundle file read through a window. This reader
// reports no input error of its own: every Error it returns means "check
// this file whole instead", and the whole-file path reports the real one.
//
// A piece of a file cut for parallel checking also has `stops`, the later
// pieces' cuts (increasing), whose `item` is where their first items are
// believed to begin: it ends at the first item met exactly at one, and
// landed() says which. Items that begin past a stop without landing on it show the guess
// was wrong; the piece reads on.
class WindowedItems {
 public:
  explicit WindowedItems(JsonWindowItems& w, std::span<const JsonWindowItems::Cut> stops = {})
      : w_(w), stops_(stops) {}
  Result<bool> next(Value& item) {
    if (stop_) return give_up();
    switch (w_.next(item)) {
      case JsonWindowItems::Step::item: return !lands(item.offset());
      case JsonWindowItems::Step::end: return false;
      case JsonWindowItems::Step::give_up: break;
    }
    return give_up();
  }
  void advance(uint64_t offset) { w_.advance(offset); }
  LineCol locate(uint64_t offset) const { return w_.locate(offset); }
  // No need to read on for a syntax error that would win: the whole-file
  // path decides which error to report.
  Error unrecognised(const Value&, size_t) {
    stop_ = true;
    return give_up();
  }
  uint64_t size() const { return w_.file_size(); }
  // The stop this piece ended at (an index into `stops`), and that item's
  // line and column as this piece counts them; nullopt once it read to the
  // end.
  std::optional<size_t> landed() const { return landed_; }
  LineCol landed_at() const { return landed_at_; }

 private:
  bool lands(uint64_t offset) {
    while (next_stop_ < stops_.size() && stops_[next_stop_].item < offset) ++next_stop_;
    if (next_stop_ == stops_.size() || stops_[next_stop_].item != offset) return false;
    landed_ = next_stop_;
    w_.advance(offset);
    landed_at_ = w_.locate(offset);
    return true;
  }
  static Error give_up() { return Error::make(ErrorCode::input, "read the file whole"); }
  JsonWindowItems& w_;
  std::span<const JsonWindowItems::Cut> stops_;
  size_t next_stop_ = 0;
  std::optional<size_t> landed_;
  LineCol landed_at_;
  bool stop_ = false;
};

static_assert(ItemSource<DocumentItems>);
static_assert(ItemSource<WindowedItems>);

}  // namespace sageguard::check
