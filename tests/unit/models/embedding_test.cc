// What the embedding model does beyond the common contract (recommender_contract_test.cc): queries,
// dislikes, items without text, the exact/HNSW switch, and its preconditions.

#include "models/embedding.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <random>
#include <set>
#include <sstream>

#include "core/error.h"
#include "models/registry.h"
#include "models/top_k.h"
#include "random_vectors.h"
#include "text/hashing_encoder.h"

namespace mxn::models {
namespace {

const std::vector<std::string> kTexts = {
    "A crew of astronauts on a space adventure beyond the galaxy",  // 0
    "A starship lost in deep space, far from home",                 // 1
    "Astronauts and an android in orbit around a dying star",       // 2
    "A detective hunts a murderer through the fog of London",       // 3
    "The murder at the manor: a detective story",                   // 4
    "A romantic comedy about two chefs in Paris",                   // 5
    "",                                                             // 6: no text
    "Love and baking in a small Paris bakery",                      // 7
};

class EmbeddingTest : public ::testing::Test {
 protected:
  void SetUp() override { model_ = fitted(EmbeddingParams{}); }

  static std::unique_ptr<Embedding> fitted(const EmbeddingParams& params) {
    auto model = std::make_unique<Embedding>(params);
    auto encoder = std::make_shared<text::HashingEncoder>(text::HashingEncoderOptions{.dim = 384});
    encoder->fit(kTexts);
    model->set_content(encoder, encoder->encode(kTexts));
    model->fit(matrix(), {.threads = 1});
    return model;
  }
  static data::InteractionMatrix matrix() {
    return data::InteractionMatrix::from_triplets({}, 1, static_cast<UserIndex>(kTexts.size()));
  }
  static std::vector<ItemIndex> items_of(const std::vector<ScoredItem>& list) {
    std::vector<ItemIndex> out;
    for (const auto& s : list) out.push_back(s.item);
    return out;
  }

  std::unique_ptr<Embedding> model_;
};

TEST_F(EmbeddingTest, QueryAloneIsSemanticSearch) {
  const auto recs = model_->recommend_for_query({}, "space adventure with astronauts", 3, {});
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].item, 0);  // space, adventure and astronauts
  EXPECT_EQ(recs[1].item, 2);  // astronauts
  EXPECT_GT(recs.front().score, 0.3f);
  EXPECT_LE(recs.front().score, 1.0001f);
}

TEST_F(EmbeddingTest, HistoryProfileFindsItemsOfTheSameKind) {
  const std::vector<ItemIndex> items{3};
  const std::vector<float> weights{2};
  const auto recs = model_->recommend({items, weights}, 1, ItemFilter(items));
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs.front().item, 4);  // the other detective story
}

TEST_F(EmbeddingTest, QueryIsBlendedWithHistory) {
  // A Paris-bakery fan asking for detectives: the detective stories first, then the Paris items before space.
  const std::vector<ItemIndex> items{7};
  const std::vector<float> weights{1};
  const auto recs = items_of(model_->recommend_for_query({items, weights}, "a detective story", 4, ItemFilter(items)));
  ASSERT_EQ(recs.size(), 4u);
  EXPECT_EQ(std::set<ItemIndex>(recs.begin(), recs.begin() + 2), (std::set<ItemIndex>{3, 4}));
  EXPECT_EQ(recs[2], 5);
  // query_weight 1: the history no longer counts.
  EmbeddingParams only_query;
  only_query.query_weight = 1.0;
  EXPECT_EQ(items_of(fitted(only_query)->recommend_for_query({items, weights}, "a detective story", 4, ItemFilter(items))),
            items_of(model_->recommend_for_query({}, "a detective story", 4, ItemFilter(items))));
}

TEST_F(EmbeddingTest, DislikesSubtract) {
  // Liking one space story and disliking another pushes the third below what a like alone would give.
  const std::vector<ItemIndex> liked{0};
  const std::vector<float> like{1};
  const std::vector<ItemIndex> mixed{0, 1};
  const std::vector<float> like_dislike{1, -1};
  auto score_of = [](const std::vector<ScoredItem>& recs, ItemIndex item) {
    for (const auto& s : recs) {
      if (s.item == item) return s.score;
    }
    return -2.0f;
  };
  const auto plain = model_->recommend({liked, like}, 8, ItemFilter(mixed));
  const auto with_dislike = model_->recommend({mixed, like_dislike}, 8, ItemFilter(mixed));
  EXPECT_LT(score_of(with_dislike, 2), score_of(plain, 2));
}

