// The original system's own query example on `make run`'s demo data, with the shipped config: a query steers
// the list, for a user with a history and for one without.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../training/seeded_warehouse.h"
#include "engine/recommendation_engine.h"
#include "training/training_pipeline.h"

namespace mxn::engine {
namespace {

class QueryOnDemoDataTest : public ::testing::Test {
 protected:
  static config::Config shipped() {
    return config::load(std::string(MXN_SOURCE_DIR) + "/config/config.yaml");
  }
  QueryOnDemoDataTest()
      : seeded(data::SeedOptions{}, shipped()),
        store(seeded.config.models.store_dir, 3),
        engine(*seeded.warehouse, store, seeded.config) {
    training::TrainingPipeline(*seeded.warehouse, store, seeded.config).run("movies");
    engine.start();
  }

  /// How many of the list's items are tagged Sci-Fi or Action.
  int sci_fi_or_action(const Recommendations& recs) const {
    int n = 0;
    for (const auto& item : recs.items) {
      const auto entry = engine.catalog().get("movies", item.item_id);
      if (entry && std::any_of(entry->tags.begin(), entry->tags.end(),
                               [](const std::string& t) { return t == "Sci-Fi" || t == "Action"; })) {
        ++n;
      }
    }
    return n;
  }

  testing::SeededWarehouse seeded;
  ModelStore store;
  RecommendationEngine engine;
};

TEST_F(QueryOnDemoDataTest, TheOriginalExampleReturnsSciFiAndActionForAKnownAndAnUnknownUser) {
  for (const std::string user : {"user1", "someone-new"}) {
    const auto recs = engine.recommend({.user_id = user, .domain = "movies", .top_k = 10,
                                        .model_types = {"knn", "collab", "embedding"},
                                        .query_text = "sci-fi action movies"});
    ASSERT_EQ(recs.items.size(), 10u) << user;
    EXPECT_GE(sci_fi_or_action(recs), 8) << user;
    EXPECT_EQ(recs.cold_start, user == "someone-new") << "cold_start tells whether the user has a history";
  }
}

TEST_F(QueryOnDemoDataTest, TheUsersTasteOrdersTheMatches) {
  const auto with_query = engine.recommend({.user_id = "user1", .domain = "movies", .top_k = 10,
                                            .query_text = "sci-fi action movies"});
  const auto query_alone = engine.recommend({.user_id = "someone-new", .domain = "movies", .top_k = 10,
                                             .query_text = "sci-fi action movies"});
  std::vector<std::string> a, b;
  for (const auto& item : with_query.items) a.push_back(item.item_id);
  for (const auto& item : query_alone.items) b.push_back(item.item_id);
  EXPECT_NE(a, b) << "a user with a history gets the matches in their own order";
  EXPECT_THAT(with_query.models_used, ::testing::Contains("embedding"));
  EXPECT_GE(with_query.models_used.size(), 2u);
}

}  // namespace
}  // namespace mxn::engine
