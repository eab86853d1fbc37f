// The contract every Recommender keeps, run over every model (STYLE.md: one TYPED_TEST suite).

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <set>

#include "core/error.h"
#include "models/als.h"
#include "models/bpr.h"
#include "models/ease.h"
#include "models/embedding.h"
#include "models/item_knn.h"
#include "models/popularity.h"
#include "models/rp3beta.h"
#include "models/registry.h"
#include "planted.h"
#include "test_util.h"
#include "text/hashing_encoder.h"

namespace mxn::models {
namespace {

using testing::Planted;

constexpr int kGroups = 5;
constexpr int kItemsPerGroup = 8;

struct PopularityCase {
  static constexpr bool kPersonal = false;
  static constexpr bool kRating = false;
  static constexpr bool kThreadIndependent = true;
  static constexpr bool kScoresEveryItem = true;
  static std::unique_ptr<Recommender> make(std::uint64_t /*seed*/) { return std::make_unique<Popularity>(); }
};

struct ItemKnnCase {
  static constexpr bool kPersonal = true;
  static constexpr bool kRating = false;
  static constexpr bool kThreadIndependent = true;
  static constexpr bool kScoresEveryItem = false;  // only items reached through neighbour lists
  static std::unique_ptr<Recommender> make(std::uint64_t /*seed*/) {
    ItemKnnParams p;
    p.neighbors = 20;
    return std::make_unique<ItemKnn>(p);
  }
};

struct AlsImplicitCase {
  static constexpr bool kPersonal = true;
  static constexpr bool kRating = false;
  static constexpr bool kThreadIndependent = true;
  static constexpr bool kScoresEveryItem = true;
  static std::unique_ptr<Recommender> make(std::uint64_t seed) {
    AlsParams p;
    p.factors = 16;
    p.iterations = 15;
    p.regularization = 1.0;  // 16 factors for 40 items: weaker regularisation memorises the rows
    p.alpha = 5;
    p.feedback = "implicit";
    p.seed = seed;
    return std::make_unique<Als>(p);
  }
};

struct AlsExplicitCase {
  static constexpr bool kPersonal = true;
  static constexpr bool kRating = true;
  static constexpr bool kThreadIndependent = true;
  static constexpr bool kScoresEveryItem = true;
  static std::unique_ptr<Recommender> make(std::uint64_t seed) {
    AlsParams p;
    p.factors = 16;
    p.iterations = 20;
    p.regularization = 0.05;
    p.feedback = "explicit";  // the planted rating matrix is rating data
    p.seed = seed;
    return std::make_unique<Als>(p);
  }
};

struct EaseCase {
  static constexpr bool kPersonal = true;
  static constexpr bool kRating = false;
  static constexpr bool kThreadIndependent = true;
  static constexpr bool kScoresEveryItem = true;  // every item with an interaction
  static std::unique_ptr<Recommender> make(std::uint64_t /*seed*/) {
    EaseParams p;
    p.lambda = 10;
    return std::make_unique<Ease>(p);
  }
};

struct Rp3betaCase {
  static constexpr bool kPersonal = true;
  static constexpr bool kRating = false;
  static constexpr bool kThreadIndependent = true;
  static constexpr bool kScoresEveryItem = false;  // only items reached through the kept weights
  static std::unique_ptr<Recommender> make(std::uint64_t /*seed*/) {
    Rp3betaParams p;
    p.neighbors = 20;
    return std::make_unique<Rp3beta>(p);
  }
};

struct BprCase {
  static constexpr bool kPersonal = true;
  static constexpr bool kRating = false;
  static constexpr bool kThreadIndependent = false;  // Hogwild: only threads = 1 is repeatable
  static constexpr bool kScoresEveryItem = true;
  static std::unique_ptr<Recommender> make(std::uint64_t seed) {
    BprParams p;
    p.factors = 16;
    p.epochs = 150;
    p.learning_rate = 0.05;
    p.regularization = 0.01;
    p.seed = seed;
    return std::make_unique<Bpr>(p);
  }
};

/// Content-based: each planted group has its own vocabulary, and an item's text is three of its group's
/// words plus a word of its own, so the items of a group are alike in text as they are in use.
struct EmbeddingCase {
  static constexpr bool kPersonal = true;
  static constexpr bool kRating = false;
  static constexpr bool kThreadIndependent = true;
  static constexpr bool kScoresEveryItem = false;  // only items reached through neighbour lists
  static std::unique_ptr<Recommender> make(std::uint64_t /*seed*/) {
    EmbeddingParams p;
    p.dim = 128;
    return std::make_unique<Embedding>(p);
  }
  static void prepare(Recommender& model, ItemIndex n_items) {
    static const std::vector<std::vector<std::string>> kWords = {
        {"galaxy", "starship", "orbit", "astronaut", "nebula"}, {"ocean", "reef", "whale", "coral", "tide"},
        {"castle", "dragon", "knight", "sword", "throne"},      {"detective", "murder", "clue", "alibi", "suspect"},
        {"kitchen", "recipe", "baking", "flour", "oven"}};
    std::vector<std::string> texts;
    for (ItemIndex i = 0; i < n_items; ++i) {
      const auto& words = kWords[static_cast<std::size_t>(i / kItemsPerGroup % kGroups)];
      const auto j = static_cast<std::size_t>(i % kItemsPerGroup);
      texts.push_back(words[j % 5] + " " + words[(j + 1) % 5] + " " + words[(j + 2) % 5] + " item" + std::to_string(i));
    }
    auto encoder = std::make_shared<text::HashingEncoder>(text::HashingEncoderOptions{.dim = 128});
    encoder->fit(texts);
    auto vectors = encoder->encode(texts);
    dynamic_cast<Embedding&>(model).set_content(std::move(encoder), std::move(vectors));
  }
};

template <class Case>
class RecommenderContractTest : public ::testing::Test {
 protected:
  static constexpr int kGroups = models::kGroups;
  static constexpr int kItemsPerGroup = models::kItemsPerGroup;

