// Organizations ListAccounts through the JSON 1.1 client.
#include "aws/organizations.h"

#include "sageguard/aws/account_role.h"
#include "aws/json_client.h"
#include "sageguard/aws/service_endpoint.h"

namespace sageguard::aws {

namespace {

std::string string_member(const nlohmann::json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

Result<std::string> resolve_organizations_endpoint(const Env& env) {
  static constexpr ServiceEndpoint kOrganizations{"Organizations", "AWS_ENDPOINT_URL_ORGANIZATIONS",
                                                  "AWS_ENDPOINT_URL_ORGANIZATIONS", "organizations"};
  // Not regionalised: the aws partition's one endpoint is in us-east-1.
  return resolve_service_endpoint(env, "", "us-east-1", kOrganizations);
}

Result<std::vector<OrgAccount>> parse_list_accounts_page(const nlohmann::json& page) {
  std::vector<OrgAccount> out;
  auto list = page.find("Accounts");
  if (list == page.end() || list->is_null()) return out;
  if (!list->is_array()) return Error::make(ErrorCode::aws, "ListAccounts: Accounts is not a list");
  for (const auto& a : *list) {
    if (!a.is_object()) return Error::make(ErrorCode::aws, "ListAccounts: an account is not an object");
    OrgAccount acc;
    acc.id = string_member(a, "Id");
    if (!is_account_id(acc.id)) {
      return Error::make(ErrorCode::aws, "ListAccounts: an account Id is not 12 digits");
    }
    acc.name = string_member(a, "Name");
    acc.arn = string_member(a, "Arn");
    acc.state = string_member(a, "State");
    if (acc.state.empty()) acc.state = string_member(a, "Status");
    out.push_back(std::move(acc));
  }
  return out;
}

Result<std::vector<OrgAccount>> list_org_accounts(OrganizationsOptions o) {
  const Env& env = o.env != nullptr ? *o.env : process_env();
  if (!o.credentials) return Error::make(ErrorCode::internal, "ListAccounts: no credentials provider");
  JsonClientConfig cfg;
  cfg.region = "us-east-1";
  SG_ASSIGN_OR_RETURN(cfg.endpoint, resolve_organizations_endpoint(env));
  cfg.signing_name = "organizations";
  cfg.target_prefix = "AWSOrganizationsV20161128";
  SG_ASSIGN_OR_RETURN(cfg.retry, resolve_retry_config(env, o.profile));
  cfg.trace = std::move(o.trace);
  cfg.sleeper = std::move(o.sleeper);
  cfg.clock = std::move(o.clock);
  auto transport = o.transport ? o.transport : make_curl_transport(CurlTransportOptions::from_env(env));
  JsonClient client(std::move(cfg), std::move(o.credentials), std::move(transport));
  SG_ASSIGN_OR_RETURN(auto pages, client.paginate("ListAccounts", nlohmann::json::object()));
  std::vector<OrgAccount> out;
  for (const auto& p : pages) {
    SG_ASSIGN_OR_RETURN(auto accounts, parse_list_accounts_page(p));
    for (auto& a : accounts) out.push_back(std::move(a));
  }
  return out;
}

std::vector<OrgAccount> active_accounts(const std::vector<OrgAccount>& accounts) {
  std::vector<OrgAccount> out;
  for (const auto& a : accounts) {
    if (a.state == "ACTIVE") out.push_back(a);
  }
  return out;
}

}  // namespace sageguard::aws
