// collect_inventory for the kinds that live in a Studio domain (user
// profiles, spaces: listed across domains, described with their domain id,
// tagged through the ARN their Describe* answer gives), and an audit of
// every kind (no --kinds): a kind whose listing fails is one list failure
// while the others complete, and a kind with nothing in it costs one List*.
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <set>

#include "sageguard/audit/audit_kinds.h"
#include "audit/collector.h"
#include "test_client.h"

namespace sageguard::audit {
namespace {

using nlohmann::json;

struct Profile {
  std::string domain, name;
};

// User profiles (and nothing else) in two domains, two summaries a page.
class FakeStudio : public aws::HttpTransport {
 public:
  std::vector<Profile> profiles = {{"d-aaaa1111", "alice"}, {"d-aaaa1111", "bob"},
                                   {"d-bbbb2222", "alice"}, {"d-bbbb2222", "carol"},
                                   {"d-bbbb2222", "gone"},  {"d-aaaa1111", "secret"}};
  std::set<std::string> failing_lists;  // List* operations answered AccessDenied
  bool describes_unanswered = false;     // DescribeUserProfile: no HTTP answer

  aws::HttpOutcome send(const aws::HttpRequest& req) override {
    std::string op = req.header("X-Amz-Target").value_or("");
    op = op.substr(op.find('.') + 1);
    json body = json::parse(req.body);
    {
      std::lock_guard<std::mutex> lock(mu_);
      ops_[op] += 1;
      bodies_[op].push_back(body);
    }
    if (failing_lists.count(op)) return error("AccessDeniedException", "not allowed to " + op);
    if (op == "ListUserProfiles") return list_profiles(body);
    if (op == "DescribeUserProfile") {
      if (describes_unanswered) {
        return aws::TransportError{aws::TransportErrorKind::connection, "refused", true};
      }
      return describe_profile(body);
    }
    if (op == "ListTags") {
      // Only an ARN a Describe* answer gave: the summaries carry none.
      const std::string arn = body.value("ResourceArn", "");
      if (arn.find(":user-profile/") == std::string::npos) return error("ValidationException", "bad ARN");
      return ok({{"Tags", json::array({{{"Key", "arn"}, {"Value", arn}}})}});
    }
    // Every other List* has nothing in it.
    if (op.starts_with("List")) {
      const AuditKindInfo* k = nullptr;
      for (const auto& i : audit_kinds()) {
        if (i.list_operation == op) k = &i;
      }
      if (k == nullptr) return error("UnknownOperationException", op);
      return ok({{std::string(k->list_key), json::array()}});
    }
    return error("UnknownOperationException", op);
  }

  static std::string arn(const Profile& p) {
    return "arn:aws:sagemaker:us-east-1:123456789012:user-profile/" + p.domain + "/" + p.name;
  }
  int calls(const std::string& op) {
    std::lock_guard<std::mutex> lock(mu_);
    return ops_[op];
  }
  std::vector<json> bodies(const std::string& op) {
    std::lock_guard<std::mutex> lock(mu_);
    return bodies_[op];
  }

 private:
  static aws::HttpOutcome ok(const json& j) {
    aws::HttpResponse r;
    r.status = 200;
    r.body = j.dump();
    return r;
  }
  static aws::HttpOutcome error(const std::string& code, const std::string& msg) {
    aws::HttpResponse r;
    r.status = 400;
    r.body = json{{"__type", code}, {"message", msg}}.dump();
    return r;
  }
  aws::HttpOutcome list_profiles(const json& body) {
    size_t start = body.contains("NextToken") ? std::stoul(body["NextToken"].get<std::string>()) : 0;
    const std::string contains = body.value("UserProfileNameContains", "");
    json out = {{"UserProfiles", json::array()}};
    size_t i = start;
    for (; i < profiles.size() && out["UserProfiles"].size() < 2; ++i) {
      if (profiles[i].name.find(contains) == std::string::npos) continue;
      out["UserProfiles"].push_back({{"DomainId", profiles[i].domain},
                                     {"UserProfileName", profiles[i].name},
                                     {"Status", "InService"},
                                     {"CreationTime", 1.7e9 + static_cast<double>(i)}});
    }
    if (i < profiles.size()) out["NextToken"] = std::to_string(i);
    return ok(out);
  }
  aws::HttpOutcome describe_profile(const json& body) {
    if (!body.contains("DomainId") || !body.contains("UserProfileName")) {
      return error("ValidationException", "DomainId and UserProfileName are required");
    }
    const std::string domain = body["DomainId"], name = body["UserProfileName"];
    if (name == "gone") return error("ResourceNotFound", "User profile does not exist");
    if (name == "secret") return error("AccessDeniedException", "not allowed");
    for (const auto& p : profiles) {
      if (p.domain == domain && p.name == name) {
        return ok({{"DomainId", domain}, {"UserProfileName", name}, {"UserProfileArn", arn(p)},
                   {"Status", "InService"}});
      }
    }
    return error("ResourceNotFound", "no such profile");
  }

