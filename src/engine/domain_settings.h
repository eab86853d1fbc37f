#pragma once
// A domain's settings in force: config/config.yaml and the environment, then the values of the newest tuned
// record in the model store (`mxn tune`) wherever config does not pin the key (Config::is_set). Training fits
// with them and the engine serves with them (its published ModelSet keeps the ones it was published with).

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "engine/model_store.h"

namespace mxn::engine {

struct DomainSettings {
  config::DomainConfig config;
  std::optional<nlohmann::json> tuned;  // the tuned record in force (its "version", "values", ...)
  std::vector<std::string> tuned_keys;  // the keys it set; the others it holds were pinned by config
};

/// Error{kNotFound} for an unknown or disabled domain. A tuned record whose values no longer validate
/// (e.g. written by another version) is ignored with a warning.
DomainSettings domain_settings(const config::Config& config, const ModelStore& store, const std::string& domain);

/// What /training/stats and `mxn stats` show of the tuned record in force: {version, created_at, created_by,
/// metric, validation (the blend's validation metric), serves_single_model, in_force: {key: value} (the values
/// applied), pinned_by_config: [keys the record holds that config pins]}; null without a record.
nlohmann::json tuned_summary(const DomainSettings& settings);

}  // namespace mxn::engine
