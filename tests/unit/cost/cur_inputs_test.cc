#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "cost_test_util.h"
#include "sageguard/cost/cur_reader.h"
#include "test_support.h"

namespace sageguard::cost {
namespace {

namespace fs = std::filesystem;

std::string csv(double cost) {
  return "lineItem/UnblendedCost,lineItem/ProductCode\n" + std::to_string(cost) + ",AmazonSageMaker\n";
}

void set_mtime(const fs::path& p, int seconds_ago) {
  fs::last_write_time(p, fs::file_time_type::clock::now() - std::chrono::seconds(seconds_ago));
}

std::vector<std::string> names(const std::vector<std::string>& files, const fs::path& root) {
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(fs::relative(f, root).generic_string());
  std::sort(out.begin(), out.end());
  return out;
}

// <report>/<period>/<assembly>/<report>-N.csv.gz with two assemblies.
struct Layout {
  sgtest::TempDir dir;
  fs::path period;
  Layout() {
    period = dir / "prefix/rep/20240501-20240601";
    sgtest::write_file(period / "aaa-old/rep-1.csv.gz", costtest::gzip(csv(100)));
    sgtest::write_file(period / "aaa-old/rep-2.csv.gz", costtest::gzip(csv(200)));
    sgtest::write_file(period / "bbb-new/rep-1.csv.gz", costtest::gzip(csv(30)));
    sgtest::write_file(period / "aaa-old/rep-Manifest.json", "{}");  // per-assembly manifests are ignored
    set_mtime(period / "aaa-old/rep-1.csv.gz", 7200);
    set_mtime(period / "aaa-old/rep-2.csv.gz", 7200);
    set_mtime(period / "bbb-new/rep-1.csv.gz", 60);
    // Another period, single assembly.
    sgtest::write_file(dir / "prefix/rep/20240601-20240701/ccc/rep-1.csv.gz", costtest::gzip(csv(5)));
  }
};

TEST(CurInputs, FolderWithoutManifestKeepsNewestAssemblyPerPeriod) {
  Layout l;
  auto in = resolve_cur_inputs({l.dir.path().string()});
  ASSERT_TRUE(in.ok()) << in.error().describe();
  EXPECT_EQ(names(in->files, l.dir.path()),
            (std::vector<std::string>{"prefix/rep/20240501-20240601/bbb-new/rep-1.csv.gz",
                                      "prefix/rep/20240601-20240701/ccc/rep-1.csv.gz"}));
  EXPECT_EQ(in->skipped.size(), 2u);
  auto r = read_cur({l.dir.path().string()}, {});
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->total, 35);
}

TEST(CurInputs, PeriodManifestWinsOverMtime) {
  Layout l;
  // The manifest says the old assembly is current (e.g. a re-delivery copied later).
  sgtest::write_file(l.period / "rep-Manifest.json",
                     R"({"assemblyId":"aaa-old","billingPeriod":{"start":"20240501T000000.000Z","end":"20240601T000000.000Z"},
                         "reportKeys":["prefix/rep/20240501-20240601/aaa-old/rep-1.csv.gz",
                                       "prefix/rep/20240501-20240601/aaa-old/rep-2.csv.gz"]})");
  auto r = read_cur({l.dir.path().string()}, {});
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_DOUBLE_EQ(r->total, 100 + 200 + 5);
  // The manifest given directly reads exactly its keys.
  auto m = read_cur({(l.period / "rep-Manifest.json").string()}, {});
  ASSERT_TRUE(m.ok()) << m.error().describe();
  EXPECT_DOUBLE_EQ(m->total, 300);
  // A folder and its manifest together: nothing counted twice.
  auto both = read_cur({l.dir.path().string(), (l.period / "rep-Manifest.json").string()}, {});
  ASSERT_TRUE(both.ok());
  EXPECT_DOUBLE_EQ(both->total, 305);
}

