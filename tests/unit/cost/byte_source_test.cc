#include "sageguard/cost/byte_source.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "cost/gunzip.h"
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

// Every gzip property, for each decoder this build has: isa-l (when built
// with it) and zlib, which must behave the same.
class GzipDecoders : public ::testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<ByteSource> open(std::string_view data, const std::string& name) {
    auto plain = std::make_unique<MemoryView>(data, name);
    if (GetParam() == "isal") {
      if (!gunzip_isal_available()) return nullptr;
      return gunzip_isal(std::move(plain));
    }
    return gunzip_zlib(std::move(plain));
  }
  // A raw (not decompressing) source over a buffer.
  class MemoryView final : public ByteSource {
   public:
    MemoryView(std::string_view d, std::string n) : d_(d), n_(std::move(n)) {}
    Result<std::size_t> read(char* dst, std::size_t n) override {
      std::size_t k = std::min(n, d_.size() - pos_);
      std::copy_n(d_.data() + pos_, k, dst);
      pos_ += k;
      return k;
    }
    const std::string& name() const override { return n_; }

   private:
    std::string_view d_;
    std::string n_;
    std::size_t pos_ = 0;
  };
};

#define SG_DECODER_OR_SKIP(src)                                                     \
  if (!(src)) GTEST_SKIP() << "sageguard was built without isa-l (libisal-dev)"

TEST_P(GzipDecoders, LargeInputRoundTripsInSmallReads) {
  std::string text;
  for (int i = 0; i < 200000; ++i) text += "row " + std::to_string(i * 7919) + ",x\n";
  std::string z = costtest::gzip(text);
  auto src = open(z, "big.gz");
  SG_DECODER_OR_SKIP(src);
  EXPECT_EQ(costtest::drain(*src, 4093), text);
}

TEST_P(GzipDecoders, ConcatenatedMembersAreOneStream) {
  std::string big(300000, 'q');
  std::string all = costtest::gzip("part1\n") + costtest::gzip(big) + costtest::gzip("") + costtest::gzip("part3\n");
  auto src = open(all, "m.gz");
  SG_DECODER_OR_SKIP(src);
  EXPECT_EQ(costtest::drain(*src, 1000), "part1\n" + big + "part3\n");
}

TEST_P(GzipDecoders, TruncatedDataIsAnErrorNamingTheFile) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += std::to_string(i * 7919) + "\n";
  std::string z = costtest::gzip(text);
  for (std::size_t cut : {std::size_t{2}, std::size_t{10}, z.size() / 2, z.size() - 3, z.size() - 1}) {
    auto src = open(std::string_view(z).substr(0, cut), "cut.csv.gz");
    SG_DECODER_OR_SKIP(src);
    std::string got = costtest::drain(*src, 1000);
    EXPECT_EQ(got.rfind("ERROR: ", 0), 0u) << "cut at " << cut << ": " << got.substr(0, 80);
    EXPECT_NE(got.find("cut.csv.gz"), std::string::npos) << got.substr(0, 200);
  }
  // Cut inside the 8-byte trailer: the data is all there, the check is not.
  auto src = open(std::string_view(z).substr(0, z.size() - 3), "trailer.gz");
  EXPECT_NE(costtest::drain(*src).find("truncated"), std::string::npos);
}

TEST_P(GzipDecoders, CorruptDataAndBadChecksumsAreErrors) {
  std::string z = costtest::gzip(std::string(10000, 'a') + "bcdefgh");
  std::string flipped = z;
  for (std::size_t i = 12; i < flipped.size() - 8; ++i) flipped[i] = static_cast<char>(flipped[i] ^ 0x5a);
  auto src = open(flipped, "bad.gz");
  SG_DECODER_OR_SKIP(src);
  EXPECT_EQ(costtest::drain(*src).rfind("ERROR: ", 0), 0u);
  // Intact data, wrong CRC-32 in the trailer.
  std::string crc = z;
  crc[crc.size() - 8] = static_cast<char>(crc[crc.size() - 8] ^ 1);
  std::string got = costtest::drain(*open(crc, "crc.gz"));
  EXPECT_EQ(got.rfind("ERROR: ", 0), 0u) << got.substr(0, 80);
  // Garbage after a complete member is not silently ignored.
  got = costtest::drain(*open(z + "garbage!", "tail.gz"));
  EXPECT_EQ(got.rfind("ERROR: ", 0), 0u) << got.substr(0, 80);
}

INSTANTIATE_TEST_SUITE_P(Decoders, GzipDecoders, ::testing::Values("isal", "zlib"),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

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
}

TEST(ByteSource, MissingFileIsIoError) {
  auto src = open_input("/nonexistent/dir/x.csv");
  ASSERT_FALSE(src.ok());
  EXPECT_EQ(src.error().code, ErrorCode::io);
  EXPECT_EQ(src.error().file, "/nonexistent/dir/x.csv");
}

}  // namespace
}  // namespace sageguard::cost
