// JsonItemStream against the whole-document reader: the same items with the
// same offsets, and for broken input the same error at the same line and
// column, whatever the damage. Also the arena reuse and copy_value that
// `check` builds on.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "model/item_stream.h"
#include "sageguard/document.h"

namespace sageguard {
namespace {

// A canonical rendering of a value with every offset, so that two trees
// compare equal only if they hold the same values read from the same bytes.
void render(const Value& v, std::string& out) {
  out += std::to_string(v.offset()) + "@";
  switch (v.type()) {
    case ValueType::null: out += "null"; break;
    case ValueType::boolean: out += v.as_bool() ? "true" : "false"; break;
    case ValueType::number:
      out += std::to_string(v.as_number()) + (v.is_integral() ? "i" : "f");
      break;
    case ValueType::string: out += "\"" + std::string(v.as_string()) + "\""; break;
    case ValueType::array:
      out += "[";
      for (const auto& i : v.items()) {
        render(i, out);
        out += ",";
      }
      out += "]";
      break;
    case ValueType::object:
      out += "{";
      for (const auto& m : v.members()) {
        out += std::to_string(m.second.key_off()) + "\"" + std::string(m.first) + "\":";
        render(m.second, out);
        out += ",";
      }
      out += "}";
      break;
  }
}

std::string render(const Value& v) {
  std::string s;
  render(v, s);
  return s;
}

struct Streamed {
  std::vector<std::string> items;  // rendered
  std::optional<Error> error;
};

// Streams `text` as a JSON array, resetting the arena before every item
// (as check does), rendering each item before the next overwrites it.
Streamed stream(const std::string& text, uint32_t max_depth = 64) {
  Streamed out;
  ValueArena arena;
  JsonItemStream s("b.json", text, max_depth, arena, /*lines=*/false);
  for (;;) {
    arena.reset();
    Value v;
    auto got = s.next(v);
    if (!got.ok()) {
      out.error = got.error();
      return out;
    }
    if (!*got) return out;
    out.items.push_back(render(v));
  }
}

// The reference: parse the whole text, then list the root's items.
Streamed whole(const std::string& text, uint32_t max_depth = 64) {
  Streamed out;
  auto tree = parse_json("b.json", text, max_depth);
  if (!tree.ok()) {
    out.error = tree.error();
    return out;
  }
  for (const auto& v : tree->root().items()) out.items.push_back(render(v));
  return out;
}

// check streams only texts whose first significant byte is '['.
bool starts_with_bracket(std::string_view t) {
  if (t.starts_with("\xEF\xBB\xBF")) t.remove_prefix(3);
  const size_t at = t.find_first_not_of(" \t\r\n");
  return at != std::string_view::npos && t[at] == '[';
}

void expect_same(const std::string& text, uint32_t max_depth = 64) {
  if (!starts_with_bracket(text)) {
    const Streamed a = stream(text, max_depth);
    ASSERT_TRUE(a.error) << text;
    EXPECT_NE(a.error->describe().find("expected '['"), std::string::npos);
    return;
  }
  const Streamed a = stream(text, max_depth);
  const Streamed b = whole(text, max_depth);
  ASSERT_EQ(a.error.has_value(), b.error.has_value())
      << "text: " << text << "\nstream: " << (a.error ? a.error->describe() : "ok")
      << "\nwhole: " << (b.error ? b.error->describe() : "ok");
  if (a.error) {
    EXPECT_EQ(a.error->describe(), b.error->describe()) << "text: " << text;
    EXPECT_EQ(a.error->line, b.error->line);
    EXPECT_EQ(a.error->column, b.error->column);
  } else {
    EXPECT_EQ(a.items, b.items) << "text: " << text;
  }
}

const char* kBundle =
    "\xEF\xBB\xBF [\n"
    "  {\"TrainingJobName\": \"a\", \"Tags\": [{\"Key\": \"K\\u00e9\", \"Value\": \"v\\n\"}],\n"
    "   \"N\": -1.5e3, \"B\": true, \"Z\": null, \"E\": {}, \"A\": []},\n"
    "  \"plain\", 42, [1, [2, [3]]],\r\n"
    "  {\"ModelName\": \"m\", \"PrimaryContainer\": {\"Image\": \"i\"}}\n"
    "]\n";

TEST(JsonItemStream, SameItemsAsWholeDocument) {
  expect_same(kBundle);
  expect_same("[]");
  expect_same(" [ ] \n");
  expect_same("[{}]");
  const Streamed s = stream(kBundle);
  EXPECT_FALSE(s.error);
  EXPECT_EQ(s.items.size(), 5u);
}

TEST(JsonItemStream, EveryTruncationFailsLikeTheWholeDocument) {
  const std::string text = kBundle;
  for (size_t n = 0; n < text.size(); ++n) expect_same(text.substr(0, n));
}

TEST(JsonItemStream, RandomDamageFailsLikeTheWholeDocument) {
  // Replace, insert or delete bytes with JSON punctuation and letters; the
  // stream must agree with the whole-document parse on every variant.
  const std::string base = kBundle;
  const std::string alphabet = "[]{},:\"\\ \n0-1.eEtfnux";
  std::mt19937 rng(20261127);
  for (int round = 0; round < 4000; ++round) {
    std::string t = base;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits && !t.empty(); ++e) {
      const size_t at = rng() % t.size();
      const char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 3) {
        case 0: t[at] = c; break;
        case 1: t.insert(t.begin() + static_cast<std::ptrdiff_t>(at), c); break;
        default: t.erase(at, 1); break;
      }
    }
    expect_same(t);
    if (HasFatalFailure() || HasNonfatalFailure()) return;
  }
}

