// check_paths over many inputs: one unreadable file does not hide the
// others' findings (it becomes an error and a parse.error finding at its
// place), and --kind refuses a document that is not of that kind (named) or
// skips it (found by walking), on every path a file can take: whole,
// item by item, and through the window in pieces.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <thread>

#include "check/check_windowed.h"
#include "sageguard/check.h"
#include "test_support.h"

namespace sageguard {
namespace {

std::string example(const std::string& rel) {
  return sgtest::read_file(sgtest::source_dir() + "/examples/" + rel);
}

Policy builtin() {
  auto p = parse_policy("p.yaml", "version: 1\n");
  EXPECT_TRUE(p.ok());
  return *p;
}

CheckOptions options(std::optional<ResourceKind> kind = std::nullopt) {
  CheckOptions o;
  o.today = "2026-11-27";
  o.kind = kind;
  return o;
}

// A bundle of the example training job, over the windowed threshold when
// `large`.
std::string training_bundle(bool large, const std::string& extra_item = "") {
  const std::string a = example("jobs/train-compliant.json");
  std::string text = "[\n" + a;
  const size_t want = large ? kWindowedFrom + kCheckWindow : 3 * a.size();
  while (text.size() < want) text += ",\n" + a;
  if (!extra_item.empty()) text += ",\n" + extra_item;
  return text + "\n]\n";
}

const char* kStepFunctions =
    R"({"Comment": "a state machine", "StartAt": "Train", "Version": "1.0",
        "States": {"Train": {"Type": "Task", "End": true,
          "Resource": "arn:aws:states:::sagemaker:createTrainingJob.sync"}}})";

std::vector<std::string> rules_in(const CheckResult& r, const std::string& file) {
  std::vector<std::string> out;
  for (const auto& f : r.findings) {
    if (f.file == file) out.push_back(f.rule);
  }
  return out;
}

TEST(CheckInputs, AnUnreadableFileDoesNotHideTheOthers) {
  sgtest::TempDir d;
  std::filesystem::create_directory(d / "jobs");
  sgtest::write_file(d / "jobs" / "a-spot.json", example("jobs/train-sdk-spot.json"));
  sgtest::write_file(d / "jobs" / "b-broken.json", "{\n  \"TrainingJobName\": \"x\",,\n}\n");
  sgtest::write_file(d / "jobs" / "c-big.json", training_bundle(true));
  // A large bundle with an error deep inside: the windowed path gives up and
  // the whole-file path reports it.
  std::string broken_big = training_bundle(true);
  broken_big.insert(broken_big.size() - 3, ", {\"x\": }");
  sgtest::write_file(d / "jobs" / "d-big-broken.json", broken_big);
  sgtest::write_file(d / "jobs" / "e-pipeline.json", example("pipelines/churn-pipeline.json"));
  const std::string missing = (d / "missing.json").string();

  auto r = check_paths({(d / "jobs").string(), missing}, builtin(), options());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->errors.size(), 3u);
  const std::string broken = (d / "jobs" / "b-broken.json").string();
  EXPECT_EQ(r->errors[0].file, broken);
  EXPECT_EQ(r->errors[0].line, 2u);
  EXPECT_EQ(r->errors[0].column, 26u);
  EXPECT_FALSE(r->errors[0].source_line.empty());
  EXPECT_EQ(r->errors[1].file, (d / "jobs" / "d-big-broken.json").string());
  EXPECT_GT(r->errors[1].line, 1000u);
  EXPECT_EQ(r->errors[2].file, missing);
  EXPECT_EQ(r->summary.unreadable, 3);
  EXPECT_EQ(r->summary.files, 3);

  // Every readable file's findings are there, and each unreadable file is a
  // parse.error finding at its place in input order.
  EXPECT_FALSE(rules_in(*r, (d / "jobs" / "a-spot.json").string()).empty());
  EXPECT_EQ(rules_in(*r, broken), std::vector<std::string>{"parse.error"});
  EXPECT_FALSE(rules_in(*r, (d / "jobs" / "e-pipeline.json").string()).empty());
  std::vector<std::string> order;
  for (const auto& f : r->findings) {
    if (f.file == (d / "jobs" / "c-big.json").string()) continue;  // compliant or not
    if (order.empty() || order.back() != f.file) order.push_back(f.file);
  }
  EXPECT_EQ(order, (std::vector<std::string>{(d / "jobs" / "a-spot.json").string(), broken,
                                              (d / "jobs" / "d-big-broken.json").string(),
                                              (d / "jobs" / "e-pipeline.json").string(),
                                              missing}));
  for (const auto& f : r->findings) {
    if (f.rule != "parse.error") continue;
    EXPECT_EQ(f.severity, Severity::error);
    EXPECT_EQ(f.resource.kind, "File");
    EXPECT_GE(f.line, 1u);
  }
  int errors = 0;
  for (const auto& f : r->findings) errors += f.severity == Severity::error;
  EXPECT_EQ(r->summary.error, errors);
}

