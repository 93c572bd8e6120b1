#include "sageguard/cost/csv_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "cost_test_util.h"

namespace sageguard::cost {
namespace {

using Rows = std::vector<std::vector<std::string>>;

struct Parsed {
  Rows rows;
  std::vector<uint64_t> lines;
  std::vector<std::string> problems;
  std::string error;
};

// Every record (fields, line, problem) until the end or the first error.
Parsed drain(CsvReader& reader) {
  Parsed p;
  std::vector<std::string_view> f;
  for (;;) {
    auto more = reader.next(f);
    if (!more.ok()) {
      p.error = more.error().describe();
      return p;
    }
    if (!*more) return p;
    p.rows.emplace_back(f.begin(), f.end());
    p.lines.push_back(reader.record_line());
    p.problems.push_back(reader.record_problem());
  }
}

Parsed parse(const std::string& text, std::size_t max_record = std::size_t{64} << 20) {
  auto src = open_memory(text, "t.csv");
  CsvReader reader(*src, max_record);
  return drain(reader);
}

TEST(CsvReader, PlainRowsLfAndCrlf) {
  auto p = parse("a,b,c\r\n1,2,3\n4,5,6");
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.rows, (Rows{{"a", "b", "c"}, {"1", "2", "3"}, {"4", "5", "6"}}));
  EXPECT_EQ(p.lines, (std::vector<uint64_t>{1, 2, 3}));
}

TEST(CsvReader, QuotedCommasQuotesAndNewlines) {
  auto p = parse("x,y\r\n\"a,b\",\"say \"\"hi\"\"\"\r\n\"multi\r\nline\nvalue\",z\r\nlast,\"\"\r\n");
  ASSERT_EQ(p.error, "");
  ASSERT_EQ(p.rows.size(), 4u);
  EXPECT_EQ(p.rows[1], (std::vector<std::string>{"a,b", "say \"hi\""}));
  // The CR inside quotes belongs to the value; only the record's CRLF is dropped.
  EXPECT_EQ(p.rows[2], (std::vector<std::string>{"multi\r\nline\nvalue", "z"}));
  // Physical line numbers count the embedded newlines.
  EXPECT_EQ(p.rows[3], (std::vector<std::string>{"last", ""}));
  EXPECT_EQ(p.lines, (std::vector<uint64_t>{1, 2, 3, 6}));
  auto q = parse("h\n\"a\nb\"\nnext\n");
  EXPECT_EQ(q.lines, (std::vector<uint64_t>{1, 2, 4}));
}

TEST(CsvReader, EmptyFieldsAndTrailingComma) {
  auto p = parse(",\na,,b,\n\"\",x\n");
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.rows, (Rows{{"", ""}, {"a", "", "b", ""}, {"", "x"}}));
}

TEST(CsvReader, BlankLinesAreSkippedAndBomRemoved) {
  auto p = parse("\xEF\xBB\xBFh1,h2\n\n1,2\r\n\r\n");
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.rows, (Rows{{"h1", "h2"}, {"1", "2"}}));
  EXPECT_EQ(p.lines, (std::vector<uint64_t>{1, 3}));
}

TEST(CsvReader, QuotingProblemsOnOneLineAreFlaggedNotFatal) {
  auto p = parse("a,b\n\"x\"junk,2\nok,3\nab\"c\"d,4\n");
  ASSERT_EQ(p.error, "");
  ASSERT_EQ(p.rows.size(), 4u);
  EXPECT_EQ(p.problems[1], "text after closing quote");
  EXPECT_EQ(p.problems[2], "");
  EXPECT_EQ(p.rows[2], (std::vector<std::string>{"ok", "3"}));
  EXPECT_EQ(p.problems[3], "quote inside unquoted field");
}

