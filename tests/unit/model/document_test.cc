// Document readers: values keep exact locations; bad input is an Error with
// FILE:LINE:COL, never a crash.
#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <set>

#include "sageguard/document.h"
#include "sageguard/resource.h"

namespace sageguard {
namespace {

std::shared_ptr<const Document> parse_ok(const std::string& text, const std::string& path = "t") {
  auto r = parse_document(path, text);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().describe());
  return r.ok() ? *r : nullptr;
}

Error parse_err(const std::string& text, const std::string& path = "in.json") {
  auto r = parse_document(path, text);
  EXPECT_FALSE(r.ok());
  return r.ok() ? Error{} : r.error();
}

LineCol where(const Document& d, const Value& v) { return d.locate(v.offset()); }

TEST(JsonReader, LocationsOfValuesAndKeys) {
  auto d = parse_ok("{\n  \"a\": 1,\n  \"b\": [true, \"x\"],\n  \"c\": {\"d\": null}\n}\n");
  const Value& root = d->root();
  ASSERT_TRUE(root.is_object());
  const Value* b = root.find("b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(where(*d, *b).line, 3u);
  EXPECT_EQ(where(*d, *b).column, 8u);
  EXPECT_EQ(where(*d, b->items()[1]).column, 15u);
  EXPECT_EQ(d->locate(b->key_off()).column, 3u);
  const Value* dd = root.find("c")->find("d");
  EXPECT_TRUE(dd->is_null());
  EXPECT_EQ(where(*d, *dd).line, 4u);
  EXPECT_EQ(where(*d, *dd).column, 14u);
}

TEST(JsonReader, ColumnsCountCodePoints) {
  auto d = parse_ok("{\"k\u00e9\": \"\u00fc\u00fc\", \"z\": 1}");
  const Value* z = d->root().find("z");
  // {"ké": "üü", "z": 1} -> the 1 is the 19th character.
  EXPECT_EQ(where(*d, *z).column, 19u);
}

TEST(JsonReader, StringsAndNumbers) {
  auto d = parse_ok(R"({"s": "a\"b\\c\u00e9\ud83d\ude00\n", "i": -12, "f": 1.5e3, "z": 0})");
  EXPECT_EQ(d->root().find("s")->as_string(), "a\"b\\c\xC3\xA9\xF0\x9F\x98\x80\n");
  EXPECT_TRUE(d->root().find("i")->is_integral());
  EXPECT_EQ(d->root().find("i")->as_number(), -12);
  EXPECT_FALSE(d->root().find("f")->is_integral());
  EXPECT_EQ(d->root().find("f")->as_number(), 1500);
}

struct BadCase {
  const char* text;
  uint32_t line, column;
  const char* message_part;
};

TEST(JsonReader, ErrorsCarryExactLocation) {
  const BadCase cases[] = {
      {"{\"a\": 1,\n \"b\": }", 2, 7, "expected a value"},
      {"{\"a\": 1", 1, 8, "unexpected end of input"},
      {"{\"a\": 1, \"a\": 2}", 1, 10, "duplicate key \"a\""},
      {"[1, 2,]", 1, 7, "expected a value"},
      {"{\"a\": tru}", 1, 7, "expected a value"},
      {"{\"a\": \"x\ty\"}", 1, 9, "control character"},
      {"{\"a\": 01}", 1, 8, "expected ',' or '}'"},
      {"{\"a\": 1} x", 1, 10, "unexpected content"},
      {"{\"a\": \"\\ud800\"}", 1, 8, "unpaired surrogate"},
      {"{\"a\": 1e999}", 1, 7, "out of range"},
      {"[\"unterminated", 1, 2, "unterminated string"},
  };
  for (const auto& c : cases) {
    Error e = parse_err(c.text);
    EXPECT_EQ(e.code, ErrorCode::input) << c.text;
    EXPECT_EQ(e.file, "in.json");
    EXPECT_EQ(e.line, c.line) << c.text << " -> " << e.describe();
    EXPECT_EQ(e.column, c.column) << c.text << " -> " << e.describe();
    EXPECT_NE(e.message.find(c.message_part), std::string::npos) << e.describe();
  }
}

TEST(JsonReader, DeepNestingIsAnErrorNotACrash) {
  std::string deep(200000, '[');
  Error e = parse_err(deep);
  EXPECT_NE(e.message.find("nesting deeper than"), std::string::npos);
  EXPECT_EQ(e.line, 1u);
  EXPECT_EQ(e.column, 513u);  // the 513th bracket crosses the default limit of 512
}

TEST(JsonReader, HugeObjectWithManyKeysStaysLinearAndDetectsDuplicates) {
  std::string s = "{";
  for (int i = 0; i < 200000; ++i) s += "\"k" + std::to_string(i) + "\": 1,";
  s += "\"k7\": 2}";
  Error e = parse_err(s);
  EXPECT_NE(e.message.find("duplicate key \"k7\""), std::string::npos);
}

// Small objects (where duplicates are found by fingerprint and compare) on
// random keys built to share length, first, middle and last byte, with or
// without a repeat: the error names the first repeated key at its column,
// as a set kept by the test says; without a repeat the object parses with
// every member in order.
TEST(JsonReader, DuplicateKeysInSmallObjectsAgreeWithASet) {
  std::mt19937 rng(17);
  for (int round = 0; round < 400; ++round) {
    const size_t n = 2 + rng() % 17;  // both sides of the 16-member limit
    std::vector<std::string> keys;
    for (size_t i = 0; i < n; ++i) {
      std::string k = "a" + std::string(rng() % 3, 'x') + "m" + std::string(rng() % 3, 'y') + "z";
      if (k.size() > 3) k[1 + rng() % (k.size() - 3)] = static_cast<char>('b' + rng() % 3);
      keys.push_back(k);
    }
    std::string text = "{";
    std::vector<size_t> columns;
    std::set<std::string> seen;
    std::optional<size_t> first_repeat;
    for (size_t i = 0; i < n; ++i) {
      if (i) text += ", ";
      columns.push_back(text.size() + 1);
      text += "\"" + keys[i] + "\": " + std::to_string(i);
      if (!seen.insert(keys[i]).second && !first_repeat) first_repeat = i;
    }
    text += "}";
    auto r = parse_document("in.json", text);
    if (first_repeat) {
      ASSERT_FALSE(r.ok()) << text;
      EXPECT_EQ(r.error().message, "duplicate key \"" + keys[*first_repeat] + "\"") << text;
      EXPECT_EQ(r.error().column, columns[*first_repeat]) << text;
    } else {
      ASSERT_TRUE(r.ok()) << text;
      const auto members = (*r)->root().members();
      ASSERT_EQ(members.size(), n);
      for (size_t i = 0; i < n; ++i) {
        EXPECT_EQ(members[i].first, keys[i]);
        EXPECT_EQ(members[i].second.as_number(), static_cast<double>(i));
      }
    }
  }
}

TEST(DocumentReader, EmptyBinaryAndInvalidUtf8) {
  EXPECT_NE(parse_err("").message.find("empty"), std::string::npos);
  EXPECT_NE(parse_err("  \n\t ").message.find("empty"), std::string::npos);
  Error bad = parse_err("{\"a\": \"\xff\xfe\"}");
  EXPECT_NE(bad.message.find("invalid UTF-8"), std::string::npos);
  EXPECT_EQ(bad.column, 8u);
  Error bin = parse_err(std::string("\x00\x01\x02\x03", 4));
  EXPECT_EQ(bin.code, ErrorCode::input);
}

TEST(DocumentReader, BomIsAccepted) {
  auto d = parse_ok("\xEF\xBB\xBF{\"a\": 1}");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->format(), SourceFormat::json);
  EXPECT_EQ(d->root().find("a")->as_number(), 1);
}

