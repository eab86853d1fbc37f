#include "core/model_params.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

namespace mxn {
namespace {

std::vector<std::string> fields(const std::vector<FieldError>& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.field);
  return out;
}

TEST(ModelParamsTest, DefaultsAreValid) {
  std::vector<FieldError> out;
  PopularityParams{}.validate("p", out);
  ItemKnnParams{}.validate("k", out);
  AlsParams{}.validate("a", out);
  BprParams{}.validate("b", out);
  CollabParams{}.validate("c", out);
  EmbeddingParams{}.validate("e", out);
  EXPECT_TRUE(out.empty()) << out.front().field << ": " << out.front().message;
}

TEST(ModelParamsTest, AlsReportsEveryProblemWithItsField) {
  AlsParams p;
  p.factors = 0;
  p.regularization = -1;
  p.alpha = std::nan("");
  p.iterations = 0;
  p.cg_steps = -2;
  p.feedback = "sometimes";
  std::vector<FieldError> out;
  p.validate("domains.movies.models.collab.als", out);
  EXPECT_THAT(fields(out), ::testing::ElementsAre("domains.movies.models.collab.als.factors",
                                                  "domains.movies.models.collab.als.regularization",
                                                  "domains.movies.models.collab.als.alpha",
                                                  "domains.movies.models.collab.als.iterations",
                                                  "domains.movies.models.collab.als.cg_steps",
                                                  "domains.movies.models.collab.als.feedback"));
  EXPECT_EQ(out.front().message, "must be > 0");
  EXPECT_THAT(out.back().message, ::testing::HasSubstr("implicit, explicit"));
}

TEST(ModelParamsTest, CollabValidatesBothAlgorithms) {
  CollabParams p;
  p.algorithm = "svd";
  p.bpr.learning_rate = 0;
  std::vector<FieldError> out;
  p.validate("collab", out);
  EXPECT_THAT(fields(out), ::testing::ElementsAre("collab.algorithm", "collab.bpr.learning_rate"));
}

TEST(ModelParamsTest, KnnEmbeddingAndPopularityRanges) {
  ItemKnnParams k;
  k.similarity = "pearson";
  k.neighbors = 0;
  k.bm25_b = 1.5;
  PopularityParams pop;
  pop.half_life_days = -1;
  EmbeddingParams e;
  e.encoder = "minilm";
  e.query_weight = 2;
  std::vector<FieldError> out;
  k.validate("knn", out);
  pop.validate("popularity", out);
  e.validate("", out);
  EXPECT_THAT(fields(out), ::testing::ElementsAre("knn.similarity", "knn.neighbors", "knn.bm25_b",
                                                  "popularity.half_life_days", "model_path", "query_weight"));
}

// A dim the hashing encoder cannot make is the params' problem (a config field, or a damaged model file's
// kCorrupt), not an encoder's error later (the fuzzer found a model file with dim 16777600).
TEST(ModelParamsTest, TheHashingEncodersLargestDim) {
  EmbeddingParams e;
  e.dim = EmbeddingParams::kMaxHashingDim;
  std::vector<FieldError> out;
  e.validate("embedding", out);
  EXPECT_TRUE(out.empty());
  e.dim = EmbeddingParams::kMaxHashingDim + 1;
  e.validate("embedding", out);
  EXPECT_THAT(fields(out), ::testing::ElementsAre("embedding.dim"));
  out.clear();
  e.encoder = "minilm";  // its dim comes from the model
  e.model_path = "/models/minilm";
  e.validate("embedding", out);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace mxn
