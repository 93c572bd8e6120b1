// Rendering requests/responses for --debug with secrets removed. Redaction is
// layered: sensitive headers by name, secret-looking JSON members by name,
// and finally every known secret value wherever it still appears.
#include "sageguard/aws/wire_trace.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

#include <nlohmann/json.hpp>

#include "util/json_depth.h"

namespace sageguard::aws {

namespace {

constexpr const char* kRedacted = "<redacted>";

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool sensitive_header(const std::string& name) {
  static constexpr std::array<std::string_view, 7> kNames = {
      "authorization", "x-amz-security-token", "x-aws-ec2-metadata-token", "cookie",
      "set-cookie", "proxy-authorization", "x-amz-sso_bearer_token"};
  std::string l = lower(name);
  return std::find(kNames.begin(), kNames.end(), l) != kNames.end();
}

bool sensitive_member(const std::string& name) {
  static constexpr std::array<std::string_view, 7> kNames = {
      "secretaccesskey", "sessiontoken", "token", "secretkey", "password",
      "aws_secret_access_key", "aws_session_token"};
  std::string l = lower(name);
  return std::find(kNames.begin(), kNames.end(), l) != kNames.end();
}

void redact_json(nlohmann::json& j) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (sensitive_member(it.key())) {
        it.value() = kRedacted;
      } else {
        redact_json(it.value());
      }
    }
  } else if (j.is_array()) {
    for (auto& e : j) redact_json(e);
  }
}

// STS (Query protocol) answers carry credentials in XML elements and its
// requests carry the web identity token and MFA code as form fields.
constexpr std::array<std::string_view, 5> kSecretFields = {
    "SecretAccessKey", "SessionToken", "WebIdentityToken", "TokenCode", "SAMLAssertion"};

std::string redact_xml_elements(std::string body) {
  for (std::string_view name : kSecretFields) {
    const std::string open = "<" + std::string(name) + ">";
    const std::string close = "</" + std::string(name) + ">";
    for (auto pos = body.find(open); pos != std::string::npos; pos = body.find(open, pos)) {
      const auto start = pos + open.size();
      const auto end = body.find(close, start);
      // An unclosed element: hide everything after it rather than risk a leak.
      body.replace(start, end == std::string::npos ? std::string::npos : end - start, kRedacted);
      pos = start + std::char_traits<char>::length(kRedacted);
    }
  }
  return body;
}

std::string redact_form_fields(const std::string& body) {
  std::string out;
  size_t pos = 0;
  while (pos <= body.size()) {
    size_t amp = body.find('&', pos);
    if (amp == std::string::npos) amp = body.size();
    std::string_view field(body.data() + pos, amp - pos);
    const auto eq = field.find('=');
    const std::string_view key = field.substr(0, eq);
    if (!out.empty() || pos > 0) out += '&';
    if (eq != std::string_view::npos &&
        std::find(kSecretFields.begin(), kSecretFields.end(), key) != kSecretFields.end()) {
      out += std::string(key) + "=" + kRedacted;
    } else {
      out += field;
    }
    pos = amp + 1;
  }
  return out;
}

std::string render_body(const std::string& body) {
  if (body.empty()) return body;
  // redact_json and dump recurse once per level: a hostile answer nested
  // thousands deep would overflow the stack. Such a body is not shown at
  // all (shown raw, a secret under a sensitive member name would escape).
  if (json_nesting_exceeds(body)) {
    return "<" + std::to_string(body.size()) + " bytes not shown: JSON nested deeper than " +
           std::to_string(kMaxJsonDepth) + " levels>\n";
  }
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded()) {
    const auto first = body.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && body[first] == '<') return redact_xml_elements(body);
    if (body.starts_with("Action=") || body.find("&Action=") != std::string::npos) {
      return redact_form_fields(body);
    }
    return body;
  }
  redact_json(j);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void render_headers(std::string& out, const HeaderList& headers, const char* prefix) {
  for (const auto& [k, v] : headers) {
    out += prefix;
    out += k + ": " + (sensitive_header(k) ? std::string(kRedacted) : v) + "\n";
  }
}

}  // namespace

std::string redact_secrets(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& s : secrets) {
    if (s.empty()) continue;
    for (auto pos = text.find(s); pos != std::string::npos; pos = text.find(s, pos)) {
      text.replace(pos, s.size(), kRedacted);
      pos += std::char_traits<char>::length(kRedacted);
    }
  }
  return text;
}

std::string format_request_trace(const HttpRequest& request, const std::vector<std::string>& secrets) {
  std::string out = "> " + request.method + " " + request.url + "\n";
  render_headers(out, request.headers, "> ");
  out += ">\n";
  out += render_body(request.body);
  return redact_secrets(std::move(out), secrets);
}

std::string format_response_trace(const HttpResponse& response, const std::vector<std::string>& secrets) {
  std::string out = "< HTTP " + std::to_string(response.status) + "\n";
  render_headers(out, response.headers, "< ");
  out += "<\n";
  out += render_body(response.body);
  return redact_secrets(std::move(out), secrets);
}

}  // namespace sageguard::aws
