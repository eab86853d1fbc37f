#pragma once
// The one place that turns configuration into models. Config names a model by its API key (kModelNames:
// "knn", "collab", ...); a model file names it by type ("item_knn", "als", "bpr", "ease", "rp3beta",
// "embedding", "popularity").

#include <memory>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "models/recommender.h"

namespace mxn::models {

/// A new, unfitted model for a config key:
///   "popularity" -> Popularity(config.popularity)
///   "knn"        -> ItemKnn(config.knn)
///   "collab"     -> Als(config.collab.als) or Bpr(config.collab.bpr) by config.collab.algorithm
///   "ease"       -> Ease(config.ease)
///   "rp3beta"    -> Rp3beta(config.rp3beta)
///   "embedding"  -> Embedding(config.embedding), which needs set_content() before fit()
/// An unknown key is an Error{kInvalidArgument, field "model"} that names it and lists the known ones;
/// invalid params are an Error listing every problem with fields `field_prefix`.<key>.<param>
/// (e.g. "domains.movies.models.collab.als.factors" when field_prefix is "domains.movies.models").
std::unique_ptr<Recommender> make_recommender(std::string_view model_name, const config::ModelsConfig& config,
                                              std::string_view field_prefix = "models");

/// An empty model of a stored type ("popularity", "item_knn", "als", "bpr", "embedding"), ready for load(); its
/// params are replaced by the file's. An unknown type is an Error{kCorrupt} naming it.
std::unique_ptr<Recommender> make_empty_recommender(std::string_view type_name);


}  // namespace mxn::models
