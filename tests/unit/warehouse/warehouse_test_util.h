#pragma once
// Shared helpers of the warehouse tests: a config pointing into a temporary directory and record builders.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/config.h"
#include "test_util.h"
#include "warehouse/records.h"
#include "warehouse/warehouse.h"

namespace mxn::testing {

inline config::WarehouseConfig warehouse_config(const TempDir& dir, const std::string& name = "warehouse.duckdb") {
  config::WarehouseConfig config;
  config.path = dir.file(name);
  config.threads = 2;
  config.memory_limit = "1GB";
  return config;
}

inline warehouse::InteractionRecord interaction(std::string user, std::string domain, std::string item,
                                                std::string type, double weight, std::int64_t timestamp_us,
                                                std::optional<double> rating = std::nullopt,
                                                std::string metadata = {}) {
  warehouse::InteractionRecord r;
  r.user_id = std::move(user);
  r.domain = std::move(domain);
  r.item_id = std::move(item);
  r.type = std::move(type);
  r.weight = weight;
  r.timestamp_us = timestamp_us;
  r.rating = rating;
  r.metadata = std::move(metadata);
  return r;
}

/// prefix + n ("u" + 17 -> "u17"), built without operator+ (GCC 12 warns falsely on "x" + std::string at -O3).
inline std::string numbered(std::string_view prefix, long long n) {
  std::string out(prefix);
  out.append(std::to_string(n));
  return out;
}

/// COUNT(*) or another single integer from raw SQL on the warehouse.
inline std::int64_t scalar(const warehouse::Warehouse& w, const std::string& sql) {
  auto connection = w.connections().acquire();
  return connection->query(sql).scalar_int64();
}

}  // namespace mxn::testing
