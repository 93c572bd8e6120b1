// The shared AWS files: ~/.aws/credentials (sections [NAME]) and ~/.aws/config
// (sections [profile NAME], and [default]), honouring AWS_SHARED_CREDENTIALS_FILE
// and AWS_CONFIG_FILE. Plain values after loading; thread-safe to share
// read-only.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "sageguard/aws/env.h"
#include "sageguard/result.h"

namespace sageguard::aws {

using ProfileSettings = std::map<std::string, std::string>;

// INI text -> section name -> key -> value. In config files "[profile x]"
// becomes "x"; nested sub-sections (indented lines) are skipped. With
// `section_prefix` "sso-session ", a config file's "[sso-session x]"
// sections are read instead (and [default] is not).
std::map<std::string, ProfileSettings> parse_profile_file(const std::string& text,
                                                          bool is_config_file,
                                                          const std::string& section_prefix = "profile ");

struct SharedConfig {
  std::map<std::string, ProfileSettings> credentials;  // credentials file
  std::map<std::string, ProfileSettings> config;       // config file
  std::map<std::string, ProfileSettings> sso_sessions;  // config file [sso-session NAME]
  // Settings of one profile: the credentials file wins over the config file.
  ProfileSettings profile(const std::string& name) const;
  bool has_profile(const std::string& name) const;
};

// Reads both files (a missing file is empty, an unreadable one an error).
Result<SharedConfig> load_shared_config(const Env& env);

// --profile, else AWS_PROFILE, else "default".
std::string resolve_profile_name(const Env& env, const std::string& explicit_profile);

// A region name as the AWS SDKs accept one (botocore's validate_region_name):
// 1 to 63 letters, digits and hyphens, neither starting nor ending with a
// hyphen, not all digits. The region becomes part of the endpoint's host
// name, so a '.', ':', '/' or '#' in it could send signed requests elsewhere.
bool is_valid_region_name(std::string_view region);
// An Error (ErrorCode::usage, exit 2) naming `source` ("--region",
// "AWS_REGION", ...) when `region` is not a valid name.
Status check_region_name(std::string_view region, std::string_view source);

// The configured region: explicit, AWS_REGION, AWS_DEFAULT_REGION, the
// profile's `region`; nullopt when none is set. Every value is validated
// where it is found (ErrorCode::usage when invalid).
Result<std::optional<std::string>> configured_region(const Env& env,
                                                     const std::string& explicit_region,
                                                     const std::string& explicit_profile);

// configured_region, with no region being an Error too (ErrorCode::usage:
// missing configuration is exit 2, not an AWS failure).
Result<std::string> resolve_region(const Env& env, const std::string& explicit_region,
                                   const std::string& explicit_profile);

}  // namespace sageguard::aws
