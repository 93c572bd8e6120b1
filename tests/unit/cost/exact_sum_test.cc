#include "cost/exact_sum.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>

namespace sageguard::cost {
namespace {

using Int = ExactSum::Int;

// What the conversion must equal: v * 2^64 (exact), rounded half to even.
Int reference(double v) { return static_cast<Int>(std::nearbyint(v * 0x1p64)); }

void expect_same(double v) {
  const Int want = reference(v), got = ExactSum::units(v);
  EXPECT_TRUE(want == got) << "v = " << v << " (" << std::hexfloat << v << std::defaultfloat << ")";
}

TEST(ExactSum, UnitsMatchRoundingHalfToEvenOverTheWholeRange) {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 500000; ++i) {
    // Random bit patterns with exponents from far below a unit (2^-64) to
    // the clamp (2^52): every branch of the conversion, both signs.
    const uint64_t exponent = 1023 - 80 + rng() % (80 + 52);
    const uint64_t bits =
        (rng() & ((uint64_t{1} << 52) - 1)) | (exponent << 52) | (rng() & (uint64_t{1} << 63));
    double v;
    std::memcpy(&v, &bits, sizeof v);
    expect_same(v);
  }
  // Costs as billing files hold them.
  for (int i = 0; i < 200000; ++i)
    expect_same(static_cast<double>(static_cast<int64_t>(rng() % 100000000)) / 1e4 - 5000);
}

TEST(ExactSum, UnitsRoundTiesToEven) {
  // Halfway between two units: 0.5, 1.5, 2.5 units, and a quarter.
  for (double k : {0.5, 1.5, 2.5, 3.5, 0.25, 0.75, 1.0, 2.0}) {
    expect_same(k * 0x1p-64);
    expect_same(-k * 0x1p-64);
  }
  EXPECT_TRUE(ExactSum::units(0.5 * 0x1p-64) == 0);
  EXPECT_TRUE(ExactSum::units(1.5 * 0x1p-64) == 2);
  EXPECT_TRUE(ExactSum::units(-2.5 * 0x1p-64) == -2);
  // Zero, a subnormal, the clamp.
  expect_same(0.0);
  expect_same(-0.0);
  expect_same(4.9e-324);
  expect_same(ExactSum::kLimit);
  expect_same(-ExactSum::kLimit);
}

TEST(ExactSum, SumsDoNotDependOnOrder) {
  std::mt19937_64 rng(3);
  std::vector<double> terms;
  for (int i = 0; i < 10000; ++i)
    terms.push_back(
        std::ldexp(static_cast<double>(rng() % 1000000) - 500000, -static_cast<int>(rng() % 70)));
  ExactSum forward, backward;
  for (double t : terms) forward += t;
  for (auto it = terms.rbegin(); it != terms.rend(); ++it) backward += *it;
  EXPECT_TRUE(forward == backward);
  ExactSum halves, second;
  for (std::size_t i = 0; i < terms.size() / 2; ++i) halves += terms[i];
  for (std::size_t i = terms.size() / 2; i < terms.size(); ++i) second += terms[i];
  halves += second;
  EXPECT_TRUE(halves == forward);
}

}  // namespace
}  // namespace sageguard::cost
