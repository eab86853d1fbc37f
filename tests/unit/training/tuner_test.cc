// Tuner: mxn tune's search, its record, and how training and serving use it.

#include "training/tuner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/domain_settings.h"
#include "engine/recommendation_engine.h"
#include "seeded_warehouse.h"
#include "training/training_pipeline.h"

namespace mxn::training {
namespace {

/// Item-KNN set up to do badly: one neighbour per item, similarities shrunk to almost nothing.
config::Config bad_knn() {
  config::Config c = testing::fast_config();
  for (auto& [name, d] : c.domains) {
    d.models.enabled = {"knn", "ease"};
    d.models.knn.neighbors = 1;
    d.models.knn.shrinkage = 5000;
  }
  return c;
}

class TunerTest : public ::testing::Test {
 protected:
  TunerTest() : seeded(testing::small_seed(80, 60, 8000, {"movies"}), bad_knn()), store(seeded.config.models.store_dir, 3) {}

  nlohmann::json tune(const config::Config& config, int trials = 6) {
    return Tuner(*seeded.warehouse, store, config).run("movies", {.trials = trials, .threads = 1});
  }
  static double first_trial(const nlohmann::json& record, const std::string& model) {
    for (const auto& t : record["trials"]) {
      if (t["model"] == model) return t["ndcg@10"].get<double>();
    }
    return -1;
  }

  testing::SeededWarehouse seeded;
  engine::ModelStore store;
};

TEST_F(TunerTest, ImprovesADeliberatelyBadStartingPoint) {
  const auto record = tune(seeded.config);
  EXPECT_EQ(record["version"], 1);
  const auto& knn = record["models"]["knn"];
  EXPECT_TRUE(knn["changed"].get<bool>()) << record["models"].dump();
  EXPECT_GT(knn["ndcg@10"].get<double>(), first_trial(record, "knn") + 0.02);
  EXPECT_NE(record["values"]["models.knn.neighbors"], 1);
  EXPECT_TRUE(record["values"].contains("ensemble.weights.knn"));
  // What training then fits with.
  const auto settings = engine::domain_settings(seeded.config, store, "movies");
  EXPECT_EQ(settings.config.models.knn.neighbors, record["values"]["models.knn.neighbors"].get<int>());
  ASSERT_TRUE(settings.tuned.has_value());
  EXPECT_EQ((*settings.tuned)["version"], 1);
}

TEST_F(TunerTest, TheBlendNeverLosesToItsBestModelAloneOnValidation) {
  const auto record = tune(seeded.config, 2);
  const auto& blend = record["blend"];
  ASSERT_FALSE(blend.empty());
  double best_single = 0;
  for (const auto& [model, best] : record["models"].items()) {
    if (model != "popularity") best_single = std::max(best_single, best["ndcg@10"].get<double>());
  }
  EXPECT_GE(blend["ndcg@10"].get<double>(), best_single - 1e-12);
  if (!blend["serves_single_model"].is_null()) {
    int nonzero = 0;
    for (const auto& [model, w] : blend["weights"].items()) nonzero += w.get<double>() > 0;
    EXPECT_EQ(nonzero, 1) << "serving one model alone is a one-hot blend";
  }
}

TEST_F(TunerTest, ABlendThatCannotBeatItsBestModelServesThatModelAlone) {
  config::Config one = seeded.config;
  one.domains.at("movies").models.enabled = {"ease"};
  const auto record = tune(one, 1);
  EXPECT_EQ(record["blend"]["serves_single_model"], "ease");
  EXPECT_EQ(record["values"]["ensemble.weights.ease"], 1.0);
}

TEST_F(TunerTest, ConfigPinsWinOverTuning) {
  const config::Config pinned = config::load_from_string(
      "domains:\n  movies:\n    models:\n      enabled: [knn, ease]\n      knn:\n        neighbors: 1\n"
      "        shrinkage: 5000\n",
      {});
  const auto record = Tuner(*seeded.warehouse, store, pinned).run("movies", {.trials = 4, .threads = 1});
  EXPECT_THAT(record["pinned"], ::testing::Contains("models.knn.neighbors"));
  EXPECT_FALSE(record["values"].contains("models.knn.neighbors")) << "a pinned key is not searched";
  // Even a record that holds a value for a pinned key does not override config.
  nlohmann::json forged = record;
  forged["values"]["models.knn.neighbors"] = 77;
  store.save_tuned("movies", forged);
  EXPECT_EQ(engine::domain_settings(pinned, store, "movies").config.models.knn.neighbors, 1);
  EXPECT_EQ(engine::domain_settings(seeded.config, store, "movies").config.models.knn.neighbors, 77)
      << "where config does not pin it, the record's value is in force";
}

TEST_F(TunerTest, TunedValuesSurviveARestartAndAreServed) {
  const auto record = tune(seeded.config, 3);
  TrainingPipeline(*seeded.warehouse, store, seeded.config).run("movies");
  // A new process: a new store object and engine over the same folder.
  const engine::ModelStore reopened(seeded.config.models.store_dir, 3);
  engine::RecommendationEngine engine(*seeded.warehouse, reopened, seeded.config);
  engine.start();
  const auto set = engine.models("movies");
  ASSERT_TRUE(set->settings.tuned.has_value());
  EXPECT_EQ((*set->settings.tuned)["version"], record["version"]);
  EXPECT_EQ(set->settings.config.models.knn.neighbors, record["values"]["models.knn.neighbors"].get<int>());
  EXPECT_EQ(set->settings.config.ensemble.weights.at("ease"), record["values"]["ensemble.weights.ease"].get<double>());
  const auto summary = engine::tuned_summary(set->settings);
  EXPECT_EQ(summary["version"], record["version"]);
  EXPECT_EQ(summary["in_force"]["models.knn.neighbors"], record["values"]["models.knn.neighbors"]);
  EXPECT_EQ(set->models.at("knn").model->params_text().find("neighbors=1 "), std::string::npos)
      << "the model was trained with the tuned values";
}

TEST_F(TunerTest, IsDeterministicForAFixedSeedAndOneThread) {
  const auto a = tune(seeded.config, 3);
  testing::TempDir other;  // a second store: a record in force would be the next run's starting point
  engine::ModelStore other_store(other.file("models"), 3);
  const auto b = Tuner(*seeded.warehouse, other_store, seeded.config).run("movies", {.trials = 3, .threads = 1});
  EXPECT_EQ(a["values"], b["values"]);
  ASSERT_EQ(a["trials"].size(), b["trials"].size());
  for (std::size_t i = 0; i < a["trials"].size(); ++i) EXPECT_EQ(a["trials"][i]["values"], b["trials"][i]["values"]);
}

TEST_F(TunerTest, RefusesAnUnknownMetricAndATooSmallDomain) {
  EXPECT_THROW(Tuner(*seeded.warehouse, store, seeded.config).run("movies", {.metric = "auc"}), Error);
  config::Config strict = seeded.config;
  strict.training.min_samples = 1000000;
  try {
    Tuner(*seeded.warehouse, store, strict).run("movies", {});
    FAIL() << "tuned a domain below min_samples";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kFailedPrecondition);
  }
}

}  // namespace
}  // namespace mxn::training
