// bury(): the moved-in object lives on and is never destroyed.
#include "util/bury.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sageguard {
namespace {

struct Counted {
  static inline int destroyed = 0;
  std::vector<std::string> payload;
  explicit Counted(std::vector<std::string> p) : payload(std::move(p)) {}
  Counted(Counted&& o) noexcept : payload(std::move(o.payload)) {}
  ~Counted() {
    if (!payload.empty()) ++destroyed;  // only an owner of the strings counts
  }
};

TEST(Bury, MovesTheValueAndNeverDestroysIt) {
  Counted::destroyed = 0;
  {
    Counted c({"a long string that does not fit the small buffer", "b"});
    bury(std::move(c));
    EXPECT_TRUE(c.payload.empty()) << "bury must move, not copy";
  }
  EXPECT_EQ(Counted::destroyed, 0);
  // Many buried objects: still none destroyed (the list grows, nothing frees).
  for (int i = 0; i < 1000; ++i) bury(Counted({std::to_string(i)}));
  EXPECT_EQ(Counted::destroyed, 0);
}

}  // namespace
}  // namespace sageguard
