// JsonWindowItems against the readers of the whole text: for random bundles
// and every window size from tiny up, the same items with the same offsets
// as JsonItemStream, the same line and column for every value as
// Document::locate, and the window really slid (and grew) on the way. Input
// the reader must leave to the whole-file path gives up instead.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <tuple>
#include <string>
#include <vector>

#include "model/json_window.h"
#include "sageguard/document.h"
#include "test_support.h"

namespace sageguard {
namespace {

// Every value with its offset and, for members, its key's offset.
void render(const Value& v, std::string& out) {
  out += std::to_string(v.offset()) + "/" + std::to_string(v.key_off()) + "@";
  switch (v.type()) {
    case ValueType::null: out += "null"; break;
    case ValueType::boolean: out += v.as_bool() ? "true" : "false"; break;
    case ValueType::number: out += std::to_string(v.as_number()); break;
    case ValueType::string: out += "\"" + std::string(v.as_string()) + "\""; break;
    case ValueType::array:
      out += "[";
      for (const auto& i : v.items()) render(i, out);
      out += "]";
      break;
    case ValueType::object:
      out += "{";
      for (const auto& m : v.members()) {
        out += std::string(m.first) + ":";
        render(m.second, out);
      }
      out += "}";
      break;
  }
}

void offsets(const Value& v, std::vector<uint64_t>& out) {
  out.push_back(v.offset());
  for (const auto& i : v.items()) offsets(i, out);
  for (const auto& m : v.members()) {
    out.push_back(m.second.key_off());
    offsets(m.second, out);
  }
}

// Random JSON with the bytes that make windows hard to cut: multi-byte
// characters, escapes (surrogate pairs too), CRLF, long runs without a
// newline, numbers, literals.
class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}

  std::string ws() {
    static const char* kWs[] = {"", "", " ", "\n", "\r\n", "\n    ", "  "};
    return kWs[pick(7)];
  }
  std::string str() {
    static const char* kParts[] = {"a",      "job-1",  "é",        "日本", "🚀",  "\\n",
                                   "\\u00e9", "\\\"",  "\\ud83d\\ude80", "/", "x y", "ü"};
    std::string s = "\"";
    const size_t n = pick(8);
    for (size_t i = 0; i < n; ++i) s += kParts[pick(12)];
    if (pick(20) == 0) s += std::string(300 + pick(300), 'L');
    return s + "\"";
  }
  std::string value(int depth) {
    switch (depth > 3 ? pick(4) : pick(7)) {
      case 0: return str();
      case 1: return std::to_string(static_cast<int>(pick(100000)) - 500);
      case 2: return pick(2) ? "true" : (pick(2) ? "false" : "null");
      case 3: return "-1.5e3";
      case 4:
      case 5: {
        std::string o = "{" + ws();
        const size_t n = pick(5);
        for (size_t i = 0; i < n; ++i) {
          if (i) o += "," + ws();
          o += "\"k" + std::to_string(i) + (pick(3) == 0 ? "ö" : "") + "\"" + ws() + ":" + ws() +
               value(depth + 1);
        }
        return o + ws() + "}";
      }
      default: {
        std::string a = "[" + ws();
        const size_t n = pick(4);
        for (size_t i = 0; i < n; ++i) a += (i ? "," + ws() : "") + value(depth + 1);
        return a + ws() + "]";
      }
    }
  }
  std::string array(size_t items) {
    std::string t = pick(4) == 0 ? "\xEF\xBB\xBF" : "";
    t += ws() + "[" + ws();
    for (size_t i = 0; i < items; ++i) t += (i ? ws() + "," + ws() : "") + value(1);
    return t + ws() + "]" + ws();
  }
  std::string lines(size_t items) {
    std::string t;
    for (size_t i = 0; i < items; ++i) t += value(1) + (pick(2) ? "\n" : " \r\n\n");
    return t;
  }
  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }

 private:
  std::mt19937 rng_;
};

struct Read {
  std::vector<std::string> items;
  std::vector<std::string> locations;  // "offset=line:col" for every value and key
};

// One item's rendering, and the location `locate` gives each of its values
// and keys.
template <class Locate>
void record(const Value& item, const Locate& locate, Read& r) {
  std::string s;
  render(item, s);
  r.items.push_back(s);
  std::vector<uint64_t> offs;
  offsets(item, offs);
  for (uint64_t o : offs) {
    const LineCol lc = locate(o);
    r.locations.push_back(std::to_string(o) + "=" + std::to_string(lc.line) + ":" +
                          std::to_string(lc.column));
  }
}

