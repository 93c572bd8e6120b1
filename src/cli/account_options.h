// The flags that take a command (audit, cost --jobs, roi) across accounts
// (--accounts FILE, --org-role ROLE, --account ID, --exclude-account ID) and
// the one place that turns them into a list of accounts, each with the
// credentials of its assumed role. Planning is thread-safe; the plan's
// providers are shared by every client of that account.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/aws_options.h"
#include "cost/job_cost.h"
#include "cost/job_fetch.h"
#include "sageguard/aws/credentials.h"
#include "sageguard/aws/http_transport.h"

namespace CLI {
class App;
}

namespace sageguard::cli {

struct AccountFlags {
  std::optional<std::string> accounts_file;
  std::optional<std::string> org_role;
  std::vector<std::string> only;     // --account
  std::vector<std::string> exclude;  // --exclude-account
  bool active() const { return accounts_file.has_value() || org_role.has_value(); }
  // Any of the four given (--account alone is then a usage error).
  bool requested() const { return active() || !only.empty() || !exclude.empty(); }
};

void add_account_flags(CLI::App& sub, AccountFlags& flags);

// One account to visit.
struct AccountPlan {
  std::string id;
  std::string name;
  std::string role_arn;
  std::vector<std::string> regions;  // the file's; empty = the command's
  std::shared_ptr<aws::CredentialsProvider> credentials;  // the assumed role
  std::string failure;  // set by check_accounts: the role could not be assumed
};

// The accounts of --accounts (narrowed by --account/--exclude-account), or
// with --org-role alone every ACTIVE account Organizations lists (asked
// with the command's own credentials). A file entry without `role` takes
// --org-role's. Roles are assumed through STS (AWS_ENDPOINT_URL_STS, ...)
// with the command's credentials, with the default session name
// botocore-session-<unix seconds>. Errors: the file (exit 2, FILE:LINE:COL),
// flags (exit 2), ListAccounts failing (exit 3).
Result<std::vector<AccountPlan>> plan_accounts(const AccountFlags& flags, const AwsFlags& base, Io& io,
                                               std::shared_ptr<aws::HttpTransport> transport);

// Assumes every plan's role once, `threads` at a time, and records in
// `failure` why it could not be.
void check_accounts(std::vector<AccountPlan>& plans, size_t threads);

// What cost --jobs and roi read from each account: the descriptions of one
// account's region, or why it could not be read.
struct AccountDescribes {
  std::string account;
  std::string region;
  std::vector<nlohmann::json> describes;
  std::string failure;  // "account ID: ..."; describes is then empty
};

// Plans the accounts, then fetches every account's regions (the file's, else
// the command's), several accounts at once, each with cost::fetch_describes.
// A failing account is a part with `failure` set; the others are complete.
Result<std::vector<AccountDescribes>> fetch_account_describes(const AccountFlags& flags, const AwsFlags& base,
                                                              Io& io, const cost::FetchOptions& options);

// fetch_account_describes, then cost::job_records of each part (priced in
// its region) appended to `records`; a part that failed is reported on
// stderr. Returns how many parts failed.
Result<size_t> account_job_records(Io& io, const AccountFlags& flags, const AwsFlags& base,
                                   const cost::FetchOptions& options, const cost::PriceOracle& prices,
                                   cost::JobCostOptions jo, std::vector<cost::JobRecord>& records);

}  // namespace sageguard::cli
