// check_paths reads a bundle file item by item (Document::deferred()), and a
// large one through a window (check_file_windowed); these tests hold both to
// what check_document reports for the same bundle parsed whole: the same
// findings (rule, location, resource, pointer, message), in the same order,
// the same waived findings and counts, and the same errors. The window is
// tried at sizes that cut the text everywhere: inside strings, escapes,
// multi-byte characters, CRLF pairs and numbers.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "check/check_windowed.h"
#include "sageguard/check.h"
#include "test_support.h"
#include "thread_refusal.h"

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

Outcome outcome_of(const CheckResult& r) {
  Outcome out;
  for (const auto& f : r.findings) out.findings.push_back(describe(f));
  for (const auto& w : r.waived) out.waived.push_back(describe(w.finding) + " | " + w.reason);
  expect_counts_match(r);
  out.files = r.summary.files;
  out.resources = r.summary.resources;
  return out;
}

// Options with a fixed date, so waiver expiry does not depend on the day.
CheckOptions dated_options() {
  CheckOptions o;
  o.today = "2026-11-27";
  o.threads = 0;  // as the CLI runs: one per usable CPU (the library's default is 1)
  return o;
}

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
  return outcome_of(r);
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
  // An unreadable file is an error of its own (and a parse.error finding).
  if (!r->errors.empty()) {
    EXPECT_EQ(r->errors.size(), 1u);
    EXPECT_EQ(r->summary.unreadable, 1);
    out.error = r->errors.front().describe();
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

// What check_file_windowed reports with a window of `window` bytes, the
// file cut into up to `pieces` pieces; nullopt when it leaves the file to
// the whole-file path.
std::optional<Outcome> windowed(const std::string& path, const Policy& policy,
                                const CheckOptions& o, size_t window, size_t pieces = 1,
                                PieceStats* stats = nullptr) {
  const JsonWindowItems::Options w{.window = window,
                                   .min_file_size = 0,
                                   .max_file_size = o.read.max_file_size,
                                   .max_depth = o.read.max_depth};
  auto r = check_file_windowed(path, policy, o, w, pieces, stats);
  if (!r) return std::nullopt;
  return outcome_of(*r);
}

// Window sizes from tiny (every item crosses several) to larger than the
// test files.
const size_t kWindows[] = {16, 61, 257, 1000, 4096, size_t{1} << 20};

enum class Window { taken, left };

// `window`: whether the windowed reader must take the file (a readable
// bundle) or leave it to the whole-file path (input errors, not a bundle).
void expect_same(const std::string& name, const std::string& text, const Policy& policy,
                 Window window = Window::taken) {
  SCOPED_TRACE(name);
  sgtest::TempDir dir;
  const std::string path = (dir / name).string();
  sgtest::write_file(path, text);
  CheckOptions o = dated_options();
  const Outcome a = streamed(path, policy, o);
  const Outcome b = whole(path, policy, o);
  EXPECT_EQ(a.error, b.error);
  EXPECT_EQ(a.findings, b.findings);
  EXPECT_EQ(a.waived, b.waived);
  if (b.error.empty()) {
    EXPECT_EQ(a.files, b.files);
    EXPECT_EQ(a.resources, b.resources);
  }
  // Each window size, and the file cut into up to 2, 3 and 7 pieces.
  for (size_t size : kWindows) {
    for (size_t pieces : {1, 2, 3, 7}) {
      SCOPED_TRACE("window " + std::to_string(size) + ", pieces " + std::to_string(pieces));
      const auto w = windowed(path, policy, o, size, pieces);
      EXPECT_EQ(w.has_value(), window == Window::taken);
      if (!w) continue;
      EXPECT_EQ(b.error, "");
      EXPECT_EQ(w->findings, b.findings);
      EXPECT_EQ(w->waived, b.waived);
      EXPECT_EQ(w->files, b.files);
      EXPECT_EQ(w->resources, b.resources);
    }
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

// The two example jobs, alternating, one per line after "[", until the
// text has `size` bytes; then the first one closes the array.
std::string large_bundle(size_t size) {
  const std::string a = example("jobs/train-compliant.json");
  const std::string b = example("jobs/train-sdk-spot.json");
  std::string text = "[\n";
  while (text.size() < size) text += a + ",\n" + b + ",\n";
  return text + a + "\n]\n";
}

// The window check_paths reads a large file through.
JsonWindowItems::Options real_window(const CheckOptions& o) {
  return {.window = kCheckWindow,
          .min_file_size = kWindowedFrom,
          .max_file_size = o.read.max_file_size,
          .max_depth = o.read.max_depth};
}

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
  // Pretty-printed as json.dump(indent=2) would: items indented, so a
  // piece starts two blanks before its first item.
  auto indented = [](const std::string& item) {
    std::string out = "  ";
    for (char ch : item) {
      out += ch;
      if (ch == '\n') out += "  ";
    }
    return out;
  };
  const std::string pretty = "[\n" + indented(a) + ",\n" + indented(b) + ",\n" + indented(c) +
                             ",\n" + indented(a) + ",\n" + indented(b) + "\n]\n";
  expect_same("pretty.json", pretty, policy_from(kPolicy));
  sgtest::write_file(dir / "p.json", pretty);
  {
    PieceStats stats;
    CheckOptions o = dated_options();
    ASSERT_TRUE(windowed((dir / "p.json").string(), policy_from(kPolicy), o, 257, 3, &stats));
    EXPECT_GE(stats.used, 2u);
  }
  // Cut in three, the pieces are really used (items begin at line starts
  // after "},"): the comparisons above covered the hand-over.
  PieceStats stats;
  CheckOptions o = dated_options();
  ASSERT_TRUE(windowed((dir / "b.json").string(), policy_from(kPolicy), o, 257, 3, &stats));
  EXPECT_GE(stats.cuts, 1u);  // two shares may find the same next item
  EXPECT_EQ(stats.used, stats.cuts + 1);
}

TEST(CheckBundle, WrongCutsWasteWorkButNotTheResult) {
  // Items whose tag lists put an object at the start of a line after a
  // ',' line, as items do: most cuts are guessed inside an item. The piece
  // before such a cut reads past it; the result is the same.
  std::string item = R"({"TrainingJobName": "job-N", "RoleArn": "arn:aws:iam::111122223333:role/r",)";
  item += "\n\"Tags\": [\n";
  for (int t = 0; t < 40; ++t) item += R"({"Key": "k)" + std::to_string(t) + R"(", "Value": "v"},)" + "\n";
  item += R"({"Key": "Project", "Value": "p"}]})";
  std::string text = "[\n";
  for (int i = 0; i < 12; ++i) {
    std::string one = item;
    one.replace(one.find("job-N"), 5, "job-" + std::to_string(i));
    text += one + (i < 11 ? ",\n" : "\n]\n");
  }
  sgtest::TempDir dir;
  const std::string path = (dir / "tags.json").string();
  sgtest::write_file(path, text);
  const Policy policy = policy_from(kPolicy);
  CheckOptions o = dated_options();
  const Outcome x = whole(path, policy, o);
  ASSERT_EQ(x.error, "");
  EXPECT_EQ(x.resources, 12);
  size_t wasted = 0;
  for (size_t pieces : {2, 3, 5, 9}) {
    SCOPED_TRACE(pieces);
    PieceStats stats;
    const auto w = windowed(path, policy, o, 4096, pieces, &stats);
    ASSERT_TRUE(w.has_value());
    EXPECT_EQ(w->findings, x.findings);
    EXPECT_EQ(w->waived, x.waived);
    EXPECT_EQ(w->resources, x.resources);
    EXPECT_EQ(stats.cuts, pieces - 1);
    wasted += stats.cuts + 1 - stats.used;
  }
  EXPECT_GT(wasted, 0u);
}

TEST(CheckBundle, CheckPathsCutsLargeBundlesForItsThreads) {
  // check_paths gives a single file all its threads (and two files half
  // each); any number of them gives the same report.
  sgtest::TempDir dir;
  const std::string path = (dir / "large.json").string();
  sgtest::write_file(path, large_bundle(kWindowedFrom + kCheckWindow));
  const Policy policy = policy_from(kPolicy);
  std::vector<Outcome> outcomes;
  for (size_t threads : {1, 2, 4}) {
    CheckOptions o = dated_options();
    o.threads = threads;
    outcomes.push_back(streamed(path, policy, o));
  }
  EXPECT_EQ(outcomes[0].error, "");
  EXPECT_GT(outcomes[0].findings.size(), 1000u);
  for (size_t i = 1; i < outcomes.size(); ++i) {
    EXPECT_EQ(outcomes[i].findings, outcomes[0].findings);
    EXPECT_EQ(outcomes[i].waived, outcomes[0].waived);
    EXPECT_EQ(outcomes[i].files, 1);
    EXPECT_EQ(outcomes[i].resources, outcomes[0].resources);
  }
  // Two files: the same findings, each file's after the other's.
  const std::string copy = (dir / "copy.json").string();
  std::filesystem::copy_file(path, copy);
  std::vector<std::vector<std::string>> both;
  for (size_t threads : {1, 4}) {
    CheckOptions o = dated_options();
    o.threads = threads;
    auto r = check_paths({path, copy}, policy, o);
    ASSERT_TRUE(r.ok());
    both.emplace_back();
    for (const auto& f : r->findings) both.back().push_back(f.file + ":" + describe(f));
  }
  EXPECT_EQ(both[0].size(), 2 * outcomes[0].findings.size() + 1);  // + the expired waiver
  EXPECT_EQ(both[1], both[0]);
  // And the file really is cut, and every piece used.
  PieceStats stats;
  CheckOptions o = dated_options();
  ASSERT_TRUE(check_file_windowed(path, policy, o, real_window(o), 4, &stats).has_value());
  EXPECT_EQ(stats.cuts, 3u);
  EXPECT_EQ(stats.used, 4u);
}

TEST(CheckBundle, PiecesAndFilesRunOnTheThreadsThereAre) {
  // When a thread cannot be created (a process or memory limit), its piece,
  // or its files, are checked on the threads there are: same report, every
  // piece still used.
  sgtest::TempDir dir;
  const std::string path = (dir / "large.json").string();
  sgtest::write_file(path, large_bundle(kWindowedFrom + kCheckWindow));
  const std::string copy = (dir / "copy.json").string();
  std::filesystem::copy_file(path, copy);
  const Policy policy = policy_from(kPolicy);
  CheckOptions o = dated_options();
  const auto reference = check_file_windowed(path, policy, o, real_window(o), 4);
  ASSERT_TRUE(reference.has_value());
  const Outcome want = outcome_of(*reference);
  EXPECT_GT(want.findings.size(), 1000u);
  // No thread at all, then one of the three a 4-piece check asks for.
  for (size_t allowed : {0, 1}) {
    SCOPED_TRACE("threads allowed: " + std::to_string(allowed));
    PieceStats stats;
    std::optional<CheckResult> r;
    {
      sgtest::RefuseThreads refuse(allowed);
      r = check_file_windowed(path, policy, o, real_window(o), 4, &stats);
      EXPECT_EQ(refuse.refused(), 1u);  // it stops asking after the first refusal
    }
    ASSERT_TRUE(r.has_value());
    const Outcome got = outcome_of(*r);
    EXPECT_EQ(got.findings, want.findings);
    EXPECT_EQ(got.waived, want.waived);
    EXPECT_EQ(got.resources, want.resources);
    EXPECT_EQ(stats.cuts, 3u);
    EXPECT_EQ(stats.used, 4u);
  }
  // check_paths with two files and four threads, none of which can start:
  // the calling thread checks both files, in order.
  o.threads = 4;
  auto all = check_paths({path, copy}, policy, o);
  ASSERT_TRUE(all.ok());
  Result<CheckResult> alone = Error::make(ErrorCode::input, "not run");
  {
    sgtest::RefuseThreads refuse(0);
    alone = check_paths({path, copy}, policy, o);
    EXPECT_GE(refuse.refused(), 1u);
  }
  ASSERT_TRUE(alone.ok()) << alone.error().describe();
  EXPECT_EQ(outcome_of(*alone).findings, outcome_of(*all).findings);
  EXPECT_EQ(alone->summary.files, 2);
}

// The tags.propagation findings among a check's, in order.
std::vector<std::string> propagation_of(const Outcome& o) {
  std::vector<std::string> out;
  for (const auto& f : o.findings) {
    if (f.starts_with("tags.propagation ")) out.push_back(f);
  }
  return out;
}

TEST(CheckBundle, PropagationIsRelatedAfterTheLastItem) {
  // Training job, model, endpoint config and endpoint: tags.propagation
  // relates them, yet every path reads the bundle once, item by item, and
  // lists each resource's propagation findings after its own findings,
  // exactly as the whole document does.
  const std::string text = example("deploy/fraud-endpoint.json");
  const Policy policy = policy_from("version: 1\n");
  expect_same("deploy.json", text, policy);
  sgtest::TempDir dir;
  sgtest::write_file((dir / "deploy.json").string(), text);
  CheckOptions o = dated_options();
  const Outcome x = whole((dir / "deploy.json").string(), policy, o);
  ASSERT_EQ(propagation_of(x).size(), 4u);  // the endpoint lacks four of the job's tags

  // Derived resources before their source, a tag value that differs (a
  // finding at the value, not at Tags), items written one per line.
  nlohmann::json items = nlohmann::json::parse(text);
  items[1]["Tags"][0]["Value"] = "fraud-2";
  std::string reversed = "[";
  for (size_t i = items.size(); i-- > 0;) {
    reversed += items[i].dump(2) + (i > 0 ? ",\n" : "]\n");
  }
  expect_same("reversed.json", reversed, policy);
  sgtest::write_file((dir / "reversed.json").string(), reversed);
  const Outcome r = whole((dir / "reversed.json").string(), policy, o);
  ASSERT_EQ(propagation_of(r).size(), 5u);  // the endpoint's four, then the model's
  EXPECT_NE(propagation_of(r)[4].find("'fraud-2' here"), std::string::npos) << propagation_of(r)[4];

  // JSON lines, and a waiver that accepts the endpoint's propagation findings.
  std::string lines;
  for (const auto& item : items) lines += item.dump() + "\n";
  const Policy waived = policy_from(
      "version: 1\nwaivers:\n  - rule: tags.propagation\n    resource: \"fraud-detector\"\n"
      "    reason: tagged later\n    expires: 2027-01-31\n");
  expect_same("deploy.jsonl", lines, waived);
  sgtest::write_file((dir / "deploy.jsonl").string(), lines);
  const Outcome w = whole((dir / "deploy.jsonl").string(), waived, o);
  EXPECT_EQ(w.waived.size(), 4u);

  // With propagation findings present (a model without the job's tags) and
  // with the rule off.
  std::string mixed = "[" + example("jobs/train-compliant.json") + "," +
                      R"({"ModelName": "m", "PrimaryContainer": {"Image": "i", "ModelDataUrl": "s3://x/m.tar.gz"}}, )" +
                      items_of(text) + "]";
  expect_same("mixed.json", mixed, policy);
  expect_same("mixed-off.json", mixed, policy_from("version: 1\nrules:\n  tags.propagation: off\n"));
}

TEST(CheckBundle, PropagationAcrossPiecesOfALargeBundle) {
  // A large bundle of training jobs with the deployment items at both ends:
  // the endpoint in the last piece inherits from the job in the first, and
  // the pieces' facts are related once, after the last piece.
  std::string deploy;  // written as the jobs are, so cuts are guessed in the same way
  for (const auto& item : nlohmann::json::parse(example("deploy/fraud-endpoint.json"))) {
    deploy += (deploy.empty() ? "" : ",\n") + item.dump(2);
  }
  const std::string body = large_bundle(kWindowedFrom + kCheckWindow);
  const std::string text = "[\n" + deploy + ",\n" + body.substr(2, body.size() - 5) + ",\n" +
                           deploy + "\n]\n";
  sgtest::TempDir dir;
  const std::string path = (dir / "large.json").string();
  sgtest::write_file(path, text);
  const Policy policy = policy_from(kPolicy);
  CheckOptions o = dated_options();
  const Outcome x = whole(path, policy, o);
  ASSERT_EQ(x.error, "");
  EXPECT_EQ(propagation_of(x).size(), 8u);
  PieceStats stats;
  const auto w = check_file_windowed(path, policy, o, real_window(o), 4, &stats);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(stats.used, 4u);
  const Outcome got = outcome_of(*w);
  EXPECT_EQ(got.findings, x.findings);
  EXPECT_EQ(got.waived, x.waived);
  EXPECT_EQ(got.resources, x.resources);
}

TEST(CheckBundle, ErrorsMatchWholeDocument) {
  const std::string a = example("jobs/train-compliant.json");
  const Policy policy = policy_from("version: 1\n");
  // An unrecognised item, and after it a syntax error: the syntax error wins
  // (the whole document is read before anything is recognised).
  expect_same("e1.json", "[" + a + ", {\"x\": 1}, " + a + "]", policy, Window::left);
  expect_same("e2.json", "[" + a + ", {\"x\": 1}, " + a + ", {\"y\": }]", policy, Window::left);
  expect_same("e3.json", "[" + a + ", " + a + "] trailing", policy, Window::left);
  expect_same("e4.json", "[" + a + ", 42]", policy, Window::left);
  expect_same("e5.json", "[" + a.substr(0, a.size() / 2), policy, Window::left);
  expect_same("e6.json", "[]", policy);
  std::string dup = a;
  dup.insert(dup.find('{') + 1, "\"RoleArn\": \"x\", ");
  expect_same("e7.json", "[" + a + ", " + dup + "]", policy, Window::left);
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
  expect_same("bad.jsonl", text + "{\"TrainingJobName\": 1} {}\n", policy_from(kPolicy),
              Window::left);
}

TEST(CheckBundle, WindowedOneLineAndMultibyteBundlesMatchWholeDocument) {
  const Policy policy = policy_from(kPolicy);
  auto one_line = [](std::string s) {
    std::string out;
    for (char c : s) {
      if (c != '\n' && c != '\r') out += c;
    }
    return out;
  };
  const std::string a = one_line(example("jobs/train-compliant.json"));
  const std::string b = one_line(example("jobs/train-sdk-spot.json"));
  // Two- three- and four-byte characters before and inside findings'
  // values, escapes, and one string longer than most windows (the window
  // grows to hold its item).
  const std::string odd =
      R"({"TrainingJobName": "jöb-日本-🚀", "RoleArn": "r\u00e9", "HyperParameters": {"x": ")" +
      std::string(3000, 'v') + R"("}, "Tags": [{"Key": "Projéct 🚀", "Value": "\ud83d\ude80"}]})";
  // The whole bundle on one line: columns then count from a line that
  // started windows ago.
  const std::string line = "[" + a + "," + odd + "," + b + "," + odd + "," + a + "]";
  expect_same("one-line.json", line, policy);
  {
    // Cut inside the line (items open with the same first key): columns
    // on the pieces' first line were moved, and the comparisons above
    // covered that.
    sgtest::TempDir dir;
    sgtest::write_file(dir / "l.json", line);
    CheckOptions o = dated_options();
    PieceStats stats;
    ASSERT_TRUE(windowed((dir / "l.json").string(), policy, o, 257, 3, &stats));
    EXPECT_GE(stats.used, 2u);
  }
  expect_same("one-line-bom.json", "\xEF\xBB\xBF  \r\n" + line + " \r\n\n", policy);
  // Pretty-printed, CRLF throughout.
  std::string crlf;
  for (char c : "[\n" + example("jobs/train-sdk-spot.json") + ",\n" + odd + "\n]\n") {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  expect_same("crlf.json", crlf, policy);
  expect_same("lines.jsonl", odd + "\n\n" + a + "\r\n" + odd, policy);
}

