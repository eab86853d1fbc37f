#pragma once
// Lenient readers of catalog metadata (CatalogEntry::metadata, a JSON object). Catalog rows come from users
// and importers, so a missing or mistyped field reads as absent instead of failing the whole list.

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mxn::automation {

/// The string at `key`; nullopt when absent or not a string.
std::optional<std::string> string_field(const nlohmann::json& metadata, std::string_view key);
/// The number at `key`, also from a numeric string ("2"); nullopt when absent, not numeric or not finite.
std::optional<double> number_field(const nlohmann::json& metadata, std::string_view key);
/// The strings of the array at `key` (non-string elements skipped); empty when absent or not an array.
std::vector<std::string> string_list_field(const nlohmann::json& metadata, std::string_view key);

}  // namespace mxn::automation
