#pragma once
// Shape and hyper-parameters of a BERT encoder, as a Hugging Face config.json states them.

#include <cstdint>
#include <filesystem>
#include <string>

namespace mxn::text {

struct BertConfig {
  int vocab_size = 30522;
  int hidden_size = 384;
  int num_hidden_layers = 6;
  int num_attention_heads = 12;
  int intermediate_size = 1536;
  int max_position_embeddings = 512;
  int type_vocab_size = 2;
  double layer_norm_eps = 1e-12;
  std::string hidden_act = "gelu";                    // only the exact (erf) GELU is supported
  std::string position_embedding_type = "absolute";   // only absolute positions are supported

  /// The all-MiniLM-L6-v2 shape (the defaults above).
  static BertConfig minilm_l6();

  /// Reads config.json. Error{kNotFound} naming the file when missing; Error{kCorrupt} naming the file and
  /// key for a wrong type; then validate().
  static BertConfig from_json_file(const std::filesystem::path& path);

  /// Throws Error listing every problem (non-positive sizes, hidden not divisible by heads, unsupported
  /// activation or position embedding type).
  void validate() const;

  int head_dim() const { return hidden_size / num_attention_heads; }
  /// 64-bit hash of every field, part of the encoder fingerprint.
  std::uint64_t hash() const;
  bool operator==(const BertConfig&) const = default;
};

}  // namespace mxn::text
