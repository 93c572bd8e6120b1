// Size-checked reads and atomic writes: the original survives every failure.
#include <gtest/gtest.h>
#include <algorithm>
#include <sys/stat.h>
#include <unistd.h>

#include "test_support.h"
#include "util/files.h"
#include "util/glob.h"
#include "util/strings.h"
#include "util/utf8.h"

namespace sageguard {
namespace {

TEST(Files, ReadLimitRefusesBeforeReading) {
  sgtest::TempDir d;
  sgtest::write_file(d / "f", std::string(100, 'x'));
  auto r = read_file_limited((d / "f").string(), 99);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::input);
  EXPECT_NE(r.error().message.find("over the limit of 99 bytes"), std::string::npos);
  auto ok = read_file_limited((d / "f").string(), 100);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->size(), 100u);
  auto dir = read_file_limited(d.path().string(), 100);
  ASSERT_FALSE(dir.ok());
  EXPECT_NE(dir.error().message.find("directory"), std::string::npos);
}

// The three ways in (read below 1 MiB, mapped from 1 MiB, read into huge
// pages from 8 MiB) must give the same bytes, including sizes just either
// side of each switch and of a 2 MiB page.
TEST(Files, FileTextSameBytesAcrossEveryReadPath) {
  sgtest::TempDir d;
  const size_t sizes[] = {(1u << 20) - 1, 1u << 20,       (8u << 20) - 1, 8u << 20,
                          (8u << 20) + 1, (10u << 20) + 3, 12u << 20};
  for (size_t n : sizes) {
    std::string text(n, '\0');
    uint32_t x = static_cast<uint32_t>(n) | 1u;
    for (char& c : text) {
      x = x * 1103515245u + 12345u;
      c = static_cast<char>(x >> 24);
    }
    const auto p = (d / ("f" + std::to_string(n))).string();
    sgtest::write_file(p, text);
    auto t = read_file_text(p, 1ull << 30);
    ASSERT_TRUE(t.ok()) << n << ": " << t.error().describe();
    ASSERT_EQ(t->view().size(), n);
    EXPECT_TRUE(t->view() == text) << "bytes differ at size " << n;
    const char* where = t->view().data();
    FileText moved = std::move(t).value();
    EXPECT_EQ(moved.view().data(), where) << n;
    moved = FileText(std::string("replaced"));  // the old buffer is released
    EXPECT_EQ(moved.view(), "replaced");
  }
}

TEST(Files, FileTextMapsBigFilesReadsSmallOnesSameBytes) {
  sgtest::TempDir d;
  // 3 MiB + 5 of varied bytes (mapped), and a small file (read).
  std::string big;
  for (size_t i = 0; i < (3u << 20) + 5; ++i) big += static_cast<char>('a' + (i * 7) % 26);
  sgtest::write_file(d / "big", big);
  sgtest::write_file(d / "small", "{\"a\": 1}");
  auto b = read_file_text((d / "big").string(), 1ull << 30);
  ASSERT_TRUE(b.ok()) << b.error().describe();
  EXPECT_EQ(b->view(), big);
  // Moving keeps the bytes where they are (documents hold views into them).
  const char* where = b->view().data();
  FileText moved = std::move(b).value();
  EXPECT_EQ(moved.view().data(), where);
  EXPECT_EQ(moved.view(), big);
  auto s = read_file_text((d / "small").string(), 100);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->view(), "{\"a\": 1}");
  FileText small_moved = std::move(s).value();
  EXPECT_EQ(small_moved.view(), "{\"a\": 1}");
  // The same refusals as read_file_limited, before anything is read.
  auto over = read_file_text((d / "big").string(), big.size() - 1);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, ErrorCode::input);
  EXPECT_NE(over.error().message.find("over the limit"), std::string::npos);
  auto dir = read_file_text(d.path().string(), 100);
  ASSERT_FALSE(dir.ok());
  EXPECT_NE(dir.error().message.find("directory"), std::string::npos);
  EXPECT_FALSE(read_file_text((d / "missing").string(), 100).ok());
}

