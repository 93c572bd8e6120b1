// The run of bytes a JSON string holds as they are, found sixteen bytes a
// step with SSE2. Shared by the reader (which stops at what ends or escapes
// a string) and the report writer (which also stops at non-ASCII bytes, to
// check their UTF-8 before copying them). Inline: the reader calls it for
// every string of a large bundle.
#pragma once

#include <cstddef>

#if defined(__SSE2__) && defined(__x86_64__)
#include <emmintrin.h>
#endif

namespace sageguard {

// Length of the longest prefix of [p, p + n) holding no quote, backslash or
// control byte (< 0x20), nor, if `stop_at_non_ascii`, a byte >= 0x80.
inline size_t json_plain_run(const char* p, size_t n, bool stop_at_non_ascii) {
  size_t i = 0;
#if defined(__SSE2__) && defined(__x86_64__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i below_space = _mm_set1_epi8(0x1F);
  for (; i + 16 <= n; i += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    // Unsigned x <= 0x1F is max(x, 0x1F) == 0x1F; bytes >= 0x80 have their
    // top bit set, which movemask of x itself reports.
    const __m128i hit =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)),
                     _mm_cmpeq_epi8(_mm_max_epu8(x, below_space), below_space));
    int mask = _mm_movemask_epi8(hit);
    if (stop_at_non_ascii) mask |= _mm_movemask_epi8(x);
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  for (; i < n; ++i) {
    const auto c = static_cast<unsigned char>(p[i]);
    if (c < 0x20 || c == '"' || c == '\\' || (stop_at_non_ascii && c >= 0x80)) break;
  }
  return i;
}

}  // namespace sageguard
