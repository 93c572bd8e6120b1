// Test-only tool (target sg_aws_call): one SageMaker call through JsonClient
// with the standard credentials chain, for the moto integration tests.
//   sg_aws_call OPERATION JSON_BODY [--endpoint-url URL] [--region R]
//               [--profile P] [--debug] [--list-all KEY]
//               [--create-idempotent DESCRIBE_OPERATION NAME_FIELD]
// Prints the JSON result on stdout (exit 0) or "error: ..." on stderr (exit 3).
#include <iostream>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aws/json_client.h"

int main(int argc, char** argv) {
  using nlohmann::json;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() < 2) {
    std::cerr << "usage: sg_aws_call OPERATION JSON_BODY [options]\n";
    return 2;
  }
  sageguard::aws::SageMakerClientOptions opts;
  std::string list_key, describe_op, name_field;
  for (std::size_t i = 2; i < args.size(); ++i) {
    auto next = [&]() -> std::string { return i + 1 < args.size() ? args[++i] : std::string(); };
    if (args[i] == "--endpoint-url") {
      opts.endpoint_url = next();
    } else if (args[i] == "--region") {
      opts.region = next();
    } else if (args[i] == "--profile") {
      opts.profile = next();
    } else if (args[i] == "--debug") {
      opts.trace = [](const std::string& t) {
        static std::mutex mu;
        std::lock_guard<std::mutex> lock(mu);
        std::cerr << t << "\n";
      };
    } else if (args[i] == "--list-all") {
      list_key = next();
    } else if (args[i] == "--create-idempotent") {
      describe_op = next();
      name_field = next();
    } else {
      std::cerr << "unknown option " << args[i] << "\n";
      return 2;
    }
  }
  json body = json::parse(args[1], nullptr, false);
  if (body.is_discarded()) {
    std::cerr << "error: JSON_BODY is not JSON\n";
    return 2;
  }
  auto client = sageguard::aws::make_sagemaker_client(std::move(opts));
  if (!client.ok()) {
    std::cerr << "error: " << client.error().message << "\n";
    return sageguard::exit_code_for(client.error());
  }
  sageguard::Result<json> result = json();
  if (!describe_op.empty()) {
    auto r = (*client)->create_idempotent({args[0], body, describe_op, name_field, {}});
    if (r.ok()) {
      result = json{{"resolved_by_describe", r->resolved_by_describe}, {"response", r->response}};
    } else {
      result = r.error();
    }
  } else if (!list_key.empty()) {
    result = (*client)->list_all(args[0], body, list_key);
  } else {
    result = (*client)->call(args[0], body);
  }
  if (!result.ok()) {
    std::cerr << "error: " << result.error().message << "\n";
    return sageguard::exit_code_for(result.error());
  }
  std::cout << result->dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
  return 0;
}
