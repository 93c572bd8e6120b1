#include "sageguard/document.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "model/document_tree.h"
#include "model/item_stream.h"
#include "util/files.h"
#include "util/strings.h"
#include "util/utf8.h"

namespace sageguard {

const char* to_string(ValueType t) {
  switch (t) {
    case ValueType::null: return "null";
    case ValueType::boolean: return "boolean";
    case ValueType::number: return "number";
    case ValueType::string: return "string";
    case ValueType::array: return "array";
    case ValueType::object: return "object";
  }
  return "?";
}


const Value* Value::find(std::string_view key) const {
  if (type_ != ValueType::object) return nullptr;
  for (const Member& m : members()) {
    if (same_bytes(m.first, key)) return &m.second;
  }
  return nullptr;
}

uint64_t Value::key_offset(std::string_view key) const {
  const Value* v = find(key);
  return v ? v->key_off() : 0;
}

Document::Document(std::string path, std::string text, SourceFormat fmt)
    : path_(std::move(path)), format_(fmt) {
  auto owned = std::make_shared<const std::string>(std::move(text));
  text_ = *owned;
  text_owner_ = std::move(owned);
}

Document::Document(std::string path, std::shared_ptr<const void> owner, std::string_view text,
                   SourceFormat fmt)
    : path_(std::move(path)), text_owner_(std::move(owner)), text_(text), format_(fmt) {}

// The line index is built on first use: most documents in a clean run are
// never asked for a location, and a large bundle has a million lines.
const std::vector<uint64_t>& Document::line_starts() const {
  std::call_once(line_index_once_, [this] { build_line_index(); });
  return line_starts_;
}

void Document::build_line_index() const {
  line_starts_.push_back(0);
  const char* base = text_.data();
  const char* p = base;
  const char* end = base + text_.size();
  while (p < end) {
    const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p));
    if (!nl) break;
    p = static_cast<const char*>(nl) + 1;
    line_starts_.push_back(static_cast<uint64_t>(p - base));
  }
}

// 1-based column of `offset` on the line starting at `line_start`, in code
// points (what editors and SARIF viewers count).
static uint32_t column_at(std::string_view text, uint64_t line_start, uint64_t offset) {
  return static_cast<uint32_t>(utf8_count_code_points(text.substr(line_start, offset - line_start)) + 1);
}

static LineCol locate_in(std::string_view text, const std::vector<uint64_t>& starts,
                         uint64_t offset) {
  offset = std::min<uint64_t>(offset, text.size());
  auto it = std::upper_bound(starts.begin(), starts.end(), offset);
  size_t idx = static_cast<size_t>(it - starts.begin()) - 1;
  return {static_cast<uint32_t>(idx + 1), column_at(text, starts[idx], offset)};
}

LineCol Document::locate(uint64_t offset) const { return locate_in(text_, line_starts(), offset); }

void LineCursor::advance(uint64_t offset) {
  offset = std::min<uint64_t>(offset, base_ + text_.size());
  if (offset <= at_) return;
  // The column moves with the cursor: from the last newline passed, or on
  // from where it was. Each byte is counted once however many locations are
  // asked for, which matters on a long line (a bundle written on one line,
  // as json.dump writes it, was 4x slower when every location counted from
  // the line's start).
  if (count(at_, offset, line_, line_start_)) {
    at_col_ = code_points(line_start_, offset);
  } else {
    at_col_ += code_points(at_, offset);
  }
  at_ = offset;
}

LineCol LineCursor::locate(uint64_t offset) const {
  offset = std::min<uint64_t>(offset, base_ + text_.size());
  if (offset < at_) {
    if (doc_ != nullptr) return doc_->locate(offset);
    lost_ = true;
    return {0, 0};
  }
  uint32_t line = line_;
  uint64_t start = line_start_;
  if (count(at_, offset, line, start)) {
    return {line, static_cast<uint32_t>(code_points(start, offset) + 1)};
  }
  return {line, static_cast<uint32_t>(at_col_ + code_points(at_, offset) + 1)};
}

uint64_t LineCursor::code_points(uint64_t from, uint64_t to) const {
  return utf8_count_code_points(text_.substr(from - base_, to - from));
}

void LineCursor::move_base(uint64_t new_base) {
  if (new_base <= base_) return;
  // Past new_base first, while the bytes before it are in view: the line
  // and column at the cursor are then all that is kept of them.
  if (new_base > at_) advance(new_base);
  text_ = text_.substr(new_base - base_);
  base_ = new_base;
}

bool LineCursor::count(uint64_t from, uint64_t to, uint32_t& line, uint64_t& start) const {
  const char* p = text_.data() + (from - base_);
  const auto n = static_cast<size_t>(to - from);
  const size_t newlines = count_byte(std::string_view(p, n), '\n');
  if (newlines == 0) return false;
  line += static_cast<uint32_t>(newlines);
  const void* last = memrchr(p, '\n', n);
  start = base_ + static_cast<uint64_t>(static_cast<const char*>(last) - text_.data()) + 1;
  return true;
}

