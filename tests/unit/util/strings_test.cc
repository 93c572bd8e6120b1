#include "util/strings.h"

#include <gtest/gtest.h>

namespace sageguard {
namespace {

TEST(TerminalSafe, ControlCharactersBecomeHexEscapes) {
  EXPECT_EQ(terminal_safe("plain text, café"), "plain text, café");
  EXPECT_EQ(terminal_safe("\x1b[31mred"), "\\x1b[31mred");
  EXPECT_EQ(terminal_safe(std::string_view("a\0b\x7f\n", 5)), "a\\x00b\\x7f\\x0a");
}

}  // namespace
}  // namespace sageguard
