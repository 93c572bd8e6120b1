// UTF-8 helpers: validation (SIMD fast path, scalar scan to locate the first
// bad byte) and code-point counting for column numbers. Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sageguard {

bool utf8_is_valid(std::string_view s);
// Offset of the first byte that is not part of a valid UTF-8 sequence.
std::optional<uint64_t> utf8_first_invalid(std::string_view s);
// Number of code points in valid UTF-8 (continuation bytes not counted).
uint64_t utf8_count_code_points(std::string_view s);
// Append the UTF-8 encoding of code point `cp` to `out`.
void utf8_append(std::string& out, uint32_t cp);

}  // namespace sageguard