TEST(YamlReader, LocationsAndTypes) {
  auto d = parse_ok(
      "# comment\n"
      "TrainingJobName: job-1\n"
      "EnableNetworkIsolation: true\n"
      "Quoted: \"true\"\n"
      "StoppingCondition:\n"
      "  MaxRuntimeInSeconds: 3600\n"
      "Tags:\n"
      "  - Key: Project\n"
      "    Value: churn\n",
      "t.yaml");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->format(), SourceFormat::yaml);
  const Value& root = d->root();
  EXPECT_TRUE(root.find("EnableNetworkIsolation")->is_true());
  EXPECT_TRUE(root.find("Quoted")->is_string());
  const Value* rt = root.find("StoppingCondition")->find("MaxRuntimeInSeconds");
  EXPECT_TRUE(rt->is_number() && rt->is_integral());
  EXPECT_EQ(where(*d, *rt).line, 6u);
  EXPECT_EQ(where(*d, *rt).column, 24u);
  const Value& tag = root.find("Tags")->items()[0];
  EXPECT_EQ(where(*d, *tag.find("Value")).line, 9u);
  EXPECT_EQ(d->locate(root.find("Tags")->key_off()).line, 7u);
}

TEST(YamlReader, ErrorsAndLimits) {
  Error dup = parse_err("a: 1\nb: 2\na: 3\n", "p.yaml");
  EXPECT_NE(dup.message.find("duplicate key \"a\""), std::string::npos);
  EXPECT_EQ(dup.line, 3u);
  EXPECT_EQ(dup.column, 1u);

  Error syntax = parse_err("a: [1, 2\nb: 3\n", "p.yaml");
  EXPECT_EQ(syntax.code, ErrorCode::input);
  EXPECT_EQ(syntax.file, "p.yaml");
  EXPECT_GT(syntax.line, 0u);

  Error deep = parse_err(std::string(200000, '['), "p.yaml");
  EXPECT_NE(deep.message.find("nesting deeper than"), std::string::npos);

  std::string block;
  for (int i = 0; i < 3000; ++i) block += std::string(static_cast<size_t>(i) * 2, ' ') + "k:\n";
  Error deep_block = parse_err(block, "p.yaml");
  EXPECT_NE(deep_block.message.find("nesting deeper than"), std::string::npos);

  // Billion laughs: aliases must not expand without bound.
  std::string laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c) {
    laughs += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) laughs += std::string(i ? ", *" : "*") + prev;
    laughs += "]\n";
    prev = c;
  }
  Error boom = parse_err(laughs, "p.yaml");
  EXPECT_NE(boom.message.find("aliases"), std::string::npos) << boom.describe();
}

