// Model versions: GET /models/{domain} (every stored version with its metrics and status) and
// POST /models/{domain}/{model}/rollback?version=N (serve an earlier version, at once and after restarts).

#include <limits>

#include "api/handlers.h"
#include "api/json_input.h"
#include "core/log.h"
#include "core/model_params.h"
#include "core/time.h"
#include "core/utf8.h"

namespace mxn::api {

namespace {

/// One model of a domain: the version served now and every stored version, newest first.
nlohmann::json model_json(const Services& s, const std::string& domain, const std::string& model) {
  const auto set = s.engine.models(domain);
  const auto served = set->models.find(model);
  const int serving = served == set->models.end() ? 0 : served->second.meta.version;
  nlohmann::json versions = nlohmann::json::array();
  auto stored = s.store.versions(domain, model);
  for (auto v = stored.rbegin(); v != stored.rend(); ++v) {
    nlohmann::json entry = {{"version", *v}};
    try {
      const engine::ModelMeta meta = s.store.meta(domain, model, *v);
      entry["status"] = *v == serving ? "serving" : meta.held_back.empty() ? "available" : "held_back";
      entry["held_back"] = meta.held_back.empty() ? nlohmann::json() : nlohmann::json(meta.held_back);
      entry["type_name"] = meta.type_name;
      entry["created_at"] = format_iso8601(meta.created_at_us);
      entry["metrics"] = meta.metrics;
      entry["n_users"] = meta.n_users;
      entry["n_items"] = meta.n_items;
      entry["n_interactions"] = meta.n_interactions;
      entry["train_seconds"] = meta.train_seconds;
      entry["params"] = meta.params;
    } catch (const Error& e) {
      entry["status"] = "damaged";
      entry["error"] = e.what();
    }
    versions.push_back(std::move(entry));
  }
  return {{"model", model},
          {"serving_version", serving == 0 ? nlohmann::json() : nlohmann::json(serving)},
          {"versions", std::move(versions)}};
}

}  // namespace

Response get_models(Services& s, const Request& r) {
  const auto& domain = r.path_param("domain");
  s.config.domain(domain);
  nlohmann::json models = nlohmann::json::array();
  for (const auto name : kModelNames) {
    if (!s.store.versions(domain, std::string(name)).empty())
      models.push_back(model_json(s, domain, std::string(name)));
  }
  return json_response(200, {{"domain", domain},
                             {"max_metric_drop", s.config.training.max_metric_drop},
                             {"models", std::move(models)}});
}

Response post_model_rollback(Services& s, const Request& r) {
  const auto& domain = r.path_param("domain");
  const auto& model = r.path_param("model");
  s.config.domain(domain);
  if (!is_model_name(model)) {
    throw Error(Code::kNotFound, "unknown model " + quote(model) + " (known: " + model_names_text() + ")",
                "model");
  }
  if (!r.query_param("version"))
    throw Error(Code::kInvalidArgument, "is required: the version to serve", "version");
  const int version = static_cast<int>(
      query_count(r, "version", 0, 1, static_cast<std::size_t>(std::numeric_limits<int>::max())));
  const auto served = s.engine.models(domain);
  const auto current = served->models.find(model);
  const int before = current == served->models.end() ? 0 : current->second.meta.version;
  try {
    s.store.load(domain, model, version);  // it must load before it is chosen
  } catch (const Error& e) {
    if (e.code() == Code::kNotFound) {
      throw Error(Code::kNotFound, "no version " + std::to_string(version) + " of " + domain + "/" + model,
                  "version");
    }
    throw Error(Code::kFailedPrecondition,
                "version " + std::to_string(version) + " cannot be served: " + e.what(), "version");
  }
  s.store.set_serving(domain, model, version);
  s.engine.publish(domain);
  record_model_versions(s.metrics, s.engine, domain);
  log::info("audit.model_rolled_back", "domain", domain, "model", model, "from", before, "to", version);
  nlohmann::json out = model_json(s, domain, model);
  out["domain"] = domain;
  out["previous_version"] = before == 0 ? nlohmann::json() : nlohmann::json(before);
  return json_response(200, out);
}

}  // namespace mxn::api
