// Small byte-level helpers the format editors share: line boundaries,
// indentation, the file's newline convention. Pure functions over a
// string_view; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sageguard::fix {

uint64_t line_start(std::string_view text, uint64_t off);
// Offset just past the line's '\n' (or text.size() on the last line).
uint64_t next_line(std::string_view text, uint64_t off);
// Bytes from the line start to `off`.
uint64_t column_of(std::string_view text, uint64_t off);
// The run of spaces/tabs that starts the line holding `off`.
std::string line_indent(std::string_view text, uint64_t off);
// "\r\n" if the text uses CRLF line ends, "\n" otherwise.
std::string newline_of(std::string_view text);
bool contains_newline(std::string_view text, uint64_t from, uint64_t to);

}  // namespace sageguard::fix
