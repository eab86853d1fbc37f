#include "text/bert_model.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>

#include <omp.h>

#include "core/error.h"
#include "text/hash.h"

namespace mxn::text {

namespace {

using Index = Eigen::Index;

// A single text at least this long is split into row blocks over the threads; shorter ones run on one
// thread (their GEMMs are too small to repay two barriers per layer).
constexpr std::size_t kSplitTextMinTokens = 128;

// A batch is split into this many groups of texts per thread (scheduled dynamically): more groups balance
// better, fewer keep each group's GEMMs larger; 2 measured best at batch 32 x 16 tokens (4: -10%).
constexpr int kGroupsPerThread = 2;

std::string layer_prefix(int layer) { return "encoder.layer." + std::to_string(layer) + "."; }

// In-place LayerNorm of one row (biased variance), then scale and shift.
template <class Row>
void layer_norm(Row&& x, const Eigen::RowVectorXf& weight, const Eigen::RowVectorXf& bias, float eps) {
  const float mean = x.mean();
  x.array() -= mean;
  const float var = x.squaredNorm() / static_cast<float>(x.size());
  const float inv = 1.0f / std::sqrt(var + eps);
  x.array() = x.array() * inv * weight.array() + bias.array();
}

// Candidate checkpoint names for a tensor: plain, with "bert." prefix, and the old gamma/beta LayerNorm names.
std::vector<std::string> candidate_names(const std::string& name) {
  std::vector<std::string> names = {name, "bert." + name};
  auto replace_suffix = [&](std::string_view from, std::string_view to) {
    if (name.size() > from.size() && name.ends_with(from)) {
      std::string alt = name.substr(0, name.size() - from.size()) + std::string(to);
      names.push_back(alt);
      names.push_back("bert." + alt);
    }
  };
  replace_suffix("LayerNorm.weight", "LayerNorm.gamma");
  replace_suffix("LayerNorm.bias", "LayerNorm.beta");
  return names;
}

}  // namespace

TokenBatch TokenBatch::pad(std::span<const std::vector<std::int32_t>> sequences, std::int32_t pad_id) {
  TokenBatch batch;
  batch.batch = sequences.size();
  for (const auto& s : sequences) {
    if (s.empty()) throw Error(Code::kInvalidArgument, "a token sequence is empty", "ids");
    batch.seq_len = std::max(batch.seq_len, s.size());
  }
  batch.ids.assign(batch.batch * batch.seq_len, pad_id);
  batch.lengths.reserve(batch.batch);
  for (std::size_t b = 0; b < sequences.size(); ++b) {
    std::copy(sequences[b].begin(), sequences[b].end(), batch.ids.begin() + static_cast<std::ptrdiff_t>(b * batch.seq_len));
    batch.lengths.push_back(static_cast<std::int32_t>(sequences[b].size()));
  }
  return batch;
}

std::vector<BertTensorSpec> bert_tensor_specs(const BertConfig& c) {
  const std::int64_t h = c.hidden_size;
  const std::int64_t inter = c.intermediate_size;
  std::vector<BertTensorSpec> specs = {
      {"embeddings.word_embeddings.weight", {c.vocab_size, h}},
      {"embeddings.position_embeddings.weight", {c.max_position_embeddings, h}},
      {"embeddings.token_type_embeddings.weight", {c.type_vocab_size, h}},
      {"embeddings.LayerNorm.weight", {h}},
      {"embeddings.LayerNorm.bias", {h}},
  };
  for (int l = 0; l < c.num_hidden_layers; ++l) {
    const std::string p = layer_prefix(l);
    for (const char* part : {"query", "key", "value"}) {
      specs.push_back({p + "attention.self." + part + ".weight", {h, h}});
      specs.push_back({p + "attention.self." + part + ".bias", {h}});
    }
    specs.push_back({p + "attention.output.dense.weight", {h, h}});
    specs.push_back({p + "attention.output.dense.bias", {h}});
    specs.push_back({p + "attention.output.LayerNorm.weight", {h}});
    specs.push_back({p + "attention.output.LayerNorm.bias", {h}});
    specs.push_back({p + "intermediate.dense.weight", {inter, h}});
    specs.push_back({p + "intermediate.dense.bias", {inter}});
    specs.push_back({p + "output.dense.weight", {h, inter}});
    specs.push_back({p + "output.dense.bias", {h}});
    specs.push_back({p + "output.LayerNorm.weight", {h}});
    specs.push_back({p + "output.LayerNorm.bias", {h}});
  }
  return specs;
}

BertModel::BertModel(const BertConfig& config, const TensorSource& source) : config_(config) {
  config_.validate();
  const auto specs = bert_tensor_specs(config_);
  std::size_t next = 0;
  std::uint64_t hash = config_.hash();
  // Reads the next tensor of `specs` as a rows x cols matrix (cols = 1 dimension for vectors).
  auto take = [&]() -> RowMatrixXf {
    const BertTensorSpec& spec = specs.at(next++);
    const std::vector<float> values = source(spec);
    std::int64_t n = 1;
    for (auto d : spec.shape) n *= d;
    if (static_cast<std::int64_t>(values.size()) != n) {
      throw Error(Code::kCorrupt, "tensor '" + spec.name + "' has " + std::to_string(values.size()) +
                                      " values, expected " + std::to_string(n) + " for shape " +
                                      shape_string(spec.shape));
    }
    hash = hash_combine(hash, hash_memory(values.data(), values.size() * sizeof(float)));
    const Index rows = spec.shape.size() == 2 ? spec.shape[0] : 1;
    const Index cols = spec.shape.back();
    return Eigen::Map<const RowMatrixXf>(values.data(), rows, cols);
  };
  auto take_vector = [&]() -> Eigen::RowVectorXf { return take().row(0); };

  word_embeddings_ = take();
  position_embeddings_ = take();
  token_type_0_ = take().row(0);
  embed_norm_weight_ = take_vector();
  embed_norm_bias_ = take_vector();
  const Index h = config_.hidden_size;
  layers_.resize(static_cast<std::size_t>(config_.num_hidden_layers));
  for (Layer& layer : layers_) {
    layer.qkv_weight.resize(3 * h, h);
    layer.qkv_bias.resize(3 * h);
    for (Index part = 0; part < 3; ++part) {
      layer.qkv_weight.middleRows(part * h, h) = take();
      layer.qkv_bias.segment(part * h, h) = take_vector();
    }
    layer.attn_out_weight = take();
    layer.attn_out_bias = take_vector();
    layer.attn_norm_weight = take_vector();
    layer.attn_norm_bias = take_vector();
    layer.ffn_in_weight = take();
    layer.ffn_in_bias = take_vector();
    layer.ffn_out_weight = take();
    layer.ffn_out_bias = take_vector();
    layer.ffn_norm_weight = take_vector();
    layer.ffn_norm_bias = take_vector();
  }
  MXN_CHECK(next == specs.size(), "every tensor spec is read once");
  weights_hash_ = hash;
}

BertModel BertModel::from_safetensors(const BertConfig& config, const SafetensorsFile& file) {
  return BertModel(config, [&file](const BertTensorSpec& spec) {
    for (const auto& name : candidate_names(spec.name)) {
      if (file.find(name) != nullptr) return file.read_f32(name, spec.shape);
    }
    throw Error(Code::kNotFound, file.path().string() + ": missing tensor '" + spec.name + "' (also looked for 'bert." +
                                     spec.name + "'), expected shape " + shape_string(spec.shape));
  });
}

void BertModel::validate_batch(const TokenBatch& batch) const {
  if (batch.ids.size() != batch.batch * batch.seq_len || batch.lengths.size() != batch.batch) {
    throw Error(Code::kInvalidArgument, "token batch sizes are inconsistent", "ids");
  }
  if (batch.seq_len > static_cast<std::size_t>(config_.max_position_embeddings)) {
    throw Error(Code::kInvalidArgument,
                "sequence of " + std::to_string(batch.seq_len) + " tokens exceeds max_position_embeddings " +
                    std::to_string(config_.max_position_embeddings),
                "ids");
  }
  for (std::int32_t len : batch.lengths) {
    if (len < 1 || static_cast<std::size_t>(len) > batch.seq_len) {
      throw Error(Code::kInvalidArgument, "sequence length " + std::to_string(len) + " is out of range", "ids");
    }
  }
  for (std::int32_t id : batch.ids) {
    if (id < 0 || id >= config_.vocab_size) {
      throw Error(Code::kInvalidArgument,
                  "token id " + std::to_string(id) + " outside the vocabulary of " + std::to_string(config_.vocab_size),
                  "ids");
    }
  }
}

TokenBatch BertModel::slice(const TokenBatch& batch, std::size_t first, std::size_t last) {
  TokenBatch sub;
  sub.batch = last - first;
  for (std::size_t b = first; b < last; ++b) {
    sub.seq_len = std::max(sub.seq_len, static_cast<std::size_t>(batch.lengths[b]));
  }
  sub.ids.reserve(sub.batch * sub.seq_len);
  for (std::size_t b = first; b < last; ++b) {
    const auto row = batch.ids.begin() + static_cast<std::ptrdiff_t>(b * batch.seq_len);
    sub.ids.insert(sub.ids.end(), row, row + static_cast<std::ptrdiff_t>(sub.seq_len));
    sub.lengths.push_back(batch.lengths[b]);
  }
  return sub;
}

RowMatrixXf BertModel::forward(const TokenBatch& batch) const {
  validate_batch(batch);
  const int threads = omp_in_parallel() ? 1 : omp_get_max_threads();
  if (threads <= 1 || batch.batch < 2) {
    // One text: row blocks on several threads only when it is long enough to repay the barriers.
    return run(batch, batch.seq_len >= kSplitTextMinTokens ? threads : 1);
  }

  // Groups of whole texts, scheduled dynamically: one parallel region, no barrier between layers.
  const std::size_t groups = std::min(batch.batch, static_cast<std::size_t>(kGroupsPerThread * threads));
  const std::size_t per_group = (batch.batch + groups - 1) / groups;
  const Index h = config_.hidden_size;
  const Index seq = static_cast<Index>(batch.seq_len);
  RowMatrixXf hidden = RowMatrixXf::Zero(static_cast<Index>(batch.batch) * seq, h);
  std::exception_ptr failure;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (std::size_t first = 0; first < batch.batch; first += per_group) {
    try {
      const std::size_t last = std::min(batch.batch, first + per_group);
      const TokenBatch sub = slice(batch, first, last);
      const RowMatrixXf sub_hidden = run(sub, 1);
      const Index sub_seq = static_cast<Index>(sub.seq_len);
      for (std::size_t b = 0; b < sub.batch; ++b) {
        const Index len = sub.lengths[b];
        hidden.middleRows(static_cast<Index>(first + b) * seq, len) =
            sub_hidden.middleRows(static_cast<Index>(b) * sub_seq, len);
      }
    } catch (...) {
#pragma omp critical(mxn_bert_forward_failure)
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
  return hidden;
}

RowMatrixXf BertModel::run(const TokenBatch& batch, int threads) const {
  const Index h = config_.hidden_size;
  const Index seq = static_cast<Index>(batch.seq_len);
  const Index n = static_cast<Index>(batch.batch) * seq;
  const Index heads = config_.num_attention_heads;
  const Index tasks = static_cast<Index>(batch.batch) * heads;

  RowMatrixXf hidden(n, h);
  RowMatrixXf qkv(n, 3 * h);
  RowMatrixXf context(n, h);
  RowMatrixXf projected(n, h);
  RowMatrixXf inter(n, config_.intermediate_size);

  // Each thread owns a block of rows for everything row-local (embeddings, projections, FFN, LayerNorm);
  // attention, which reads every row of a text, is shared out by (text, head). Two barriers per layer.
  std::exception_ptr failure;
  std::atomic<bool> failed{false};
  auto guarded = [&](auto&& step) {
    if (failed.load(std::memory_order_relaxed)) return;
    try {
      step();
    } catch (...) {
#pragma omp critical(mxn_bert_run_failure)
      if (!failure) failure = std::current_exception();
      failed.store(true);
    }
  };
#pragma omp parallel num_threads(threads)
  {
    // Eigen's own GEMM threads spin while they wait for each other, which collapses on a busy machine:
    // every product here stays on the thread that calls it.
    omp_set_num_threads(1);
    const Index nt = omp_get_num_threads();
    const Index per = (n + nt - 1) / nt;
    const Index r0 = std::min(n, omp_get_thread_num() * per);
    const Index rows = std::min(n, r0 + per) - r0;
    RowMatrixXf scores;

    guarded([&] { embed_rows(batch, r0, rows, hidden); });
    for (const Layer& layer : layers_) {
      guarded([&] {
        if (rows == 0) return;
        // One GEMM for query, key and value together.
        auto out = qkv.middleRows(r0, rows);
        out.noalias() = hidden.middleRows(r0, rows) * layer.qkv_weight.transpose();
        out.rowwise() += layer.qkv_bias;
      });
#pragma omp barrier
#pragma omp for schedule(dynamic, 1)
      for (Index task = 0; task < tasks; ++task) {
        guarded([&] { attention(qkv, batch, task, context, scores); });
      }
      guarded([&] { finish_layer_rows(layer, r0, rows, context, hidden, projected, inter); });
    }
  }
  if (failure) std::rethrow_exception(failure);
  return hidden;
}

void BertModel::embed_rows(const TokenBatch& batch, Index r0, Index rows, RowMatrixXf& hidden) const {
  const Index seq = static_cast<Index>(batch.seq_len);
  const auto eps = static_cast<float>(config_.layer_norm_eps);
  for (Index r = r0; r < r0 + rows; ++r) {
    hidden.row(r) = word_embeddings_.row(batch.ids[static_cast<std::size_t>(r)]) + position_embeddings_.row(r % seq) +
                    token_type_0_;
    layer_norm(hidden.row(r), embed_norm_weight_, embed_norm_bias_, eps);
  }
}

void BertModel::finish_layer_rows(const Layer& layer, Index r0, Index rows, const RowMatrixXf& context,
                                  RowMatrixXf& hidden, RowMatrixXf& projected, RowMatrixXf& inter) const {
  if (rows == 0) return;
  const auto eps = static_cast<float>(config_.layer_norm_eps);
  const float inv_sqrt2 = static_cast<float>(1.0 / std::sqrt(2.0));
  auto h = hidden.middleRows(r0, rows);
  auto p = projected.middleRows(r0, rows);
  auto f = inter.middleRows(r0, rows);

  p.noalias() = context.middleRows(r0, rows) * layer.attn_out_weight.transpose();
  for (Index r = 0; r < rows; ++r) {
    h.row(r) += p.row(r) + layer.attn_out_bias;
    layer_norm(h.row(r), layer.attn_norm_weight, layer.attn_norm_bias, eps);
  }
  f.noalias() = h * layer.ffn_in_weight.transpose();
  for (Index r = 0; r < rows; ++r) {
    auto x = f.row(r).array();
    x += layer.ffn_in_bias.array();
    x = 0.5f * x * (1.0f + (x * inv_sqrt2).erf());  // exact GELU
  }
  p.noalias() = f * layer.ffn_out_weight.transpose();
  for (Index r = 0; r < rows; ++r) {
    h.row(r) += p.row(r) + layer.ffn_out_bias;
    layer_norm(h.row(r), layer.ffn_norm_weight, layer.ffn_norm_bias, eps);
  }
}

void BertModel::attention(const RowMatrixXf& qkv, const TokenBatch& batch, Index task, RowMatrixXf& context,
                          RowMatrixXf& scores) const {
  const Index h = config_.hidden_size;
  const Index heads = config_.num_attention_heads;
  const Index dh = config_.head_dim();
  const Index seq = static_cast<Index>(batch.seq_len);
  const auto scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(dh)));
  const Index b = task / heads;
  const Index head = task % heads;
  const Index len = batch.lengths[static_cast<std::size_t>(b)];
  const Index row0 = b * seq;
  const auto q = qkv.block(row0, head * dh, len, dh);
  const auto k = qkv.block(row0, h + head * dh, len, dh);
  const auto v = qkv.block(row0, 2 * h + head * dh, len, dh);
  // Keys past `len` are padding: leaving them out is the padding mask (their softmax weight is 0).
  scores.resize(len, len);
  scores.noalias() = q * k.transpose();
  scores *= scale;
  for (Index i = 0; i < len; ++i) {
    auto row = scores.row(i).array();
    row = (row - row.maxCoeff()).exp();
    row /= row.sum();
  }
  context.block(row0, head * dh, len, dh).noalias() = scores * v;
  if (len < seq) context.block(row0 + len, head * dh, seq - len, dh).setZero();
}

}  // namespace mxn::text
