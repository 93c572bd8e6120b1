// libFuzzer target for the HCL reader and Terraform extraction: arbitrary
// bytes read as `fuzz.tf` (through parse_document, which checks UTF-8 first)
// and, when they parse, extracted and checked with the built-in policy.
// Invariants beyond "no sanitizer report": errors name the file and point
// inside it; every offset in the tree and every finding lies inside the
// text; a literal attribute's value is never an unresolved expression.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sageguard/check.h"
#include "sageguard/document.h"
#include "sageguard/policy.h"
#include "sageguard/resource.h"

namespace {

using sageguard::Document;
using sageguard::Value;

// Nesting is capped by ReadOptions::max_depth, so this recursion is bounded.
void walk(const Document& doc, const Value& v) {
  if (v.offset() > doc.text().size()) __builtin_trap();
  for (const auto& item : v.items()) walk(doc, item);
  for (const auto& [key, member] : v.members()) {
    if (member.key_off() > doc.text().size()) __builtin_trap();
    walk(doc, member);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = "fuzz.tf";
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto doc = sageguard::parse_document(path, std::string(input));
  if (!doc.ok()) {
    const sageguard::Error& e = doc.error();
    if (e.file != path || e.line == 0 || e.column == 0) __builtin_trap();
    (void)e.describe();
    return 0;
  }
  const Document& d = **doc;
  walk(d, d.root());
  sageguard::CheckOptions opts;
  opts.today = "2025-06-01";
  sageguard::CheckResult out;
  sageguard::Status s = sageguard::check_document(d, /*named=*/false, sageguard::default_policy(), opts, out);
  if (!s.ok()) {
    if (s.error().file != path) __builtin_trap();
    return 0;
  }
  const auto lines = static_cast<uint32_t>(std::count(input.begin(), input.end(), '\n') + 1);
  for (const auto& f : out.findings) {
    if (f.line == 0 || f.line > lines || f.column == 0) __builtin_trap();
  }
  return 0;
}