TEST(CheckBundle, WindowedLeavesInvalidUtf8ToTheWholeFilePath) {
  const Policy policy = policy_from("version: 1\n");
  const std::string a = example("jobs/train-compliant.json");
  // A bad byte early, late, in a string, and a sequence cut by the end of
  // the file: the whole-file path reports each (invalid UTF-8 wins over
  // everything else), so the windowed reader must not report findings.
  expect_same("u1.json", "[" + a + ", {\"TrainingJobName\": \"x\xff\"}]", policy, Window::left);
  expect_same("u2.json", "[\xC3\x28" + a + "]", policy, Window::left);
  expect_same("u3.json", "[" + a + "]\xE6\x97", policy, Window::left);
  expect_same("u4.json", "[" + a + ", " + a + ", {\"x\": 1} \xED\xA0\x80]", policy,
              Window::left);
  // Not a bundle at all: an object, YAML, nothing.
  expect_same("o.json", a, policy, Window::left);
}

TEST(CheckBundle, LargeBundleGoesThroughTheWindowAndMatchesWholeDocument) {
  // Over kWindowedFrom, so check_paths itself takes the windowed path with
  // its real window (two refills at least).
  const std::string text = large_bundle(kWindowedFrom + 2 * kCheckWindow);
  sgtest::TempDir dir;
  const std::string path = (dir / "large.json").string();
  sgtest::write_file(path, text);
  const Policy policy = policy_from(kPolicy);
  CheckOptions o = dated_options();
  ASSERT_TRUE(check_file_windowed(path, policy, o, real_window(o)).has_value());
  const Outcome s = streamed(path, policy, o);
  const Outcome x = whole(path, policy, o);
  EXPECT_EQ(s.error, "");
  EXPECT_EQ(s.findings, x.findings);
  EXPECT_EQ(s.waived, x.waived);
  EXPECT_EQ(s.resources, x.resources);
  EXPECT_GT(x.findings.size(), 1000u);
  // A file just under the threshold is left to the whole-file path.
  JsonWindowItems::Options high = real_window(o);
  high.min_file_size = text.size() + 1;
  EXPECT_FALSE(check_file_windowed(path, policy, o, high).has_value());
  // And one over --max-file-size: the whole-file path refuses it.
  CheckOptions small = o;
  small.read.max_file_size = text.size() - 1;
  const Outcome refused = streamed(path, policy, small);
  EXPECT_NE(refused.error.find("over the limit"), std::string::npos) << refused.error;
}

}  // namespace
}  // namespace sageguard