// The reported case: one stray quote in a 100-row file used to swallow
// every later row into one "malformed row". Now it is an error at the quote.
TEST(CsvReader, QuoteLeftOpenAtTheEndIsAnErrorAtTheQuote) {
  std::string text = "id,cost\n";
  for (int i = 1; i <= 100; ++i) text += (i == 3 ? "r3,1.5\"0\n" : "r" + std::to_string(i) + ",1\n");
  auto p = parse(text);
  EXPECT_NE(p.error.find("t.csv:4:7: "), std::string::npos) << p.error;
  EXPECT_NE(p.error.find("not closed"), std::string::npos) << p.error;
  EXPECT_EQ(p.rows.size(), 3u);  // the rows before it; the caller stops at the error
  // The same in memory mode (no file name there: the caller adds it).
  std::string buf = text + std::string(CsvReader::kPad, '\0');
  CsvReader mem(buf.data(), text.size(), buf.size(), 1, true);
  Result<bool> more = true;
  while (more.ok() && *more) more = mem.read_record();
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.error().line, 4u);
  EXPECT_EQ(more.error().column, 7u);
  EXPECT_EQ(more.error().source_line, "r3,1.5\"0");
  // At the end of a file without a final newline too.
  EXPECT_NE(parse("a,b\nok,1\n\"open,4").error.find("t.csv:3:1: "), std::string::npos);
}

// Two stray quotes a few rows apart close each other: the rows between them
// would become one malformed record and be lost without a word.
TEST(CsvReader, MalformedRecordSpanningLinesIsAnErrorAtItsQuote) {
  auto p = parse("a,b\nx,1\nbad\"q,2\ny,3\nz,4\"\nw,5\n");
  EXPECT_NE(p.error.find("t.csv:3:4: "), std::string::npos) << p.error;
  EXPECT_NE(p.error.find("would be lost"), std::string::npos) << p.error;
  // A well-formed quoted field over lines is fine, however many.
  auto q = parse("a,b\n\"l1\nl2\nl3\",1\nz,2\n");
  EXPECT_EQ(q.error, "");
  EXPECT_EQ(q.rows.size(), 3u);
}

TEST(CsvReader, RecordOverTheLineBoundIsAnErrorEvenWhenItCloses) {
  std::string many;
  for (uint64_t i = 0; i <= CsvReader::kMaxRecordLines; ++i) many += "l\n";
  auto p = parse("a,b\nok,\"" + many + "\"\nz,2\n");
  EXPECT_NE(p.error.find("t.csv:2:4: "), std::string::npos) << p.error;
  // Streaming: a quote that never closes stops after the bound of lines, not
  // at the end of a large file.
  std::string big = "a,b\nx,\"1\n";
  while (big.size() < (std::size_t{8} << 20)) big += "row,with some text to make it longer than one read\n";
  auto q = parse(big);
  EXPECT_NE(q.error.find("t.csv:2:3: "), std::string::npos) << q.error;
  EXPECT_NE(q.error.find("1000 lines"), std::string::npos) << q.error;
}

TEST(CsvReader, RecordsLongerThanTheBufferChunk) {
  // Fields spanning many buffer refills, quoted and unquoted.
  std::string big(3 << 20, 'x'), quoted = "q\"\"" + std::string(2 << 20, 'y') + "\n,z";
  auto p = parse("h1,h2\n" + big + ",\"" + quoted + "\"\nend,1\n");
  ASSERT_EQ(p.error, "");
  ASSERT_EQ(p.rows.size(), 3u);
  EXPECT_EQ(p.rows[1][0], big);
  EXPECT_EQ(p.rows[1][1], "q\"" + std::string(2 << 20, 'y') + "\n,z");
  EXPECT_EQ(p.rows[2], (std::vector<std::string>{"end", "1"}));
  EXPECT_EQ(p.lines[2], 4u);
}

TEST(CsvReader, UnterminatedQuoteInHugeInputIsAnErrorNotUnboundedMemory) {
  std::string text = "a\n\"" + std::string(5 << 20, 'z');
  auto p = parse(text, 2 << 20);
  EXPECT_NE(p.error.find("runs on for more than"), std::string::npos) << p.error;
  EXPECT_NE(p.error.find("t.csv:2:1: "), std::string::npos) << p.error;
}

TEST(CsvReader, OverlongLineWithoutQuotesIsAnErrorNamingNoQuote) {
  auto p = parse("a\n" + std::string(5 << 20, 'z'), 2 << 20);
  EXPECT_EQ(p.error.rfind("t.csv:2:", 0), 0u) << p.error;
  EXPECT_NE(p.error.find("CSV record longer than"), std::string::npos) << p.error;
  EXPECT_EQ(p.error.find("quote"), std::string::npos) << p.error;
}

