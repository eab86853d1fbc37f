#pragma once
// Reading request bodies: JSON parsing (a body that is not JSON is 400 `malformed`) and typed fields that
// report every problem with its field name (422 `invalid_argument`), e.g. "interactions[3].rating".

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http.h"
#include "core/error.h"
#include "core/interaction.h"

namespace mxn::api {

/// The size rules of request input, one place for all of them (docs/security.md lists them). Every string
/// field read through JsonFields has a byte limit, every list a length limit; bodies nest at most kJsonDepth.
inline constexpr int kJsonDepth = 32;
inline constexpr std::size_t kIdBytes = 256;  // ids, a domain, a tag, a model type, an interaction type
inline constexpr std::size_t kTextBytes = 64 * 1024;  // an item's title or description
inline constexpr std::size_t kQueryBytes = 1024;      // query_text
inline constexpr std::size_t kListLength = 1000;      // tags, model_types
// Metadata (of an interaction or an item) as JSON text: config interactions.max_metadata_bytes.

/// JSON text nesting at most kJsonDepth (refused while parsing); Error{kMalformed, field} otherwise.
nlohmann::json parse_json(std::string_view text, const std::string& field);
/// The body as a JSON object; Error{kMalformed, "body"} when it is not JSON or nests deeper than kJsonDepth
/// (refused while parsing, before any of it is built), kInvalidArgument when not an object.
nlohmann::json parse_object(const Request& request);

/// Typed access to the fields of one JSON object; problems accumulate in `problems` with `prefix` + key.
class JsonFields {
 public:
  JsonFields(const nlohmann::json& object, std::string prefix, std::vector<FieldError>& problems);

  /// Strings longer than `max_bytes` are a problem ("must be at most N bytes").
  std::string required_string(const std::string& key, std::size_t max_bytes = kIdBytes);
  std::optional<std::string> optional_string(const std::string& key, std::size_t max_bytes = kIdBytes);
  std::optional<double> optional_number(const std::string& key);
  std::optional<std::int64_t> optional_integer(const std::string& key, std::int64_t min, std::int64_t max);
  std::optional<bool> optional_bool(const std::string& key);
  std::optional<std::vector<std::string>> optional_strings(const std::string& key,
                                                           std::size_t max_items = kListLength,
                                                           std::size_t max_bytes = kIdBytes);
  /// A JSON object field, returned as text of at most `max_bytes`; absent or null -> empty.
  std::string optional_object_text(const std::string& key, std::size_t max_bytes);
  /// Epoch seconds (number or digits) or ISO-8601 text, as epoch microseconds.
  std::optional<std::int64_t> optional_timestamp(const std::string& key);
  /// Adds a problem for every key not in `known`.
  void reject_unknown(std::initializer_list<const char*> known);

 private:
  const nlohmann::json* find(const std::string& key) const;
  void problem(const std::string& key, const std::string& message);
  /// False (and a problem) when `value` is longer than `max_bytes`.
  bool within(const std::string& key, const std::string& value, std::size_t max_bytes);

  const nlohmann::json& object_;
  std::string prefix_;
  std::vector<FieldError>& problems_;
};

/// An interaction from its JSON form {user_id, domain, item_id, interaction_type, rating?, count?, timestamp?,
/// metadata?}.
Interaction interaction_from_json(const nlohmann::json& object, const std::string& prefix,
                                  std::vector<FieldError>& problems);

/// Query parameter `name` as a whole number in [min, max]; `fallback` when absent. Error names the parameter.
std::size_t query_count(const Request& request, const std::string& name, std::size_t fallback, std::size_t min,
                        std::size_t max);

/// Throws Error(problems) when there are any.
void throw_if_any(std::vector<FieldError>& problems);

}  // namespace mxn::api
