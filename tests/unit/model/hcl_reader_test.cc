// The HCL native-syntax reader: which source forms become literal values and
// which become unresolved expressions, the JSON-syntax shape of blocks, the
// offsets kept for attributes and blocks, and the errors (with line and
// column) for input Terraform itself rejects.
#include <gtest/gtest.h>

#include <string>

#include "sageguard/api_model.h"
#include "sageguard/document.h"

namespace sageguard {
namespace {

Result<ValueTree> read(std::string_view text, uint32_t depth = 512) {
  return parse_hcl("main.tf", text, depth);
}

// The value of attribute `a` in a one-attribute file.
struct ExprCase {
  const char* source;  // right-hand side of `a = ...`
  enum Expect { string, number, boolean, null, list, object, unresolved } expect;
  std::string literal;  // the string, or the number/bool as text
};

class ExpressionTest : public ::testing::TestWithParam<ExprCase> {};

TEST_P(ExpressionTest, ReadsLiteralOrUnresolved) {
  const ExprCase& c = GetParam();
  const std::string text = std::string("a = ") + c.source + "\n";
  auto tree = read(text);
  ASSERT_TRUE(tree.ok()) << c.source << ": " << tree.error().describe();
  const Value* a = tree->root().find("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->offset(), 4u) << c.source;
  EXPECT_EQ(a->key_off(), 0u);
  switch (c.expect) {
    case ExprCase::string:
      ASSERT_TRUE(a->is_string()) << c.source;
      EXPECT_EQ(a->as_string(), c.literal);
      break;
    case ExprCase::number:
      ASSERT_TRUE(a->is_number()) << c.source;
      EXPECT_EQ(a->as_number(), std::stod(c.literal));
      EXPECT_EQ(a->is_integral(), c.literal.find('.') == std::string::npos);
      break;
    case ExprCase::boolean:
      ASSERT_TRUE(a->is_bool()) << c.source;
      EXPECT_EQ(a->as_bool(), c.literal == "true");
      break;
    case ExprCase::null: EXPECT_TRUE(a->is_null()) << c.source; break;
    case ExprCase::list: EXPECT_TRUE(a->is_array()) << c.source; break;
    case ExprCase::object: EXPECT_TRUE(a->is_object() && !is_unresolved_expression(*a)) << c.source; break;
    case ExprCase::unresolved: {
      ASSERT_TRUE(is_unresolved_expression(*a)) << c.source;
      const Value* t = a->find(kUnresolvedMember);
      ASSERT_NE(t, nullptr) << c.source;
      EXPECT_EQ(t->as_string(), c.literal.empty() ? std::string(c.source) : c.literal);
      break;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Forms, ExpressionTest,
    ::testing::Values(
        ExprCase{R"("ml.m5.large")", ExprCase::string, "ml.m5.large"},
        ExprCase{R"("a\"b\\c\n\u00e9")", ExprCase::string, "a\"b\\c\n\xc3\xa9"},
        ExprCase{R"("cost $${literal} and %%{x}")", ExprCase::string, "cost ${literal} and %{x}"},
        ExprCase{"42", ExprCase::number, "42"},
        ExprCase{"2.5e1", ExprCase::number, "25.0"},
        ExprCase{"-3", ExprCase::number, "-3"},
        ExprCase{"true", ExprCase::boolean, "true"},
        ExprCase{"false", ExprCase::boolean, "false"},
        ExprCase{"null", ExprCase::null, ""},
        ExprCase{"[\"a\", \"b\",]", ExprCase::list, ""},
        ExprCase{"{ Team = \"ml\", \"cost-center\" = \"42\" }", ExprCase::object, ""},
        ExprCase{"var.role_arn", ExprCase::unresolved, ""},
        ExprCase{"aws_sagemaker_model.churn.name", ExprCase::unresolved, ""},
        ExprCase{"local.subnets[0]", ExprCase::unresolved, ""},
        ExprCase{"aws_subnet.private[*].id", ExprCase::unresolved, ""},
        ExprCase{"aws_subnet.private.*.id", ExprCase::unresolved, ""},
        ExprCase{"module.net.ids.0", ExprCase::unresolved, ""},
        ExprCase{R"("arn:aws:kms:${var.region}:1:key/x")", ExprCase::unresolved, ""},
        ExprCase{R"("%{ if var.x }a%{ endif }")", ExprCase::unresolved, ""},
        ExprCase{"merge(local.tags, { Team = \"ml\" })", ExprCase::unresolved, ""},
        ExprCase{"provider::aws::arn_parse(var.x)", ExprCase::unresolved, ""},
        ExprCase{"concat(var.a, var.b...)", ExprCase::unresolved, ""},
        ExprCase{"var.on ? \"a\" : \"b\"", ExprCase::unresolved, ""},
        ExprCase{"1 + 2 * 3", ExprCase::unresolved, ""},
        ExprCase{"!var.open", ExprCase::unresolved, ""},
        ExprCase{"var.a >= 2 && var.b != \"x\" || false", ExprCase::unresolved, ""},
        ExprCase{"[for s in var.subnets : s.id if s.private]", ExprCase::unresolved, ""},
        ExprCase{"{for k, v in var.tags : lower(k) => v...}", ExprCase::unresolved, ""},
        ExprCase{"{ (var.key) = 1 }", ExprCase::unresolved, ""},
        ExprCase{"(var.x)", ExprCase::unresolved, ""},
        ExprCase{"<<EOT\nline ${var.x}\nEOT", ExprCase::unresolved, ""}));

TEST(HclReader, HeredocsAreStrings) {
  auto plain = read("a = <<EOT\n{\"k\": 1}\n  two\nEOT\nb = 1\n");
  ASSERT_TRUE(plain.ok()) << plain.error().describe();
  EXPECT_EQ(plain->root().find("a")->as_string(), "{\"k\": 1}\n  two\n");
  ASSERT_NE(plain->root().find("b"), nullptr);
  auto indented = read("a = <<-EOT\n    one\n      two\n    EOT\n");
  ASSERT_TRUE(indented.ok()) << indented.error().describe();
  EXPECT_EQ(indented->root().find("a")->as_string(), "one\n  two\n");
}

TEST(HclReader, BlocksNestTheirLabelsAsTheJsonSyntaxDoes) {
  const std::string text =
      "# comment\n"
      "resource \"aws_sagemaker_model\" \"churn\" {\n"
      "  name = \"churn\" // trailing\n"
      "  /* block\n comment */\n"
      "  container {\n"
      "    image = \"a\"\n"
      "  }\n"
      "  container { image = \"b\" }\n"
      "}\n"
      "terraform {}\n";
  auto tree = read(text);
  ASSERT_TRUE(tree.ok()) << tree.error().describe();
  const Value* resource = tree->root().find("resource");
  ASSERT_NE(resource, nullptr);
  EXPECT_EQ(resource->key_off(), text.find("resource"));
  const Value* body = resource->find("aws_sagemaker_model")->find("churn");
  ASSERT_NE(body, nullptr);
  EXPECT_EQ(body->offset(), text.find("resource"));  // the block's keyword
  EXPECT_EQ(body->find("name")->key_off(), text.find("name"));
  EXPECT_EQ(body->find("name")->offset(), text.find("\"churn\" //"));
  int containers = 0;
  for (const auto& [key, value] : body->members()) {
    if (key != "container") continue;
    ++containers;
    EXPECT_EQ(value.offset(), value.key_off());
    EXPECT_TRUE(value.find("image")->is_string());
  }
  EXPECT_EQ(containers, 2);
  EXPECT_NE(tree->root().find("terraform"), nullptr);
}

TEST(HclReader, JsonencodeKeepsItsArgument) {
  auto tree = read("d = jsonencode({ Version = \"2020-12-01\", Steps = [] })\n");
  ASSERT_TRUE(tree.ok()) << tree.error().describe();
  const Value* d = tree->root().find("d");
  ASSERT_TRUE(is_unresolved_expression(*d));  // rules never judge it as is
  const Value* arg = d->find("Fn::jsonencode");
  ASSERT_NE(arg, nullptr);
  EXPECT_EQ(arg->find("Version")->as_string(), "2020-12-01");
}

TEST(HclReader, EmptyAndCommentOnlyFilesAreEmptyBodies) {
  for (const char* text : {"", "\n\n", "# only a comment\n", "\xEF\xBB\xBF"}) {
    auto tree = read(text);
    ASSERT_TRUE(tree.ok()) << tree.error().describe();
    EXPECT_TRUE(tree->root().is_object());
    EXPECT_TRUE(tree->root().members().empty());
  }
}

struct BadCase {
  const char* text;
  uint32_t line;
  uint32_t column;
};

class BadInputTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadInputTest, IsAnInputErrorAtItsPlace) {
  const BadCase& c = GetParam();
  auto tree = read(c.text);
  ASSERT_FALSE(tree.ok()) << c.text;
  EXPECT_EQ(tree.error().code, ErrorCode::input);
  EXPECT_EQ(tree.error().file, "main.tf");
  EXPECT_EQ(tree.error().line, c.line) << c.text << ": " << tree.error().describe();
  EXPECT_EQ(tree.error().column, c.column) << c.text << ": " << tree.error().describe();
}

INSTANTIATE_TEST_SUITE_P(
    Errors, BadInputTest,
    ::testing::Values(BadCase{"resource \"a\" \"b\" {\n  x = 1\n", 3, 1},       // unclosed block
                      BadCase{"a = \"open\nb = 1\n", 1, 5},                    // unterminated string
                      BadCase{"a = 1\na = 2\n", 2, 1},                         // attribute twice
                      BadCase{"a = [1, 2\n", 2, 1},                            // unclosed list
                      BadCase{"a = { x = 1, x = 2 }\n", 1, 14},                // key twice
                      BadCase{"a = 1 b = 2\n", 1, 7},                          // two on a line
                      BadCase{"}\n", 1, 1},                                    // stray brace
                      BadCase{"a = \"\\q\"\n", 1, 6},                          // bad escape
                      BadCase{"a = <<EOT\nnever closed\n", 1, 5},              // open heredoc
                      BadCase{"a = var.x ? 1\n", 2, 1},                        // half conditional
                      BadCase{"resource \"${x}\" {}\n", 1, 10},                // template label
                      BadCase{"a = /* open\n", 1, 5},                          // open comment
                      BadCase{"a = f(1,\n", 2, 1},                             // open call
                      BadCase{"= 1\n", 1, 1}));                                // no name

TEST(HclReader, DepthIsLimited) {
  std::string deep = "a = ";
  for (int i = 0; i < 100; ++i) deep += "[";
  for (int i = 0; i < 100; ++i) deep += "]";
  deep += "\n";
  EXPECT_TRUE(read(deep, 512).ok());
  auto refused = read(deep, 64);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("nesting deeper than 64"), std::string::npos);
  // Far past any limit: an error, not a stack overflow.
  std::string huge = "a = ";
  for (int i = 0; i < 200000; ++i) huge += "(";
  EXPECT_FALSE(read(huge).ok());
  std::string blocks;
  for (int i = 0; i < 600; ++i) blocks += "b {\n";
  EXPECT_FALSE(read(blocks).ok());
}

TEST(HclReader, DocumentsEndingInTfAreReadAsHcl) {
  auto doc = parse_document("dir/main.tf", "resource \"aws_sagemaker_model\" \"m\" {\n}\n");
  ASSERT_TRUE(doc.ok()) << doc.error().describe();
  EXPECT_EQ((*doc)->format(), SourceFormat::hcl);
  auto bad = parse_document("dir/main.tf", "resource {\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().describe().rfind("dir/main.tf:2:1", 0), 0u) << bad.error().describe();
}

}  // namespace
}  // namespace sageguard
