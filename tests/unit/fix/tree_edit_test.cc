// fix_checked_tree (operations applied to the parsed tree) against
// fix_checked (operations written into the text, parsed again, verified):
// the same changes, the same fixed request, the same remaining findings,
// over every request in the repository's examples and tests, each also
// with one top-level member left out at a time, under several policies.
// And edit_tree's refusals, which send the caller back to the text edit.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "fix/tree_edit.h"
#include "fix_test_util.h"
#include "sageguard/check.h"
#include "test_support.h"

namespace sageguard::fix {
namespace {

namespace fs = std::filesystem;

// Compact JSON for a Value (numbers as the parse read them), so a YAML
// request or a trimmed one becomes a JSON request, as the Python gate's.
std::string to_json(const Value& v) {
  switch (v.type()) {
    case ValueType::null: return "null";
    case ValueType::boolean: return v.as_bool() ? "true" : "false";
    case ValueType::number:
      if (v.is_integral()) return std::to_string(static_cast<int64_t>(v.as_number()));
      return nlohmann::json(v.as_number()).dump();
    case ValueType::string: return nlohmann::json(std::string(v.as_string())).dump();
    case ValueType::array: {
      std::string out = "[";
      for (size_t i = 0; i < v.items().size(); ++i) {
        if (i) out += ',';
        out += to_json(v.items()[i]);
      }
      return out + "]";
    }
    case ValueType::object: {
      std::string out = "{";
      bool first = true;
      for (const auto& m : v.members()) {
        if (!first) out += ',';
        first = false;
        out += nlohmann::json(std::string(m.first)).dump() + ":" + to_json(m.second);
      }
      return out + "}";
    }
  }
  return "null";
}

// Same type and content, members in the same order.
bool same_tree(const Value& a, const Value& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case ValueType::null: return true;
    case ValueType::boolean: return a.as_bool() == b.as_bool();
    case ValueType::number:
      return a.as_number() == b.as_number() && a.is_integral() == b.is_integral();
    case ValueType::string: return a.as_string() == b.as_string();
    case ValueType::array:
      if (a.items().size() != b.items().size()) return false;
      for (size_t i = 0; i < a.items().size(); ++i) {
        if (!same_tree(a.items()[i], b.items()[i])) return false;
      }
      return true;
    case ValueType::object:
      if (a.members().size() != b.members().size()) return false;
      for (size_t i = 0; i < a.members().size(); ++i) {
        if (a.members()[i].first != b.members()[i].first ||
            !same_tree(a.members()[i].second, b.members()[i].second)) {
          return false;
        }
      }
      return true;
  }
  return false;
}

std::string describe(const std::vector<FixChange>& cs) {
  std::string out;
  for (const auto& c : cs) {
    out += fmt::format("{}:{} {} {} {} {}\n", c.file, c.line, c.rule, c.resource.name, c.path,
                       c.what);
  }
  return out;
}

// What a caller of the in-memory fix sees of a finding (the Python gate's
// Finding): no line or column, which for a value fix added is where it was
// added, not where the edited text would have it.
std::string describe(const CheckResult& r) {
  std::string out;
  for (const auto& f : r.findings) {
    out += fmt::format("{} {} {} {}/{} {} {} {}\n", f.rule, to_string(f.severity), f.file,
                       f.resource.kind, f.resource.name, f.path, f.message, f.fixable);
  }
  return out + fmt::format("waived {}", r.waived.size());
}

// A budget estimator that depends on what fix edits (spot on, its max wait):
// remaining budget findings then depend on the edited values.
std::optional<CostEstimate> estimate(const Resource& r) {
  const Value* rc = r.root->find("ResourceConfig");
  const Value* count = rc ? rc->find("InstanceCount") : nullptr;
  const Value* stop = r.root->find("StoppingCondition");
  const Value* run = stop ? stop->find("MaxRuntimeInSeconds") : nullptr;
  const Value* wait = stop ? stop->find("MaxWaitTimeInSeconds") : nullptr;
  const Value* spot = r.root->find("EnableManagedSpotTraining");
  if (!count || !run) return std::nullopt;
  double hours = (wait && spot && spot->is_true() ? wait->as_number() : run->as_number()) / 3600;
  CostEstimate e;
  e.worst_case_usd = count->as_number() * hours * (spot && spot->is_true() ? 1.0 : 3.0);
  e.basis = fmt::format("{} x {} h", count->as_number(), hours);
  return e;
}

struct Totals {
  int cases = 0;      // (document, policy) pairs fix ran on
  int tree_edits = 0;  // of which the tree path edited the tree
  int fallbacks = 0;   // of which it edited text (a JSON request never should)
};

void compare(const std::string& label, const std::string& text, const Policy& policy,
             bool budget, Totals& totals) {
  auto parsed = parse_document(label, text);
  if (!parsed.ok()) return;
  const std::shared_ptr<const Document> doc = *parsed;
  if (doc->deferred()) return;
  FixOptions opts;
  opts.today = "2026-11-27";
  if (budget) opts.estimator = estimate;
  CheckOptions co;
  co.today = opts.today;
  co.estimator = opts.estimator;
  CheckResult before;
  if (!check_document(*doc, true, policy, co, before).ok()) return;
  auto text_path = fix_checked(doc, before, policy, opts);
  auto tree_path = fix_checked_tree(doc, before, policy, opts);
  SCOPED_TRACE(label);
  ASSERT_EQ(text_path.ok(), tree_path.ok())
      << (text_path.ok() ? tree_path.error().describe() : text_path.error().describe());
  if (!text_path.ok()) {
    EXPECT_EQ(text_path.error().describe(), tree_path.error().describe());
    return;
  }
  ++totals.cases;
  const FixOutcome& a = *text_path;
  const FixOutcome& b = *tree_path;
  EXPECT_EQ(describe(a.changes), describe(b.changes));
  EXPECT_EQ(describe(a.not_applied), describe(b.not_applied));
  EXPECT_EQ(describe(a.withheld), describe(b.withheld));
  ASSERT_TRUE(a.fixed_document && b.fixed_document);
  EXPECT_TRUE(same_tree(a.fixed_document->root(), b.fixed_document->root()))
      << "text edit:\n" << to_json(a.fixed_document->root()) << "\ntree edit:\n"
      << to_json(b.fixed_document->root());
  EXPECT_EQ(describe(a.remaining), describe(b.remaining));
  const bool changed = a.fixed != a.original;
  EXPECT_EQ(changed, b.fixed_document != doc);
  if (changed && b.fixed.empty()) ++totals.tree_edits;
  if (changed && !b.fixed.empty()) {
    // The text edit, taken where the tree cannot stand for it: YAML, and
    // Step Functions parameters (read into a translated tree). Never for
    // one JSON request, which is what the Python gate sends (YAML requests
    // are compared as JSON too, by requests_of).
    ++totals.fallbacks;
    EXPECT_EQ(a.fixed, b.fixed);
    auto ex = extract_resources(*doc, std::nullopt, std::nullopt);
    const bool one_request = ex.ok() && ex->resources.size() == 1 &&
                             ex->resources[0].root == &doc->root();
    EXPECT_FALSE(doc->format() == SourceFormat::json && one_request)
        << "a JSON request fell back to the text edit";
  }
}

std::vector<std::string> requests_of(const fs::path& p) {
  std::vector<std::string> out;
  const std::string text = sgtest::read_file(p);
  out.push_back(text);
  auto doc = parse_document(p.string(), text);
  if (!doc.ok() || (*doc)->deferred() || !(*doc)->root().is_object()) return out;
  const Value& root = (*doc)->root();
  out.push_back(to_json(root));  // a YAML request as JSON; JSON compacted
  // Each top-level member left out: fix then has other things to add.
  for (size_t skip = 0; skip < root.members().size(); ++skip) {
    std::string trimmed = "{";
    bool first = true;
    for (size_t i = 0; i < root.members().size(); ++i) {
      if (i == skip) continue;
      if (!first) trimmed += ',';
      first = false;
      trimmed += nlohmann::json(std::string(root.members()[i].first)).dump() + ":" +
                 to_json(root.members()[i].second);
    }
    out.push_back(trimmed + "}");
  }
  return out;
}

TEST(TreeEditTest, SameOutcomeAsTextEditOverTheRepositorysRequests) {
  const fs::path src = sgtest::source_dir();
  std::vector<fs::path> files;
  for (const char* dir : {"examples", "tests"}) {
    for (auto it = fs::recursive_directory_iterator(src / dir);
         it != fs::recursive_directory_iterator(); ++it) {
      if (it->is_directory() && (it->path().filename() == "node_modules" ||
                                 it->path().filename() == "aws-sigv4-suite")) {
        it.disable_recursion_pending();
        continue;
      }
      const std::string ext = it->path().extension().string();
      if (it->is_regular_file() && (ext == ".json" || ext == ".yaml" || ext == ".yml")) {
        files.push_back(it->path());
      }
    }
  }
  std::sort(files.begin(), files.end());
  ASSERT_GT(files.size(), 40u);

  std::vector<std::pair<Policy, bool>> policies;
  policies.emplace_back(sgtest::full_policy(), false);
  policies.emplace_back(sgtest::policy_from(std::string(sgtest::kFullPolicy) +
                                            "limits:\n  max_job_cost_usd: 5\n"),
                        true);
  // Without subnets_reach_s3 (VPC withheld) and with waivers and rules off.
  policies.emplace_back(sgtest::policy_from(R"(version: 1
rules:
  encryption.inter-container: off
  kms.output: note
tags:
  required: [Team]
  defaults: {Team: ml}
vpc:
  subnets: [subnet-1]
  security_groups: [sg-1]
kms:
  volume_key: alias/vol
spot:
  checkpoint_s3_prefix: s3://ck
  max_wait_factor: 1.5
waivers:
  - rule: network.isolation
    resource: "*"
    reason: tested
    expires: 2099-01-01
)"),
                        false);
  for (const char* p : {"examples/sageguard.yaml", "tests/unit/rules/fixtures/policy.yaml"}) {
    auto loaded = load_policy_file((src / p).string());
    ASSERT_TRUE(loaded.ok()) << p;
    policies.emplace_back(*loaded, false);
  }

  Totals totals;
  for (const auto& f : files) {
    const auto requests = requests_of(f);
    for (size_t i = 0; i < requests.size(); ++i) {
      for (const auto& [policy, budget] : policies) {
        compare(fmt::format("{} #{}", fs::relative(f, src).string(), i), requests[i], policy,
                budget, totals);
        if (HasFatalFailure()) return;
      }
    }
  }
  // Enough cases that fix edited to mean something.
  EXPECT_GT(totals.cases, 500);
  EXPECT_GT(totals.tree_edits, 300);
  std::cout << totals.cases << " cases, " << totals.tree_edits << " tree edits, "
            << totals.fallbacks << " text edits (YAML, Step Functions)\n";
}

// The parsed request and the operations' targets in it.
struct Edited {
  std::shared_ptr<const Document> doc;
  const Value& root() const { return doc->root(); }
};

Edited parsed(const std::string& json) {
  auto d = parse_document("in.json", json);
  EXPECT_TRUE(d.ok());
  return Edited{*d};
}

TEST(TreeEditTest, SharesUntouchedValuesAndCopiesOnlyEditedPaths) {
  const Edited e = parsed(
      R"({"A":{"B":[1,2.5,"x"]},"C":{"D":"","E":true},"F":[{"Key":"k","Value":"v"}]})");
  OpList ops;
  ops.replaces.push_back(ReplaceOp{e.root().find("C")->find("D"), NewValue::of_string("set")});
  ops.inserts.push_back(InsertOp{e.root().find("C"), "G", NewValue::of_int(7)});
  ops.appends.push_back(AppendOp{e.root().find("F"), {NewValue::tag("Team", "ml")}});
  auto tree = edit_tree(e.root(), ops, 512);
  ASSERT_TRUE(tree);
  const Value& r = tree->root();
  EXPECT_EQ(to_json(r),
            R"({"A":{"B":[1,2.5,"x"]},"C":{"D":"set","E":true,"G":7},)"
            R"("F":[{"Key":"k","Value":"v"},{"Key":"Team","Value":"ml"}]})");
  // "A" was not on an edited path: its members are the original's memory.
  EXPECT_EQ(r.find("A")->members().data(), e.root().find("A")->members().data());
  EXPECT_EQ(r.find("F")->items()[0].members().data(),
            e.root().find("F")->items()[0].members().data());
  // Edited containers are copies; the original is as it was.
  EXPECT_NE(r.find("C")->members().data(), e.root().find("C")->members().data());
  EXPECT_EQ(to_json(e.root()),
            R"({"A":{"B":[1,2.5,"x"]},"C":{"D":"","E":true},"F":[{"Key":"k","Value":"v"}]})");
}

TEST(TreeEditTest, RemovesMembersKeepingOrder) {
  const Edited e = parsed(R"({"S":{"MaxRuntimeInSeconds":60,"MaxWaitTimeInSeconds":30,"Z":1}})");
  OpList ops;
  ops.removes.push_back(RemoveOp{e.root().find("S"), 1});
  auto tree = edit_tree(e.root(), ops, 512);
  ASSERT_TRUE(tree);
  EXPECT_EQ(to_json(tree->root()), R"({"S":{"MaxRuntimeInSeconds":60,"Z":1}})");
}

TEST(TreeEditTest, RefusesWhatTheTextEditWouldReadDifferently) {
  const Edited e = parsed(R"({"A":{"B":1},"T":[]})");
  const auto refused = [&](OpList ops) { return !edit_tree(e.root(), ops, 512).has_value(); };
  OpList dup;  // the parse of the edited text would refuse a duplicate key
  dup.inserts.push_back(InsertOp{e.root().find("A"), "B", NewValue::of_int(2)});
  EXPECT_TRUE(refused(dup));
  OpList big;  // a double cannot hold it; the text would keep every digit
  big.inserts.push_back(InsertOp{e.root().find("A"), "N", NewValue::of_int(int64_t{1} << 53)});
  EXPECT_TRUE(refused(big));
  OpList bad_utf8;  // the editor would write U+FFFD for the bad byte
  bad_utf8.appends.push_back(AppendOp{e.root().find("T"), {NewValue::of_string("a\xff")}});
  EXPECT_TRUE(refused(bad_utf8));
  const Edited other = parsed(R"({"A":{"B":1}})");
  OpList elsewhere;  // a node of another tree (a translated one)
  elsewhere.inserts.push_back(InsertOp{other.root().find("A"), "C", NewValue::of_bool(true)});
  EXPECT_TRUE(refused(elsewhere));
  OpList deep;
  NewValue nested = NewValue::object();
  nested.add("X", NewValue::object());
  deep.inserts.push_back(InsertOp{e.root().find("A"), "C", nested});
  EXPECT_TRUE(edit_tree(e.root(), deep, 512).has_value());
  EXPECT_FALSE(edit_tree(e.root(), deep, 3).has_value());
  OpList fine;
  fine.inserts.push_back(
      InsertOp{e.root().find("A"), "N", NewValue::of_int((int64_t{1} << 53) - 1)});
  EXPECT_FALSE(refused(fine));
}

}  // namespace
}  // namespace sageguard::fix