TEST(Files, AtomicWriteReplacesAndKeepsMode) {
  sgtest::TempDir d;
  const auto p = (d / "a.json").string();
  sgtest::write_file(p, "old");
  ::chmod(p.c_str(), 0640);
  ASSERT_TRUE(write_file_atomic(p, "new").ok());
  EXPECT_EQ(sgtest::read_file(p), "new");
  struct stat st {};
  ::stat(p.c_str(), &st);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
}

TEST(Files, AtomicWriteFailureLeavesOriginalAndNoTempFile) {
  if (::geteuid() == 0) {
    // root ignores directory permissions; use a missing directory instead.
    auto s = write_file_atomic("/nonexistent-dir-sg/x.json", "data");
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::io);
    return;
  }
  sgtest::TempDir d;
  const auto p = (d / "a.json").string();
  sgtest::write_file(p, "original");
  ::chmod(d.path().c_str(), 0500);
  auto s = write_file_atomic(p, "new");
  ::chmod(d.path().c_str(), 0700);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(sgtest::read_file(p), "original");
}

// Files in `dir` other than `keep` (leftover temporaries).
std::vector<std::string> others_in(const std::filesystem::path& dir,
                                   const std::vector<std::string>& keep) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (std::find(keep.begin(), keep.end(), name) == keep.end()) out.push_back(name);
  }
  return out;
}

