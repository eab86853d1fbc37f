// On the data `mxn seed` makes by default, every collaborative model must clearly beat popularity:
// NDCG@10 at least 1.5x popularity's on the held-out split, in the domains with taste structure.

#include <gtest/gtest.h>

#include "seeded_warehouse.h"
#include "training/training_pipeline.h"

namespace mxn::training {
namespace {

TEST(ModelQualityTest, CollaborativeModelsBeatPopularityOnSeedDefaults) {
  testing::SeededWarehouse seeded{data::SeedOptions{}};
  for (const std::string algorithm : {"als", "bpr"}) {
    config::Config config = seeded.config;
    for (auto& [name, d] : config.domains) d.models.collab.algorithm = algorithm;
    engine::ModelStore store(config.models.store_dir, config.models.versions_kept);
    TrainingPipeline pipeline(*seeded.warehouse, store, config);
    for (const std::string domain : {"movies", "music"}) {
      TrainingSummary s = pipeline.run(domain, {"popularity", "knn", "collab"});
      ASSERT_EQ(s.status, "succeeded");
      const double baseline = s.models[0].metrics.ndcg;
      ASSERT_GT(baseline, 0.0);
      for (std::size_t i = 1; i < s.models.size(); ++i) {
        const auto& m = s.models[i];
        std::cout << domain << " " << m.type_name << " ndcg@10=" << m.metrics.ndcg << " popularity=" << baseline
                  << "\n";
        EXPECT_GE(m.metrics.ndcg, 1.5 * baseline)
            << domain << "/" << m.type_name << ": " << m.metrics.summary() << " vs popularity "
            << s.models[0].metrics.summary();
      }
    }
  }
}

}  // namespace
}  // namespace mxn::training
