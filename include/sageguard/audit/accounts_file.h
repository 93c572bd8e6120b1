// The accounts file of `--accounts` (the layout Cloud Custodian's c7n-org
// keeps): a top-level `accounts:` list of {account_id, name, role (a role
// name or ARN), external_id, regions, tags}, and the --account /
// --exclude-account narrowing shared with `--org-role`. Pure functions;
// thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sageguard/result.h"

namespace sageguard::audit {

struct AccountEntry {
  std::string account_id;  // 12 digits
  std::string name;        // may be empty
  std::string role;        // role name or ARN; empty = --org-role's
  std::string external_id;
  std::vector<std::string> regions;  // empty = the command's --region
  // c7n-org writes tags as "key:value" strings; a mapping is accepted too.
  std::vector<std::pair<std::string, std::string>> tags;
};

// Errors are ErrorCode::input at FILE:LINE:COL (with the source line):
// not a mapping with an `accounts` list, an unknown key, an account_id
// that is not 12 digits (an unquoted number keeps its leading zeros: the
// id is read as written), a repeated account_id, a bad region name.
Result<std::vector<AccountEntry>> parse_accounts_file(const std::string& path, std::string text);
Result<std::vector<AccountEntry>> load_accounts_file(const std::string& path);

// The entries whose id is in `only` (when `only` is not empty) and not in
// `exclude`, in their order. Every id given must be 12 digits (usage error);
// an id in `only` that no entry has is an error too (a typo would otherwise
// audit nothing and pass).
Result<std::vector<AccountEntry>> select_accounts(std::vector<AccountEntry> entries,
                                                  const std::vector<std::string>& only,
                                                  const std::vector<std::string>& exclude);

}  // namespace sageguard::audit
