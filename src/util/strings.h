// Small string helpers shared across modules: edit distance for "did you
// mean" suggestions, case folding, joining. Pure functions.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sageguard {

// Edit distance over bytes (insert, delete, substitute, swap adjacent);
// stops early once it exceeds `cap`.
size_t edit_distance(std::string_view a, std::string_view b, size_t cap = 1000);

// The candidate closest to `word` when it is a plausible misspelling: equal
// ignoring case/spaces/underscores/hyphens, or within a small edit distance
// relative to its length. nullopt when nothing is close.
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string_view>& candidates);

// How many bytes of `s` equal `c` (newlines, mostly): sixteen bytes a step
// with SSE2 where available.
size_t count_byte(std::string_view s, char c);
// How many bytes of `s` are UTF-8 continuation bytes (0x80-0xBF), the same
// way: the code points of valid UTF-8 are its bytes minus these.
size_t count_utf8_continuation_bytes(std::string_view s);

// Equality for short strings (member names, tag keys) without a call into
// libc: they are mostly 4-30 bytes, where memcmp's call and size dispatch
// cost more than the comparison (it was ~6% of checking a large bundle).
// The word loads overlap rather than read past either string.
inline bool same_bytes(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  if (n != b.size()) return false;
  const char* p = a.data();
  const char* q = b.data();
  if (n >= 8) {
    auto word = [](const char* x) {
      uint64_t w;
      std::memcpy(&w, x, 8);
      return w;
    };
    for (size_t i = 0; i + 8 < n; i += 8) {
      if (word(p + i) != word(q + i)) return false;
    }
    return word(p + n - 8) == word(q + n - 8);
  }
  if (n >= 4) {
    auto word = [](const char* x) {
      uint32_t w;
      std::memcpy(&w, x, 4);
      return w;
    };
    return word(p) == word(q) && word(p + n - 4) == word(q + n - 4);
  }
  for (size_t i = 0; i < n; ++i) {
    if (p[i] != q[i]) return false;
  }
  return true;
}

// The value of one hexadecimal digit (either case), or -1 for any other
// character: JSON's \u escapes, SigV4's percent-decoding and XML's &#x;
// references all read digits this way.
constexpr int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string ascii_lower(std::string_view s);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
// For text meant for a terminal: control characters (C0 and DEL), which
// could move the cursor or recolour the screen when a finding or an error
// quotes a hostile value, are shown as \xNN instead; so are bytes that are
// not UTF-8 (8-bit terminals read 0x9B as CSI), and the C1 controls
// U+0080..U+009F as \u00NN. Everything else is unchanged.
std::string terminal_safe(std::string_view s);
// Bytes in the UTF-8 character at s[i] (1 for ASCII and for a byte that
// does not start a whole sequence).
size_t utf8_char_length(std::string_view s, size_t i);

}  // namespace sageguard