// Calls fn(item, doc) for each item the whole-text stream reads.
template <class Fn>
void each_whole_item(const std::string& path, const std::string& text, bool lines, Fn fn) {
  auto doc = parse_document_deferred(path, text);
  EXPECT_TRUE(doc.ok()) << (doc.ok() ? "" : doc.error().describe());
  if (!doc.ok()) return;
  ValueArena arena;
  JsonItemStream stream(path, (*doc)->text(), 512, arena, lines);
  for (;;) {
    arena.reset();
    Value item;
    auto got = stream.next(item);
    EXPECT_TRUE(got.ok());
    if (!got.ok() || !*got) break;
    fn(item, **doc);
  }
}

Read read_whole(const std::string& path, const std::string& text, bool lines) {
  Read r;
  each_whole_item(path, text, lines, [&](const Value& item, const Document& doc) {
    record(item, [&](uint64_t o) { return doc.locate(o); }, r);
  });
  return r;
}

// nullopt-like: `gave_up` set when the reader left the file.
Read read_windowed(const std::string& path, size_t window, bool& gave_up, size_t& refills,
                   size_t& grows) {
  Read r;
  gave_up = false;
  auto w = JsonWindowItems::open(
      path, {.window = window, .min_file_size = 0, .max_file_size = 1 << 30, .max_depth = 512});
  if (!w) {
    gave_up = true;
    return r;
  }
  for (;;) {
    Value item;
    const auto step = w->next(item);
    if (step == JsonWindowItems::Step::give_up) {
      gave_up = true;
      return r;
    }
    if (step == JsonWindowItems::Step::end) break;
    w->advance(item.offset());
    record(item, [&](uint64_t o) { return w->locate(o); }, r);
  }
  EXPECT_FALSE(w->lost());
  refills = w->refills();
  grows = w->grows();
  return r;
}

TEST(JsonWindowItems, RandomBundlesMatchTheWholeTextAtEveryWindowSize) {
  sgtest::TempDir dir;
  size_t total_refills = 0, total_grows = 0, compared = 0;
  for (uint32_t seed = 1; seed <= 60; ++seed) {
    Gen g(seed);
    const bool lines = seed % 4 == 0;
    const std::string text = lines ? g.lines(1 + g.pick(12)) : g.array(g.pick(12));
    const std::string path = (dir / (std::to_string(seed) + (lines ? ".jsonl" : ".json"))).string();
    sgtest::write_file(path, text);
    const Read want = read_whole(path, text, lines);
    for (size_t window : {16, 17, 23, 31, 64, 97, 128, 333, 1024, 1 << 16}) {
      SCOPED_TRACE("seed " + std::to_string(seed) + " window " + std::to_string(window));
      bool gave_up = false;
      size_t refills = 0, grows = 0;
      const Read got = read_windowed(path, window, gave_up, refills, grows);
      ASSERT_FALSE(gave_up) << text;
      EXPECT_EQ(got.items, want.items);
      EXPECT_EQ(got.locations, want.locations);
      total_refills += refills;
      total_grows += grows;
      ++compared;
    }
  }
  // The small windows really were refilled, and grew for long items.
  EXPECT_GT(total_refills, compared);
  EXPECT_GT(total_grows, 0u);
}

TEST(JsonWindowItems, EveryCutOfOneBundleMatches) {
  // A fixed bundle read with every window size from 16 bytes to its whole
  // length: each byte position is a window's end at least once.
  sgtest::TempDir dir;
  const std::string text =
      "\xEF\xBB\xBF[{\"a\": \"é日🚀\", \"b\": [1, -2.5e1, true, null]},\r\n"
      "  {\"c\": \"\\u00e9\\ud83d\\ude80\\n\", \"ö\": {\"d\": \"xyz\"}}, \"s\", 12345 ,{}, []\n]\n";
  const std::string path = (dir / "cut.json").string();
  sgtest::write_file(path, text);
  const Read want = read_whole(path, text, false);
  ASSERT_EQ(want.items.size(), 6u);
  for (size_t window = 16; window <= text.size() + 1; ++window) {
    SCOPED_TRACE("window " + std::to_string(window));
    bool gave_up = false;
    size_t refills = 0, grows = 0;
    const Read got = read_windowed(path, window, gave_up, refills, grows);
    ASSERT_FALSE(gave_up);
    EXPECT_EQ(got.items, want.items);
    EXPECT_EQ(got.locations, want.locations);
  }
}

