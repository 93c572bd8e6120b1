// `policy export --format iam|scp`: the Deny statements wrapped as one IAM
// policy, or packed into as few documents as AWS's size limits allow
// (managed IAM policies, service control policies).
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "policy/iam_statements.h"
#include "sageguard/policy_export.h"

namespace sageguard {
namespace {

using Json = nlohmann::ordered_json;

// Organizations allows five SCPs per account or OU (one is usually the
// default FullAWSAccess); IAM attaches ten managed policies to a role by
// default. Needing more means the policy is too big for that target.
constexpr size_t kMaxScpDocuments = 5;
constexpr size_t kMaxManagedPolicies = 10;

Json document(std::vector<Json> statements) {
  Json doc;
  doc["Version"] = "2012-10-17";
  doc["Statement"] = std::move(statements);
  return doc;
}

size_t non_whitespace(const std::string& s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return !std::isspace(static_cast<unsigned char>(c)); }));
}

Result<std::vector<Json>> statements_or_error(const Policy& policy,
                                              std::vector<std::string>* unexpressible) {
  std::vector<Json> st = policy_internal::deny_statements(policy, unexpressible);
  if (st.empty()) {
    Error e = Error::make(ErrorCode::policy,
                          "the policy has no rule at severity error that IAM can enforce; "
                          "there is nothing to export");
    e.file = policy.source;
    return e;
  }
  return st;
}

// Pack statements in order into minified documents of at most `limit`
// characters each (minified JSON keeps only the spaces inside strings, so
// its length bounds both AWS's counts, with and without whitespace).
Result<std::vector<std::string>> pack(const std::vector<Json>& st, size_t limit, size_t max_docs,
                                      std::string_view what) {
  std::vector<std::string> docs;
  std::vector<Json> current;
  std::string current_text;
  for (const auto& s : st) {
    std::vector<Json> candidate = current;
    candidate.push_back(s);
    std::string text = document(candidate).dump();
    if (text.size() > limit && !current.empty()) {
      docs.push_back(std::move(current_text));
      candidate = {s};
      text = document(candidate).dump();
    }
    if (text.size() > limit) {
      return Error::make(ErrorCode::policy,
                         fmt::format("statement {} alone is {} characters, over the {} limit of "
                                     "{}; shorten its allow-list",
                                     s["Sid"].get<std::string>(), text.size(), what, limit));
    }
    current = std::move(candidate);
    current_text = std::move(text);
  }
  if (!current.empty()) docs.push_back(std::move(current_text));
  if (docs.size() > max_docs) {
    return Error::make(ErrorCode::policy,
                       fmt::format("the policy needs {} {} documents of at most {} characters; "
                                   "AWS allows {} per target",
                                   docs.size(), what, limit, max_docs));
  }
  return docs;
}

}  // namespace

Result<std::string> export_iam(const Policy& policy, std::vector<std::string>* unexpressible) {
  SG_ASSIGN_OR_RETURN(std::vector<Json> st, statements_or_error(policy, unexpressible));
  std::string out = document(std::move(st)).dump(2) + "\n";
  const size_t size = non_whitespace(out);
  if (size > kIamManagedPolicyMaxChars && unexpressible != nullptr) {
    unexpressible->push_back(fmt::format(
        "size: the policy has {} characters without whitespace, over the {} limit of a managed "
        "policy; attach it inline to a role (limit 10240) or split it with "
        "export_iam_documents",
        size, kIamManagedPolicyMaxChars));
  }
  return out;
}

Result<std::vector<std::string>> export_iam_documents(const Policy& policy,
                                                      std::vector<std::string>* unexpressible) {
  SG_ASSIGN_OR_RETURN(std::vector<Json> st, statements_or_error(policy, unexpressible));
  return pack(st, kIamManagedPolicyMaxChars, kMaxManagedPolicies, "managed IAM policy");
}

Result<std::vector<std::string>> export_scp(const Policy& policy,
                                            std::vector<std::string>* unexpressible) {
  SG_ASSIGN_OR_RETURN(std::vector<Json> st, statements_or_error(policy, unexpressible));
  return pack(st, kScpMaxChars, kMaxScpDocuments, "SCP");
}

}  // namespace sageguard