  void SetUp() override {
    data_ = testing::planted(kGroups, kItemsPerGroup, 8, Case::kRating);
    model_ = Case::make(11);
    fit(*model_, data_.matrix, one_thread());
  }
  /// Fits `model`, first handing it what it needs besides the matrix (a content model's item vectors).
  static void fit(Recommender& model, const data::InteractionMatrix& matrix, const FitOptions& options) {
    if constexpr (requires { Case::prepare(model, ItemIndex{}); }) Case::prepare(model, matrix.n_items());
    model.fit(matrix, options);
  }
  static FitOptions one_thread() {
    FitOptions o;
    o.threads = 1;
    return o;
  }
  ItemIndex n_items() const { return data_.matrix.n_items(); }
  ItemFilter seen(UserIndex u) const { return ItemFilter::of_row(data_.matrix.row(u)); }

  Planted data_;
  std::unique_ptr<Recommender> model_;
};

using Cases =
    ::testing::Types<PopularityCase, ItemKnnCase, AlsImplicitCase, AlsExplicitCase, EaseCase, Rp3betaCase, BprCase,
                     EmbeddingCase>;
TYPED_TEST_SUITE(RecommenderContractTest, Cases);

void expect_well_formed(const std::vector<ScoredItem>& list, ItemIndex n_items) {
  std::set<ItemIndex> distinct;
  for (std::size_t q = 0; q < list.size(); ++q) {
    EXPECT_GE(list[q].item, 0);
    EXPECT_LT(list[q].item, n_items);
    EXPECT_TRUE(distinct.insert(list[q].item).second) << "item " << list[q].item << " twice";
    if (q > 0) {
      EXPECT_GE(list[q - 1].score, list[q].score) << "not best first at " << q;
    }
  }
}

TYPED_TEST(RecommenderContractTest, WithheldItemRankedFirst) {
  if (!TypeParam::kPersonal) GTEST_SKIP() << "not a personal model";
  const auto& m = this->data_.matrix;
  for (UserIndex u = 0; u < m.n_users(); ++u) {
    const auto recs = this->model_->recommend(m.row(u), 3, this->seen(u));
    ASSERT_FALSE(recs.empty()) << "user " << u;
    EXPECT_EQ(recs.front().item, this->data_.withheld[static_cast<std::size_t>(u)]) << "user " << u;
  }
}

TYPED_TEST(RecommenderContractTest, PopularityRanksByCount) {
  if (TypeParam::kPersonal) GTEST_SKIP() << "popularity only";
  const auto recs = this->model_->recommend({}, static_cast<std::size_t>(this->n_items()), {});
  ASSERT_EQ(recs.size(), static_cast<std::size_t>(this->n_items()));
  // Count positive users per item directly.
  std::vector<int> count(static_cast<std::size_t>(this->n_items()), 0);
  for (ItemIndex i = 0; i < this->n_items(); ++i) {
    for (float w : this->data_.matrix.column(i).weights) count[static_cast<std::size_t>(i)] += w > 0 ? 1 : 0;
  }
  for (std::size_t q = 1; q < recs.size(); ++q) {
    EXPECT_GE(count[static_cast<std::size_t>(recs[q - 1].item)],
              count[static_cast<std::size_t>(recs[q].item)]);
  }
}

TYPED_TEST(RecommenderContractTest, ExcludedItemsNeverAppear) {
  const auto& m = this->data_.matrix;
  for (UserIndex u = 0; u < m.n_users(); u += 3) {
    const auto row = m.row(u);
    std::vector<ItemIndex> excluded(row.items.begin(), row.items.end());
    excluded.push_back(this->data_.withheld[static_cast<std::size_t>(u)]);
    ItemFilter filter(excluded);
    filter.with_predicate([](ItemIndex i) { return i % 5 == 0; });
    const auto recs = this->model_->recommend(row, static_cast<std::size_t>(this->n_items()), filter);
    expect_well_formed(recs, this->n_items());
    for (const auto& r : recs) {
      EXPECT_FALSE(filter.excludes(r.item)) << "user " << u << " got excluded item " << r.item;
    }
  }
}

TYPED_TEST(RecommenderContractTest, KLargerThanCatalogReturnsWhatIsLeft) {
  const auto& m = this->data_.matrix;
  const auto row = m.row(0);
  const auto recs = this->model_->recommend(row, 10'000, this->seen(0));
  expect_well_formed(recs, this->n_items());
  const auto available = static_cast<std::size_t>(this->n_items()) - row.size();
  EXPECT_LE(recs.size(), available);
  if (TypeParam::kScoresEveryItem) {
    EXPECT_EQ(recs.size(), available);
  }
  EXPECT_TRUE(this->model_->recommend(row, 0, this->seen(0)).empty());
}

TYPED_TEST(RecommenderContractTest, EmptyRowDoesNotCrash) {
  const data::SparseRow empty;
  const auto recs = this->model_->recommend(empty, 5, {});
  if (TypeParam::kPersonal) {
    EXPECT_TRUE(recs.empty());
  } else {
    EXPECT_EQ(recs.size(), 5u);
  }
}

TYPED_TEST(RecommenderContractTest, UnknownItemsInRowAreIgnored) {
  const auto row = this->data_.matrix.row(1);
  std::vector<ItemIndex> items(row.items.begin(), row.items.end());
  std::vector<float> weights(row.weights.begin(), row.weights.end());
  items.push_back(this->n_items() + 7);  // an item newer than the model
  weights.push_back(3.0f);
  const auto with_new = this->model_->recommend({items, weights}, 10, this->seen(1));
  const auto without = this->model_->recommend(row, 10, this->seen(1));
  EXPECT_EQ(with_new, without);
}

TYPED_TEST(RecommenderContractTest, MalformedRowIsRejected) {
  const std::vector<ItemIndex> items{3, 1};
  const std::vector<float> weights{1, 1};
  try {
    this->model_->recommend({items, weights}, 5, {});
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kInvalidArgument);
  }
}

TYPED_TEST(RecommenderContractTest, UnfittedModelRefusesToRecommend) {
  const auto fresh = TypeParam::make(1);
  EXPECT_FALSE(fresh->is_fitted());
  try {
    fresh->recommend({}, 5, {});
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kFailedPrecondition);
  }
  std::stringstream buffer;
  ModelWriter writer(buffer, 0);
  EXPECT_THROW(fresh->save(writer), Error);
}

TYPED_TEST(RecommenderContractTest, SimilarItemsIsOptionalAndNeverReturnsTheItem) {
  try {
    const auto similar = this->model_->similar_items(2, 5);
    expect_well_formed(similar, this->n_items());
    EXPECT_LE(similar.size(), 5u);
    for (const auto& s : similar) EXPECT_NE(s.item, 2);
    if (!similar.empty()) {  // planted groups: the best neighbour shares the group
      EXPECT_EQ(similar.front().item / this->kItemsPerGroup, 2 / this->kItemsPerGroup);
    }
    EXPECT_THROW(this->model_->similar_items(this->n_items(), 5), Error);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kNotSupported);
  }
}

