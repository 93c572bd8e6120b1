#include "cli/aws_options.h"

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <fstream>
#include <ostream>

namespace sageguard::cli {

namespace {

// A code typed at the terminal. Never read from a pipe or file: a script
// must pass --mfa-code, so it cannot hang or consume its own input.
Result<std::string> ask_terminal(const std::string& serial) {
  if (::isatty(STDIN_FILENO) != 1) {
    return Error::make(ErrorCode::usage, "an MFA code is needed for " + serial +
                                           ": pass --mfa-code (standard input is not a terminal)");
  }
  std::ofstream prompt("/dev/tty");
  std::ifstream answer("/dev/tty");
  if (!prompt || !answer) {
    return Error::make(ErrorCode::usage, "an MFA code is needed for " + serial + ": pass --mfa-code");
  }
  prompt << "Enter MFA code for " << serial << ": " << std::flush;
  std::string code;
  std::getline(answer, code);
  if (code.empty()) return Error::make(ErrorCode::aws, "no MFA code entered for " + serial);
  return code;
}

aws::MfaCodeSource mfa_source(const std::string& flag) {
  // A code is valid once: a later refresh would need a new one.
  auto used = std::make_shared<bool>(false);
  return [flag, used](const std::string& serial) -> Result<std::string> {
    if (flag.empty()) return ask_terminal(serial);
    if (*used) {
      return Error::make(ErrorCode::aws, "the role session from --mfa-code needs a new MFA code for " +
                                             serial + "; run the command again with a fresh code");
    }
    *used = true;
    return flag;
  };
}

}  // namespace

void add_mfa_flag(CLI::App& sub, std::string& mfa_code) {
  sub.add_option("--mfa-code", mfa_code,
                 "Current code of the MFA device a profile's mfa_serial names (default: asked "
                 "on the terminal)");
}

void add_aws_flags(CLI::App& sub, AwsFlags& flags) {
  sub.add_option("--region", flags.region, "AWS region (default: AWS_REGION, profile)");
  sub.add_option("--profile", flags.profile, "Shared config/credentials profile");
  sub.add_option("--endpoint-url", flags.endpoint_url,
                 "SageMaker endpoint (default: AWS_ENDPOINT_URL_SAGEMAKER, AWS_ENDPOINT_URL)");
  add_mfa_flag(sub, flags.mfa_code);
  sub.add_flag("--debug", flags.debug, "Print the wire trace to stderr (secrets redacted)");
}

aws::TraceSink debug_trace(bool debug, Io& io) {
  if (!debug) return {};
  // Calls may come from several threads (audit); keep trace blocks whole.
  auto mu = std::make_shared<std::mutex>();
  std::ostream* err = &io.err;
  return [mu, err](const std::string& block) {
    std::lock_guard<std::mutex> lock(*mu);
    *err << block;
    if (!block.empty() && block.back() != '\n') *err << '\n';
    err->flush();
  };
}

aws::TraceSink shared_trace(const AwsFlags& flags, Io& io) {
  std::lock_guard<std::mutex> lock(flags.credentials->mu);
  if (!flags.credentials->trace_made) {
    flags.credentials->trace = debug_trace(flags.debug, io);
    flags.credentials->trace_made = true;
  }
  return flags.credentials->trace;
}

std::shared_ptr<aws::CredentialsProvider> credentials_for(const AwsFlags& flags, Io& io) {
  aws::TraceSink trace = shared_trace(flags, io);
  std::lock_guard<std::mutex> lock(flags.credentials->mu);
  if (!flags.credentials->provider) {
    aws::ChainOptions chain;
    chain.profile = flags.profile;
    chain.region = flags.region;
    chain.trace = std::move(trace);
    chain.mfa_code = mfa_source(flags.mfa_code);
    flags.credentials->provider = aws::make_default_credentials_chain(std::move(chain));
  }
  return flags.credentials->provider;
}

Result<std::unique_ptr<aws::JsonClient>> make_client(const AwsFlags& flags, Io& io,
                                                     std::shared_ptr<aws::HttpTransport> transport) {
  aws::SageMakerClientOptions o;
  o.transport = std::move(transport);
  o.region = flags.region;
  o.profile = flags.profile;
  o.endpoint_url = flags.endpoint_url;
  o.trace = shared_trace(flags, io);
  o.credentials = credentials_for(flags, io);
  return aws::make_sagemaker_client(std::move(o));
}

}  // namespace sageguard::cli