TEST(CurInputs, ManifestWithMissingKeyIsAnError) {
  Layout l;
  sgtest::write_file(l.period / "rep-Manifest.json",
                     R"({"assemblyId":"x","reportKeys":["prefix/rep/20240501-20240601/x/rep-9.csv.gz"]})");
  auto r = read_cur({l.dir.path().string()}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::io);
  EXPECT_NE(r.error().message.find("rep-9.csv.gz"), std::string::npos);
  sgtest::write_file(l.dir / "bad-Manifest.json", "{not json");
  EXPECT_FALSE(resolve_cur_inputs({(l.dir / "bad-Manifest.json").string()}).ok());
}

TEST(CurInputs, SameMtimeFallsBackToLexicalOrder) {
  sgtest::TempDir dir;
  fs::path period = dir / "20240501-20240601";
  sgtest::write_file(period / "a1/r.csv", csv(1));
  sgtest::write_file(period / "b2/r.csv", csv(2));
  auto t = fs::file_time_type::clock::now() - std::chrono::seconds(100);
  fs::last_write_time(period / "a1/r.csv", t);
  fs::last_write_time(period / "b2/r.csv", t);
  auto r = read_cur({dir.path().string()}, {});
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->total, 2);
}

// A Data Exports (CUR 2.0) delivery as it lands in S3, copied locally:
// <export>/data/BILLING_PERIOD=YYYY-MM/... and <export>/metadata/BILLING_PERIOD=YYYY-MM/...
std::string cur2(double cost) {
  return "line_item_unblended_cost,line_item_product_code,resource_tags\n" + std::to_string(cost) +
         ",AmazonSageMaker,\"{\"\"user_project\"\":\"\"x\"\"}\"\n";
}

std::string data_exports_manifest(const std::string& execution, const std::vector<std::string>& rel) {
  std::string files;
  for (const auto& r : rel) files += std::string(files.empty() ? "" : ",") + "\"s3://bucket/pfx/exp/" + r + "\"";
  return R"({"executionId":")" + execution + R"(","exportArn":"arn:aws:bcm-data-exports:us-east-1:111122223333:export/exp-1",)" +
         R"("columns":[{"name":"line_item_unblended_cost","type":"string"}],"dataFiles":[)" + files + "]}";
}

TEST(CurInputs, DataExportsManifestListsTheCurrentFiles) {
  sgtest::TempDir dir;
  fs::path exp = dir / "pfx/exp";
  sgtest::write_file(exp / "data/BILLING_PERIOD=2024-05/exp-00001.csv.gz", costtest::gzip(cur2(10)));
  sgtest::write_file(exp / "data/BILLING_PERIOD=2024-05/exp-00002.csv.gz", costtest::gzip(cur2(20)));
  // Left over from an earlier refresh, no longer in the manifest.
  sgtest::write_file(exp / "data/BILLING_PERIOD=2024-05/exp-00003.csv.gz", costtest::gzip(cur2(1000)));
  sgtest::write_file(exp / "data/BILLING_PERIOD=2024-06/exp-00001.csv.gz", costtest::gzip(cur2(7)));
  sgtest::write_file(exp / "metadata/BILLING_PERIOD=2024-05/exp-Manifest.json",
                     data_exports_manifest("e1", {"data/BILLING_PERIOD=2024-05/exp-00001.csv.gz",
                                                  "data/BILLING_PERIOD=2024-05/exp-00002.csv.gz"}));
  auto in = resolve_cur_inputs({dir.path().string()});
  ASSERT_TRUE(in.ok()) << in.error().describe();
  EXPECT_EQ(names(in->files, dir.path()),
            (std::vector<std::string>{"pfx/exp/data/BILLING_PERIOD=2024-05/exp-00001.csv.gz",
                                      "pfx/exp/data/BILLING_PERIOD=2024-05/exp-00002.csv.gz",
                                      "pfx/exp/data/BILLING_PERIOD=2024-06/exp-00001.csv.gz"}));
  EXPECT_EQ(names(in->skipped, dir.path()),
            (std::vector<std::string>{"pfx/exp/data/BILLING_PERIOD=2024-05/exp-00003.csv.gz"}));
  auto r = read_cur({dir.path().string()}, {});
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_DOUBLE_EQ(r->total, 10 + 20 + 7);
  EXPECT_EQ(r->source, "cur2");
  EXPECT_EQ(r->malformed_rows, 0u);
  ASSERT_EQ(r->groups.size(), 1u);
  EXPECT_EQ(r->groups[0].items, 3u);
  // The manifest on its own: exactly its files.
  auto m = read_cur({(exp / "metadata/BILLING_PERIOD=2024-05/exp-Manifest.json").string()}, {});
  ASSERT_TRUE(m.ok()) << m.error().describe();
  EXPECT_DOUBLE_EQ(m->total, 30);
}

