#include "warehouse/lock_conflict.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace mxn::warehouse {
namespace {

TEST(LockConflictTest, NamesTheHoldingProcessFromProc) {
  const long self = static_cast<long>(getpid());
  const std::string duckdb = "IO Error: Could not set lock on file \"/x/w.duckdb\": Conflicting lock is held in "
                             "/usr/local/bin/mxn (PID " + std::to_string(self) +
                             ") by user ann. See also https://duckdb.org/docs/stable/connect/concurrency";
  auto error = lock_conflict_error("data/w.duckdb", duckdb);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code(), Code::kFailedPrecondition);
  const std::string message = error->what();
  // This test binary is the "holder": its command line comes from /proc, not from DuckDB's program path.
  EXPECT_NE(message.find("data/w.duckdb is in use by process " + std::to_string(self) + " (" +
                         process_command_line(self)),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("mxn_warehouse_tests"), std::string::npos) << message;
  EXPECT_NE(message.find("use the running server's API instead of opening the file directly"), std::string::npos);
}

TEST(LockConflictTest, FallsBackToDuckDbsProgramNameWhenTheProcessIsGone) {
  const std::string duckdb = "IO Error: Could not set lock on file \"/x/w.duckdb\": Conflicting lock is held in "
                             "/opt/bin/mxn (PID 2147483646). See also https://duckdb.org";
  auto error = lock_conflict_error("w.duckdb", duckdb);
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(std::string(error->what()).find("w.duckdb is in use by process 2147483646 (mxn)"), std::string::npos)
      << error->what();
}

TEST(LockConflictTest, WithoutAPidStillExplains) {
  auto error = lock_conflict_error("w.duckdb", "IO Error: Could not set lock on file \"w.duckdb\": Resource busy");
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(std::string(error->what()).find("w.duckdb is in use by another process"), std::string::npos);
}

TEST(LockConflictTest, OtherErrorsAreNotLockConflicts) {
  EXPECT_FALSE(lock_conflict_error("w.duckdb", "IO Error: Cannot open file: Permission denied").has_value());
}

TEST(LockConflictTest, CommandLineJoinsArgumentsAndShortensTheProgram) {
  const std::string line = process_command_line(static_cast<long>(getpid()));
  EXPECT_EQ(line.rfind("mxn_warehouse_tests", 0), 0u) << line;
  EXPECT_EQ(process_command_line(2147483646), "");
}

}  // namespace
}  // namespace mxn::warehouse
