#include "models/item_knn.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/error.h"
#include "core/log.h"
#include "models/factors.h"
#include "models/item_similarity.h"

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
  lists_ = item_neighbors(m, params_, run);
  n_items_ = m.n_items();
  fitted_ = true;
  log::debug("item_knn.fit", "items", n_items_, "neighbors", lists_.items.size());
  if (options.progress) options.progress(1, 1, std::nan(""));
}

std::string ItemKnn::unfit_reason() const {
  return lists_.items.empty() ? "no two items share a user with a positive similarity" : "";
}

void ItemKnn::check_item(ItemIndex item) const {
  if (item < 0 || item >= n_items_)
    throw Error(Code::kNotFound, "no item with index " + std::to_string(item), "item");
}

std::span<const ItemIndex> ItemKnn::neighbor_items(ItemIndex item) const {
  check_item(item);
  return lists_.items_of(item);
}

std::span<const float> ItemKnn::neighbor_similarities(ItemIndex item) const {
  check_item(item);
  return lists_.similarities_of(item);
}

std::vector<ScoredItem> ItemKnn::recommend(const data::SparseRow& row, std::size_t k,
                                           const ItemFilter& exclude) const {
  if (!fitted_) throw Error(Code::kFailedPrecondition, "model 'item_knn' is not fitted");
  row.validate();
  return top_k_by_neighbors(lists_, row, k, exclude);
}

std::vector<ScoredItem> ItemKnn::similar_items(ItemIndex item, std::size_t k) const {
  if (!fitted_) throw Error(Code::kFailedPrecondition, "model 'item_knn' is not fitted");
  check_item(item);
  return lists_.first(item, k);
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
  lists_.save(b);
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
  auto lists = NeighborLists::load(b, n_items, "item_knn");
  in.end();

  params_ = std::move(p);
  n_items_ = n_items;
  lists_ = std::move(lists);
  fitted_ = true;
}

}  // namespace mxn::models
