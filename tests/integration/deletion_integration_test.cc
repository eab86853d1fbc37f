// Deletion through the real server: a user, an item, one interaction. Effective from the acknowledgement on,
// before any retraining, and across a restart.

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "integration/api_fixture.h"
#include "warehouse/connection.h"

namespace mxn::api {
namespace {

std::set<std::string> ids_of(const json& list) {
  std::set<std::string> out;
  for (const auto& x : list["items"]) out.insert(x["item_id"].get<std::string>());
  return out;
}

class DeletionTest : public ApiTest {
 protected:
  std::int64_t count(const std::string& sql) {
    return seeded.warehouse->connections().acquire()->query(sql).scalar_int64();
  }
};

TEST_F(DeletionTest, ADeletedUsersDataIsGoneAndTheirNextRequestIsAColdStart) {
  const json ask = {{"user_id", "user1"}, {"domain", "movies"}, {"top_k", 10}};
  EXPECT_FALSE(post("/recommendations", ask, 200)["cold_start"].get<bool>());
  EXPECT_GT(count("SELECT count(*) FROM user_interactions WHERE user_id = 'user1'"), 0);

  const json deleted = del("/users/user1", 200);
  EXPECT_EQ(deleted["status"], "deleted");
  EXPECT_GT(deleted["interactions"].get<int>(), 0);
  EXPECT_GE(deleted["served_lists"].get<int>(), 1) << "the list served just before is removed too";
  EXPECT_EQ(count("SELECT count(*) FROM user_interactions WHERE user_id = 'user1'"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM recommendations WHERE user_id = 'user1'"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM users WHERE user_id = 'user1'"), 0);
  EXPECT_EQ(get("/users/user1/history", 404)["error"]["field"], "user_id");
  EXPECT_EQ(del("/users/user1", 404)["error"]["field"], "user_id");
  EXPECT_EQ(del("/users/nobody-ever", 404)["error"]["field"], "user_id");

  const json after = post("/recommendations", ask, 200);
  EXPECT_TRUE(after["cold_start"].get<bool>());
  EXPECT_EQ(after["items"].size(), 10u);

  stop();
  start();
  EXPECT_TRUE(post("/recommendations", ask, 200)["cold_start"].get<bool>()) << "after a restart too";
}

TEST_F(DeletionTest, ADeletedItemIsNeverOfferedAgainEvenBeforeRetraining) {
  const std::string item =
      post("/recommendations", {{"user_id", "user2"}, {"domain", "movies"}, {"top_k", 1}},
           200)["items"][0]["item_id"];
  // An item whose similar items include it, to see it leave that list too.
  const std::string neighbour = get("/items/movies/" + item + "/similar?top_k=1")["items"][0]["item_id"];
  ASSERT_TRUE(ids_of(get("/items/movies/" + neighbour + "/similar?top_k=50")).contains(item));
  const auto interactions = count("SELECT count(*) FROM user_interactions WHERE item_id = '" + item + "'");

  const json deleted = del("/items/movies/" + item, 200);
  EXPECT_EQ(deleted["interactions"], interactions);
  EXPECT_EQ(count("SELECT count(*) FROM user_interactions WHERE item_id = '" + item + "'"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM items_catalog WHERE item_id = '" + item + "'"), 0);
  EXPECT_EQ(get("/items/movies/" + item, 404)["error"]["field"], "item_id");
  EXPECT_EQ(get("/items/movies/" + item + "/similar", 404)["error"]["field"], "item_id");
  EXPECT_EQ(del("/items/movies/" + item, 404)["error"]["field"], "item_id");
  EXPECT_EQ(del("/items/books/" + item, 404)["error"]["field"], "domain");

  auto never_offered = [&] {
    for (int u = 1; u <= 60; ++u) {
      const std::string user = "user" + std::to_string(u);
      for (const json& models : {json::array(), json{"knn"}, json{"collab"}, json{"embedding"}}) {
        json ask = {{"user_id", user}, {"domain", "movies"}, {"top_k", 20}};
        if (!models.empty()) ask["model_types"] = models;
        const json list = post("/recommendations", ask, 200);
        EXPECT_EQ(list["items"].size(), 20u) << user << " " << models.dump();
        EXPECT_FALSE(ids_of(list).contains(item)) << user << " " << models.dump();
      }
      EXPECT_FALSE(ids_of(get("/automation/weekly-movies/" + user)).contains(item)) << user;
    }
    const json similar = get("/items/movies/" + neighbour + "/similar?top_k=50");
    EXPECT_EQ(similar["items"].size(), 50u);
    EXPECT_FALSE(ids_of(similar).contains(item));
  };
  never_offered();
  stop();
  start();
  never_offered();  // the deletion is kept in the warehouse (deleted_items), the models are as they were

  // An item that comes back (a catalog upsert) is an item again.
  post("/items", {{"domain", "movies"}, {"item_id", item}, {"title", "Back again"}}, 201);
  EXPECT_EQ(get("/items/movies/" + item)["title"], "Back again");
  EXPECT_EQ(get("/items/movies/" + item + "/similar?top_k=5")["items"].size(), 5u);
}

TEST_F(DeletionTest, ADeletedTaskLeavesThePrioritisedList) {
  const json plan = get("/automation/task-prioritization/user1");
  ASSERT_FALSE(plan["items"].empty());
  const std::string task = plan["items"][0]["item_id"];
  del("/items/tasks/" + task, 200);
  EXPECT_FALSE(ids_of(get("/automation/task-prioritization/user1")).contains(task));
}

TEST_F(DeletionTest, DeletingOneInteractionUndoesItInTheUsersLiveState) {
  const json like = {
      {"user_id", "one-like"}, {"domain", "movies"}, {"item_id", "movie_5"}, {"interaction_type", "like"}};
  const json ask = {{"user_id", "one-like"}, {"domain", "movies"}, {"top_k", 10}};
  const auto id = post("/interactions", like, 201)["id"].get<std::int64_t>();
  const json warm = post("/recommendations", ask, 200);
  EXPECT_FALSE(warm["cold_start"].get<bool>());
  EXPECT_FALSE(ids_of(warm).contains("movie_5")) << "consumed";

  const json deleted = del("/interactions/" + std::to_string(id), 200);
  EXPECT_EQ(deleted["user_id"], "one-like");
  EXPECT_EQ(deleted["item_id"], "movie_5");
  EXPECT_EQ(count("SELECT count(*) FROM user_interactions WHERE id = " + std::to_string(id)), 0);
  EXPECT_TRUE(post("/recommendations", ask, 200)["cold_start"].get<bool>()) << "nothing left to go on";
  EXPECT_TRUE(get("/users/one-like/history")["items"].empty());

  EXPECT_EQ(del("/interactions/" + std::to_string(id), 404)["error"]["field"], "id");
  EXPECT_EQ(del("/interactions/abc", 422)["error"]["field"], "id");
  EXPECT_EQ(del("/interactions/-3", 422)["error"]["field"], "id");
  EXPECT_EQ(del("/interactions/99999999999999999999", 422)["error"]["field"], "id");
}

TEST_F(DeletionTest, WritesAndDeletionsRacingLeaveTheStateARestartRebuilds) {
  // Interactions committed around a deletion must reach memory in the warehouse's order: a row committed
  // before the deletion and observed after it would bring back a deleted user's row or item until a restart.
  auto like = [](int n) {
    return json{{"user_id", "racer"},
                {"domain", "movies"},
                {"item_id", "movie_" + std::to_string(1 + n % 30)},
                {"interaction_type", "like"}};
  };
  std::atomic<bool> done = false;
  std::vector<std::thread> writers;
  for (int t = 0; t < 3; ++t) {
    writers.emplace_back([&, t] {
      testing::HttpClient own(server->port());
      for (int n = 0; n < 150; ++n) {
        const auto res = own.post("/interactions", like(t * 150 + n).dump());
        EXPECT_TRUE(res && res->status == 201);
      }
    });
  }
  std::thread deleter([&] {
    testing::HttpClient own(server->port());
    for (int n = 0; !done; ++n) {
      const auto res = own.request(boost::beast::http::verb::delete_,
                                   n % 3 == 0 ? "/items/movies/movie_7" : "/users/racer", "");
      EXPECT_TRUE(res && (res->status == 200 || res->status == 404));
    }
  });
  for (auto& w : writers) w.join();
  done = true;
  deleter.join();
  post("/interactions", like(6), 201);  // the item deleted last is back, the user has a row either way

  const json ask = {{"user_id", "racer"}, {"domain", "movies"}, {"top_k", 20}};
  const json before = post("/recommendations", ask, 200);
  std::set<std::string> consumed;
  const json history = get("/users/racer/history?limit=10000");
  for (const auto& x : history["items"]) consumed.insert(x["item_id"]);
  for (const auto& id : ids_of(before)) EXPECT_FALSE(consumed.contains(id)) << id << " is in the history";
  stop();
  start();
  const json after = post("/recommendations", ask, 200);
  EXPECT_EQ(before["cold_start"], after["cold_start"]);
  EXPECT_EQ(ids_of(before), ids_of(after)) << "memory before the restart differed from the warehouse";
}

}  // namespace
}  // namespace mxn::api
