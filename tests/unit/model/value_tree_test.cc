// The compact tree: arena-backed values, JSON lines, duplicate detection in
// big objects, and strings that point into the text.
#include <gtest/gtest.h>

#include <string>

#include "sageguard/document.h"

namespace sageguard {
namespace {

// The tree's memory is what made `check` slow on big bundles; keep a node
// small enough that a tree stays near the size of its input.
static_assert(sizeof(Value) <= 32);
static_assert(sizeof(Member) <= 48);
static_assert(std::is_trivially_copyable_v<Value>);

TEST(ValueTree, BigArrayAcrossArenaChunks) {
  std::string text = "[";
  constexpr int kItems = 200000;
  for (int i = 0; i < kItems; ++i) {
    if (i) text += ',';
    text += "{\"n\":" + std::to_string(i) + ",\"s\":\"v" + std::to_string(i) + "\"}";
  }
  text += "]";
  auto tree = parse_json("big.json", text, 64);
  ASSERT_TRUE(tree.ok()) << tree.error().describe();
  const auto items = tree->root().items();
  ASSERT_EQ(items.size(), static_cast<size_t>(kItems));
  for (int i : {0, 1, 4095, 65536, kItems - 1}) {
    const Value& it = items[static_cast<size_t>(i)];
    EXPECT_EQ(it.find("n")->as_number(), i);
    EXPECT_EQ(it.find("s")->as_string(), "v" + std::to_string(i));
    EXPECT_EQ(text[it.offset()], '{');
    EXPECT_EQ(text.substr(it.find("s")->key_off(), 3), "\"s\"");
  }
}

TEST(ValueTree, EscapedStringsAreDecodedUnescapedOnesAreViews) {
  const std::string text = R"({"plain": "abc", "esc": "a\nb\u00e9", "k\"ey": 1})";
  auto tree = parse_json("t.json", text, 64);
  ASSERT_TRUE(tree.ok());
  const Value& root = tree->root();
  const std::string_view plain = root.find("plain")->as_string();
  EXPECT_EQ(plain, "abc");
  // No escapes: the value is the text itself, not a copy.
  EXPECT_GE(plain.data(), text.data());
  EXPECT_LT(plain.data(), text.data() + text.size());
  EXPECT_EQ(root.find("esc")->as_string(), "a\nb\xC3\xA9");
  ASSERT_NE(root.find("k\"ey"), nullptr);
  EXPECT_EQ(root.members()[2].first, "k\"ey");
}

TEST(ValueTree, FirstDuplicateInSourceOrderInBigObject) {
  // 40 distinct keys, then k30 again, then k5 again: the first repeat in
  // source order is k30, whatever the sort order of the keys.
  std::string text = "{";
  for (int i = 0; i < 40; ++i) text += "\"k" + std::to_string(i) + "\": 0, ";
  const size_t k30_at = text.size();
  text += "\"k30\": 1, \"k5\": 2}";
  auto doc = parse_document("dup.json", text);
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.error().message.find("duplicate key \"k30\""), std::string::npos);
  EXPECT_EQ(doc.error().column, k30_at + 1);
}

TEST(ValueTree, WrongTypeAccessorsAreEmpty) {
  auto tree = parse_json("t.json", R"({"a": [1], "b": "s", "c": true, "d": 1.5})", 64);
  ASSERT_TRUE(tree.ok());
  const Value& r = tree->root();
  EXPECT_TRUE(r.find("a")->members().empty());
  EXPECT_TRUE(r.find("b")->items().empty());
  EXPECT_EQ(r.find("a")->as_string(), "");
  EXPECT_TRUE(r.find("c")->as_bool());
  EXPECT_FALSE(r.find("d")->is_integral());
  EXPECT_EQ(r.find("d")->as_number(), 1.5);
  EXPECT_FALSE(r.find("b")->as_bool());
}

TEST(JsonLines, EachLineIsOneBundleItem) {
  const std::string text =
      "{\"TrainingJobName\": \"a\"}\n\n  {\"TrainingJobName\": \"b\"}\r\n{\"ModelName\": \"m\"}";
  auto doc = parse_document("saved.jsonl", text);
  ASSERT_TRUE(doc.ok()) << doc.error().describe();
  const auto items = (*doc)->root().items();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[1].find("TrainingJobName")->as_string(), "b");
  EXPECT_EQ((*doc)->locate(items[1].offset()).line, 3u);
  EXPECT_EQ((*doc)->locate(items[1].offset()).column, 3u);
  EXPECT_EQ((*doc)->locate(items[2].offset()).line, 4u);
  EXPECT_EQ((*doc)->format(), SourceFormat::json);
}

TEST(JsonLines, TwoValuesOnOneLineIsAnErrorWithLocation) {
  auto doc = parse_document("saved.ndjson", "{\"a\": 1}\n{\"b\": 2} {\"c\": 3}\n");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.error().line, 2u);
  EXPECT_EQ(doc.error().column, 10u);
  EXPECT_NE(doc.error().message.find("one JSON value per line"), std::string::npos);
}

TEST(JsonLines, BrokenLineNamesItsLine) {
  auto doc = parse_document("saved.jsonl", "{\"a\": 1}\n{\"b\": }\n");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.error().line, 2u);
  EXPECT_EQ(doc.error().column, 7u);
}

TEST(JsonLines, OnlyTheNamedExtensionsAreLines) {
  EXPECT_TRUE(is_json_lines_path("a/b.jsonl"));
  EXPECT_TRUE(is_json_lines_path("b.ndjson"));
  EXPECT_FALSE(is_json_lines_path("b.json"));
  // A .json file with two top-level values stays an error.
  EXPECT_FALSE(parse_document("x.json", "{\"a\": 1}\n{\"b\": 2}\n").ok());
}

}  // namespace
}  // namespace sageguard
