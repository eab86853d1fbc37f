// A process killed with SIGKILL in the middle of ingestion loses no acknowledged interaction: a child ingests
// from several threads and reports each acknowledged item_id over a pipe; after the kill, this process opens
// the file (DuckDB replays its write-ahead log) and finds every reported row.

#include <gtest/gtest.h>

#include <chrono>
#include <unordered_set>

#include "unit/warehouse/child_process.h"
#include "unit/warehouse/warehouse_test_util.h"
#include "warehouse/warehouse.h"

namespace mxn::tracking {
namespace {

TEST(IngestCrashTest, SigkillLosesNoAcknowledgedInteraction) {
  testing::TempDir dir;
  const auto config = testing::warehouse_config(dir);
  std::vector<std::string> acknowledged;
  {
    testing::ChildProcess child(MXN_INGEST_CHILD, {config.path});
    // The child's start (a new DuckDB file, its migrations) may be slow on a loaded machine or under ASan:
    // the 1.5 s of ingestion before the kill count from its first acknowledgement.
    auto first = child.read_line(std::chrono::seconds(60));
    ASSERT_TRUE(first) << "the child acknowledged nothing in 60 s";
    acknowledged.push_back(*first);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
    while (acknowledged.size() < 4000 && std::chrono::steady_clock::now() < deadline) {
      auto line = child.read_line(std::chrono::milliseconds(1000));
      if (!line) break;
      acknowledged.push_back(*line);
    }
    child.kill(SIGKILL);
    const int status = child.wait();
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "the child ended on its own: " << status;
    // Lines written before the kill are acknowledgements too.
    while (auto line = child.read_line(std::chrono::milliseconds(200))) acknowledged.push_back(*line);
  }
  ASSERT_GT(acknowledged.size(), 50u) << "the child acknowledged too little to test anything";

  warehouse::Warehouse w(config);
  std::unordered_set<std::string> stored;
  w.scan_interactions("movies", [&](const warehouse::InteractionChunk& c) {
    for (auto item : c.item_ids) stored.emplace(item);
  });
  std::size_t missing = 0;
  for (const auto& item : acknowledged) {
    if (!stored.count(item)) {
      if (++missing <= 5) ADD_FAILURE() << "acknowledged but lost: " << item;
    }
  }
  EXPECT_EQ(missing, 0u) << "of " << acknowledged.size() << " acknowledged";
  EXPECT_EQ(testing::scalar(w, "SELECT count(*) - count(DISTINCT id) FROM user_interactions"), 0);
  EXPECT_EQ(testing::scalar(w, "SELECT count(*) FROM users"), 4);
}

}  // namespace
}  // namespace mxn::tracking
