// libFuzzer target for the document path: parse_document on arbitrary bytes
// (labelled .json and .yaml), both readers directly on any valid UTF-8, and,
// when a document parses, resource extraction plus the whole rule engine with
// the built-in policy. Invariants checked beyond "no sanitizer report": errors
// name the file, and every recorded offset and finding location lies inside
// the document; a bundle read item by item, or through a small window from
// a file, reports what the whole parsed bundle reports.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <unistd.h>

#include <fstream>

#include "check/check_windowed.h"
#include "model/item_stream.h"
#include "sageguard/check.h"
#include "sageguard/document.h"
#include "sageguard/policy.h"
#include "sageguard/resource.h"
#include "util/utf8.h"

namespace {

using sageguard::Document;
using sageguard::Value;

// The readers cap nesting at ReadOptions::max_depth (512), so this recursion
// is bounded too.
void walk(const Document& doc, const Value& v) {
  if (v.offset() > doc.text().size()) __builtin_trap();
  const sageguard::LineCol lc = doc.locate(v.offset());
  if (lc.line == 0 || lc.column == 0) __builtin_trap();
  for (const auto& item : v.items()) walk(doc, item);
  for (const auto& [key, member] : v.members()) {
    if (member.key_off() > doc.text().size()) __builtin_trap();
    if (v.find(key) == nullptr) __builtin_trap();
    walk(doc, member);
  }
}

void check_error(const sageguard::Error& e, const std::string& path) {
  if (e.file != path) __builtin_trap();
  (void)e.describe();
}

void run_rules(const Document& doc, std::optional<sageguard::ResourceKind> kind) {
  auto extracted = sageguard::extract_resources(doc, kind);
  if (!extracted.ok()) {
    check_error(extracted.error(), doc.path());
    return;
  }
  for (const auto& r : extracted->resources) {
    if (r.root == nullptr) __builtin_trap();
  }
  sageguard::CheckOptions opts;
  opts.kind = kind;
  opts.today = "2025-06-01";  // fixed: waiver expiry must not depend on the clock
  sageguard::CheckResult out;
  sageguard::Status s =
      sageguard::check_document(doc, /*named=*/true, sageguard::default_policy(), opts, out);
  if (!s.ok()) {
    check_error(s.error(), doc.path());
    return;
  }
  const uint32_t lines = static_cast<uint32_t>(
      std::count(doc.text().begin(), doc.text().end(), '\n') + 1);
  for (const auto& f : out.findings) {
    if (f.file != doc.path()) __builtin_trap();
    if (f.line == 0 || f.line > lines || f.column == 0) __builtin_trap();
  }
}

std::string describe(const sageguard::CheckResult& out);

// Everything check reports for a document, as one string (or its error).
std::string outcome(const Document& doc, std::optional<sageguard::ResourceKind> kind) {
  sageguard::CheckOptions opts;
  opts.kind = kind;
  opts.today = "2025-06-01";
  sageguard::CheckResult out;
  sageguard::Status s =
      sageguard::check_document(doc, /*named=*/true, sageguard::default_policy(), opts, out);
  if (!s.ok()) return "error: " + s.error().describe();
  return describe(out);
}

std::string describe(const sageguard::CheckResult& out) {
  std::string all = std::to_string(out.summary.resources) + "\n";
  for (const auto& f : out.findings) {
    all += f.rule + " " + std::to_string(f.line) + ":" + std::to_string(f.column) + " " +
           f.resource.name + " " + f.path + " " + f.message + "\n";
  }
  return all;
}

// A bundle read item by item (what check_paths does with a JSON array)
// must report exactly what the whole parsed document reports.
void compare_deferred(const std::string& path, std::string_view input, size_t size) {
  auto deferred = sageguard::parse_document_deferred(path, std::string(input));
  auto whole = sageguard::parse_document(path, std::string(input));
  if (!deferred.ok()) {
    if (whole.ok() || whole.error().describe() != deferred.error().describe()) __builtin_trap();
    return;
  }
  if (!(*deferred)->deferred()) return;
  for (auto kind : {std::optional<sageguard::ResourceKind>(),
                    std::optional(static_cast<sageguard::ResourceKind>(size % 8))}) {
    const std::string a = outcome(**deferred, kind);
    const std::string b = whole.ok() ? outcome(**whole, kind) : "error: " + whole.error().describe();
    if (a != b) __builtin_trap();
  }
}

// check_file_windowed on the input written to a file, with windows small
// enough to cut it anywhere, whole and cut into 2-4 pieces (wherever cuts
// are guessed, right or wrong): when it takes the file, it must report what
// check_document reports for the file read whole (and that must succeed).
void compare_windowed(const std::string& ext, std::string_view input, size_t size) {
  const std::string path = "/tmp/sageguard-fuzz-" + std::to_string(getpid()) + ext;
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(input.data(), static_cast<std::streamsize>(input.size()));
  }
  sageguard::CheckOptions opts;
  opts.today = "2025-06-01";
  std::optional<std::string> reference;
  const std::pair<size_t, size_t> runs[] = {{16, 1}, {17 + size % 97, 1}, {16, 2 + size % 3}};
  for (const auto& [window, pieces] : runs) {
    const sageguard::JsonWindowItems::Options w{.window = window,
                                                .min_file_size = 0,
                                                .max_file_size = opts.read.max_file_size,
                                                .max_depth = opts.read.max_depth};
    auto r = sageguard::check_file_windowed(path, sageguard::default_policy(), opts, w, pieces);
    if (!r) continue;
    if (!reference) {
      auto doc = sageguard::load_document_deferred(path, opts.read);
      if (!doc.ok()) __builtin_trap();  // the window took a file the whole path refuses
      reference = outcome(**doc, std::nullopt);
    }
    if (describe(*r) != *reference) __builtin_trap();
  }
  unlink(path.c_str());
}

void parse_as(const std::string& path, std::string_view input, size_t size) {
  auto doc = sageguard::parse_document(path, std::string(input));
  if (!doc.ok()) {
    check_error(doc.error(), path);
    return;
  }
  const Document& d = **doc;
  if (d.text() != input) __builtin_trap();
  walk(d, d.root());
  run_rules(d, std::nullopt);
  // Forcing a kind runs every rule family over arbitrary objects.
  run_rules(d, static_cast<sageguard::ResourceKind>(size % 8));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  parse_as("fuzz.json", input, size);
  parse_as("fuzz.yaml", input, size);
  compare_deferred("fuzz.json", input, size);
  compare_deferred("fuzz.jsonl", input, size);
  compare_windowed(".json", input, size);
  compare_windowed(".jsonl", input, size);

  // parse_document picks one reader by content; call both directly so the
  // JSON reader sees YAML-looking text and the other way round. They require
  // valid UTF-8 (parse_document checks that first).
  if (sageguard::utf8_is_valid(input)) {
    const std::string path = "direct.txt";
    auto j = sageguard::parse_json(path, input, 64);
    if (!j.ok()) check_error(j.error(), path);
    auto y = sageguard::parse_yaml(path, input, 64);
    if (!y.ok()) check_error(y.error(), path);
  }
  return 0;
}
