#include "core/model_params.h"

#include <cmath>

namespace mxn {

namespace {

constexpr int kMaxFactors = 4096;

std::string field(std::string_view prefix, std::string_view key) {
  if (prefix.empty()) return std::string(key);
  std::string out(prefix);
  out += '.';
  out += key;
  return out;
}

void add(std::vector<FieldError>& out, std::string_view prefix, std::string_view key, std::string message) {
  out.push_back({field(prefix, key), std::move(message)});
}

// `!(x > 0)` rather than `x <= 0` so that NaN fails too.
void positive(std::vector<FieldError>& out, std::string_view prefix, std::string_view key, double value) {
  if (!(value > 0) || !std::isfinite(value)) add(out, prefix, key, "must be > 0");
}
void non_negative(std::vector<FieldError>& out, std::string_view prefix, std::string_view key, double value) {
  if (!(value >= 0) || !std::isfinite(value)) add(out, prefix, key, "must be >= 0");
}
void positive_int(std::vector<FieldError>& out, std::string_view prefix, std::string_view key, int value) {
  if (value <= 0) add(out, prefix, key, "must be > 0");
}
void check_factors(std::vector<FieldError>& out, std::string_view prefix, int value) {
  if (value <= 0) {
    add(out, prefix, "factors", "must be > 0");
  } else if (value > kMaxFactors) {
    add(out, prefix, "factors", "must be <= " + std::to_string(kMaxFactors));
  }
}
void one_of(std::vector<FieldError>& out, std::string_view prefix, std::string_view key,
            const std::string& value, std::initializer_list<std::string_view> allowed) {
  for (auto a : allowed) {
    if (value == a) return;
  }
  std::string list;
  for (auto a : allowed) {
    if (!list.empty()) list += ", ";
    list += a;
  }
  add(out, prefix, key, "must be one of " + list + " (got '" + value + "')");
}

}  // namespace

std::string model_names_text() {
  std::string out;
  for (auto name : kModelNames) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

bool is_model_name(std::string_view name) {
  for (auto known : kModelNames) {
    if (known == name) return true;
  }
  return false;
}

void PopularityParams::validate(std::string_view prefix, std::vector<FieldError>& out) const {
  non_negative(out, prefix, "half_life_days", half_life_days);
}

void ItemKnnParams::validate(std::string_view prefix, std::vector<FieldError>& out) const {
  one_of(out, prefix, "similarity", similarity, {"cosine", "euclidean", "jaccard", "bm25"});
  positive_int(out, prefix, "neighbors", neighbors);
  non_negative(out, prefix, "shrinkage", shrinkage);
  positive(out, prefix, "bm25_k1", bm25_k1);
  if (!(bm25_b >= 0 && bm25_b <= 1)) add(out, prefix, "bm25_b", "must be in [0, 1]");
}

void AlsParams::validate(std::string_view prefix, std::vector<FieldError>& out) const {
  check_factors(out, prefix, factors);
  non_negative(out, prefix, "regularization", regularization);
  positive(out, prefix, "alpha", alpha);
  positive_int(out, prefix, "iterations", iterations);
  positive_int(out, prefix, "cg_steps", cg_steps);
  one_of(out, prefix, "feedback", feedback, {"implicit", "explicit"});
}

void BprParams::validate(std::string_view prefix, std::vector<FieldError>& out) const {
  check_factors(out, prefix, factors);
  positive(out, prefix, "learning_rate", learning_rate);
  non_negative(out, prefix, "regularization", regularization);
  positive_int(out, prefix, "epochs", epochs);
  positive_int(out, prefix, "fold_in_steps", fold_in_steps);
}

void EaseParams::validate(std::string_view prefix, std::vector<FieldError>& out) const {
  positive(out, prefix, "lambda", lambda);
  positive_int(out, prefix, "max_items", max_items);
}

void Rp3betaParams::validate(std::string_view prefix, std::vector<FieldError>& out) const {
  positive(out, prefix, "alpha", alpha);
  non_negative(out, prefix, "beta", beta);
  positive_int(out, prefix, "neighbors", neighbors);
}

void CollabParams::validate(std::string_view prefix, std::vector<FieldError>& out) const {
  one_of(out, prefix, "algorithm", algorithm, {"als", "bpr"});
  als.validate(field(prefix, "als"), out);
  bpr.validate(field(prefix, "bpr"), out);
}

void EmbeddingParams::validate(std::string_view prefix, std::vector<FieldError>& out) const {
  one_of(out, prefix, "encoder", encoder, {"hashing", "minilm"});
  positive_int(out, prefix, "dim", dim);
  if (encoder == "hashing" && dim > kMaxHashingDim) {
    add(out, prefix, "dim", "must be at most " + std::to_string(kMaxHashingDim) + " for encoder hashing");
  }
  if (encoder == "minilm" && model_path.empty())
    add(out, prefix, "model_path", "must be set for encoder minilm");
  if (!(query_weight >= 0 && query_weight <= 1)) add(out, prefix, "query_weight", "must be in [0, 1]");
  if (hnsw_threshold < 0) add(out, prefix, "hnsw_threshold", "must be >= 0");
  if (hnsw_m < 2) add(out, prefix, "hnsw_m", "must be >= 2");
  positive_int(out, prefix, "hnsw_ef_construction", hnsw_ef_construction);
  positive_int(out, prefix, "hnsw_ef_search", hnsw_ef_search);
  one_of(out, prefix, "history", history, {"neighbors", "profile"});
  positive_int(out, prefix, "neighbors", neighbors);
}

}  // namespace mxn
