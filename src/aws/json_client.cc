// JSON 1.1 calls: build, sign, send, classify, retry (standard mode).
#include "aws/json_client.h"

#include <random>
#include <set>
#include <thread>

#include "util/json_depth.h"

namespace sageguard::aws {

Result<nlohmann::json> CallOutcome::to_result(const std::string& operation) const {
  if (value) return *value;
  return error.to_error(operation);
}

JsonClient::JsonClient(JsonClientConfig config, std::shared_ptr<CredentialsProvider> credentials,
                       std::shared_ptr<HttpTransport> transport)
    : config_(std::move(config)),
      credentials_(std::move(credentials)),
      transport_(std::move(transport)),
      quota_(config_.retry.quota_capacity) {
  while (!config_.endpoint.empty() && config_.endpoint.back() == '/') config_.endpoint.pop_back();
}

void JsonClient::trace(const std::string& text) const {
  if (config_.trace) config_.trace(text);
}

double JsonClient::random01() const {
  if (config_.random) return config_.random();
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

CallOutcome JsonClient::call_detailed(const std::string& operation, const nlohmann::json& body) {
  CallOutcome out;
  const std::string payload = body.is_null() ? "{}" : body.dump(-1, ' ', false,
                                                                 nlohmann::json::error_handler_t::replace);
  int last_retry_cost = 0;
  const int max_attempts = std::max(1, config_.retry.max_attempts);
  for (int attempt = 1;; ++attempt) {
    out.attempts = attempt;
    // Asked every attempt: the provider caches, and refreshes expiring creds.
    auto creds = credentials_->credentials();
    if (!creds.ok()) {
      out.error = AwsError{};
      out.error.kind = AwsErrorKind::credentials;
      out.error.code = "NoCredentials";
      out.error.message = creds.error().message;
      // None configured (usage) is exit 2; a source that failed stays exit 3.
      out.error.error_code = creds.error().code;
      return out;
    }
    HttpRequest req;
    req.method = "POST";
    req.url = config_.endpoint + "/";
    req.headers = {{"Content-Type", "application/x-amz-json-1.1"},
                   {"X-Amz-Target", config_.target_prefix + "." + operation}};
    req.body = payload;
    SigningParams params;
    params.region = config_.region;
    params.service = config_.signing_name;
    params.time = config_.clock ? config_.clock() : std::chrono::system_clock::now();
    if (auto signed_req = signer_.sign(req, *creds, params); !signed_req.ok()) {
      // Not retried: a library that did not load will not load on the next
      // attempt either, and nothing was sent.
      out.error = from_signing_error(signed_req.error());
      return out;
    }
    const std::vector<std::string> secrets = {creds->secret_access_key, creds->session_token};
    if (config_.trace) trace(format_request_trace(req, secrets));

    HttpOutcome sent = transport_->send(req);
    AwsError err;
    if (sent.ok()) {
      silent_attempts_.store(0);
      const HttpResponse& resp = sent.response();
      if (config_.trace) trace(format_response_trace(resp, secrets));
      if (resp.status >= 200 && resp.status < 300) {
        // Every later walk over the answer (copies, comparisons, dumps, the
        // audit's views) recurses once per level: refuse what the document
        // readers would refuse before any of them sees it.
        const bool too_deep = json_nesting_exceeds(resp.body);
        auto j = resp.body.empty() || too_deep ? nlohmann::json::object()
                                               : nlohmann::json::parse(resp.body, nullptr, false);
        if (too_deep || j.is_discarded()) {
          err.code = "InvalidResponse";
          err.message = too_deep ? "response nests deeper than " + std::to_string(kMaxJsonDepth) + " levels"
                                 : "response is not JSON";
          err.http_status = resp.status;
          err.request_id = resp.header("x-amzn-RequestId").value_or("");
          out.error = err;
          return out;
        }
        quota_.release(attempt > 1 ? last_retry_cost : config_.retry.success_refund);
        out.value = std::move(j);
        return out;
      }
      err = parse_json_error(resp);
    } else {
      err = from_transport_error(sent.error());
      if (config_.trace) trace("< transport error: " + err.describe() + "\n");
      if (err.kind == AwsErrorKind::connection || err.kind == AwsErrorKind::timeout) ++silent_attempts_;
    }
    if (err.maybe_applied) out.earlier_attempt_ambiguous = true;
    out.error = err;
    if (!err.retryable || attempt >= max_attempts) {
      if (err.retryable) out.error.message += " (gave up after " + std::to_string(attempt) + " attempts)";
      return out;
    }
    if (endpoint_silent()) return give_up_silent(out);
    const int cost = err.kind == AwsErrorKind::timeout ? config_.retry.timeout_retry_cost
                                                       : config_.retry.retry_cost;
    if (!quota_.acquire(cost)) {
      out.error.message += " (retry quota exhausted)";
      out.quota_exhausted = true;
      return out;
    }
    last_retry_cost = cost;
    auto delay = backoff_delay(attempt, random01(), config_.retry.max_backoff_seconds);
    if (config_.sleeper) {
      config_.sleeper(delay);
    } else {
      std::this_thread::sleep_for(delay);
    }
    // Other calls may have found the endpoint gone meanwhile.
    if (endpoint_silent()) return give_up_silent(out);
  }
}

bool JsonClient::endpoint_silent() const {
  return config_.max_silent_attempts > 0 && silent_attempts_.load() >= config_.max_silent_attempts;
}

CallOutcome& JsonClient::give_up_silent(CallOutcome& out) const {
  out.error.message += " (not retried: the last " + std::to_string(silent_attempts_.load()) +
                       " attempts of this client got no answer)";
  out.quota_exhausted = true;
  return out;
}

Status JsonClient::check_credentials() {
  auto creds = credentials_->credentials();
  if (!creds.ok()) return creds.error();
  return Status::success();
}

Result<nlohmann::json> JsonClient::call(const std::string& operation, const nlohmann::json& body) {
  CallOutcome o = call_detailed(operation, body);
  // The ambiguity flag describes earlier attempts, not the final error.
  return o.to_result(operation);
}

Result<std::vector<nlohmann::json>> JsonClient::paginate(const std::string& operation,
                                                         nlohmann::json body, std::size_t max_pages) {
  if (body.is_null()) body = nlohmann::json::object();
  std::vector<nlohmann::json> pages;
  std::set<std::string> seen;
  while (pages.size() < max_pages) {
    SG_ASSIGN_OR_RETURN(nlohmann::json page, call(operation, body));
    std::string next;
    if (page.contains("NextToken") && page["NextToken"].is_string()) next = page["NextToken"].get<std::string>();
    pages.push_back(std::move(page));
    if (next.empty()) return pages;
    // A token seen before (A, B, A, B as well as A, A) would loop forever.
    if (!seen.insert(next).second) return repeated_token_error(operation, pages.size());
    body["NextToken"] = next;
  }
  return Error::make(ErrorCode::aws, operation + ": more than " + std::to_string(max_pages) + " pages");
}

Error repeated_token_error(const std::string& operation, std::size_t page) {
  return Error::make(ErrorCode::aws, operation + ": page " + std::to_string(page) +
                                         " returned a NextToken an earlier page returned: the "
                                         "pagination cycles, so the listing was stopped");
}

Result<nlohmann::json> JsonClient::list_all(const std::string& operation, nlohmann::json body,
                                            const std::string& list_key, std::size_t max_pages) {
  SG_ASSIGN_OR_RETURN(auto pages, paginate(operation, std::move(body), max_pages));
  nlohmann::json items = nlohmann::json::array();
  for (auto& p : pages) {
    if (p.contains(list_key) && p[list_key].is_array()) {
      for (auto& e : p[list_key]) items.push_back(std::move(e));
    }
  }
  return items;
}

bool json_subset_match(const nlohmann::json& sent, const nlohmann::json& described) {
  if (sent.is_object()) {
    if (!described.is_object()) return false;
    for (auto it = sent.begin(); it != sent.end(); ++it) {
      auto d = described.find(it.key());
      if (d == described.end()) continue;
      if (!json_subset_match(it.value(), *d)) return false;
    }
    return true;
  }
  if (sent.is_array()) {
    if (!described.is_array() || described.size() != sent.size()) return false;
    for (std::size_t i = 0; i < sent.size(); ++i) {
      if (!json_subset_match(sent[i], described[i])) return false;
    }
    return true;
  }
  if (sent.is_number() && described.is_number()) return sent.get<double>() == described.get<double>();
  return sent == described;
}

Result<CreateResult> JsonClient::create_idempotent(const IdempotentCreate& spec) {
  CallOutcome o = call_detailed(spec.create_operation, spec.request);
  if (o.ok()) return CreateResult{std::move(*o.value), false};
  if (o.error.code != "ResourceInUse" || !o.earlier_attempt_ambiguous) {
    return o.error.to_error(spec.create_operation);
  }
  if (!spec.request.contains(spec.name_field)) return o.error.to_error(spec.create_operation);
  nlohmann::json key = {{spec.name_field, spec.request[spec.name_field]}};
  SG_ASSIGN_OR_RETURN(nlohmann::json described, call(spec.describe_operation, key));
  bool same = spec.matches ? spec.matches(spec.request, described)
                           : json_subset_match(spec.request, described);
  if (!same) {
    Error e = o.error.to_error(spec.create_operation);
    e.message += "; a different resource with that name already exists";
    return e;
  }
  return CreateResult{std::move(described), true};
}

}  // namespace sageguard::aws