  std::mutex mu_;
  std::map<std::string, int> ops_;
  std::map<std::string, std::vector<json>> bodies_;
};

CollectOptions options(std::vector<ResourceKind> kinds) {
  CollectOptions o;
  o.kinds = std::move(kinds);
  o.concurrency = 4;
  o.round_backoff = std::chrono::milliseconds(0);
  return o;
}

TEST(StudioKinds, UserProfilesOfEveryDomainDescribedWithTheirDomainAndTaggedByTheirArn) {
  auto fake = std::make_shared<FakeStudio>();
  auto c = client_for(fake);
  CollectOptions o = options({ResourceKind::user_profile, ResourceKind::space});
  CollectProgress last;
  o.progress = [&](const CollectProgress& p) { last = p; };
  Inventory inv = collect_inventory({{"us-east-1", c.get()}}, o);

  EXPECT_TRUE(inv.list_failures.empty());
  EXPECT_EQ(fake->calls("ListUserProfiles"), 3);  // 2 + 2 + 2
  for (const auto& b : fake->bodies("ListUserProfiles")) {
    EXPECT_FALSE(b.contains("DomainIdEquals")) << b;  // one listing covers every domain
  }
  EXPECT_EQ(fake->calls("ListSpaces"), 1);  // nothing there: one call
  EXPECT_EQ(fake->calls("DescribeSpace"), 0);
  EXPECT_EQ(fake->calls("DescribeUserProfile"), 6);
  EXPECT_EQ(fake->calls("ListTags"), 4);  // only for what was described

  // Both alices, told apart by their domain's ARN, in a stable order.
  ASSERT_EQ(inv.described.size(), 4u);
  EXPECT_EQ(inv.described[0].id.name, "alice");
  EXPECT_EQ(inv.described[0].id.arn, FakeStudio::arn({"d-aaaa1111", "alice"}));
  EXPECT_EQ(inv.described[1].id.name, "alice");
  EXPECT_EQ(inv.described[1].id.arn, FakeStudio::arn({"d-bbbb2222", "alice"}));
  EXPECT_EQ(inv.described[2].id.arn, FakeStudio::arn({"d-aaaa1111", "bob"}));
  EXPECT_EQ(inv.described[3].id.arn, FakeStudio::arn({"d-bbbb2222", "carol"}));
  for (const auto& d : inv.described) {
    EXPECT_EQ(d.id.kind, ResourceKind::user_profile);
    ASSERT_EQ(d.tags.size(), 1u);
    EXPECT_EQ(d.tags[0]["Value"], d.id.arn);  // the profile's own tags
    EXPECT_EQ(d.described["UserProfileArn"], d.id.arn);
  }
  ASSERT_EQ(inv.vanished.size(), 1u);
  EXPECT_EQ(inv.vanished[0].name, "gone");
  ASSERT_EQ(inv.unreadable.size(), 1u);
  EXPECT_EQ(inv.unreadable[0].id.name, "secret");
  EXPECT_NE(inv.unreadable[0].error.find("in domain d-aaaa1111: DescribeUserProfile: "
                                         "AccessDeniedException"),
            std::string::npos)
      << inv.unreadable[0].error;
  // Every listed profile settled, the ones never tagged included.
  EXPECT_EQ(last.listed, 6u);
  EXPECT_EQ(last.done, 6u);
}

TEST(StudioKinds, NameAndTimeFiltersUseWhatTheListTakes) {
  auto fake = std::make_shared<FakeStudio>();
  auto c = client_for(fake);
  CollectOptions o = options({ResourceKind::user_profile});
  o.filter.name_glob = "*-ali*";
  o.filter.creation_time_after = 1.7e9 + 1;  // after the first alice
  Inventory inv = collect_inventory({{"us-east-1", c.get()}}, o);
  const auto bodies = fake->bodies("ListUserProfiles");
  ASSERT_FALSE(bodies.empty());
  // The pattern of UserProfileNameContains allows no hyphen at either end;
  // the list takes no NameContains or CreationTimeAfter (the collector
  // applies both to what comes back).
  EXPECT_EQ(bodies[0].value("UserProfileNameContains", ""), "ali");
  EXPECT_FALSE(bodies[0].contains("NameContains"));
  EXPECT_FALSE(bodies[0].contains("CreationTimeAfter"));
  EXPECT_TRUE(inv.described.empty());  // no "-ali" in any name
  o.filter.name_glob = "ali*";
  inv = collect_inventory({{"us-east-1", c.get()}}, o);
  ASSERT_EQ(inv.described.size(), 1u);
  EXPECT_EQ(inv.described[0].id.arn, FakeStudio::arn({"d-bbbb2222", "alice"}));
}

TEST(StudioKinds, StatusFilterSkipsThem) {
  auto fake = std::make_shared<FakeStudio>();
  auto c = client_for(fake);
  CollectOptions o = options({ResourceKind::user_profile, ResourceKind::space});
  o.filter.status = "InService";
  Inventory inv = collect_inventory({{"us-east-1", c.get()}}, o);
  EXPECT_EQ(inv.stats.skipped_kinds, (std::vector<std::string>{"user-profile", "space"}));
  EXPECT_EQ(fake->calls("ListUserProfiles"), 0);
}

TEST(StudioKinds, ARegionGivenUpLeavesEveryProfileUnreadableAndSettled) {
  auto fake = std::make_shared<FakeStudio>();
  fake->describes_unanswered = true;
  auto c = client_for(fake);
  CollectOptions o = options({ResourceKind::user_profile});
  o.dead_after = 2;
  o.concurrency = 1;
  CollectProgress last;
  o.progress = [&](const CollectProgress& p) { last = p; };
  Inventory inv = collect_inventory({{"us-east-1", c.get()}}, o);
  ASSERT_EQ(inv.unreadable.size(), 6u);
  int given_up = 0;  // the rest were not tried once the region was given up
  for (const auto& u : inv.unreadable) {
    EXPECT_EQ(u.error.rfind("in domain d-", 0), 0u) << u.error;
    if (u.error.find("stopped answering") != std::string::npos) ++given_up;
  }
  EXPECT_GE(given_up, 4);
  EXPECT_EQ(fake->calls("ListTags"), 0);
  EXPECT_EQ(last.listed, 6u);
  EXPECT_EQ(last.done, 6u);  // none left waiting for a ListTags never made
}

TEST(AllKinds, AFailingListingIsOneFailureAndTheRestComplete) {
  auto fake = std::make_shared<FakeStudio>();
  fake->failing_lists = {"ListMonitoringSchedules", "ListSpaces"};
  auto c = client_for(fake);
  Inventory inv = collect_inventory({{"us-east-1", c.get()}}, options({}));  // no --kinds

  ASSERT_EQ(inv.list_failures.size(), 2u);
  // In audit order, each naming its operation and the service's error code.
  EXPECT_EQ(inv.list_failures[0].kind, ResourceKind::space);
  EXPECT_EQ(inv.list_failures[0].error.rfind("ListSpaces: AccessDeniedException", 0), 0u)
      << inv.list_failures[0].error;
  EXPECT_EQ(inv.list_failures[1].kind, ResourceKind::monitoring_schedule);
  EXPECT_EQ(inv.list_failures[1].error.rfind("ListMonitoringSchedules: AccessDeniedException", 0),
            0u);
  EXPECT_EQ(inv.described.size(), 4u);  // the user profiles still read
  // Every kind was listed; the empty ones with one call and no more.
  for (const auto& k : audit_kinds()) {
    if (k.kind == ResourceKind::user_profile) continue;
    EXPECT_EQ(fake->calls(std::string(k.list_operation)), 1) << k.flag;
    EXPECT_EQ(fake->calls(std::string(k.describe_operation)), 0) << k.flag;
  }
}

TEST(AllKinds, NameContainsHintFitsTheMembersLength) {
  // NameContains and its kin take at most 63 characters.
  const std::string literal(80, 'a');
  EXPECT_EQ(name_contains_hint(literal + "*"), std::string(63, 'a'));
  EXPECT_EQ(name_contains_hint("x*" + std::string(63, 'b')), std::string(63, 'b'));
}

}  // namespace
}  // namespace sageguard::audit
