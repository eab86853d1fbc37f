#pragma once
// Sentence embeddings from a sentence-transformers BERT model folder (e.g. all-MiniLM-L6-v2), computed
// natively: BertTokenizer -> BertModel -> pooling (mean over the attention mask by default) -> L2
// normalisation. Reads the folder as published: config.json, vocab.txt, tokenizer_config.json,
// sentence_bert_config.json, 1_Pooling/config.json and model.safetensors. Never downloads anything.
// encode() sorts texts by token count and runs batches of `batch_size`, each padded to its longest text.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "text/bert_model.h"
#include "text/bert_tokenizer.h"
#include "text/text_encoder.h"

namespace mxn::text {

/// Sentence-transformers pooling modes (1_Pooling/config.json); exactly one is used.
enum class PoolingMode { kMean, kCls, kMax, kMeanSqrtLen };

std::string_view pooling_name(PoolingMode mode);

struct MiniLmOptions {
  std::size_t batch_size = 32;  // texts per padded forward pass
};

class MiniLmEncoder final : public TextEncoder {
 public:
  /// Loads a model folder. Error{kNotFound} naming every missing file (or the folder); Error{kCorrupt}
  /// naming the file for a malformed one and the tensor (with expected and actual shape) for a bad tensor;
  /// Error{kNotSupported} for a model this encoder cannot run (activation, pooling mode, dtype).
  explicit MiniLmEncoder(const std::filesystem::path& folder, MiniLmOptions options = {});

  /// From parts already built (benchmarks, tests). `lowercase_input` mirrors sentence_bert_config.json
  /// do_lower_case. The tokenizer's ids must fit the model's vocabulary.
  MiniLmEncoder(BertTokenizer tokenizer, BertModel model, PoolingMode pooling, MiniLmOptions options = {},
                bool lowercase_input = false);

  std::string_view name() const override { return "minilm"; }
  std::size_t dim() const override { return model_.hidden_size(); }
  /// "minilm:v1:dim=<d>:pool=<mode>:config=<hash>:tokenizer=<hash>:weights=<hash>".
  std::string fingerprint() const override;
  EmbeddingMatrix encode(std::span<const std::string> texts) const override;
  /// Writes the fingerprint (the weights stay in the folder).
  void save(BinaryWriter& out) const override;
  /// Reads a saved fingerprint: Error{kFailedPrecondition} when it differs from this encoder's.
  void load(BinaryReader& in) override;

  /// Embeddings from token ids ([CLS] ... [SEP], as BertTokenizer::encode gives them), batched like encode().
  EmbeddingMatrix encode_ids(std::span<const std::vector<std::int32_t>> ids) const;

  const BertTokenizer& tokenizer() const { return tokenizer_; }
  const BertModel& model() const { return model_; }
  PoolingMode pooling() const { return pooling_; }
  const MiniLmOptions& options() const { return options_; }

 private:
  struct Loaded;
  MiniLmEncoder(Loaded&& loaded, MiniLmOptions options);
  // Pools and normalises one padded batch into rows `targets` of `out`.
  void embed_batch(std::span<const std::vector<std::int32_t>> ids, std::span<const std::size_t> targets,
                   EmbeddingMatrix& out) const;

  BertTokenizer tokenizer_;
  BertModel model_;
  PoolingMode pooling_ = PoolingMode::kMean;
  MiniLmOptions options_;
  bool lowercase_input_ = false;
};

}  // namespace mxn::text