TEST(CsvReader, QuoteInsideAnUnquotedFieldIsAProblem) {
  auto p = parse("a,b\nab\"c,d\"e\nok,1\n");
  ASSERT_EQ(p.error, "");
  ASSERT_EQ(p.rows.size(), 3u);
  // The quote opens a quoted section wherever it is, so the comma between
  // the two quotes does not split; the row is flagged, the next one is clean.
  EXPECT_EQ(p.rows[1], (std::vector<std::string>{"ab\"c,d\"e"}));
  EXPECT_EQ(p.problems[1], "quote inside unquoted field");
  EXPECT_EQ(p.problems[2], "");
}

TEST(CsvReader, ReadsGzipTransparently) {
  std::string z = costtest::gzip("a,b\n\"1,5\",2\n");
  auto p = parse(z);
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.rows, (Rows{{"a", "b"}, {"1,5", "2"}}));
}

// ---- differential test against a byte-at-a-time reference -------------

// Hands out the text in pieces of random size, so refills land anywhere:
// inside quotes, between CR and LF, in the middle of a 64-byte block.
class ChoppySource final : public ByteSource {
 public:
  ChoppySource(std::string text, uint32_t seed, std::size_t max_piece)
      : text_(std::move(text)), rng_(seed), max_piece_(max_piece) {}
  Result<std::size_t> read(char* dst, std::size_t n) override {
    std::size_t k = std::min({n, text_.size() - pos_, std::uniform_int_distribution<std::size_t>(1, max_piece_)(rng_)});
    std::memcpy(dst, text_.data() + pos_, k);
    pos_ += k;
    return k;
  }
  const std::string& name() const override { return name_; }

 private:
  std::string text_;
  std::mt19937 rng_;
  std::size_t max_piece_;
  std::size_t pos_ = 0;
  std::string name_ = "choppy.csv";
};

// The documented rules, one byte at a time: a quote toggles the quoted state
// wherever it is; ',' and '\n' outside quotes separate; a CR before the
// record's LF (or at end of input outside quotes) is dropped; a field that
// starts with a quote is unquoted with "" -> ", any other quote is a problem.
// A record left inside quotes at the end, spanning more than kMaxRecordLines
// lines, or spanning lines with a problem stops the input with an error at
// its opening quote (only ":LINE:COL: " is compared).
Parsed reference(std::string text) {
  Parsed p;
  std::size_t pos = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  uint64_t line = 1;
  while (pos < text.size()) {
    std::vector<std::string> raw(1);
    bool in_q = false, ended_by_newline = false, any_quote = false;
    uint64_t start_line = line;
    const std::size_t rec_begin = pos;
    while (pos < text.size()) {
      char c = text[pos++];
      if (c == '\n') ++line;
      if (c == '"') {
        in_q = !in_q;
        any_quote = true;
      } else if (!in_q && c == ',') {
        raw.emplace_back();
        continue;
      } else if (!in_q && c == '\n') {
        ended_by_newline = true;
        break;
      }
      raw.back() += c;
    }
    const bool left_open = !ended_by_newline && in_q;
    const uint64_t embedded = line - start_line - (ended_by_newline ? 1 : 0);
    std::string problem;
    std::string& last = raw.back();
    if ((ended_by_newline || !in_q) && !last.empty() && last.back() == '\r') last.pop_back();
    if (raw.size() == 1 && raw[0].empty() && !any_quote) continue;  // blank line
    std::vector<std::string> row;
    for (const auto& f : raw) {
      if (f.find('"') == std::string::npos) {
        row.push_back(f);
      } else if (f[0] != '"') {
        if (problem.empty()) problem = "quote inside unquoted field";
        row.push_back(f);
      } else {
        std::string v;
        std::size_t i = 1;
        bool closed = false;
        for (; i < f.size(); ++i) {
          if (f[i] == '"' && i + 1 < f.size() && f[i + 1] == '"') {
            v += '"';
            ++i;
          } else if (f[i] == '"') {
            closed = true;
            ++i;
            break;
          } else {
            v += f[i];
          }
        }
        if (problem.empty() && !closed) problem = "quoted field not closed";
        if (problem.empty() && i != f.size()) problem = "text after closing quote";
        row.push_back(v);
      }
    }
    if (left_open || embedded > CsvReader::kMaxRecordLines || (embedded > 0 && !problem.empty())) {
      // The error points at the quote that left the field open (the last
      // one), else at the quote opening the run with the first quoted newline.
      std::size_t quote = rec_begin;
      bool q = false;
      for (std::size_t i = rec_begin; i < pos; ++i) {
        if (text[i] == '"') {
          if (left_open || !q) quote = i;
          q = !q;
        } else if (text[i] == '\n' && q && !left_open) {
          break;
        }
      }
      uint64_t l = start_line;
      std::size_t line_start = rec_begin;
      for (std::size_t i = rec_begin; i < quote; ++i) {
        if (text[i] == '\n') {
          ++l;
          line_start = i + 1;
        }
      }
      p.error = ":" + std::to_string(l) + ":" + std::to_string(quote - line_start + 1) + ": ";
      return p;
    }
    p.rows.push_back(row);
    p.lines.push_back(start_line);
    p.problems.push_back(problem);
  }
  return p;
}

