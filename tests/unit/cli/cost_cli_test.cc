// `cost --jobs` checks its days as `cost --cur` does: a --since or --until
// that is not YYYY-MM-DD is a usage error (exit 2), not a window compared
// as text against the jobs' start days.
#include <gtest/gtest.h>

#include "test_support.h"

namespace {

TEST(CostCli, JobsRefuseADayThatIsNotYearMonthDay) {
  sgtest::TempDir dir;
  sgtest::write_file(dir / "describes.json", "[]");
  const std::string describes = (dir / "describes.json").string();
  for (const char* flag : {"--since", "--until"}) {
    auto r = sgtest::run_cli({"cost", "--jobs", "--from-describes", describes, flag, "2024-5-1"});
    EXPECT_EQ(r.code, 2) << flag << ": " << r.err;
    EXPECT_NE(r.err.find(std::string(flag) + " must be YYYY-MM-DD, got '2024-5-1'"),
              std::string::npos)
        << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  auto ok = sgtest::run_cli({"cost", "--jobs", "--from-describes", describes, "--since",
                             "2024-05-01", "--until", "2024-05-31", "--format", "json"});
  EXPECT_EQ(ok.code, 0) << ok.err;
}

}  // namespace
