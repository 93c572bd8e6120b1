#include "util/strings.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

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

}  // namespace
}  // namespace sageguard
