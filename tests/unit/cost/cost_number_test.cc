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
