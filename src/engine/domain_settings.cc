#include "engine/domain_settings.h"

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

}  // namespace mxn::engine
