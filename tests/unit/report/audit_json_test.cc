// audit_json: the check document (docs/output-formats.md) with arn and region
// on every resource entry, no file/line, and totals that agree with the
// findings it lists (counted here, independently of the summary code).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "audit_test_data.h"
#include "report/audit_report.h"

namespace sageguard::report {
namespace {

using nlohmann::json;

struct Fixture {
  audit::Inventory inv = sgtest::audit_inventory("<b>\"x\"&'y'</b>");
  audit::AuditResult result;
  json doc;

  Fixture() {
    auto r = audit::evaluate_inventory(inv, default_policy(), {});
    EXPECT_TRUE(r.ok());
    result = std::move(r).value();
    doc = json::parse(audit_json(result));
  }
};

TEST(AuditJson, EveryFindingNamesArnAndRegionAndNoFile) {
  Fixture fx;
  const json& findings = fx.doc.at("findings");
  ASSERT_EQ(findings.size(), fx.result.check.findings.size());
  ASSERT_FALSE(findings.empty());
  std::map<std::string, std::string> region_of;  // arn -> region, from the inventory
  for (const auto& d : fx.inv.described) region_of[d.id.arn] = d.id.region;
  for (const auto& u : fx.inv.unreadable) region_of[u.id.arn] = u.id.region;
  for (const auto& f : findings) {
    EXPECT_FALSE(f.contains("file")) << f.dump();
    EXPECT_FALSE(f.contains("line")) << f.dump();
    const json& res = f.at("resource");
    ASSERT_TRUE(res.contains("region")) << f.dump();
    if (f.at("message").get<std::string>().starts_with("could not list")) {
      // A failed List* is about a region, not a resource: no ARN to give.
      EXPECT_FALSE(res.contains("arn"));
      EXPECT_EQ(res.at("region"), "eu-west-1");
      continue;
    }
    ASSERT_TRUE(res.contains("arn")) << f.dump();
    auto it = region_of.find(res.at("arn").get<std::string>());
    ASSERT_NE(it, region_of.end()) << f.dump();
    EXPECT_EQ(res.at("region"), it->second);
    EXPECT_TRUE(res.at("arn").get<std::string>().ends_with("/" + res.at("name").get<std::string>()));
  }
}

TEST(AuditJson, TotalsAgreeWithTheListedFindings) {
  Fixture fx;
  std::map<std::string, int> by_severity;
  for (const auto& f : fx.doc.at("findings")) by_severity[f.at("severity").get<std::string>()] += 1;
  const json& s = fx.doc.at("summary");
  EXPECT_EQ(s.at("error"), by_severity["error"]);
  EXPECT_EQ(s.at("warning"), by_severity["warning"]);
  EXPECT_EQ(s.at("note"), by_severity["note"]);
  EXPECT_GT(by_severity["error"], 0);
  // Resources: the described ones and the unreadable one; vanished do not count.
  EXPECT_EQ(s.at("resources"), 4);
  EXPECT_EQ(s.at("listed"), 5);
  EXPECT_EQ(s.at("vanished"), 1);
  EXPECT_EQ(s.at("unreadable"), 1);
  EXPECT_EQ(s.at("list_failures"), 1);
  EXPECT_EQ(s.at("files"), 0);
}

TEST(AuditJson, AuditSectionListsEveryResourceWithItsTags) {
  Fixture fx;
  const json& a = fx.doc.at("audit");
  EXPECT_EQ(a.at("regions"), json({"eu-west-1", "us-east-1"}));
  EXPECT_EQ(a.at("calls"), 17);
  EXPECT_DOUBLE_EQ(a.at("seconds").get<double>(), 1.5);
  const json& res = a.at("resources");
  ASSERT_EQ(res.size(), fx.inv.described.size());
  std::set<std::string> arns;
  for (size_t i = 0; i < res.size(); ++i) {
    const auto& want = fx.inv.described[i];
    EXPECT_EQ(res[i].at("kind"), "TrainingJob");
    EXPECT_EQ(res[i].at("name"), want.id.name);
    EXPECT_EQ(res[i].at("arn"), want.id.arn);
    EXPECT_EQ(res[i].at("region"), want.id.region);
    json tags = json::object();
    for (const auto& t : want.tags) tags[t.at("Key").get<std::string>()] = t.at("Value");
    EXPECT_EQ(res[i].at("tags"), tags);
    arns.insert(want.id.arn);
  }
  EXPECT_EQ(arns.size(), res.size());
  ASSERT_EQ(a.at("vanished").size(), 1u);
  EXPECT_EQ(a.at("vanished")[0].at("name"), fx.inv.vanished[0].name);
  EXPECT_EQ(a.at("vanished")[0].at("region"), "us-east-1");
}

// One schema: the audit document is the check document with members added,
// in the same order and layout nlohmann would write them.
TEST(AuditJson, IsTheCheckDocumentPlusTheAuditMembers) {
  Fixture fx;
  const std::string text = audit_json(fx.result);
  using ojson = nlohmann::ordered_json;
  ojson doc = ojson::parse(text);
  EXPECT_EQ(text, doc.dump(2) + "\n");
  ojson check = ojson::parse(check_json(fx.result.check));
  ASSERT_TRUE(doc.contains("audit"));
  doc.erase("audit");
  std::vector<std::string> added;
  for (const auto& [k, v] : doc["summary"].items()) {
    if (!check["summary"].contains(k)) added.push_back(k);
  }
  EXPECT_EQ(added, (std::vector<std::string>{"listed", "vanished", "unreadable", "list_failures"}));
  for (const auto& k : added) doc["summary"].erase(k);
  EXPECT_EQ(doc, check);
  EXPECT_EQ(doc.dump(), check.dump());  // key order too
}

// `check --format json` on stdout streams the report: the pieces must make
// the same bytes as the whole string, also for a report of many MiB.
TEST(CheckJson, StreamedEqualsWhole) {
  Fixture fx;
  CheckResult big = fx.result.check;
  ASSERT_FALSE(big.findings.empty());
  while (big.findings.size() < 50000) {
    big.findings.insert(big.findings.end(), fx.result.check.findings.begin(),
                        fx.result.check.findings.end());
  }
  for (const CheckResult* r : {&fx.result.check, &big}) {
    std::string streamed;
    int pieces = 0;
    check_json(*r, [&](std::string_view p) {
      streamed += p;
      ++pieces;
    });
    EXPECT_EQ(streamed, check_json(*r));
    if (r == &big) {
      EXPECT_GT(pieces, 10);
    }
  }
}

TEST(AuditJson, InvalidUtf8IsReplacedNotFatal) {
  audit::Inventory inv = sgtest::audit_inventory(std::string("bad\xff\xfe utf8"));
  auto r = audit::evaluate_inventory(inv, default_policy(), {});
  ASSERT_TRUE(r.ok());
  const std::string out = audit_json(*r);
  json doc = json::parse(out);  // throws (fails the test) on invalid JSON/UTF-8
  EXPECT_EQ(doc.at("audit").at("resources").size(), 3u);
  EXPECT_NE(out.find("bad\xEF\xBF\xBD"), std::string::npos);  // U+FFFD
}

TEST(AuditJson, TextEndsWithTheAuditLine) {
  Fixture fx;
  const std::string text = audit_text(fx.result);
  EXPECT_NE(text.find("audit: 5 listed in 2 region(s), 1 vanished before describe, 1 unreadable, "
                      "1 list call(s) failed; 17 calls in 1.5 s"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace sageguard::report
