#include "engine/model_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "../models/planted.h"
#include "core/error.h"
#include "models/registry.h"
#include "test_util.h"

namespace mxn::engine {
namespace {

struct Trained {
  std::unique_ptr<models::Recommender> model;
  IdMap users, items;
  data::InteractionMatrix matrix;
};

Trained train(const std::string& name, int iterations) {
  auto planted = models::testing::planted(4, 6, 5, false);
  config::ModelsConfig cfg;
  cfg.collab.als.factors = 8;
  cfg.collab.als.iterations = iterations;
  Trained t{models::make_recommender(name, cfg), {}, {}, std::move(planted.matrix)};
  for (int u = 0; u < t.matrix.n_users(); ++u) t.users.get_or_add("user" + std::to_string(u));
  for (int i = 0; i < t.matrix.n_items(); ++i) t.items.get_or_add("item" + std::to_string(i));
  t.model->fit(t.matrix, {.threads = 1});
  return t;
}

ModelMeta meta_for(const std::string& model) {
  return {.domain = "movies", .model = model, .n_users = 20, .n_items = 24, .n_interactions = 100,
          .metrics = {{"ndcg@10", 0.5}}, .data_fingerprint = "rows=100", .created_at_us = 1};
}

std::vector<models::ScoredItem> scores(const models::Recommender& m, const data::InteractionMatrix& matrix) {
  return m.recommend(matrix.row(0), 10, models::ItemFilter::of_row(matrix.row(0)));
}

void flip_byte(const std::filesystem::path& file, std::streamoff at) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(at);
  char c = 0;
  f.read(&c, 1);
  f.seekp(at);
  c = static_cast<char>(c ^ 0x5a);
  f.write(&c, 1);
}

TEST(ModelStoreTest, SaveThenLoadGivesIdenticalScoresAndIds) {
  testing::TempDir dir;
  ModelStore store(dir.path(), 3);
  auto t = train("collab", 3);
  EXPECT_EQ(store.save(*t.model, t.users, t.items, meta_for("collab")), 1);
  auto loaded = store.load_serving("movies", "collab");
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->meta.version, 1);
  EXPECT_EQ(loaded->meta.type_name, "als");
  EXPECT_EQ(loaded->meta.metrics["ndcg@10"], 0.5);
  EXPECT_TRUE(loaded->items == t.items);
  EXPECT_TRUE(loaded->users == t.users);
  EXPECT_EQ(scores(*loaded->model, t.matrix), scores(*t.model, t.matrix));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "movies" / "collab" / "v1" / "meta.json"));
}

TEST(ModelStoreTest, KeepsOnlyTheNewestVersions) {
  testing::TempDir dir;
  ModelStore store(dir.path(), 2);
  auto t = train("knn", 1);
  for (int i = 0; i < 4; ++i) store.save(*t.model, t.users, t.items, meta_for("knn"));
  EXPECT_EQ(store.versions("movies", "knn"), (std::vector<int>{3, 4}));
  EXPECT_EQ(store.load_serving("movies", "knn")->meta.version, 4);
}

TEST(ModelStoreTest, CorruptedNewestVersionFallsBackToThePrevious) {
  testing::TempDir dir;
  ModelStore store(dir.path(), 3);
  auto older = train("collab", 2);
  auto newer = train("collab", 6);
  store.save(*older.model, older.users, older.items, meta_for("collab"));
  store.save(*newer.model, newer.users, newer.items, meta_for("collab"));
  flip_byte(dir.path() / "movies" / "collab" / "v2" / "model.bin", 200);

  try {
    store.load("movies", "collab", 2);
    FAIL() << "a damaged file loaded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kCorrupt);
    EXPECT_THAT(e.what(), ::testing::HasSubstr("checksum mismatch"));
  }
  auto loaded = store.load_serving("movies", "collab");
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->meta.version, 1);
  EXPECT_EQ(scores(*loaded->model, older.matrix), scores(*older.model, older.matrix));
}

TEST(ModelStoreTest, TheServingPointerChoosesTheVersionAndSurvivesANewStoreObject) {
  testing::TempDir dir;
  ModelStore store(dir.path(), 2);
  auto t = train("knn", 1);
  for (int i = 0; i < 3; ++i) store.save(*t.model, t.users, t.items, meta_for("knn"));  // v2, v3 kept
  EXPECT_EQ(store.serving("movies", "knn"), 3) << "no pointer yet: the newest";
  store.set_serving("movies", "knn", 2);
  EXPECT_EQ(ModelStore(dir.path(), 2).load_serving("movies", "knn")->meta.version, 2);
  try {
    store.set_serving("movies", "knn", 1);  // pruned
    FAIL() << "a missing version was chosen";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kNotFound);
    EXPECT_EQ(e.field(), "version");
  }
  // Newer saves prune old versions, never the one served.
  store.save(*t.model, t.users, t.items, meta_for("knn"));
  store.save(*t.model, t.users, t.items, meta_for("knn"));
  EXPECT_EQ(store.versions("movies", "knn"), (std::vector<int>{2, 4, 5}));
  EXPECT_EQ(store.load_serving("movies", "knn")->meta.version, 2);
}

TEST(ModelStoreTest, AHeldBackVersionIsNeverServedUnlessChosen) {
  testing::TempDir dir;
  ModelStore store(dir.path(), 3);
  auto t = train("knn", 1);
  store.save(*t.model, t.users, t.items, meta_for("knn"));
  ModelMeta worse = meta_for("knn");
  worse.held_back = "held back by the quality gate: ...";
  EXPECT_EQ(store.save(*t.model, t.users, t.items, worse), 2);
  EXPECT_EQ(store.meta("movies", "knn", 2).held_back, worse.held_back);
  EXPECT_EQ(store.serving("movies", "knn"), 1);
  EXPECT_EQ(store.load_serving("movies", "knn")->meta.version, 1);
  store.set_serving("movies", "knn", 2);  // an operator's choice (a rollback to it)
  EXPECT_EQ(store.load_serving("movies", "knn")->meta.version, 2);

  // A damaged serving version falls back to an older one that was not held back.
  store.save(*t.model, t.users, t.items, meta_for("knn"));
  store.set_serving("movies", "knn", 3);
  flip_byte(dir.path() / "movies" / "knn" / "v3" / "model.bin", 20);
  EXPECT_EQ(store.load_serving("movies", "knn")->meta.version, 1);
}

TEST(ModelStoreTest, NothingSavedMeansNothingLoaded) {
  testing::TempDir dir;
  ModelStore store(dir.path(), 3);
  EXPECT_FALSE(store.load_serving("movies", "knn").has_value());
  EXPECT_TRUE(store.versions("movies", "knn").empty());
  try {
    store.load("movies", "knn", 7);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kNotFound);
  }
}

}  // namespace
}  // namespace mxn::engine
