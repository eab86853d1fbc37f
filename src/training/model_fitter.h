#pragma once
// The one way a domain's models are built and fitted. `mxn train`, `mxn evaluate`, the training service and
// `mxn tune` all call fit_models(), so what is evaluated is what is served.
//
// The models read the domain's matrix weighed by models.weighting (data/weighting.h); the embedding model
// also reads the catalog text of the items (ItemContent, built once per run). A model that cannot learn
// from the data is skipped, with the reason, instead of being fitted into something that serves noise:
// the embedding model when no item has any text, any model whose fit learned nothing
// (Recommender::unfit_reason). Skipped and failed models are never published or blended.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/id_map.h"
#include "data/interaction_matrix.h"
#include "models/recommender.h"
#include "text/text_encoder.h"

namespace mxn::warehouse {
class Warehouse;
}

namespace mxn::training {

/// Progress of a long step: `what` (a model: "collab als"; or "item texts minilm"), step `iteration` of
/// `total`, `loss` NaN when there is none.
using FitProgress = std::function<void(const std::string& model, int iteration, int total, double loss)>;

/// The embedding model's input: the domain's items' text, encoded (rows follow the items' IdMap).
struct ItemContent {
  std::shared_ptr<const text::TextEncoder> encoder;
  text::EmbeddingMatrix vectors;  // n_items x encoder->dim()
  std::size_t with_text = 0;      // items that have any text
};

/// When `names` holds the embedding model (the only one that reads item text): the catalog text of `items`
/// of `domain`, encoded (or read back, see item_vectors.h), `progress` counting the texts encoded; else none.
std::optional<ItemContent> item_content_for(const std::vector<std::string>& names,
                                            warehouse::Warehouse& warehouse, const std::string& domain,
                                            const IdMap& items, const EmbeddingParams& params,
                                            const FitProgress& progress = {});

struct FittedModel {
  std::string name;                            // the config / API name: knn, collab, ...
  std::unique_ptr<models::Recommender> model;  // set only when status is "fitted"
  std::string status;                          // fitted | skipped | failed
  std::string reason;                          // skipped: why it cannot learn from this data; failed: the error
  double fit_seconds = 0;
};

/// What one model is doing during fit_models(): the model, the iteration and the loss (NaN when none).
struct FitRequest {
  const config::ModelsConfig& models;
  std::string field_prefix;              // where the params live in config, for errors: "domains.movies.models"
  const ItemContent* content = nullptr;  // the embedding model's input; null: embedding is skipped
  int threads = 0;                       // 0 = all cores
  FitProgress progress;
};

/// Builds every model of `names` (invalid params throw before anything is fitted), then fits each on
/// `matrix` (raw values; the weighting is applied here), in order. One model failing or being skipped does
/// not stop the others.
std::vector<FittedModel> fit_models(const data::InteractionMatrix& matrix, const std::vector<std::string>& names,
                                    const FitRequest& request);

/// popularity, then the domain's enabled models: what a domain trains and serves.
std::vector<std::string> domain_model_names(const config::DomainConfig& domain);

}  // namespace mxn::training
