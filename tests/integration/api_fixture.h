#pragma once
// ApiTest: a seeded warehouse (movies, music, tasks, notes), every domain trained, and the real server over
// it on a random loopback port, driven over HTTP.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "../unit/training/seeded_warehouse.h"
#include "api/server.h"
#include "http_client.h"

namespace mxn::api {

using nlohmann::json;

inline config::Config test_config() {
  config::Config c = testing::fast_config();
  c.api.port = 0;
  c.api.threads = 16;
  c.training.min_samples = 10;
  return c;
}

inline data::SeedOptions seed_options() {
  return testing::small_seed(60, 80, 12000, {"movies", "music", "tasks", "notes"});
}

/// A seeded, trained warehouse and a server over it, serving on a thread.
class ApiTest : public ::testing::Test {
 protected:
  ApiTest() : seeded(seed_options(), test_config()) {
    engine::ModelStore store(seeded.config.models.store_dir, 3);
    training::TrainingPipeline pipeline(*seeded.warehouse, store, seeded.config);
    for (const auto& d : {"movies", "music", "tasks", "notes"}) pipeline.run(d);
    start();
  }
  ~ApiTest() override { stop(); }

  void start() {
    server = std::make_unique<Server>(seeded.config, false);
    serving = std::thread([this] { server->run(); });
    client = std::make_unique<testing::HttpClient>(server->port());
  }
  void stop() {
    if (!server) return;
    server->stop();
    serving.join();
    server.reset();
  }

  json get(const std::string& path, int expected = 200) {
    auto res = client->get(path);
    EXPECT_TRUE(res) << path;
    if (!res) return {};
    EXPECT_EQ(res->status, expected) << path << ": " << res->body;
    return res->header("content-type").find("json") != std::string::npos ? json::parse(res->body) : json();
  }
  json del(const std::string& path, int expected) {
    auto res = client->request(boost::beast::http::verb::delete_, path, "");
    EXPECT_TRUE(res) << path;
    if (!res) return {};
    EXPECT_EQ(res->status, expected) << path << ": " << res->body;
    return json::parse(res->body);
  }
  json patch(const std::string& path, const json& body, int expected,
             const std::string& content_type = "application/merge-patch+json") {
    auto res = client->request(boost::beast::http::verb::patch, path, body.dump(), content_type);
    EXPECT_TRUE(res) << path;
    if (!res) return {};
    EXPECT_EQ(res->status, expected) << path << ": " << res->body;
    return json::parse(res->body);
  }
  json post(const std::string& path, const json& body, int expected) {
    auto res = client->post(path, body.dump());
    EXPECT_TRUE(res) << path;
    if (!res) return {};
    EXPECT_EQ(res->status, expected) << path << ": " << res->body;
    return json::parse(res->body);
  }

  testing::SeededWarehouse seeded;
  std::unique_ptr<Server> server;
  std::thread serving;
  std::unique_ptr<testing::HttpClient> client;
};

}  // namespace mxn::api