TEST(JsonItemStream, TrailingContentAndDepthLimit) {
  expect_same("[1] x");
  expect_same("[1]]");
  expect_same("[1,]");
  expect_same("[1 2]");
  // Depth counts the enclosing array, as in the whole-document reader.
  expect_same("[[[[1]]]]", 4);
  expect_same("[[[[1]]]]", 3);
  const Streamed deep = stream("[[[[1]]]]", 3);
  ASSERT_TRUE(deep.error);
  EXPECT_NE(deep.error->describe().find("nesting deeper than 3"), std::string::npos);
}

TEST(JsonItemStream, JsonLinesKeepOffsets) {
  const std::string text = "{\"a\": 1}\n\n  {\"b\": [2]}\r\n";
  ValueArena arena;
  JsonItemStream s("x.jsonl", text, 64, arena, /*lines=*/true);
  Value v;
  ASSERT_TRUE(*s.next(v));
  EXPECT_EQ(v.offset(), 0u);
  EXPECT_EQ(v.find("a")->as_number(), 1);
  ASSERT_TRUE(*s.next(v));
  EXPECT_EQ(v.offset(), text.find("{\"b\""));
  EXPECT_FALSE(*s.next(v));
}

TEST(ValueArena, ResetReusesTheLargestChunk) {
  ValueArena arena;
  // Grow past the first chunk, then reset: the next allocations come from
  // memory already held, without growing.
  void* first = nullptr;
  for (int i = 0; i < 1000; ++i) {
    void* p = arena.allocate(1024);
    if (!first) first = p;
    std::memset(p, 0xAB, 1024);
  }
  arena.reset();
  void* again = arena.allocate(64);
  arena.reset();
  EXPECT_EQ(arena.allocate(64), again);  // same place every time after a reset
  // And a big allocation after reset still works and is writable.
  char* big = static_cast<char*>(arena.allocate(3 << 20));
  big[0] = 1;
  big[(3 << 20) - 1] = 2;
  (void)first;
}

TEST(ValueArena, CopyValueSurvivesTheSourceArena) {
  const std::string text = kBundle;
  ValueArena keep;
  std::vector<std::string> expected;
  std::vector<Value> copies;
  {
    ValueArena scratch;
    JsonItemStream s("b.json", text, 64, scratch, false);
    for (;;) {
      scratch.reset();
      Value v;
      auto got = s.next(v);
      ASSERT_TRUE(got.ok());
      if (!*got) break;
      expected.push_back(render(v));
      copies.push_back(copy_value(v, keep));
      // Overwrite what the scratch arena held, as the next item would.
      scratch.reset();
      std::memset(scratch.allocate(4096), 0x5A, 4096);
    }
  }  // the scratch arena is gone; the copies must not point into it
  ASSERT_EQ(copies.size(), expected.size());
  for (size_t i = 0; i < copies.size(); ++i) EXPECT_EQ(render(copies[i]), expected[i]);
}

TEST(Document, DeferredBundleKeepsTextAndSkipsTree) {
  auto doc = parse_document_deferred("b.json", kBundle);
  ASSERT_TRUE(doc.ok()) << doc.error().describe();
  EXPECT_TRUE((*doc)->deferred());
  EXPECT_TRUE((*doc)->root().is_null());
  EXPECT_EQ((*doc)->text(), kBundle);
  // Objects and YAML are parsed as usual; invalid UTF-8 is still refused.
  auto obj = parse_document_deferred("o.json", "{\"a\": 1}");
  ASSERT_TRUE(obj.ok());
  EXPECT_FALSE((*obj)->deferred());
  EXPECT_TRUE((*obj)->root().is_object());
  auto yaml = parse_document_deferred("o.yaml", "- a: 1\n");
  ASSERT_TRUE(yaml.ok());
  EXPECT_FALSE((*yaml)->deferred());
  EXPECT_FALSE(parse_document_deferred("bad.json", "[\"\xC3\x28\"]").ok());
  EXPECT_FALSE(parse_document_deferred("empty.json", " \n").ok());
  auto lines = parse_document_deferred("s.jsonl", "{\"a\": 1}\n");
  ASSERT_TRUE(lines.ok());
  EXPECT_TRUE((*lines)->deferred());
}

}  // namespace
}  // namespace sageguard
