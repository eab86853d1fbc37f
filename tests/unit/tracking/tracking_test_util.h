#pragma once
// Shared helpers of the tracking tests: config sections with a disabled domain, interaction builders.

#include <map>
#include <optional>
#include <string>

#include "core/config.h"
#include "core/interaction.h"

namespace mxn::testing {

/// movies and music enabled, tasks disabled.
inline std::map<std::string, config::DomainConfig> tracking_domains() {
  std::map<std::string, config::DomainConfig> domains;
  domains["movies"] = config::DomainConfig{};
  domains["music"] = config::DomainConfig{};
  domains["tasks"] = config::DomainConfig{};
  domains["tasks"].enabled = false;
  return domains;
}

inline Interaction make_interaction(std::string user, std::string domain, std::string item, std::string type,
                                    std::optional<double> rating = std::nullopt,
                                    std::optional<std::int64_t> timestamp_us = std::nullopt,
                                    std::string metadata = {}) {
  Interaction i;
  i.user_id = std::move(user);
  i.domain = std::move(domain);
  i.item_id = std::move(item);
  i.type = std::move(type);
  i.rating = rating;
  i.timestamp_us = timestamp_us;
  i.metadata = std::move(metadata);
  return i;
}

}  // namespace mxn::testing