TEST(Resources, DetectionAndBundles) {
  auto d = parse_ok(R"([
    {"TrainingJobName": "t", "TrainingJobArn": "arn:x"},
    {"ModelName": "m", "PrimaryContainer": {}},
    {"EndpointName": "e", "EndpointConfigName": "c"},
    {"EndpointConfigName": "c", "ProductionVariants": []},
    {"TransformJobName": "x", "ModelName": "m"},
    {"HyperParameterTuningJobName": "h"},
    {"ProcessingJobName": "p"}
  ])");
  auto r = extract_resources(*d);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->resources.size(), 7u);
  const ResourceKind want[] = {ResourceKind::training_job,   ResourceKind::model,
                               ResourceKind::endpoint,       ResourceKind::endpoint_config,
                               ResourceKind::transform_job,  ResourceKind::tuning_job,
                               ResourceKind::processing_job};
  for (size_t i = 0; i < 7; ++i) EXPECT_EQ(r->resources[i].kind, want[i]) << i;
  EXPECT_TRUE(r->resources[0].describe_response);
  EXPECT_FALSE(r->resources[1].describe_response);
  EXPECT_EQ(r->resources[2].pointer, "/2");

  auto bad = parse_ok(R"([{"TrainingJobName": "t"}, {"Nope": 1}])");
  auto e = extract_resources(*bad);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("bundle item 1"), std::string::npos);
}

