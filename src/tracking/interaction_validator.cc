#include "tracking/interaction_validator.h"

#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/time.h"
#include "core/utf8.h"

namespace mxn::tracking {

namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

void add(std::vector<FieldError>& problems, std::string_view prefix, std::string_view field, std::string message) {
  std::string name(prefix);
  name += field;
  problems.push_back(FieldError{std::move(name), std::move(message)});
}

}  // namespace

InteractionValidator::InteractionValidator(const config::InteractionsConfig& interactions,
                                           const std::map<std::string, config::DomainConfig>& domains)
    : max_metadata_bytes_(interactions.max_metadata_bytes) {
  for (const auto& [name, weight] : interactions.types) {  // std::map: sorted names for messages
    type_weights_.emplace(name, weight);
    known_types_ += (known_types_.empty() ? "" : ", ") + name;
  }
  for (const auto& [name, domain] : domains) {
    domains_.emplace(name, DomainRules{domain.enabled, domain.ratings});
    if (domain.enabled) known_domains_ += (known_domains_.empty() ? "" : ", ") + name;
  }
}

double InteractionValidator::weight(const Interaction& in) const {
  auto domain = domains_.find(in.domain);
  if (in.type == "rating" && in.rating && domain != domains_.end()) return domain->second.ratings.weight(*in.rating);
  auto it = type_weights_.find(in.type);
  return it == type_weights_.end() ? 0.0 : it->second * in.count.value_or(1.0);
}

void InteractionValidator::check_id(std::string_view value, std::string_view name, std::string_view prefix,
                                    std::vector<FieldError>& problems) const {
  if (value.empty()) {
    add(problems, prefix, name, "must not be empty");
  } else if (value.size() > kMaxIdBytes) {
    add(problems, prefix, name,
        "must be at most " + std::to_string(kMaxIdBytes) + " bytes (got " + std::to_string(value.size()) + ")");
  } else if (!is_valid_utf8(value)) {
    add(problems, prefix, name, "must be valid UTF-8");
  }
}

std::optional<warehouse::InteractionRecord> InteractionValidator::validate(const Interaction& in,
                                                                           std::int64_t now_us,
                                                                           std::string_view prefix,
                                                                           std::vector<FieldError>& problems) const {
  const std::size_t before = problems.size();
  check_id(in.user_id, "user_id", prefix, problems);

  const RatingScale* scale = nullptr;
  if (in.domain.empty()) {
    add(problems, prefix, "domain", "must not be empty");
  } else if (auto it = domains_.find(in.domain); it == domains_.end()) {
    add(problems, prefix, "domain",
        "unknown domain " + quote(in.domain) + " (known: " + known_domains_ + ")");
  } else if (!it->second.enabled) {
    add(problems, prefix, "domain", "domain " + quote(in.domain) + " is disabled");
  } else {
    scale = &it->second.ratings;
  }
  check_id(in.item_id, "item_id", prefix, problems);

  const bool is_rating = in.type == "rating";
  if (in.type.empty()) {
    add(problems, prefix, "interaction_type", "must not be empty");
  } else if (type_weights_.find(in.type) == type_weights_.end()) {
    add(problems, prefix, "interaction_type",
        "unknown interaction type " + quote(in.type) + " (known: " + known_types_ + ")");
  }

  if (in.rating) {
    const double r = *in.rating;
    if (!std::isfinite(r)) {
      add(problems, prefix, "rating", "must be a finite number");
    } else if (scale && !scale->accepts(r)) {
      add(problems, prefix, "rating",
          "must be between " + number(scale->min) + " and " + number(scale->max) + " (got " + number(r) + ")");
    }
  } else if (is_rating) {
    add(problems, prefix, "rating", "is required for interaction_type 'rating'");
  }

  if (in.count) {
    if (!(*in.count > 0) || !std::isfinite(*in.count)) {
      add(problems, prefix, "count", "must be a number > 0 (got " + number(*in.count) + ")");
    } else if (is_rating) {
      add(problems, prefix, "count", "is not allowed for interaction_type 'rating'");
    }
  }

  if (in.timestamp_us) {
    const std::int64_t t = *in.timestamp_us;
    if (t < 0) {
      add(problems, prefix, "timestamp", "must not be before 1970-01-01 (got " + format_iso8601(t) + ")");
    } else if (t > now_us + kMicrosPerDay) {
      add(problems, prefix, "timestamp",
          "must not be more than a day in the future (got " + format_iso8601(t) + ")");
    }
  }

  if (!in.metadata.empty()) {
    if (static_cast<std::int64_t>(in.metadata.size()) > max_metadata_bytes_) {
      add(problems, prefix, "metadata",
          "must be at most " + std::to_string(max_metadata_bytes_) + " bytes (got " +
              std::to_string(in.metadata.size()) + ")");
    } else {
      const auto first = in.metadata.find_first_not_of(" \t\r\n");
      if (!nlohmann::json::accept(in.metadata)) {
        add(problems, prefix, "metadata", "must be valid JSON");
      } else if (first == std::string::npos || in.metadata[first] != '{') {
        add(problems, prefix, "metadata", "must be a JSON object");
      }
    }
  }

  if (problems.size() != before) return std::nullopt;
  warehouse::InteractionRecord record;
  record.user_id = in.user_id;
  record.domain = in.domain;
  record.item_id = in.item_id;
  record.type = in.type;
  record.rating = in.rating;
  record.weight = weight(in);
  record.timestamp_us = in.timestamp_us.value_or(now_us);
  record.metadata = in.metadata;
  return record;
}

}  // namespace mxn::tracking
