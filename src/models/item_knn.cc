#include "models/item_knn.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/error.h"
#include "core/log.h"
#include "models/factors.h"
#include "models/item_similarity.h"
#include "models/top_k.h"

namespace mxn::models {

ItemKnn::ItemKnn(ItemKnnParams params, std::string_view field_prefix) : params_(std::move(params)) {
  std::vector<FieldError> problems;
  params_.validate(field_prefix, problems);
  if (!problems.empty()) throw Error(std::move(problems));
}

std::string ItemKnn::params_text() const {
  std::ostringstream s;
  s << "similarity=" << params_.similarity << " neighbors=" << params_.neighbors
    << " shrinkage=" << params_.shrinkage << " bm25_k1=" << params_.bm25_k1 << " bm25_b=" << params_.bm25_b;
  return s.str();
}

void ItemKnn::fit(const data::InteractionMatrix& m, const FitOptions& options) {
  fitted_ = false;
  NeighborOptions run;
  run.threads = options.threads;
  NeighborLists lists = item_neighbors(m, params_, run);
  ptr_ = std::move(lists.ptr);
  neighbors_ = std::move(lists.items);
  similarities_ = std::move(lists.similarities);
  n_items_ = m.n_items();
  fitted_ = true;
  log::debug("item_knn.fit", "items", n_items_, "neighbors", neighbors_.size());
  if (options.progress) options.progress(1, 1, std::nan(""));
}

std::span<const ItemIndex> ItemKnn::neighbor_items(ItemIndex item) const {
  if (item < 0 || item >= n_items_)
    throw Error(Code::kNotFound, "no item with index " + std::to_string(item), "item");
  const auto b = static_cast<std::size_t>(ptr_[static_cast<std::size_t>(item)]);
  const auto e = static_cast<std::size_t>(ptr_[static_cast<std::size_t>(item) + 1]);
  return {neighbors_.data() + b, e - b};
}

std::span<const float> ItemKnn::neighbor_similarities(ItemIndex item) const {
  if (item < 0 || item >= n_items_)
    throw Error(Code::kNotFound, "no item with index " + std::to_string(item), "item");
  const auto b = static_cast<std::size_t>(ptr_[static_cast<std::size_t>(item)]);
  const auto e = static_cast<std::size_t>(ptr_[static_cast<std::size_t>(item) + 1]);
  return {similarities_.data() + b, e - b};
}

std::vector<ScoredItem> ItemKnn::recommend(const data::SparseRow& row, std::size_t k,
                                           const ItemFilter& exclude) const {
  if (!fitted_) throw Error(Code::kFailedPrecondition, "model 'item_knn' is not fitted");
  row.validate();
  std::vector<float> scores(static_cast<std::size_t>(n_items_), 0.0f);
  std::vector<std::uint8_t> seen(static_cast<std::size_t>(n_items_), 0);
  std::vector<ItemIndex> touched;
  for (std::size_t q = 0; q < row.size() && row.items[q] < n_items_; ++q) {
    const float w = row.weights[q];
    if (w == 0) continue;
    const auto b = static_cast<std::size_t>(ptr_[static_cast<std::size_t>(row.items[q])]);
    const auto e = static_cast<std::size_t>(ptr_[static_cast<std::size_t>(row.items[q]) + 1]);
    for (auto n = b; n < e; ++n) {
      const auto i = static_cast<std::size_t>(neighbors_[n]);
      scores[i] += w * similarities_[n];
      if (!seen[i]) {
        seen[i] = 1;
        touched.push_back(neighbors_[n]);
      }
    }
  }
  std::erase_if(touched, [&](ItemIndex i) { return !(scores[static_cast<std::size_t>(i)] > 0); });
  return top_k_of(touched, scores, k, exclude);
}

std::vector<ScoredItem> ItemKnn::similar_items(ItemIndex item, std::size_t k) const {
  if (!fitted_) throw Error(Code::kFailedPrecondition, "model 'item_knn' is not fitted");
  const auto items = neighbor_items(item);
  const auto sims = neighbor_similarities(item);
  std::vector<ScoredItem> out;
  for (std::size_t q = 0; q < items.size() && q < k; ++q) out.push_back({items[q], sims[q]});
  return out;
}

void ItemKnn::save(ModelWriter& out) const {
  if (!fitted_) throw Error(Code::kFailedPrecondition, "model 'item_knn' is not fitted");
  out.begin(kTypeName, kFormatVersion, params_text());
  auto& b = out.body();
  b.write_string(params_.similarity);
  b.write<std::int32_t>(params_.neighbors);
  b.write<double>(params_.shrinkage);
  b.write<double>(params_.bm25_k1);
  b.write<double>(params_.bm25_b);
  b.write<std::int32_t>(n_items_);
  b.write_vector(ptr_);
  b.write_vector(neighbors_);
  b.write_vector(similarities_);
  out.end();
}

void ItemKnn::load(ModelReader& in) {
  in.expect(kTypeName, kFormatVersion);
  auto& b = in.body();
  ItemKnnParams p;
  p.similarity = b.read_string("item_knn similarity");
  p.neighbors = b.read<std::int32_t>("item_knn neighbors");
  p.shrinkage = b.read<double>("item_knn shrinkage");
  p.bm25_k1 = b.read<double>("item_knn bm25_k1");
  p.bm25_b = b.read<double>("item_knn bm25_b");
  std::vector<FieldError> problems;
  p.validate("knn", problems);
  if (!problems.empty())
    throw Error(Code::kCorrupt, "model file holds invalid params: " + std::string(Error(problems).what()));
  const auto n_items = b.read<std::int32_t>("item_knn n_items");
  auto ptr = b.read_vector<std::int64_t>("item_knn offsets");
  auto neighbors = b.read_vector<ItemIndex>("item_knn neighbours");
  auto sims = b.read_vector<float>("item_knn similarities");
  in.end();
  bool ok = n_items >= 0 && ptr.size() == static_cast<std::size_t>(n_items) + 1 && ptr.front() == 0 &&
            ptr.back() == static_cast<std::int64_t>(neighbors.size()) && sims.size() == neighbors.size();
  for (std::size_t i = 0; ok && i + 1 < ptr.size(); ++i) ok = ptr[i] <= ptr[i + 1];
  for (std::size_t q = 0; ok && q < neighbors.size(); ++q) ok = neighbors[q] >= 0 && neighbors[q] < n_items;
  if (!ok) throw Error(Code::kCorrupt, "item_knn neighbour lists are inconsistent");

  params_ = std::move(p);
  n_items_ = n_items;
  ptr_ = std::move(ptr);
  neighbors_ = std::move(neighbors);
  similarities_ = std::move(sims);
  fitted_ = true;
}

}  // namespace mxn::models