TYPED_TEST(RecommenderContractTest, SaveLoadGivesIdenticalScores) {
  mxn::testing::TempDir dir;
  const auto path = dir.file("model.bin");
  constexpr std::uint64_t kChecksum = 0xabcdef;
  {
    std::ofstream out(path, std::ios::binary);
    ModelWriter writer(out, kChecksum);
    this->model_->save(writer);
    EXPECT_TRUE(writer.finished());
  }
  std::ifstream in(path, std::ios::binary);
  ModelReader reader(in, kChecksum);
  EXPECT_EQ(reader.header().type_name, this->model_->type_name());
  EXPECT_EQ(reader.header().params_text, this->model_->params_text());
  auto loaded = make_empty_recommender(reader.header().type_name);
  loaded->load(reader);
  EXPECT_TRUE(loaded->is_fitted());
  EXPECT_EQ(loaded->n_items(), this->model_->n_items());
  EXPECT_EQ(loaded->params_text(), this->model_->params_text());
  const auto& m = this->data_.matrix;
  for (UserIndex u = 0; u < m.n_users(); u += 4) {
    EXPECT_EQ(loaded->recommend(m.row(u), 10, this->seen(u)),
              this->model_->recommend(m.row(u), 10, this->seen(u)))
        << "user " << u;
  }
  try {
    EXPECT_EQ(loaded->similar_items(3, 5), this->model_->similar_items(3, 5));
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kNotSupported);
  }
}

