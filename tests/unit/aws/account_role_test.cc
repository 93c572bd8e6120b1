// Roles in member accounts (account_role_arn, the refreshing AssumeRole
// provider against the scripted STS) and Organizations ListAccounts (pages,
// State before Status, only ACTIVE accounts).
#include "sageguard/aws/account_role.h"

#include <gtest/gtest.h>

#include <regex>
#include <thread>

#include "fake_sts.h"
#include "aws/organizations.h"

namespace sageguard::aws {
namespace {

TEST(AccountRoleArn, NameBecomesTheAccountsRoleArn) {
  EXPECT_EQ(*account_role_arn("111122223333", "Auditor"), "arn:aws:iam::111122223333:role/Auditor");
  EXPECT_EQ(*account_role_arn("111122223333", "team/Auditor", "aws-us-gov"),
            "arn:aws-us-gov:iam::111122223333:role/team/Auditor");
  EXPECT_EQ(*account_role_arn("111122223333", "arn:aws:iam::111122223333:role/X"),
            "arn:aws:iam::111122223333:role/X");
}

TEST(AccountRoleArn, AnArnOfAnotherAccountOrNotARoleIsRefused) {
  auto other = account_role_arn("111122223333", "arn:aws:iam::444455556666:role/X");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, ErrorCode::usage);
  EXPECT_NE(other.error().message.find("not in account 111122223333"), std::string::npos);
  EXPECT_FALSE(account_role_arn("111122223333", "arn:aws:iam::111122223333:user/X").ok());
  EXPECT_FALSE(account_role_arn("111122223333", "arn:aws:s3:::bucket").ok());
  EXPECT_FALSE(account_role_arn("111122223333", "").ok());
  EXPECT_TRUE(is_account_id("012345678901"));
  EXPECT_FALSE(is_account_id("12345678901"));
  EXPECT_FALSE(is_account_id("12345678901a"));
}

std::shared_ptr<CredentialsProvider> base() {
  return std::make_shared<StaticCredentialsProvider>(
      Credentials{"AKIDBASE", "base-secret", "", std::nullopt, "test", "env", {{"env", "", "", std::nullopt}}});
}

TEST(AccountRoleProvider, AssumesOnceSignedWithTheSourceAndRefreshesBeforeExpiry) {
  auto sts = std::make_shared<sgtest::FakeSts>();
  auto now = std::make_shared<std::chrono::system_clock::time_point>(std::chrono::system_clock::now());
  sts->now = [now] { return *now; };
  sts->lifetime = std::chrono::seconds(900);
  AccountRoleOptions o;
  o.role_arn = "arn:aws:iam::111122223333:role/Auditor";
  o.external_id = "ext-1";
  o.source = base();
  o.sts.endpoint = "https://sts.us-east-1.amazonaws.com";
  o.sts.signing_region = "us-east-1";
  o.sts.transport = sts;
  o.clock = [now] { return *now; };
  auto p = make_account_role_provider(o);
  auto first = p->credentials();
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->access_key_id, "KEY1");
  EXPECT_EQ(first->method, "assume-role");
  ASSERT_EQ(first->chain.size(), 2u);
  EXPECT_EQ(first->chain[0].role, o.role_arn);
  EXPECT_EQ(first->chain[1].method, "env");
  // Cached from many threads: still one AssumeRole.
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) threads.emplace_back([&] { EXPECT_EQ(p->credentials()->access_key_id, "KEY1"); });
  for (auto& t : threads) t.join();
  ASSERT_EQ(sts->requests().size(), 1u);
  const auto req = sts->requests()[0];
  const auto form = sgtest::parse_form(req.body);
  EXPECT_EQ(form.at("RoleArn"), o.role_arn);
  EXPECT_EQ(form.at("ExternalId"), "ext-1");
  EXPECT_TRUE(std::regex_match(form.at("RoleSessionName"), std::regex("botocore-session-[0-9]+")));
  EXPECT_NE(req.header("Authorization").value_or("").find("Credential=AKIDBASE/"), std::string::npos);
  // Past the mandatory window (a quarter of 15 minutes left): a new session.
  *now += std::chrono::seconds(700);
  EXPECT_EQ(p->credentials()->access_key_id, "KEY2");
  EXPECT_EQ(sts->requests().size(), 2u);
}

TEST(AccountRoleProvider, RefusalIsAnErrorNamingAssumeRole) {
  auto sts = std::make_shared<sgtest::FakeSts>();
  sts->failures_to_inject = 1;
  AccountRoleOptions o;
  o.role_arn = "arn:aws:iam::111122223333:role/Auditor";
  o.source = base();
  o.sts.endpoint = "https://sts.us-east-1.amazonaws.com";
  o.sts.signing_region = "us-east-1";
  o.sts.transport = sts;
  auto r = make_account_role_provider(o)->credentials();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("AssumeRole"), std::string::npos);
  EXPECT_NE(r.error().message.find("AccessDenied"), std::string::npos);
  EXPECT_EQ(r.error().message.find("base-secret"), std::string::npos);
}

