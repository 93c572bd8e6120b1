#include "util/strings.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <random>
#include <string>

#include "util/json_scan.h"

namespace sageguard {
namespace {

TEST(TerminalSafe, ControlCharactersBecomeHexEscapes) {
  EXPECT_EQ(terminal_safe("plain text, café"), "plain text, café");
  EXPECT_EQ(terminal_safe("\x1b[31mred"), "\\x1b[31mred");
  EXPECT_EQ(terminal_safe(std::string_view("a\0b\x7f\n", 5)), "a\\x00b\\x7f\\x0a");
}

// count_byte against std::count: every length up to a few blocks, every
// start alignment, and texts long enough to pass the 255-block flush.
TEST(CountByte, AgreesWithStdCount) {
  std::mt19937 rng(3);
  std::string text(16 * 255 * 3 + 77, ' ');
  for (char& ch : text) ch = static_cast<char>(rng() % 4 == 0 ? '\n' : rng() % 256);
  for (size_t start = 0; start < 17; ++start) {
    for (size_t len = 0; start + len <= 200; ++len) {
      const std::string_view s(text.data() + start, len);
      ASSERT_EQ(count_byte(s, '\n'), static_cast<size_t>(std::count(s.begin(), s.end(), '\n')))
          << start << "+" << len;
    }
  }
  for (const size_t len : {size_t{16 * 255}, size_t{16 * 255 + 1}, size_t{16 * 256}, text.size() - 3}) {
    for (const char c : {'\n', '\xFF', '\0'}) {
      const std::string_view s(text.data() + 3, len);
      EXPECT_EQ(count_byte(s, c), static_cast<size_t>(std::count(s.begin(), s.end(), c))) << len;
    }
  }
  // All bytes equal: each per-byte counter reaches its 255 limit.
  const std::string same(16 * 255 * 2 + 5, '\n');
  EXPECT_EQ(count_byte(same, '\n'), same.size());
}

// count_utf8_continuation_bytes against its definition, byte by byte, on
// random bytes (every value, so both sides of the 0x80 and 0xC0 edges).
TEST(CountUtf8ContinuationBytes, AgreesWithBytewiseDefinition) {
  std::mt19937 rng(7);
  std::string text(16 * 255 * 2 + 41, ' ');
  for (char& ch : text) ch = static_cast<char>(rng() % 256);
  auto expected = [](std::string_view s) {
    return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) {
      const auto u = static_cast<unsigned char>(c);
      return u >= 0x80 && u <= 0xBF;
    }));
  };
  for (size_t start = 0; start < 17; ++start) {
    for (size_t len = 0; start + len <= 120; ++len) {
      const std::string_view s(text.data() + start, len);
      ASSERT_EQ(count_utf8_continuation_bytes(s), expected(s)) << start << "+" << len;
    }
  }
  EXPECT_EQ(count_utf8_continuation_bytes(text), expected(text));
  const std::string all(16 * 255 + 9, '\x80');  // every per-byte counter reaches its limit
  EXPECT_EQ(count_utf8_continuation_bytes(all), all.size());
  EXPECT_EQ(count_utf8_continuation_bytes(std::string(300, '\xC0')), 0u);
}

// same_bytes against std::string_view's operator== on pairs that differ in
// one byte at every position, for every length up to three words.
TEST(SameBytes, AgreesWithStringViewEquality) {
  std::mt19937 rng(11);
  for (size_t n = 0; n <= 26; ++n) {
    std::string a(n, ' ');
    for (char& ch : a) ch = static_cast<char>(rng() % 256);
    std::string b = a;
    EXPECT_TRUE(same_bytes(a, b)) << n;
    for (size_t i = 0; i < n; ++i) {
      b[i] = static_cast<char>(b[i] ^ (1 << (rng() % 8)));
      EXPECT_FALSE(same_bytes(a, b)) << n << " differs at " << i;
      EXPECT_EQ(same_bytes(a, b), std::string_view(a) == std::string_view(b));
      b[i] = a[i];
    }
    EXPECT_FALSE(same_bytes(a, a + "x")) << n;
    EXPECT_FALSE(same_bytes(a + "x", a)) << n;
  }
}

// json_plain_run (as the report writer calls it) against a byte-by-byte reading of its definition, on
// random text mixing plain ASCII with every kind of byte that ends the prefix.
size_t json_plain_prefix(std::string_view s) { return json_plain_run(s.data(), s.size(), true); }

TEST(JsonPlainPrefix, AgreesWithBytewiseDefinition) {
  std::mt19937 rng(5);
  const std::string specials = std::string("\"\\\x01\x1f\x80\xC3\xFF", 7) + std::string(1, '\0');
  for (int round = 0; round < 3000; ++round) {
    std::string s(rng() % 70, 'a');
    for (char& c : s) c = static_cast<char>(0x20 + rng() % 95);
    for (int k = static_cast<int>(rng() % 3); k > 0 && !s.empty(); --k) {
      s[rng() % s.size()] = specials[rng() % specials.size()];
    }
    size_t want = 0;
    while (want < s.size()) {
      const auto c = static_cast<unsigned char>(s[want]);
      if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
      ++want;
    }
    ASSERT_EQ(json_plain_prefix(s), want) << round;
  }
  EXPECT_EQ(json_plain_prefix(""), 0u);
  EXPECT_EQ(json_plain_prefix(std::string(40, 'x') + "\x7f"), 41u);  // DEL needs no escape
}

}  // namespace
}  // namespace sageguard

// Every byte, against the C library's idea of a hex digit and strtol's value.
TEST(HexDigitValue, AgreesWithCLibraryForEveryByte) {
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    const char text[2] = {c, '\0'};
    const int want = std::isxdigit(b) ? static_cast<int>(std::strtol(text, nullptr, 16)) : -1;
    EXPECT_EQ(sageguard::hex_digit_value(c), want) << "byte " << b;
  }
}
