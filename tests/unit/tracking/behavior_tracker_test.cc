#include "tracking/behavior_tracker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "core/error.h"
#include "core/time.h"
#include "unit/tracking/tracking_test_util.h"
#include "unit/warehouse/warehouse_test_util.h"
#include "warehouse/warehouse.h"

namespace mxn::tracking {
namespace {

using testing::make_interaction;
using testing::numbered;
using testing::scalar;

class BehaviorTrackerTest : public ::testing::Test {
 protected:
  testing::TempDir dir_;
  config::WarehouseConfig warehouse_config_ = testing::warehouse_config(dir_);
  warehouse::Warehouse warehouse_{warehouse_config_};
  config::InteractionsConfig interactions_;
  BehaviorTracker tracker_{warehouse_, interactions_, testing::tracking_domains(), warehouse_config_};
};

TEST_F(BehaviorTrackerTest, TrackCommitsTheInteractionWithItsWeightAndReturnsItsId) {
  const std::int64_t before = now_us();
  const auto id = tracker_.track(make_interaction("ann", "movies", "m1", "like", std::nullopt, std::nullopt,
                                                  R"({"device":"tv"})"));
  // Acknowledged means committed: another connection sees it at once.
  auto history = warehouse_.user_history("ann", {.domain = "movies", .limit = 10});
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].id, id);
  EXPECT_EQ(history[0].weight, 4.0);
  EXPECT_EQ(history[0].metadata, R"({"device":"tv"})");
  EXPECT_GE(history[0].timestamp_us, before);
  EXPECT_LE(history[0].timestamp_us, now_us());
  EXPECT_TRUE(warehouse_.get_user("ann").has_value());
  auto item = warehouse_.get_item("movies", "m1");
  ASSERT_TRUE(item.has_value());
  EXPECT_EQ(item->title, "");
}

TEST_F(BehaviorTrackerTest, ConvenienceMethodsUseTheirTypeAndWeight) {
  const std::int64_t t = 1'714'566'600'000'000;
  tracker_.track_view("u", "movies", "view", t);
  tracker_.track_click("u", "movies", "click", t + 1);
  tracker_.track_play("u", "music", "play", t + 2);
  tracker_.track_skip("u", "music", "skip", t + 3);
  tracker_.track_like("u", "movies", "like", t + 4);
  tracker_.track_dislike("u", "movies", "dislike", t + 5);
  tracker_.track_complete("u", "movies", "complete", t + 6);
  tracker_.track_rating("u", "movies", "rating", 4.5, t + 7);
  const std::map<std::string, double> expected = {{"view", 1.0},     {"click", 1.5},    {"play", 1.0},
                                                  {"skip", -1.0},    {"like", 4.0},     {"dislike", -4.0},
                                                  {"complete", 3.0}, {"rating", 1.5}};
  auto history = warehouse_.user_history("u", {.limit = 100});
  ASSERT_EQ(history.size(), expected.size());
  for (const auto& r : history) {
    EXPECT_EQ(r.type, r.item_id);  // each item is named after its type
    EXPECT_EQ(r.weight, expected.at(r.type)) << r.type;
  }
  EXPECT_EQ(history.front().rating, 4.5);
  EXPECT_EQ(history.front().timestamp_us, t + 7);
}

TEST_F(BehaviorTrackerTest, InvalidInteractionIsRejectedWithItsFieldsAndNotWritten) {
  try {
    tracker_.track(make_interaction("ann", "books", "m1", "rating"));
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kInvalidArgument);
    EXPECT_EQ(e.field(), "domain");
    ASSERT_EQ(e.problems().size(), 2u);
    EXPECT_EQ(e.problems()[1].field, "rating");
  }
  try {
    tracker_.track_rating("ann", "movies", "m1", 7.0);
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), "rating");
    EXPECT_EQ(std::string(e.what()), "rating: must be between 0.5 and 5 (got 7)");
  }
  EXPECT_EQ(scalar(warehouse_, "SELECT count(*) FROM user_interactions"), 0);
  EXPECT_EQ(scalar(warehouse_, "SELECT count(*) FROM users"), 0);
}

TEST_F(BehaviorTrackerTest, TrackManyCommitsInOneTransactionAndReturnsIdsInOrder) {
  std::vector<Interaction> batch;
  for (int i = 0; i < 500; ++i) batch.push_back(make_interaction(numbered("u", i % 10), "music", numbered("s", i), "play"));
  const auto commits_before = tracker_.commits();
  auto ids = tracker_.track_many(batch);
  ASSERT_EQ(ids.size(), 500u);
  for (std::size_t i = 1; i < ids.size(); ++i) EXPECT_EQ(ids[i], ids[i - 1] + 1);
  EXPECT_EQ(tracker_.commits(), commits_before + 1);
  EXPECT_EQ(scalar(warehouse_, "SELECT count(*) FROM user_interactions"), 500);
  EXPECT_EQ(scalar(warehouse_, "SELECT count(*) FROM users"), 10);
  std::string sql = "SELECT count(*) FROM user_interactions WHERE item_id = 's42' AND id = ";
  sql += std::to_string(ids[42]);
  EXPECT_EQ(scalar(warehouse_, sql), 1);
  EXPECT_TRUE(tracker_.track_many({}).empty());
}

