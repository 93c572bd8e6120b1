#include "sageguard/audit/rate_limited_transport.h"

#include "sageguard/aws/aws_error.h"

namespace sageguard::audit {

RateLimitedTransport::RateLimitedTransport(std::shared_ptr<aws::HttpTransport> inner,
                                           std::shared_ptr<RateLimiter> limiter,
                                           aws::RetryMode mode)
    : inner_(std::move(inner)),
      limiter_(std::move(limiter)),
      adaptive_(mode == aws::RetryMode::adaptive) {}

aws::HttpOutcome RateLimitedTransport::send(const aws::HttpRequest& request) {
  limiter_->acquire();
  ++requests_;
  aws::HttpOutcome out = inner_->send(request);
  if (!out.ok()) {
    ++broken_;
    return out;
  }
  const long status = out.response().status;
  if (status >= 200 && status < 300) {
    if (adaptive_) limiter_->on_success();
  } else if (status >= 500) {
    ++server_errors_;
  } else if (status >= 400) {
    // Only throttling slows us down; a ValidationException says nothing
    // about the service's capacity.
    const aws::AwsError e = aws::parse_json_error(out.response());
    if (aws::is_throttling_code(e.code) || status == 429) {
      ++throttled_;
      if (adaptive_) limiter_->on_throttle();
    }
  }
  return out;
}

TransportCounters RateLimitedTransport::counters() const {
  return {requests_.load(), throttled_.load(), server_errors_.load(), broken_.load()};
}

}  // namespace sageguard::audit
