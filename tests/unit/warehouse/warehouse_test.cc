#include "warehouse/warehouse.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "core/error.h"
#include "core/time.h"
#include "unit/warehouse/warehouse_test_util.h"

namespace mxn::warehouse {
namespace {

using testing::interaction;
using testing::numbered;
using testing::scalar;
using testing::TempDir;
using testing::warehouse_config;

constexpr std::int64_t kT0 = 1'700'000'000'000'000;  // 2023-11-14, epoch microseconds
constexpr std::int64_t kHour = 3'600'000'000;

class WarehouseTest : public ::testing::Test {
 protected:
  TempDir dir_;
  Warehouse w_{warehouse_config(dir_)};

  void append(std::vector<InteractionRecord> rows) { w_.append_interactions(rows); }
};

TEST_F(WarehouseTest, UserHistoryIsNewestFirstLimitedAndFilteredByDomain) {
  append({interaction("ann", "movies", "m1", "view", 1.0, kT0),
          interaction("ann", "movies", "m2", "rating", 1.5, kT0 + 2 * kHour, 4.5, R"({"source":"app"})"),
          interaction("ann", "music", "s1", "play", 1.0, kT0 + kHour),
          interaction("bob", "movies", "m1", "like", 4.0, kT0 + 3 * kHour)});
  auto all = w_.user_history("ann", {.limit = 10});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].item_id, "m2");
  EXPECT_EQ(all[1].item_id, "s1");
  EXPECT_EQ(all[2].item_id, "m1");
  EXPECT_EQ(all[0].rating, 4.5);
  EXPECT_EQ(all[0].weight, 1.5);
  EXPECT_EQ(all[0].metadata, R"({"source":"app"})");
  EXPECT_EQ(all[0].timestamp_us, kT0 + 2 * kHour);
  EXPECT_FALSE(all[1].rating.has_value());
  EXPECT_EQ(all[1].metadata, "");

  auto movies = w_.user_history("ann", {.domain = "movies", .limit = 1});
  ASSERT_EQ(movies.size(), 1u);
  EXPECT_EQ(movies[0].item_id, "m2");
  EXPECT_TRUE(w_.user_history("nobody", {.limit = 10}).empty());
}

TEST_F(WarehouseTest, DomainStatsCountsUsersItemsAndTypes) {
  append({interaction("ann", "movies", "m1", "view", 1.0, kT0), interaction("ann", "movies", "m1", "like", 4, kT0 + 1),
          interaction("bob", "movies", "m2", "view", 1.0, kT0 + 2), interaction("cy", "music", "s1", "play", 1, kT0)});
  CatalogItem unseen;
  unseen.domain = "movies";
  unseen.item_id = "m9";
  w_.upsert_item(unseen);

  DomainStats s = w_.domain_stats("movies");
  EXPECT_EQ(s.n_interactions, 3);
  EXPECT_EQ(s.n_users, 2);
  EXPECT_EQ(s.n_interacted_items, 2);
  EXPECT_EQ(s.n_catalog_items, 3);  // m1, m2 first seen + m9
  EXPECT_EQ(s.interactions_by_type, (std::map<std::string, std::int64_t>{{"like", 1}, {"view", 2}}));
  EXPECT_EQ(s.first_interaction_us, kT0);
  EXPECT_EQ(s.last_interaction_us, kT0 + 2);

  DomainStats empty = w_.domain_stats("tasks");
  EXPECT_EQ(empty.n_interactions, 0);
  EXPECT_FALSE(empty.first_interaction_us.has_value());
}

TEST_F(WarehouseTest, CountsInteractionsIngestedSinceATimeWhateverTheirTimestamps) {
  append({interaction("a", "movies", "m1", "view", 1, kT0), interaction("a", "movies", "m2", "view", 1, kT0 + kHour),
          interaction("a", "movies", "m3", "view", 1, kT0 + 2 * kHour),
          interaction("a", "music", "s1", "view", 1, kT0 + 2 * kHour)});
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  const std::int64_t between = now_us();
  append({interaction("b", "movies", "m1", "view", 1, kT0 - kHour)});  // backdated, ingested now
  EXPECT_EQ(w_.count_interactions_since("movies", 0), 4);
  EXPECT_EQ(w_.count_interactions_since("movies", between), 1);
  EXPECT_EQ(w_.count_interactions_since("music", between), 0);
  EXPECT_EQ(w_.count_interactions_since("movies", now_us() + kHour), 0);
}

