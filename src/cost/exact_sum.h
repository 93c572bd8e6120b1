// A sum of costs that does not depend on the order of its terms: each term
// is rounded once to a multiple of 2^-64 (about 5e-20, far below a double's
// precision at billing magnitudes) and the multiples are added exactly in
// 128-bit integers. So a file read in one piece or in chunks, on one thread
// or several, as CSV or as Parquet row groups, sums to the same double: the
// exact sum rounded once. Terms are clamped to |x| < 2^52 (callers reject
// costs from 1e15); a total beyond about 9.2e18 is reported as NaN rather
// than wrapped. Plain value type; not shared between threads.
#pragma once

#include <cmath>
#include <compare>
#include <cstdint>
#include <cstring>

namespace sageguard::cost {

class ExactSum {
 public:
  __extension__ typedef __int128 Int;  // a GCC/Clang extension
  ExactSum() = default;
  explicit ExactSum(double v) { *this += v; }

  // Largest magnitude accepted as a term; larger ones are clamped to it.
  static constexpr double kLimit = 0x1p52;

  // Always inlined: it runs once per billing row, and the compiler's guess
  // left it a call.
  [[gnu::always_inline]] ExactSum& operator+=(double v) {
    if (!(std::fabs(v) < kLimit)) v = std::isnan(v) ? 0.0 : std::copysign(kLimit, v);
    add(units(v));
    return *this;
  }
  ExactSum& operator+=(const ExactSum& o) {
    add(o.units_);
    overflow_ = overflow_ || o.overflow_;
    return *this;
  }
  // v * 2^64 rounded half to even (what nearbyint does in the default
  // rounding mode), for |v| <= kLimit, from v's bits: the library's
  // double-to-128-bit conversion and nearbyint are calls, and this runs
  // once per billing row. Public for its test.
  static Int units(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    const int exponent = static_cast<int>((bits >> 52) & 0x7ff);
    if (exponent == 0) return 0;  // zero or subnormal: far below 2^-65
    const uint64_t mantissa = (bits & ((uint64_t{1} << 52) - 1)) | (uint64_t{1} << 52);
    // v = mantissa * 2^(exponent - 1075), so v * 2^64 = mantissa * 2^shift.
    const int shift = exponent - 1011;
    Int u;
    if (shift >= 0) {
      u = static_cast<Int>(mantissa) << shift;  // shift <= 64 as |v| <= 2^52
    } else if (shift < -54) {
      u = 0;  // below a quarter of a unit (mantissa < 2^53)
    } else {
      const int drop = -shift;
      uint64_t q = mantissa >> drop;
      const uint64_t rest = mantissa & ((uint64_t{1} << drop) - 1);
      const uint64_t half = uint64_t{1} << (drop - 1);
      if (rest > half || (rest == half && (q & 1) != 0)) ++q;
      u = static_cast<Int>(q);
    }
    return (bits >> 63) != 0 ? -u : u;
  }

  // The sum rounded once to the nearest double.
  explicit operator double() const { return overflow_ ? NAN : static_cast<double>(units_) * 0x1p-64; }

  bool operator==(const ExactSum& o) const { return units_ == o.units_; }
  std::strong_ordering operator<=>(const ExactSum& o) const {
    return units_ < o.units_ ? std::strong_ordering::less
           : units_ > o.units_ ? std::strong_ordering::greater
                               : std::strong_ordering::equal;
  }

 private:
  void add(Int u) { overflow_ = __builtin_add_overflow(units_, u, &units_) || overflow_; }
  Int units_ = 0;
  bool overflow_ = false;
};

}  // namespace sageguard::cost