std::string_view Document::line_text(uint32_t line) const {
  const auto& starts = line_starts();
  if (line == 0 || line > starts.size()) return {};
  uint64_t start = starts[line - 1];
  uint64_t end = line < starts.size() ? starts[line] : text_.size();
  std::string_view s(text_.data() + start, end - start);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

Error error_at_offset(ErrorCode code, const std::string& path, std::string_view text,
                      uint64_t offset, std::string message) {
  // Small one-off index: errors are rare, so no need to share Document's.
  offset = std::min<uint64_t>(offset, text.size());
  uint64_t ls = offset;
  while (ls > 0 && text[ls - 1] != '\n') --ls;
  uint32_t line = 1 + static_cast<uint32_t>(count_byte(text.substr(0, ls), '\n'));
  uint64_t le = offset;
  while (le < text.size() && text[le] != '\n') ++le;
  Error e = Error::at(code, path, line, column_at(text, ls, offset), std::move(message));
  std::string_view src = text.substr(ls, le - ls);
  if (!src.empty() && src.back() == '\r') src.remove_suffix(1);
  // Never echo binary junk or huge lines back to the terminal.
  if (src.size() <= 400 && utf8_is_valid(src) &&
      std::none_of(src.begin(), src.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 && c != '\t';
      })) {
    e.source_line = std::string(src);
  }
  return e;
}

std::string json_pointer_escape(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

bool is_hcl_path(std::string_view path) { return path.ends_with(".tf"); }

bool is_json_lines_path(std::string_view path) {
  return path.ends_with(".jsonl") || path.ends_with(".ndjson");
}

char first_significant_byte(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return c;
  }
  return 0;
}

// `doc` holds the text (format not yet known); checks it and parses it in
// place (the JSON readers' strings point into the Document's text), unless
// `defer_items` and it is a JSON array or JSON lines.
Result<std::shared_ptr<const Document>> parse_document_impl(std::shared_ptr<Document> doc,
                                                            const ReadOptions& opts,
                                                            bool defer_items) {
  const std::string_view text = doc->text_;
  const std::string& path = doc->path_;
  // An empty .tf file is a valid (empty) Terraform module.
  if (is_hcl_path(path)) {
    if (auto bad = utf8_first_invalid(text)) {
      return error_at_offset(ErrorCode::input, path, text, *bad, "invalid UTF-8");
    }
    doc->format_ = SourceFormat::hcl;
    SG_ASSIGN_OR_RETURN(doc->tree_, parse_hcl(path, text, opts.max_depth));
    return std::shared_ptr<const Document>(std::move(doc));
  }
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos || text == "\xEF\xBB\xBF") {
    return Error::at(ErrorCode::input, path, 1, 1, "empty document");
  }
  if (auto bad = utf8_first_invalid(text)) {
    return error_at_offset(ErrorCode::input, path, text, *bad, "invalid UTF-8");
  }
  const bool lines = is_json_lines_path(path);
  const char first = first_significant_byte(text);
  const bool json = lines || first == '{' || first == '[';
  doc->format_ = json ? SourceFormat::json : SourceFormat::yaml;
  if (defer_items && (lines || first == '[')) {
    doc->deferred_ = true;
    return std::shared_ptr<const Document>(std::move(doc));
  }
  // Readers get the whole text (they skip a BOM themselves) so that every
  // offset they record is an offset into `text`.
  SG_ASSIGN_OR_RETURN(doc->tree_, lines  ? parse_json_lines(path, text, opts.max_depth)
                                  : json ? parse_json(path, text, opts.max_depth)
                                         : parse_yaml(path, text, opts.max_depth));
  return std::shared_ptr<const Document>(std::move(doc));
}

Result<std::shared_ptr<const Document>> parse_document(std::string path, std::string text,
                                                       const ReadOptions& opts) {
  return parse_document_impl(
      std::make_shared<Document>(std::move(path), std::move(text), SourceFormat::json), opts,
      false);
}

Result<std::shared_ptr<const Document>> parse_document_deferred(std::string path,
                                                                std::string text,
                                                                const ReadOptions& opts) {
  return parse_document_impl(
      std::make_shared<Document>(std::move(path), std::move(text), SourceFormat::json), opts,
      true);
}

Result<std::shared_ptr<const Document>> parse_deferred_whole(const Document& deferred,
                                                             const ReadOptions& opts) {
  return parse_document_impl(std::make_shared<Document>(deferred.path_, deferred.text_owner_,
                                                        deferred.text_, deferred.format_),
                             opts, false);
}

std::shared_ptr<const Document> document_with_tree(std::shared_ptr<const Document> base,
                                                   ValueTree tree) {
  const std::string_view text = base->text_;
  auto doc = std::make_shared<Document>(base->path_, base, text, base->format_);
  doc->tree_ = std::move(tree);
  return doc;
}

Result<std::shared_ptr<const Document>> load_document(const std::string& path,
                                                      const ReadOptions& opts) {
  SG_ASSIGN_OR_RETURN(std::string text, read_file_limited(path, opts.max_file_size));
  return parse_document(path, std::move(text), opts);
}

Result<std::shared_ptr<const Document>> load_document_deferred(const std::string& path,
                                                               const ReadOptions& opts) {
  SG_ASSIGN_OR_RETURN(FileText file, read_file_text(path, opts.max_file_size));
  auto owner = std::make_shared<const FileText>(std::move(file));
  const std::string_view text = owner->view();
  return parse_document_impl(std::make_shared<Document>(path, owner, text, SourceFormat::json),
                             opts, true);
}

}  // namespace sageguard
