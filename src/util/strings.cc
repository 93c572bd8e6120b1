#include "util/strings.h"

#include <algorithm>
#include <numeric>

#if defined(__SSE2__) && defined(__x86_64__)
#include <emmintrin.h>
#endif

namespace sageguard {

namespace {

// Counts the bytes of `s` for which `vec` (sixteen at a time, 0xFF per
// matching byte) and `one` (the tail) agree: per-byte counters for up to 255
// blocks (each compare subtracts -1), then summed into two 64-bit lanes by
// psadbw. std::count compiles to a loop that widens every byte to 64 bits,
// four times slower on a large bundle.
template <class Vec, class One>
size_t count_matching(std::string_view s, Vec vec, One one) {
  const char* p = s.data();
  const char* end = p + s.size();
  size_t n = 0;
#if defined(__SSE2__) && defined(__x86_64__)
  const __m128i zero = _mm_setzero_si128();
  while (end - p >= 16) {
    __m128i acc = zero;
    const size_t blocks = std::min<size_t>(static_cast<size_t>(end - p) / 16, 255);
    for (size_t b = 0; b < blocks; ++b, p += 16) {
      acc = _mm_sub_epi8(acc, vec(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))));
    }
    const __m128i sums = _mm_sad_epu8(acc, zero);
    n += static_cast<size_t>(_mm_cvtsi128_si64(sums)) +
         static_cast<size_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
  }
#else
  (void)vec;
#endif
  for (; p < end; ++p) n += one(*p) ? 1 : 0;
  return n;
}

}  // namespace

size_t count_byte(std::string_view s, char c) {
#if defined(__SSE2__) && defined(__x86_64__)
  const __m128i needle = _mm_set1_epi8(c);
  auto vec = [&](__m128i v) { return _mm_cmpeq_epi8(v, needle); };
#else
  auto vec = nullptr;
#endif
  return count_matching(s, vec, [c](char b) { return b == c; });
}

size_t count_utf8_continuation_bytes(std::string_view s) {
#if defined(__SSE2__) && defined(__x86_64__)
  // 0x80-0xBF are the signed bytes below -64 (0xC0).
  const __m128i bound = _mm_set1_epi8(-64);
  auto vec = [&](__m128i v) { return _mm_cmplt_epi8(v, bound); };
#else
  auto vec = nullptr;
#endif
  return count_matching(s, vec, [](char b) { return (static_cast<unsigned char>(b) & 0xC0) == 0x80; });
}

size_t edit_distance(std::string_view a, std::string_view b, size_t cap) {
  // Optimal string alignment: Levenshtein plus adjacent transpositions, the
  // commonest typo ("Contcat").
  const size_t n = a.size(), m = b.size();
  if ((n > m ? n - m : m - n) > cap) return cap + 1;
  std::vector<size_t> prev2(m + 1), prev(m + 1), cur(m + 1);
  std::iota(prev.begin(), prev.end(), size_t{0});
  for (size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    size_t row_min = cur[0];
    for (size_t j = 1; j <= m; ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > cap) return cap + 1;
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[m];
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

static std::string squash(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == ' ' || c == '_' || c == '-') continue;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

template <typename Strings>
static std::optional<std::string> closest_in(std::string_view word, const Strings& candidates) {
  const std::string w = squash(word);
  const std::string lower_word = ascii_lower(word);
  std::optional<std::string_view> best;
  size_t best_d = 0;
  for (std::string_view c : candidates) {
    if (c == word) continue;
    if (squash(c) == w) return std::string(c);
    // Allow one edit per four characters, at least one, at most three.
    const size_t allowed = std::clamp<size_t>(std::max(word.size(), c.size()) / 4, 1, 3);
    size_t d = edit_distance(lower_word, ascii_lower(c), allowed);
    if (d <= allowed && (!best || d < best_d)) {
      best = c;
      best_d = d;
    }
  }
  if (!best) return std::nullopt;
  return std::string(*best);
}

std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates) {
  return closest_in(word, candidates);
}

std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string_view>& candidates) {
  return closest_in(word, candidates);
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

size_t utf8_char_length(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t need = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
  }
  if (need == 0 || i + need >= s.size()) return 1;
  for (size_t k = 1; k <= need; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 1;
  }
  return need + 1;
}

std::string terminal_safe(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f) {
        out += "\\x";
        out += kHex[c >> 4];
        out += kHex[c & 0xf];
      } else {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    const size_t len = utf8_char_length(s, i);
    if (len == 1) {
      // Not UTF-8: a lone byte, which some terminals read as a C1 control.
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else if (c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) {
      // U+0080..U+009F: the C1 controls (U+009B is CSI).
      const auto cp = static_cast<unsigned char>(s[i + 1]);
      out += "\\u00";
      out += kHex[cp >> 4];
      out += kHex[cp & 0xf];
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  return out;
}

}  // namespace sageguard