TEST_F(EmbeddingTest, ItemsWithoutTextAreNeverReturned) {
  const auto all = model_->recommend_for_query({}, "paris", 100, {});
  EXPECT_EQ(all.size(), kTexts.size() - 1);
  for (const auto& s : all) EXPECT_NE(s.item, 6);
  EXPECT_TRUE(model_->similar_items(6, 5).empty());
}

TEST_F(EmbeddingTest, QueryWithoutFeaturesFallsBackToHistory) {
  const std::vector<ItemIndex> items{3};
  const std::vector<float> weights{1};
  EXPECT_EQ(model_->recommend_for_query({items, weights}, "?!", 3, ItemFilter(items)),
            model_->recommend({items, weights}, 3, ItemFilter(items)));
  EXPECT_TRUE(model_->recommend_for_query({}, "", 3, {}).empty());
}

TEST_F(EmbeddingTest, SimilarItemsAreNearestByText) {
  const auto similar = model_->similar_items(3, 1);
  ASSERT_EQ(similar.size(), 1u);
  EXPECT_EQ(similar.front().item, 4);
  try {
    model_->similar_items(99, 1);
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kNotFound);
  }
}

TEST_F(EmbeddingTest, HnswAboveTheThresholdGivesTheExactResults) {
  EmbeddingParams hnsw;
  hnsw.hnsw_threshold = 1;
  const auto approximate = fitted(hnsw);
  EXPECT_EQ(approximate->index_type(), "hnsw");
  EXPECT_EQ(model_->index_type(), "exact");
  // Eight items: the graph is complete, so the search is exact.
  const std::vector<ItemIndex> items{0};
  const std::vector<float> weights{1};
  EXPECT_EQ(items_of(approximate->recommend_for_query({items, weights}, "detective", 5, ItemFilter(items))),
            items_of(model_->recommend_for_query({items, weights}, "detective", 5, ItemFilter(items))));
}

TEST_F(EmbeddingTest, SavedModelKeepsItsEncoderAndAnswersQueriesTheSame) {
  std::stringstream buffer;
  ModelWriter writer(buffer, 7);
  model_->save(writer);
  ModelReader reader(buffer, 7);
  auto loaded = make_empty_recommender(reader.header().type_name);
  loaded->load(reader);
  EXPECT_EQ(loaded->recommend_for_query({}, "a starship in orbit", 5, {}),
            model_->recommend_for_query({}, "a starship in orbit", 5, {}));
}

// Format 1 (before the neighbour lists) is still read, and serves histories as it did: by profile search.
TEST_F(EmbeddingTest, AFormatOneFileLoadsAsAProfileSearch) {
  auto encoder = std::make_shared<text::HashingEncoder>(text::HashingEncoderOptions{.dim = 384});
  encoder->fit(kTexts);
  const auto vectors = encoder->encode(kTexts);
  const EmbeddingParams p;
  std::stringstream buffer;
  ModelWriter writer(buffer, 7);
  writer.begin("embedding", 1, "encoder=hashing");
  auto& b = writer.body();
  b.write_string(p.encoder);
  b.write<std::int32_t>(p.dim);
  b.write_string(p.model_path);
  b.write<double>(p.query_weight);
  for (int v : {p.hnsw_threshold, p.hnsw_m, p.hnsw_ef_construction, p.hnsw_ef_search}) b.write<std::int32_t>(v);
  encoder->save(b);
  b.write<std::uint64_t>(vectors.rows);
  b.write<std::uint64_t>(vectors.cols);
  b.write_vector(vectors.data);  // an exact index saves nothing more
  writer.end();
  ModelReader reader(buffer, 7);
  Embedding loaded;
  loaded.load(reader);
  const std::vector<ItemIndex> items{3, 5};
  const std::vector<float> weights{2, 1};
  EXPECT_EQ(loaded.params().history, "profile");
  EmbeddingParams profile;
  profile.history = "profile";
  const auto expected = fitted(profile)->recommend({items, weights}, 4, ItemFilter(items));
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(loaded.recommend({items, weights}, 4, ItemFilter(items)), expected);
}

