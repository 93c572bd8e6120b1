#include "cli/account_options.h"

#include <CLI/CLI.hpp>

#include <atomic>

#include "sageguard/audit/accounts_file.h"
#include "sageguard/aws/account_role.h"
#include "sageguard/aws/ec2_regions.h"
#include "sageguard/aws/env.h"
#include "aws/organizations.h"
#include "sageguard/aws/shared_config.h"
#include "sageguard/aws/sts_client.h"
#include "util/cpus.h"
#include "util/strings.h"

namespace sageguard::cli {

void add_account_flags(CLI::App& sub, AccountFlags& flags) {
  sub.add_option("--accounts", flags.accounts_file,
                 "YAML file with an 'accounts:' list of {account_id, name, role, external_id, "
                 "regions, tags} (c7n-org's layout): each account is reached by assuming its role");
  sub.add_option("--org-role", flags.org_role,
                 "Role name assumed in each account: with --accounts, for entries without a role; "
                 "alone, in every ACTIVE account Organizations ListAccounts returns");
  sub.add_option("--account", flags.only, "Only this account id (repeat for several)");
  sub.add_option("--exclude-account", flags.exclude, "Leave this account id out (repeatable)");
}

namespace {

Result<std::vector<audit::AccountEntry>> org_entries(const AwsFlags& base, Io& io,
                                                     std::shared_ptr<aws::HttpTransport> transport) {
  aws::OrganizationsOptions o;
  o.profile = base.profile;
  o.trace = shared_trace(base, io);
  o.credentials = credentials_for(base, io);
  o.transport = std::move(transport);
  SG_ASSIGN_OR_RETURN(auto all, aws::list_org_accounts(std::move(o)));
  std::vector<audit::AccountEntry> out;
  for (const auto& a : aws::active_accounts(all)) {
    audit::AccountEntry e;
    e.account_id = a.id;
    e.name = a.name;
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

Result<std::vector<AccountPlan>> plan_accounts(const AccountFlags& flags, const AwsFlags& base, Io& io,
                                               std::shared_ptr<aws::HttpTransport> transport) {
  if (!flags.active()) {
    if (!flags.only.empty() || !flags.exclude.empty()) {
      return Error::make(ErrorCode::usage, "--account and --exclude-account need --accounts or --org-role");
    }
    return std::vector<AccountPlan>{};
  }
  if (flags.org_role && flags.org_role->empty()) {
    return Error::make(ErrorCode::usage, "--org-role needs a role name");
  }
  const aws::Env& env = aws::process_env();
  // The command's own credentials must exist before any account is tried:
  // missing configuration is exit 2, not one unreadable account after another.
  auto source = credentials_for(base, io);
  if (auto c = source->credentials(); !c.ok()) return c.error();

  std::vector<audit::AccountEntry> entries;
  if (flags.accounts_file) {
    SG_ASSIGN_OR_RETURN(entries, audit::load_accounts_file(*flags.accounts_file));
  } else {
    SG_ASSIGN_OR_RETURN(entries, org_entries(base, io, transport));
  }
  SG_ASSIGN_OR_RETURN(entries, audit::select_accounts(std::move(entries), flags.only, flags.exclude));

  // STS in the command's region (as the SDKs call it for a profile's role).
  auto region = aws::resolve_region(env, base.region, base.profile);
  const std::string sts_region = region.ok() ? *region : "";
  SG_ASSIGN_OR_RETURN(aws::StsConfig sts, aws::resolve_sts_config(env, sts_region,
                                                                  env.get_or("AWS_STS_REGIONAL_ENDPOINTS"),
                                                                  transport));
  sts.trace = shared_trace(base, io);
  const std::string partition(aws::region_partition(sts_region.empty() ? "us-east-1" : sts_region));

  std::vector<AccountPlan> plans;
  for (auto& e : entries) {
    std::string role = e.role.empty() ? flags.org_role.value_or("") : e.role;
    if (role.empty()) {
      return Error::make(ErrorCode::usage, "account " + e.account_id + " in " + *flags.accounts_file +
                                               " has no role: give it one, or pass --org-role");
    }
    AccountPlan p;
    p.id = e.account_id;
    p.name = e.name;
    SG_ASSIGN_OR_RETURN(p.role_arn, aws::account_role_arn(e.account_id, role, partition));
    p.regions = std::move(e.regions);
    aws::AccountRoleOptions ro;
    ro.role_arn = p.role_arn;
    ro.external_id = e.external_id;
    ro.source = source;
    ro.sts = sts;
    p.credentials = aws::make_account_role_provider(std::move(ro));
    plans.push_back(std::move(p));
  }
  return plans;
}

// Accounts whose jobs are fetched at once (each with its own Describe threads).
constexpr size_t kFetchAccounts = 8;

Result<std::vector<AccountDescribes>> fetch_account_describes(const AccountFlags& flags, const AwsFlags& base,
                                                              Io& io, const cost::FetchOptions& options) {
  auto transport = aws::make_curl_transport(aws::CurlTransportOptions::from_env(aws::process_env()));
  SG_ASSIGN_OR_RETURN(auto plans, plan_accounts(flags, base, io, transport));
  check_accounts(plans, kFetchAccounts);
  std::vector<AccountDescribes> parts;
  std::vector<const AccountPlan*> owner;
  for (const auto& p : plans) {
    if (!p.failure.empty()) {
      parts.push_back({p.id, "", {}, "account " + p.id + ": " + p.failure});
      owner.push_back(&p);
      continue;
    }
    const std::vector<std::string> regions = p.regions.empty() ? std::vector<std::string>{base.region} : p.regions;
    for (const auto& r : regions) {
      parts.push_back({p.id, r, {}, ""});
      owner.push_back(&p);
    }
  }
  std::atomic<size_t> next{0};
  run_on_threads(std::max<size_t>(1, std::min(kFetchAccounts, parts.size())), [&] {
    for (size_t i = next++; i < parts.size(); i = next++) {
      AccountDescribes& part = parts[i];
      if (!part.failure.empty()) continue;
      AwsFlags f = base;
      f.region = part.region;
      f.credentials = std::make_shared<SharedCredentials>();
      f.credentials->provider = owner[i]->credentials;
      f.credentials->trace = shared_trace(base, io);
      f.credentials->trace_made = true;
      auto client = make_client(f, io, transport);
      if (!client.ok()) {
        part.failure = "account " + part.account + ": " + client.error().message;
        continue;
      }
      part.region = (*client)->config().region;
      auto d = cost::fetch_describes(**client, options);
      if (d.ok()) {
        part.describes = std::move(d).value();
      } else {
        part.failure = "account " + part.account + " (" + part.region + "): " + d.error().message;
      }
    }
  });
  return parts;
}

Result<size_t> account_job_records(Io& io, const AccountFlags& flags, const AwsFlags& base,
                                   const cost::FetchOptions& options, const cost::PriceOracle& prices,
                                   cost::JobCostOptions jo, std::vector<cost::JobRecord>& records) {
  SG_ASSIGN_OR_RETURN(auto parts, fetch_account_describes(flags, base, io, options));
  size_t failed = 0;
  for (const auto& part : parts) {
    if (!part.failure.empty()) {
      io.err << "sageguard: error: " << terminal_safe(part.failure) << "\n";
      ++failed;
      continue;
    }
    jo.region = part.region;
    auto mine = cost::job_records(part.describes, prices, jo);
    records.insert(records.end(), std::make_move_iterator(mine.begin()), std::make_move_iterator(mine.end()));
  }
  return failed;
}

void check_accounts(std::vector<AccountPlan>& plans, size_t threads) {
  std::atomic<size_t> next{0};
  run_on_threads(std::max<size_t>(1, std::min(threads, plans.size())), [&] {
    for (size_t i = next++; i < plans.size(); i = next++) {
      auto c = plans[i].credentials->credentials();
      if (!c.ok()) plans[i].failure = "assuming " + plans[i].role_arn + ": " + c.error().message;
    }
  });
}

}  // namespace sageguard::cli
