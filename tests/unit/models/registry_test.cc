#include "models/registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"

namespace mxn::models {
namespace {

TEST(RegistryTest, BuildsEachConfiguredModel) {
  config::ModelsConfig c;
  EXPECT_EQ(make_recommender("popularity", c)->type_name(), "popularity");
  EXPECT_EQ(make_recommender("knn", c)->type_name(), "item_knn");
  EXPECT_EQ(make_recommender("collab", c)->type_name(), "als");
  c.collab.algorithm = "bpr";
  EXPECT_EQ(make_recommender("collab", c)->type_name(), "bpr");
}

TEST(RegistryTest, ParamsComeFromConfig) {
  config::ModelsConfig c;
  c.collab.als.factors = 12;
  c.knn.similarity = "jaccard";
  EXPECT_THAT(make_recommender("collab", c)->params_text(), ::testing::HasSubstr("factors=12"));
  EXPECT_THAT(make_recommender("knn", c)->params_text(), ::testing::HasSubstr("similarity=jaccard"));
}

TEST(RegistryTest, UnknownModelIsNamed) {
  try {
    make_recommender("deep_magic", {});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kInvalidArgument);
    EXPECT_EQ(e.field(), "model");
    EXPECT_THAT(e.what(), ::testing::HasSubstr("deep_magic"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("knn"));
  }
}

TEST(RegistryTest, InvalidParamsCarryTheConfigPath) {
  config::ModelsConfig c;
  c.collab.als.factors = -1;
  c.knn.neighbors = 0;
  try {
    make_recommender("collab", c, "domains.movies.models");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), "domains.movies.models.collab.als.factors");
  }
  try {
    make_recommender("knn", c, "domains.movies.models");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), "domains.movies.models.knn.neighbors");
  }
}

TEST(RegistryTest, EmptyModelsByStoredType) {
  for (std::string_view type : {"popularity", "item_knn", "als", "bpr"}) {
    const auto model = make_empty_recommender(type);
    EXPECT_EQ(model->type_name(), type);
    EXPECT_FALSE(model->is_fitted());
  }
  EXPECT_THROW(make_empty_recommender("knn"), Error);  // a config key, not a stored type
}

}  // namespace
}  // namespace mxn::models
