#include "training/training_pipeline.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../text/minilm_fixture.h"
#include "models/embedding.h"
#include "seeded_warehouse.h"

namespace mxn::training {
namespace {

using ::testing::HasSubstr;

data::SeedOptions small_seed() { return testing::small_seed(60, 80, 8000); }

using testing::fast_config;

class TrainingPipelineTest : public ::testing::Test {
 protected:
  TrainingPipelineTest()
      : seeded(small_seed(), fast_config()),
        store(seeded.config.models.store_dir, seeded.config.models.versions_kept),
        pipeline(*seeded.warehouse, store, seeded.config) {}
  testing::SeededWarehouse seeded;
  engine::ModelStore store;
  TrainingPipeline pipeline;
};

TEST_F(TrainingPipelineTest, TrainsEveryEnabledModelSavesAndRecordsHistory) {
  std::vector<std::string> progressed;
  TrainingSummary s = pipeline.run("movies", {}, [&](const std::string& model, int, int, double) {
    if (progressed.empty() || progressed.back() != model) progressed.push_back(model);
  });
  EXPECT_EQ(s.status, "succeeded");
  EXPECT_EQ(s.n_interactions, seeded.warehouse->domain_stats("movies").n_interactions);
  EXPECT_GT(s.n_interactions, 3000);
  EXPECT_EQ(s.n_items, 80);
  ASSERT_EQ(s.models.size(), 4u);
  EXPECT_EQ(s.models[0].model, "popularity");
  EXPECT_EQ(s.models[1].model, "knn");
  EXPECT_EQ(s.models[2].model, "collab");
  EXPECT_EQ(s.models[2].type_name, "als");
  EXPECT_EQ(s.models[3].model, "embedding");
  EXPECT_EQ(s.models[3].type_name, "embedding");
  for (const auto& m : s.models) {
    EXPECT_EQ(m.status, "succeeded") << m.model << ": " << m.error;
    EXPECT_EQ(m.version, 1);
    EXPECT_GT(m.metrics.users, 0u);
    EXPECT_EQ(store.versions("movies", m.model), std::vector<int>{1});
  }
  // Each model's progress is labelled with its type and which of its two fits it is; item texts too.
  EXPECT_THAT(progressed, ::testing::Contains("collab als (held-out fit)"));
  EXPECT_THAT(progressed, ::testing::Contains("collab als (final fit)"));
  EXPECT_THAT(progressed, ::testing::Contains("item texts hashing"));

  ASSERT_TRUE(s.ensemble.has_value()) << "a full run evaluates the blend";
  EXPECT_GT(s.ensemble->users, 0u);

  auto runs = seeded.warehouse->list_training_runs("movies", 10);
  ASSERT_EQ(runs.size(), 5u);
  EXPECT_EQ(runs[0].model, "ensemble") << "the blend's metrics are recorded last";
  EXPECT_FALSE(runs[0].model_version.has_value());
  for (const auto& r : runs) {
    EXPECT_EQ(r.status, "succeeded");
    if (r.model != "ensemble") {
      EXPECT_EQ(r.model_version, 1);
    }
    EXPECT_EQ(r.n_interactions, s.n_interactions);
    auto metrics = nlohmann::json::parse(r.metrics);
    EXPECT_TRUE(metrics.contains("ndcg@10")) << r.metrics;
    EXPECT_TRUE(r.finished_at_us.has_value());
  }
  auto collab = std::find_if(runs.begin(), runs.end(), [](const auto& r) { return r.model == "collab"; });
  ASSERT_NE(collab, runs.end());
  EXPECT_EQ(nlohmann::json::parse(collab->params)["factors"], 8);
}

TEST_F(TrainingPipelineTest, EveryRunMakesNewVersions) {
  pipeline.run("music", {"knn"});
  TrainingSummary s = pipeline.run("music", {"knn"});
  ASSERT_EQ(s.models.size(), 1u);
  EXPECT_EQ(s.models[0].version, 2);
  EXPECT_EQ(store.versions("music", "knn"), (std::vector<int>{1, 2}));
}

TEST_F(TrainingPipelineTest, AFailingModelKeepsItsPreviousVersionAndOthersGoOn) {
  pipeline.run("movies", {"knn", "collab"});
  TrainingSummary s =
      pipeline.run("movies", {"knn", "collab"}, [](const std::string& model, int it, int, double) {
        if (model.starts_with("collab ") && it == 2) throw std::runtime_error("solver diverged");
      });
  EXPECT_EQ(s.status, "partial");
  ASSERT_EQ(s.models.size(), 2u);
  EXPECT_EQ(s.models[0].status, "succeeded");
  EXPECT_EQ(s.models[0].version, 2);
  EXPECT_EQ(s.models[1].status, "failed");
  EXPECT_THAT(s.models[1].error, HasSubstr("solver diverged"));
  EXPECT_EQ(store.versions("movies", "collab"), std::vector<int>{1});
  EXPECT_EQ(store.load_serving("movies", "collab")->meta.version, 1);
  auto runs = seeded.warehouse->list_training_runs("movies", 1);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].status, "failed");
  EXPECT_THAT(runs[0].error, HasSubstr("solver diverged"));
}

