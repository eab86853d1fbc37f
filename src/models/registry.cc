#include "models/registry.h"

#include <string>

#include "core/error.h"
#include "models/als.h"
#include "models/bpr.h"
#include "models/embedding.h"
#include "models/item_knn.h"
#include "models/popularity.h"

namespace mxn::models {

namespace {
std::string join(std::string_view prefix, std::string_view key) {
  if (prefix.empty()) return std::string(key);
  return std::string(prefix) + "." + std::string(key);
}
}  // namespace

std::vector<std::string_view> recommender_names() { return {"popularity", "knn", "collab", "embedding"}; }

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
  if (model_name == "embedding") {
    return std::make_unique<Embedding>(config.embedding, join(field_prefix, "embedding"));
  }
  std::string known;
  for (auto name : recommender_names()) known += (known.empty() ? "" : ", ") + std::string(name);
  throw Error(Code::kInvalidArgument,
              "unknown model '" + std::string(model_name) + "' (known: " + known + ")", "model");
}

std::unique_ptr<Recommender> make_empty_recommender(std::string_view type_name) {
  if (type_name == Popularity::kTypeName) return std::make_unique<Popularity>();
  if (type_name == ItemKnn::kTypeName) return std::make_unique<ItemKnn>();
  if (type_name == Als::kTypeName) return std::make_unique<Als>();
  if (type_name == Bpr::kTypeName) return std::make_unique<Bpr>();
  if (type_name == Embedding::kTypeName) return std::make_unique<Embedding>();
  throw Error(Code::kCorrupt, "unknown model type '" + std::string(type_name) + "'");
}

}  // namespace mxn::models
