// RecordScanner against CsvReader on the same bytes: for every record the
// same field count, line, problem text and values of the needed columns,
// on random well-formed-ish CSV and on random byte soup (quotes, commas,
// CR, LF in any order), with random column counts (past 64 too) and random
// needed columns. The slack after the input is filled with quotes and
// newlines so that reading into it would show.
#include "cost/cur_scan.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "sageguard/cost/csv_reader.h"

namespace sageguard::cost {
namespace {

struct Rec {
  std::size_t count = 0;
  uint64_t line = 0;
  std::string problem;
  std::vector<std::string> vals;  // needed columns, when count == columns
  bool operator==(const Rec&) const = default;
};

// An error (a stray quote) ends the records: compared by where it points.
Rec error_rec(const Error& e) {
  return Rec{SIZE_MAX, e.line, "ERROR at column " + std::to_string(e.column) + ": " + e.message, {}};
}

std::string padded(const std::string& text) { return text + std::string(CsvReader::kPad, '"') + "\n\n"; }

std::vector<Rec> by_reader(const std::string& text, const std::vector<uint8_t>& need, uint64_t first_line) {
  std::string buf = padded(text);
  CsvReader reader(buf.data(), text.size(), buf.size(), first_line, false);
  std::vector<Rec> out;
  for (;;) {
    auto more = reader.read_record();
    if (!more.ok()) {
      out.push_back(error_rec(more.error()));
      break;
    }
    if (!*more) break;
    auto f = reader.record();
    Rec r{f.size(), reader.record_line(), reader.record_problem(), {}};
    if (f.size() == need.size()) {
      for (std::size_t c = 0; c < f.size(); ++c) {
        if (need[c]) r.vals.emplace_back(f[c]);
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<Rec> by_scanner(const std::string& text, const std::vector<uint8_t>& need, uint64_t first_line) {
  std::string buf = padded(text);
  RecordScanner scanner(buf.data(), text.size(), buf.size(), first_line, need);
  std::vector<Rec> out;
  Status st = scanner.scan([&](const std::string_view* f, std::size_t count, uint64_t line, const std::string& problem) {
    Rec r{count, line, problem, {}};
    if (count == need.size()) {
      for (std::size_t c = 0; c < count; ++c) {
        if (need[c]) r.vals.emplace_back(f[c]);
      }
    }
    out.push_back(std::move(r));
    return Status::success();
  });
  if (!st.ok()) out.push_back(error_rec(st.error()));
  return out;
}

std::string field(std::mt19937& rng) {
  switch (rng() % 12) {
    case 0: return "";
    case 1: return "\"\"";
    case 2: return "\"a,b\"";
    case 3: return "\"say \"\"hi\"\"\"";
    case 4: return "\"multi\nline\r\nfield\"";
    case 5: {
      std::string q(2 + rng() % 150, 'q');
      q.front() = q.back() = '"';
      return q;
    }
    case 6: return std::string(rng() % 150, 'x');
    case 7: return "12.3456789012";
    case 8: return rng() % 4 ? "plain" : "bad\"quote";  // problem: quote inside an unquoted field
    case 9: return rng() % 4 ? "\"ok\"" : "\"closed\"text";  // problem: text after the closing quote
    case 10: return "\"cr\"\r";  // a CR after the quote: fine only at the end of a CRLF line
    default: return "v" + std::to_string(rng() % 1000);
  }
}

std::string csv_like(std::mt19937& rng, std::size_t columns, int rows) {
  std::string out;
  for (int r = 0; r < rows; ++r) {
    std::size_t n = columns;
    if (rng() % 20 == 0) n = 1 + rng() % (columns + 2);
    for (std::size_t c = 0; c < n; ++c) {
      if (c) out += ',';
      out += field(rng);
    }
    out += rng() % 3 ? "\n" : "\r\n";
    if (rng() % 25 == 0) out += rng() % 2 ? "\n" : "\r\n";  // blank line
  }
  if (rng() % 2 && !out.empty()) out.pop_back();  // sometimes no final newline
  if (rng() % 4 == 0) out += "\"open quote at the end, never closed,\n";
  return out;
}

std::string soup(std::mt19937& rng, std::size_t len) {
  const char alphabet[] = {'a', 'a', 'a', 'b', ',', ',', '"', '\n', '\r', ' '};
  std::string out;
  for (std::size_t i = 0; i < len; ++i) out += alphabet[rng() % sizeof alphabet];
  return out;
}

std::vector<uint8_t> random_need(std::mt19937& rng, std::size_t columns) {
  std::vector<uint8_t> need(columns);
  const unsigned density = 1 + rng() % 4;
  for (auto& n : need) n = rng() % 4 < density;
  return need;
}

TEST(RecordScanner, MatchesCsvReaderOnRandomCsv) {
  std::mt19937 rng(11);
  for (int round = 0; round < 400; ++round) {
    const std::size_t columns = 1 + rng() % (round % 5 == 0 ? 90 : 12);
    std::string text = csv_like(rng, columns, 1 + static_cast<int>(rng() % 60));
    auto need = random_need(rng, columns);
    const uint64_t first_line = 1 + rng() % 1000;
    auto want = by_reader(text, need, first_line);
    auto got = by_scanner(text, need, first_line);
    ASSERT_EQ(got.size(), want.size()) << "round " << round;
    for (std::size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(got[i], want[i]) << "round " << round << " record " << i << " line " << want[i].line;
    }
  }
}

TEST(RecordScanner, MatchesCsvReaderOnByteSoup) {
  std::mt19937 rng(12);
  for (int round = 0; round < 2000; ++round) {
    const std::size_t columns = 1 + rng() % 6;
    std::string text = soup(rng, rng() % 400);
    auto need = random_need(rng, columns);
    auto want = by_reader(text, need, 1);
    auto got = by_scanner(text, need, 1);
    ASSERT_EQ(got.size(), want.size()) << "round " << round;
    for (std::size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(got[i], want[i]) << "round " << round << " record " << i;
    }
  }
}

TEST(RecordScanner, UnquotesNeededFieldsAndCountsQuotedNewlines) {
  std::string text = "a,\"x,\"\"y\"\"\",c\r\n\"two\nlines\",b,\"\"\n\nlast,\"q\",z";
  std::vector<uint8_t> need = {1, 1, 1};
  auto got = by_scanner(text, need, 5);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], (Rec{3, 5, "", {"a", "x,\"y\"", "c"}}));
  EXPECT_EQ(got[1], (Rec{3, 6, "", {"two\nlines", "b", ""}}));
  EXPECT_EQ(got[2], (Rec{3, 9, "", {"last", "q", "z"}}));
}

TEST(RecordScanner, QuotingProblemsReportCsvReadersText) {
  std::vector<uint8_t> need = {1, 0};
  const std::string text = "ok,1\nbad\"q\",2\n\"t\"x,3\n\"open,4\n";
  auto got = by_scanner(text, need, 1);
  EXPECT_EQ(got, by_reader(text, need, 1));
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].problem, "");
  EXPECT_EQ(got[1].problem, "quote inside unquoted field");
  EXPECT_EQ(got[2].problem, "text after closing quote");
  // A quote left open at the end: an error at it, not a malformed row.
  EXPECT_EQ(got[3].count, SIZE_MAX);
  EXPECT_EQ(got[3].line, 4u);
  EXPECT_EQ(got[3].problem.rfind("ERROR at column 1: ", 0), 0u) << got[3].problem;
}

TEST(RecordScanner, RecordsOverTheLineBoundGoToCsvReader) {
  std::vector<uint8_t> need = {1, 1};
  std::string text = "a,\"";
  for (uint64_t i = 0; i <= CsvReader::kMaxRecordLines; ++i) text += "l\n";
  text += "\"\nz,2\n";
  auto got = by_scanner(text, need, 1);
  EXPECT_EQ(got, by_reader(text, need, 1));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].count, SIZE_MAX);
  EXPECT_EQ(got[0].problem.rfind("ERROR at column 3: ", 0), 0u) << got[0].problem;
}

TEST(RecordScanner, StopsAtTheFirstErrorTheRowCallbackReturns) {
  std::string text = "a\nb\nc\n";
  std::string buf = padded(text);
  RecordScanner scanner(buf.data(), text.size(), buf.size(), 1, {1});
  int calls = 0;
  Status st = scanner.scan([&](const std::string_view*, std::size_t, uint64_t line, const std::string&) -> Status {
    ++calls;
    if (line == 2) return Error::make(ErrorCode::input, "stop");
    return Status::success();
  });
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace sageguard::cost
