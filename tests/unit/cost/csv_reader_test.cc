#include "sageguard/cost/csv_reader.h"

#include <gtest/gtest.h>

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

Parsed parse(const std::string& text, std::size_t max_record = std::size_t{64} << 20) {
  Parsed p;
  auto src = open_memory(text, "t.csv");
  CsvReader reader(*src, max_record);
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

TEST(CsvReader, QuotingProblemsAreFlaggedNotFatal) {
  auto p = parse("a,b\n\"x\"junk,2\nok,3\n\"open,4\n");
  ASSERT_EQ(p.error, "");
  ASSERT_EQ(p.rows.size(), 4u);
  EXPECT_EQ(p.problems[1], "text after closing quote");
  EXPECT_EQ(p.problems[2], "");
  EXPECT_EQ(p.rows[2], (std::vector<std::string>{"ok", "3"}));
  EXPECT_EQ(p.problems[3], "quoted field not closed before end of input");
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
  EXPECT_NE(p.error.find("longer than"), std::string::npos) << p.error;
  EXPECT_NE(p.error.find("t.csv:2"), std::string::npos) << p.error;
}

TEST(CsvReader, ReadsGzipTransparently) {
  std::string z = costtest::gzip("a,b\n\"1,5\",2\n");
  auto p = parse(z);
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.rows, (Rows{{"a", "b"}, {"1,5", "2"}}));
}

}  // namespace
}  // namespace sageguard::cost
