// The audit tests' JSON client: us-east-1, an endpoint no request reaches
// (the transport given answers), static test credentials and retries that
// do not sleep. Each call makes its own client; no shared state.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <utility>

#include "aws/json_client.h"
#include "sageguard/aws/credentials.h"
#include "sageguard/aws/http_transport.h"

namespace sageguard::audit {

inline std::unique_ptr<aws::JsonClient> client_for(std::shared_ptr<aws::HttpTransport> t) {
  aws::JsonClientConfig cfg;
  cfg.region = "us-east-1";
  cfg.endpoint = "http://127.0.0.1:9";
  cfg.sleeper = [](std::chrono::milliseconds) {};
  auto creds = std::make_shared<aws::StaticCredentialsProvider>(
      aws::Credentials{"AKIDEXAMPLE", "secret", "", std::nullopt, "test"});
  return std::make_unique<aws::JsonClient>(cfg, creds, std::move(t));
}

}  // namespace sageguard::audit
