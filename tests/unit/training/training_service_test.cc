#include "training/training_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "seeded_warehouse.h"

namespace mxn::training {
namespace {

config::Config knn_only_config() {
  config::Config c;
  for (auto& [name, d] : c.domains) d.models.enabled = {"knn"};
  return c;
}

data::SeedOptions seed_options() { return testing::small_seed(40, 50, 4000); }

class TrainingServiceTest : public ::testing::Test {
 protected:
  TrainingServiceTest()
      : seeded(seed_options(), knn_only_config()),
        store(seeded.config.models.store_dir, 3),
        pipeline(*seeded.warehouse, store, seeded.config) {
    // Only the seeded domains exist in this test's configuration.
    seeded.config.domains.erase("tasks");
    seeded.config.domains.erase("notes");
  }
  testing::SeededWarehouse seeded;
  engine::ModelStore store;
  TrainingPipeline pipeline;
};

TEST_F(TrainingServiceTest, AJobTrainsItsDomainsAndPublishes) {
  std::atomic<int> published{0};
  TrainingService service(pipeline, *seeded.warehouse, seeded.config, [&](const TrainingSummary&) { ++published; });
  const std::string id = service.submit({"movies"});
  TrainingJob job = service.wait(id);
  EXPECT_EQ(job.status, "succeeded");
  ASSERT_EQ(job.summaries.size(), 1u);
  EXPECT_EQ(job.summaries[0].domain, "movies");
  EXPECT_EQ(published, 1);
  EXPECT_GE(job.finished_us, job.started_us);
  EXPECT_EQ(service.job(id)->status, "succeeded");
  EXPECT_FALSE(service.job("job-unknown").has_value());
}

TEST_F(TrainingServiceTest, TheSchedulerRetunesWhenTuneEveryHoursHasPassed) {
  seeded.config.training.tune_every_hours = 1e-9;  // due at once
  seeded.config.training.min_new_interactions = 1000000;  // nothing to retrain for new data
  TrainingService service(pipeline, *seeded.warehouse, seeded.config, {});
  EXPECT_FALSE(service.run_schedule_once().has_value()) << "the interval counts from the first look";
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  const auto id = service.run_schedule_once();
  ASSERT_TRUE(id.has_value());
  const TrainingJob job = service.wait(*id);
  EXPECT_TRUE(job.tune);
  EXPECT_EQ(job.status, "succeeded");
  EXPECT_EQ(job.summaries.size(), 2u) << "each domain is tuned, then trained";
  for (const std::string domain : {"movies", "music"}) {
    const auto record = store.latest_tuned(domain);
    ASSERT_TRUE(record.has_value()) << domain;
    EXPECT_EQ((*record)["version"], 1);
  }
  seeded.config.training.tune_every_hours = 1000;
  EXPECT_FALSE(service.run_schedule_once().has_value()) << "not due again";
}

TEST_F(TrainingServiceTest, EmptyDomainListMeansEveryEnabledDomain) {
  TrainingService service(pipeline, *seeded.warehouse, seeded.config, {});
  TrainingJob job = service.wait(service.submit({}));
  ASSERT_EQ(job.summaries.size(), 2u);
  EXPECT_EQ(job.status, "succeeded");
}

TEST_F(TrainingServiceTest, AnEvaluationJobReportsEveryModelAndTheBlendAndSavesNothing) {
  std::atomic<int> published{0};
  TrainingService service(pipeline, *seeded.warehouse, seeded.config,
                          [&](const TrainingSummary&) { ++published; });
  EvaluationOptions loo;
  loo.split = "loo";
  loo.k = 5;
  const std::string training = service.submit({"movies"});  // runs first: the evaluation waits behind it
  const std::string id = service.submit_evaluation("movies", loo);
  EXPECT_NE(service.submit({"movies"}), id) << "a queued evaluation does not stand in for training";
  EXPECT_EQ(service.submit_evaluation("movies", loo), id)
      << "the same evaluation, pending, is not queued twice";
  EvaluationOptions other = loo;
  other.k = 7;
  try {
    service.submit_evaluation("movies", other);
    ADD_FAILURE() << "a second, different evaluation of a domain was queued";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kFailedPrecondition);
    EXPECT_EQ(e.field(), "domain");
  }
  const TrainingJob job = service.wait(id);
  EXPECT_EQ(job.kind, "evaluate");
  ASSERT_EQ(job.status, "succeeded") << job.error;
  EXPECT_TRUE(job.summaries.empty());
  const auto& report = job.evaluation;
  EXPECT_EQ(report["domain"], "movies");
  EXPECT_EQ(report["split"], "loo");
  EXPECT_EQ(report["k"], 5);
  EXPECT_GT(report["held_out"]["users"].get<int>(), 0);
  std::vector<std::string> models;
  for (const auto& m : report["models"]) {
    models.push_back(m["model"]);
    EXPECT_EQ(m["status"], "evaluated") << m.dump();
    EXPECT_GE(m["ndcg"].get<double>(), 0.0);
  }
  EXPECT_EQ(models, (std::vector<std::string>{"popularity", "knn", "ensemble"}));
  EXPECT_EQ(service.wait(training).status, "succeeded");
  EXPECT_EQ(published, 1) << "only the training job published";
  EXPECT_EQ(store.versions("movies", "knn").size(), 1u) << "the evaluation saved no model";

  EvaluationOptions sideways;
  sideways.split = "sideways";
  const TrainingJob bad = service.wait(service.submit_evaluation("movies", sideways));
  EXPECT_EQ(bad.status, "failed");
  EXPECT_NE(bad.error.find("split"), std::string::npos) << bad.error;
  EXPECT_THROW(service.submit_evaluation("books", EvaluationOptions()), Error);
}

TEST_F(TrainingServiceTest, UnknownDomainIsRefusedBeforeQueueing) {
  TrainingService service(pipeline, *seeded.warehouse, seeded.config, {});
  try {
    service.submit({"books"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), "domain");
  }
}

TEST_F(TrainingServiceTest, ScheduleQueuesOnlyDomainsWithEnoughNewInteractions) {
  TrainingService service(pipeline, *seeded.warehouse, seeded.config, {});
  EXPECT_GT(service.new_interactions("movies"), 0);
  auto first = service.run_schedule_once();
  ASSERT_TRUE(first.has_value());
  EXPECT_FALSE(service.run_schedule_once().has_value()) << "domains already queued are not queued twice";
  TrainingJob job = service.wait(*first);
  EXPECT_EQ(job.trigger, "schedule");
  EXPECT_EQ(job.summaries.size(), 2u);
  EXPECT_EQ(service.new_interactions("movies"), 0);
  EXPECT_FALSE(service.run_schedule_once().has_value()) << "nothing new since the last run";
}

}  // namespace
}  // namespace mxn::training
