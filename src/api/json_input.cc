#include "api/json_input.h"

#include <cmath>
#include <cstdint>

#include "core/time.h"

namespace mxn::api {

nlohmann::json parse_json(std::string_view text, const std::string& field) {
  // The parser reports the depth of every value it reads: a deeper one stops it there.
  const auto depth_limit = [&field](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
    if (depth > kJsonDepth) {
      throw Error(Code::kMalformed, "nests deeper than " + std::to_string(kJsonDepth) + " levels", field);
    }
    return true;
  };
  nlohmann::json value = nlohmann::json::parse(text, depth_limit, false);
  if (value.is_discarded()) throw Error(Code::kMalformed, "is not valid JSON", field);
  return value;
}

nlohmann::json parse_object(const Request& request) {
  nlohmann::json body = parse_json(request.body, "body");
  if (!body.is_object()) throw Error(Code::kInvalidArgument, "must be a JSON object", "body");
  return body;
}

std::size_t query_count(const Request& request, const std::string& name, std::size_t fallback, std::size_t min,
                        std::size_t max) {
  auto text = request.query_param(name);
  if (!text) return fallback;
  std::size_t value = 0;
  try {
    std::size_t used = 0;
    value = static_cast<std::size_t>(std::stoull(*text, &used));
    if (used != text->size() || text->front() == '-') throw std::invalid_argument(name);
  } catch (const std::exception&) {
    throw Error(Code::kInvalidArgument, "must be a whole number", name);
  }
  if (value < min || value > max) {
    throw Error(Code::kInvalidArgument, "must be between " + std::to_string(min) + " and " + std::to_string(max), name);
  }
  return value;
}

void throw_if_any(std::vector<FieldError>& problems) {
  if (!problems.empty()) throw Error(std::move(problems));
}

JsonFields::JsonFields(const nlohmann::json& object, std::string prefix, std::vector<FieldError>& problems)
    : object_(object), prefix_(std::move(prefix)), problems_(problems) {}

const nlohmann::json* JsonFields::find(const std::string& key) const {
  auto it = object_.find(key);
  if (it == object_.end() || it->is_null()) return nullptr;
  return &*it;
}

void JsonFields::problem(const std::string& key, const std::string& message) {
  problems_.push_back({prefix_ + key, message});
}

bool JsonFields::within(const std::string& key, const std::string& value, std::size_t max_bytes) {
  if (value.size() <= max_bytes) return true;
  problem(key, "must be at most " + std::to_string(max_bytes) + " bytes (got " +
                   std::to_string(value.size()) + ")");
  return false;
}

std::string JsonFields::required_string(const std::string& key, std::size_t max_bytes) {
  const auto* v = find(key);
  if (v == nullptr) {
    problem(key, "is required");
    return {};
  }
  if (!v->is_string()) {
    problem(key, "must be a string");
    return {};
  }
  return within(key, v->get_ref<const std::string&>(), max_bytes) ? v->get<std::string>() : std::string();
}

std::optional<std::string> JsonFields::optional_string(const std::string& key, std::size_t max_bytes) {
  const auto* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    problem(key, "must be a string");
    return std::nullopt;
  }
  if (!within(key, v->get_ref<const std::string&>(), max_bytes)) return std::nullopt;
  return v->get<std::string>();
}

std::optional<double> JsonFields::optional_number(const std::string& key) {
  const auto* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number()) {
    problem(key, "must be a number");
    return std::nullopt;
  }
  return v->get<double>();
}

std::optional<std::int64_t> JsonFields::optional_integer(const std::string& key, std::int64_t min, std::int64_t max) {
  const auto* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number_integer()) {
    problem(key, "must be a whole number");
    return std::nullopt;
  }
  const auto n = v->get<std::int64_t>();
  if (n < min || n > max) {
    problem(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return n;
}

std::optional<bool> JsonFields::optional_bool(const std::string& key) {
  const auto* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) {
    problem(key, "must be true or false");
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<std::vector<std::string>> JsonFields::optional_strings(const std::string& key,
                                                                     std::size_t max_items,
                                                                     std::size_t max_bytes) {
  const auto* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_array()) {
    problem(key, "must be a list of strings");
    return std::nullopt;
  }
  if (v->size() > max_items) {
    problem(key, "must hold at most " + std::to_string(max_items) + " entries (got " +
                     std::to_string(v->size()) + ")");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v->size(); ++i) {
    const auto& e = (*v)[i];
    const std::string entry = key + "[" + std::to_string(i) + "]";
    if (!e.is_string()) {
      problem(entry, "must be a string");
      return std::nullopt;
    }
    if (!within(entry, e.get_ref<const std::string&>(), max_bytes)) return std::nullopt;
    out.push_back(e.get<std::string>());
  }
  return out;
}

std::string JsonFields::optional_object_text(const std::string& key, std::size_t max_bytes) {
  const auto* v = find(key);
  if (v == nullptr) return {};
  if (!v->is_object()) {
    problem(key, "must be a JSON object");
    return {};
  }
  std::string text = v->dump();  // bounded: the body's size and depth were checked at parse
  return within(key, text, max_bytes) ? text : std::string();
}

std::optional<std::int64_t> JsonFields::optional_timestamp(const std::string& key) {
  const auto* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_number()) {
    const double seconds = v->get<double>();
    if (!std::isfinite(seconds) ||
        std::abs(seconds) > 1e12) {  // 1e12 s: year 33658; microseconds fit 64 bits
      problem(key, "must be epoch seconds (at most 1e12) or an ISO-8601 date-time");
      return std::nullopt;
    }
    return static_cast<std::int64_t>(std::llround(seconds * 1e6));
  }
  if (v->is_string()) {
    try {
      return parse_timestamp(v->get<std::string>(), prefix_ + key);
    } catch (const Error& e) {
      problems_.push_back(e.problems().front());
      return std::nullopt;
    }
  }
  problem(key, "must be epoch seconds or an ISO-8601 date-time");
  return std::nullopt;
}

void JsonFields::reject_unknown(std::initializer_list<const char*> known) {
  for (const auto& [key, value] : object_.items()) {
    bool ok = false;
    for (const char* k : known) ok = ok || key == k;
    if (!ok) problem(key, "unknown field");
  }
}

Interaction interaction_from_json(const nlohmann::json& object, const std::string& prefix,
                                  std::vector<FieldError>& problems) {
  Interaction x;
  if (!object.is_object()) {
    problems.push_back({prefix.empty() ? "body" : prefix.substr(0, prefix.size() - 1), "must be a JSON object"});
    return x;
  }
  JsonFields f(object, prefix, problems);
  f.reject_unknown({"user_id", "domain", "item_id", "interaction_type", "rating", "count", "timestamp", "metadata"});
  x.user_id = f.required_string("user_id", SIZE_MAX);
  x.domain = f.required_string("domain", SIZE_MAX);
  x.item_id = f.required_string("item_id", SIZE_MAX);
  x.type = f.required_string("interaction_type", SIZE_MAX);
  x.rating = f.optional_number("rating");
  x.count = f.optional_number("count");
  x.timestamp_us = f.optional_timestamp("timestamp");
  // Sizes of ids and metadata are the validator's (tracking/interaction_validator.h): CSV imports meet them
  // too.
  x.metadata = f.optional_object_text("metadata", SIZE_MAX);
  return x;
}

}  // namespace mxn::api
