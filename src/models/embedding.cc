#include "models/embedding.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/error.h"
#include "text/encoder_factory.h"

namespace mxn::models {

namespace {

/// Scales `v` to unit length; false (and `v` unchanged) when it is (nearly) zero.
bool normalize(std::vector<float>& v) {
  double norm = 0;
  for (float x : v) norm += static_cast<double>(x) * x;
  norm = std::sqrt(norm);
  if (norm < 1e-12) return false;
  const auto inv = static_cast<float>(1.0 / norm);
  for (float& x : v) x *= inv;
  return true;
}

void validate_params(const EmbeddingParams& params, std::string_view field_prefix) {
  std::vector<FieldError> problems;
  params.validate(field_prefix, problems);
  if (!problems.empty()) throw Error(std::move(problems));
}

}  // namespace

Embedding::Embedding(EmbeddingParams params, std::string_view field_prefix) : params_(std::move(params)) {
  validate_params(params_, field_prefix);
}

std::string Embedding::params_text() const {
  std::ostringstream s;
  s << "encoder=" << params_.encoder;
  if (params_.encoder == "minilm") {
    s << " model_path=" << params_.model_path;
  } else {
    s << " dim=" << params_.dim;
  }
  s << " query_weight=" << params_.query_weight << " hnsw_threshold=" << params_.hnsw_threshold
    << " hnsw_m=" << params_.hnsw_m << " hnsw_ef_construction=" << params_.hnsw_ef_construction
    << " hnsw_ef_search=" << params_.hnsw_ef_search << " history=" << params_.history
    << " neighbors=" << params_.neighbors;
  return s.str();
}

void Embedding::set_content(std::shared_ptr<const text::TextEncoder> encoder, text::EmbeddingMatrix vectors) {
  MXN_CHECK(encoder != nullptr, "set_content needs an encoder");
  if (vectors.cols == 0 || vectors.cols != encoder->dim() || vectors.data.size() % vectors.cols != 0 ||
      vectors.rows != vectors.data.size() / vectors.cols) {
    throw Error(Code::kInvalidArgument,
                "vectors are " + std::to_string(vectors.cols) + " wide, the encoder gives " +
                    std::to_string(encoder->dim()),
                "vectors");
  }
  staged_encoder_ = std::move(encoder);
  staged_vectors_ = std::move(vectors);
}

void Embedding::fit(const data::InteractionMatrix& interactions, const FitOptions& options) {
  if (!staged_encoder_) {
    throw Error(Code::kFailedPrecondition, "model 'embedding' needs the item vectors (set_content) before fit");
  }
  if (staged_vectors_.rows != static_cast<std::size_t>(interactions.n_items())) {
    throw Error(Code::kInvalidArgument,
                std::to_string(staged_vectors_.rows) + " item vectors for " +
                    std::to_string(interactions.n_items()) + " items",
                "vectors");
  }
  index_.reset();
  encoder_ = std::move(staged_encoder_);
  vectors_ = std::move(staged_vectors_);
  staged_vectors_ = {};
  find_blanks();
  index_ = make_vector_index(vectors_.data, vectors_.cols, VectorIndexOptions::from_params(params_));
  build_neighbors();
  if (options.progress) options.progress(1, 1, std::nan(""));
}

void Embedding::find_blanks() {
  blank_.assign(vectors_.rows, 0);
  for (std::size_t i = 0; i < vectors_.rows; ++i) {
    const auto row = vectors_.row(i);
    blank_[i] = std::all_of(row.begin(), row.end(), [](float x) { return x == 0.0f; }) ? 1 : 0;
  }
  any_blank_ = std::find(blank_.begin(), blank_.end(), 1) != blank_.end();
}

void Embedding::build_neighbors() {
  NeighborLists lists;
  lists.ptr.assign(vectors_.rows + 1, 0);
  std::vector<ItemIndex> texts;
  std::vector<float> queries;
  if (params_.history == "neighbors") {
    for (std::size_t i = 0; i < vectors_.rows; ++i) {
      if (blank_[i]) continue;
      texts.push_back(static_cast<ItemIndex>(i));
      const auto v = vectors_.row(i);
      queries.insert(queries.end(), v.begin(), v.end());
    }
  }
  if (!texts.empty()) {
    ItemFilter no_blanks;
    no_blanks.with_predicate([this](ItemIndex i) { return blank_[static_cast<std::size_t>(i)] != 0; });
    const auto found =
        index_->search_batch(queries, static_cast<std::size_t>(params_.neighbors) + 1, no_blanks);  // + itself
    std::size_t next = 0;
    for (std::size_t i = 0; i < vectors_.rows; ++i) {
      if (next < texts.size() && static_cast<std::size_t>(texts[next]) == i) {
        for (const auto& s : found[next]) {
          lists.items.push_back(s.item);
          lists.similarities.push_back(s.score);
        }
        ++next;
      }
      lists.ptr[i + 1] = static_cast<std::int64_t>(lists.items.size());
    }
  }
  neighbors_ = std::move(lists);
}

void Embedding::check_fitted() const {
  if (!index_) throw Error(Code::kFailedPrecondition, "model 'embedding' is not fitted");
}

double Embedding::add_row(const data::SparseRow& row, std::vector<float>* profile) const {
  double used = 0;
  for (std::size_t e = 0; e < row.size(); ++e) {
    const auto item = static_cast<std::size_t>(row.items[e]);
    if (item >= vectors_.rows || blank_[item]) continue;  // newer than the model, or no text
    const float w = row.weights[e];
    used += std::abs(static_cast<double>(w));
    if (!profile) continue;
    const auto v = vectors_.row(item);
    for (std::size_t c = 0; c < profile->size(); ++c) (*profile)[c] += w * v[c];
  }
  return used;
}

std::vector<ScoredItem> Embedding::search(std::vector<float> profile, std::size_t k,
                                          const ItemFilter& exclude) const {
  if (k == 0 || !normalize(profile)) return {};
  if (!any_blank_) return index_->search(profile, k, exclude);
  ItemFilter with_blanks(std::vector<ItemIndex>(exclude.items().begin(), exclude.items().end()));
  with_blanks.with_predicate(
      [&](ItemIndex i) { return blank_[static_cast<std::size_t>(i)] != 0 || exclude.excludes(i); });
  return index_->search(profile, k, with_blanks);
}

std::vector<ScoredItem> Embedding::recommend(const data::SparseRow& row, std::size_t k,
                                             const ItemFilter& exclude) const {
  check_fitted();
  row.validate();
  if (params_.history == "profile") {
    std::vector<float> profile(vectors_.cols, 0.0f);
    add_row(row, &profile);
    return search(std::move(profile), k, exclude);
  }
  const double total_weight = add_row(row, nullptr);
  if (k == 0 || total_weight == 0) return {};
  auto best = top_k_by_neighbors(neighbors_, row, k, exclude);
  for (auto& s : best) s.score = static_cast<float>(s.score / total_weight);
  return best;
}

std::vector<ScoredItem> Embedding::recommend_for_query(const data::SparseRow& row, std::string_view query,
                                                       std::size_t k, const ItemFilter& exclude) const {
  check_fitted();
  row.validate();
  std::vector<float> q = encoder_->encode_one(query);
  if (!normalize(q)) return recommend(row, k, exclude);  // an empty query, or one without any feature
  std::vector<float> profile(vectors_.cols, 0.0f);
  add_row(row, &profile);
  if (!normalize(profile)) return search(std::move(q), k, exclude);
  const auto a = static_cast<float>(params_.query_weight);
  for (std::size_t c = 0; c < profile.size(); ++c) profile[c] = (1 - a) * profile[c] + a * q[c];
  return search(std::move(profile), k, exclude);
}

std::vector<ScoredItem> Embedding::similar_items(ItemIndex item, std::size_t k) const {
  check_fitted();
  if (item < 0 || static_cast<std::size_t>(item) >= vectors_.rows) {
    throw Error(Code::kNotFound, "item " + std::to_string(item) + " is not in the model", "item");
  }
  if (blank_[static_cast<std::size_t>(item)]) return {};
  const auto v = vectors_.row(static_cast<std::size_t>(item));
  return search(std::vector<float>(v.begin(), v.end()), k, ItemFilter({item}));
}

void Embedding::save(ModelWriter& out) const {
  check_fitted();
  out.begin(kTypeName, kFormatVersion, params_text());
  auto& b = out.body();
  b.write_string(params_.encoder);
  b.write<std::int32_t>(params_.dim);
  b.write_string(params_.model_path);
  b.write<double>(params_.query_weight);
  for (int v : {params_.hnsw_threshold, params_.hnsw_m, params_.hnsw_ef_construction, params_.hnsw_ef_search,
                params_.neighbors}) {
    b.write<std::int32_t>(v);
  }
  b.write_string(params_.history);
  encoder_->save(b);
  b.write<std::uint64_t>(vectors_.rows);
  b.write<std::uint64_t>(vectors_.cols);
  b.write_vector(vectors_.data);
  index_->save(b);
  neighbors_.save(b);
  out.end();
}

void Embedding::load(ModelReader& in) {
  in.expect(kTypeName, kFormatVersion);
  const bool has_neighbors = in.header().format_version >= 2;
  auto& b = in.body();
  EmbeddingParams p;
  p.encoder = b.read_string("embedding encoder");
  p.dim = b.read<std::int32_t>("embedding dim");
  p.model_path = b.read_string("embedding model_path");
  p.query_weight = b.read<double>("embedding query_weight");
  for (int* v : {&p.hnsw_threshold, &p.hnsw_m, &p.hnsw_ef_construction, &p.hnsw_ef_search}) {
    *v = b.read<std::int32_t>("embedding hnsw params");
  }
  if (has_neighbors) {
    p.neighbors = b.read<std::int32_t>("embedding neighbors");
    p.history = b.read_string("embedding history");
  } else {
    p.history = "profile";  // what format 1 did
  }
  std::vector<FieldError> problems;
  p.validate("embedding", problems);
  if (!problems.empty()) {
    throw Error(Code::kCorrupt, "model file holds invalid params: " + std::string(Error(problems).what()));
  }
  std::shared_ptr<text::TextEncoder> encoder = text::make_text_encoder(p);  // minilm: reads the folder
  encoder->load(b);
  text::EmbeddingMatrix vectors;
  vectors.rows = b.read<std::uint64_t>("embedding rows");
  vectors.cols = b.read<std::uint64_t>("embedding cols");
  vectors.data = b.read_vector<float>("embedding vectors");
  if (vectors.cols == 0 || vectors.cols != encoder->dim() || vectors.data.size() % vectors.cols != 0 ||
      vectors.rows != vectors.data.size() / vectors.cols) {
    throw Error(Code::kCorrupt, "embedding vectors do not match their shape or the encoder's dimension");
  }
  auto index = load_vector_index(b, vectors.data, vectors.cols, VectorIndexOptions::from_params(p));
  NeighborLists neighbors;
  if (has_neighbors) neighbors = NeighborLists::load(b, static_cast<ItemIndex>(vectors.rows), "embedding");
  in.end();
  params_ = std::move(p);
  encoder_ = std::move(encoder);
  vectors_ = std::move(vectors);
  index_ = std::move(index);
  find_blanks();
  if (has_neighbors) {
    neighbors_ = std::move(neighbors);
  } else {
    build_neighbors();  // history "profile": empty lists
  }
}

}  // namespace mxn::models