TEST_F(TrainingPipelineTest, TooSmallDomainIsSkippedWithTheReason) {
  auto config = seeded.config;
  config.training.min_samples = 1000000;
  TrainingPipeline strict(*seeded.warehouse, store, config);
  TrainingSummary s = strict.run("movies");
  EXPECT_EQ(s.status, "skipped");
  EXPECT_THAT(s.reason, HasSubstr("training.min_samples"));
  ASSERT_EQ(s.models.size(), 1u) << "popularity is still saved, to serve the domain";
  EXPECT_EQ(s.models[0].model, "popularity");
  EXPECT_EQ(store.versions("movies", "popularity"), std::vector<int>{1});
  EXPECT_TRUE(store.versions("movies", "knn").empty());
  auto runs = seeded.warehouse->list_training_runs("movies", 5);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].status, "skipped");
  EXPECT_EQ(runs[0].model_version, 1);
}

TEST(TrainingPipelineBlankCatalogTest, AModelThatCannotLearnIsSkippedWithTheReasonAndNeverPublished) {
  // Interactions only: the catalog rows they create have no text, so the embedding model has nothing to
  // learn from; the shipped config enables it.
  testing::TempDir dir;
  config::Config config = config::load(std::string(MXN_SOURCE_DIR) + "/config/config.yaml");
  config.set_keys.clear();
  config.warehouse.path = dir.file("warehouse.duckdb");
  config.models.store_dir = dir.file("models");
  warehouse::Warehouse warehouse(config.warehouse);
  data::SeedGenerator generator(testing::small_seed(60, 80, 8000, {"movies"}));
  tracking::BehaviorTracker tracker(warehouse, config.interactions, config.domains, config.warehouse);
  generator.interactions(50000, [&](std::vector<Interaction>& chunk) { tracker.track_many(chunk); });
  engine::ModelStore store(config.models.store_dir, 3);
  const TrainingSummary s = TrainingPipeline(warehouse, store, config).run("movies");
  EXPECT_EQ(s.status, "succeeded") << "a skipped model is not a failure";
  auto embedding = std::find_if(s.models.begin(), s.models.end(), [](const ModelRun& m) { return m.model == "embedding"; });
  ASSERT_NE(embedding, s.models.end());
  EXPECT_EQ(embedding->status, "skipped");
  EXPECT_THAT(embedding->error, HasSubstr("no catalog item has any text"));
  EXPECT_EQ(embedding->version, 0);
  EXPECT_TRUE(store.versions("movies", "embedding").empty()) << "never published";
  EXPECT_EQ(store.versions("movies", "ease"), std::vector<int>{1});
  const auto runs = warehouse.list_training_runs("movies", 10);
  auto run = std::find_if(runs.begin(), runs.end(), [](const auto& r) { return r.model == "embedding"; });
  ASSERT_NE(run, runs.end());
  EXPECT_EQ(run->status, "skipped");
  EXPECT_THAT(run->error, HasSubstr("text"));
  ASSERT_TRUE(s.ensemble.has_value());
  EXPECT_GT(s.ensemble->ndcg, 0.0);
}

TEST_F(TrainingPipelineTest, UnknownDomainOrModelIsAnError) {
  try {
    pipeline.run("books");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kNotFound);
    EXPECT_EQ(e.field(), "domain");
  }
  try {
    pipeline.run("movies", {"wizard"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), "model");
  }
}

TEST_F(TrainingPipelineTest, AMissingMiniLmFolderIsAStartUpErrorNamingTheKeyAndTheFile) {
  config::Config config = seeded.config;
  config.domains.at("music").models.embedding.encoder = "minilm";
  config.domains.at("music").models.embedding.model_path = seeded.dir.file("no-such-model");
  try {
    TrainingPipeline broken(*seeded.warehouse, store, config);
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), "domains.music.models.embedding.model_path");
    EXPECT_THAT(e.what(), HasSubstr("no-such-model"));
  }
}

TEST_F(TrainingPipelineTest, TrainsTheEmbeddingModelWithAMiniLmFolder) {
  MXN_REQUIRE_MINILM_FIXTURE();
  config::Config config = seeded.config;
  config.domains.at("movies").models.embedding.encoder = "minilm";
  config.domains.at("movies").models.embedding.model_path = testing::minilm_tiny_dir().string();
  TrainingPipeline with_minilm(*seeded.warehouse, store, config);
  const TrainingSummary s = with_minilm.run("movies", {"embedding"});
  ASSERT_EQ(s.models.size(), 1u);
  EXPECT_EQ(s.models[0].status, "succeeded") << s.models[0].error;
  auto loaded = store.load_serving("movies", "embedding");
  ASSERT_TRUE(loaded);
  const auto& model = dynamic_cast<const models::Embedding&>(*loaded->model);
  EXPECT_EQ(model.encoder()->name(), "minilm");
  EXPECT_EQ(model.n_items(), 80);
  EXPECT_EQ(model.recommend_for_query({}, "space adventure", 5, {}).size(), 5u);
}

}  // namespace
}  // namespace mxn::training
