#include "models/registry.h"

#include <string>

#include "core/error.h"
#include "models/als.h"
#include "models/bpr.h"
#include "models/ease.h"
#include "models/embedding.h"
#include "models/item_knn.h"
#include "models/popularity.h"
#include "models/rp3beta.h"

namespace mxn::models {

namespace {
std::string join(std::string_view prefix, std::string_view key) {
  if (prefix.empty()) return std::string(key);
  return std::string(prefix) + "." + std::string(key);
}
}  // namespace



std::unique_ptr<Recommender> make_recommender(std::string_view model_name, const config::ModelsConfig& config,
                                              std::string_view field_prefix) {
  if (model_name == "popularity") {
    return std::make_unique<Popularity>(config.popularity, join(field_prefix, "popularity"));
  }
  if (model_name == "knn") return std::make_unique<ItemKnn>(config.knn, join(field_prefix, "knn"));
  if (model_name == "collab") {
    const auto prefix = join(field_prefix, "collab");
    std::vector<FieldError> problems;
    config.collab.validate(prefix, problems);
    if (!problems.empty()) throw Error(std::move(problems));
    if (config.collab.algorithm == "bpr")
      return std::make_unique<Bpr>(config.collab.bpr, join(prefix, "bpr"));
    return std::make_unique<Als>(config.collab.als, join(prefix, "als"));
  }
  if (model_name == "ease") return std::make_unique<Ease>(config.ease, join(field_prefix, "ease"));
  if (model_name == "rp3beta") return std::make_unique<Rp3beta>(config.rp3beta, join(field_prefix, "rp3beta"));
  if (model_name == "embedding") {
    return std::make_unique<Embedding>(config.embedding, join(field_prefix, "embedding"));
  }
  throw Error(Code::kInvalidArgument,
              "unknown model '" + std::string(model_name) + "' (known: " + model_names_text() + ")", "model");
}

std::unique_ptr<Recommender> make_empty_recommender(std::string_view type_name) {
  if (type_name == Popularity::kTypeName) return std::make_unique<Popularity>();
  if (type_name == ItemKnn::kTypeName) return std::make_unique<ItemKnn>();
  if (type_name == Als::kTypeName) return std::make_unique<Als>();
  if (type_name == Bpr::kTypeName) return std::make_unique<Bpr>();
  if (type_name == Embedding::kTypeName) return std::make_unique<Embedding>();
  if (type_name == Ease::kTypeName) return std::make_unique<Ease>();
  if (type_name == Rp3beta::kTypeName) return std::make_unique<Rp3beta>();
  throw Error(Code::kCorrupt, "unknown model type '" + std::string(type_name) + "'");
}

}  // namespace mxn::models
