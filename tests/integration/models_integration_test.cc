// Model versions through the real server: GET /models/{domain}, a rollback (served at once and after a
// restart), and the quality gate keeping a broken retrain (shuffled interactions) from being served.

#include <map>
#include <string>

#include "integration/api_fixture.h"
#include "warehouse/connection.h"

namespace mxn::api {
namespace {

class ModelsTest : public ApiTest {
 protected:
  /// model -> its entry in GET /models/movies.
  std::map<std::string, json> models() {
    std::map<std::string, json> out;
    const json listed = get("/models/movies");  // named: a range-for over a temporary's member would dangle
    for (const auto& m : listed["models"]) out[m["model"].get<std::string>()] = m;
    return out;
  }
  json train() {
    auto res = client->post("/training/train?domain=movies&wait=true", "");
    EXPECT_TRUE(res && res->status == 200) << (res ? res->body : "no answer");
    return res ? json::parse(res->body)["summaries"][0] : json();
  }
  std::string metrics_text() { return client->get("/metrics")->body; }
};

TEST_F(ModelsTest, EveryModelListsItsVersionsWithMetricsAndTheOneServed) {
  const auto listed = models();
  for (const std::string name : {"popularity", "knn", "collab", "embedding"}) {
    ASSERT_TRUE(listed.contains(name)) << name;
    const json& m = listed.at(name);
    EXPECT_EQ(m["serving_version"], 1) << name;
    ASSERT_EQ(m["versions"].size(), 1u);
    EXPECT_EQ(m["versions"][0]["status"], "serving");
    EXPECT_TRUE(m["versions"][0]["held_back"].is_null());
    EXPECT_TRUE(m["versions"][0]["metrics"].contains("ndcg@10")) << m.dump();
  }
  EXPECT_EQ(get("/models/books", 404)["error"]["field"], "domain");
}

TEST_F(ModelsTest, ARollbackIsServedAtOnceAndSurvivesARestart) {
  const json ask = {{"user_id", "user5"}, {"domain", "movies"}, {"top_k", 10}, {"model_types", {"knn"}}};
  const json with_v1 = post("/recommendations", ask, 200);
  for (int i = 0; i < 40; ++i) {  // new data, so that v2 is trained on something else
    post("/interactions",
         {{"user_id", "newcomer" + std::to_string(i % 7)},
          {"domain", "movies"},
          {"item_id", "movie_" + std::to_string(i % 11)},
          {"interaction_type", "like"}},
         201);
  }
  const json summary = train();
  for (const auto& m : summary["models"]) EXPECT_EQ(m["status"], "succeeded") << m.dump();
  EXPECT_EQ(models()["knn"]["serving_version"], 2);

  const json rolled = post("/models/movies/knn/rollback?version=1", json::object(), 200);
  EXPECT_EQ(rolled["serving_version"], 1);
  EXPECT_EQ(rolled["previous_version"], 2);
  EXPECT_EQ(rolled["versions"][0]["version"], 2);
  EXPECT_EQ(rolled["versions"][0]["status"], "available");
  EXPECT_EQ(rolled["versions"][1]["status"], "serving");
  EXPECT_EQ(models()["collab"]["serving_version"], 2) << "the other models stay as they were";
  EXPECT_THAT(metrics_text(), ::testing::HasSubstr("mxn_model_version{domain=\"movies\",model=\"knn\"} 1"));
  std::string stats_version;
  const json stats = get("/training/stats?domain=movies");
  for (const auto& d : stats["domains"]) {
    for (const auto& m : d["models"]) {
      if (m["model"] == "knn") stats_version = m["version"].dump();
    }
  }
  EXPECT_EQ(stats_version, "1");
  // The user's own data is as it was when v1 served them: the same list again.
  const auto items = [](const json& list) { return list["items"].dump(); };
  EXPECT_EQ(items(post("/recommendations", ask, 200)), items(with_v1));

  stop();
  start();
  EXPECT_EQ(models()["knn"]["serving_version"], 1) << "after a restart too";
  EXPECT_EQ(items(post("/recommendations", ask, 200)), items(with_v1));

  EXPECT_EQ(post("/models/movies/knn/rollback?version=9", json::object(), 404)["error"]["field"], "version");
  EXPECT_EQ(post("/models/movies/knn/rollback", json::object(), 422)["error"]["field"], "version");
  EXPECT_EQ(post("/models/movies/knn/rollback?version=x", json::object(), 422)["error"]["field"], "version");
  EXPECT_EQ(post("/models/movies/nope/rollback?version=1", json::object(), 404)["error"]["field"], "model");
  EXPECT_EQ(post("/models/books/knn/rollback?version=1", json::object(), 404)["error"]["field"], "domain");
}

TEST_F(ModelsTest, ABrokenRetrainIsHeldBackAndCounted) {
  // Break the data: every movie interaction gets the item of a random other one. Counts per item stay (so
  // popularity is as good as before), who liked what is noise.
  seeded.warehouse->connections().acquire()->execute(
      "CREATE TEMP TABLE shuffled AS SELECT a.id, b.item_id FROM "
      "(SELECT id, row_number() OVER (ORDER BY id) AS n FROM user_interactions WHERE domain = 'movies') a "
      "JOIN "
      "(SELECT item_id, row_number() OVER (ORDER BY hash(id * 7919)) AS n FROM user_interactions "
      "WHERE domain = 'movies') b USING (n); "
      "UPDATE user_interactions SET item_id = shuffled.item_id FROM shuffled WHERE user_interactions.id = "
      "shuffled.id;");
  const auto before = models();
  const json summary = train();
  int held = 0;
  for (const auto& m : summary["models"]) {
    if (m["status"] != "held_back") continue;
    ++held;
    const std::string name = m["model"];
    EXPECT_THAT(m["error"].get<std::string>(), ::testing::HasSubstr("quality gate")) << m.dump();
    const json listed = models()[name];
    EXPECT_EQ(listed["serving_version"], 1) << name << " is still served from v1";
    EXPECT_EQ(listed["versions"][0]["version"], 2);
    EXPECT_EQ(listed["versions"][0]["status"], "held_back");
    EXPECT_EQ(listed["versions"][0]["held_back"], m["error"]);
    EXPECT_THAT(metrics_text(), ::testing::HasSubstr("mxn_models_held_back_total{domain=\"movies\",model=\"" +
                                                     name + "\"} 1"));
  }
  const auto statuses = [&] {
    std::map<std::string, std::string> out;
    for (const auto& m : summary["models"]) out[m["model"]] = m["status"];
    return out;
  }();
  EXPECT_EQ(statuses.at("knn"), "held_back") << summary.dump();
  EXPECT_EQ(statuses.at("popularity"), "succeeded") << "its data (counts per item) is as good as before";
  EXPECT_GE(held, 1);
  EXPECT_EQ(summary["status"], "succeeded") << "holding back is the gate working, not a failure";

  stop();
  start();
  EXPECT_EQ(models()["knn"]["serving_version"], 1) << "after a restart too";
  EXPECT_EQ(models()["knn"]["versions"][0]["status"], "held_back");
  // An operator may still choose the held-back version.
  EXPECT_EQ(post("/models/movies/knn/rollback?version=2", json::object(), 200)["serving_version"], 2);
}

}  // namespace
}  // namespace mxn::api