TYPED_TEST(RecommenderContractTest, SameSeedGivesSameResult) {
  auto again = TypeParam::make(11);
  this->fit(*again, this->data_.matrix, this->one_thread());
  const auto& m = this->data_.matrix;
  for (UserIndex u = 0; u < m.n_users(); u += 5) {
    EXPECT_EQ(again->recommend(m.row(u), 10, this->seen(u)),
              this->model_->recommend(m.row(u), 10, this->seen(u)));
  }
  if (TypeParam::kThreadIndependent) {
    auto parallel = TypeParam::make(11);
    FitOptions two;
    two.threads = 2;
    this->fit(*parallel, m, two);
    for (UserIndex u = 0; u < m.n_users(); u += 5) {
      EXPECT_EQ(parallel->recommend(m.row(u), 10, this->seen(u)),
                this->model_->recommend(m.row(u), 10, this->seen(u)));
    }
  }
}

TYPED_TEST(RecommenderContractTest, ProgressIsReported) {
  int calls = 0, last = 0, total = 0;
  FitOptions options;
  options.threads = 1;
  options.progress = [&](int iteration, int of, double) {
    ++calls;
    EXPECT_EQ(iteration, last + 1);
    last = iteration;
    total = of;
  };
  auto model = TypeParam::make(2);
  this->fit(*model, this->data_.matrix, options);
  EXPECT_GE(calls, 1);
  EXPECT_EQ(last, total);
}

TYPED_TEST(RecommenderContractTest, FitsMatricesWithoutInteractions) {
  for (const auto& [users, items] : {std::pair{3, 4}, std::pair{0, 0}}) {
    auto model = TypeParam::make(1);
    this->fit(*model, data::InteractionMatrix::from_triplets({}, users, items), this->one_thread());
    EXPECT_TRUE(model->is_fitted());
    EXPECT_EQ(model->n_items(), items);
    const auto recs = model->recommend({}, 5, {});
    EXPECT_EQ(recs.size(), TypeParam::kPersonal ? 0u : static_cast<std::size_t>(items));
    std::stringstream buffer;
    ModelWriter writer(buffer, 1);
    model->save(writer);
    ModelReader reader(buffer, 1);
    auto loaded = make_empty_recommender(model->type_name());
    loaded->load(reader);
    EXPECT_EQ(loaded->n_items(), items);
  }
}

// A model that says it does not learn from interactions (the training pipeline then keeps the model it
// evaluated) must recommend the same after a fit on the same shape without any interactions.
TYPED_TEST(RecommenderContractTest, AModelThatDoesNotLearnFromInteractionsIgnoresThem) {
  if (this->model_->learns_from_interactions()) GTEST_SKIP() << "learns from interactions";
  const auto& m = this->data_.matrix;
  auto blind = TypeParam::make(11);
  this->fit(*blind, data::InteractionMatrix::from_triplets({}, m.n_users(), m.n_items()), this->one_thread());
  for (UserIndex u = 0; u < m.n_users(); ++u) {
    EXPECT_EQ(blind->recommend(m.row(u), 5, this->seen(u)), this->model_->recommend(m.row(u), 5, this->seen(u)))
        << "user " << u;
  }
}

}  // namespace
}  // namespace mxn::models