TEST_F(BehaviorTrackerTest, TrackManyIsAllOrNothingAndNamesEveryBadRow) {
  std::vector<Interaction> batch = {make_interaction("ann", "movies", "m1", "view"),
                                    make_interaction("ann", "movies", "m2", "rating"),
                                    make_interaction("bob", "movies", "m3", "like"),
                                    make_interaction("", "movies", "m4", "fly")};
  try {
    tracker_.track_many(batch);
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kInvalidArgument);
    EXPECT_EQ(e.field(), "interactions[1].rating");
    std::vector<std::string> fields;
    for (const auto& p : e.problems()) fields.push_back(p.field);
    EXPECT_EQ(fields, (std::vector<std::string>{"interactions[1].rating", "interactions[3].user_id",
                                                "interactions[3].interaction_type"}));
    EXPECT_NE(std::string(e.what()).find("interactions[1].rating: is required for interaction_type 'rating'"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(scalar(warehouse_, "SELECT count(*) FROM user_interactions"), 0);
}

TEST_F(BehaviorTrackerTest, ObserverSeesEveryCommittedRowBeforeTheCallerReturns) {
  std::mutex mutex;
  std::vector<warehouse::InteractionRecord> observed;
  tracker_.set_commit_observer([&](std::span<const warehouse::InteractionRecord> rows) {
    std::lock_guard lock(mutex);
    observed.insert(observed.end(), rows.begin(), rows.end());
  });
  const auto id = tracker_.track_rating("ann", "movies", "m1", 2.0, 1'714'566'600'000'000);
  {
    std::lock_guard lock(mutex);
    ASSERT_EQ(observed.size(), 1u);
    EXPECT_EQ(observed[0].id, id);
    EXPECT_EQ(observed[0].weight, -1.0);
    EXPECT_EQ(observed[0].timestamp_us, 1'714'566'600'000'000);
    EXPECT_EQ(observed[0].user_id, "ann");
  }
  std::vector<Interaction> batch = {make_interaction("bob", "music", "s1", "play"),
                                    make_interaction("bob", "music", "s2", "skip")};
  auto ids = tracker_.track_many(batch);
  std::lock_guard lock(mutex);
  ASSERT_EQ(observed.size(), 3u);
  EXPECT_EQ(observed[1].id, ids[0]);
  EXPECT_EQ(observed[2].weight, -1.0);
}

TEST_F(BehaviorTrackerTest, ObserverIsNotCalledForRejectedRowsAndItsExceptionsDoNotFailTheWrite) {
  int calls = 0;
  tracker_.set_commit_observer([&](std::span<const warehouse::InteractionRecord>) {
    ++calls;
    throw std::runtime_error("index full");
  });
  EXPECT_THROW(tracker_.track_view("", "movies", "m1"), Error);
  EXPECT_EQ(calls, 0);
  EXPECT_NO_THROW(tracker_.track_view("ann", "movies", "m1"));
  EXPECT_EQ(calls, 1);
}

TEST_F(BehaviorTrackerTest, ExclusivelyWaitsForACommitsObserverAndCommitsWaitForIt) {
  // A commit held inside its observer: a change run exclusively must not start until the observer returns
  // (else it could land in memory before a row the warehouse committed first).
  std::atomic<bool> in_observer = false;
  std::atomic<bool> release = false;
  std::vector<std::string> order;  // guarded by the writer's apply lock: both appends run under it
  tracker_.set_commit_observer([&](std::span<const warehouse::InteractionRecord>) {
    in_observer = true;
    while (!release) std::this_thread::yield();
    order.push_back("observer");
  });
  std::thread writer([&] { tracker_.track_view("ann", "movies", "m1"); });
  while (!in_observer) std::this_thread::yield();
  std::atomic<bool> changed = false;
  std::thread change([&] {
    tracker_.exclusively([&] {
      order.push_back("change");
      changed = true;
    });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(changed) << "ran while a commit was between its write and its observer";
  release = true;
  writer.join();
  change.join();
  EXPECT_EQ(order, (std::vector<std::string>{"observer", "change"}));

  // And the other way round: a commit waits for a change in progress.
  std::atomic<bool> committed = false;
  std::thread late;
  tracker_.exclusively([&] {
    late = std::thread([&] {
      tracker_.track_view("ann", "movies", "m2");
      committed = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_FALSE(committed);
  });
  late.join();
  EXPECT_EQ(order, (std::vector<std::string>{"observer", "change", "observer"}));
}

TEST_F(BehaviorTrackerTest, SixteenConcurrentWritersLoseNothingAndShareTransactions) {
  constexpr int kThreads = 16;
  constexpr int kPerThread = 150;
  std::atomic<std::uint64_t> observed_rows{0};
  tracker_.set_commit_observer(
      [&](std::span<const warehouse::InteractionRecord> rows) { observed_rows += rows.size(); });
  const auto commits_before = tracker_.commits();
  std::vector<std::thread> threads;
  std::vector<std::vector<std::int64_t>> ids(kThreads);
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        try {
          if (i % 10 == 9) {
            std::vector<Interaction> pair = {
                make_interaction(numbered("user", t), "movies", numbered("batch-a-", t * 1000 + i), "view"),
                make_interaction(numbered("user", t), "movies", numbered("batch-b-", t * 1000 + i), "like")};
            auto got = tracker_.track_many(pair);
            ids[t].insert(ids[t].end(), got.begin(), got.end());
          } else {
            ids[t].push_back(tracker_.track_view(numbered("user", t), "movies", numbered("item-", t * 1000 + i)));
          }
        } catch (const std::exception&) {
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(failures.load(), 0);

  const std::int64_t expected_rows = kThreads * (kPerThread + kPerThread / 10);
  std::set<std::int64_t> all_ids;
  for (const auto& v : ids) all_ids.insert(v.begin(), v.end());
  EXPECT_EQ(static_cast<std::int64_t>(all_ids.size()), expected_rows);  // no id handed out twice
  EXPECT_EQ(scalar(warehouse_, "SELECT count(*) FROM user_interactions"), expected_rows);
  EXPECT_EQ(scalar(warehouse_, "SELECT count(DISTINCT id) FROM user_interactions"), expected_rows);
  EXPECT_EQ(scalar(warehouse_, "SELECT count(DISTINCT item_id) FROM user_interactions"), expected_rows);
  EXPECT_EQ(scalar(warehouse_, "SELECT count(*) FROM users"), kThreads);
  EXPECT_EQ(scalar(warehouse_, "SELECT count(*) FROM items_catalog"), expected_rows);
  EXPECT_EQ(observed_rows.load(), static_cast<std::uint64_t>(expected_rows));
  // Each id the tracker returned is the row it wrote.
  for (int t = 0; t < kThreads; ++t) {
    std::string sql = "SELECT count(*) FROM user_interactions WHERE user_id = '";
    sql += numbered("user", t);
    sql += "' AND id IN (";
    for (std::size_t i = 0; i < ids[t].size(); ++i) {
      if (i > 0) sql += ',';
      sql += std::to_string(ids[t][i]);
    }
    sql += ')';
    EXPECT_EQ(scalar(warehouse_, sql), static_cast<std::int64_t>(ids[t].size()));
  }
  const auto commits = tracker_.commits() - commits_before;
  const std::uint64_t calls = kThreads * kPerThread;
  EXPECT_LT(commits, calls) << "no call shared a transaction";
  EXPECT_GT(commits, 0u);
}

TEST_F(BehaviorTrackerTest, CommitFailureReachesEveryCallerAndNothingIsAcknowledged) {
  {
    auto c = warehouse_.connections().acquire();
    c->execute("DROP TABLE users");  // every append now fails inside its transaction
  }
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      try {
        tracker_.track_view(numbered("u", t), "movies", "m1");
      } catch (const Error& e) {
        if (std::string(e.what()).find("users") != std::string::npos) ++errors;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 4);
  EXPECT_EQ(scalar(warehouse_, "SELECT count(*) FROM user_interactions"), 0);
}

TEST_F(BehaviorTrackerTest, LargestTransactionFollowsMaxBatchRows) {
  config::WarehouseConfig small = warehouse_config_;
  small.max_batch_rows = 3;
  BehaviorTracker tracker(warehouse_, interactions_, testing::tracking_domains(), small);
  std::vector<Interaction> five;
  for (int i = 0; i < 5; ++i) five.push_back(make_interaction("ann", "movies", numbered("m", i), "view"));
  const auto before = tracker.commits();
  auto ids = tracker.track_many(five);  // larger than the limit: written alone, still atomically
  EXPECT_EQ(ids.size(), 5u);
  EXPECT_EQ(tracker.commits(), before + 1);
}

}  // namespace
}  // namespace mxn::tracking
