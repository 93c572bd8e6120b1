// The default credentials chain with caching and refresh before expiry.
#include <mutex>

#include "sageguard/aws/credentials_chain.h"

namespace sageguard::aws {

namespace {

class ChainProvider final : public CredentialsProvider {
 public:
  explicit ChainProvider(ChainOptions o) : opts_(std::move(o)) {
    if (opts_.env == nullptr) opts_.env = &process_env();
    if (!opts_.clock) opts_.clock = [] { return std::chrono::system_clock::now(); };
    if (!opts_.metadata_transport) {
      CurlTransportOptions t = CurlTransportOptions::from_env(*opts_.env);
      t.connect_timeout = std::chrono::milliseconds(1000);
      t.total_timeout = std::chrono::milliseconds(2000);
      t.plain_http_hosts = {"169.254.169.254", "169.254.170.2", "169.254.170.23",
                            "fd00:ec2::254", "fd00:ec2::23"};
      opts_.metadata_transport = make_curl_transport(std::move(t));
    }
  }

  Result<Credentials> credentials() override {
    std::lock_guard<std::mutex> lock(mu_);
    const auto now = opts_.clock();
    if (cached_ && fresh(*cached_, now)) return *cached_;
    auto r = resolve();
    if (!r.ok()) {
      // A failed refresh keeps using credentials that have not expired yet.
      if (cached_ && (!cached_->expiration || *cached_->expiration > now)) return *cached_;
      return r.error();
    }
    cached_ = r.value();
    return std::move(r).value();
  }

 private:
  static bool fresh(const Credentials& c, std::chrono::system_clock::time_point now) {
    return !c.expiration || *c.expiration - std::chrono::minutes(5) > now;
  }

  Result<Credentials> resolve() {
    const Env& env = *opts_.env;
    // An explicit --profile beats the environment variables (as in the AWS CLI).
    if (opts_.profile.empty()) {
      SG_ASSIGN_OR_RETURN(auto c, credentials_from_env(env));
      if (c) return *c;
    }
    const std::string profile = resolve_profile_name(env, opts_.profile);
    SG_ASSIGN_OR_RETURN(SharedConfig cfg, load_shared_config(env));
    const bool named = !opts_.profile.empty() || !env.get_or("AWS_PROFILE").empty();
    if (named && !cfg.has_profile(profile)) {
      return Error::make(ErrorCode::usage, "AWS profile '" + profile + "' not found in the shared "
                                         "config or credentials file");
    }
    {
      SG_ASSIGN_OR_RETURN(auto c, credentials_from_profile(env, cfg, profile));
      if (c) return *c;
    }
    {
      SG_ASSIGN_OR_RETURN(auto c, credentials_from_container(env, *opts_.metadata_transport));
      if (c) return *c;
    }
    {
      SG_ASSIGN_OR_RETURN(auto c, credentials_from_imds(env, *opts_.metadata_transport));
      if (c) return *c;
    }
    // Missing configuration: exit 2, as a missing region is.
    return Error::make(ErrorCode::usage,
                       "no AWS credentials found (tried environment variables, profile '" +
                           profile + "', container credentials, instance metadata)");
  }

  ChainOptions opts_;
  std::mutex mu_;
  std::optional<Credentials> cached_;
};

}  // namespace

std::shared_ptr<CredentialsProvider> make_default_credentials_chain(ChainOptions options) {
  return std::make_shared<ChainProvider>(std::move(options));
}

}  // namespace sageguard::aws