// The offsets of the items of a bundle, as the whole-text stream reads them.
std::vector<uint64_t> item_offsets(const std::string& path, const std::string& text, bool lines) {
  std::vector<uint64_t> out;
  each_whole_item(path, text, lines,
                  [&](const Value& item, const Document&) { out.push_back(item.offset()); });
  return out;
}

TEST(JsonWindowItems, SplitPointsAreItemStartsInCommonLayouts) {
  sgtest::TempDir dir;
  const std::string item =
      "{\"TrainingJobName\": \"j\", \"Tags\": [{\"Key\": \"a\", \"Value\": \"b\"}]}";
  // Pretty-printed: items at 2 spaces, nested objects deeper (also after a
  // ',' line, which must not be taken for an item).
  const std::string pretty_item =
      "  {\n    \"TrainingJobName\": \"j\",\n    \"Tags\": [\n      {\"Key\": \"a\"},\n"
      "      {\"Key\": \"b\"}\n    ]\n  }";
  std::string per_line = "[\n", pretty = "[\n", lines, crlf = "[\r\n", one_line = "[";
  for (int i = 0; i < 40; ++i) {
    const bool last = i == 39;
    per_line += item + (last ? "\n]\n" : ",\n");
    pretty += pretty_item + (last ? "\n]\n" : ",\n");
    lines += item + (i % 7 == 0 ? "\n\n" : "\n");
    crlf += item + (last ? "\r\n]\r\n" : " ,\r\n");
    // json.dump's layout: no line breaks; the tags' objects do not open
    // with the first key, items do.
    one_line += item + (last ? "]" : ", ");
  }
  const std::vector<std::tuple<std::string, std::string, bool>> cases = {
      {"per-line.json", per_line, false}, {"pretty.json", pretty, false},
      {"saved.jsonl", lines, true},       {"crlf.json", crlf, false},
      {"one-line.json", one_line, false},
  };
  for (const auto& [name, text, is_lines] : cases) {
    SCOPED_TRACE(name);
    const std::string path = (dir / name).string();
    sgtest::write_file(path, text);
    const std::vector<uint64_t> items = item_offsets(path, text, is_lines);
    ASSERT_EQ(items.size(), 40u);
    for (size_t parts : {2, 3, 8}) {
      const auto cuts = JsonWindowItems::split_points(path, parts);
      EXPECT_EQ(cuts.size(), parts - 1);
      uint64_t last = 0;
      for (const auto& c : cuts) {
        EXPECT_GT(c.start, last);  // increasing
        last = c.start;
        // At a line start, or (one line) at the item itself.
        EXPECT_TRUE(text[c.start - 1] == '\n' || (c.start == c.item && text.find('\n') > c.item));
        EXPECT_LE(c.start, c.item);
        EXPECT_EQ(text.find_first_not_of(" \t", c.start), c.item);
        EXPECT_NE(std::find(items.begin(), items.end(), c.item), items.end())
            << "cut at " << c.item << " is not an item start";
      }
    }
  }
  // Items that are not objects, one object, YAML, or one line whose items'
  // first key has an escape: nowhere to cut.
  std::string numbers = "[\n", escaped = "[";
  for (int i = 0; i < 40; ++i) {
    numbers += std::to_string(i) + (i < 39 ? ",\n" : "\n]");
    escaped += R"({"Training\u004aobName": "j"})" + std::string(i < 39 ? ", " : "]");
  }
  for (const auto& [name, text] :
       {std::pair{"numbers.json", numbers}, {"escaped.json", escaped},
        {"object.json", item + "\n"}, {"yaml.json", "a: 1\nb: 2\n"}}) {
    SCOPED_TRACE(name);
    const std::string path = (dir / name).string();
    sgtest::write_file(path, text);
    EXPECT_TRUE(JsonWindowItems::split_points(path, 4).empty());
  }
  EXPECT_TRUE(JsonWindowItems::split_points((dir / "missing.json").string(), 4).empty());
}