TEST_F(EmbeddingTest, AHnswModelLoadsWithItsGraph) {
  EmbeddingParams hnsw;
  hnsw.hnsw_threshold = 1;
  const auto model = fitted(hnsw);
  std::stringstream buffer;
  ModelWriter writer(buffer, 7);
  model->save(writer);
  ModelReader reader(buffer, 7);
  Embedding loaded;
  loaded.load(reader);
  EXPECT_EQ(loaded.index_type(), "hnsw");
  const std::vector<ItemIndex> items{3};
  const std::vector<float> weights{1};
  EXPECT_EQ(loaded.recommend_for_query({items, weights}, "paris", 5, ItemFilter(items)),
            model->recommend_for_query({items, weights}, "paris", 5, ItemFilter(items)));
}

/// A model fitted on `vectors` (n x dim rows, as if encoded) with `params`.
std::unique_ptr<Embedding> fitted_on(const std::vector<float>& vectors, std::size_t dim, const EmbeddingParams& params) {
  const std::size_t n = vectors.size() / dim;
  auto encoder = std::make_shared<text::HashingEncoder>(text::HashingEncoderOptions{.dim = dim});
  encoder->fit(std::vector<std::string>{"a"});
  text::EmbeddingMatrix content(n, dim);
  content.data = vectors;
  auto model = std::make_unique<Embedding>(params);
  model->set_content(encoder, std::move(content));
  model->fit(data::InteractionMatrix::from_triplets({}, 1, static_cast<UserIndex>(n)), {});
  return model;
}

/// 1 to max_size distinct random items of n.
std::vector<ItemIndex> random_row(std::mt19937& rng, std::size_t n, std::size_t max_size) {
  std::set<ItemIndex> chosen;
  const std::size_t size = 1 + rng() % max_size;
  while (chosen.size() < size) chosen.insert(static_cast<ItemIndex>(rng() % n));
  return {chosen.begin(), chosen.end()};
}

// A history is scored item to item: score(j) = sum_q w_q cos(q, j) / sum_q |w_q| over the row items q that
// have j among their `neighbors` nearest items by text. Checked against that formula computed by brute force
// on text-like vectors, with dislikes in the rows.
TEST(EmbeddingHistory, ScoresAreTheWeightedMeanSimilarityOverNeighbourLists) {
  constexpr std::size_t kItems = 2000, kDim = 32, kK = 20;
  constexpr int kNeighbors = 25;
  const auto vectors = testing::low_rank_unit_vectors(kItems, kDim, 8, 7, 8);
  auto cosine = [&](std::size_t a, std::size_t b) {
    float s = 0;
    for (std::size_t c = 0; c < kDim; ++c) s += vectors[a * kDim + c] * vectors[b * kDim + c];
    return s;
  };
  EmbeddingParams params;
  params.neighbors = kNeighbors;
  const auto model = fitted_on(vectors, kDim, params);
  // Brute-force lists: each item's kNeighbors + 1 nearest (itself first).
  std::vector<std::vector<ScoredItem>> lists(kItems);
  for (std::size_t q = 0; q < kItems; ++q) {
    for (std::size_t j = 0; j < kItems; ++j) lists[q].push_back({static_cast<ItemIndex>(j), cosine(q, j)});
    std::partial_sort(lists[q].begin(), lists[q].begin() + kNeighbors + 1, lists[q].end(), ranks_before);
    lists[q].resize(kNeighbors + 1);
  }
  std::mt19937 rng(3);
  for (int user = 0; user < 50; ++user) {
    const auto items = random_row(rng, kItems, 40);
    const std::set<ItemIndex> chosen(items.begin(), items.end());
    std::vector<float> weights;
    for (std::size_t e = 0; e < items.size(); ++e) weights.push_back(e % 5 == 4 ? -2.0f : 1.0f + static_cast<float>(rng() % 3));
    std::vector<double> sums(kItems, 0.0);
    double total = 0;
    for (std::size_t e = 0; e < items.size(); ++e) {
      total += std::abs(weights[e]);
      for (const auto& n : lists[static_cast<std::size_t>(items[e])]) sums[static_cast<std::size_t>(n.item)] += weights[e] * n.score;
    }
    std::vector<ScoredItem> expected;
    for (std::size_t j = 0; j < kItems; ++j) {
      if (sums[j] > 0 && !chosen.count(static_cast<ItemIndex>(j))) expected.push_back({static_cast<ItemIndex>(j), static_cast<float>(sums[j] / total)});
    }
    std::sort(expected.begin(), expected.end(), ranks_before);
    if (expected.size() > kK) expected.resize(kK);
    const auto got = model->recommend({items, weights}, kK, ItemFilter(items));
    ASSERT_EQ(got.size(), expected.size()) << "user " << user;
    for (std::size_t r = 0; r < got.size(); ++r) {
      EXPECT_NEAR(got[r].score, expected[r].score, 1e-4) << "user " << user << " rank " << r;
      if (std::abs(got[r].score - expected[r].score) > 1e-4) break;
    }
  }
}

