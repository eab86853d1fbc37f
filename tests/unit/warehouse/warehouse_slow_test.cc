// Tests that need more than a million rows: scans that cross the window of ids they read at a time.

#include <gtest/gtest.h>

#include "unit/warehouse/warehouse_test_util.h"
#include "warehouse/warehouse.h"

namespace mxn::warehouse {
namespace {

TEST(WarehouseSlowTest, ScanCrossesIdWindowsAndSeesEveryRowOnce) {
  testing::TempDir dir;
  Warehouse w(testing::warehouse_config(dir));
  constexpr std::int64_t kRows = 1'300'000;  // more than one scan window of 2^20 ids
  std::vector<InteractionRecord> rows;
  rows.reserve(kRows);
  for (std::int64_t i = 0; i < kRows; ++i) {
    rows.push_back(testing::interaction(testing::numbered("u", i % 1000), i % 4 == 0 ? "music" : "movies",
                                        testing::numbered("m", i % 5000), "view", 1.0, i));
  }
  w.append_interactions(rows);

  std::int64_t seen = 0;
  std::int64_t timestamp_sum = 0;  // the timestamps are 0 .. kRows-1: each row once gives a known sum
  std::vector<bool> visited(kRows, false);
  bool duplicate = false;
  w.scan_interactions("movies", [&](const InteractionChunk& c) {
    for (std::size_t i = 0; i < c.size(); ++i) {
      const auto t = c.timestamps_us[i];
      duplicate = duplicate || visited[static_cast<std::size_t>(t)];
      visited[static_cast<std::size_t>(t)] = true;
      timestamp_sum += t;
      ++seen;
    }
  });
  std::int64_t expected_rows = 0;
  std::int64_t expected_sum = 0;
  for (std::int64_t i = 0; i < kRows; ++i) {
    if (i % 4 == 0) continue;
    ++expected_rows;
    expected_sum += i;
  }
  EXPECT_FALSE(duplicate);
  EXPECT_EQ(seen, expected_rows);
  EXPECT_EQ(timestamp_sum, expected_sum);
}

}  // namespace
}  // namespace mxn::warehouse