TEST(CurInputs, DataExportsCreateNewKeepsOneExecution) {
  sgtest::TempDir dir;
  fs::path exp = dir / "exp";
  fs::path part = exp / "data/BILLING_PERIOD=2024-05";
  sgtest::write_file(part / "exec-a/exp-00001.csv.gz", costtest::gzip(cur2(100)));
  sgtest::write_file(part / "exec-b/exp-00001.csv.gz", costtest::gzip(cur2(40)));
  sgtest::write_file(part / "exec-b/exp-00002.csv.gz", costtest::gzip(cur2(2)));
  set_mtime(part / "exec-a/exp-00001.csv.gz", 60);  // newest data file, but...
  set_mtime(part / "exec-b/exp-00001.csv.gz", 7200);
  set_mtime(part / "exec-b/exp-00002.csv.gz", 7200);
  // Without metadata: the execution folder with the newest file.
  auto no_meta = read_cur({(exp / "data").string()}, {});
  ASSERT_TRUE(no_meta.ok()) << no_meta.error().describe();
  EXPECT_DOUBLE_EQ(no_meta->total, 100);
  // ...the newest manifest names exec-b, and it wins.
  fs::path meta = exp / "metadata/BILLING_PERIOD=2024-05";
  sgtest::write_file(meta / "exec-a/exp-Manifest.json",
                     data_exports_manifest("exec-a", {"data/BILLING_PERIOD=2024-05/exec-a/exp-00001.csv.gz"}));
  sgtest::write_file(meta / "exec-b/exp-Manifest.json",
                     data_exports_manifest("exec-b", {"data/BILLING_PERIOD=2024-05/exec-b/exp-00001.csv.gz",
                                                      "data/BILLING_PERIOD=2024-05/exec-b/exp-00002.csv.gz"}));
  set_mtime(meta / "exec-a/exp-Manifest.json", 9000);
  auto r = read_cur({dir.path().string()}, {});
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_DOUBLE_EQ(r->total, 42);
  EXPECT_EQ(r->warnings.size(), 1u);  // the skipped exec-a file
}

TEST(CurInputs, DataExportsManifestErrors) {
  sgtest::TempDir dir;
  fs::path meta = dir / "exp/metadata/BILLING_PERIOD=2024-05";
  sgtest::write_file(meta / "exp-Manifest.json",
                     data_exports_manifest("e", {"data/BILLING_PERIOD=2024-05/exp-00009.csv.gz"}));
  auto r = resolve_cur_inputs({(meta / "exp-Manifest.json").string()});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::io);
  EXPECT_NE(r.error().message.find("exp-00009.csv.gz"), std::string::npos) << r.error().message;
  sgtest::write_file(meta / "p-Manifest.json",
                     data_exports_manifest("e", {"data/BILLING_PERIOD=2024-05/exp-00001.snappy.parquet"}));
  r = resolve_cur_inputs({(meta / "p-Manifest.json").string()});
  ASSERT_FALSE(r.ok());  // Parquet data files are read now; this one is missing
  EXPECT_EQ(r.error().code, ErrorCode::io);
  EXPECT_NE(r.error().message.find("exp-00001.snappy.parquet"), std::string::npos) << r.error().message;
  sgtest::write_file(meta / "x-Manifest.json", R"({"executionId":"e"})");
  r = resolve_cur_inputs({(meta / "x-Manifest.json").string()});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("dataFiles"), std::string::npos) << r.error().message;
}

