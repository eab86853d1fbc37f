#include "engine/recommendation_engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "../training/seeded_warehouse.h"
#include "core/time.h"
#include "training/training_pipeline.h"

namespace mxn::engine {
namespace {

using ::testing::HasSubstr;

using testing::fast_config;

data::SeedOptions seed_options() { return testing::small_seed(60, 80, 8000); }

class RecommendationEngineTest : public ::testing::Test {
 protected:
  RecommendationEngineTest()
      : seeded(seed_options(), fast_config()),
        store(seeded.config.models.store_dir, 3),
        pipeline(*seeded.warehouse, store, seeded.config),
        engine(*seeded.warehouse, store, seeded.config) {
    pipeline.run("movies");
    pipeline.run("music");
    engine.start();
  }

  std::set<std::string> history(const std::string& user, const std::string& domain) {
    std::set<std::string> out;
    for (const auto& r : seeded.warehouse->user_history(user, {.domain = domain, .limit = 100000}))
      out.insert(r.item_id);
    return out;
  }

  testing::SeededWarehouse seeded;
  ModelStore store;
  training::TrainingPipeline pipeline;
  RecommendationEngine engine;
};

TEST_F(RecommendationEngineTest, PersonalListExcludesConsumedItemsAndExplainsItself) {
  auto recs = engine.recommend({.user_id = "user1", .domain = "movies", .top_k = 10});
  EXPECT_FALSE(recs.cold_start);
  EXPECT_EQ(recs.models_used, (std::vector<std::string>{"knn", "collab", "embedding"}));
  ASSERT_EQ(recs.items.size(), 10u);
  const auto seen = history("user1", "movies");
  for (std::size_t i = 0; i < recs.items.size(); ++i) {
    const auto& item = recs.items[i];
    EXPECT_EQ(item.rank, static_cast<int>(i + 1));
    EXPECT_FALSE(seen.count(item.item_id)) << item.item_id << " was already consumed";
    EXPECT_FALSE(item.title.empty());
    EXPECT_FALSE(item.reason.empty());
    EXPECT_FALSE(item.contributions.empty());
    if (i > 0) {
      EXPECT_LE(item.score, recs.items[i - 1].score);
    }
  }
  EXPECT_THAT(recs.items[0].reason, HasSubstr("because you liked"));
}

TEST_F(RecommendationEngineTest, UserWithoutHistoryGetsPopularItems) {
  auto recs = engine.recommend({.user_id = "someone-new", .domain = "movies", .top_k = 5});
  EXPECT_TRUE(recs.cold_start);
  EXPECT_EQ(recs.models_used, std::vector<std::string>{"popularity"});
  ASSERT_EQ(recs.items.size(), 5u);
  EXPECT_THAT(recs.items[0].reason, HasSubstr("popular"));
}

TEST_F(RecommendationEngineTest, AQueryAloneFindsItemsWhoseTextMatches) {
  // The hashing encoder on the seeded catalog: the movies described as a space adventure (all science
  // fiction) come before everything else.
  std::set<std::string> matching;
  for (const auto& item : seeded.warehouse->list_items("movies")) {
    if (item.description.find("space adventure") != std::string::npos) {
      EXPECT_THAT(item.tags, ::testing::Contains("Sci-Fi"));
      matching.insert(item.item_id);
    }
  }
  ASSERT_FALSE(matching.empty());
  auto recs = engine.recommend(
      {.user_id = "someone-new", .domain = "movies", .top_k = matching.size(), .query_text = "space adventure"});
  EXPECT_TRUE(recs.cold_start) << "no history: the query alone decides";
  EXPECT_EQ(recs.models_used, std::vector<std::string>{"embedding"});
  std::set<std::string> found;
  for (const auto& item : recs.items) {
    found.insert(item.item_id);
    EXPECT_EQ(item.reason, "matches 'space adventure'");
  }
  EXPECT_EQ(found, matching);
  // A user with a history gets the query blended in with it: the matching movies the user has not seen yet
  // move into the list.
  std::string user;
  for (int u = 1; u <= 60 && user.empty(); ++u) {
    const auto seen = history("user" + std::to_string(u), "movies");
    const bool none_seen = std::none_of(matching.begin(), matching.end(), [&](const auto& id) { return seen.count(id); });
    if (seen.size() >= 5 && none_seen) user = "user" + std::to_string(u);
  }
  ASSERT_FALSE(user.empty()) << "no user with a history but none of the matching movies";
  const std::size_t unseen_matching = matching.size();
  auto count_matching = [&](const Recommendations& r) {
    std::size_t n = 0;
    for (const auto& item : r.items) n += matching.count(item.item_id);
    return n;
  };
  const RecommendRequest plain{.user_id = user, .domain = "movies", .top_k = 10, .model_types = {"embedding"}};
  RecommendRequest with_query = plain;
  with_query.query_text = "space adventure";
  EXPECT_EQ(count_matching(engine.recommend(with_query)), unseen_matching);
  EXPECT_LT(count_matching(engine.recommend(plain)), unseen_matching);
}

TEST_F(RecommendationEngineTest, ANewLikeChangesTheNextListWithoutRetraining) {
  // A brand-new user likes two items: the list follows them at once (fold-in from the live row).
  auto before = engine.recommend({.user_id = "newcomer", .domain = "movies", .top_k = 10});
  auto like = [&](const std::string& item) {
    warehouse::InteractionRecord r{.user_id = "newcomer", .domain = "movies", .item_id = item, .type = "like",
                                   .weight = 4.0, .timestamp_us = now_us()};
    engine.observe(std::span<const warehouse::InteractionRecord>(&r, 1));
  };
  like(before.items[3].item_id);
  like(before.items[4].item_id);
  auto after = engine.recommend({.user_id = "newcomer", .domain = "movies", .top_k = 10});
  EXPECT_FALSE(after.cold_start);
  std::vector<std::string> a, b;
  for (const auto& i : before.items) a.push_back(i.item_id);
  for (const auto& i : after.items) b.push_back(i.item_id);
  EXPECT_NE(a, b);
  EXPECT_THAT(b, ::testing::Not(::testing::Contains(before.items[3].item_id)));
}

TEST_F(RecommendationEngineTest, DislikedItemsAreNeverReturnedEvenWhenConsumedOnesMayBe) {
  auto recs = engine.recommend({.user_id = "user2", .domain = "movies", .top_k = 80,
                                .filters = {.include_consumed = true}});
  ASSERT_FALSE(recs.items.empty());
  const std::string target = recs.items[0].item_id;
  warehouse::InteractionRecord r{.user_id = "user2", .domain = "movies", .item_id = target, .type = "dislike",
                                 .weight = -40.0, .timestamp_us = now_us()};
  engine.observe(std::span<const warehouse::InteractionRecord>(&r, 1));
  auto again = engine.recommend({.user_id = "user2", .domain = "movies", .top_k = 80,
                                 .filters = {.include_consumed = true}});
  for (const auto& i : again.items) EXPECT_NE(i.item_id, target);
}

TEST_F(RecommendationEngineTest, ForgettingTheLatestRatingRestoresTheOneBefore) {
  const std::int64_t t = now_us();
  const std::vector<warehouse::InteractionRecord> rows = {{.user_id = "rater",
                                                           .domain = "movies",
                                                           .item_id = "movie_2",
                                                           .type = "rating",
                                                           .rating = 5.0,
                                                           .weight = 1,
                                                           .timestamp_us = t - 1000},
                                                          {.user_id = "rater",
                                                           .domain = "movies",
                                                           .item_id = "movie_2",
                                                           .type = "rating",
                                                           .rating = 1.0,
                                                           .weight = 1,
                                                           .timestamp_us = t},
                                                          {.user_id = "rater",
                                                           .domain = "movies",
                                                           .item_id = "movie_3",
                                                           .type = "like",
                                                           .weight = 1,
                                                           .timestamp_us = t}};
  engine.observe(rows);
  auto cell = [&](const std::string& item) -> std::optional<LiveEntry> {
    for (const auto& e : engine.live("movies").row("rater")) {
      if (engine.live("movies").item_name(e.item) == item) return e;
    }
    return std::nullopt;
  };
  ASSERT_TRUE(cell("movie_2"));
  EXPECT_TRUE(cell("movie_2")->disliked) << "the latest rating, 1 of 5, counts";
  engine.forget_interaction(rows[1], std::span(rows).first(1));
  ASSERT_TRUE(cell("movie_2"));
  EXPECT_FALSE(cell("movie_2")->disliked) << "the 5 before it counts again";
  engine.forget_interaction(rows[0], {});
  EXPECT_FALSE(cell("movie_2")) << "no interaction with movie_2 is left";
  EXPECT_TRUE(cell("movie_3"));
  engine.forget_user("rater");
  EXPECT_TRUE(engine.live("movies").row("rater").empty());
  EXPECT_TRUE(engine.recommend({.user_id = "rater", .domain = "movies", .top_k = 5}).cold_start);
}

TEST_F(RecommendationEngineTest, MusicMayRepeatAfterItsCooldown) {
  // Seeded plays are up to 90 days old; music's cool-down is 3 days, so old plays may come back, while a
  // song played just now may not.
  const auto seen = history("user1", "music");
  auto recs = engine.recommend({.user_id = "user1", .domain = "music", .top_k = 60});
  std::size_t repeats = 0;
  for (const auto& i : recs.items) repeats += seen.count(i.item_id);
  EXPECT_GT(repeats, 0u);
  const std::string just_played = recs.items[0].item_id;
  warehouse::InteractionRecord r{.user_id = "user1", .domain = "music", .item_id = just_played, .type = "play",
                                 .weight = 1.0, .timestamp_us = now_us()};
  engine.observe(std::span<const warehouse::InteractionRecord>(&r, 1));
  for (const auto& i : engine.recommend({.user_id = "user1", .domain = "music", .top_k = 60}).items) {
    EXPECT_NE(i.item_id, just_played);
  }
}

TEST_F(RecommendationEngineTest, FiltersRestrictTheCandidates) {
  std::set<std::string> only = {"movie_1", "movie_2", "movie_3", "movie_4"};
  auto recs = engine.recommend({.user_id = "user3", .domain = "movies", .top_k = 10,
                                .filters = {.only_items = only, .include_consumed = true}});
  ASSERT_FALSE(recs.items.empty());
  for (const auto& i : recs.items) EXPECT_TRUE(only.count(i.item_id)) << i.item_id;
}

TEST_F(RecommendationEngineTest, BadRequestsNameTheField) {
  auto field_of = [&](RecommendRequest r) {
    try {
      engine.recommend(r);
    } catch (const Error& e) {
      return e.field();
    }
    return std::string("no error");
  };
  EXPECT_EQ(field_of({.user_id = "user1", .domain = "books"}), "domain");
  EXPECT_EQ(field_of({.user_id = "user1", .domain = "movies", .top_k = 0}), "top_k");
  EXPECT_EQ(field_of({.user_id = "user1", .domain = "movies", .model_types = {"magic"}}), "model_types");
  EXPECT_EQ(field_of({.user_id = "", .domain = "movies"}), "user_id");
}

TEST_F(RecommendationEngineTest, SimilarItemsComeFromItemKnn) {
  auto similar = engine.similar_items("movies", "movie_1", 5);
  ASSERT_EQ(similar.size(), 5u);
  for (const auto& s : similar) EXPECT_NE(s.item_id, "movie_1");
  EXPECT_THROW(engine.similar_items("movies", "movie_999999", 5), Error);
}

TEST_F(RecommendationEngineTest, PublishingSwapsModelsWhileServing) {
  const int before = engine.models("movies")->models.at("knn").meta.version;
  std::atomic<bool> stop{false};
  std::atomic<int> served{0}, failed{0};
  std::thread reader([&] {
    while (!stop) {
      try {
        if (engine.recommend({.user_id = "user5", .domain = "movies", .top_k = 10}).items.size() == 10) ++served;
      } catch (...) {
        ++failed;
      }
    }
  });
  // Requests are served before the training, and again after the swap (spin: never a fixed sleep).
  while (served == 0 && failed == 0) std::this_thread::yield();
  pipeline.run("movies", {"knn"});
  engine.publish("movies");
  const int at_publish = served;
  while (served == at_publish && failed == 0) std::this_thread::yield();
  stop = true;
  reader.join();
  EXPECT_EQ(failed, 0);
  EXPECT_GT(served, 0);
  EXPECT_EQ(engine.models("movies")->models.at("knn").meta.version, before + 1);
}

TEST_F(RecommendationEngineTest, ARestartServesTheSameListsWithoutTraining) {
  auto first = engine.recommend({.user_id = "user7", .domain = "movies", .top_k = 10});
  RecommendationEngine restarted(*seeded.warehouse, store, seeded.config);
  restarted.start();
  auto second = restarted.recommend({.user_id = "user7", .domain = "movies", .top_k = 10});
  ASSERT_EQ(first.items.size(), second.items.size());
  for (std::size_t i = 0; i < first.items.size(); ++i) {
    EXPECT_EQ(first.items[i].item_id, second.items[i].item_id);
    EXPECT_DOUBLE_EQ(first.items[i].score, second.items[i].score);
  }
}

TEST_F(RecommendationEngineTest, WhenNoStoredModelLoadsPopularityComesFromTheWarehouse) {
  // Every stored version of every movies model damaged (a disk fault, a bad copy): none loads.
  for (const auto& file : std::filesystem::recursive_directory_iterator(seeded.config.models.store_dir)) {
    if (file.path().filename() == "model.bin" && file.path().string().find("/movies/") != std::string::npos) {
      std::ofstream(file.path(), std::ios::binary | std::ios::trunc) << "damaged";
    }
  }
  RecommendationEngine restarted(*seeded.warehouse, store, seeded.config);
  restarted.start();
  const auto set = restarted.models("movies");
  ASSERT_EQ(set->models.size(), 1u);
  EXPECT_EQ(set->models.at("popularity").meta.version, 0) << "computed, not stored";
  for (const std::string user : {"user3", "someone-new"}) {
    auto recs = restarted.recommend({.user_id = user, .domain = "movies", .top_k = 10});
    EXPECT_EQ(recs.items.size(), 10u) << user;
    EXPECT_EQ(recs.models_used, std::vector<std::string>{"popularity"}) << user;
  }
  // It ranks as the stored popularity model did: the same items first for a new user.
  auto stored = engine.recommend({.user_id = "someone-new", .domain = "movies", .top_k = 5});
  auto computed = restarted.recommend({.user_id = "someone-new", .domain = "movies", .top_k = 5});
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(stored.items[i].item_id, computed.items[i].item_id) << i;
}

}  // namespace
}  // namespace mxn::engine
