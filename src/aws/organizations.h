// AWS Organizations for `--org-role`: ListAccounts (JSON 1.1, signed for
// "organizations" in us-east-1, the service's one endpoint in the aws
// partition) page by page, and the accounts that are ACTIVE. Stateless
// functions; thread-safe; the calls block.
// Private to the library (not installed; its interface uses nlohmann::json).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sageguard/aws/credentials.h"
#include "sageguard/aws/credentials_chain.h"
#include "sageguard/aws/env.h"
#include "sageguard/aws/http_transport.h"
#include "sageguard/aws/retry_strategy.h"
#include "sageguard/aws/wire_trace.h"
#include "sageguard/result.h"

namespace sageguard::aws {

struct OrgAccount {
  std::string id;     // 12 digits
  std::string name;
  std::string arn;
  std::string state;  // State, else the older Status ("ACTIVE", "SUSPENDED", ...)
};

// AWS_ENDPOINT_URL_ORGANIZATIONS, AWS_ENDPOINT_URL, else
// https://organizations.us-east-1.amazonaws.com. Plain http only to loopback.
Result<std::string> resolve_organizations_endpoint(const Env& env);

// The accounts of one ListAccounts page. State is read before Status:
// botocore's model marks Status for retirement (September 2026) in favour
// of State. An account without a 12-digit Id is an error.
Result<std::vector<OrgAccount>> parse_list_accounts_page(const nlohmann::json& page);

struct OrganizationsOptions {
  std::string profile;       // for the retry mode
  TraceSink trace;           // --debug (secrets redacted)
  const Env* env = nullptr;  // nullptr = process environment
  std::shared_ptr<CredentialsProvider> credentials;  // required
  std::shared_ptr<HttpTransport> transport;          // nullptr = curl
  Sleeper sleeper;                                   // empty = really sleep
  Clock clock;                                       // empty = system_clock
};

// Every account ListAccounts returns (all pages), in its order.
Result<std::vector<OrgAccount>> list_org_accounts(OrganizationsOptions options);

// The ACTIVE ones of `accounts`, in their order.
std::vector<OrgAccount> active_accounts(const std::vector<OrgAccount>& accounts);

}  // namespace sageguard::aws