// An <ErrorResponse><Errors><Error> answer (botocore parses it too) names
// its code, not just the HTTP status.
class WrappedErrorSts : public HttpTransport {
 public:
  HttpOutcome send(const HttpRequest&) override {
    HttpResponse r;
    r.status = 403;
    r.body = "<?xml version=\"1.0\"?><ErrorResponse><Errors><Error><Code>AccessDenied</Code>"
             "<Message>not authorized</Message></Error></Errors></ErrorResponse>";
    return r;
  }
};

TEST(AccountRoleProvider, ErrorsWrappedInErrorsKeepTheirCode) {
  AccountRoleOptions o;
  o.role_arn = "arn:aws:iam::111122223333:role/Auditor";
  o.source = base();
  o.sts.endpoint = "https://sts.us-east-1.amazonaws.com";
  o.sts.signing_region = "us-east-1";
  o.sts.transport = std::make_shared<WrappedErrorSts>();
  auto r = make_account_role_provider(o)->credentials();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("AccessDenied"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("not authorized"), std::string::npos) << r.error().message;
}

TEST(Organizations, StateWinsOverStatusAndOnlyActiveAccountsRemain) {
  auto page = nlohmann::json::parse(R"({"Accounts": [
    {"Id": "111111111111", "Name": "a", "Status": "ACTIVE", "State": "ACTIVE"},
    {"Id": "222222222222", "Name": "b", "Status": "ACTIVE", "State": "SUSPENDED"},
    {"Id": "333333333333", "Name": "c", "Status": "ACTIVE"},
    {"Id": "444444444444", "Name": "d", "State": "PENDING_CLOSURE"}]})");
  auto accounts = parse_list_accounts_page(page);
  ASSERT_TRUE(accounts.ok());
  auto active = active_accounts(*accounts);
  ASSERT_EQ(active.size(), 2u);
  EXPECT_EQ(active[0].id, "111111111111");
  EXPECT_EQ(active[1].id, "333333333333");
  EXPECT_FALSE(parse_list_accounts_page(nlohmann::json::parse(R"({"Accounts": [{"Id": "12"}]})")).ok());
}

// ListAccounts across pages, signed for organizations in us-east-1.
class FakeOrganizations : public HttpTransport {
 public:
  std::vector<HttpRequest> requests;
  HttpOutcome send(const HttpRequest& r) override {
    requests.push_back(r);
    const auto body = nlohmann::json::parse(r.body);
    HttpResponse resp;
    resp.status = 200;
    if (!body.contains("NextToken")) {
      resp.body = R"({"Accounts": [{"Id": "111111111111", "State": "ACTIVE"}], "NextToken": "p2"})";
    } else {
      resp.body = R"({"Accounts": [{"Id": "222222222222", "State": "ACTIVE"}]})";
    }
    return resp;
  }
};

TEST(Organizations, ListsEveryPageAtTheOverriddenEndpoint) {
  auto fake = std::make_shared<FakeOrganizations>();
  MapEnv env{{"AWS_ENDPOINT_URL", "http://127.0.0.1:1"}, {"AWS_ENDPOINT_URL_ORGANIZATIONS", "http://127.0.0.1:2"}};
  OrganizationsOptions o;
  o.env = &env;
  o.credentials = base();
  o.transport = fake;
  auto accounts = list_org_accounts(o);
  ASSERT_TRUE(accounts.ok()) << accounts.error().message;
  ASSERT_EQ(accounts->size(), 2u);
  EXPECT_EQ((*accounts)[1].id, "222222222222");
  ASSERT_EQ(fake->requests.size(), 2u);
  EXPECT_EQ(fake->requests[0].url, "http://127.0.0.1:2/");
  EXPECT_EQ(fake->requests[0].header("X-Amz-Target").value_or(""), "AWSOrganizationsV20161128.ListAccounts");
  EXPECT_NE(fake->requests[0].header("Authorization").value_or("").find("/us-east-1/organizations/aws4_request"),
            std::string::npos);
  MapEnv fallback{{"AWS_ENDPOINT_URL", "http://127.0.0.1:1"}};
  EXPECT_EQ(*resolve_organizations_endpoint(fallback), "http://127.0.0.1:1");
  EXPECT_EQ(*resolve_organizations_endpoint(MapEnv{}), "https://organizations.us-east-1.amazonaws.com");
}

}  // namespace
}  // namespace sageguard::aws
