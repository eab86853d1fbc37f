#include "automation/catalog_fields.h"

#include <charconv>
#include <cmath>

namespace mxn::automation {

namespace {
const nlohmann::json* find(const nlohmann::json& metadata, std::string_view key) {
  if (!metadata.is_object()) return nullptr;
  auto it = metadata.find(key);
  return it == metadata.end() ? nullptr : &*it;
}
}  // namespace

std::optional<std::string> string_field(const nlohmann::json& metadata, std::string_view key) {
  const nlohmann::json* value = find(metadata, key);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return value->get<std::string>();
}

std::optional<double> number_field(const nlohmann::json& metadata, std::string_view key) {
  const nlohmann::json* value = find(metadata, key);
  if (value == nullptr) return std::nullopt;
  double number = 0;
  if (value->is_number()) {
    number = value->get<double>();
  } else if (value->is_string()) {
    const auto& text = value->get_ref<const std::string&>();
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, number);
    if (ec != std::errc() || ptr != end) return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (!std::isfinite(number)) return std::nullopt;
  return number;
}

std::vector<std::string> string_list_field(const nlohmann::json& metadata, std::string_view key) {
  std::vector<std::string> out;
  const nlohmann::json* value = find(metadata, key);
  if (value == nullptr || !value->is_array()) return out;
  for (const auto& element : *value) {
    if (element.is_string()) out.push_back(element.get<std::string>());
  }
  return out;
}

}  // namespace mxn::automation
