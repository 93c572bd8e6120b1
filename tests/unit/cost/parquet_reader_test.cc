// The Parquet reader on files made by parquet_test_writer.h: values, nulls,
// dictionaries and every codec read back as the aggregation expects; each
// kind of broken file (wrong magic, truncated footer, a page past its chunk,
// a dictionary index out of range, a page that does not inflate to its
// stated size, a level deeper than the schema) is an input error naming the
// file and the column, never a number. Also the encodings' decoders on
// hand-made streams and the Athena column naming rule.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "cost/cur_aggregator.h"
#include "cost/cur_schema.h"
#include "cost/parquet_cur.h"
#include "cost/parquet_decode.h"
#include "cost/thrift_compact.h"
#include "sageguard/cost/byte_source.h"
#include "sageguard/cost/cur_reader.h"
#include "parquet_test_writer.h"

namespace sageguard::cost {
namespace {

using costtest::Corruption;
using costtest::TestColumn;
using costtest::write_parquet;

std::vector<TestColumn> cur2_columns(bool dictionary) {
  TestColumn product{"line_item_product_code", false, {}, dictionary};
  TestColumn cost{"line_item_unblended_cost", true, {}, dictionary};
  TestColumn start{"line_item_usage_start_date", false, {}, dictionary};
  TestColumn type{"line_item_line_item_type", false, {}, dictionary};
  TestColumn tags{"resource_tags", false, {}, dictionary};
  const char* projects[] = {"alpha", "beta", nullptr};
  for (int i = 0; i < 30; ++i) {
    product.values.push_back(i % 7 == 3 ? "AmazonEC2" : "AmazonSageMaker");
    cost.values.push_back(i % 5 == 4 ? std::nullopt : std::optional<std::string>(std::to_string(0.25 * (i + 1))));
    start.values.push_back(std::string("2024-0") + (i < 15 ? "5" : "6") + "-02T00:00:00Z");
    type.values.push_back("Usage");
    const char* p = projects[i % 3];
    tags.values.push_back(p ? std::optional<std::string>(std::string("{\"user_project\":\"") + p + "\"}")
                            : std::nullopt);
  }
  return {product, cost, start, type, tags};
}

struct Outcome {
  bool ok = false;
  std::string error;
  CostReport report;
};

Outcome run(const std::string& bytes, std::vector<std::string> group_by = {"Project"}, unsigned threads = 1) {
  CurOptions o;
  o.group_by = std::move(group_by);
  o.strict = true;
  CurAggregator agg(o);
  Status st = aggregate_parquet_memory(bytes, "mem.parquet", threads, o, agg);
  Outcome out;
  out.ok = st.ok();
  if (!st.ok()) {
    out.error = st.error().describe();
    return out;
  }
  out.report = std::move(agg).finish({"mem.parquet"});
  return out;
}

// Expected sums over the rows cur2_columns makes: SageMaker rows with a cost.
std::map<std::string, double> expected_by_project() {
  std::map<std::string, double> m;
  const char* projects[] = {"alpha", "beta", ""};
  for (int i = 0; i < 30; ++i) {
    if (i % 7 == 3 || i % 5 == 4) continue;
    m[projects[i % 3]] += 0.25 * (i + 1);
  }
  return m;
}

TEST(ParquetReader, EveryCodecAndDictionaryReadsTheSameSums) {
  const auto want = expected_by_project();
  for (int codec : {0, 1, 2, 6}) {
    for (bool dict : {false, true}) {
      SCOPED_TRACE("codec " + std::to_string(codec) + (dict ? " dictionary" : " plain"));
      Outcome r = run(write_parquet(cur2_columns(dict), codec));
      ASSERT_TRUE(r.ok) << r.error;
      EXPECT_EQ(r.report.rows_read, 30u);
      EXPECT_EQ(r.report.source, "cur2");
      std::map<std::string, double> got;
      for (const auto& g : r.report.groups) got[g.key.at("Project").value_or("")] = g.cost;
      ASSERT_EQ(got.size(), want.size());
      for (const auto& [k, v] : want) EXPECT_DOUBLE_EQ(got[k], v) << k;
      EXPECT_EQ(r.report.by_month.size(), 2u);
    }
  }
}

TEST(ParquetReader, WrongMagicAndTruncatedFooterAreInputErrors) {
  std::string good = write_parquet(cur2_columns(false));
  std::string magic = good;
  magic[0] = 'X';
  Outcome r = run(magic);
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.error.find("mem.parquet"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("wrong magic"), std::string::npos) << r.error;

  Outcome t = run(good.substr(0, good.size() - 3));
  ASSERT_FALSE(t.ok);
  EXPECT_NE(t.error.find("mem.parquet"), std::string::npos) << t.error;

  // The footer cut short inside: its stated length no longer fits.
  std::string cut = good.substr(0, good.size() - 40) + good.substr(good.size() - 8);
  Outcome c = run(cut);
  ASSERT_FALSE(c.ok);
  EXPECT_NE(c.error.find("footer"), std::string::npos) << c.error;
}

Outcome corrupt(const Corruption& bad, bool dict = false, int codec = 0) {
  return run(write_parquet(cur2_columns(dict), codec, bad));
}

TEST(ParquetReader, PageSizePastItsChunkNamesTheColumn) {
  Corruption bad;
  bad.corrupt_column = "line_item_unblended_cost";
  bad.page_size_delta = 100000;
  Outcome r = corrupt(bad);
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.error.find("mem.parquet"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("column line_item_unblended_cost"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("runs past"), std::string::npos) << r.error;
}

TEST(ParquetReader, DictionaryIndexOutOfRangeNamesTheColumn) {
  Corruption bad;
  bad.corrupt_column = "line_item_product_code";
  bad.dict_index = 200;
  Outcome r = corrupt(bad, true);
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.error.find("column line_item_product_code"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("dictionary index 200 out of range"), std::string::npos) << r.error;
}

TEST(ParquetReader, PagesThatDoNotInflateToTheirSizeNameTheColumn) {
  for (int codec : {1, 2, 6}) {
    SCOPED_TRACE(codec);
    Corruption bad;
    bad.corrupt_column = "line_item_usage_start_date";
    bad.uncompressed_delta = 5;
    Outcome r = corrupt(bad, false, codec);
    ASSERT_FALSE(r.ok);
    EXPECT_NE(r.error.find("column line_item_usage_start_date"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("inflate"), std::string::npos) << r.error;
  }
  // Garbage where a snappy page should be.
  std::string f = write_parquet(cur2_columns(false), 1);
  const std::size_t at = f.find("AmazonSageMaker");
  if (at != std::string::npos) {
    // Snappy keeps literals: break the literal's length tag before it.
    f[at - 1] = static_cast<char>(0xfc);
    f[at - 2] = static_cast<char>(0xff);
    Outcome r = run(f);
    ASSERT_FALSE(r.ok);
    EXPECT_NE(r.error.find("column line_item_product_code"), std::string::npos) << r.error;
  }
}

TEST(ParquetReader, LevelDeeperThanTheSchemaNamesTheColumn) {
  Corruption bad;
  bad.corrupt_column = "line_item_line_item_type";
  bad.def_level = 2;
  Outcome r = corrupt(bad);
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.error.find("column line_item_line_item_type"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("definition level 2 deeper than the schema's 1"), std::string::npos) << r.error;
}

TEST(ParquetReader, NestedGroupWhereOneValueIsNeededIsUnsupported) {
  auto cols = cur2_columns(false);
  cols[3].in_group = true;  // line_item_line_item_type inside a group
  Outcome r = run(write_parquet(cols));
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.error.find("column line_item_line_item_type"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("unsupported Parquet feature"), std::string::npos) << r.error;
}

// cur2_columns with the tags as a MAP<string,string>: the same projects, a
// null map or an empty one for the untagged rows, a key with a null value
// before the project and a third key on some rows.
std::vector<TestColumn> cur2_map_columns(bool dictionary) {
  auto cols = cur2_columns(dictionary);
  TestColumn tags{"resource_tags", false, {}, dictionary};
  tags.is_map = true;
  const char* projects[] = {"alpha", "beta", nullptr};
  for (int i = 0; i < 30; ++i) {
    const char* p = projects[i % 3];
    if (!p) {
      tags.map_rows.push_back(i % 2 ? costtest::MapRow() : costtest::MapRow(costtest::MapRow::value_type()));
      continue;
    }
    costtest::MapRow::value_type entries{{"user_cost_center", std::nullopt}, {"user_project", p}};
    if (i % 4 == 0) entries.emplace_back("user_owner", "x");
    tags.map_rows.push_back(entries);
  }
  cols[4] = tags;
  return cols;
}

TEST(ParquetReader, MapTagsReadThroughTheirRepetitionLevels) {
  const auto want = expected_by_project();
  for (bool dict : {false, true}) {
    Outcome r = run(write_parquet(cur2_map_columns(dict), 1));
    ASSERT_TRUE(r.ok) << r.error;
    std::map<std::string, double> got;
    for (const auto& g : r.report.groups) got[g.key.at("Project").value_or("")] = g.cost;
    ASSERT_EQ(got.size(), want.size());
    for (const auto& [k, v] : want) EXPECT_DOUBLE_EQ(got[k], v) << k;
  }
}

Outcome corrupt_map(const std::string& leaf, const Corruption& how) {
  Corruption bad = how;
  bad.corrupt_column = "resource_tags.key_value." + leaf;
  return run(write_parquet(cur2_map_columns(false), 0, bad));
}

TEST(ParquetReader, RepetitionLevelDeeperThanTheSchemaNamesTheColumn) {
  Corruption bad;
  bad.rep_level = std::make_pair(std::size_t{1}, 2u);
  Outcome r = corrupt_map("key", bad);
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.error.find("mem.parquet"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("column resource_tags.key_value.key"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("repetition level 2 deeper than the schema's 1"), std::string::npos) << r.error;
}

TEST(ParquetReader, BadRepetitionLevelsNameTheColumn) {
  // Entries: row 0 has three (0-2), row 1 two (3-4), row 2 an empty map (5).
  struct Case {
    const char* leaf;
    Corruption bad;
    const char* want;
  };
  std::vector<Case> cases;
  Corruption first;
  first.rep_level = std::make_pair(std::size_t{0}, 1u);
  cases.push_back({"key", first, "first repetition level is not 0"});
  Corruption empty;  // the empty map continues the row before it
  empty.rep_level = std::make_pair(std::size_t{5}, 1u);
  cases.push_back({"key", empty, "entry 5 continues a list (repetition level 1) but is defined only to level 1 of 2"});
  Corruption split;  // a value starts a row in the middle of row 0's entries
  split.rep_level = std::make_pair(std::size_t{1}, 0u);
  cases.push_back({"value", split, "map keys and values do not line up"});
  Corruption depth;  // a value of a null map where the key is defined
  depth.def_level = 0;
  cases.push_back({"value", depth, "defined to different depths"});
  for (const Case& c : cases) {
    SCOPED_TRACE(c.want);
    Outcome r = corrupt_map(c.leaf, c.bad);
    ASSERT_FALSE(r.ok);
    EXPECT_NE(r.error.find("mem.parquet"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("column resource_tags.key_value."), std::string::npos) << r.error;
    EXPECT_NE(r.error.find(c.want), std::string::npos) << r.error;
  }
}

TEST(ParquetReader, ThreadsGiveTheSameReport) {
  const std::string f = write_parquet(cur2_columns(true), 1);
  Outcome one = run(f, {"Project", "month"}, 1), four = run(f, {"Project", "month"}, 4);
  ASSERT_TRUE(one.ok && four.ok);
  ASSERT_EQ(one.report.groups.size(), four.report.groups.size());
  for (std::size_t i = 0; i < one.report.groups.size(); ++i) {
    EXPECT_EQ(one.report.groups[i].key, four.report.groups[i].key);
    EXPECT_EQ(one.report.groups[i].cost, four.report.groups[i].cost);
  }
}

// A row group whose rows are nearly all unlike (a usage type, start,
// resource and account per row, dictionary-encoded): more classes than the
// reader keeps at once, and cells whose ids together need more than 64
// bits. The last 500 rows repeat the cells of the rows 1024 before them
// (among the last 4096 classes) but for the usage type (the first column,
// ids 1024 apart), so a class key that lost that column's high bits would
// merge them. Most rows have two tags a group-by key reads, some one,
// some none. The report is the CSV reader's over the same rows, number
// for number, with the malformed rows (a NaN cost) and the currency of the
// first counted row.
TEST(ParquetReader, RowGroupOfUnlikeRowsReadsAsCsvDoes) {
  const int n = 9800;
  std::vector<TestColumn> cols = {
      {"line_item_usage_type", false, {}, true},         {"line_item_usage_start_date", false, {}, true},
      {"line_item_resource_id", false, {}, true},        {"line_item_usage_account_id", false, {}, true},
      {"line_item_product_code", false, {}, true},       {"line_item_unblended_cost", true, {}, true},
      {"pricing_public_on_demand_cost", true, {}, true}, {"line_item_line_item_type", false, {}, true},
      {"line_item_currency_code", false, {}, true},      {"resource_tags", false, {}, true}};
  TestColumn& tags = cols.back();
  tags.is_map = true;
  std::string csv;
  for (const TestColumn& c : cols) csv += (csv.empty() ? "" : ",") + c.name;
  csv += "\n";
  for (int i = 0; i < n; ++i) {
    const int j = i < 9300 ? i : i - 1024;
    const std::string u = "USE1-Train" + std::string(i % 6 == 0 ? "-Spot" : "") + ":ml.m5.x" + std::to_string(i);
    const std::string st = std::string("2024-0") + (j % 3 == 0 ? "5" : "6") + "-" + std::to_string(10 + j % 18) + "T" +
                           std::to_string(10 + j / 18 % 24) + ":" + std::to_string(10 + j / 432) + ":00Z";
    const std::string project = "p-" + std::to_string(j % 50);
    const std::string team = "t-" + std::to_string(j % 3);
    const std::vector<std::string> row = {
        u,
        st,
        "arn:job/" + std::to_string(j),
        std::to_string(100000 + j),
        i % 11 == 5 ? "AmazonEC2" : "AmazonSageMaker",
        i % 997 == 3 ? "nan" : std::to_string((i % 1000) * 0.37 - 40),
        std::to_string((i % 1000) * 0.5),
        j % 4 == 1 ? "SavingsPlanCoveredUsage" : "Usage",
        i < 7 ? "EUR" : "USD",
        j % 9 == 2 ? std::string()
                   : "\"{\"\"user_project\"\":\"\"" + project + "\"\",\"\"user_cost_center\"\":\"\"cc\"\"" +
                         (j % 5 == 1 ? "" : ",\"\"user_team\"\":\"\"" + team + "\"\"") + "}\""};
    for (std::size_t c = 0; c + 1 < cols.size(); ++c) {
      cols[c].values.push_back(row[c]);
      csv += row[c] + ",";
    }
    csv += row.back() + "\n";
    costtest::MapRow m(costtest::MapRow::value_type{{"user_project", project}, {"user_cost_center", "cc"}});
    if (j % 5 != 1) m->emplace_back("user_team", team);
    tags.map_rows.push_back(j % 9 == 2 ? costtest::MapRow() : m);
  }
  const std::string f = write_parquet(cols);
  CurOptions o;
  o.group_by = {"Project", "instance-type", "month", "resource", "account", "team"};
  for (unsigned threads : {1u, 2u}) {
    CurAggregator agg(o);
    ASSERT_TRUE(aggregate_parquet_memory(f, "mem.parquet", threads, o, agg).ok());
    const CostReport pq = std::move(agg).finish({"mem.parquet"});
    auto src = open_memory(csv, "cur.csv");
    Result<CostReport> want = read_cur_source(*src, o);
    ASSERT_TRUE(want.ok());
    const CostReport& cv = *want;
    EXPECT_EQ(pq.currency, "EUR");
    EXPECT_EQ(pq.currency, cv.currency);
    EXPECT_EQ(pq.warnings, cv.warnings);
    EXPECT_EQ(pq.rows_read, static_cast<uint64_t>(n));
    EXPECT_EQ(pq.rows_read, cv.rows_read);
    EXPECT_GT(pq.malformed_rows, 0u);
    EXPECT_EQ(pq.malformed_rows, cv.malformed_rows);
    ASSERT_EQ(pq.malformed_samples.size(), cv.malformed_samples.size());
    for (std::size_t i = 0; i < pq.malformed_samples.size(); ++i) {
      EXPECT_EQ(pq.malformed_samples[i].reason, cv.malformed_samples[i].reason);
      EXPECT_EQ(pq.malformed_samples[i].line + 1, cv.malformed_samples[i].line);  // the CSV's header is line 1
    }
    EXPECT_EQ(pq.total, cv.total);
    EXPECT_EQ(pq.items, cv.items);
    EXPECT_EQ(pq.by_month, cv.by_month);
    EXPECT_GT(pq.groups.size(), 4096u);
    const auto teams = std::count_if(pq.groups.begin(), pq.groups.end(), [](const CostGroup& g) {
      return g.key.at("team").has_value() && g.key.at("Project").has_value();
    });
    EXPECT_GT(teams, 1000);
    ASSERT_EQ(pq.groups.size(), cv.groups.size());
    for (std::size_t i = 0; i < pq.groups.size(); ++i) {
      EXPECT_EQ(pq.groups[i].key, cv.groups[i].key);
      EXPECT_EQ(pq.groups[i].cost, cv.groups[i].cost);
      EXPECT_EQ(pq.groups[i].items, cv.groups[i].items);
      EXPECT_EQ(pq.groups[i].spot_savings, cv.groups[i].spot_savings);
      EXPECT_EQ(pq.groups[i].sp_coverage, cv.groups[i].sp_coverage);
    }
  }
}

TEST(ParquetDecode, RleHybridRunsAndBitPacking) {
  // RLE run of 3 x 5 (width 3), then one bit-packed group of 8: 0..7.
  const uint8_t bytes[] = {3 << 1, 5, (1 << 1) | 1, 0x88, 0xc6, 0xfa};
  parquet::ByteCursor in{bytes, bytes + sizeof bytes, {}};
  std::vector<uint32_t> out;
  ASSERT_TRUE(parquet::decode_rle_hybrid(in, 3, 11, out)) << in.error;
  EXPECT_EQ(out, (std::vector<uint32_t>{5, 5, 5, 0, 1, 2, 3, 4, 5, 6, 7}));
  parquet::ByteCursor short_in{bytes, bytes + 4, {}};
  out.clear();
  EXPECT_FALSE(parquet::decode_rle_hybrid(short_in, 3, 11, out));
}

// Random runs at every width, bit-packed (LSB first) and RLE, with and
// without bytes after the stream (the decoders' fast paths need 8 readable
// bytes past a run), counts that end inside a group of 8: every value, the
// largest, and as levels the count of full ones.
TEST(ParquetDecode, RleHybridAtEveryWidthMatchesItsEncoding) {
  std::mt19937 rng(5);
  for (int width = 1; width <= 32; ++width) {
    for (int pad : {0, 16}) {
      const uint64_t top = width == 32 ? 0xffffffffu : (uint64_t{1} << width) - 1;
      std::vector<uint8_t> bytes;
      std::vector<uint32_t> want;
      auto varint = [&](uint64_t v) {
        for (; v >= 0x80; v >>= 7) bytes.push_back(static_cast<uint8_t>((v & 0x7f) | 0x80));
        bytes.push_back(static_cast<uint8_t>(v));
      };
      for (int run = 0; run < 12; ++run) {
        if (run % 3 == 2) {  // RLE
          const uint32_t v = static_cast<uint32_t>(rng() & top);
          const int n = 1 + static_cast<int>(rng() % 20);
          varint(static_cast<uint64_t>(n) << 1);
          for (int b = 0; b < (width + 7) / 8; ++b) bytes.push_back(static_cast<uint8_t>(v >> (8 * b)));
          want.insert(want.end(), static_cast<std::size_t>(n), v);
          continue;
        }
        const int groups = 1 + static_cast<int>(rng() % 4);
        varint((static_cast<uint64_t>(groups) << 1) | 1);
        std::vector<uint8_t> packed(static_cast<std::size_t>(groups * width), 0);
        for (int i = 0; i < groups * 8; ++i) {
          const uint32_t v = static_cast<uint32_t>(rng() & top);
          want.push_back(v);
          for (int b = 0; b < width; ++b) {
            const std::size_t bit =
                static_cast<std::size_t>(i) * static_cast<std::size_t>(width) + static_cast<std::size_t>(b);
            if ((v >> b) & 1) packed[bit / 8] = static_cast<uint8_t>(packed[bit / 8] | (1u << (bit % 8)));
          }
        }
        bytes.insert(bytes.end(), packed.begin(), packed.end());
      }
      const std::size_t count = want.size() - 3;  // the last group is cut short
      want.resize(count);
      bytes.insert(bytes.end(), static_cast<std::size_t>(pad), 0xff);
      SCOPED_TRACE("width " + std::to_string(width) + " pad " + std::to_string(pad));
      parquet::ByteCursor in{bytes.data(), bytes.data() + bytes.size(), {}};
      std::vector<uint32_t> out;
      uint32_t largest = 0;
      ASSERT_TRUE(parquet::decode_rle_hybrid(in, width, count, out, &largest)) << in.error;
      EXPECT_EQ(out, want);
      EXPECT_EQ(largest, *std::max_element(want.begin(), want.end()));
      if (width > 16) continue;
      std::vector<uint16_t> levels(count);
      std::size_t full = 0;
      uint32_t deepest = 0;
      parquet::ByteCursor lin{bytes.data(), bytes.data() + bytes.size(), {}};
      ASSERT_TRUE(parquet::decode_levels(lin, width, count, levels.data(), want[count / 2], full, deepest))
          << lin.error;
      EXPECT_EQ(std::vector<uint32_t>(levels.begin(), levels.end()), want);
      EXPECT_EQ(full, static_cast<std::size_t>(std::count(want.begin(), want.end(), want[count / 2])));
      EXPECT_EQ(deepest, largest);
    }
  }
}

TEST(ParquetDecode, DeltaBinaryPacked) {
  // Block 128, 4 miniblocks, 5 values, first 7; min delta -2, widths 2,0,0,0;
  // deltas (packed) 0,1,2,3 -> values 7, 5, 4, 4, 5.
  std::vector<uint8_t> b = {0x80, 0x01, 4, 5, 14, 3, 2, 0, 0, 0};
  std::vector<uint8_t> mini(32 * 2 / 8, 0);
  mini[0] = 0b11100100;  // 0,1,2,3 in 2-bit fields, LSB first
  b.insert(b.end(), mini.begin(), mini.end());
  parquet::ByteCursor in{b.data(), b.data() + b.size(), {}};
  std::vector<int64_t> out;
  ASSERT_TRUE(parquet::decode_delta_binary(in, 5, 64, out)) << in.error;
  EXPECT_EQ(out, (std::vector<int64_t>{7, 5, 4, 4, 5}));
  EXPECT_EQ(in.p, b.data() + b.size());
  // A miniblock cut short is an error, not a guess.
  parquet::ByteCursor cut{b.data(), b.data() + b.size() - 1, {}};
  out.clear();
  EXPECT_FALSE(parquet::decode_delta_binary(cut, 5, 64, out));
}

TEST(ParquetDecode, ByteStreamSplit) {
  const uint8_t b[] = {1, 2, 3, 4, 5, 6};  // two 3-byte values: 1,3,5 and 2,4,6
  parquet::ByteCursor in{b, b + 6, {}};
  std::string out;
  ASSERT_TRUE(parquet::decode_byte_stream_split(in, 2, 3, out));
  EXPECT_EQ(out, std::string("\x01\x03\x05\x02\x04\x06", 6));
}

TEST(ThriftCompact, SkipsNestedValuesAndRejectsTruncation) {
  costtest::ThriftWriter w;
  w.begin(1);
  w.list(2, 8, 2);
  w.raw_binary("ab");
  w.raw_binary("c");
  w.i64(3, -5);
  w.end();
  w.i32(4, 42);
  w.out.push_back('\0');
  ThriftReader r(reinterpret_cast<const uint8_t*>(w.out.data()), w.out.size());
  r.begin_struct();
  int16_t id;
  uint8_t t;
  ASSERT_TRUE(r.next_field(id, t));
  EXPECT_EQ(id, 1);
  r.skip(t);
  ASSERT_TRUE(r.next_field(id, t));
  EXPECT_EQ(id, 4);
  EXPECT_EQ(r.read_i32(), 42);
  EXPECT_FALSE(r.next_field(id, t));
  EXPECT_TRUE(r.ok());
  ThriftReader cut(reinterpret_cast<const uint8_t*>(w.out.data()), 5);
  cut.begin_struct();
  while (cut.next_field(id, t)) cut.skip(t);
  EXPECT_FALSE(cut.ok());
}

TEST(AthenaNames, FollowTheCurAthenaRule) {
  EXPECT_EQ(athena_column_name("lineItem/UnblendedCost"), "line_item_unblended_cost");
  EXPECT_EQ(athena_column_name("reservation/ReservationARN"), "reservation_reservation_a_r_n");
  EXPECT_EQ(athena_column_name("resourceTags/user:Cost Center"), "resource_tags_user_cost_center");
  EXPECT_EQ(athena_column_name("resourceTags/user:project"), "resource_tags_user_project");
  EXPECT_EQ(athena_column_name("savingsPlan/SavingsPlanEffectiveCost"), "savings_plan_savings_plan_effective_cost");
  EXPECT_EQ(athena_column_name("resourceTags/aws:createdBy"), "resource_tags_aws_created_by");
}

}  // namespace
}  // namespace sageguard::cost
