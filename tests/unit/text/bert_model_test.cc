#include "text/bert_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "core/error.h"

namespace mxn::text {
namespace {

BertConfig tiny_config() {
  BertConfig c;
  c.vocab_size = 50;
  c.hidden_size = 16;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 4;
  c.intermediate_size = 32;
  c.max_position_embeddings = 40;
  return c;
}

BertModel random_model(const BertConfig& config, std::uint32_t seed = 1) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 0.3f);
  return BertModel(config, [&](const BertTensorSpec& spec) {
    std::size_t n = 1;
    for (auto d : spec.shape) n *= static_cast<std::size_t>(d);
    std::vector<float> v(n);
    for (auto& x : v) x = normal(rng);
    return v;
  });
}

TEST(BertModelTest, TensorSpecsFollowTheConfig) {
  const auto specs = bert_tensor_specs(tiny_config());
  ASSERT_EQ(specs.size(), 5u + 2u * 16u);
  EXPECT_EQ(specs[0].name, "embeddings.word_embeddings.weight");
  EXPECT_EQ(specs[0].shape, (std::vector<std::int64_t>{50, 16}));
  const auto ffn = std::find_if(specs.begin(), specs.end(),
                                [](const auto& s) { return s.name == "encoder.layer.1.output.dense.weight"; });
  ASSERT_NE(ffn, specs.end());
  EXPECT_EQ(ffn->shape, (std::vector<std::int64_t>{16, 32}));
}

TEST(BertModelTest, PaddingDoesNotChangeRealTokens) {
  const BertModel model = random_model(tiny_config());
  const std::vector<std::vector<std::int32_t>> alone = {{2, 7, 9, 3}};
  const std::vector<std::vector<std::int32_t>> padded = {{2, 5, 6, 7, 8, 9, 10, 11, 3}, {2, 7, 9, 3}, {2, 3}};
  const RowMatrixXf a = model.forward(TokenBatch::pad(alone, 0));
  const RowMatrixXf b = model.forward(TokenBatch::pad(padded, 0));
  ASSERT_EQ(b.rows(), 3 * 9);
  ASSERT_EQ(b.cols(), 16);
  for (Eigen::Index t = 0; t < 4; ++t) {
    for (Eigen::Index j = 0; j < 16; ++j) EXPECT_NEAR(b(9 + t, j), a(t, j), 1e-5) << t << "," << j;
  }
  EXPECT_TRUE(b.allFinite());
}

TEST(BertModelTest, BatchedEqualsOneByOneForManyTexts) {
  const BertModel model = random_model(tiny_config(), 2);
  std::mt19937 rng(3);
  std::uniform_int_distribution<std::int32_t> id(4, 49);
  std::uniform_int_distribution<std::size_t> len(1, 30);
  std::vector<std::vector<std::int32_t>> texts(23);
  for (auto& t : texts) {
    t.resize(len(rng));
    for (auto& x : t) x = id(rng);
  }
  const TokenBatch batch = TokenBatch::pad(texts, 0);
  const RowMatrixXf all = model.forward(batch);  // groups of texts on several threads
  for (std::size_t b = 0; b < texts.size(); ++b) {
    const RowMatrixXf one = model.forward(TokenBatch::pad(std::span(&texts[b], 1), 0));
    const auto rows = static_cast<Eigen::Index>(texts[b].size());
    EXPECT_LT((all.middleRows(static_cast<Eigen::Index>(b * batch.seq_len), rows) - one).cwiseAbs().maxCoeff(), 1e-5)
        << "text " << b;
  }
}

TEST(BertModelTest, RejectsBadBatches) {
  const BertModel model = random_model(tiny_config());
  const std::vector<std::vector<std::int32_t>> empty = {{}};
  EXPECT_THROW(TokenBatch::pad(empty, 0), Error);
  const std::vector<std::vector<std::int32_t>> out_of_vocab = {{2, 50, 3}};
  EXPECT_THROW(model.forward(TokenBatch::pad(out_of_vocab, 0)), Error);
  const std::vector<std::vector<std::int32_t>> too_long = {std::vector<std::int32_t>(41, 5)};
  EXPECT_THROW(model.forward(TokenBatch::pad(too_long, 0)), Error);
}

TEST(BertModelTest, SourceWithWrongSizeNamesTheTensor) {
  try {
    BertModel model(tiny_config(), [](const BertTensorSpec& spec) {
      return std::vector<float>(spec.name == "embeddings.LayerNorm.bias" ? 3 : 16 * 50 * 40, 0.0f);
    });
    FAIL() << "expected an error";
  } catch (const Error& e) {
    // The first tensor already has the wrong size; its name is in the message.
    EXPECT_NE(std::string(e.what()).find("embeddings.word_embeddings.weight"), std::string::npos) << e.what();
  }
}

TEST(BertConfigTest, ValidateListsEveryProblem) {
  BertConfig c = tiny_config();
  c.hidden_size = 18;  // not divisible by 4 heads
  c.intermediate_size = 0;
  c.hidden_act = "gelu_new";
  try {
    c.validate();
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.problems().size(), 3u) << e.what();
  }
  EXPECT_NE(tiny_config().hash(), c.hash());
}

}  // namespace
}  // namespace mxn::text