TEST(JsonWindowItems, StartsAtACutWithLinesCountedFromIt) {
  // A reader given Options::start reads the items from the cut on, at their
  // offsets in the file; lines count from the cut's line as line 1 and
  // columns are the file's.
  sgtest::TempDir dir;
  Gen gen(7);
  for (bool lines : {false, true}) {
    std::string text = lines ? "" : "[\n";
    for (int i = 0; i < 30; ++i) {
      // Objects on their own lines, some spread over several lines whose
      // continuations are indented (so every cut found is an item start).
      std::string one = "{\"n\": " + std::to_string(i) + ", \"v\":" + gen.ws() + gen.value(2) + "}";
      std::string indented;
      for (char c : one) {
        if (lines && (c == '\n' || c == '\r')) continue;
        indented += c;
        if (c == '\n') indented += ' ';
      }
      one = indented;
      text += one + (lines ? "\n" : (i < 29 ? ",\n" : "\n]\n"));
    }
    const std::string path = (dir / (lines ? "s.jsonl" : "s.json")).string();
    sgtest::write_file(path, text);
    const Read want = read_whole(path, text, lines);
    const auto cuts = JsonWindowItems::split_points(path, 3);
    ASSERT_FALSE(cuts.empty());
    for (const auto& cut : cuts) {
      const uint32_t lines_before =
          static_cast<uint32_t>(std::count(text.begin(), text.begin() + cut.start, '\n'));
      for (size_t window : {16, 100, 4096}) {
        SCOPED_TRACE(std::string(lines ? "lines" : "array") + " cut " + std::to_string(cut.start) +
                     " window " + std::to_string(window));
        auto w = JsonWindowItems::open(path, {.window = window, .min_file_size = 0,
                                              .max_file_size = 1 << 30, .max_depth = 512,
                                              .start = cut.start});
        ASSERT_NE(w, nullptr);
        Read got;
        for (;;) {
          Value item;
          const auto step = w->next(item);
          ASSERT_NE(step, JsonWindowItems::Step::give_up);
          if (step == JsonWindowItems::Step::end) break;
          w->advance(item.offset());
          record(item, [&](uint64_t o) {
            LineCol lc = w->locate(o);
            lc.line += lines_before;
            return lc;
          }, got);
        }
        EXPECT_FALSE(w->lost());
        // The whole-text reading from the cut's item on.
        ASSERT_FALSE(got.items.empty());
        const auto first = std::find(want.items.begin(), want.items.end(), got.items.front());
        ASSERT_NE(first, want.items.end());
        EXPECT_EQ(std::vector<std::string>(first, want.items.end()), got.items);
        EXPECT_EQ(want.locations.back(), got.locations.back());
        EXPECT_NE(std::search(want.locations.begin(), want.locations.end(),
                              got.locations.begin(), got.locations.end()),
                  want.locations.end());
      }
    }
  }
}

TEST(JsonWindowItems, GivesUpOnWhatTheWholeFilePathMustReport) {
  sgtest::TempDir dir;
  const std::string good = R"({"a": "é", "b": [1, 2]})";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"syntax.json", "[" + good + ", {\"a\": }, " + good + "]"},
      {"truncated.json", "[" + good + ", " + good.substr(0, 10)},
      {"trailing.json", "[" + good + "] x"},
      {"dup.json", "[{\"a\": 1, \"a\": 2}]"},
      {"utf8.json", "[" + good + ", \"\xff\"]"},
      {"cut-utf8.json", "[" + good + "]\xE6\x97"},
      {"object.json", good},
      {"empty.json", "   \n"},
      {"empty.jsonl", ""},
      {"blank.jsonl", "\xEF\xBB\xBF \n\r\n  \n"},
      {"bad.jsonl", good + "\n" + good + " " + good + "\n"},
  };
  for (const auto& [name, text] : cases) {
    const std::string path = (dir / name).string();
    sgtest::write_file(path, text);
    for (size_t window : {16, 40, 4096}) {
      SCOPED_TRACE(name + " window " + std::to_string(window));
      bool gave_up = false;
      size_t refills = 0, grows = 0;
      read_windowed(path, window, gave_up, refills, grows);
      EXPECT_TRUE(gave_up);
    }
  }
  // Outside the size bounds, or not a regular file: no reader at all.
  const std::string path = (dir / "ok.json").string();
  sgtest::write_file(path, "[" + good + "]");
  EXPECT_EQ(JsonWindowItems::open(path, {.window = 64, .min_file_size = 0, .max_file_size = 10,
                                         .max_depth = 512}),
            nullptr);
  EXPECT_EQ(JsonWindowItems::open(path, {.window = 64, .min_file_size = 1000,
                                         .max_file_size = 1 << 20, .max_depth = 512}),
            nullptr);
  EXPECT_EQ(JsonWindowItems::open(dir.path().string(), {.window = 64, .min_file_size = 0,
                                                        .max_file_size = 1 << 20,
                                                        .max_depth = 512}),
            nullptr);
  EXPECT_NE(JsonWindowItems::open(path, {.window = 64, .min_file_size = 0,
                                         .max_file_size = 1 << 20, .max_depth = 512}),
            nullptr);
}

}  // namespace
}  // namespace sageguard
