#include "report/rule_reference.h"

#include <fmt/format.h>

#include "sageguard/rule_catalog.h"

namespace sageguard::report {

namespace {

std::string or_none(std::string_view s, std::string_view none) {
  return s.empty() ? std::string(none) : fmt::format("`{}`", s);
}

// The anchor GitHub-style renderers give a "## id" heading: lower case,
// letters, digits, '-' and '_' kept, other punctuation dropped.
std::string anchor_of(std::string_view id) {
  std::string a;
  for (char c : id) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') a += c;
    if (c >= 'A' && c <= 'Z') a += static_cast<char>(c - 'A' + 'a');
  }
  return a;
}

}  // namespace

std::string rule_reference_markdown() {
  std::string out =
      "<!-- Generated from src/policy/rule_catalog.cc by tools/gen_rules_doc.cc:\n"
      "     cmake --build build --target rules_doc. Do not edit by hand. -->\n"
      "# Rules\n\n"
      "Every finding names one of these rule ids. A policy file sets a rule's\n"
      "severity under `rules:` (`error`, `warning`, `note` or `off`; see\n"
      "[policy.md](policy.md)); rules it does not list keep the default below.\n"
      "A rule that has nothing to look at in a kind of resource reports nothing\n"
      "for it. *Fixable* rules are repaired by `sageguard fix` when the policy\n"
      "supplies the value (for example `tags.defaults`, `vpc.subnets`,\n"
      "`kms.volume_key`); the others need a person.\n\n"
      "| rule | default | fixable | looks at |\n"
      "|---|---|---|---|\n";
  for (const RuleInfo& r : rule_catalog()) {
    out += fmt::format("| [`{}`](#{}) | {} | {} | {} |\n", r.id, anchor_of(r.id),
                       to_string(r.default_severity), r.fixable ? "yes" : "no", r.kinds);
  }
  for (const RuleInfo& r : rule_catalog()) {
    out += fmt::format("\n## {}\n\n{}\n\n", r.id, r.description);
    out += fmt::format("- **Default severity:** {}\n", to_string(r.default_severity));
    out += fmt::format("- **Looks at:** {}\n", r.kinds);
    out += fmt::format("- **Remediation:** {}\n", r.remediation);
    out += fmt::format("- **SageMaker Python SDK:** {}\n", or_none(r.sdk_parameter, "none"));
    out += fmt::format("- **IAM condition key:** {}\n",
                       or_none(r.iam_condition_key, "none (only sageguard enforces it)"));
    out += fmt::format("- **Fixable by `sageguard fix`:** {}\n", r.fixable ? "yes" : "no");
  }
  return out;
}

}  // namespace sageguard::report