// Keys that leave the manifest's report folder: never read, one message
// whether or not the outside file exists.
TEST(CurInputs, ManifestKeysStayInsideTheReportFolder) {
  sgtest::TempDir dir;
  fs::path period = dir / "rep/20240501-20240601";
  sgtest::write_file(period / "a1/rep-1.csv", csv(1));
  sgtest::write_file(dir / "outside.csv", csv(1000));  // would be summed if reached
  auto message = [&](const std::string& key) {
    sgtest::write_file(period / "rep-Manifest.json", R"({"assemblyId":"a1","reportKeys":[")" + key + R"("]})");
    auto r = read_cur({(period / "rep-Manifest.json").string()}, {});
    EXPECT_FALSE(r.ok()) << key;
    if (r.ok()) return std::string("read: total ") + std::to_string(r->total);
    EXPECT_EQ(r.error().code, ErrorCode::input) << key;
    std::string m = r.error().message;
    auto q = m.find(key);  // the message names the key; compare the rest
    if (q != std::string::npos) m.erase(q, key.size());
    return m;
  };
  const std::string a = message("../../outside.csv");
  EXPECT_NE(a.find("outside the report folder"), std::string::npos) << a;
  EXPECT_EQ(message("../../no-such-file.csv"), a);
  EXPECT_EQ(message("a1/../../../outside.csv"), a);
  EXPECT_EQ(message("/etc/passwd"), a);
  EXPECT_EQ(message("/no/such/file"), a);
  // A symbolic link inside the folder that leads out: the same, existing or not.
  fs::create_symlink(dir / "outside.csv", period / "a1/link.csv");
  fs::create_symlink(dir / "missing.csv", period / "a1/dangling.csv");
  EXPECT_EQ(message("rep/20240501-20240601/a1/link.csv").find("outside the report folder") != std::string::npos,
            true);
  EXPECT_EQ(message("rep/20240501-20240601/a1/link.csv"), message("rep/20240501-20240601/a1/dangling.csv"));
  // Keys inside still work.
  sgtest::write_file(period / "rep-Manifest.json",
                     R"({"assemblyId":"a1","reportKeys":["rep/20240501-20240601/a1/./rep-1.csv"]})");
  auto ok = read_cur({(period / "rep-Manifest.json").string()}, {});
  ASSERT_TRUE(ok.ok()) << ok.error().describe();
  EXPECT_DOUBLE_EQ(ok->total, 1);
}

TEST(CurInputs, DataExportsKeysStayInsideTheExportFolder) {
  sgtest::TempDir dir;
  fs::path exp = dir / "reports/exp";
  fs::path meta = exp / "metadata/BILLING_PERIOD=2024-05";
  sgtest::write_file(exp / "data/BILLING_PERIOD=2024-05/exp-00001.csv.gz", costtest::gzip(cur2(10)));
  // A data/ tree above the export folder: the ancestor search used to reach it.
  sgtest::write_file(dir / "data/BILLING_PERIOD=2024-05/evil.csv.gz", costtest::gzip(cur2(1000)));
  sgtest::write_file(meta / "exp-Manifest.json",
                     data_exports_manifest("e", {"data/BILLING_PERIOD=2024-05/exp-00001.csv.gz",
                                                 "data/BILLING_PERIOD=2024-05/evil.csv.gz"}));
  auto r = resolve_cur_inputs({(meta / "exp-Manifest.json").string()});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("evil.csv.gz"), std::string::npos) << r.error().message;
  sgtest::write_file(meta / "exp-Manifest.json",
                     R"({"dataFiles":["s3://bucket/pfx/exp/data/../../../../outside.csv"]})");
  r = resolve_cur_inputs({(meta / "exp-Manifest.json").string()});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::input);
  EXPECT_NE(r.error().message.find("outside the report folder"), std::string::npos) << r.error().message;
}

TEST(CurInputs, NonexistentPathIsIoError) {
  auto r = resolve_cur_inputs({"/no/such/path"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::io);
}

}  // namespace
}  // namespace sageguard::cost
