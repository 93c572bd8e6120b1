// check_paths reads a bundle file item by item (Document::deferred()); these
// tests hold it to what check_document reports for the same bundle parsed
// whole: the same findings (rule, location, resource, pointer, message), in
// the same order, the same waived findings and counts, and the same errors.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sageguard/check.h"
#include "test_support.h"

namespace sageguard {
namespace {

std::string example(const std::string& rel) {
  return sgtest::read_file(sgtest::source_dir() + "/examples/" + rel);
}

// Strips the outer brackets of a JSON array file, leaving its items.
std::string items_of(const std::string& array_text) {
  const size_t open = array_text.find('[');
  const size_t close = array_text.rfind(']');
  return array_text.substr(open + 1, close - open - 1);
}

Policy policy_from(const std::string& yaml) {
  auto p = parse_policy("p.yaml", yaml);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().describe());
  return p.ok() ? std::move(p).value() : Policy{};
}

std::string describe(const Finding& f) {
  return f.rule + " " + to_string(f.severity) + " " + f.file + ":" + std::to_string(f.line) +
         ":" + std::to_string(f.column) + " " + f.resource.kind + "/" + f.resource.name + " " +
         f.path + " " + f.message;
}

// The summary's severity counts must be those of the findings listed.
void expect_counts_match(const CheckResult& r) {
  int error = 0, warning = 0, note = 0;
  for (const auto& f : r.findings) {
    error += f.severity == Severity::error;
    warning += f.severity == Severity::warning;
    note += f.severity == Severity::note;
  }
  EXPECT_EQ(r.summary.error, error);
  EXPECT_EQ(r.summary.warning, warning);
  EXPECT_EQ(r.summary.note, note);
}

struct Outcome {
  std::vector<std::string> findings, waived;
  int files = 0, resources = 0;
  std::string error;  // describe() of the error, empty if none
};

// The reference: the whole file parsed, then check_document.
Outcome whole(const std::string& path, const Policy& policy, const CheckOptions& o) {
  Outcome out;
  auto doc = load_document(path, o.read);
  if (!doc.ok()) {
    out.error = doc.error().describe();
    return out;
  }
  CheckResult r;
  Status s = check_document(**doc, true, policy, o, r);
  if (!s.ok()) {
    out.error = s.error().describe();
    return out;
  }
  for (const auto& f : r.findings) out.findings.push_back(describe(f));
  for (const auto& w : r.waived) out.waived.push_back(describe(w.finding) + " | " + w.reason);
  expect_counts_match(r);
  out.files = r.summary.files;
  out.resources = r.summary.resources;
  return out;
}

// What check_paths (item by item) reports, without the policy-level
// findings (expired waivers) that whole() does not produce.
Outcome streamed(const std::string& path, const Policy& policy, const CheckOptions& o) {
  Outcome out;
  auto r = check_paths({path}, policy, o);
  if (!r.ok()) {
    out.error = r.error().describe();
    return out;
  }
  bool seen_file = false;
  for (const auto& f : r->findings) {
    if (f.file == path) {
      out.findings.push_back(describe(f));
      seen_file = true;
    } else {
      EXPECT_FALSE(seen_file) << "policy-level findings come before the file's: " << describe(f);
    }
  }
  expect_counts_match(*r);
  for (const auto& w : r->waived) out.waived.push_back(describe(w.finding) + " | " + w.reason);
  out.files = r->summary.files;
  out.resources = r->summary.resources;
  return out;
}

void expect_same(const std::string& name, const std::string& text, const Policy& policy) {
  sgtest::TempDir dir;
  const std::string path = (dir / name).string();
  sgtest::write_file(path, text);
  CheckOptions o;
  o.today = "2026-11-27";
  const Outcome a = streamed(path, policy, o);
  const Outcome b = whole(path, policy, o);
  EXPECT_EQ(a.error, b.error);
  EXPECT_EQ(a.findings, b.findings);
  EXPECT_EQ(a.waived, b.waived);
  if (b.error.empty()) {
    EXPECT_EQ(a.files, b.files);
    EXPECT_EQ(a.resources, b.resources);
  }
}

const std::string kPolicy =
    "version: 1\n"
    "tags:\n  required: [Project, Cost Center]\n"
    "waivers:\n"
    "  - rule: tags.required\n    resource: \"churn-*\"\n    reason: legacy\n"
    "    expires: 2027-01-31\n"
    // Expired: a policy-level finding that check_paths lists and counts.
    "  - rule: vpc.required\n    resource: \"old-*\"\n    reason: gone\n"
    "    expires: 2025-01-01\n";

TEST(CheckBundle, TrainingBundleMatchesWholeDocument) {
  const std::string a = example("jobs/train-compliant.json");
  const std::string b = example("jobs/train-sdk-spot.json");
  const std::string c = example("jobs/processing-features.json");
  // CRLF in one item, non-ASCII text before findings (columns count code
  // points), items on one line and across lines.
  std::string crlf;
  for (char ch : b) {
    if (ch == '\n') crlf += '\r';
    crlf += ch;
  }
  std::string text = "[\n" + a + ",\n" + crlf + ", " + c + ",\n";
  text += R"(  {"TrainingJobName": "ünïcode-job", "RoleArn": "r", "Tags": [{"Key": "Projéct", "Value": "x"}]})";
  text += ",\n" + b + "\n]\n";
  for (const std::string& p : {std::string("version: 1\n"), kPolicy}) {
    SCOPED_TRACE(p);
    const Policy policy = policy_from(p);
    expect_same("bundle.json", text, policy);
  }
  // And the outcome is not trivially empty.
  sgtest::TempDir dir;
  sgtest::write_file(dir / "b.json", text);
  auto r = check_paths({(dir / "b.json").string()}, policy_from(kPolicy), {});
  ASSERT_TRUE(r.ok());
  EXPECT_GT(r->findings.size(), 3u);
  EXPECT_EQ(r->summary.resources, 5);
}

TEST(CheckBundle, PropagationBundleIsCheckedWhole) {
  // Training job, model, endpoint config and endpoint: tags.propagation
  // needs all of them at once.
  const std::string text = example("deploy/fraud-endpoint.json");
  expect_same("deploy.json", text, policy_from("version: 1\n"));
  // With propagation findings present (a model without the job's tags).
  std::string mixed = "[" + example("jobs/train-compliant.json") + "," +
                      R"({"ModelName": "m", "PrimaryContainer": {"Image": "i", "ModelDataUrl": "s3://x/m.tar.gz"}}, )" +
                      items_of(text) + "]";
  expect_same("mixed.json", mixed, policy_from("version: 1\n"));
  // With propagation off, the same bundle is read item by item.
  expect_same("mixed-off.json", mixed, policy_from("version: 1\nrules:\n  tags.propagation: off\n"));
}

TEST(CheckBundle, ErrorsMatchWholeDocument) {
  const std::string a = example("jobs/train-compliant.json");
  const Policy policy = policy_from("version: 1\n");
  // An unrecognised item, and after it a syntax error: the syntax error wins
  // (the whole document is read before anything is recognised).
  expect_same("e1.json", "[" + a + ", {\"x\": 1}, " + a + "]", policy);
  expect_same("e2.json", "[" + a + ", {\"x\": 1}, " + a + ", {\"y\": }]", policy);
  expect_same("e3.json", "[" + a + ", " + a + "] trailing", policy);
  expect_same("e4.json", "[" + a + ", 42]", policy);
  expect_same("e5.json", "[" + a.substr(0, a.size() / 2), policy);
  expect_same("e6.json", "[]", policy);
  std::string dup = a;
  dup.insert(dup.find('{') + 1, "\"RoleArn\": \"x\", ");
  expect_same("e7.json", "[" + a + ", " + dup + "]", policy);
}

TEST(CheckBundle, JsonLinesMatchWholeDocument) {
  // What `audit --save` writes: one request per line.
  std::string a = example("jobs/train-compliant.json");
  std::string b = example("jobs/train-sdk-spot.json");
  auto one_line = [](std::string s) {
    for (char& c : s) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    return s;
  };
  const std::string text = one_line(a) + "\n" + one_line(b) + "\n\n" + one_line(a) + "\n";
  expect_same("saved.jsonl", text, policy_from(kPolicy));
  expect_same("bad.jsonl", text + "{\"TrainingJobName\": 1} {}\n", policy_from(kPolicy));
}

}  // namespace
}  // namespace sageguard
