// The days of a `cost --jobs` report: which --since/--until values are days,
// the creation times jobs are listed between, and --as-of.
#include "cost/report_window.h"

#include <gtest/gtest.h>

namespace {

using namespace sageguard;
using namespace sageguard::cost;

TEST(ReportWindow, DaysAreYearMonthDay) {
  EXPECT_TRUE(check_day("--since", std::nullopt).ok());
  EXPECT_TRUE(check_day("--since", std::string("2024-05-01")).ok());
  EXPECT_TRUE(check_day("--until", std::string("2024-12-31")).ok());
  for (const char* bad : {"2024-5-1", "2024/05/01", "2024-13-01", "2024-00-10", "2024-05-32",
                          "2024-05-01T10:00:00Z", "", "yesterday"}) {
    Status s = check_day("--until", std::string(bad));
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().code, ErrorCode::usage) << bad;
    EXPECT_NE(s.error().message.find("--until"), std::string::npos) << s.error().message;
    EXPECT_NE(s.error().message.find(bad), std::string::npos) << s.error().message;
  }
}

// Listing starts two days before the first day (a job may start a while
// after it is created) and ends at the end of the last day.
TEST(ReportWindow, ListsFromTwoDaysBeforeSinceToTheEndOfUntil) {
  FetchOptions fo;
  set_listing_window(std::string("2024-05-10"), std::string("2024-05-20"), fo);
  ASSERT_TRUE(fo.created_after.has_value());
  ASSERT_TRUE(fo.created_before.has_value());
  EXPECT_EQ(*fo.created_after, 1715126400.0);   // 2024-05-08T00:00:00Z
  EXPECT_EQ(*fo.created_before, 1716249600.0);  // 2024-05-21T00:00:00Z

  FetchOptions open;
  set_listing_window(std::nullopt, std::nullopt, open);
  EXPECT_FALSE(open.created_after.has_value());
  EXPECT_FALSE(open.created_before.has_value());
  set_listing_window(std::string("not a day"), std::nullopt, open);
  EXPECT_FALSE(open.created_after.has_value());
}

TEST(ReportWindow, AsOfIsAnIsoTime) {
  auto none = parse_as_of(std::nullopt);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto t = parse_as_of(std::string("2024-05-01T10:30:00Z"));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->value(), 1714559400.0);
  auto bad = parse_as_of(std::string("soon"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::usage);
  EXPECT_NE(bad.error().message.find("'soon'"), std::string::npos);
}

}  // namespace
