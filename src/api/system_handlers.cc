// GET /health (liveness and readiness) and GET /metrics (Prometheus).

#include "api/handlers.h"

namespace mxn::api {

Response get_health(Services& s, const Request&) {
  nlohmann::json domains = nlohmann::json::object();
  for (const auto& [name, d] : s.config.domains) {
    if (!d.enabled) continue;
    nlohmann::json models = nlohmann::json::object();
    for (const auto& [model, served] : s.engine.models(name)->models) models[model] = served.meta.version;
    domains[name] = {{"models", models}, {"trained", !models.empty()}};
  }
  const bool ready = s.engine.started();
  return json_response(ready ? 200 : 503,
                       {{"status", ready ? "ok" : "starting"}, {"ready", ready}, {"domains", domains}});
}

Response get_metrics(Services& s, const Request&) {
  return {.status = 200, .content_type = "text/plain; version=0.0.4", .body = s.metrics.render()};
}

}  // namespace mxn::api
