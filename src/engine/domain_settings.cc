#include "engine/domain_settings.h"

#include <algorithm>

#include "core/log.h"

namespace mxn::engine {

DomainSettings domain_settings(const config::Config& config, const ModelStore& store, const std::string& domain) {
  DomainSettings out{.config = config.domain(domain)};
  auto record = store.latest_tuned(domain);
  if (!record || !record->contains("values") || !(*record)["values"].is_object()) return out;
  try {
    out.tuned_keys = config::apply_tuned(config, domain, out.config, (*record)["values"]);
    out.tuned = std::move(record);
  } catch (const Error& e) {
    log::warn("engine.tuned_ignored", "domain", domain, "version", record->value("version", 0), "error", e.what());
  }
  return out;
}

nlohmann::json tuned_summary(const DomainSettings& settings) {
  if (!settings.tuned) return nullptr;
  const auto& record = *settings.tuned;
  nlohmann::json in_force = nlohmann::json::object();
  nlohmann::json pinned = nlohmann::json::array();
  for (const auto& [key, value] : record["values"].items()) {
    if (std::find(settings.tuned_keys.begin(), settings.tuned_keys.end(), key) != settings.tuned_keys.end()) {
      in_force[key] = value;
    } else {
      pinned.push_back(key);
    }
  }
  const std::string metric = record.value("metric", "");
  const auto& blend = record.value("blend", nlohmann::json::object());
  return {{"version", record.value("version", 0)},
          {"created_at", record.value("created_at", "")},
          {"created_by", record.value("created_by", "")},
          {"metric", metric},
          {"validation", blend.contains(metric) ? blend[metric] : nlohmann::json()},
          {"serves_single_model", blend.value("serves_single_model", nlohmann::json())},
          {"in_force", in_force},
          {"pinned_by_config", pinned}};
}

}  // namespace mxn::engine
