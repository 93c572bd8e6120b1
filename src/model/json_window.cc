// JsonWindowItems: see json_window.h for why and for the contract.
//
// How a window slides. The parser reads from the window as if it were the
// whole text, with offsets shifted by the window's place in the file. A
// call that ends at the window's end (or fails before the file's end) may
// have been cut short by it, so it is inconclusive: the bytes before the
// call's starting point are dropped, the window is filled again behind the
// rest, and the call is repeated from that point. A window that already
// starts at that point and is full doubles instead. Only a failure with the
// rest of the file in the window is final (and ends the reader).
#include "model/json_window.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "model/json_parser.h"
#include "util/memory.h"
#include "util/utf8.h"

namespace sageguard {
namespace {

// The length of the longest prefix of buf[0, len) that does not end inside
// a UTF-8 sequence (the rest may be completed by the next read).
uint64_t whole_code_points(const char* buf, uint64_t len) {
  for (uint64_t i = 1; i <= 3 && i <= len; ++i) {
    const auto c = static_cast<unsigned char>(buf[len - i]);
    if ((c & 0xC0) == 0x80) continue;  // a continuation byte: look further back
    if (c < 0x80) return len;
    const uint64_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    return i < need ? len - i : len;
  }
  return len;
}

}  // namespace

JsonWindowItems::~JsonWindowItems() {
  parser_.reset();
  if (buf_ != nullptr) ::munmap(buf_, mapped_);
  if (fd_ >= 0) ::close(fd_);
}

std::unique_ptr<JsonWindowItems> JsonWindowItems::open(const std::string& path,
                                                       const Options& opts) {
  std::unique_ptr<JsonWindowItems> r(new JsonWindowItems());
  r->path_ = path;
  // Only regular files: opening a FIFO would wait for a writer and take
  // what it writes from the reader that comes after this one gives up.
  // (O_NONBLOCK: no wait should one replace the file after the stat.)
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return nullptr;
  r->fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (r->fd_ < 0) return nullptr;
  if (::fstat(r->fd_, &st) != 0 || !S_ISREG(st.st_mode) ||
      static_cast<uint64_t>(st.st_size) > opts.max_file_size ||
      static_cast<uint64_t>(st.st_size) < opts.min_file_size) {
    return nullptr;
  }
  r->file_size_ = static_cast<uint64_t>(st.st_size);
  r->max_file_size_ = opts.max_file_size;
  r->lines_ = is_json_lines_path(path);
  if (opts.start > 0) {
    if (opts.start >= r->file_size_ ||
        ::lseek(r->fd_, static_cast<off_t>(opts.start), SEEK_SET) < 0) {
      return nullptr;
    }
    r->start_ = r->base_ = opts.start;
  }
  r->cap_ = std::max<size_t>(opts.window, 16);
  r->buf_ = static_cast<char*>(map_huge_pages(r->cap_, r->mapped_));
  if (r->buf_ == nullptr || !r->fill()) return nullptr;
  // Only a top-level array is read item by item; anything else (an
  // object, YAML, an empty file) takes the whole-file path.
  if (r->start_ == 0 && !r->lines_ && first_significant_byte(r->window()) != '[') {
    return nullptr;
  }
  r->parser_ = std::make_unique<JsonParser>(r->path_, r->window(), opts.max_depth, r->arena_);
  r->parser_->set_quiet();
  // A piece after a cut starts among the items: past the '[' (and the
  // byte order mark) that only the file's start has.
  if (r->start_ > 0) {
    r->parser_->resume(r->window(), r->base_, {JsonParser::Stream::items, r->start_});
  }
  r->cursor_ = LineCursor(r->window(), r->base_);
  return r;
}

namespace {

// Up to `n` bytes of the file from `at` (fewer at its end); empty on error.
std::string read_at(int fd, uint64_t at, size_t n) {
  std::string out(n, '\0');
  size_t got = 0;
  while (got < n) {
    const ssize_t r = ::pread(fd, out.data() + got, n - got, static_cast<off_t>(at + got));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += static_cast<size_t>(r);
  }
  out.resize(got);
  return out;
}

bool is_indent(char c) { return c == ' ' || c == '\t'; }

bool is_json_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// What a cut looks for: the array's first item, an object.
struct FirstItem {
  // How far it is indented when it begins a line (the pretty-printed
  // layout); 0 when it follows the '[' on its line.
  size_t indent = 0;
  // Its first key as written, quotes included ("TrainingJobName"); empty
  // when the key has an escape or does not fit the head.
  std::string key;
};

// The array's first item, from the file's first bytes; nullopt when the
// file is not an array whose first item is an object.
std::optional<FirstItem> first_item(std::string_view head) {
  size_t i = head.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  while (i < head.size() && is_json_blank(head[i])) ++i;
  if (i >= head.size() || head[i] != '[') return std::nullopt;
  ++i;
  size_t line_start = std::string_view::npos;
  while (i < head.size() && is_json_blank(head[i])) {
    if (head[i] == '\n') line_start = i + 1;
    ++i;
  }
  if (i >= head.size() || head[i] != '{') return std::nullopt;
  FirstItem first;
  if (line_start != std::string_view::npos) {
    for (size_t k = line_start; k < i; ++k) {
      if (!is_indent(head[k])) return std::nullopt;  // a '\r': no guess
    }
    first.indent = i - line_start;
  }
  size_t q = i + 1;
  while (q < head.size() && is_json_blank(head[q])) ++q;
  if (q < head.size() && head[q] == '"') {
    const size_t end = head.find_first_of("\"\\", q + 1);
    if (end != std::string_view::npos && head[end] == '"') first.key = head.substr(q, end + 1 - q);
  }
  return first;
}

// The first cut in `text` (the file's bytes from `base`) at or after its
// first newline: a line that starts (after `indent` blanks, for an array)
// an item. In an array the last non-blank byte before the line must be the
// ',' between items, and the item an object at the first item's indent.
std::optional<JsonWindowItems::Cut> line_cut(std::string_view text, uint64_t base, bool lines,
                                             size_t indent) {
  for (size_t nl = text.find('\n'); nl != std::string_view::npos; nl = text.find('\n', nl + 1)) {
    const size_t start = nl + 1;
    size_t item = start;
    while (item < text.size() && is_indent(text[item])) ++item;
    if (item >= text.size()) break;
    if (lines) {
      if (text[item] == '\n' || text[item] == '\r') continue;  // a blank line
      return JsonWindowItems::Cut{base + start, base + item};
    }
    if (text[item] != '{' || item - start != indent) continue;
    size_t before = nl;
    while (before > 0 && (is_indent(text[before - 1]) || text[before - 1] == '\r')) --before;
    if (before > 0 && text[before - 1] == ',') {
      return JsonWindowItems::Cut{base + start, base + item};
    }
  }
  return std::nullopt;
}

// A cut inside a line, for an array written without line breaks between
// its items (json.dump's default): an object that opens with the first
// item's first key, after a ','. The piece then starts at the '{' itself.
std::optional<JsonWindowItems::Cut> inline_cut(std::string_view text, uint64_t base,
                                               const std::string& key) {
  for (size_t at = text.find(key); at != std::string_view::npos; at = text.find(key, at + 1)) {
    size_t k = at;
    while (k > 0 && is_json_blank(text[k - 1])) --k;
    if (k == 0 || text[k - 1] != '{') continue;
    const size_t brace = k - 1;
    size_t j = brace;
    while (j > 0 && is_json_blank(text[j - 1])) --j;
    if (j > 0 && text[j - 1] == ',') return JsonWindowItems::Cut{base + brace, base + brace};
  }
  return std::nullopt;
}

}  // namespace

std::vector<JsonWindowItems::Cut> JsonWindowItems::split_points(const std::string& path,
                                                                size_t parts, uint64_t min_size) {
  // A cut is looked for after each even share of the file, in 16 KiB, then
  // in up to 1 MiB: items are a few KiB, and a cut not found in 1 MiB is
  // left out.
  constexpr size_t kFirstLook = size_t{16} << 10;
  constexpr size_t kLookAhead = size_t{1} << 20;
  std::vector<Cut> cuts;
  struct stat path_st {};
  if (::stat(path.c_str(), &path_st) != 0 || !S_ISREG(path_st.st_mode)) return cuts;  // see open()
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return cuts;
  struct stat st {};
  const uint64_t size = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? st.st_size : 0;
  if (size == 0 || size < min_size) {
    ::close(fd);
    return cuts;
  }
  const bool lines = is_json_lines_path(path);
  std::optional<FirstItem> first = FirstItem{};
  if (!lines) first = first_item(read_at(fd, 0, kFirstLook));
  for (size_t k = 1; first && k < parts && size / parts > 0; ++k) {
    // From one byte before the share, so a share that begins a line is seen.
    const uint64_t from = size / parts * k - 1;
    std::optional<Cut> cut;
    for (size_t look = kFirstLook; !cut && look <= kLookAhead; look *= 8) {
      const std::string text = read_at(fd, from, look);
      cut = line_cut(text, from, lines, first->indent);
      if (!cut && !lines && !first->key.empty()) cut = inline_cut(text, from, first->key);
      if (text.size() < look) break;  // the file's end
    }
    if (cut && (cuts.empty() || cut->start > cuts.back().start)) cuts.push_back(*cut);
  }
  ::close(fd);
  return cuts;
}

bool JsonWindowItems::fill() {
  while (len_ < cap_ && !eof_) {
    const ssize_t got = ::read(fd_, buf_ + len_, cap_ - len_);
    if (got < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (got == 0) {
      eof_ = true;
      break;
    }
    len_ += static_cast<uint64_t>(got);
  }
  if (base_ + len_ > max_file_size_) return false;  // grew past the limit while read
  const uint64_t whole = eof_ ? len_ : whole_code_points(buf_, len_);
  if (whole > valid_) {
    if (utf8_first_invalid(std::string_view(buf_ + valid_, whole - valid_))) return false;
    valid_ = whole;
  }
  return true;
}

bool JsonWindowItems::grow() {
  size_t mapped = 0;
  auto* bigger = static_cast<char*>(map_huge_pages(cap_ * 2, mapped));
  if (bigger == nullptr) return false;
  std::memcpy(bigger, buf_, len_);
  ::munmap(buf_, mapped_);
  buf_ = bigger;
  mapped_ = mapped;
  cap_ *= 2;
  ++grows_;
  return true;
}

bool JsonWindowItems::refill(uint64_t keep_from) {
  ++refills_;
  const uint64_t end_before = base_ + len_;
  const uint64_t valid_before = base_ + valid_;
  const bool eof_before = eof_;
  cursor_.move_base(keep_from);  // while the bytes in front are still here
  const uint64_t drop = keep_from - base_;
  if (drop == 0 && len_ == cap_) {
    if (!grow()) return false;
  } else if (drop > 0) {
    std::memmove(buf_, buf_ + drop, len_ - drop);
    len_ -= drop;
    valid_ -= drop;
    base_ = keep_from;
  }
  if (!fill()) return false;
  cursor_.show(window());
  // Nothing new read, checked or learnt (the end of the file): repeating
  // the call cannot help.
  return base_ + len_ > end_before || base_ + valid_ > valid_before || eof_ != eof_before;
}

JsonWindowItems::Step JsonWindowItems::next(Value& item) {
  while (!gave_up_) {
    arena_.reset();
    const JsonParser::Mark mark = parser_->mark();
    bool got = false;
    const bool ok = lines_ ? parser_->line_next(item, got) : parser_->array_next(item, got);
    if (eof_ && valid_ == len_) {
      // The window holds the rest of the file: the outcome is final.
      if (!ok) break;
      if (got) {
        ++items_;
        return Step::item;
      }
      // JSON lines with nothing but blank lines is an empty document, an
      // input error the whole-file path reports.
      if (lines_ && items_ == 0 && start_ == 0) break;
      return Step::end;
    }
    if (ok && got && parser_->window_pos() < valid_) {
      ++items_;
      return Step::item;
    }
    // Inconclusive: a real syntax error is only told from a cut by reading
    // on, and then the window holds the rest of the file before we give up.
    // That costs one more read of the file, on the error path only.
    if (!refill(mark.at)) break;
    parser_->resume(window(), base_, mark);
  }
  gave_up_ = true;
  return Step::give_up;
}

}  // namespace sageguard
