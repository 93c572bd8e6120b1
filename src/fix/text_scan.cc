#include "fix/text_scan.h"

#include <algorithm>

namespace sageguard::fix {

uint64_t line_start(std::string_view text, uint64_t off) {
  off = std::min<uint64_t>(off, text.size());
  while (off > 0 && text[off - 1] != '\n') --off;
  return off;
}

uint64_t next_line(std::string_view text, uint64_t off) {
  const size_t nl = text.find('\n', off);
  return nl == std::string_view::npos ? text.size() : nl + 1;
}

uint64_t column_of(std::string_view text, uint64_t off) { return off - line_start(text, off); }

std::string line_indent(std::string_view text, uint64_t off) {
  const uint64_t start = line_start(text, off);
  uint64_t i = start;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  return std::string(text.substr(start, i - start));
}

std::string newline_of(std::string_view text) {
  const size_t nl = text.find('\n');
  if (nl != std::string_view::npos && nl > 0 && text[nl - 1] == '\r') return "\r\n";
  return "\n";
}

bool contains_newline(std::string_view text, uint64_t from, uint64_t to) {
  if (from >= to || from >= text.size()) return false;
  return text.substr(from, to - from).find('\n') != std::string_view::npos;
}

}  // namespace sageguard::fix
