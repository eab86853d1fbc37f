#include "core/error.h"

#include <gtest/gtest.h>

namespace mxn {
namespace {

TEST(ErrorTest, SingleProblemNamesField) {
  Error e(Code::kInvalidArgument, "must not be empty", "user_id");
  EXPECT_EQ(e.code(), Code::kInvalidArgument);
  EXPECT_EQ(e.field(), "user_id");
  EXPECT_STREQ(e.what(), "user_id: must not be empty");
  ASSERT_EQ(e.problems().size(), 1u);
}

TEST(ErrorTest, ManyProblemsAreAllReported) {
  Error e({{"a.b", "must be > 0"}, {"c", "unknown key"}});
  EXPECT_EQ(e.code(), Code::kInvalidArgument);
  EXPECT_EQ(e.field(), "a.b");
  EXPECT_STREQ(e.what(), "a.b: must be > 0; c: unknown key");
  EXPECT_EQ(e.problems().size(), 2u);
}

TEST(ErrorTest, CheckThrowsInternalWithLocation) {
  try {
    MXN_CHECK(1 + 1 == 3, "arithmetic");
    FAIL() << "MXN_CHECK did not throw";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kInternal);
    EXPECT_NE(std::string(e.what()).find("error_test.cc"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("arithmetic"), std::string::npos);
  }
}

}  // namespace
}  // namespace mxn