// history: profile ranks by the cosine with the normalised weighted mean of the row's vectors.
TEST(EmbeddingHistory, ProfileScoresAreCosinesWithTheMeanVector) {
  constexpr std::size_t kItems = 1500, kDim = 32, kK = 15;
  const auto vectors = testing::low_rank_unit_vectors(kItems, kDim, 8, 9, 10);
  EmbeddingParams params;
  params.history = "profile";
  const auto model = fitted_on(vectors, kDim, params);
  std::mt19937 rng(4);
  for (int user = 0; user < 30; ++user) {
    const auto items = random_row(rng, kItems, 30);
    const std::set<ItemIndex> chosen(items.begin(), items.end());
    std::vector<float> weights;
    for (std::size_t e = 0; e < items.size(); ++e) weights.push_back(e % 4 == 3 ? -1.0f : 2.0f);
    std::vector<double> profile(kDim, 0.0);
    for (std::size_t e = 0; e < items.size(); ++e)
      for (std::size_t c = 0; c < kDim; ++c) profile[c] += weights[e] * vectors[static_cast<std::size_t>(items[e]) * kDim + c];
    double norm = 0;
    for (double x : profile) norm += x * x;
    norm = std::sqrt(norm);
    std::vector<ScoredItem> expected;
    for (std::size_t j = 0; j < kItems; ++j) {
      if (chosen.count(static_cast<ItemIndex>(j))) continue;
      double dot = 0;
      for (std::size_t c = 0; c < kDim; ++c) dot += profile[c] * vectors[j * kDim + c];
      expected.push_back({static_cast<ItemIndex>(j), static_cast<float>(dot / norm)});
    }
    std::sort(expected.begin(), expected.end(), ranks_before);
    const auto got = model->recommend({items, weights}, kK, ItemFilter(items));
    ASSERT_EQ(got.size(), kK);
    for (std::size_t r = 0; r < kK; ++r) EXPECT_NEAR(got[r].score, expected[r].score, 1e-4) << "user " << user << " rank " << r;
  }
}

TEST(EmbeddingPreconditions, ContentMustMatchTheEncoderAndTheMatrix) {
  Embedding model;
  EXPECT_THROW(model.fit(data::InteractionMatrix::from_triplets({}, 1, 2), {}), Error);  // no content
  auto encoder = std::make_shared<text::HashingEncoder>(text::HashingEncoderOptions{.dim = 16});
  try {
    model.set_content(encoder, text::EmbeddingMatrix(2, 8));
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), "vectors");
  }
  model.set_content(encoder, text::EmbeddingMatrix(3, 16));
  try {
    model.fit(data::InteractionMatrix::from_triplets({}, 1, 2), {});
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kInvalidArgument);
  }
  EXPECT_FALSE(model.is_fitted());
}

TEST(EmbeddingPreconditions, RegistryBuildsItFromConfigAndChecksParams) {
  config::ModelsConfig config;
  EXPECT_EQ(make_recommender("embedding", config)->type_name(), "embedding");
  config.embedding.query_weight = 2;
  try {
    make_recommender("embedding", config, "domains.movies.models");
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("domains.movies.models.embedding.query_weight"), std::string::npos) << e.what();
  }
  config.embedding.query_weight = 0.5;
  config.embedding.history = "mean";
  try {
    make_recommender("embedding", config, "domains.movies.models");
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("domains.movies.models.embedding.history"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace mxn::models
