// SHA-1 of a string as lower-case hex. Only for naming the IAM Identity
// Center token cache file as the AWS CLI does (sha1 of the session name or
// start URL); never for anything that needs collision resistance. Pure.
#pragma once

#include <string>
#include <string_view>

namespace sageguard::aws {

std::string sha1_hex(std::string_view data);

}  // namespace sageguard::aws