TEST(CheckInputs, NamedDocumentNotOfTheForcedKindIsAnError) {
  sgtest::TempDir d;
  struct Case {
    std::string name, text;
    ResourceKind kind;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"foo.json", R"({"foo": 1})", ResourceKind::pipeline,
       "not what --kind pipeline says: it has none of the members a Pipelines definition has"},
      {"train.json", example("jobs/train-compliant.json"), ResourceKind::pipeline,
       "it looks like a TrainingJob (it has TrainingJobName)"},
      {"pipe.json", example("pipelines/churn-pipeline.json"), ResourceKind::training_job,
       "it looks like a SageMaker Pipelines definition"},
      {"list.json", "[1, 2]", ResourceKind::endpoint, "its first item: it is a scalar"},
      {"bundle.json", training_bundle(false), ResourceKind::pipeline,
       "its first item: it looks like a TrainingJob"},
      {"big-bundle.json", training_bundle(true), ResourceKind::pipeline,
       "its first item: it looks like a TrainingJob"},
      {"mixed.json", training_bundle(false, kStepFunctions), ResourceKind::training_job,
       "bundle item 3 is not what --kind training-job says: it looks like an AWS Step Functions"},
      {"big-mixed.json", training_bundle(true, kStepFunctions), ResourceKind::training_job,
       "is not what --kind training-job says: it looks like an AWS Step Functions"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    sgtest::write_file(d / c.name, c.text);
    auto r = check_paths({(d / c.name).string()}, builtin(), options(c.kind));
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->errors.size(), 1u);
    EXPECT_EQ(r->errors[0].code, ErrorCode::input);
    EXPECT_NE(r->errors[0].message.find(c.says), std::string::npos) << r->errors[0].message;
    EXPECT_EQ(r->summary.resources, 0);
  }
  // A state machine or template is read as one, whatever resource kind
  // --kind names: it keeps the resources of that kind (none here).
  for (const auto& [name, text] :
       {std::pair<const char*, std::string>{"sfn.json", kStepFunctions},
        {"cfn.yaml", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n"}}) {
    SCOPED_TRACE(name);
    sgtest::write_file(d / name, text);
    auto r = check_paths({(d / name).string()}, builtin(), options(ResourceKind::pipeline));
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->errors.empty());
    EXPECT_EQ(r->summary.files, 1);
    EXPECT_EQ(r->summary.resources, 0);
  }
}

