// The accounts file (c7n-org's layout; every error at FILE:LINE:COL), the
// --account / --exclude-account narrowing, and the collector across
// accounts (the same name in two accounts is two resources; a slow account
// cannot hold every worker).
#include "sageguard/audit/accounts_file.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "audit/collector.h"

namespace sageguard::audit {
namespace {

TEST(AccountsFile, ReadsC7nOrgLayout) {
  auto r = parse_accounts_file("accounts.yml", R"(accounts:
  - account_id: '123123123123'
    name: account-1
    regions:
      - us-east-1
      - us-west-2
    role: arn:aws:iam::123123123123:role/CloudCustodian
    vars:
      charge_code: xyz
    tags:
      - type:prod
      - division:some division
  - account_id: 012345678901
    role: Auditor
    external_id: ext
    tags: {team: ml}
)");
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_EQ(r->size(), 2u);
  const AccountEntry& a = (*r)[0];
  EXPECT_EQ(a.account_id, "123123123123");
  EXPECT_EQ(a.name, "account-1");
  EXPECT_EQ(a.role, "arn:aws:iam::123123123123:role/CloudCustodian");
  EXPECT_EQ(a.regions, (std::vector<std::string>{"us-east-1", "us-west-2"}));
  ASSERT_EQ(a.tags.size(), 2u);
  EXPECT_EQ(a.tags[1], (std::pair<std::string, std::string>{"division", "some division"}));
  // Unquoted, the id keeps its leading zero: it is read as written.
  EXPECT_EQ((*r)[1].account_id, "012345678901");
  EXPECT_EQ((*r)[1].external_id, "ext");
  EXPECT_EQ((*r)[1].tags[0], (std::pair<std::string, std::string>{"team", "ml"}));
}

void expect_error_at(const std::string& text, uint32_t line, uint32_t column, const std::string& words) {
  auto r = parse_accounts_file("a.yaml", text);
  ASSERT_FALSE(r.ok()) << text;
  EXPECT_EQ(r.error().code, ErrorCode::input);
  EXPECT_EQ(r.error().file, "a.yaml");
  EXPECT_EQ(r.error().line, line) << r.error().describe();
  EXPECT_EQ(r.error().column, column) << r.error().describe();
  EXPECT_NE(r.error().message.find(words), std::string::npos) << r.error().message;
}

TEST(AccountsFile, ErrorsNameTheirPlace) {
  expect_error_at("", 1, 1, "empty");
  expect_error_at("- a\n", 1, 1, "mapping");
  expect_error_at("account:\n  - account_id: '111122223333'\n", 1, 1, "unknown key 'account'");
  expect_error_at("accounts: 3\n", 1, 11, "must be a list");
  expect_error_at("accounts:\n  - account_id: '12345'\n", 2, 17, "12 digits");
  expect_error_at("accounts:\n  - name: x\n", 2, 5, "no 'account_id'");
  expect_error_at("accounts:\n  - account_id: '111122223333'\n    rol: X\n", 3, 5, "unknown key 'rol'");
  expect_error_at("accounts:\n  - account_id: '111122223333'\n    regions: [us-east-1, 'bad region']\n", 3, 26,
                  "region");
  expect_error_at("accounts:\n  - account_id: '111122223333'\n    regions: [us-east-1, us-east-1]\n", 3, 26,
                  "listed twice");
  expect_error_at("accounts:\n  - account_id: '111122223333'\n  - account_id: '111122223333'\n", 3, 17,
                  "listed twice");
  expect_error_at("accounts:\n  - account_id: '111122223333'\n    role: [a]\n", 3, 11, "must be a string");
  // A YAML syntax error is the reader's, with its place too.
  auto bad = parse_accounts_file("a.yaml", "accounts: [\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().file, "a.yaml");
  EXPECT_GT(bad.error().line, 0u);
}

TEST(SelectAccounts, OnlyAndExclude) {
  std::vector<AccountEntry> all(3);
  all[0].account_id = "111111111111";
  all[1].account_id = "222222222222";
  all[2].account_id = "333333333333";
  auto some = select_accounts(all, {"333333333333", "111111111111"}, {"111111111111"});
  ASSERT_TRUE(some.ok());
  ASSERT_EQ(some->size(), 1u);
  EXPECT_EQ((*some)[0].account_id, "333333333333");
  EXPECT_EQ(select_accounts(all, {}, {"222222222222"})->size(), 2u);
  EXPECT_EQ(select_accounts(all, {"44"}, {}).error().code, ErrorCode::usage);
  EXPECT_NE(select_accounts(all, {"444444444444"}, {}).error().message.find("no such account"), std::string::npos);
}

// Three training jobs with the same names in every account; an account
// whose calls are denied answers AccessDeniedException to everything.
class AccountSageMaker : public aws::HttpTransport {
 public:
  explicit AccountSageMaker(bool denied) : denied_(denied) {}
  aws::HttpOutcome send(const aws::HttpRequest& req) override {
    std::string op = req.header("X-Amz-Target").value_or("");
    op = op.substr(op.find('.') + 1);
    const auto body = nlohmann::json::parse(req.body);
    aws::HttpResponse r;
    r.status = 200;
    if (denied_) {
      r.status = 400;
      r.body = R"({"__type": "AccessDeniedException", "message": "no"})";
    } else if (op == "ListTrainingJobs") {
      nlohmann::json list = nlohmann::json::array();
      for (const char* n : {"a", "b", "c"}) list.push_back({{"TrainingJobName", n}, {"TrainingJobArn", n}});
      r.body = nlohmann::json{{"TrainingJobSummaries", list}}.dump();
    } else if (op == "DescribeTrainingJob") {
      r.body = nlohmann::json{{"TrainingJobName", body["TrainingJobName"]}}.dump();
    } else {
      r.body = R"({"Tags": []})";
    }
    return r;
  }

 private:
  bool denied_;
};

std::unique_ptr<aws::JsonClient> client(bool denied) {
  aws::JsonClientConfig cfg;
  cfg.region = "us-east-1";
  cfg.endpoint = "http://127.0.0.1:9";
  cfg.sleeper = [](std::chrono::milliseconds) {};
  auto creds = std::make_shared<aws::StaticCredentialsProvider>(
      aws::Credentials{"AKIDEXAMPLE", "secret", "", std::nullopt, "test"});
  return std::make_unique<aws::JsonClient>(cfg, creds, std::make_shared<AccountSageMaker>(denied));
}

TEST(CollectAcrossAccounts, EachAccountsResourcesOnceAndFailuresIsolated) {
  auto one = client(false), two = client(false), denied = client(true);
  CollectOptions o;
  o.kinds = {ResourceKind::training_job};
  o.concurrency = 4;
  o.round_backoff = std::chrono::milliseconds(0);
  Inventory inv = collect_inventory({{"us-east-1", one.get(), "111111111111"},
                                     {"us-east-1", two.get(), "222222222222"},
                                     {"us-east-1", denied.get(), "333333333333"}},
                                    o);
  ASSERT_EQ(inv.described.size(), 6u);
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(inv.described[i].id.account, i < 3 ? "111111111111" : "222222222222");
    EXPECT_EQ(inv.described[i].id.name, std::string(1, static_cast<char>('a' + i % 3)));
  }
  ASSERT_EQ(inv.list_failures.size(), 1u);
  EXPECT_EQ(inv.list_failures[0].account, "333333333333");
  EXPECT_EQ(inv.accounts, (std::vector<std::string>{"111111111111", "222222222222", "333333333333"}));
}

// A target whose describes hang (until the others are done) keeps at most
// twice its share of the workers: the other targets are read meanwhile.
class HangingSageMaker : public aws::HttpTransport {
 public:
  explicit HangingSageMaker(std::function<bool()> others_done) : others_done_(std::move(others_done)) {}
  aws::HttpOutcome send(const aws::HttpRequest& req) override {
    const std::string op = req.header("X-Amz-Target").value_or("");
    aws::HttpResponse r;
    r.status = 200;
    if (op.find("ListTrainingJobs") != std::string::npos) {
      nlohmann::json list = nlohmann::json::array();
      for (int i = 0; i < 40; ++i) list.push_back({{"TrainingJobName", "s" + std::to_string(i)}, {"TrainingJobArn", "s"}});
      r.body = nlohmann::json{{"TrainingJobSummaries", list}}.dump();
      return r;
    }
    const int now = ++in_flight_;
    int seen = max_in_flight_.load();
    while (now > seen && !max_in_flight_.compare_exchange_weak(seen, now)) {
    }
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (!others_done_() && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    --in_flight_;
    r.body = op.find("ListTags") != std::string::npos ? R"({"Tags": []})" : R"({"TrainingJobName": "s"})";
    return r;
  }
  int max_in_flight() const { return max_in_flight_.load(); }

 private:
  std::function<bool()> others_done_;
  std::atomic<int> in_flight_{0}, max_in_flight_{0};
};

TEST(CollectAcrossAccounts, OneSlowTargetDoesNotHoldEveryWorker) {
  std::atomic<int> fast_calls{0};
  class Counting : public AccountSageMaker {
   public:
    explicit Counting(std::atomic<int>& n) : AccountSageMaker(false), n_(n) {}
    aws::HttpOutcome send(const aws::HttpRequest& req) override {
      auto out = AccountSageMaker::send(req);
      ++n_;
      return out;
    }

   private:
    std::atomic<int>& n_;
  };
  // Three fast targets: a list and 3 describes and 3 ListTags each.
  auto hanging = std::make_shared<HangingSageMaker>([&] { return fast_calls.load() >= 21; });
  aws::JsonClientConfig cfg;
  cfg.region = "us-east-1";
  cfg.endpoint = "http://127.0.0.1:9";
  auto creds = std::make_shared<aws::StaticCredentialsProvider>(
      aws::Credentials{"AKIDEXAMPLE", "secret", "", std::nullopt, "test"});
  aws::JsonClient slow(cfg, creds, hanging);
  std::vector<std::unique_ptr<aws::JsonClient>> fast;
  for (int i = 0; i < 3; ++i) {
    fast.push_back(std::make_unique<aws::JsonClient>(cfg, creds, std::make_shared<Counting>(fast_calls)));
  }
  CollectOptions o;
  o.kinds = {ResourceKind::training_job};
  o.concurrency = 8;  // 4 targets: at most 2 x 8 / 4 = 4 calls in flight each
  const auto t0 = std::chrono::steady_clock::now();
  Inventory inv = collect_inventory({{"us-east-1", &slow, "111111111111"},
                                     {"us-east-1", fast[0].get(), "222222222222"},
                                     {"us-east-1", fast[1].get(), "333333333333"},
                                     {"us-east-1", fast[2].get(), "444444444444"}},
                                    o);
  EXPECT_EQ(inv.described.size(), 49u);
  EXPECT_LE(hanging->max_in_flight(), 4);
  // The hanging calls were released by the others finishing, not by their 3 s.
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
}

}  // namespace
}  // namespace sageguard::audit
