// The real server on a random loopback port, driven over HTTP.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/routes.h"
#include "core/time.h"
#include "integration/api_fixture.h"

namespace mxn::api {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

TEST_F(ApiTest, InteractionIsRecordedAndShowsInHistory) {
  auto r = post("/interactions", {{"user_id", "user1"}, {"domain", "movies"}, {"item_id", "movie_3"},
                                  {"interaction_type", "rating"}, {"rating", 4.5}, {"timestamp", "2026-01-02T03:04:05Z"},
                                  {"metadata", {{"source", "test"}}}}, 201);
  EXPECT_EQ(r["status"], "recorded");
  EXPECT_TRUE(r["id"].is_number_integer());
  auto h = get("/users/user1/history?domain=movies&limit=500");
  bool found = false;
  for (const auto& x : h["items"]) found = found || (x["id"] == r["id"] && x["rating"] == 4.5);
  EXPECT_TRUE(found);
}

TEST_F(ApiTest, ACountMultipliesTheTypesWeight) {
  auto r = post("/interactions", {{"user_id", "listener"}, {"domain", "music"}, {"item_id", "song_3"},
                                  {"interaction_type", "play"}, {"count", 12}}, 201);
  auto h = get("/users/listener/history?domain=music");
  ASSERT_EQ(h["items"].size(), 1u);
  EXPECT_EQ(h["items"][0]["weight"], 12.0);
  EXPECT_EQ(post("/interactions", {{"user_id", "listener"}, {"domain", "music"}, {"item_id", "song_3"},
                                   {"interaction_type", "play"}, {"count", -2}}, 422)["error"]["field"], "count");
  EXPECT_EQ(post("/interactions", {{"user_id", "listener"}, {"domain", "music"}, {"item_id", "song_3"},
                                   {"interaction_type", "rating"}, {"rating", 4}, {"count", 2}}, 422)["error"]["field"],
            "count");
}

TEST_F(ApiTest, ValidationErrorsNameTheFieldWithTheRightStatus) {
  auto e = post("/interactions", {{"domain", "movies"}, {"item_id", "m"}, {"interaction_type", "view"}}, 422);
  EXPECT_EQ(e["error"]["field"], "user_id");
  EXPECT_EQ(e["error"]["code"], "invalid_argument");
  e = post("/interactions", {{"user_id", "u"}, {"domain", "movies"}, {"item_id", "m"}, {"interaction_type", "rating"},
                             {"rating", 9}}, 422);
  EXPECT_EQ(e["error"]["field"], "rating");
  e = post("/interactions", {{"user_id", "u"}, {"domain", "movies"}, {"item_id", "m"}, {"interaction_type", "teleport"}}, 422);
  EXPECT_EQ(e["error"]["field"], "interaction_type");
  e = post("/recommendations", {{"user_id", "u"}, {"domain", "movies"}, {"top_k", 0}}, 422);
  EXPECT_EQ(e["error"]["field"], "top_k");
  auto res = client->post("/interactions", "{not json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(json::parse(res->body)["error"]["code"], "malformed");
  EXPECT_EQ(post("/recommendations", {{"user_id", "u"}, {"domain", "books"}}, 404)["error"]["field"], "domain");
  EXPECT_EQ(get("/items/movies/movie_999999", 404)["error"]["field"], "item_id");
  EXPECT_EQ(get("/users/nobody-at-all/history", 404)["error"]["field"], "user_id");
  EXPECT_EQ(get("/training/jobs/job-404", 404)["error"]["field"], "job_id");
}

TEST_F(ApiTest, BulkIsAllOrNothingAndListsEveryBadIndex) {
  json good = {{"user_id", "bulk-user"}, {"domain", "music"}, {"item_id", "song_1"}, {"interaction_type", "play"}};
  json bad_type = good;
  bad_type["interaction_type"] = "teleport";
  json missing = good;
  missing.erase("item_id");
  auto e = post("/interactions/bulk", {{"interactions", {good, bad_type, good, missing}}}, 422);
  std::vector<std::string> fields;
  for (const auto& p : e["error"]["problems"]) fields.push_back(p["field"]);
  EXPECT_THAT(fields, ::testing::UnorderedElementsAre("interactions[1].interaction_type", "interactions[3].item_id"));
  EXPECT_EQ(get("/users/bulk-user/history", 404)["error"]["field"], "user_id") << "nothing was written";
  auto ok = post("/interactions/bulk", {{"interactions", {good, good}}}, 201);
  EXPECT_EQ(ok["count"], 2);
  EXPECT_EQ(ok["ids"].size(), 2u);
}

TEST_F(ApiTest, RecommendationsHaveTheDocumentedShape) {
  auto r = post("/recommendations", {{"user_id", "user1"}, {"domain", "movies"}, {"top_k", 5},
                                     {"model_types", {"knn", "collab"}}}, 200);
  EXPECT_EQ(r["user_id"], "user1");
  EXPECT_EQ(r["domain"], "movies");
  EXPECT_EQ(r["cold_start"], false);
  ASSERT_EQ(r["items"].size(), 5u);
  for (const auto& item : r["items"]) {
    for (const char* key : {"item_id", "title", "score", "rank", "reason", "contributions"}) {
      EXPECT_TRUE(item.contains(key)) << key;
    }
  }
  server->services().served.flush();
  EXPECT_TRUE(seeded.warehouse->latest_recommendation("user1", "movies").has_value()) << "served lists are logged";
}

TEST_F(ApiTest, AQueryTextIsASemanticSearchForAUserWithoutHistory) {
  auto r = post("/recommendations", {{"user_id", "nobody-yet"}, {"domain", "movies"}, {"top_k", 3},
                                     {"model_types", {"knn", "collab", "embedding"}},
                                     {"query_text", "space adventure"}}, 200);
  EXPECT_EQ(r["cold_start"], true) << "no history: the query alone decides";
  ASSERT_EQ(r["items"].size(), 3u);
  for (const auto& item : r["items"]) {
    EXPECT_EQ(item["reason"], "matches 'space adventure'");
    EXPECT_TRUE(item["contributions"].contains("embedding"));
  }
  auto first = seeded.warehouse->get_item("movies", r["items"][0]["item_id"].get<std::string>());
  ASSERT_TRUE(first);
  EXPECT_THAT(first->tags, ::testing::Contains("Sci-Fi"));
}

TEST_F(ApiTest, ANewLikeChangesTheNextRecommendations) {
  json req = {{"user_id", "fresh-user"}, {"domain", "movies"}, {"top_k", 10}};
  auto before = post("/recommendations", req, 200);
  EXPECT_EQ(before["cold_start"], true);
  post("/interactions", {{"user_id", "fresh-user"}, {"domain", "movies"}, {"item_id", before["items"][5]["item_id"]},
                         {"interaction_type", "like"}}, 201);
  auto after = post("/recommendations", req, 200);
  EXPECT_EQ(after["cold_start"], false);
  EXPECT_NE(before["items"], after["items"]);
}

TEST_F(ApiTest, CatalogUpsertGetAndSimilar) {
  json item = {{"domain", "movies"}, {"item_id", "movie_new"}, {"title", "Brand New (2026)"},
               {"description", "A space adventure."}, {"tags", {"Sci-Fi"}}, {"metadata", {{"year", 2026}}}};
  EXPECT_EQ(post("/items", item, 201)["status"], "created");
  EXPECT_EQ(post("/items", item, 200)["status"], "updated");
  auto got = get("/items/movies/movie_new");
  EXPECT_EQ(got["title"], "Brand New (2026)");
  EXPECT_EQ(got["metadata"]["year"], 2026);
  EXPECT_EQ(post("/items/bulk", {{"items", {item, item}}}, 200)["count"], 2);
  EXPECT_EQ(post("/items/bulk", {{"items", {item, {{"domain", "books"}, {"item_id", "x"}}}}}, 422)["error"]["field"],
            "items[1].domain");
  auto similar = get("/items/movies/movie_1/similar?top_k=3");
  EXPECT_EQ(similar["items"].size(), 3u);
}

TEST_F(ApiTest, PatchChangesTheFieldsItNamesAndKeepsTheRest) {
  post("/items",
       {{"domain", "movies"},
        {"item_id", "movie_p"},
        {"title", "Old"},
        {"description", "Kept."},
        {"tags", {"Drama"}},
        {"metadata", {{"year", 1999}, {"director", "X"}}}},
       201);
  const json patched = patch("/items/movies/movie_p",
                             {{"title", "New"}, {"metadata", {{"year", nullptr}, {"rated", "PG"}}}}, 200);
  EXPECT_EQ(patched["title"], "New");
  EXPECT_EQ(patched["description"], "Kept.");
  EXPECT_EQ(patched["tags"], json({"Drama"}));
  EXPECT_EQ(patched["metadata"], json({{"director", "X"}, {"rated", "PG"}}));
  EXPECT_EQ(get("/items/movies/movie_p"), patched);
  const json emptied =
      patch("/items/movies/movie_p", {{"tags", nullptr}, {"description", nullptr}}, 200, "application/json");
  EXPECT_EQ(emptied["tags"], json::array());
  EXPECT_EQ(emptied["description"], "");
  EXPECT_EQ(emptied["title"], "New");
  // PUT replaces: what it leaves out is emptied.
  post("/items", {{"domain", "movies"}, {"item_id", "movie_p"}, {"title", "Only a title"}}, 200);
  EXPECT_EQ(get("/items/movies/movie_p")["metadata"], json::object());

  EXPECT_EQ(patch("/items/movies/movie_p", {{"item_id", "other"}}, 422)["error"]["field"], "item_id");
  EXPECT_EQ(patch("/items/movies/movie_p", {{"title", 7}}, 422)["error"]["field"], "title");
  EXPECT_EQ(patch("/items/movies/movie_p", {{"tags", {1, 2}}}, 422)["error"]["field"], "tags[0]");
  EXPECT_EQ(patch("/items/movies/nothing-here", {{"title", "x"}}, 404)["error"]["field"], "item_id");
  EXPECT_EQ(patch("/items/books/movie_p", {{"title", "x"}}, 404)["error"]["field"], "domain");
  EXPECT_EQ(patch("/items/movies/movie_p", {{"title", "x"}}, 415, "text/plain")["error"]["field"],
            "content-type");
}

TEST_F(ApiTest, AutomationEndpointsAnswerForwardableLists) {
  auto playlist = get("/automation/daily-playlist/user1");
  EXPECT_EQ(playlist["user_id"], "user1");
  EXPECT_TRUE(playlist.contains("generated_at"));
  EXPECT_EQ(playlist["items"].size(), 20u);
  auto movies = get("/automation/weekly-movies/user1");
  EXPECT_EQ(movies["items"].size(), 10u);
  auto tasks = get("/automation/task-prioritization/user1");
  EXPECT_TRUE(tasks["items"].is_array());
}

TEST_F(ApiTest, OverdueHighPriorityTaskComesFirst) {
  const std::string yesterday = format_iso8601(now_us() - kMicrosPerDay).substr(0, 10);
  const std::string next_month = format_iso8601(now_us() + 30 * kMicrosPerDay).substr(0, 10);
  post("/items", {{"domain", "tasks"}, {"item_id", "task_urgent"}, {"title", "File the tax return"},
                  {"metadata", {{"due_date", yesterday}, {"priority", 1}, {"estimate_minutes", 60},
                                {"status", "open"}, {"assignee", "planner"}}}}, 201);
  post("/items", {{"domain", "tasks"}, {"item_id", "task_later"}, {"title", "Plan the summer trip"},
                  {"metadata", {{"due_date", next_month}, {"priority", 3}, {"estimate_minutes", 30},
                                {"status", "open"}, {"assignee", "planner"}}}}, 201);
  post("/items", {{"domain", "tasks"}, {"item_id", "task_done"}, {"title", "Old chore"},
                  {"metadata", {{"due_date", yesterday}, {"priority", 1}, {"status", "done"}, {"assignee", "planner"}}}}, 201);
  post("/interactions", {{"user_id", "planner"}, {"domain", "tasks"}, {"item_id", "task_later"},
                         {"interaction_type", "view"}}, 201);
  auto plan = get("/automation/task-prioritization/planner");
  ASSERT_GE(plan["items"].size(), 2u);
  EXPECT_EQ(plan["items"][0]["item_id"], "task_urgent");
  for (const auto& t : plan["items"]) EXPECT_NE(t["item_id"], "task_done");
}

TEST_F(ApiTest, TrainingStatsTrainAndJobs) {
  auto stats = get("/training/stats?domain=movies");
  ASSERT_EQ(stats["domains"].size(), 1u);
  const auto& d = stats["domains"][0];
  EXPECT_EQ(d["domain"], "movies");
  EXPECT_GT(d["interactions"], 0);
  EXPECT_EQ(d["models"].size(), 4u);  // popularity, knn, collab, embedding
  const int version = [&] {
    for (const auto& m : d["models"]) {
      if (m["model"] == "knn") return m["version"].get<int>();
    }
    return 0;
  }();
  auto job = post("/training/train?domain=movies&wait=true", json::object(), 200);
  EXPECT_EQ(job["status"], "succeeded");
  EXPECT_EQ(job["summaries"][0]["domain"], "movies");
  for (const auto& m : job["summaries"][0]["models"]) {  // the metric keys of /training/stats
    EXPECT_TRUE(m["metrics"].contains("ndcg@10")) << m.dump();
  }
  auto queued = post("/training/train?domain=music", json::object(), 202);
  EXPECT_TRUE(queued["job_id"].is_string());
  get("/training/jobs/" + queued["job_id"].get<std::string>());
  const json after = get("/training/stats?domain=movies");  // a named value: the loop below outlives a temporary
  for (const auto& m : after["domains"][0]["models"]) {
    if (m["model"] == "knn") {
      EXPECT_EQ(m["version"], version + 1);
    }
  }
  EXPECT_EQ(post("/training/train?domain=books", json::object(), 404)["error"]["field"], "domain");
}

TEST_F(ApiTest, EvaluateReportsWhatWouldBeServedWithoutPublishingIt) {
  const json before = get("/training/stats?domain=movies");
  auto job =
      post("/training/evaluate?domain=movies&split=temporal&last=2&k=5&wait=true", json::object(), 200);
  EXPECT_EQ(job["kind"], "evaluate");
  ASSERT_EQ(job["status"], "succeeded") << job.dump();
  const auto& report = job["evaluation"];
  EXPECT_EQ(report["split"], "temporal");
  EXPECT_EQ(report["k"], 5);
  ASSERT_FALSE(report["models"].empty());
  EXPECT_EQ(report["models"].back()["model"], "ensemble");
  EXPECT_EQ(get("/training/stats?domain=movies")["domains"][0]["models"], before["domains"][0]["models"])
      << "nothing was published";
  auto queued = post("/training/evaluate?domain=music", json::object(), 202);
  EXPECT_EQ(get("/training/jobs/" + queued["job_id"].get<std::string>())["kind"], "evaluate");
  EXPECT_EQ(post("/training/evaluate", json::object(), 422)["error"]["field"], "domain");
  EXPECT_EQ(post("/training/evaluate?domain=movies&split=sideways", json::object(), 422)["error"]["field"],
            "split");
  EXPECT_EQ(post("/training/evaluate?domain=movies&k=0", json::object(), 422)["error"]["field"], "k");
  EXPECT_EQ(post("/training/evaluate?domain=movies&last=x", json::object(), 422)["error"]["field"], "last");
  EXPECT_EQ(post("/training/evaluate?domain=books", json::object(), 404)["error"]["field"], "domain");
}

TEST_F(ApiTest, HealthMetricsOpenApiAndDocs) {
  auto health = get("/health");
  EXPECT_EQ(health["status"], "ok");
  EXPECT_EQ(health["domains"]["movies"]["trained"], true);
  auto res = client->get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_THAT(res->body, HasSubstr("mxn_http_requests_total"));
  EXPECT_THAT(res->body, HasSubstr("mxn_model_version{domain=\"movies\",model=\"knn\"}"));
  auto doc = get("/openapi.json");
  EXPECT_EQ(doc["openapi"], "3.1.0");
  // Every route of the table is documented, with its method.
  std::size_t documented = 0;
  for (const auto& [path, ops] : doc["paths"].items()) documented += ops.size();
  EXPECT_EQ(documented, make_routes(server->services()).size());
  for (const char* path :
       {"/interactions", "/interactions/bulk", "/recommendations", "/training/train", "/training/evaluate",
        "/training/stats", "/automation/daily-playlist/{user_id}", "/items/{domain}/{item_id}/similar"}) {
    EXPECT_TRUE(doc["paths"].contains(path)) << path;
  }
  auto page = client->get("/docs");
  ASSERT_TRUE(page);
  EXPECT_THAT(page->body, HasSubstr("openapi.json"));
}

TEST_F(ApiTest, ApiKeysAreRequiredWhenConfigured) {
  stop();
  seeded.config.api.keys = {"integration-key-1"};
  start();
  EXPECT_EQ(post("/recommendations", {{"user_id", "user1"}, {"domain", "movies"}}, 401)["error"]["code"], "unauthenticated");
  get("/health");  // public
  testing::HttpHeaders headers = {{"X-API-Key", "integration-key-1"}};
  auto ok = client->post("/recommendations", json{{"user_id", "user1"}, {"domain", "movies"}}.dump(),
                         "application/json", headers);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  headers = {{"Authorization", "Bearer integration-key-1"}};
  auto bearer = client->get("/training/stats", headers);
  ASSERT_TRUE(bearer);
  EXPECT_EQ(bearer->status, 200);
  // /health asks no key, but a wrong one is refused there too (the n8n node's credential test relies on it),
  // and the document says both.
  auto wrong = client->get("/health", {{"X-API-Key", "integration-key-2"}});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  auto doc = client->get("/openapi.json", {{"X-API-Key", "integration-key-1"}});
  ASSERT_TRUE(doc);
  const auto health = json::parse(doc->body)["paths"]["/health"]["get"];
  EXPECT_EQ(health["security"][0], json::object()) << "no key is an option";
  EXPECT_TRUE(health["responses"].contains("401"));
}

TEST_F(ApiTest, OversizedBodyIs413) {
  stop();
  seeded.config.api.max_body_bytes = 1024;
  start();
  auto res = client->post("/interactions/bulk", std::string(5000, ' '));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_EQ(json::parse(res->body)["error"]["code"], "too_large");
}

TEST_F(ApiTest, ARestartServesTheSameRecommendationsWithoutRetraining) {
  json req = {{"user_id", "user4"}, {"domain", "music"}, {"top_k", 10}};
  auto before = post("/recommendations", req, 200);
  const auto runs = seeded.warehouse->list_training_runs("", 1000).size();
  stop();
  start();
  auto after = post("/recommendations", req, 200);
  EXPECT_EQ(before["items"], after["items"]);
  EXPECT_EQ(seeded.warehouse->list_training_runs("", 1000).size(), runs) << "nothing was trained";
}

TEST_F(ApiTest, ConcurrentIngestionDuringTrainingAndServingLosesNothing) {
  const auto before = seeded.warehouse->domain_stats("music").n_interactions;
  std::atomic<int> failures{0}, recommendation_errors{0};
  std::vector<std::thread> writers;
  for (int c = 0; c < 8; ++c) {
    writers.emplace_back([&, c] {
      testing::HttpClient cl(server->port());
      for (int i = 0; i < 1000; ++i) {
        json x = {{"user_id", "load" + std::to_string(c)}, {"domain", "music"},
                  {"item_id", "song_" + std::to_string(1 + (i * 7 + c) % 80)}, {"interaction_type", "play"}};
        auto res = cl.post("/interactions", x.dump());
        if (!res || res->status != 201) ++failures;
      }
    });
  }
  std::atomic<bool> done{false};
  std::thread reader([&] {
    testing::HttpClient cl(server->port());
    while (!done) {
      auto res = cl.post("/recommendations", json{{"user_id", "user2"}, {"domain", "music"}}.dump());
      if (!res || res->status != 200) ++recommendation_errors;
    }
  });
  post("/training/train?domain=music&wait=true", json::object(), 200);  // a model swap under load
  for (auto& w : writers) w.join();
  done = true;
  reader.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(recommendation_errors, 0);
  EXPECT_EQ(seeded.warehouse->domain_stats("music").n_interactions, before + 8000);
}

}  // namespace
}  // namespace mxn::api
