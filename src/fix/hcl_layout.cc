#include "fix/hcl_layout.h"

#include <algorithm>

#include "fix/text_scan.h"

namespace sageguard::fix {
namespace {

bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

HclLayout::HclLayout(std::string_view text) : text_(text) {
  uint64_t pos = 0;
  HclLine cur;
  while (pos < text_.size()) {
    const char c = text_[pos];
    const uint64_t after = skip_token(pos);
    if (after != pos) {
      pos = after;  // a heredoc or /* */ ends its line where it ends
      continue;
    }
    ++pos;
    if (c == '\n') {
      cur.end = pos;
      lines_.push_back(cur);
      cur = HclLine{};
      cur.start = pos;
    }
  }
  if (cur.start < text_.size() || lines_.empty()) {
    cur.end = text_.size();
    lines_.push_back(cur);
  }
  for (HclLine& l : lines_) classify(l);
}

uint64_t HclLayout::skip_token(uint64_t pos) const {
  const uint64_t n = text_.size();
  if (pos >= n) return pos;
  const char c = text_[pos];
  if (c == '#' || (c == '/' && pos + 1 < n && text_[pos + 1] == '/')) {
    const size_t nl = text_.find('\n', pos);
    return nl == std::string_view::npos ? n : nl;
  }
  if (c == '/' && pos + 1 < n && text_[pos + 1] == '*') {
    const size_t end = text_.find("*/", pos + 2);
    return end == std::string_view::npos ? n : end + 2;
  }
  if (c == '"') {
    uint64_t i = pos + 1;
    while (i < n && text_[i] != '"' && text_[i] != '\n') {
      if (text_[i] == '\\') {
        i += 2;
      } else if ((text_[i] == '$' || text_[i] == '%') && i + 1 < n && text_[i + 1] == text_[i] &&
                 i + 2 < n && text_[i + 2] == '{') {
        i += 3;  // $${ and %%{ are literal
      } else if ((text_[i] == '$' || text_[i] == '%') && i + 1 < n && text_[i + 1] == '{') {
        // An interpolation: balanced braces, strings inside skipped.
        int depth = 0;
        i += 1;
        while (i < n) {
          const uint64_t s = skip_token(i);
          if (s != i) {
            i = s;
            continue;
          }
          if (text_[i] == '{') ++depth;
          if (text_[i] == '}' && --depth == 0) break;
          ++i;
        }
        ++i;
      } else {
        ++i;
      }
    }
    // An unterminated string (the reader refuses those) ends at its line.
    return i < n && text_[i] == '"' ? i + 1 : std::min(n, i);
  }
  if (c == '<' && pos + 1 < n && text_[pos + 1] == '<') {
    uint64_t i = pos + 2;
    if (i < n && text_[i] == '-') ++i;
    const uint64_t id = i;
    while (i < n && ident_char(text_[i])) ++i;
    if (i == id) return pos;
    const std::string_view marker = text_.substr(id, i - id);
    if (trimmed(text_.substr(i, next_line(text_, i) - i)) != "") return pos;
    for (uint64_t l = next_line(text_, i); l < n; l = next_line(text_, l)) {
      const uint64_t e = next_line(text_, l);
      if (trimmed(text_.substr(l, e - l)) == marker) {
        // Past the marker, before its line's newline.
        const size_t nl = text_.find('\n', l);
        return nl == std::string_view::npos ? n : nl;
      }
    }
    return n;
  }
  return pos;
}

std::optional<uint64_t> HclLayout::match_close(uint64_t open) const {
  int depth = 0;
  for (uint64_t i = open; i < text_.size();) {
    const uint64_t s = skip_token(i);
    if (s != i) {
      i = s;
      continue;
    }
    const char c = text_[i];
    if (c == '{' || c == '[' || c == '(') ++depth;
    if ((c == '}' || c == ']' || c == ')') && --depth == 0) return i;
    ++i;
  }
  return std::nullopt;
}

void HclLayout::classify(HclLine& line) const {
  // The tokens of the line, as fmt sees them: the first '=' that is an
  // assignment (not ==, !=, <=, >=, =>), brackets counted from there to
  // the end of the line or a heredoc's start.
  uint64_t i = line.start;
  while (i < line.end && (text_[i] == ' ' || text_[i] == '\t')) ++i;
  const uint64_t first = i;
  int net = 0;
  bool after_eq = false;
  uint64_t last_token_end = first;
  while (i < line.end && text_[i] != '\n') {
    const char c = text_[i];
    if (c == '#' || (c == '/' && i + 1 < line.end && text_[i + 1] == '/')) {
      line.comment = i > first;
      line.comment_at = i;
      line.content_end = last_token_end;
      break;
    }
    const uint64_t s = skip_token(i);
    if (s != i) {
      if (c == '<') break;  // a heredoc: fmt stops counting brackets here
      if (c == '/' && contains_newline(text_, i, s)) break;
      i = s;
      last_token_end = i;
      continue;
    }
    if (c == '=' && !after_eq) {
      const char prev = i > line.start ? text_[i - 1] : ' ';
      const char next = i + 1 < line.end ? text_[i + 1] : ' ';
      if (next != '=' && next != '>' && prev != '=' && prev != '!' && prev != '<' && prev != '>' &&
          i > first) {
        after_eq = true;
        line.eq = i;
        line.lead_end = last_token_end;
        ++i;
        continue;
      }
    }
    if (after_eq) {
      if (c == '{' || c == '[' || c == '(') ++net;
      if (c == '}' || c == ']' || c == ')') --net;
    }
    ++i;
    if (c != ' ' && c != '\t' && c != '\r') last_token_end = i;
  }
  line.assign = after_eq && net == 0;
}

size_t HclLayout::line_index(uint64_t off) const {
  const auto it = std::upper_bound(lines_.begin(), lines_.end(), off,
                                   [](uint64_t o, const HclLine& l) { return o < l.start; });
  return it == lines_.begin() ? 0 : static_cast<size_t>(it - lines_.begin()) - 1;
}

const HclLine& HclLayout::line_at(uint64_t off) const { return lines_[line_index(off)]; }

std::pair<size_t, size_t> HclLayout::chain(size_t i) const {
  size_t first = i, last = i;
  while (first > 0 && lines_[first - 1].assign) --first;
  while (last + 1 < lines_.size() && lines_[last + 1].assign) ++last;
  return {first, last};
}

std::pair<size_t, size_t> HclLayout::comment_chain(size_t i) const {
  size_t first = i, last = i;
  while (first > 0 && lines_[first - 1].comment) --first;
  while (last + 1 < lines_.size() && lines_[last + 1].comment) ++last;
  return {first, last};
}

uint64_t HclLayout::column(uint64_t off) const { return off - line_start(text_, off); }

}  // namespace sageguard::fix
