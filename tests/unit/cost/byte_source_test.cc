#include "sageguard/cost/byte_source.h"

#include <gtest/gtest.h>

#include "cost_test_util.h"
#include "test_support.h"

namespace sageguard::cost {
namespace {

TEST(ByteSource, PlainFileIsReadAsIs) {
  sgtest::TempDir dir;
  sgtest::write_file(dir / "a.csv", "hello,world\n");
  auto src = open_input((dir / "a.csv").string());
  ASSERT_TRUE(src.ok());
  EXPECT_EQ(costtest::drain(**src), "hello,world\n");
}

TEST(ByteSource, GzipIsRecognisedByMagicNotName) {
  sgtest::TempDir dir;
  std::string text;
  for (int i = 0; i < 50000; ++i) text += "row " + std::to_string(i) + ",x\n";
  sgtest::write_file(dir / "noext", costtest::gzip(text));
  auto src = open_input((dir / "noext").string());
  ASSERT_TRUE(src.ok());
  EXPECT_EQ(costtest::drain(**src, 4096), text);
}

TEST(ByteSource, ConcatenatedGzipMembersAreOneStream) {
  std::string both = costtest::gzip("part1\n") + costtest::gzip("part2\n");
  auto s2 = open_memory(both, "m.gz");
  EXPECT_EQ(costtest::drain(*s2), "part1\npart2\n");
}

TEST(ByteSource, TruncatedGzipIsAnErrorNamingTheFile) {
  sgtest::TempDir dir;
  std::string text;
  for (int i = 0; i < 20000; ++i) text += std::to_string(i * 7919) + "\n";
  std::string z = costtest::gzip(text);
  sgtest::write_file(dir / "cut.csv.gz", z.substr(0, z.size() / 2));
  auto src = open_input((dir / "cut.csv.gz").string());
  ASSERT_TRUE(src.ok());
  std::string got = costtest::drain(**src, 1000);
  EXPECT_EQ(got.rfind("ERROR: ", 0), 0u) << got.substr(0, 80);
  EXPECT_NE(got.find("cut.csv.gz"), std::string::npos) << got;
  EXPECT_NE(got.find("truncated"), std::string::npos) << got;
  // Cut inside the 8-byte trailer: the data is all there, the check is not.
  auto tail = open_memory(std::string_view(z).substr(0, z.size() - 3), "trailer.gz");
  EXPECT_EQ(costtest::drain(*tail).rfind("ERROR: ", 0), 0u);
}

TEST(ByteSource, CorruptGzipIsAnError) {
  std::string z = costtest::gzip(std::string(10000, 'a') + "bcdefgh");
  for (std::size_t i = 12; i < z.size() - 8; ++i) z[i] = static_cast<char>(z[i] ^ 0x5a);
  auto src = open_memory(z, "bad.gz");
  std::string got = costtest::drain(*src);
  EXPECT_EQ(got.rfind("ERROR: ", 0), 0u) << got.substr(0, 40);
}

TEST(ByteSource, MissingFileIsIoError) {
  auto src = open_input("/nonexistent/dir/x.csv");
  ASSERT_FALSE(src.ok());
  EXPECT_EQ(src.error().code, ErrorCode::io);
  EXPECT_EQ(src.error().file, "/nonexistent/dir/x.csv");
}

}  // namespace
}  // namespace sageguard::cost
