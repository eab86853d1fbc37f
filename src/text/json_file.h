#pragma once
// Reading the small JSON files of a model folder (config.json, tokenizer_config.json, ...). Used by
// text/ .cc files only: the rest of the module never sees JSON.

#include <exception>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/error.h"

namespace mxn::text {

/// Parses a JSON object file: Error{kNotFound} naming the file when it is missing, Error{kCorrupt} naming
/// it when it is not a JSON object.
nlohmann::json read_json_file(const std::filesystem::path& path);

/// Value of `key` when present and not null, else `fallback`; Error{kCorrupt} naming the file and the key
/// when the value has the wrong type.
template <class T>
T json_value(const nlohmann::json& object, std::string_view key, const T& fallback, const std::filesystem::path& file) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return fallback;
  bool ok = true;
  if constexpr (std::is_same_v<T, bool>) {
    ok = it->is_boolean();
  } else if constexpr (std::is_arithmetic_v<T>) {
    ok = it->is_number();
  } else if constexpr (std::is_same_v<T, std::string>) {
    ok = it->is_string();
  }
  if (ok) {
    try {
      return it->template get<T>();
    } catch (const std::exception&) {
      ok = false;
    }
  }
  throw Error(Code::kCorrupt, file.string() + ": key '" + std::string(key) + "' has the wrong type (" + it->dump() + ")");
}

}  // namespace mxn::text
