// aggregate_file_parallel against the one-thread reader on the same bytes:
// same groups, items, months, malformed rows with their lines, and the same
// --strict error, whatever the chunk size and thread count.
#include "cost/cur_parallel.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "cost_test_util.h"
#include "sageguard/cost/cur_reader.h"

namespace sageguard::cost {
namespace {

// Legacy CUR text with the awkward parts: quoted commas, quotes and
// newlines, CRLF and LF, blank tags, other services, rows with the wrong
// number of fields, non-numeric costs, a quote inside an unquoted field and
// an occasional record much longer than a small chunk.
std::string make_cur(uint32_t seed, int rows) {
  std::mt19937 rng(seed);
  std::string out =
      "\xEF\xBB\xBFidentity/LineItemId,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UsageType,"
      "lineItem/LineItemType,lineItem/UnblendedCost,pricing/publicOnDemandCost,lineItem/LineItemDescription,"
      "resourceTags/user:Project\r\n";
  const char* projects[] = {"alpha", "\"beta, gamma\"", "\"say \"\"hi\"\"\"", "", "\"multi\nline\"", "Alpha"};
  const char* types[] = {"USE1-Train:ml.p3.2xlarge", "USE1-Train-Spot:ml.g5.xlarge", "USE1-Host:ml.m5.large"};
  for (int i = 0; i < rows; ++i) {
    int k = static_cast<int>(rng() % 100);
    std::string day = std::to_string(10 + rng() % 18);
    std::string month = rng() % 2 ? "05" : "06";
    std::string cost = std::to_string(rng() % 100000) + "." + std::to_string(rng() % 1000);
    std::string desc = rng() % 3 ? "Usage" : "\"with, comma\"";
    if (rng() % 500 == 0) desc = "\"" + std::string(3000 + rng() % 5000, 'x') + "\"";
    std::string line = "li-" + std::to_string(i) + ",2024-" + month + "-" + day + "T00:00:00Z," +
                       (k < 10 ? "AmazonEC2" : "AmazonSageMaker") + "," + types[rng() % 3] + ",Usage," +
                       (k == 50 ? "N/A" : cost) + "," + cost + "," + desc + "," + projects[rng() % 6];
    if (k == 60) line = "too,few,fields";
    if (k == 70) line += ",extra";
    if (k == 80) line = "li-x,2024-05-01T00:00:00Z,AmazonSageMaker,t,Usage,1,1,bad\"quo\"te,alpha";  // one line
    out += line + (rng() % 2 ? "\r\n" : "\n");
    if (rng() % 50 == 0) out += "\n";  // blank line
  }
  return out;
}

CostReport sequential(const std::string& data, const CurOptions& o) {
  auto src = open_memory(data, "f.csv");
  auto r = read_cur_source(*src, o);
  EXPECT_TRUE(r.ok()) << r.error().describe();
  return r.ok() ? *r : CostReport{};
}

Result<CostReport> parallel(const std::string& data, const CurOptions& o, unsigned threads, std::size_t chunk) {
  auto src = open_memory(data, "f.csv");
  CurAggregator agg(o);
  SG_TRY(aggregate_file_parallel(*src, 0, threads, o, agg, chunk));
  return std::move(agg).finish({"f.csv"});
}

void expect_same(const CostReport& a, const CostReport& b, const std::string& what) {
  EXPECT_EQ(a.rows_read, b.rows_read) << what;
  EXPECT_EQ(a.items, b.items) << what;
  EXPECT_EQ(a.malformed_rows, b.malformed_rows) << what;
  ASSERT_EQ(a.malformed_samples.size(), b.malformed_samples.size()) << what;
  for (std::size_t i = 0; i < a.malformed_samples.size(); ++i) {
    EXPECT_EQ(a.malformed_samples[i].line, b.malformed_samples[i].line) << what;
    EXPECT_EQ(a.malformed_samples[i].reason, b.malformed_samples[i].reason) << what;
  }
  ASSERT_EQ(a.groups.size(), b.groups.size()) << what;
  for (std::size_t i = 0; i < a.groups.size(); ++i) {
    EXPECT_EQ(a.groups[i].key, b.groups[i].key) << what;
    EXPECT_NEAR(a.groups[i].cost, b.groups[i].cost, 1e-9 * std::abs(b.groups[i].cost)) << what;
    EXPECT_EQ(a.groups[i].items, b.groups[i].items) << what;
    EXPECT_EQ(a.groups[i].spot_savings.has_value(), b.groups[i].spot_savings.has_value()) << what;
  }
  EXPECT_NEAR(a.total, b.total, 1e-9 * std::abs(b.total)) << what;
  EXPECT_EQ(a.by_month.size(), b.by_month.size()) << what;
  EXPECT_EQ(a.source, b.source) << what;
}

TEST(CurParallel, SameReportAsOneThreadForAnyChunkSizeAndThreadCount) {
  CurOptions o;
  o.group_by = {"Project", "month", "instance-type"};
  o.max_malformed_samples = 1000;
  for (uint32_t seed : {1u, 2u, 3u}) {
    std::string text = make_cur(seed, 4000);
    CostReport want = sequential(text, o);
    ASSERT_GT(want.malformed_rows, 10u);
    for (unsigned threads : {1u, 2u, 3u}) {
      for (std::size_t chunk : {std::size_t{64}, std::size_t{777}, std::size_t{1} << 20}) {
        std::string what = "seed " + std::to_string(seed) + " threads " + std::to_string(threads) + " chunk " +
                           std::to_string(chunk);
        auto got = parallel(text, o, threads, chunk);
        ASSERT_TRUE(got.ok()) << what << ": " << got.error().describe();
        expect_same(*got, want, what);
        // Gzip input goes through the same cutting.
        if (chunk == 777) {
          auto gz = parallel(costtest::gzip(text), o, threads, chunk);
          ASSERT_TRUE(gz.ok()) << what;
          expect_same(*gz, want, what + " gzip");
        }
      }
    }
  }
}

TEST(CurParallel, StrictStopsAtTheFirstMalformedRowOfTheFile) {
  CurOptions o;
  o.strict = true;
  std::string text = make_cur(9, 3000);
  auto src = open_memory(text, "f.csv");
  auto want = read_cur_source(*src, o);
  ASSERT_FALSE(want.ok());
  for (unsigned threads : {2u, 3u}) {
    auto got = parallel(text, o, threads, 100);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().describe(), want.error().describe());
  }
}

TEST(CurParallel, EdgeInputs) {
  CurOptions o;
  o.group_by = {"Project"};
  const std::string header = "lineItem/UnblendedCost,lineItem/ProductCode,resourceTags/user:Project";
  for (const std::string& text :
       {std::string(), header, header + "\n", header + "\n1,AmazonSageMaker,a", header + "\r\n\r\n2,AmazonSageMaker,\"a\nb\"\r\n"}) {
    CostReport want = sequential(text, o);
    auto got = parallel(text, o, 2, 64);
    ASSERT_TRUE(got.ok()) << got.error().describe();
    expect_same(*got, want, "input: " + text);
  }
  // A quote left open at the end: the same error at the same quote.
  for (const std::string& text : {header + "\n3,AmazonSageMaker,\"open", header + "\n3,AmazonSageMaker,\"open\n4,x,y\n"}) {
    auto src = open_memory(text, "f.csv");
    auto want = read_cur_source(*src, o);
    ASSERT_FALSE(want.ok());
    EXPECT_EQ(want.error().describe().rfind("f.csv:2:19: ", 0), 0u) << want.error().describe();
    auto got = parallel(text, o, 2, 64);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().describe(), want.error().describe());
  }
  // Corrupt gzip and a bad header are errors naming the file.
  std::string z = costtest::gzip(make_cur(4, 2000));
  auto cut = parallel(z.substr(0, z.size() / 2), o, 2, 256);
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.error().describe().find("truncated"), std::string::npos) << cut.error().describe();
  auto bad = parallel("\"unclosed,header\nx\n", o, 2, 64);
  EXPECT_FALSE(bad.ok());
}

}  // namespace
}  // namespace sageguard::cost
