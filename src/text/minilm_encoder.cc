#include "text/minilm_encoder.h"

#include <utf8proc.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.h"
#include "text/hash.h"
#include "text/json_file.h"
#include "text/utf8.h"

namespace mxn::text {

namespace {

constexpr std::string_view kRequiredFiles[] = {"config.json",          "vocab.txt",
                                               "tokenizer_config.json", "sentence_bert_config.json",
                                               "1_Pooling/config.json", "model.safetensors"};

// sentence_bert_config.json do_lower_case: lower-cases the raw text before tokenizing.
std::string lowercase_text(std::string_view text) {
  std::vector<char32_t> cps;
  decode_utf8(text, cps);
  std::string out;
  out.reserve(text.size());
  for (char32_t cp : cps) append_utf8(static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp))), out);
  return out;
}

PoolingMode read_pooling(const std::filesystem::path& file, int hidden_size) {
  const auto json = read_json_file(file);
  const int dim = json_value(json, "word_embedding_dimension", hidden_size, file);
  if (dim != hidden_size) {
    throw Error(Code::kCorrupt, file.string() + ": word_embedding_dimension " + std::to_string(dim) +
                                    " differs from hidden_size " + std::to_string(hidden_size) + " of config.json");
  }
  std::vector<PoolingMode> modes;
  if (json_value(json, "pooling_mode_mean_tokens", false, file)) modes.push_back(PoolingMode::kMean);
  if (json_value(json, "pooling_mode_cls_token", false, file)) modes.push_back(PoolingMode::kCls);
  if (json_value(json, "pooling_mode_max_tokens", false, file)) modes.push_back(PoolingMode::kMax);
  if (json_value(json, "pooling_mode_mean_sqrt_len_tokens", false, file)) modes.push_back(PoolingMode::kMeanSqrtLen);
  for (const char* unsupported : {"pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken"}) {
    if (json_value(json, unsupported, false, file)) {
      throw Error(Code::kNotSupported, file.string() + ": " + unsupported + " is not supported");
    }
  }
  if (modes.size() != 1) {
    throw Error(Code::kNotSupported, file.string() + ": exactly one pooling mode must be enabled (found " +
                                         std::to_string(modes.size()) + ")");
  }
  return modes.front();
}

}  // namespace

std::string_view pooling_name(PoolingMode mode) {
  switch (mode) {
    case PoolingMode::kMean: return "mean";
    case PoolingMode::kCls: return "cls";
    case PoolingMode::kMax: return "max";
    case PoolingMode::kMeanSqrtLen: return "mean_sqrt_len";
  }
  return "unknown";
}

struct MiniLmEncoder::Loaded {
  BertTokenizer tokenizer;
  BertModel model;
  PoolingMode pooling;
  bool lowercase_input;

  static Loaded from_folder(const std::filesystem::path& folder) {
    if (!std::filesystem::is_directory(folder)) {
      throw Error(Code::kNotFound, "model folder " + folder.string() + " does not exist");
    }
    std::string missing;
    for (std::string_view name : kRequiredFiles) {
      if (!std::filesystem::is_regular_file(folder / name)) missing += (missing.empty() ? "" : ", ") + std::string(name);
    }
    if (!missing.empty()) {
      throw Error(Code::kNotFound, "model folder " + folder.string() + " lacks " + missing);
    }
    const BertConfig config = BertConfig::from_json_file(folder / "config.json");

    const auto tok_file = folder / "tokenizer_config.json";
    const auto tok = read_json_file(tok_file);
    const std::string tokenizer_class = json_value(tok, "tokenizer_class", std::string("BertTokenizer"), tok_file);
    if (tokenizer_class.find("BertTokenizer") == std::string::npos) {
      throw Error(Code::kNotSupported, tok_file.string() + ": tokenizer_class " + tokenizer_class + " is not supported");
    }
    BertTokenizerOptions options;
    options.lowercase = json_value(tok, "do_lower_case", true, tok_file);
    options.strip_accents = json_value(tok, "strip_accents", options.lowercase, tok_file);
    options.handle_chinese_chars = json_value(tok, "tokenize_chinese_chars", true, tok_file);

    const auto st_file = folder / "sentence_bert_config.json";
    const auto st = read_json_file(st_file);
    const int max_seq = json_value(st, "max_seq_length", config.max_position_embeddings, st_file);
    if (max_seq < 2 || max_seq > config.max_position_embeddings) {
      throw Error(Code::kCorrupt, st_file.string() + ": max_seq_length " + std::to_string(max_seq) +
                                      " must be in 2.." + std::to_string(config.max_position_embeddings));
    }
    options.max_length = static_cast<std::size_t>(max_seq);
    const bool lowercase_input = json_value(st, "do_lower_case", false, st_file);

    BertTokenizer tokenizer = BertTokenizer::from_vocab_file(folder / "vocab.txt", options);
    if (tokenizer.vocab_size() > static_cast<std::size_t>(config.vocab_size)) {
      throw Error(Code::kCorrupt, (folder / "vocab.txt").string() + " has " + std::to_string(tokenizer.vocab_size()) +
                                      " tokens but config.json vocab_size is " + std::to_string(config.vocab_size));
    }
    const PoolingMode pooling = read_pooling(folder / "1_Pooling" / "config.json", config.hidden_size);
    const SafetensorsFile weights(folder / "model.safetensors");
    return Loaded{std::move(tokenizer), BertModel::from_safetensors(config, weights), pooling, lowercase_input};
  }
};

