// Credentials in another account of an organization: a role there assumed
// through STS with the command's own (source) credentials, as `--accounts`
// and `--org-role` reach each member account. The provider refreshes before
// expiry, one refresh at a time; thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "sageguard/aws/credentials.h"
#include "sageguard/aws/credentials_chain.h"
#include "sageguard/aws/sts_client.h"
#include "sageguard/result.h"

namespace sageguard::aws {

// True for exactly 12 ASCII digits.
bool is_account_id(std::string_view s);

// `role` as given when it is an ARN ("arn:..."), which must then name
// `account_id`; else the ARN of the role named `role` in that account:
// arn:<partition>:iam::<account_id>:role/<role> (a path such as
// "team/Auditor" is kept). Errors (usage) for an empty role or a role ARN
// of another account.
Result<std::string> account_role_arn(const std::string& account_id, const std::string& role,
                                     std::string_view partition = "aws");

struct AccountRoleOptions {
  std::string role_arn;
  std::string external_id;   // empty = not sent
  std::string session_name;  // empty = botocore-session-<unix seconds> at each assumption
  std::optional<int> duration_seconds;
  std::shared_ptr<CredentialsProvider> source;  // required: signs AssumeRole
  StsConfig sts;
  Clock clock;  // empty = system_clock::now
};

// Assumes the role on first use and again before the session expires.
// Credentials::method is "assume-role"; the chain's first step names the
// role, followed by the source's steps.
std::shared_ptr<CredentialsProvider> make_account_role_provider(AccountRoleOptions options);

}  // namespace sageguard::aws