TEST(CheckInputs, ForcedKindThatMatchesChangesNothing) {
  sgtest::TempDir d;
  // A request without its name is still a training job when --kind says so.
  sgtest::write_file(d / "noname.json", R"({"RoleArn": "arn:aws:iam::1:role/r"})");
  auto noname =
      check_paths({(d / "noname.json").string()}, builtin(), options(ResourceKind::training_job));
  ASSERT_TRUE(noname.ok());
  EXPECT_TRUE(noname->errors.empty());
  EXPECT_EQ(noname->summary.resources, 1);
  // A large training bundle under --kind training-job: same report, and
  // still through the window.
  sgtest::write_file(d / "big.json", training_bundle(true));
  const std::string big = (d / "big.json").string();
  const CheckOptions o = options(ResourceKind::training_job);
  const JsonWindowItems::Options w{.window = kCheckWindow,
                                   .min_file_size = kWindowedFrom,
                                   .max_file_size = o.read.max_file_size,
                                   .max_depth = o.read.max_depth};
  EXPECT_TRUE(check_file_windowed(big, builtin(), o, w));
  auto plain = check_paths({big}, builtin(), options());
  auto forced = check_paths({big}, builtin(), options(ResourceKind::training_job));
  ASSERT_TRUE(plain.ok() && forced.ok());
  EXPECT_TRUE(forced->errors.empty());
  EXPECT_EQ(forced->findings.size(), plain->findings.size());
  EXPECT_EQ(forced->summary.resources, plain->summary.resources);
}

TEST(CheckInputs, WalkSkipsDocumentsNotOfTheForcedKindAndSaysWhy) {
  sgtest::TempDir d;
  std::filesystem::create_directory(d / "in");
  sgtest::write_file(d / "in" / "a-pipeline.json", example("pipelines/churn-pipeline.json"));
  sgtest::write_file(d / "in" / "b-train.json", example("jobs/train-compliant.json"));
  sgtest::write_file(d / "in" / "c-k8s.json", R"({"apiVersion": "v1", "kind": "Pod"})");
  sgtest::write_file(d / "in" / "d-bundle.json", training_bundle(true));
  auto r = check_paths({(d / "in").string()}, builtin(), options(ResourceKind::pipeline));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->errors.empty());
  EXPECT_EQ(r->summary.skipped, 3);
  ASSERT_EQ(r->skipped.size(), 3u);
  EXPECT_EQ(r->skipped[0].file, (d / "in" / "b-train.json").string());
  EXPECT_FALSE(r->skipped[0].not_sagemaker);
  EXPECT_NE(r->skipped[0].reason.find("looks like a TrainingJob"), std::string::npos);
  EXPECT_EQ(r->skipped[1].file, (d / "in" / "c-k8s.json").string());
  EXPECT_TRUE(r->skipped[1].not_sagemaker);
  EXPECT_NE(r->skipped[1].reason.find("Kubernetes"), std::string::npos);
  EXPECT_EQ(r->skipped[2].file, (d / "in" / "d-bundle.json").string());
  EXPECT_FALSE(r->skipped[2].not_sagemaker);
  EXPECT_GT(r->summary.resources, 0);  // the pipeline's steps
  // Without --kind the foreign file is "not a SageMaker document".
  auto plain = check_paths({(d / "in").string()}, builtin(), options());
  ASSERT_TRUE(plain.ok());
  ASSERT_EQ(plain->skipped.size(), 1u);
  EXPECT_EQ(plain->skipped[0].reason, "not a SageMaker document");
  EXPECT_TRUE(plain->skipped[0].not_sagemaker);
}

TEST(CheckInputs, NamedFifoIsReadOnceAsAStream) {
  sgtest::TempDir d;
  const std::string fifo = (d / "job.json").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string text = example("jobs/train-sdk-spot.json");
  std::thread writer([&] {
    FILE* f = std::fopen(fifo.c_str(), "w");
    if (f == nullptr) return;
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  });
  auto r = check_paths({fifo}, builtin(), options());
  writer.join();
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->errors.empty()) << (r->errors.empty() ? "" : r->errors[0].describe());
  EXPECT_EQ(r->summary.resources, 1);
  EXPECT_FALSE(rules_in(*r, fifo).empty());
}

}  // namespace
}  // namespace sageguard
