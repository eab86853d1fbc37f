#include "text/bert_config.h"

#include <cstring>
#include <vector>

#include "core/error.h"
#include "text/hash.h"
#include "text/json_file.h"

namespace mxn::text {

BertConfig BertConfig::minilm_l6() { return BertConfig{}; }

BertConfig BertConfig::from_json_file(const std::filesystem::path& path) {
  const auto json = read_json_file(path);
  BertConfig c;
  c.vocab_size = json_value(json, "vocab_size", c.vocab_size, path);
  c.hidden_size = json_value(json, "hidden_size", c.hidden_size, path);
  c.num_hidden_layers = json_value(json, "num_hidden_layers", c.num_hidden_layers, path);
  c.num_attention_heads = json_value(json, "num_attention_heads", c.num_attention_heads, path);
  c.intermediate_size = json_value(json, "intermediate_size", c.intermediate_size, path);
  c.max_position_embeddings = json_value(json, "max_position_embeddings", c.max_position_embeddings, path);
  c.type_vocab_size = json_value(json, "type_vocab_size", c.type_vocab_size, path);
  c.layer_norm_eps = json_value(json, "layer_norm_eps", c.layer_norm_eps, path);
  c.hidden_act = json_value(json, "hidden_act", c.hidden_act, path);
  c.position_embedding_type = json_value(json, "position_embedding_type", c.position_embedding_type, path);
  const std::string model_type = json_value(json, "model_type", std::string("bert"), path);
  if (model_type != "bert") {
    throw Error(Code::kNotSupported, path.string() + ": model_type '" + model_type + "' is not a BERT model");
  }
  try {
    c.validate();
  } catch (const Error& e) {
    throw Error(Code::kCorrupt, path.string() + ": " + e.what());
  }
  return c;
}

void BertConfig::validate() const {
  std::vector<FieldError> problems;
  auto positive = [&](const char* field, int value) {
    if (value <= 0) problems.push_back({field, "must be > 0, got " + std::to_string(value)});
  };
  positive("vocab_size", vocab_size);
  positive("hidden_size", hidden_size);
  positive("num_hidden_layers", num_hidden_layers);
  positive("num_attention_heads", num_attention_heads);
  positive("intermediate_size", intermediate_size);
  positive("max_position_embeddings", max_position_embeddings);
  positive("type_vocab_size", type_vocab_size);
  if (hidden_size > 0 && num_attention_heads > 0 && hidden_size % num_attention_heads != 0) {
    problems.push_back({"num_attention_heads", "must divide hidden_size " + std::to_string(hidden_size)});
  }
  if (!(layer_norm_eps > 0.0)) problems.push_back({"layer_norm_eps", "must be > 0"});
  if (hidden_act != "gelu") {
    problems.push_back({"hidden_act", "'" + hidden_act + "' is not supported (only the exact erf \"gelu\")"});
  }
  if (position_embedding_type != "absolute") {
    problems.push_back({"position_embedding_type", "'" + position_embedding_type + "' is not supported (only absolute)"});
  }
  if (!problems.empty()) throw Error(std::move(problems));
}

std::uint64_t BertConfig::hash() const {
  std::uint64_t h = hash_bytes("bert-config-v1");
  for (int v : {vocab_size, hidden_size, num_hidden_layers, num_attention_heads, intermediate_size,
                max_position_embeddings, type_vocab_size}) {
    h = hash_combine(h, static_cast<std::uint64_t>(v));
  }
  std::uint64_t eps_bits = 0;
  std::memcpy(&eps_bits, &layer_norm_eps, sizeof(eps_bits));
  h = hash_combine(h, eps_bits);
  h = hash_combine(h, hash_bytes(hidden_act));
  return hash_combine(h, hash_bytes(position_embedding_type));
}

}  // namespace mxn::text
