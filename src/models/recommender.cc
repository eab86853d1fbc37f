#include "models/recommender.h"

#include "core/error.h"

namespace mxn::models {

std::vector<ScoredItem> Recommender::similar_items(ItemIndex /*item*/, std::size_t /*k*/) const {
  throw Error(Code::kNotSupported,
              "model type '" + std::string(type_name()) + "' does not list similar items");
}

std::vector<ScoredItem> Recommender::recommend_for_query(const data::SparseRow& /*row*/, std::string_view /*query*/,
                                                         std::size_t /*k*/, const ItemFilter& /*exclude*/) const {
  throw Error(Code::kNotSupported, "model type '" + std::string(type_name()) + "' does not take a text query");
}

}  // namespace mxn::models
