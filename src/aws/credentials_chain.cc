// The default credentials chain with caching and single-flight refresh
// before expiry.
#include <algorithm>
#include <condition_variable>
#include <mutex>

#include "sageguard/aws/credentials_chain.h"

namespace sageguard::aws {

RefreshWindows refresh_windows(std::chrono::seconds lifetime) {
  using std::chrono::seconds;
  const seconds advisory = std::min<seconds>(seconds(15 * 60), lifetime / 2);
  const seconds mandatory = std::min<seconds>(seconds(10 * 60), lifetime / 4);
  return {advisory, mandatory};
}

namespace {

enum class Need { none, advisory, mandatory };

// Caches what `fetch_` returns and refreshes it before expiry, one refresh
// at a time (the default chain and every assumed account role).
class RefreshingProvider final : public CredentialsProvider {
 public:
  RefreshingProvider(CredentialsFetch fetch, Clock clock) : fetch_(std::move(fetch)), clock_(std::move(clock)) {
    if (!clock_) clock_ = [] { return std::chrono::system_clock::now(); };
  }

  Result<Credentials> credentials() override {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      const auto now = clock_();
      if (cached_) {
        const Need need = needs(now);
        if (need == Need::none) return *cached_;
        // Someone is refreshing; until the mandatory window the current
        // credentials are still good enough.
        if (need == Need::advisory && refreshing_) return *cached_;
      }
      if (!refreshing_) break;
      const unsigned long seen = generation_;
      cv_.wait(lock, [&] { return !refreshing_; });
      // The refresh we waited for failed: share its outcome rather than
      // each waiter calling the failing service again.
      if (generation_ != seen && last_error_) {
        if (cached_ && (!cached_->expiration || *cached_->expiration > clock_())) return *cached_;
        return *last_error_;
      }
    }
    refreshing_ = true;
    lock.unlock();
    const auto started = clock_();
    auto r = fetch_(started);
    lock.lock();
    refreshing_ = false;
    ++generation_;
    cv_.notify_all();
    if (!r.ok()) {
      last_error_ = r.error();
      // A failed refresh keeps using credentials that have not expired yet.
      if (cached_ && (!cached_->expiration || *cached_->expiration > clock_())) return *cached_;
      return r.error();
    }
    last_error_.reset();
    cached_ = r.value();
    fetched_at_ = started;
    return std::move(r).value();
  }

 private:
  Need needs(std::chrono::system_clock::time_point now) const {
    if (!cached_->expiration) return Need::none;
    const auto lifetime = std::chrono::duration_cast<std::chrono::seconds>(*cached_->expiration - fetched_at_);
    const RefreshWindows w = refresh_windows(std::max(lifetime, std::chrono::seconds(0)));
    const auto left = *cached_->expiration - now;
    if (left >= w.advisory) return Need::none;
    return left >= w.mandatory ? Need::advisory : Need::mandatory;
  }

  CredentialsFetch fetch_;
  Clock clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool refreshing_ = false;
  unsigned long generation_ = 0;
  std::optional<Error> last_error_;
  std::optional<Credentials> cached_;
  std::chrono::system_clock::time_point fetched_at_;
};

// The sources of the default chain, asked in order at each refresh.
class ChainResolver {
 public:
  explicit ChainResolver(ChainOptions o) : opts_(std::move(o)) {
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
    if (!opts_.transport) opts_.transport = make_curl_transport(CurlTransportOptions::from_env(*opts_.env));
  }

  const Clock& clock() const { return opts_.clock; }

  Result<Credentials> resolve(std::chrono::system_clock::time_point now) {
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
      ProfileContext ctx;
      ctx.env = &env;
      ctx.config = &cfg;
      ctx.now = now;
      ctx.clock = opts_.clock;
      ctx.sts_region = opts_.region;
      if (ctx.sts_region.empty()) {
        auto region = resolve_region(env, "", opts_.profile);
        if (region.ok()) ctx.sts_region = *region;
      }
      ctx.sts_regional_endpoints = env.get_or("AWS_STS_REGIONAL_ENDPOINTS");
      if (ctx.sts_regional_endpoints.empty()) {
        ProfileSettings s = cfg.profile(profile);
        if (auto it = s.find("sts_regional_endpoints"); it != s.end()) ctx.sts_regional_endpoints = it->second;
      }
      ctx.transport = opts_.transport;
      ctx.metadata_transport = opts_.metadata_transport.get();
      ctx.trace = opts_.trace;
      ctx.mfa_code = opts_.mfa_code;
      ctx.env_vars_allowed = opts_.profile.empty();
      SG_ASSIGN_OR_RETURN(auto c, credentials_from_profile(ctx, profile));
      if (c) return *c;
    }
    {
      SG_ASSIGN_OR_RETURN(auto c, credentials_from_container(env, *opts_.metadata_transport));
      if (c) {
        c->method = "container-role";
        c->chain = {{c->method, "", "", c->expiration}};
        return *c;
      }
    }
    {
      SG_ASSIGN_OR_RETURN(auto c, credentials_from_imds(env, *opts_.metadata_transport));
      if (c) {
        c->method = "iam-role";
        c->chain = {{c->method, "", "", c->expiration}};
        return *c;
      }
    }
    // Missing configuration: exit 2, as a missing region is.
    return Error::make(ErrorCode::usage,
                       "no AWS credentials found (tried environment variables, profile '" +
                           profile + "', container credentials, instance metadata)");
  }

  ChainOptions opts_;
};

}  // namespace

std::shared_ptr<CredentialsProvider> make_refreshing_provider(CredentialsFetch fetch, Clock clock) {
  return std::make_shared<RefreshingProvider>(std::move(fetch), std::move(clock));
}

std::shared_ptr<CredentialsProvider> make_default_credentials_chain(ChainOptions options) {
  auto resolver = std::make_shared<ChainResolver>(std::move(options));
  Clock clock = resolver->clock();
  return make_refreshing_provider(
      [resolver](std::chrono::system_clock::time_point now) { return resolver->resolve(now); },
      std::move(clock));
}

}  // namespace sageguard::aws
