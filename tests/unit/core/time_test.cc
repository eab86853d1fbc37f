#include "core/time.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace mxn {
namespace {

constexpr std::int64_t kT = 1'714'566'600'000'000;  // 2024-05-01T12:30:00Z

TEST(TimeTest, ParsesIso8601Forms) {
  EXPECT_EQ(parse_iso8601("2024-05-01T12:30:00Z"), kT);
  EXPECT_EQ(parse_iso8601("2024-05-01T12:30:00"), kT);
  EXPECT_EQ(parse_iso8601("2024-05-01 12:30:00z"), kT);
  EXPECT_EQ(parse_iso8601("2024-05-01T12:30"), kT);
  EXPECT_EQ(parse_iso8601("2024-05-01T14:30:00+02:00"), kT);
  EXPECT_EQ(parse_iso8601("2024-05-01T07:00:00-0530"), kT);
  EXPECT_EQ(parse_iso8601("2024-05-01T13:30:00+01"), kT);
  EXPECT_EQ(parse_iso8601("2024-05-01T12:30:00.25Z"), kT + 250'000);
  EXPECT_EQ(parse_iso8601("2024-05-01T12:30:00.1234567Z"), kT + 123'456);  // past microseconds: cut
  EXPECT_EQ(parse_iso8601("2024-05-01"), kT - (12 * 3600 + 30 * 60) * kMicrosPerSecond);
  EXPECT_EQ(parse_iso8601("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_iso8601("1969-12-31T23:59:59Z"), -kMicrosPerSecond);
  EXPECT_EQ(parse_iso8601("2024-02-29"), parse_iso8601("2024-03-01") - kMicrosPerDay);
}

TEST(TimeTest, RejectsMalformedIso8601NamingTheField) {
  for (const char* bad : {"", "2024", "2024-5-1", "2024-13-01", "2023-02-29", "2024-05-01T25:00", "2024-05-01T12:60",
                          "2024-05-01T12:30:00+2", "2024-05-01T12:30:00.Z", "2024-05-01T12:30:00 extra",
                          "yesterday"}) {
    try {
      parse_iso8601(bad, "since");
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Code::kInvalidArgument) << bad;
      EXPECT_EQ(e.field(), "since") << bad;
    }
  }
}

TEST(TimeTest, ParsesEpochSeconds) {
  EXPECT_EQ(parse_epoch_seconds("1714566600"), kT);
  EXPECT_EQ(parse_epoch_seconds("1714566600.5"), kT + 500'000);
  EXPECT_EQ(parse_epoch_seconds("0"), 0);
  EXPECT_EQ(parse_epoch_seconds("-1.5"), -1'500'000);
  EXPECT_THROW(parse_epoch_seconds("17e8"), Error);
  EXPECT_THROW(parse_epoch_seconds("1."), Error);
  EXPECT_THROW(parse_epoch_seconds("99999999999999"), Error);
  EXPECT_THROW(parse_epoch_seconds(""), Error);
}

TEST(TimeTest, ParseTimestampAcceptsEitherForm) {
  EXPECT_EQ(parse_timestamp("1714566600"), kT);
  EXPECT_EQ(parse_timestamp("2024-05-01T12:30:00Z"), kT);
  try {
    parse_timestamp("soon");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), "timestamp");
    EXPECT_NE(std::string(e.what()).find("'soon'"), std::string::npos) << e.what();
  }
}

TEST(TimeTest, FormatsUtcAndRoundTrips) {
  EXPECT_EQ(format_iso8601(kT), "2024-05-01T12:30:00Z");
  EXPECT_EQ(format_iso8601(kT + 5), "2024-05-01T12:30:00.000005Z");
  EXPECT_EQ(format_iso8601(-1), "1969-12-31T23:59:59.999999Z");
  for (std::int64_t t : {std::int64_t{0}, kT, kT + 987'654, std::int64_t{-86'400'000'001}}) {
    EXPECT_EQ(parse_iso8601(format_iso8601(t)), t);
  }
}

TEST(TimeTest, NowIsEpochMicroseconds) {
  const std::int64_t now = now_us();
  EXPECT_GT(now, parse_iso8601("2024-01-01"));
  EXPECT_LT(now, parse_iso8601("2200-01-01"));
}

}  // namespace
}  // namespace mxn
