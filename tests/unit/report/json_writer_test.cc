// JsonWriter must produce byte-for-byte what nlohmann's dump(2) produced
// before it (reports are read by other tools and pinned by golden files):
// nlohmann is the oracle here, on random nested documents and hostile text.
#include "report/json_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

namespace sageguard::report {
namespace {

using ojson = nlohmann::ordered_json;

std::string random_text(std::mt19937& rng) {
  static const std::vector<std::string> pieces = {
      "a", "Z", " ", "\"", "\\", "/", "\n", "\r", "\t", "\b", "\f", std::string(1, '\0'),
      "\x01", "\x1f", "\x7f", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
      // invalid UTF-8: stray continuation, truncated sequence, overlong, bad lead
      "\x80", "\xC3", "\xE2\x82", "\xC0\xAF", "\xFF",
      // long plain runs, alone and combined with the above
      std::string(127, 'p'), std::string(253, 'q')};
  std::uniform_int_distribution<size_t> len(0, 12), pick(0, pieces.size() - 1);
  std::string s;
  for (size_t n = len(rng); n > 0; --n) s += pieces[pick(rng)];
  return s;
}

// Builds the same random document into both the writer and an ordered_json.
void build(std::mt19937& rng, int depth, JsonWriter& w, ojson& j) {
  std::uniform_int_distribution<int> kind(0, depth > 3 ? 3 : 5);
  switch (kind(rng)) {
    case 0: {
      const std::string s = random_text(rng);
      w.value(s);
      j = s;
      return;
    }
    case 1: {
      const int64_t n = static_cast<int64_t>(rng()) - (1ll << 31);
      w.value(n);
      j = n;
      return;
    }
    case 2: {
      const bool b = rng() & 1;
      w.value(b);
      j = b;
      return;
    }
    case 3:
      w.null();
      j = nullptr;
      return;
    case 4: {
      w.begin_array();
      j = ojson::array();
      for (int n = static_cast<int>(rng() % 4); n > 0; --n) {
        ojson child;
        build(rng, depth + 1, w, child);
        j.push_back(std::move(child));
      }
      w.end_array();
      return;
    }
    default: {
      w.begin_object();
      j = ojson::object();
      for (int n = static_cast<int>(rng() % 4); n > 0; --n) {
        const std::string k = "k" + std::to_string(n) + random_text(rng);
        if (j.contains(k)) continue;
        w.key(k);
        ojson child;
        build(rng, depth + 1, w, child);
        j[k] = std::move(child);
      }
      w.end_object();
      return;
    }
  }
}

TEST(JsonWriter, MatchesNlohmannDumpOnRandomDocuments) {
  std::mt19937 rng(20261127);
  for (int i = 0; i < 3000; ++i) {
    std::string out;
    JsonWriter w(out);
    ojson j;
    build(rng, 0, w, j);
    ASSERT_EQ(out, j.dump(2, ' ', false, ojson::error_handler_t::replace)) << "document " << i;
  }
}

TEST(JsonWriter, StreamedPiecesConcatenateToTheSameBytes) {
  // One big array of random documents (several MiB): the pieces handed to
  // the sink, plus what is left in the buffer, equal nlohmann's dump.
  std::mt19937 rng(7);
  std::string buf;
  std::string streamed;
  size_t pieces = 0;
  JsonWriter w(buf, [&](std::string_view piece) {
    EXPECT_GE(piece.size(), 64u * 1024);  // handed over in large pieces only
    streamed += piece;
    ++pieces;
  });
  ojson all = ojson::array();
  w.begin_array();
  for (int i = 0; i < 20000; ++i) {
    ojson j;
    w.begin_object();
    w.key("i");
    w.value(static_cast<int64_t>(i));
    w.key("doc");
    build(rng, 1, w, j);
    w.end_object();
    all.push_back(ojson{{"i", i}, {"doc", std::move(j)}});
  }
  w.end_array();
  streamed += buf;
  EXPECT_GT(pieces, 2u);
  EXPECT_EQ(streamed, all.dump(2, ' ', false, ojson::error_handler_t::replace));
}

TEST(JsonWriter, EmptyContainersAndNesting) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("a");
  w.begin_array();
  w.end_array();
  w.key("b");
  w.begin_object();
  w.end_object();
  w.member("c", uint64_t{18446744073709551615ull});
  w.end_object();
  EXPECT_EQ(out, "{\n  \"a\": [],\n  \"b\": {},\n  \"c\": 18446744073709551615\n}");
}

}  // namespace
}  // namespace sageguard::report
