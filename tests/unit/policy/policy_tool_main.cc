// sg_policy_tool: a small driver for the policy exports, used by
// tests/integration/test_policy_export.py until the CLI's `policy export`
// lands. Usage:
//   sg_policy_tool export iam|iam-split|scp|sdk-config POLICYFILE
//   sg_policy_tool show POLICYFILE | init
// Notes (what an export cannot express) go to stderr as "note: ...".
// SCP and split IAM documents are printed one per line (minified JSON).
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "sageguard/policy.h"
#include "sageguard/policy_export.h"

namespace {

int usage() {
  std::cerr << "usage: sg_policy_tool export iam|iam-split|scp|sdk-config POLICYFILE\n"
               "       sg_policy_tool show POLICYFILE\n"
               "       sg_policy_tool init\n";
  return 2;
}

int fail(const sageguard::Error& e) {
  std::cerr << "sg_policy_tool: error: " << e.describe() << "\n";
  return sageguard::exit_code_for(e);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 1 && args[0] == "init") {
    std::cout << sageguard::default_policy_yaml();
    return 0;
  }
  if (args.size() == 2 && args[0] == "show") {
    auto p = sageguard::load_policy_file(args[1]);
    if (!p.ok()) return fail(p.error());
    std::cout << sageguard::show_policy(*p);
    return 0;
  }
  if (args.size() != 3 || args[0] != "export") return usage();
  auto p = sageguard::load_policy_file(args[2]);
  if (!p.ok()) return fail(p.error());
  std::vector<std::string> notes;
  if (args[1] == "iam") {
    auto out = sageguard::export_iam(*p, &notes);
    if (!out.ok()) return fail(out.error());
    std::cout << *out;
  } else if (args[1] == "iam-split") {
    auto out = sageguard::export_iam_documents(*p, &notes);
    if (!out.ok()) return fail(out.error());
    for (const auto& doc : *out) std::cout << doc << "\n";
  } else if (args[1] == "scp") {
    auto out = sageguard::export_scp(*p, &notes);
    if (!out.ok()) return fail(out.error());
    for (const auto& doc : *out) std::cout << doc << "\n";
  } else if (args[1] == "sdk-config") {
    auto out = sageguard::export_sdk_config(*p, &notes);
    if (!out.ok()) return fail(out.error());
    std::cout << *out;
  } else {
    return usage();
  }
  for (const auto& n : notes) std::cerr << "note: " << n << "\n";
  return 0;
}