TEST(Files, AtomicWriteGoesThroughSymlinksAndKeepsThem) {
  sgtest::TempDir d;
  std::filesystem::create_directory(d / "real");
  const auto target = d / "real" / "job.yaml";
  sgtest::write_file(target, "old");
  ::chmod(target.c_str(), 0600);
  // A relative link to a relative link to the file.
  std::filesystem::create_symlink("real/job.yaml", d / "hop");
  std::filesystem::create_symlink("hop", d / "job.yaml");
  ASSERT_TRUE(write_file_atomic((d / "job.yaml").string(), "new").ok());
  EXPECT_TRUE(std::filesystem::is_symlink(d / "job.yaml"));
  EXPECT_TRUE(std::filesystem::is_symlink(d / "hop"));
  EXPECT_EQ(std::filesystem::read_symlink(d / "job.yaml"), "hop");
  EXPECT_EQ(sgtest::read_file(target), "new");
  struct stat st {};
  ASSERT_EQ(::stat(target.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_TRUE(others_in(d.path(), {"real", "hop", "job.yaml"}).empty());
  EXPECT_TRUE(others_in(d / "real", {"job.yaml"}).empty());
  // A dangling link: the file it names is created, the link kept.
  std::filesystem::create_symlink("real/new.yaml", d / "dangling");
  ASSERT_TRUE(write_file_atomic((d / "dangling").string(), "made").ok());
  EXPECT_TRUE(std::filesystem::is_symlink(d / "dangling"));
  EXPECT_EQ(sgtest::read_file(d / "real" / "new.yaml"), "made");
  // A loop is an error, not a hang.
  std::filesystem::create_symlink("loop-b", d / "loop-a");
  std::filesystem::create_symlink("loop-a", d / "loop-b");
  EXPECT_FALSE(write_file_atomic((d / "loop-a").string(), "x").ok());
}

TEST(Files, AtomicWriteKeepsHardLinksTogether) {
  sgtest::TempDir d;
  const auto a = d / "a.json";
  sgtest::write_file(a, std::string(100, 'o'));  // longer than the new content
  std::filesystem::create_hard_link(a, d / "b.json");
  struct stat before {};
  ASSERT_EQ(::stat(a.c_str(), &before), 0);
  ASSERT_TRUE(write_file_atomic(a.string(), "new").ok());
  EXPECT_EQ(sgtest::read_file(a), "new");
  EXPECT_EQ(sgtest::read_file(d / "b.json"), "new");
  struct stat after {};
  ASSERT_EQ(::stat(a.c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino);
  EXPECT_EQ(after.st_nlink, 2u);
  EXPECT_TRUE(others_in(d.path(), {"a.json", "b.json"}).empty());
}

TEST(Files, AtomicWriteKeepsOwnerGroupAndMode) {
  if (::geteuid() != 0) GTEST_SKIP() << "giving a file another owner needs root";
  sgtest::TempDir d;
  const auto p = d / "job.json";
  sgtest::write_file(p, "old");
  ASSERT_EQ(::chown(p.c_str(), 4321, 8765), 0);
  ASSERT_EQ(::chmod(p.c_str(), 0640), 0);
  ASSERT_TRUE(write_file_atomic(p.string(), "new").ok());
  EXPECT_EQ(sgtest::read_file(p), "new");
  struct stat st {};
  ASSERT_EQ(::stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 4321u);
  EXPECT_EQ(st.st_gid, 8765u);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
}

TEST(Files, AtomicWriteHandlesTheLongestNames) {
  sgtest::TempDir d;
  for (size_t len : {200u, 240u, 255u}) {
    const std::string name = std::string(len - 5, 'n') + ".yaml";
    const auto p = d / name;
    sgtest::write_file(p, "old");
    const auto s = write_file_atomic(p.string(), "new");
    ASSERT_TRUE(s.ok()) << len << ": " << s.error().describe();
    EXPECT_EQ(sgtest::read_file(p), "new");
    std::filesystem::remove(p);
  }
}

TEST(Files, AtomicWriterInPiecesReplacesOnlyOnCommit) {
  sgtest::TempDir d;
  const auto p = d / "report.sarif";
  sgtest::write_file(p, "original");
  {
    auto w = AtomicWriter::open(p.string());
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE(w->write("half ").ok());
    EXPECT_EQ(sgtest::read_file(p), "original");
  }  // dropped without commit
  EXPECT_EQ(sgtest::read_file(p), "original");
  EXPECT_TRUE(others_in(d.path(), {"report.sarif"}).empty());
  auto w = AtomicWriter::open(p.string());
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(w->write("one ").ok());
  ASSERT_TRUE(w->write("two").ok());
  ASSERT_TRUE(w->commit().ok());
  EXPECT_EQ(sgtest::read_file(p), "one two");
  EXPECT_TRUE(others_in(d.path(), {"report.sarif"}).empty());
}

TEST(Strings, TerminalSafeEscapesC1AndStrayBytes) {
  EXPECT_EQ(terminal_safe("a\xc2\x9b" "31mb"), "a\\u009b31mb");  // CSI as U+009B
  EXPECT_EQ(terminal_safe("\x9b[2J"), "\\x9b[2J");            // a lone 0x9B byte
  EXPECT_EQ(terminal_safe("caf\xc3\xa9 \xe2\x82\xac \xc2\xa0"), "caf\xc3\xa9 \xe2\x82\xac \xc2\xa0");
  EXPECT_EQ(terminal_safe("\xe2\x82"), "\\xe2\\x82");  // cut short
}

TEST(Strings, ClosestMatch) {
  std::vector<std::string> keys = {"Project", "Cost Center", "Contact"};
  EXPECT_EQ(closest_match("project", keys), "Project");
  EXPECT_EQ(closest_match("CostCenter", keys), "Cost Center");
  EXPECT_EQ(closest_match("cost_center", keys), "Cost Center");
  EXPECT_EQ(closest_match("Contcat", keys), "Contact");
  EXPECT_EQ(closest_match("Owner", keys), std::nullopt);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(Utf8, ValidationAndCounting) {
  EXPECT_TRUE(utf8_is_valid("h\xC3\xA9llo"));
  EXPECT_EQ(utf8_first_invalid("ab\xC3"), 2u);
  EXPECT_EQ(utf8_first_invalid("a\xED\xA0\x80"), 1u);  // surrogate
  EXPECT_EQ(utf8_first_invalid("\xC0\xAF"), 0u);       // overlong
  EXPECT_EQ(utf8_count_code_points("h\xC3\xA9\xF0\x9F\x98\x80"), 3u);
}

TEST(Glob, Matches) {
  EXPECT_TRUE(glob_match("ml.m5.*", "ml.m5.xlarge"));
  EXPECT_FALSE(glob_match("ml.m5.*", "ml.m5d.xlarge"));
  EXPECT_TRUE(glob_match("legacy-*", "legacy-"));
  EXPECT_TRUE(glob_match("a?c", "abc"));
  EXPECT_FALSE(glob_match("a?c", "ac"));
}

}  // namespace
}  // namespace sageguard
