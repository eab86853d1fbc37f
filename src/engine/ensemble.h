#pragma once
// Blending the ranked lists of several models into one, as configured per domain:
//   weighted: each model's scores are min-max normalised to [0, 1] within its list, then averaged with the
//             configured weights (over the models that returned a list);
//   rrf:      reciprocal-rank fusion, score = sum over models of weight / (rrf_k + rank), rank from 1.
// Every blended item keeps each model's contribution to its score. Items are the domain's live indices.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/config.h"
#include "models/recommender.h"

namespace mxn::engine {

struct ModelList {
  std::string model;                      // knn, collab, embedding, popularity
  double weight = 1.0;
  std::vector<models::ScoredItem> items;  // live item index, raw score; best first, each item once
};

struct BlendedItem {
  ItemIndex item = 0;  // live index
  double score = 0;
  std::map<std::string, double> contributions;  // model -> its part of `score`
};

/// Best first, at most k; equal scores are ordered by `id_less` (the engine: item id ascending).
std::vector<BlendedItem> blend(const std::vector<ModelList>& lists, const config::EnsembleConfig& ensemble,
                               std::size_t k, const std::function<bool(ItemIndex, ItemIndex)>& id_less);

}  // namespace mxn::engine
