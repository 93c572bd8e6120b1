#include "cost/cost_number.h"

#include <gtest/gtest.h>

#include <charconv>
#include <cstdio>
#include <random>
#include <string>

namespace sageguard::cost {
namespace {

double reference(const std::string& s) {
  double d = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  EXPECT_TRUE(ec == std::errc() && p == s.data() + s.size()) << s;
  return d;
}

TEST(CostNumber, FastPathIsBitIdenticalToFromChars) {
  std::mt19937_64 rng(7);
  char buf[64];
  for (int i = 0; i < 200000; ++i) {
    double v = std::uniform_real_distribution<double>(-1e6, 1e6)(rng) / static_cast<double>(1 + rng() % 1000);
    int decimals = static_cast<int>(rng() % 14);
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    std::string s = buf;
    auto fast = parse_plain_decimal(s);
    auto full = parse_cost(s);
    ASSERT_TRUE(full.has_value()) << s;
    EXPECT_EQ(*full, reference(s)) << s;
    if (fast) {
      EXPECT_EQ(*fast, reference(s)) << s;
    }
  }
}

// The fast path as a digit-at-a-time loop (what it was before it took eight
// digits per step): same accept/reject decisions, same value.
std::optional<double> simple_plain_decimal(const std::string& v) {
  std::size_t i = 0;
  bool neg = i < v.size() && v[i] == '-';
  if (neg) ++i;
  std::string digits;
  int int_digits = 0, frac_digits = 0;
  for (; i < v.size() && v[i] >= '0' && v[i] <= '9'; ++i, ++int_digits) digits += v[i];
  if (i < v.size() && v[i] == '.') {
    ++i;
    for (; i < v.size() && v[i] >= '0' && v[i] <= '9'; ++i, ++frac_digits) digits += v[i];
    if (frac_digits == 0) return std::nullopt;
  }
  if (i != v.size() || int_digits == 0 || digits.size() > 19) return std::nullopt;
  uint64_t mant = 0;  // at most 19 digits: below 2^64
  for (char c : digits) mant = mant * 10 + static_cast<uint64_t>(c - '0');
  if (mant > (uint64_t{1} << 53)) return std::nullopt;
  double pow10 = 1;
  for (int k = 0; k < frac_digits; ++k) pow10 *= 10;
  double d = static_cast<double>(mant) / pow10;
  return neg ? -d : d;
}

TEST(CostNumber, EightDigitStepsMatchADigitAtATimeLoop) {
  std::mt19937_64 rng(8);
  // Digits plus the bytes next to '0' and '9' in ASCII, which a sloppy
  // eight-byte digit test would let through.
  const char alphabet[] = "0123456789012345678901234567890123456789/:.-eE +";
  for (int i = 0; i < 300000; ++i) {
    std::string s;
    if (rng() % 2) s += '-';
    std::size_t n = rng() % 24;
    for (std::size_t k = 0; k < n; ++k) s += alphabet[rng() % (sizeof alphabet - 1)];
    if (rng() % 2) {
      // Mostly well-formed: digits '.' digits, lengths around the 8-digit steps.
      s = (rng() % 2 ? "-" : "") + std::to_string(rng() % 1000000000000ull);
      if (rng() % 4) {
        s += '.';
        std::size_t f = rng() % 21;
        for (std::size_t k = 0; k < f; ++k) s += static_cast<char>('0' + rng() % 10);
      }
    }
    auto got = parse_plain_decimal(s);
    auto want = simple_plain_decimal(s);
    ASSERT_EQ(got.has_value(), want.has_value()) << s;
    if (want) {
      EXPECT_EQ(*got, *want) << s;
      EXPECT_EQ(*got, reference(s)) << s;
    }
  }
}

TEST(CostNumber, EdgeCases) {
  EXPECT_EQ(parse_cost(""), 0.0);
  EXPECT_EQ(parse_cost("  "), 0.0);
  EXPECT_EQ(parse_cost(" 1.5 "), 1.5);
  EXPECT_EQ(parse_cost("+2.25"), 2.25);
  EXPECT_EQ(parse_cost("1.2E-05"), 1.2e-05);
  EXPECT_EQ(parse_cost("-3"), -3.0);
  EXPECT_EQ(parse_cost("9007199254740993"), 9007199254740992.0);  // 2^53 + 1 rounds like from_chars
  EXPECT_EQ(parse_cost("0.30000000000000004441"), reference("0.30000000000000004441"));
  EXPECT_FALSE(parse_cost("N/A"));
  EXPECT_FALSE(parse_cost("1.2.3"));
  EXPECT_FALSE(parse_cost("inf"));
  EXPECT_FALSE(parse_cost("nan"));
  EXPECT_FALSE(parse_cost("1e999"));
  // Not plain: left to the general path.
  EXPECT_FALSE(parse_plain_decimal("1e5"));
  EXPECT_FALSE(parse_plain_decimal("5."));
  EXPECT_FALSE(parse_plain_decimal(".5"));
  EXPECT_FALSE(parse_plain_decimal("-"));
  EXPECT_FALSE(parse_plain_decimal("12345678901234567890"));
}

}  // namespace
}  // namespace sageguard::cost
