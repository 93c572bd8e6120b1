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

namespace sageguard::cost {

class ExactSum {
 public:
  ExactSum() = default;
  explicit ExactSum(double v) { *this += v; }

  // Largest magnitude accepted as a term; larger ones are clamped to it.
  static constexpr double kLimit = 0x1p52;

  ExactSum& operator+=(double v) {
    if (!(std::fabs(v) < kLimit)) v = std::isnan(v) ? 0.0 : std::copysign(kLimit, v);
    // v * 2^64 is exact; nearbyint rounds the fraction half to even.
    add(static_cast<Int>(std::nearbyint(v * 0x1p64)));
    return *this;
  }
  ExactSum& operator+=(const ExactSum& o) {
    add(o.units_);
    overflow_ = overflow_ || o.overflow_;
    return *this;
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
  __extension__ typedef __int128 Int;  // a GCC/Clang extension
  void add(Int u) { overflow_ = __builtin_add_overflow(units_, u, &units_) || overflow_; }
  Int units_ = 0;
  bool overflow_ = false;
};

}  // namespace sageguard::cost
