// The shared AWS files: ~/.aws/credentials (sections [NAME]) and ~/.aws/config
// (sections [profile NAME], and [default]), honouring AWS_SHARED_CREDENTIALS_FILE
// and AWS_CONFIG_FILE. Plain values after loading; thread-safe to share
// read-only.
#pragma once

#include <map>
#include <string>

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

// Region: explicit, AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`.
// Error (ErrorCode::aws) when none is set.
Result<std::string> resolve_region(const Env& env, const std::string& explicit_region,
                                   const std::string& explicit_profile);

}  // namespace sageguard::aws
