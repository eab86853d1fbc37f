// POST /recommendations/batch through the real server: one JSON line per user, streamed (chunked), each the
// answer a single POST /recommendations gives; the request as a whole is checked before the first line.

#include <sstream>
#include <string>
#include <vector>

#include "integration/api_fixture.h"

namespace mxn::api {
namespace {

class BatchTest : public ApiTest {
 protected:
  /// The batch's lines, parsed; checks it was streamed as JSON lines.
  std::vector<json> batch(const json& body) {
    auto res = client->post("/recommendations/batch", body.dump());
    EXPECT_TRUE(res);
    if (!res) return {};
    EXPECT_EQ(res->status, 200) << res->body;
    EXPECT_EQ(res->header("content-type"), "application/x-ndjson");
    EXPECT_EQ(res->header("transfer-encoding"), "chunked");
    std::vector<json> lines;
    std::istringstream in(res->body);
    for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
    return lines;
  }
  /// The fields a single call and a batch line must agree on (generated_at is the moment each was made).
  static json comparable(json answer) {
    answer.erase("generated_at");
    return answer;
  }
};

TEST_F(BatchTest, EachLineIsWhatTheSingleCallAnswersInTheUsersOrder) {
  std::vector<std::string> users;
  for (int u = 1; u <= 30; ++u) users.push_back("user" + std::to_string(u));
  users.push_back("newcomer");  // no history: a cold start, as in a single call
  users.push_back("user3");     // twice: answered twice
  for (const json& options : {json{{"top_k", 7}}, json{{"top_k", 5}, {"model_types", {"knn"}}},
                              json{{"top_k", 4}, {"filter", {{"exclude_ids", {"movie_1", "movie_2"}}}}}}) {
    json body = options;
    body["domain"] = "movies";
    body["user_ids"] = users;
    const auto lines = batch(body);
    ASSERT_EQ(lines.size(), users.size()) << options.dump();
    for (std::size_t i = 0; i < users.size(); ++i) {
      json single = options;
      single["domain"] = "movies";
      single["user_id"] = users[i];
      EXPECT_EQ(comparable(lines[i]), comparable(post("/recommendations", single, 200)))
          << users[i] << " " << options.dump();
    }
    EXPECT_TRUE(lines[30]["cold_start"].get<bool>());
  }
}

TEST_F(BatchTest, TheRequestIsCheckedBeforeAnythingIsStreamed) {
  auto error_of = [&](const json& body, int status) {
    auto res = client->post("/recommendations/batch", body.dump());
    EXPECT_TRUE(res);
    if (!res) return json();
    EXPECT_EQ(res->status, status) << body.dump().substr(0, 200);
    EXPECT_EQ(res->header("content-type"), "application/json");
    return json::parse(res->body)["error"];
  };
  EXPECT_EQ(error_of({{"domain", "movies"}}, 422)["field"], "user_ids");
  EXPECT_EQ(error_of({{"domain", "movies"}, {"user_ids", json::array()}}, 422)["field"], "user_ids");
  EXPECT_EQ(error_of({{"domain", "movies"}, {"user_ids", {"a", ""}}}, 422)["field"], "user_ids[1]");
  EXPECT_EQ(error_of({{"domain", "movies"}, {"user_ids", {"a", 5}}}, 422)["field"], "user_ids[1]");
  EXPECT_EQ(
      error_of({{"domain", "movies"}, {"user_ids", std::vector<std::string>(10001, "u")}}, 422)["field"],
      "user_ids");
  EXPECT_EQ(error_of({{"domain", "books"}, {"user_ids", {"a"}}}, 404)["field"], "domain");
  EXPECT_EQ(error_of({{"domain", "movies"}, {"user_ids", {"a"}}, {"top_k", 0}}, 422)["field"], "top_k");
  EXPECT_EQ(error_of({{"domain", "movies"}, {"user_ids", {"a"}}, {"model_types", {"nope"}}}, 422)["field"],
            "model_types");
  EXPECT_EQ(error_of({{"domain", "movies"}, {"user_ids", {"a"}}, {"user_id", "a"}}, 422)["field"], "user_id");
  EXPECT_EQ(
      error_of({{"domain", "movies"}, {"user_ids", {"a"}}, {"filter", {{"tags_any", 3}}}}, 422)["field"],
      "filter.tags_any");
}

TEST_F(BatchTest, TenThousandUsersStreamAndTheConnectionStaysUsable) {
  std::vector<std::string> users;
  for (int u = 0; u < 10000; ++u) users.push_back("u" + std::to_string(u % 80 == 0 ? u / 80 : u));
  const auto lines = batch({{"domain", "music"}, {"top_k", 3}, {"user_ids", users}});
  ASSERT_EQ(lines.size(), users.size());
  for (std::size_t i = 0; i < users.size(); i += 997) {
    EXPECT_EQ(lines[i]["user_id"], users[i]);
    EXPECT_EQ(lines[i]["items"].size(), 3u);
  }
  EXPECT_EQ(get("/health")["status"], "ok") << "the same kept-alive connection answers the next request";
}

TEST_F(BatchTest, ADeletedItemIsInNoLine) {
  const std::string item =
      post("/recommendations", {{"user_id", "user4"}, {"domain", "movies"}, {"top_k", 1}},
           200)["items"][0]["item_id"];
  del("/items/movies/" + item, 200);
  std::vector<std::string> users;
  for (int u = 1; u <= 60; ++u) users.push_back("user" + std::to_string(u));
  for (const auto& line : batch({{"domain", "movies"}, {"top_k", 20}, {"user_ids", users}})) {
    EXPECT_EQ(line["items"].size(), 20u);
    for (const auto& x : line["items"]) EXPECT_NE(x["item_id"], item) << line["user_id"];
  }
}

}  // namespace
}  // namespace mxn::api