TEST_F(WarehouseTest, ScanVisitsEveryInteractionOfTheDomainOnceInChunks) {
  std::vector<InteractionRecord> rows;
  for (int i = 0; i < 5000; ++i) {
    const bool rated = i % 7 == 0;
    rows.push_back(interaction(numbered("u", i % 97), i % 5 == 0 ? "music" : "movies",
                               numbered("m", i), rated ? "rating" : "view", rated ? 1.0 : 0.5, kT0 + i,
                               rated ? std::optional<double>(4.0) : std::nullopt));
  }
  w_.append_interactions(rows);
  std::set<std::string> seen;
  std::size_t chunks = 0, rated = 0;
  double weight_sum = 0;
  w_.scan_interactions("movies", [&](const InteractionChunk& c) {
    ++chunks;
    EXPECT_LE(c.size(), 2048u);
    for (std::size_t i = 0; i < c.size(); ++i) {
      EXPECT_TRUE(seen.insert(std::string(c.item_ids[i])).second) << "twice: " << c.item_ids[i];
      const int n = std::stoi(std::string(c.item_ids[i].substr(1)));
      EXPECT_EQ(c.user_ids[i], numbered("u", n % 97));
      EXPECT_EQ(c.timestamps_us[i], kT0 + n);
      EXPECT_EQ(c.types[i], n % 7 == 0 ? "rating" : "view");
      EXPECT_EQ(c.ratings[i].has_value(), n % 7 == 0);
      rated += c.ratings[i].has_value();
      weight_sum += c.weights[i];
    }
  });
  EXPECT_EQ(seen.size(), 4000u);
  EXPECT_GE(chunks, 2u);
  std::size_t expected_rated = 0;
  double expected_sum = 0;
  for (int i = 0; i < 5000; ++i) {
    if (i % 5 == 0) continue;
    expected_rated += i % 7 == 0;
    expected_sum += i % 7 == 0 ? 1.0 : 0.5;
  }
  EXPECT_EQ(rated, expected_rated);
  EXPECT_DOUBLE_EQ(weight_sum, expected_sum);

  int calls = 0;
  w_.scan_interactions("tasks", [&](const InteractionChunk&) { ++calls; });
  EXPECT_EQ(calls, 0);
}

TEST_F(WarehouseTest, UpsertItemReplacesTextKeepsCreatedAtAndEmbeddingUnlessGiven) {
  CatalogItem item;
  item.domain = "movies";
  item.item_id = "m1";
  item.title = "Alien";
  item.description = "In space no one can hear you scream.";
  item.tags = {"horror", "sci-fi"};
  item.metadata = R"({"year":1979})";
  item.embedding = std::vector<float>{0.25f, -1.5f, 3.0f};
  item.text_hash = "h1";
  item.encoder_fingerprint = "hashing-v1";
  w_.upsert_item(item);
  auto first = w_.get_item("movies", "m1");
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->title, "Alien");
  EXPECT_EQ(first->tags, (std::vector<std::string>{"horror", "sci-fi"}));
  EXPECT_EQ(first->metadata, R"({"year":1979})");
  EXPECT_EQ(first->embedding, (std::vector<float>{0.25f, -1.5f, 3.0f}));
  EXPECT_EQ(first->text_hash, "h1");
  EXPECT_EQ(first->encoder_fingerprint, "hashing-v1");
  EXPECT_GT(first->created_at_us, 0);

  CatalogItem text_only;
  text_only.domain = "movies";
  text_only.item_id = "m1";
  text_only.title = "Alien (1979)";
  text_only.tags = {};
  w_.upsert_item(text_only);
  auto second = w_.get_item("movies", "m1");
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->title, "Alien (1979)");
  EXPECT_TRUE(second->tags.empty());
  EXPECT_EQ(second->metadata, "");
  EXPECT_EQ(second->embedding, first->embedding);  // kept: no embedding in the upsert
  EXPECT_EQ(second->text_hash, "h1");
  EXPECT_EQ(second->created_at_us, first->created_at_us);
  EXPECT_GE(second->updated_at_us, first->updated_at_us);

  text_only.embedding = std::vector<float>{1.0f};
  text_only.text_hash = "h2";
  text_only.encoder_fingerprint = "minilm";
  w_.upsert_item(text_only);
  auto third = w_.get_item("movies", "m1");
  EXPECT_EQ(third->embedding, (std::vector<float>{1.0f}));
  EXPECT_EQ(third->text_hash, "h2");
  EXPECT_EQ(third->encoder_fingerprint, "minilm");
  EXPECT_FALSE(w_.get_item("music", "m1").has_value());
}

