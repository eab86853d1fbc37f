#include "api/app.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "api/http_server.h"
#include "http_client.h"

namespace mxn::api {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

Response ok_json(json body) { return {.status = 200, .body = body.dump()}; }
Request get(std::string path) { return {.method = Method::kGet, .path = std::move(path)}; }

std::vector<Route> sample_routes() {
  std::vector<Route> routes;
  routes.push_back({.method = Method::kGet,
                    .pattern = "/health",
                    .handler = [](const Request&) { return ok_json({{"status", "ok"}}); },
                    .needs_key = false});
  routes.push_back({.method = Method::kGet,
                    .pattern = "/items/{domain}/{item_id}",
                    .handler = [](const Request& r) {
                      return ok_json({{"domain", r.path_param("domain")}, {"item_id", r.path_param("item_id")}});
                    }});
  routes.push_back({.method = Method::kGet,
                    .pattern = "/items/{domain}/special",
                    .handler = [](const Request&) { return ok_json({{"literal", true}}); }});
  routes.push_back({.method = Method::kPost,
                    .pattern = "/fail/{kind}",
                    .handler = [](const Request& r) -> Response {
                      if (r.path_param("kind") == "invalid") throw Error(Code::kInvalidArgument, "must be > 0", "top_k");
                      if (r.path_param("kind") == "malformed") throw Error(Code::kMalformed, "not JSON", "body");
                      if (r.path_param("kind") == "check") MXN_CHECK(false, "a bug");
                      throw std::runtime_error("boom");
                    }});
  return routes;
}

json body_of(const Response& r) { return json::parse(r.body); }

TEST(AppTest, RoutesWithPathParameters) {
  Metrics metrics;
  App app(sample_routes(), {}, metrics);
  Response res;
  app.dispatch(get("/items/movies/movie_7"), res);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(body_of(res), (json{{"domain", "movies"}, {"item_id", "movie_7"}}));
  app.dispatch(get("/items/movies/special"), res);
  EXPECT_EQ(body_of(res)["literal"], true) << "a literal segment beats a parameter";
}

TEST(AppTest, UnknownPathIs404AndWrongMethodIs405) {
  Metrics metrics;
  App app(sample_routes(), {}, metrics);
  Response res;
  app.dispatch(get("/nope"), res);
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(body_of(res)["error"]["code"], "not_found");
  app.dispatch({.method = Method::kDelete, .path = "/health"}, res);
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(body_of(res)["error"]["field"], "method");
}

TEST(AppTest, ErrorsMapToStatusAndBody) {
  Metrics metrics;
  App app(sample_routes(), {}, metrics);
  Response res;
  app.dispatch({.method = Method::kPost, .path = "/fail/invalid"}, res);
  EXPECT_EQ(res.status, 422);
  EXPECT_EQ(body_of(res), (json{{"error", {{"code", "invalid_argument"}, {"message", "must be > 0"}, {"field", "top_k"}}}}));
  app.dispatch({.method = Method::kPost, .path = "/fail/malformed"}, res);
  EXPECT_EQ(res.status, 400);
  app.dispatch({.method = Method::kPost, .path = "/fail/check"}, res);
  EXPECT_EQ(res.status, 500);
  app.dispatch({.method = Method::kPost, .path = "/fail/other"}, res);
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(body_of(res)["error"]["message"], "internal error") << "internals are not leaked";
}

TEST(AppTest, ApiKeysGuardEveryRouteButPublicOnes) {
  Metrics metrics;
  App app(sample_routes(), {"secret-key-1"}, metrics);
  Response res;
  app.dispatch(get("/items/movies/movie_1"), res);
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(body_of(res)["error"]["field"], "api_key");
  Request with_header = get("/items/movies/movie_1");
  with_header.headers["x-api-key"] = "secret-key-1";
  app.dispatch(with_header, res);
  EXPECT_EQ(res.status, 200);
  Request bearer = get("/items/movies/movie_1");
  bearer.headers["authorization"] = "Bearer secret-key-1";
  app.dispatch(bearer, res);
  EXPECT_EQ(res.status, 200);
  bearer.headers["authorization"] = "Bearer secret-key-2";
  app.dispatch(bearer, res);
  EXPECT_EQ(res.status, 401);
  app.dispatch(get("/health"), res);
  EXPECT_EQ(res.status, 200) << "an open route asks no key";
  Request health = get("/health");
  health.headers["x-api-key"] = "secret-key-2";
  app.dispatch(health, res);
  EXPECT_EQ(res.status, 401) << "but a wrong key presented to it is refused (clients' credential checks)";
  EXPECT_EQ(body_of(res)["error"]["field"], "api_key");
  health.headers["x-api-key"] = "secret-key-1";
  app.dispatch(health, res);
  EXPECT_EQ(res.status, 200);
  App open(sample_routes(), {}, metrics);
  bearer.headers["authorization"] = "Bearer anything";
  open.dispatch(bearer, res);
  EXPECT_EQ(res.status, 200) << "a server without keys ignores one";
}

TEST(AppTest, RequestsAreCountedByRoutePattern) {
  Metrics metrics;
  App app(sample_routes(), {}, metrics);
  Response res;
  app.dispatch(get("/items/movies/a"), res);
  app.dispatch(get("/items/music/b"), res);
  const std::string text = metrics.render();
  EXPECT_THAT(text, HasSubstr("mxn_http_requests_total{method=\"GET\",route=\"/items/{domain}/{item_id}\",status=\"200\"} 2"));
  EXPECT_THAT(text, HasSubstr("# TYPE mxn_http_request_duration_seconds histogram"));
  EXPECT_THAT(text, HasSubstr("mxn_http_request_duration_seconds_count{method=\"GET\",route=\"/items/{domain}/{item_id}\"} 2"));
}

TEST(AppTest, RealServerRefusesLargeBodiesWith413AndErrorBody) {
  Metrics metrics;
  App app(sample_routes(), {}, metrics);
  auto server = make_http_server({.threads = 4, .max_body_bytes = 1024});
  const int port = server->bind("127.0.0.1", 0);
  std::thread serving([&] {
    server->serve({[&](const Request& q, Response& r) { app.dispatch(q, r); },
                   [&](Request& q) { return app.waits(q); },
                   [&](int status, const Error& e, Response& r) { app.reject(status, e, r); }});
  });
  testing::HttpClient client(port);
  auto small = client.get("/items/movies/movie_1");
  ASSERT_TRUE(small);
  EXPECT_EQ(small->status, 200);
  auto big = client.post("/fail/invalid", std::string(4096, 'x'));
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  EXPECT_EQ(json::parse(big->body)["error"]["code"], "too_large");
  server->stop();
  serving.join();
}

}  // namespace
}  // namespace mxn::api
