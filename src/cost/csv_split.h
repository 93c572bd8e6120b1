// Cutting CSV text into pieces of whole records (private to the cost
// module), so several threads can parse one file, and the 64-byte block
// classification CsvReader and RecordScanner (cur_scan.h) share. Same quoting
// rule everywhere: every quote toggles the quoted state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "sageguard/result.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#endif

namespace sageguard::cost {

struct RecordEnd {
  std::size_t offset = 0;  // of the last newline outside quotes
  uint64_t newlines = 0;   // newlines in [0, offset], quoted ones included
};

// The end of the last complete record in data[0, len), which must start
// outside quotes (at a record boundary); nullopt when no record ends there.
std::optional<RecordEnd> last_record_end(const char* data, std::size_t len);

// Where the quoted field that made a record run on opens, in data[0, len)
// (which starts at a record boundary). `left_open`: the input ends inside
// quotes, and the last quote opened the field still open. Else the quote
// that opened the quoted run holding the record's first newline, or the
// last quote when no newline is quoted. nullopt when there is no quote.
std::optional<std::size_t> opening_quote(const char* data, std::size_t len, bool left_open);

// An input error at the quote data[quote] (data starts at a record boundary
// on line `first_line`): FILE:LINE:COL of the quote, the line's text for
// the caret, and `what`.
Error quote_error(const std::string& file, const char* data, std::size_t len, uint64_t first_line,
                  std::size_t quote, const std::string& what);

// Bit i set when byte p[i] is a quote, a comma, a newline. Reads exactly 64
// bytes (AVX2 when the CPU has it, else SSE2, else a plain loop).
struct CsvMasks {
  uint64_t quote = 0, comma = 0, nl = 0;
};
using CsvClassifier = CsvMasks (*)(const char*);
extern const CsvClassifier csv_classify64;

// True when the CPU has AVX2, BMI1/2, POPCNT, LZCNT and PCLMUL: then the
// block scanners use their kCsvFastTarget versions.
extern const bool csv_cpu_fast;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SG_CSV_FAST_TARGET 1
#define SG_CSV_FAST_ATTR __attribute__((target("avx2,bmi,bmi2,popcnt,lzcnt,pclmul")))

// csv_classify64 and csv_prefix_xor for those CPUs, to inline into code
// compiled for them: two 32-byte compares per class, one carry-less multiply.
SG_CSV_FAST_ATTR inline uint64_t csv_match64_fast(__m256i lo, __m256i hi, char c) {
  const __m256i x = _mm256_set1_epi8(c);
  return static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, x)))) |
         static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, x)))) << 32;
}
SG_CSV_FAST_ATTR inline CsvMasks csv_classify64_fast(const char* p) {
  const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
  return CsvMasks{csv_match64_fast(lo, hi, '"'), csv_match64_fast(lo, hi, ','), csv_match64_fast(lo, hi, '\n')};
}
SG_CSV_FAST_ATTR inline uint64_t csv_prefix_xor_fast(uint64_t x) {
  const __m128i r = _mm_clmulepi64_si128(_mm_set_epi64x(0, static_cast<long long>(x)), _mm_set1_epi8(-1), 0);
  return static_cast<uint64_t>(_mm_cvtsi128_si64(r));
}
#endif

// Bit i of the result = XOR of bits 0..i: 1 from an opening quote up to (not
// including) the quote that closes it. A doubled quote closes and reopens.
inline uint64_t csv_prefix_xor(uint64_t x) {
  x ^= x << 1;
  x ^= x << 2;
  x ^= x << 4;
  x ^= x << 8;
  x ^= x << 16;
  x ^= x << 32;
  return x;
}

}  // namespace sageguard::cost
