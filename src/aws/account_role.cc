// AssumeRole into member accounts, cached and refreshed like the chain.
#include "sageguard/aws/account_role.h"

namespace sageguard::aws {

bool is_account_id(std::string_view s) {
  if (s.size() != 12) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

Result<std::string> account_role_arn(const std::string& account_id, const std::string& role,
                                     std::string_view partition) {
  if (role.empty()) return Error::make(ErrorCode::usage, "no role to assume in account " + account_id);
  if (role.rfind("arn:", 0) == 0) {
    // arn:PARTITION:iam::ACCOUNT:role/NAME
    const size_t p1 = role.find(':', 4);
    const size_t p2 = p1 == std::string::npos ? p1 : role.find(':', p1 + 1);
    const size_t p3 = p2 == std::string::npos ? p2 : role.find(':', p2 + 1);
    const size_t p4 = p3 == std::string::npos ? p3 : role.find(':', p3 + 1);
    if (p4 == std::string::npos || role.compare(p1 + 1, p2 - p1 - 1, "iam") != 0 ||
        role.compare(p4 + 1, 5, "role/") != 0) {
      return Error::make(ErrorCode::usage, "'" + role + "' is not an IAM role ARN");
    }
    if (role.compare(p3 + 1, p4 - p3 - 1, account_id) != 0) {
      return Error::make(ErrorCode::usage, "role " + role + " is not in account " + account_id);
    }
    return role;
  }
  return "arn:" + std::string(partition) + ":iam::" + account_id + ":role/" + role;
}

std::shared_ptr<CredentialsProvider> make_account_role_provider(AccountRoleOptions o) {
  auto opts = std::make_shared<AccountRoleOptions>(std::move(o));
  if (!opts->clock) opts->clock = [] { return std::chrono::system_clock::now(); };
  return make_refreshing_provider(
      [opts](std::chrono::system_clock::time_point now) -> Result<Credentials> {
        if (!opts->source) return Error::make(ErrorCode::internal, "AssumeRole: no source credentials");
        SG_ASSIGN_OR_RETURN(Credentials source, opts->source->credentials());
        AssumeRoleParams p;
        p.role_arn = opts->role_arn;
        p.session_name = opts->session_name.empty() ? default_role_session_name(now) : opts->session_name;
        p.external_id = opts->external_id;
        p.duration_seconds = opts->duration_seconds;
        StsConfig sts = opts->sts;
        if (!sts.clock) sts.clock = opts->clock;
        SG_ASSIGN_OR_RETURN(AssumedRole r, sts_assume_role(sts, source, p));
        Credentials c = std::move(r.credentials);
        c.method = "assume-role";
        c.source = "assume-role (role " + p.role_arn + ")";
        c.chain = {{"assume-role", "", p.role_arn, c.expiration}};
        c.chain.insert(c.chain.end(), source.chain.begin(), source.chain.end());
        return c;
      },
      opts->clock);
}

}  // namespace sageguard::aws
