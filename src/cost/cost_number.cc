// Cost cells: a fast exact path for plain decimals, from_chars for the rest.
#include "cost_number.h"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace sageguard::cost {

namespace {
// Exactly representable powers of ten for the fast path below.
constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                             1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

}  // namespace

// Plain decimals ("-12.3456789012", as CUR writes them) with at most 19
// digits whose digits form an integer below 2^53: that integer and the power
// of ten are exact doubles, so one IEEE division gives the correctly rounded
// value, the same as from_chars. Anything else (exponents, long mantissas)
// returns nullopt and takes the general path.
std::optional<double> parse_plain_decimal(std::string_view v) {
  const char* p = v.data();
  const char* end = p + v.size();
  bool neg = false;
  if (p < end && *p == '-') {
    neg = true;
    ++p;
  }
  uint64_t mant = 0;
  int int_digits = 0, frac_digits = 0;
  while (p < end && static_cast<unsigned char>(*p - '0') < 10) {
    mant = mant * 10 + static_cast<uint64_t>(*p++ - '0');
    ++int_digits;
  }
  if (p < end && *p == '.') {
    ++p;
    while (p < end && static_cast<unsigned char>(*p - '0') < 10) {
      mant = mant * 10 + static_cast<uint64_t>(*p++ - '0');
      ++frac_digits;
    }
    if (frac_digits == 0) return std::nullopt;
  }
  if (p != end || int_digits == 0 || int_digits + frac_digits > 19 || mant > (uint64_t{1} << 53)) return std::nullopt;
  double d = static_cast<double>(mant) / kPow10[frac_digits];
  return neg ? -d : d;
}

// Empty cells count as 0 (tax and credit rows leave pricing columns empty).
std::optional<double> parse_cost(std::string_view v) {
  if (auto fast = parse_plain_decimal(v)) return fast;
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v.empty()) return 0.0;
  if (v.front() == '+') v.remove_prefix(1);
  double d = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (ec != std::errc() || p != v.data() + v.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}


}  // namespace sageguard::cost
