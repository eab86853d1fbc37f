#include "data/seed_generator.h"

#include "core/error.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <set>

namespace mxn::data {
namespace {

constexpr std::int64_t kNow = 1'760'000'000'000'000;  // fixed "now" so runs compare equal

SeedOptions small(std::uint64_t seed) {
  SeedOptions o;
  o.users = 50;
  o.items = 80;
  o.interactions = 5000;
  o.seed = seed;
  o.now_us = kNow;
  return o;
}

std::vector<Interaction> all_interactions(const SeedGenerator& g, std::size_t chunk = 1000) {
  std::vector<Interaction> out;
  g.interactions(chunk, [&](std::vector<Interaction>& c) { out.insert(out.end(), c.begin(), c.end()); });
  return out;
}

bool same(const Interaction& a, const Interaction& b) {
  return a.user_id == b.user_id && a.domain == b.domain && a.item_id == b.item_id && a.type == b.type &&
         a.rating == b.rating && a.timestamp_us == b.timestamp_us;
}

TEST(SeedGeneratorTest, SameSeedGivesSameData) {
  SeedGenerator a(small(7)), b(small(7));
  auto xa = all_interactions(a, 1000), xb = all_interactions(b, 333);  // chunking does not matter
  ASSERT_EQ(xa.size(), xb.size());
  for (std::size_t i = 0; i < xa.size(); ++i) ASSERT_TRUE(same(xa[i], xb[i])) << "interaction " << i;
  for (const auto& domain : a.options().domains) {
    auto ca = a.catalog(domain), cb = b.catalog(domain);
    ASSERT_EQ(ca.size(), cb.size());
    for (std::size_t i = 0; i < ca.size(); ++i) {
      EXPECT_EQ(ca[i].title, cb[i].title);
      EXPECT_EQ(ca[i].description, cb[i].description);
      EXPECT_EQ(ca[i].metadata, cb[i].metadata);
    }
  }
}

TEST(SeedGeneratorTest, TheDataIsTheSameWhicheverCompilerBuiltIt) {
  // `mxn seed` as README runs it (seed 42), pinned: draws in an order the language leaves to the compiler
  // would give other titles under clang than under GCC.
  SeedOptions o;
  o.users = 50;
  o.items = 200;
  o.interactions = 2000;
  const auto movies = SeedGenerator(o).catalog("movies");
  EXPECT_EQ(movies[1].title, "The Cellar Whispers (1974)");
  EXPECT_EQ(movies[1].description,
            "A story of a haunted house with a terrifying presence in the cellar, and filmmakers follow "
            "climbers on the world's highest peaks.");
  EXPECT_EQ(movies[2].title, "The Dragon Little (2017)");
  EXPECT_EQ(movies[2].description,
            "A story of toys that come alive at night, and a psychological thriller with a shocking twist.");
}

TEST(SeedGeneratorTest, DifferentSeedGivesDifferentData) {
  auto xa = all_interactions(SeedGenerator(small(1)));
  auto xb = all_interactions(SeedGenerator(small(2)));
  std::size_t differing = 0;
  for (std::size_t i = 0; i < std::min(xa.size(), xb.size()); ++i) differing += !same(xa[i], xb[i]);
  EXPECT_GT(differing, xa.size() / 2);
}

TEST(SeedGeneratorTest, CountsIdsAndValuesAreAsDocumented) {
  SeedGenerator g(small(3));
  auto xs = all_interactions(g);
  EXPECT_EQ(static_cast<std::int64_t>(xs.size()), g.options().interactions);
  std::map<std::string, std::set<std::string>> types_by_domain;
  const std::map<std::string, std::string> prefix = {
      {"movies", "movie_"}, {"music", "song_"}, {"tasks", "task_"}, {"notes", "note_"}};
  for (const auto& x : xs) {
    ASSERT_EQ(x.user_id.rfind("user", 0), 0u) << x.user_id;
    int u = std::stoi(x.user_id.substr(4));
    ASSERT_GE(u, 1);
    ASSERT_LE(u, 50);
    ASSERT_EQ(x.item_id.rfind(prefix.at(x.domain), 0), 0u) << x.item_id;
    int i = std::stoi(x.item_id.substr(prefix.at(x.domain).size()));
    ASSERT_GE(i, 1);
    ASSERT_LE(i, 80);
    ASSERT_TRUE(x.timestamp_us.has_value());
    ASSERT_LT(*x.timestamp_us, kNow);
    ASSERT_GE(*x.timestamp_us, kNow - 90LL * 86400 * 1000000);
    if (x.type == "rating") {
      ASSERT_TRUE(x.rating.has_value());
      ASSERT_GE(*x.rating, 0.5);
      ASSERT_LE(*x.rating, 5.0);
    } else {
      ASSERT_FALSE(x.rating.has_value());
    }
    types_by_domain[x.domain].insert(x.type);
  }
  EXPECT_TRUE(types_by_domain["movies"].count("rating"));
  EXPECT_TRUE(types_by_domain["music"].count("play"));
  EXPECT_TRUE(types_by_domain["music"].count("skip"));
  EXPECT_TRUE(types_by_domain["tasks"].count("complete"));
}

TEST(SeedGeneratorTest, CatalogsReadLikeRealOnes) {
  SeedGenerator g(small(4));
  auto movies = g.catalog("movies");
  ASSERT_EQ(movies.size(), 80u);
  EXPECT_EQ(movies[0].item_id, "movie_1");
  EXPECT_THAT(movies[0].title, ::testing::MatchesRegex(".* \\([0-9]{4}\\)"));
  EXPECT_FALSE(movies[0].description.empty());
  EXPECT_FALSE(movies[0].tags.empty());
  for (const auto& song : g.catalog("music")) {
    auto meta = nlohmann::json::parse(song.metadata);
    ASSERT_TRUE(meta.contains("artist"));
    ASSERT_TRUE(meta.contains("album"));
    EXPECT_NE(song.title.find(meta["artist"].get<std::string>()), std::string::npos);
  }
  std::set<std::string> statuses;
  for (const auto& task : g.catalog("tasks")) {
    auto meta = nlohmann::json::parse(task.metadata);
    int priority = meta.at("priority");
    EXPECT_GE(priority, 1);
    EXPECT_LE(priority, 4);
    EXPECT_THAT(meta.at("due_date").get<std::string>(), ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}"));
    EXPECT_GT(meta.at("estimate_minutes").get<int>(), 0);
    statuses.insert(meta.at("status"));
  }
  EXPECT_TRUE(statuses.count("open"));
  EXPECT_TRUE(statuses.count("done"));
  EXPECT_EQ(g.catalog("notes")[9].item_id, "note_10");
}

TEST(SeedGeneratorTest, UsersPreferTheirGenres) {
  // The planted taste shows in the data: a user's most frequent genre carries far more than 1/10 of plays.
  SeedOptions o = small(5);
  o.domains = {"movies"};
  o.interactions = 20000;
  SeedGenerator g(o);
  std::map<std::string, std::string> genre_of;
  for (const auto& item : g.catalog("movies")) genre_of[item.item_id] = item.tags.front();
  std::map<std::string, std::map<std::string, int>> counts;
  for (const auto& x : all_interactions(g)) counts[x.user_id][genre_of[x.item_id]]++;
  double top_share = 0;
  for (const auto& [user, by_genre] : counts) {
    int total = 0, top = 0;
    for (const auto& [genre, n] : by_genre) total += n, top = std::max(top, n);
    top_share += static_cast<double>(top) / total;
  }
  EXPECT_GT(top_share / static_cast<double>(counts.size()), 0.3);
}

TEST(SeedGeneratorTest, BadOptionsNameTheField) {
  SeedOptions o;
  o.users = 0;
  o.interactions = -1;
  try {
    SeedGenerator g(o);
    FAIL();
  } catch (const Error& e) {
    ASSERT_EQ(e.problems().size(), 2u);
    EXPECT_EQ(e.problems()[0].field, "users");
    EXPECT_EQ(e.problems()[1].field, "interactions");
  }
}

}  // namespace
}  // namespace mxn::data