TEST_F(WarehouseTest, UpsertManyKeepsTheLastVersionOfADuplicateAndListsInOrder) {
  std::vector<CatalogItem> items;
  for (int i = 0; i < 3000; ++i) {  // more than one appender chunk
    CatalogItem item;
    item.domain = "music";
    item.item_id = numbered("s", 10000 + i);
    item.title = numbered("Song ", i);
    item.tags = {numbered("t", i % 3)};
    items.push_back(item);
  }
  items.push_back(items[5]);
  items.back().title = "Song 5, remastered";
  w_.upsert_items(items);
  auto listed = w_.list_items("music");
  ASSERT_EQ(listed.size(), 3000u);
  EXPECT_EQ(listed[0].item_id, "s10000");
  EXPECT_EQ(listed[5].title, "Song 5, remastered");
  EXPECT_EQ(listed[7].tags, (std::vector<std::string>{"t1"}));
  auto page = w_.list_items("music", 2, 10);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].item_id, "s10010");
  EXPECT_TRUE(w_.list_items("movies").empty());
}

TEST_F(WarehouseTest, UpsertRejectsEmptyKeys) {
  CatalogItem item;
  item.domain = "movies";
  try {
    w_.upsert_item(item);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kInvalidArgument);
    EXPECT_EQ(e.field(), "item_id");
  }
}

TEST_F(WarehouseTest, RecommendationsAreStoredAndTheLatestIsReturned) {
  RecommendationRecord r;
  r.user_id = "ann";
  r.domain = "movies";
  r.generated_at_us = kT0;
  r.model_types = {"knn", "collab"};
  r.items = R"([{"item_id":"m1","score":0.9}])";
  RecommendationRecord later = r;
  later.generated_at_us = kT0 + kHour;
  later.items = R"([{"item_id":"m2","score":0.8}])";
  w_.insert_recommendations(std::vector{later, r});
  auto latest = w_.latest_recommendation("ann", "movies");
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->items, R"([{"item_id":"m2","score":0.8}])");
  EXPECT_EQ(latest->model_types, (std::vector<std::string>{"knn", "collab"}));
  EXPECT_EQ(latest->generated_at_us, kT0 + kHour);
  EXPECT_FALSE(w_.latest_recommendation("ann", "music").has_value());

  // All or nothing: one list without a user rejects the whole batch.
  RecommendationRecord bad = r;
  bad.user_id.clear();
  RecommendationRecord other = r;
  other.domain = "music";
  try {
    w_.insert_recommendations(std::vector{other, bad});
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), "user_id");
  }
  EXPECT_FALSE(w_.latest_recommendation("ann", "music").has_value());
}

TEST_F(WarehouseTest, TrainingRunIsInsertedThenUpdatedAndListedNewestFirst) {
  TrainingRun run;
  run.run_id = "r1";
  run.domain = "movies";
  run.model = "collab";
  run.params = R"({"factors":64})";
  run.status = "running";
  run.started_at_us = kT0;
  w_.record_training_run(run);
  run.status = "succeeded";
  run.n_users = 6040;
  run.n_items = 3706;
  run.n_interactions = 1000209;
  run.metrics = R"({"ndcg@10":0.287})";
  run.duration_s = 12.5;
  run.model_version = 3;
  run.finished_at_us = kT0 + kHour;
  w_.record_training_run(run);

  TrainingRun other = run;
  other.run_id = "r2";
  other.domain = "music";
  other.started_at_us = kT0 + 2 * kHour;
  other.status = "failed";
  other.error = "out of memory";
  other.model_version.reset();
  other.finished_at_us.reset();
  w_.record_training_run(other);

  auto movies = w_.list_training_runs("movies", 10);
  ASSERT_EQ(movies.size(), 1u);
  EXPECT_EQ(movies[0].status, "succeeded");
  EXPECT_EQ(movies[0].n_interactions, 1000209);
  EXPECT_EQ(movies[0].metrics, R"({"ndcg@10":0.287})");
  EXPECT_EQ(movies[0].model_version, 3);
  EXPECT_EQ(movies[0].finished_at_us, kT0 + kHour);
  EXPECT_DOUBLE_EQ(movies[0].duration_s, 12.5);

  auto all = w_.list_training_runs("", 10);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].run_id, "r2");
  EXPECT_EQ(all[0].error, "out of memory");
  EXPECT_FALSE(all[0].model_version.has_value());
  EXPECT_FALSE(all[0].finished_at_us.has_value());
  EXPECT_EQ(w_.list_training_runs("", 1).size(), 1u);
}

TEST_F(WarehouseTest, ValuesWithQuotesAreStoredVerbatim) {
  const std::string user = "o'brien\"; DROP TABLE users; --";
  append({interaction(user, "movies", "it's", "view", 1.0, kT0)});
  auto history = w_.user_history(user, {.domain = "movies", .limit = 5});
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].item_id, "it's");
  EXPECT_TRUE(w_.get_user(user).has_value());
}

}  // namespace
}  // namespace mxn::warehouse
