// Parsing of cost cells in billing exports (private to the cost module).
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

namespace sageguard::cost {

// The fast path of parse_cost: plain decimals only (no exponent, no spaces,
// no '+'), else nullopt. Inline: it runs for every billing row.
inline std::optional<double> parse_plain_decimal(std::string_view v);

// parse_cost for what parse_plain_decimal rejects.
std::optional<double> parse_cost_general(std::string_view v);

// A cost cell: decimal or scientific notation, optional '+'/'-', surrounding
// spaces allowed; an empty cell is 0 (tax and credit rows leave pricing
// columns empty). nullopt if not a finite number. Correctly rounded.
inline std::optional<double> parse_cost(std::string_view v) {
  if (auto fast = parse_plain_decimal(v)) return fast;
  return parse_cost_general(v);
}

namespace cost_number_detail {
// Exactly representable powers of ten for the fast path below.
inline constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// The value of the eight digits at p, or false if one of the bytes is not a
// digit. One 64-bit word instead of eight dependent steps: CUR costs have
// ten decimals, so most of a cell goes through here.
inline bool eight_digits(const char* p, uint64_t& value) {
  uint64_t x;
  std::memcpy(&x, p, 8);  // p[0] in the low byte
  constexpr uint64_t kHigh = 0xF0F0F0F0F0F0F0F0u, kZeros = 0x3030303030303030u, kSixes = 0x0606060606060606u;
  // Every byte is 0x30-0x3F, and adding 6 keeps it below 0x40 (so 0x30-0x39).
  if ((x & kHigh) != kZeros || ((x + kSixes) & kHigh) != kZeros) return false;
  x -= kZeros;                    // byte i = digit i
  x = x * 10 + (x >> 8);          // bytes 0, 2, 4, 6: the two-digit numbers d0d1, d2d3, d4d5, d6d7
  const uint64_t a = x & 0x000000FF000000FFu;          // d0d1, d4d5
  const uint64_t b = (x >> 16) & 0x000000FF000000FFu;  // d2d3, d6d7
  // The upper halves of the products add up to d0d1*10^6 + d2d3*10^4 +
  // d4d5*100 + d6d7; the lower halves stay below 2^32 and do not carry in.
  value = (a * (100 + (uint64_t{1000000} << 32)) + b * (1 + (uint64_t{10000} << 32))) >> 32;
  return true;
}

// Appends the digits at p to mant; false when there would be more than 19
// digits in all (mant could overflow).
inline bool take_digits(const char*& p, const char* end, uint64_t& mant, int& digits) {
  uint64_t eight = 0;
  while (end - p >= 8 && eight_digits(p, eight)) {
    if (digits > 11) return false;
    mant = mant * 100000000 + eight;
    digits += 8;
    p += 8;
  }
  while (p < end && static_cast<unsigned char>(*p - '0') < 10) {
    if (digits >= 19) return false;
    mant = mant * 10 + static_cast<uint64_t>(*p++ - '0');
    ++digits;
  }
  return true;
}

}  // namespace cost_number_detail

// Plain decimals ("-12.3456789012", as CUR writes them) with at most 19
// digits whose digits form an integer below 2^53: that integer and the power
// of ten are exact doubles, so one IEEE division gives the correctly rounded
// value, the same as from_chars. Anything else (exponents, long mantissas)
// returns nullopt and takes the general path.
inline std::optional<double> parse_plain_decimal(std::string_view v) {
  using namespace cost_number_detail;
  const char* p = v.data();
  const char* end = p + v.size();
  bool neg = false;
  if (p < end && *p == '-') {
    neg = true;
    ++p;
  }
  uint64_t mant = 0;
  int digits = 0;
  if (!take_digits(p, end, mant, digits) || digits == 0) return std::nullopt;
  const int int_digits = digits;
  if (p < end && *p == '.') {
    ++p;
    if (!take_digits(p, end, mant, digits) || digits == int_digits) return std::nullopt;
  }
  const int frac_digits = digits - int_digits;
  if (p != end || mant > (uint64_t{1} << 53)) return std::nullopt;
  double d = static_cast<double>(mant) / kPow10[frac_digits];
  return neg ? -d : d;
}


}  // namespace sageguard::cost
