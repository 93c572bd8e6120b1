// YAML nesting limits: block YAML is held to 496 levels (yaml-cpp gives up a
// little under 500). Random chains of nested block mappings and sequences,
// written in every block form, are generated with a known depth and a known
// position for the first container past the limit; the reader must accept
// exactly the chains within the limit (building a tree that deep) and point
// at that position for the others.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

#include "sageguard/document.h"

namespace sageguard {
namespace {

constexpr int kYamlLimit = 496;

struct Chain {
  std::string text;
  uint64_t too_deep_at = 0;  // offset of the first container past the limit
  bool has_too_deep = false;
};

// Writes `levels` nested containers ending in a scalar. `inline_start`: the
// container begins on the current line right after "- " (a compact form).
void write_chain(Chain& c, int level, int levels, size_t column, bool inline_start,
                 std::mt19937& rng) {
  std::string& out = c.text;
  if (!inline_start) out += std::string(column, ' ');
  if (level == levels) {
    out += "x\n";
    return;
  }
  if (level == kYamlLimit && !c.has_too_deep) {
    c.has_too_deep = true;
    c.too_deep_at = out.size();
  }
  if (rng() % 2 == 0) {  // mapping: key, then the child one or two columns in
    out += "k:\n";
    write_chain(c, level + 1, levels, column + 1 + rng() % 2, false, rng);
    if (rng() % 4 == 0) out += std::string(column, ' ') + "sibling: 1\n";
  } else if (rng() % 2 == 0) {  // compact sequence item: "- " then the child
    out += "- ";
    write_chain(c, level + 1, levels, column + 2, true, rng);
    if (rng() % 4 == 0) out += std::string(column, ' ') + "- 1\n";
  } else {  // sequence item whose child starts on the next line
    out += "-\n";
    write_chain(c, level + 1, levels, column + 2, false, rng);
    if (rng() % 4 == 0) out += std::string(column, ' ') + "- 1\n";
  }
}

int depth_of(const Value& v) {
  int deepest = 0;
  if (v.is_object()) {
    for (const auto& m : v.members()) deepest = std::max(deepest, depth_of(m.second));
  } else if (v.is_array()) {
    for (const auto& i : v.items()) deepest = std::max(deepest, depth_of(i));
  } else {
    return 0;
  }
  return deepest + 1;
}

TEST(YamlDepth, RandomBlockChainsAcceptedExactlyWithinTheLimit) {
  std::mt19937 rng(11);
  for (int round = 0; round < 60; ++round) {
    const int levels = kYamlLimit - 3 + static_cast<int>(rng() % 7);  // 493..499
    Chain c;
    write_chain(c, 0, levels, 0, false, rng);
    auto r = parse_document("chain.yaml", c.text);
    if (levels <= kYamlLimit) {
      ASSERT_TRUE(r.ok()) << "levels " << levels << ": " << r.error().describe();
      EXPECT_EQ(depth_of((*r)->root()), levels);
    } else {
      ASSERT_FALSE(r.ok()) << "levels " << levels;
      ASSERT_TRUE(c.has_too_deep);
      const Error& e = r.error();
      EXPECT_EQ(e.message, "nesting deeper than 496 levels");
      // The expected position, from the generator's offset.
      const std::string_view before(c.text.data(), c.too_deep_at);
      const auto line = 1 + std::count(before.begin(), before.end(), '\n');
      const auto col = c.too_deep_at - (before.rfind('\n') == std::string_view::npos
                                            ? 0
                                            : before.rfind('\n') + 1) + 1;
      EXPECT_EQ(e.line, static_cast<uint32_t>(line)) << "levels " << levels;
      EXPECT_EQ(e.column, static_cast<uint32_t>(col)) << "levels " << levels;
    }
  }
}

// A smaller --max-depth applies to YAML as given.
TEST(YamlDepth, SmallerMaxDepthIsHonoured) {
  ReadOptions opts;
  opts.max_depth = 3;
  EXPECT_TRUE(parse_document("s.yaml", "a:\n- - x\n", opts).ok());        // 3 levels
  EXPECT_TRUE(parse_document("s.yaml", "- - - x\n", opts).ok());          // 3 levels
  auto four = parse_document("s.yaml", "- - - - x\n", opts);              // 4 levels
  ASSERT_FALSE(four.ok());
  EXPECT_EQ(four.error().column, 7u);
  auto map = parse_document("s.yaml", "a:\n - b: 1\n   c: 1\n", opts);  // map, seq, map: 3
  EXPECT_TRUE(map.ok()) << (map.ok() ? "" : map.error().describe());
  auto deeper = parse_document("s.yaml", "a:\n - b: 1\n   c:\n    d: 1\n", opts);  // 4
  ASSERT_FALSE(deeper.ok());
  EXPECT_EQ(deeper.error().line, 4u);
  EXPECT_EQ(deeper.error().column, 5u);
}

}  // namespace
}  // namespace sageguard
