// Writes docs/rules.md from the rule catalogue (src/policy/rule_catalog.cc):
//   cmake --build build --target rules_doc
// (or sg_gen_rules_doc FILE; without FILE it writes to stdout).
// tests/unit/report/rule_reference_test.cc fails while the two differ.
#include <fstream>
#include <iostream>

#include "report/rule_reference.h"

int main(int argc, char** argv) {
  const std::string doc = sageguard::report::rule_reference_markdown();
  if (argc < 2) {
    std::cout << doc;
    return std::cout.good() ? 0 : 1;
  }
  std::ofstream out(argv[1], std::ios::binary | std::ios::trunc);
  out << doc;
  out.close();
  if (!out) {
    std::cerr << "sg_gen_rules_doc: cannot write " << argv[1] << "\n";
    return 1;
  }
  return 0;
}
