#include "cli/aws_options.h"

#include <CLI/CLI.hpp>

#include <mutex>
#include <ostream>

namespace sageguard::cli {

void add_aws_flags(CLI::App& sub, AwsFlags& flags) {
  sub.add_option("--region", flags.region, "AWS region (default: AWS_REGION, profile)");
  sub.add_option("--profile", flags.profile, "Shared config/credentials profile");
  sub.add_option("--endpoint-url", flags.endpoint_url,
                 "SageMaker endpoint (default: AWS_ENDPOINT_URL_SAGEMAKER, AWS_ENDPOINT_URL)");
  sub.add_flag("--debug", flags.debug, "Print the wire trace to stderr (secrets redacted)");
}

Result<std::unique_ptr<aws::JsonClient>> make_client(const AwsFlags& flags, Io& io,
                                                     std::shared_ptr<aws::HttpTransport> transport) {
  aws::SageMakerClientOptions o;
  o.transport = std::move(transport);
  o.region = flags.region;
  o.profile = flags.profile;
  o.endpoint_url = flags.endpoint_url;
  if (flags.debug) {
    // Calls may come from several threads (audit); keep trace blocks whole.
    auto mu = std::make_shared<std::mutex>();
    std::ostream* err = &io.err;
    o.trace = [mu, err](const std::string& block) {
      std::lock_guard<std::mutex> lock(*mu);
      *err << block;
      if (!block.empty() && block.back() != '\n') *err << '\n';
      err->flush();
    };
  }
  return aws::make_sagemaker_client(std::move(o));
}

}  // namespace sageguard::cli
