#include "models/recommender.h"

#include "core/error.h"

namespace mxn::models {

std::vector<ScoredItem> Recommender::similar_items(ItemIndex /*item*/, std::size_t /*k*/) const {
  throw Error(Code::kNotSupported,
              "model type '" + std::string(type_name()) + "' does not list similar items");
}

}  // namespace mxn::models
