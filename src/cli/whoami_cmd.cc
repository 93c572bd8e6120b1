// `sageguard whoami`: the credentials source chain (profiles, roles, expiry)
// and the caller STS GetCallerIdentity reports. No secret is printed.
// Exit 0, 2 on bad flags, 3 when credentials or the call fail.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/aws_options.h"
#include "cli/common.h"
#include "sageguard/aws/whoami.h"

namespace sageguard::cli {

namespace {

struct WhoamiFlags {
  std::string format = "text";
  AwsFlags aws;
};

std::string text_report(const aws::Whoami& w) {
  std::string out;
  out += fmt::format("{:<12} {}\n", "account", w.identity.account);
  out += fmt::format("{:<12} {}\n", "arn", w.identity.arn);
  out += fmt::format("{:<12} {}\n", "user id", w.identity.user_id);
  out += fmt::format("{:<12} {}\n", "credentials", w.method);
  if (w.expiration) out += fmt::format("{:<12} {}\n", "expires", aws::format_iso8601(*w.expiration));
  out += "chain (outermost first):\n";
  for (const auto& step : w.chain) {
    out += "  " + step.method;
    if (!step.profile.empty()) out += "  profile " + step.profile;
    if (!step.role.empty()) out += "  role " + step.role;
    if (step.expiration) out += "  expires " + aws::format_iso8601(*step.expiration);
    out += "\n";
  }
  return out;
}

std::string json_report(const aws::Whoami& w) {
  nlohmann::json chain = nlohmann::json::array();
  for (const auto& step : w.chain) {
    nlohmann::json s = {{"method", step.method}};
    if (!step.profile.empty()) s["profile"] = step.profile;
    if (!step.role.empty()) s["role"] = step.role;
    if (step.expiration) s["expiration"] = aws::format_iso8601(*step.expiration);
    chain.push_back(std::move(s));
  }
  nlohmann::json j = {{"account", w.identity.account},
                      {"arn", w.identity.arn},
                      {"user_id", w.identity.user_id},
                      {"method", w.method},
                      {"chain", std::move(chain)}};
  if (w.expiration) j["expiration"] = aws::format_iso8601(*w.expiration);
  return j.dump(2) + "\n";
}

int run_whoami(Io& io, const WhoamiFlags& f) {
  aws::WhoamiOptions o;
  o.region = f.aws.region;
  o.profile = f.aws.profile;
  o.credentials = credentials_for(f.aws, io);
  o.trace = shared_trace(f.aws, io);
  auto w = aws::whoami(std::move(o));
  if (!w.ok()) return report_error(io, w.error());
  io.out << (f.format == "json" ? json_report(*w) : text_report(*w));
  io.out.flush();
  return 0;
}

}  // namespace

Command whoami_command() {
  return {"whoami", "Which credentials sageguard resolves, and whose they are", [](CLI::App& sub) -> Handler {
            auto f = std::make_shared<WhoamiFlags>();
            sub.add_option("--format", f->format, "Output format")->check(CLI::IsMember({"text", "json"}));
            sub.add_option("--region", f->aws.region, "Region of the STS endpoint (default: AWS_REGION, profile)");
            sub.add_option("--profile", f->aws.profile, "Shared config/credentials profile");
            add_mfa_flag(sub, f->aws.mfa_code);
            sub.add_flag("--debug", f->aws.debug, "Print the wire trace to stderr (secrets redacted)");
            return [f](Io& io) { return run_whoami(io, *f); };
          }};
}

}  // namespace sageguard::cli
