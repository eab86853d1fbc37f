#pragma once
// A BERT encoder (Hugging Face BertModel without the pooler) in float32 with Eigen: embeddings ->
// LayerNorm -> N post-LayerNorm layers (multi-head self-attention with a padding mask, exact erf GELU
// feed-forward). Produces the last hidden states; pooling is the caller's (MiniLmEncoder).
// Immutable after construction; forward() is thread-safe. Threads (OpenMP): a batch of several texts is
// split into groups of whole texts, each run through every layer by one thread (one parallel region per
// forward, no barrier between layers); a single long text is split into row blocks (two barriers per
// layer). Eigen's own multithreaded GEMM is never used: its spinning threads stall on a busy machine.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "text/bert_config.h"
#include "text/eigen.h"
#include "text/safetensors.h"

namespace mxn::text {

using RowMatrixXf = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Token ids of a batch padded to its longest sequence.
struct TokenBatch {
  std::size_t batch = 0;
  std::size_t seq_len = 0;               // longest sequence
  std::vector<std::int32_t> ids;         // batch x seq_len, row-major; pad_id after each sequence
  std::vector<std::int32_t> lengths;     // batch; attention mask is 1 for t < lengths[b]

  /// Pads `sequences` (each non-empty) to the longest with `pad_id`.
  static TokenBatch pad(std::span<const std::vector<std::int32_t>> sequences, std::int32_t pad_id);
};

/// One tensor of a checkpoint: Hugging Face BertModel name (no "bert." prefix) and shape.
struct BertTensorSpec {
  std::string name;                  // "encoder.layer.0.attention.self.query.weight"
  std::vector<std::int64_t> shape;   // Linear weights are [out_features, in_features]
};

/// Every tensor the forward pass reads for `config`, in a fixed order (the pooler is not read).
std::vector<BertTensorSpec> bert_tensor_specs(const BertConfig& config);

class BertModel {
 public:
  /// Supplies the values of one tensor (product(shape) floats, row-major).
  using TensorSource = std::function<std::vector<float>(const BertTensorSpec& spec)>;

  /// Builds the model from any source of tensors (a checkpoint, random weights for benchmarks). The
  /// config is validated; a source returning the wrong number of values is an Error naming the tensor.
  BertModel(const BertConfig& config, const TensorSource& source);

  /// Reads a checkpoint: each tensor by its name or with a "bert." prefix; F32, F16 or BF16. A missing
  /// tensor or one of the wrong shape is an Error naming the tensor (and both shapes).
  static BertModel from_safetensors(const BertConfig& config, const SafetensorsFile& file);

  const BertConfig& config() const { return config_; }
  std::size_t hidden_size() const { return static_cast<std::size_t>(config_.hidden_size); }

  /// Last hidden states: (batch * seq_len) x hidden_size, row-major, row b * seq_len + t. Rows of padding
  /// positions (t >= lengths[b]) hold unspecified finite values. Error{kInvalidArgument} for an id outside
  /// the vocabulary, an empty sequence or one longer than max_position_embeddings.
  RowMatrixXf forward(const TokenBatch& batch) const;

  /// Texts [first, last) of `batch` as a batch of their own, padded to their own longest.
  static TokenBatch slice(const TokenBatch& batch, std::size_t first, std::size_t last);

  /// Hash of every weight, computed once at construction; part of the encoder fingerprint.
  std::uint64_t weights_hash() const { return weights_hash_; }

 private:
  struct Layer {
    RowMatrixXf qkv_weight;          // 3H x H: query, key, value weights stacked ([out, in])
    Eigen::RowVectorXf qkv_bias;     // 3H
    RowMatrixXf attn_out_weight;     // H x H
    Eigen::RowVectorXf attn_out_bias;
    Eigen::RowVectorXf attn_norm_weight;
    Eigen::RowVectorXf attn_norm_bias;
    RowMatrixXf ffn_in_weight;       // I x H
    Eigen::RowVectorXf ffn_in_bias;  // I
    RowMatrixXf ffn_out_weight;      // H x I
    Eigen::RowVectorXf ffn_out_bias;
    Eigen::RowVectorXf ffn_norm_weight;
    Eigen::RowVectorXf ffn_norm_bias;
  };

  void validate_batch(const TokenBatch& batch) const;
  using Index = Eigen::Index;
  // Runs every layer over `batch` with `threads` OpenMP threads (row blocks + attention tasks).
  RowMatrixXf run(const TokenBatch& batch, int threads) const;
  // Embeddings + LayerNorm of rows [r0, r0 + rows) into `hidden`.
  void embed_rows(const TokenBatch& batch, Index r0, Index rows, RowMatrixXf& hidden) const;
  // Everything of a layer after attention, for rows [r0, r0 + rows): output projection, residual,
  // LayerNorm, GELU feed-forward, residual, LayerNorm. `projected` (n x H) and `inter` (n x I) are scratch.
  void finish_layer_rows(const Layer& layer, Index r0, Index rows, const RowMatrixXf& context, RowMatrixXf& hidden,
                         RowMatrixXf& projected, RowMatrixXf& inter) const;
  // Attention of one (text, head) task = text * heads + head: writes the head's columns of `context`.
  void attention(const RowMatrixXf& qkv, const TokenBatch& batch, Index task, RowMatrixXf& context,
                 RowMatrixXf& scores) const;

  BertConfig config_;
  RowMatrixXf word_embeddings_;        // vocab x H
  RowMatrixXf position_embeddings_;    // max_positions x H
  Eigen::RowVectorXf token_type_0_;    // H: token type 0 (the only one sentence encoders use)
  Eigen::RowVectorXf embed_norm_weight_;
  Eigen::RowVectorXf embed_norm_bias_;
  std::vector<Layer> layers_;
  std::uint64_t weights_hash_ = 0;
};

}  // namespace mxn::text
