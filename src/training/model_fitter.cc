#include "training/model_fitter.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/error.h"
#include "core/log.h"
#include "data/weighting.h"
#include "models/embedding.h"
#include "models/registry.h"
#include "text/encoder_factory.h"
#include "training/item_vectors.h"

namespace mxn::training {

std::optional<ItemContent> item_content_for(const std::vector<std::string>& names,
                                            warehouse::Warehouse& warehouse, const std::string& domain,
                                            const IdMap& items, const EmbeddingParams& params,
                                            const FitProgress& progress) {
  if (std::find(names.begin(), names.end(), "embedding") == names.end()) return std::nullopt;
  std::shared_ptr<text::TextEncoder> encoder = text::make_text_encoder(params);
  const std::string what = "item texts " + std::string(encoder->name());
  ItemVectors built =
      build_item_vectors(warehouse, domain, items, *encoder, [&](std::size_t done, std::size_t total) {
        if (progress) progress(what, static_cast<int>(done), static_cast<int>(total), std::nan(""));
      });
  return ItemContent{.encoder = std::move(encoder), .vectors = std::move(built.vectors),
                     .with_text = items.size() - built.blank};
}

std::vector<std::string> domain_model_names(const config::DomainConfig& domain) {
  std::vector<std::string> names = {"popularity"};
  for (const auto& name : domain.models.enabled) {
    if (name != "popularity") names.push_back(name);
  }
  return names;
}

std::vector<FittedModel> fit_models(const data::InteractionMatrix& matrix, const std::vector<std::string>& names,
                                    const FitRequest& request) {
  std::vector<std::unique_ptr<models::Recommender>> built;
  for (const auto& name : names) built.push_back(models::make_recommender(name, request.models, request.field_prefix));
  const data::InteractionMatrix weighed = data::weighed(matrix, data::parse_weighting(request.models.weighting));

  std::vector<FittedModel> out;
  for (std::size_t q = 0; q < names.size(); ++q) {
    FittedModel fitted{.name = names[q], .status = "fitted"};
    auto& model = built[q];
    try {
      if (auto* embedding = dynamic_cast<models::Embedding*>(model.get())) {
        if (request.content == nullptr || request.content->with_text == 0) {
          fitted.status = "skipped";
          fitted.reason = "no catalog item has any text (title, description or tags) to learn from";
        } else {
          embedding->set_content(request.content->encoder, request.content->vectors);
        }
      }
      if (fitted.status == "fitted") {
        models::FitOptions options{.threads = request.threads};
        if (request.progress) {
          options.progress = [&, what = names[q] + " " + std::string(model->type_name())](
                                 int it, int total, double loss) { request.progress(what, it, total, loss); };
        }
        const auto start = std::chrono::steady_clock::now();
        model->fit(weighed, options);
        fitted.fit_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (std::string why = model->unfit_reason(); !why.empty()) {
          fitted.status = "skipped";
          fitted.reason = std::move(why);
        }
      }
    } catch (const Error& e) {
      fitted.status = e.code() == Code::kTooLarge ? "skipped" : "failed";  // too large: the data is the reason
      fitted.reason = e.what();
    } catch (const std::exception& e) {
      fitted.status = "failed";
      fitted.reason = e.what();
    }
    if (fitted.status == "fitted") {
      fitted.model = std::move(model);
    } else {
      log::warn("train.model_not_fitted", "model", fitted.name, "status", fitted.status, "reason", fitted.reason);
    }
    out.push_back(std::move(fitted));
  }
  return out;
}

}  // namespace mxn::training