TEST(Resources, PipelineStepsIncludingConditionBranches) {
  auto d = parse_ok(R"({"Version": "2020-12-01", "Steps": [
    {"Name": "Train", "Type": "Training", "Arguments": {}},
    {"Name": "Cond", "Type": "Condition", "Arguments": {"IfSteps": [
      {"Name": "Reg", "Type": "Model", "Arguments": {}}], "ElseSteps": []}},
    {"Name": "Fail", "Type": "Fail", "Arguments": {}}
  ]})");
  auto r = extract_resources(*d);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->resources.size(), 2u);
  EXPECT_EQ(r->resources[0].name, "Train");
  EXPECT_EQ(r->resources[0].pointer, "/Steps/0/Arguments");
  EXPECT_EQ(r->resources[1].name, "Reg");
  EXPECT_EQ(r->resources[1].kind, ResourceKind::model);
  EXPECT_EQ(r->resources[1].pointer, "/Steps/1/Arguments/IfSteps/0/Arguments");
  EXPECT_TRUE(r->resources[1].in_pipeline);
}

TEST(Resources, ForcedKindAndUnrecognised) {
  auto d = parse_ok(R"({"Something": 1})");
  auto none = extract_resources(*d);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->recognised);
  // --kind needs at least one of the kind's own members.
  auto refused = extract_resources(*d, ResourceKind::endpoint);
  ASSERT_TRUE(refused.ok());
  EXPECT_FALSE(refused->recognised);
  EXPECT_FALSE(refused->other_kind);
  EXPECT_NE(refused->reason.find("none of the members a CreateEndpoint request has"),
            std::string::npos)
      << refused->reason;
  EXPECT_NE(refused->reason.find("its members: Something"), std::string::npos);
  auto nameless = parse_ok(R"({"EndpointConfigName": "c", "Tags": []})");
  auto forced = extract_resources(*nameless, ResourceKind::endpoint);
  ASSERT_TRUE(forced.ok());
  ASSERT_EQ(forced->resources.size(), 1u);
  EXPECT_EQ(forced->resources[0].kind, ResourceKind::endpoint);
  // Detected as another kind: that is what it looks like.
  auto model = parse_ok(R"({"ModelName": "m", "PrimaryContainer": {}})");
  auto other = extract_resources(*model, ResourceKind::training_job);
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->recognised);
  EXPECT_TRUE(other->other_kind);
  EXPECT_EQ(other->reason, "it looks like a Model (it has ModelName)");
  EXPECT_EQ(forced_kind_mismatch(model->root(), ResourceKind::model), "");
  EXPECT_EQ(parse_kind_flag("endpoint-config"), ResourceKind::endpoint_config);
  EXPECT_EQ(parse_kind_flag("bogus"), std::nullopt);
}

}  // namespace
}  // namespace sageguard

namespace sageguard {
namespace {

TEST(YamlReader, UnterminatedQuotedStringIsAnError) {
  for (const char* text : {"TrainingJobName: \"abc\n", "TrainingJobName: 'abc\n",
                           "A: 1\nB: \"x\\\"\n"}) {
    auto r = parse_document("q.yaml", text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.error().message.find("unterminated quoted string"), std::string::npos) << text;
  }
  // Escaped quotes inside properly closed scalars are fine.
  auto ok = parse_document("q.yaml", "A: 'it''s'\nB: \"a\\\"b\"\nC: |\n  \"not a quote\n");
  ASSERT_TRUE(ok.ok()) << ok.error().describe();
  EXPECT_EQ((*ok)->root().find("A")->as_string(), "it's");
  EXPECT_EQ((*ok)->root().find("B")->as_string(), "a\"b");
}

TEST(YamlReader, ControlCharactersAreRefusedWithTheirOffset) {
  const std::string text("Name: a\0b\n", 10);
  auto r = parse_document("nul.yaml", text);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().line, 1u);
  EXPECT_EQ(r.error().column, 8u);
  EXPECT_NE(r.error().message.find("byte 0x00"), std::string::npos);
  // The error never echoes the raw byte back.
  EXPECT_EQ(r.error().describe().find('\0'), std::string::npos);
  EXPECT_FALSE(parse_document("esc.yaml", "Name: \x1b[31mred\n").ok());
  EXPECT_TRUE(parse_document("tab.yaml", "Name:\ta\r\n").ok());
}

}  // namespace
}  // namespace sageguard