MiniLmEncoder::MiniLmEncoder(const std::filesystem::path& folder, MiniLmOptions options)
    : MiniLmEncoder(Loaded::from_folder(folder), options) {}

MiniLmEncoder::MiniLmEncoder(Loaded&& loaded, MiniLmOptions options)
    : MiniLmEncoder(std::move(loaded.tokenizer), std::move(loaded.model), loaded.pooling, options,
                    loaded.lowercase_input) {}

MiniLmEncoder::MiniLmEncoder(BertTokenizer tokenizer, BertModel model, PoolingMode pooling, MiniLmOptions options,
                             bool lowercase_input)
    : tokenizer_(std::move(tokenizer)),
      model_(std::move(model)),
      pooling_(pooling),
      options_(options),
      lowercase_input_(lowercase_input) {
  if (options_.batch_size < 1) throw Error(Code::kInvalidArgument, "must be >= 1", "batch_size");
  if (tokenizer_.vocab_size() > static_cast<std::size_t>(model_.config().vocab_size)) {
    throw Error(Code::kInvalidArgument, "tokenizer vocabulary is larger than the model's", "vocab");
  }
  if (tokenizer_.options().max_length > static_cast<std::size_t>(model_.config().max_position_embeddings)) {
    throw Error(Code::kInvalidArgument, "tokenizer max_length exceeds max_position_embeddings", "max_length");
  }
}

std::string MiniLmEncoder::fingerprint() const {
  return "minilm:v1:dim=" + std::to_string(dim()) + ":pool=" + std::string(pooling_name(pooling_)) +
         ":lower_input=" + (lowercase_input_ ? "1" : "0") + ":config=" + hex64(model_.config().hash()) +
         ":tokenizer=" + hex64(tokenizer_.hash()) + ":weights=" + hex64(model_.weights_hash());
}

EmbeddingMatrix MiniLmEncoder::encode(std::span<const std::string> texts) const {
  std::vector<std::vector<std::int32_t>> ids(texts.size());
  const auto n = static_cast<std::ptrdiff_t>(texts.size());
#pragma omp parallel for schedule(dynamic, 16) if (n >= 32)
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    const std::string& text = texts[static_cast<std::size_t>(i)];
    ids[static_cast<std::size_t>(i)] = lowercase_input_ ? tokenizer_.encode(lowercase_text(text)) : tokenizer_.encode(text);
  }
  return encode_ids(ids);
}

EmbeddingMatrix MiniLmEncoder::encode_ids(std::span<const std::vector<std::int32_t>> ids) const {
  EmbeddingMatrix out(ids.size(), dim());
  // Longest first, so each batch pads little; ties keep input order.
  std::vector<std::size_t> order(ids.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return ids[a].size() > ids[b].size(); });
  std::vector<std::vector<std::int32_t>> chunk;
  for (std::size_t start = 0; start < order.size(); start += options_.batch_size) {
    const std::size_t stop = std::min(order.size(), start + options_.batch_size);
    chunk.clear();
    for (std::size_t i = start; i < stop; ++i) chunk.push_back(ids[order[i]]);
    embed_batch(chunk, std::span<const std::size_t>(order.data() + start, stop - start), out);
  }
  return out;
}

void MiniLmEncoder::embed_batch(std::span<const std::vector<std::int32_t>> ids, std::span<const std::size_t> targets,
                                EmbeddingMatrix& out) const {
  const TokenBatch batch = TokenBatch::pad(ids, tokenizer_.pad_id());
  const RowMatrixXf hidden = model_.forward(batch);
  const auto seq = static_cast<Eigen::Index>(batch.seq_len);
  const auto d = static_cast<Eigen::Index>(dim());
  for (std::size_t b = 0; b < batch.batch; ++b) {
    const Eigen::Index len = batch.lengths[b];
    const auto rows = hidden.middleRows(static_cast<Eigen::Index>(b) * seq, len);
    Eigen::RowVectorXf pooled(d);
    switch (pooling_) {
      case PoolingMode::kMean: pooled = rows.colwise().sum() / static_cast<float>(len); break;
      case PoolingMode::kCls: pooled = rows.row(0); break;
      case PoolingMode::kMax: pooled = rows.colwise().maxCoeff(); break;
      case PoolingMode::kMeanSqrtLen: pooled = rows.colwise().sum() / std::sqrt(static_cast<float>(len)); break;
    }
    const float norm = std::max(pooled.norm(), 1e-12f);
    auto row = out.row(targets[b]);
    for (Eigen::Index j = 0; j < d; ++j) row[static_cast<std::size_t>(j)] = pooled[j] / norm;
  }
}

void MiniLmEncoder::save(BinaryWriter& out) const {
  out.write_string("minilm");
  out.write_string(fingerprint());
}

void MiniLmEncoder::load(BinaryReader& in) {
  const std::string kind = in.read_string("minilm encoder name");
  if (kind != "minilm") throw Error(Code::kCorrupt, "expected a minilm encoder, found '" + kind + "'");
  const std::string saved = in.read_string("minilm encoder fingerprint");
  if (saved != fingerprint()) {
    throw Error(Code::kFailedPrecondition,
                "the model folder no longer matches the saved minilm encoder (saved " + saved + ", folder gives " +
                    fingerprint() + ")");
  }
}

}  // namespace mxn::text
