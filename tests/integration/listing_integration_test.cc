// Listing and paging through the real server: the catalog (GET /items/{domain}, by tag), users (GET /users),
// a user's history by cursor, and similar users.

#include <set>
#include <string>
#include <vector>

#include "integration/api_fixture.h"
#include "warehouse/connection.h"

namespace mxn::api {
namespace {

class ListingTest : public ApiTest {
 protected:
  std::int64_t count(const std::string& sql) {
    return seeded.warehouse->connections().acquire()->query(sql).scalar_int64();
  }
  /// Every row of a paged listing, following next_offset; checks the pages' fields on the way.
  std::vector<json> all_pages(const std::string& path, std::size_t limit) {
    std::vector<json> rows;
    std::size_t offset = 0;
    for (;;) {
      const char sep = path.find('?') == std::string::npos ? '?' : '&';
      const json page =
          get(path + sep + "offset=" + std::to_string(offset) + "&limit=" + std::to_string(limit));
      EXPECT_EQ(page["offset"], offset);
      EXPECT_EQ(page["limit"], limit);
      EXPECT_EQ(page["count"], page["items"].size());
      EXPECT_LE(page["items"].size(), limit);
      for (const auto& row : page["items"]) rows.push_back(row);
      if (page["next_offset"].is_null()) break;
      EXPECT_EQ(page["items"].size(), limit) << "only the last page is short";
      offset = page["next_offset"];
      if (rows.size() > 100000) break;
    }
    return rows;
  }
};

TEST_F(ListingTest, TheCatalogPagesThroughEveryItemInOrderAndFiltersByTag) {
  const auto rows = all_pages("/items/movies", 7);
  ASSERT_EQ(static_cast<std::int64_t>(rows.size()),
            count("SELECT count(*) FROM items_catalog WHERE domain = 'movies'"));
  for (std::size_t i = 1; i < rows.size(); ++i) {
    EXPECT_LT(rows[i - 1]["item_id"].get<std::string>(), rows[i]["item_id"].get<std::string>());
  }
  EXPECT_EQ(rows[0], get("/items/movies/" + rows[0]["item_id"].get<std::string>()))
      << "the same fields as GET";

  const std::string tag = rows[0]["tags"].at(0);
  const auto tagged = all_pages("/items/movies?tag=" + tag, 5);
  EXPECT_EQ(static_cast<std::int64_t>(tagged.size()),
            count("SELECT count(*) FROM items_catalog WHERE domain = 'movies' AND list_contains(tags, '" +
                  tag + "')"));
  for (const auto& item : tagged)
    EXPECT_THAT(item["tags"].get<std::vector<std::string>>(), ::testing::Contains(tag));
  std::string upper = tag;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(get("/items/movies?limit=1000&tag=" + upper)["count"], tagged.size()) << "tags match in any case";
  EXPECT_EQ(get("/items/movies?tag=no-such-tag")["items"].size(), 0u);

  EXPECT_EQ(get("/items/books", 404)["error"]["field"], "domain");
  EXPECT_EQ(get("/items/movies?limit=0", 422)["error"]["field"], "limit");
  EXPECT_EQ(get("/items/movies?limit=1001", 422)["error"]["field"], "limit");
  EXPECT_EQ(get("/items/movies?offset=-1", 422)["error"]["field"], "offset");
  EXPECT_TRUE(get("/items/movies?offset=100000")["items"].empty());
}

TEST_F(ListingTest, UsersPageThroughAllOrThoseOfADomain) {
  post("/interactions",
       {{"user_id", "only-music"}, {"domain", "music"}, {"item_id", "song_1"}, {"interaction_type", "play"}},
       201);
  const auto all = all_pages("/users", 13);
  EXPECT_EQ(static_cast<std::int64_t>(all.size()), count("SELECT count(*) FROM users"));
  const auto movies = all_pages("/users?domain=movies", 13);
  EXPECT_EQ(static_cast<std::int64_t>(movies.size()),
            count("SELECT count(DISTINCT user_id) FROM user_interactions WHERE domain = 'movies'"));
  std::set<std::string> movie_users;
  for (const auto& u : movies) movie_users.insert(u["user_id"]);
  EXPECT_FALSE(movie_users.contains("only-music"));
  bool listed = false;
  for (const auto& u : all_pages("/users?domain=music", 50)) listed = listed || u["user_id"] == "only-music";
  EXPECT_TRUE(listed);
  for (const auto& u : movies)
    EXPECT_LE(u["first_seen"].get<std::string>(), u["last_seen"].get<std::string>());
  EXPECT_EQ(get("/users?domain=books", 404)["error"]["field"], "domain");
}

TEST_F(ListingTest, HistoryCursorsWalkTheWholeHistoryOnceNewestFirst) {
  const json full = get("/users/user1/history?limit=10000");
  ASSERT_GT(full["items"].size(), 10u);
  EXPECT_TRUE(full["next_cursor"].is_null());
  std::vector<json> walked;
  std::string cursor;
  for (int pages = 0; pages < 1000; ++pages) {
    const json page = get("/users/user1/history?limit=4" + (cursor.empty() ? "" : "&cursor=" + cursor));
    for (const auto& x : page["items"]) walked.push_back(x);
    if (page["next_cursor"].is_null()) break;
    EXPECT_EQ(page["items"].size(), 4u);
    cursor = page["next_cursor"];
  }
  EXPECT_EQ(json(walked), full["items"]);

  // A row written after the walk started does not shift later pages (unlike an offset).
  const json first = get("/users/user1/history?limit=3");
  post("/interactions",
       {{"user_id", "user1"}, {"domain", "movies"}, {"item_id", "movie_2"}, {"interaction_type", "view"}},
       201);
  const json second = get("/users/user1/history?limit=3&cursor=" + first["next_cursor"].get<std::string>());
  EXPECT_EQ(second["items"][0], full["items"][3]);

  for (const std::string bad : {"abc", "12", "12:", ":3", "1:2:3", "99999999999999999999:1"}) {
    EXPECT_EQ(get("/users/user1/history?cursor=" + bad, 422)["error"]["field"], "cursor") << bad;
  }
}

TEST_F(ListingTest, SimilarUsersShareLikedItemsAndLeaveWhenDeleted) {
  for (const std::string user : {"twin-a", "twin-b", "half"}) {
    for (int i = 1; i <= (user == "half" ? 3 : 6); ++i) {
      post("/interactions",
           {{"user_id", user},
            {"domain", "movies"},
            {"item_id", "movie_" + std::to_string(100 + i)},
            {"interaction_type", "like"}},
           201);
    }
  }
  const json similar = get("/users/twin-a/similar?domain=movies&top_k=5");
  EXPECT_EQ(similar["user_id"], "twin-a");
  ASSERT_GE(similar["users"].size(), 2u);
  EXPECT_EQ(similar["users"][0]["user_id"], "twin-b");
  EXPECT_NEAR(similar["users"][0]["score"].get<double>(), 1.0, 1e-6);
  EXPECT_EQ(similar["users"][0]["items_in_common"], 6);
  EXPECT_EQ(similar["users"][1]["user_id"], "half");
  EXPECT_NEAR(similar["users"][1]["score"].get<double>(), 3 / std::sqrt(18.0), 1e-5);
  double previous = 2;
  for (const auto& u : similar["users"]) {
    EXPECT_NE(u["user_id"], "twin-a");
    EXPECT_LE(u["score"].get<double>(), previous);
    previous = u["score"];
  }
  EXPECT_LE(similar["users"].size(), 5u);

  del("/users/twin-b", 200);
  EXPECT_EQ(get("/users/twin-a/similar?domain=movies&top_k=5")["users"][0]["user_id"], "half");
  EXPECT_TRUE(get("/users/twin-a/similar?domain=music")["users"].empty()) << "no row in that domain";
  EXPECT_EQ(get("/users/twin-b/similar?domain=movies", 404)["error"]["field"], "user_id");
  EXPECT_EQ(get("/users/twin-a/similar", 422)["error"]["field"], "domain");
  EXPECT_EQ(get("/users/twin-a/similar?domain=movies&top_k=0", 422)["error"]["field"], "top_k");
}

}  // namespace
}  // namespace mxn::api