Parsed parse_choppy(const std::string& text, uint32_t seed, std::size_t max_piece) {
  ChoppySource src(text, seed, max_piece);
  CsvReader reader(src);
  return drain(reader);
}

// Memory mode: the text parsed in place, line numbers from 1.
Parsed parse_in_memory(const std::string& text) {
  Parsed p;
  std::string buf = text;  // slack full of structural bytes that must not be taken as data
  for (std::size_t i = 0; i < CsvReader::kPad; ++i) buf += "\",\n"[i % 3];
  CsvReader reader(buf.data(), text.size(), buf.size(), 1, true);
  for (;;) {
    auto more = reader.read_record();
    if (!more.ok()) {  // no file name in memory mode: the caller adds it
      const auto& e = more.error();
      p.error = "t.csv:" + std::to_string(e.line) + ":" + std::to_string(e.column) + ": " + e.message;
      return p;
    }
    if (!*more) return p;
    p.rows.emplace_back(reader.record().begin(), reader.record().end());
    p.lines.push_back(reader.record_line());
    p.problems.push_back(reader.record_problem());
  }
}

TEST(CsvReader, MatchesAByteAtATimeReferenceOnRandomInput) {
  std::mt19937 rng(20240501);
  // Weighted towards the structural bytes so quotes, CRLFs and empty fields
  // meet block and refill boundaries often.
  const std::string alphabet = "\"\",,,\n\n\r abcxyz0123456789.";
  for (int round = 0; round < 400; ++round) {
    std::size_t len = round < 300 ? rng() % 400 : 1000 + rng() % 300000;
    std::string text;
    if (round % 7 == 0) text = "\xEF\xBB\xBF";
    for (std::size_t i = 0; i < len; ++i) text += alphabet[rng() % alphabet.size()];
    if (round % 5 == 0) {  // mostly well-formed rows too, as in real files
      text.clear();
      for (std::size_t i = 0; i < len / 20; ++i) {
        text += (rng() % 3 ? "plain" : "\"q,\"\"x\"\"\r\ny\"") + std::string(",") + std::to_string(rng()) +
                (rng() % 2 ? "\r\n" : "\n");
      }
    }
    Parsed want = reference(text);
    Parsed got = round % 3 == 2 ? parse_in_memory(text) : parse_choppy(text, static_cast<uint32_t>(round), round % 2 ? 7 : 100000);
    if (want.error.empty()) {
      ASSERT_EQ(got.error, "") << "round " << round;
    } else {
      ASSERT_NE(got.error.find(want.error), std::string::npos)
          << "round " << round << ": " << got.error << " want " << want.error << " text " << ::testing::PrintToString(text.substr(0, 200));
    }
    ASSERT_EQ(got.rows.size(), want.rows.size()) << "round " << round;
    for (std::size_t i = 0; i < want.rows.size(); ++i) {
      ASSERT_EQ(got.rows[i], want.rows[i]) << "round " << round << " record " << i;
      ASSERT_EQ(got.lines[i], want.lines[i]) << "round " << round << " record " << i;
      ASSERT_EQ(got.problems[i], want.problems[i]) << "round " << round << " record " << i;
    }
  }
}

}  // namespace
}  // namespace sageguard::cost
