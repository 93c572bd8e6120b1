// An HttpTransport decorator that sends every request (retries included)
// through a shared RateLimiter, so the audit's request rate stays under
// --max-tps. In the adaptive retry mode it also tells the limiter about
// throttling answers, which cut the rate; in the standard mode (the default)
// a throttle is only retried, never a reason to slow everyone down. Counts
// what it saw. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "sageguard/audit/rate_limiter.h"
#include "sageguard/aws/http_transport.h"
#include "sageguard/aws/retry_strategy.h"

namespace sageguard::audit {

struct TransportCounters {
  uint64_t requests = 0;
  uint64_t throttled = 0;      // answers with a throttling error code
  uint64_t server_errors = 0;  // HTTP 5xx
  uint64_t broken = 0;         // transport failures (connection, timeout)
};

class RateLimitedTransport : public aws::HttpTransport {
 public:
  RateLimitedTransport(std::shared_ptr<aws::HttpTransport> inner,
                       std::shared_ptr<RateLimiter> limiter, aws::RetryMode mode);

  aws::HttpOutcome send(const aws::HttpRequest& request) override;
  TransportCounters counters() const;

 private:
  std::shared_ptr<aws::HttpTransport> inner_;
  std::shared_ptr<RateLimiter> limiter_;
  const bool adaptive_;
  std::atomic<uint64_t> requests_{0}, throttled_{0}, server_errors_{0}, broken_{0};
};

}  // namespace sageguard::audit
