// The re-parse check fix makes before writing: every value the operations
// did not touch must come back unchanged, not only the resource names.
#include "fix/verify.h"

#include <gtest/gtest.h>

#include "sageguard/document.h"

namespace sageguard::fix {
namespace {

std::shared_ptr<const Document> parse(const std::string& text) {
  auto d = parse_document("in.yaml", text, {});
  EXPECT_TRUE(d.ok()) << (d.ok() ? "" : d.error().describe());
  return *d;
}

TEST(FixVerify, InsertedMembersAndAppendedItemsAreAllowed) {
  auto before = parse("A: 1\nB:\n  - x\nC: {D: true}\n");
  auto after = parse("A: 1\nB:\n  - x\n  - y\nC: {D: true}\nNew: {E: 2}\n");
  OpList ops;
  ops.inserts.push_back({&before->root(), "New", NewValue::object()});
  ops.appends.push_back({before->root().find("B"), {NewValue::of_string("y")}});
  EXPECT_TRUE(same_untouched_values(before->root(), after->root(), ops, "in.yaml").ok());
  // Without the operations the same result is a change.
  EXPECT_FALSE(same_untouched_values(before->root(), after->root(), {}, "in.yaml").ok());
}

TEST(FixVerify, AnyOtherChangeIsCaughtAndNamed) {
  auto before = parse("A: 1\nNotes: |+\n  text\n\nC:\n  D: 'x'\n");
  OpList insert;
  insert.inserts.push_back({&before->root(), "New", NewValue::of_bool(true)});
  // A kept block scalar that lost its trailing blank line.
  auto lost = parse("A: 1\nNotes: |+\n  text\nNew: true\n\nC:\n  D: 'x'\n");
  auto s = same_untouched_values(before->root(), lost->root(), insert, "in.yaml");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::internal);
  EXPECT_EQ(s.error().file, "in.yaml");
  EXPECT_NE(s.error().message.find("'/Notes'"), std::string::npos) << s.error().message;
  // A type change, a nested value, a number, a member gone, one inserted elsewhere.
  for (const char* other : {"A: '1'\nNotes: |+\n  text\n\nC:\n  D: 'x'\nNew: true\n",
                            "A: 1\nNotes: |+\n  text\n\nC:\n  D: 'y'\nNew: true\n",
                            "A: 2\nNotes: |+\n  text\n\nC:\n  D: 'x'\nNew: true\n",
                            "A: 1\nC:\n  D: 'x'\nNew: true\n",
                            "A: 1\nNotes: |+\n  text\n\nC:\n  D: 'x'\n  New: true\n"}) {
    auto changed = parse(other);
    EXPECT_FALSE(same_untouched_values(before->root(), changed->root(), insert, "in.yaml").ok())
        << other;
  }
  auto same = parse("A: 1\nNotes: |+\n  text\n\nC:\n  D: 'x'\nNew: true\n");
  EXPECT_TRUE(same_untouched_values(before->root(), same->root(), insert, "in.yaml").ok());
}

TEST(FixVerify, RepeatedHclBlocksAreComparedInOrder) {
  // HCL repeats a block's type as a member per block: each is compared
  // with the block in the same place, not with the first of its type.
  const auto hcl = [](const std::string& text) {
    auto d = parse_document("main.tf", text, {});
    EXPECT_TRUE(d.ok()) << (d.ok() ? "" : d.error().describe());
    return *d;
  };
  auto before = hcl("variable \"a\" {\n  type = string\n}\nvariable \"b\" {\n  type = number\n}\n");
  auto after = hcl("variable \"a\" {\n  type = string\n}\nvariable \"b\" {\n  type = number\n}\n");
  EXPECT_TRUE(same_untouched_values(before->root(), after->root(), {}, "main.tf").ok());
  auto changed = hcl("variable \"a\" {\n  type = string\n}\nvariable \"b\" {\n  type = bool\n}\n");
  EXPECT_FALSE(same_untouched_values(before->root(), changed->root(), {}, "main.tf").ok());
  auto third = hcl("variable \"a\" {\n  type = string\n}\nvariable \"b\" {\n  type = number\n}\n"
                   "variable \"c\" {\n  type = number\n}\n");
  EXPECT_FALSE(same_untouched_values(before->root(), third->root(), {}, "main.tf").ok());
}

TEST(FixVerify, ReplacedAndRemovedValuesMayChange) {
  auto before = parse("A: false\nB: 1\nC: 2\n");
  auto after = parse("A: true\nC: 2\n");
  OpList ops;
  ops.replaces.push_back({before->root().find("A"), NewValue::of_bool(true)});
  ops.removes.push_back({&before->root(), 1});
  EXPECT_TRUE(same_untouched_values(before->root(), after->root(), ops, "in.yaml").ok());
  ops.removes.clear();
  EXPECT_FALSE(same_untouched_values(before->root(), after->root(), ops, "in.yaml").ok());
}

}  // namespace
}  // namespace sageguard::fix
