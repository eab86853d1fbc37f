#include "automation/weekly_movies.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <set>

#include "automation/jaccard.h"
#include "core/time.h"
#include "trained_engine.h"

namespace mxn::automation {
namespace {

data::SeedOptions movie_seed() {
  data::SeedOptions o;
  o.users = 50;
  o.items = 120;
  o.interactions = 5000;
  o.domains = {"movies"};
  return o;
}

/// Mean Jaccard similarity of the genres over all pairs: lower = more diverse.
double intra_list_similarity(const WeeklyMovies& list) {
  double sum = 0;
  int pairs = 0;
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    for (std::size_t j = i + 1; j < list.items.size(); ++j, ++pairs) {
      sum += jaccard(list.items[i].genres, list.items[j].genres);
    }
  }
  return pairs == 0 ? 0.0 : sum / pairs;
}

std::size_t distinct_genres(const WeeklyMovies& list) {
  std::set<std::string> genres;
  for (const auto& m : list.items) genres.insert(m.genres.begin(), m.genres.end());
  return genres.size();
}

class WeeklyMoviesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { env = std::make_unique<testing::TrainedEngine>(movie_seed()); }
  static void TearDownTestSuite() { env.reset(); }

  WeeklyMovies movies(const std::string& user, double lambda = 0.7) const {
    config::WeeklyMoviesConfig c;
    c.mmr_lambda = lambda;
    return weekly_movies(env->engine, c, {.user_id = user, .now_us = now});
  }

  static inline std::unique_ptr<testing::TrainedEngine> env;
  const std::int64_t now = mxn::now_us();
};

TEST_F(WeeklyMoviesTest, OnlyUnseenMoviesWithYearGenresAndReason) {
  for (const std::string user : {"user1", "user2", "user3"}) {
    const auto seen = env->history(user, "movies");
    ASSERT_FALSE(seen.empty());
    const auto list = movies(user);
    EXPECT_FALSE(list.cold_start);
    ASSERT_EQ(list.items.size(), 10u);
    std::set<std::string> ids;
    for (std::size_t i = 0; i < list.items.size(); ++i) {
      const auto& m = list.items[i];
      EXPECT_EQ(m.rank, static_cast<int>(i + 1));
      EXPECT_FALSE(seen.count(m.item_id)) << user << " has seen " << m.item_id;
      EXPECT_TRUE(ids.insert(m.item_id).second);
      EXPECT_TRUE(m.year.has_value());
      EXPECT_FALSE(m.genres.empty());
      EXPECT_FALSE(m.reason.empty());
      EXPECT_GE(m.relevance, 0.0);
      EXPECT_LE(m.relevance, 1.0);
    }
  }
}

TEST_F(WeeklyMoviesTest, AMovieJustWatchedDropsOut) {
  const auto before = movies("user7");
  ASSERT_FALSE(before.items.empty());
  env->observe("user7", "movies", before.items[0].item_id, "view", 1.0, now);
  for (const auto& m : movies("user7").items) EXPECT_NE(m.item_id, before.items[0].item_id);
}

TEST_F(WeeklyMoviesTest, LambdaOneIsTheEnginesRankingAndLambdaZeroIsMoreDiverse) {
  int strictly_more_diverse = 0;
  for (const std::string user : {"user1", "user2", "user3", "user4", "user5"}) {
    const auto relevant = movies(user, 1.0);
    const auto diverse = movies(user, 0.0);
    // The candidates are the engine's 50 best (5 x top_k, at least 50); lambda 1 keeps their order.
    const auto engine_list = env->engine.recommend({.user_id = user, .domain = "movies", .top_k = 50});
    ASSERT_EQ(relevant.items.size(), 10u);
    for (std::size_t i = 0; i < relevant.items.size(); ++i) {
      EXPECT_EQ(relevant.items[i].item_id, engine_list.items[i].item_id) << user << " at " << i;
    }
    ASSERT_EQ(diverse.items.size(), relevant.items.size());
    EXPECT_LE(intra_list_similarity(diverse), intra_list_similarity(relevant)) << user;
    EXPECT_GE(distinct_genres(diverse), distinct_genres(relevant)) << user;
    strictly_more_diverse += intra_list_similarity(diverse) < intra_list_similarity(relevant);
  }
  EXPECT_GE(strictly_more_diverse, 4);
}

TEST_F(WeeklyMoviesTest, UnknownUsersGetPopularMoviesAndJsonHasTheSharedShape) {
  const auto list = movies("someone-new");
  EXPECT_TRUE(list.cold_start);
  ASSERT_EQ(list.items.size(), 10u);
  const auto j = list.to_json();
  EXPECT_EQ(j.at("user_id"), "someone-new");
  EXPECT_EQ(j.at("domain"), "movies");
  EXPECT_EQ(j.at("generated_at"), format_iso8601(now));
  EXPECT_EQ(j.at("count"), 10);
  ASSERT_TRUE(j.at("items").is_array());
  for (const auto& item : j.at("items")) {
    for (const char* key : {"item_id", "title", "rank", "score", "reason", "year", "genres"}) {
      EXPECT_TRUE(item.contains(key)) << key;
    }
    EXPECT_TRUE(item.at("genres").is_array());
    EXPECT_TRUE(item.at("year").is_number_integer());
  }
  EXPECT_THROW(movies(""), Error);
}

}  // namespace
}  // namespace mxn::automation
