#pragma once
// Checks interactions against config and turns them into warehouse rows with their implicit-feedback
// weight. Reports every problem of an interaction at once, each naming its field (user_id, domain, item_id,
// interaction_type, rating, count, timestamp, metadata), prefixed for batches ("interactions[3].rating").

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/config.h"
#include "core/error.h"
#include "core/interaction.h"
#include "warehouse/records.h"

namespace mxn::tracking {

class InteractionValidator {
 public:
  static constexpr std::size_t kMaxIdBytes = 256;

  InteractionValidator(const config::InteractionsConfig& interactions,
                       const std::map<std::string, config::DomainConfig>& domains);

  /// The warehouse row for `in` (timestamp `now_us` when absent), or nullopt after appending its problems to
  /// `problems` with fields prefixed by `prefix`.
  std::optional<warehouse::InteractionRecord> validate(const Interaction& in, std::int64_t now_us,
                                                       std::string_view prefix,
                                                       std::vector<FieldError>& problems) const;

  /// Weight of a valid interaction: the type's configured weight times its count (1 when none); for
  /// "rating", the rating's weight on the domain's scale (RatingScale::weight).
  double weight(const Interaction& in) const;

 private:
  void check_id(std::string_view value, std::string_view name, std::string_view prefix,
                std::vector<FieldError>& problems) const;

  std::unordered_map<std::string, double> type_weights_;
  std::string known_types_;    // "click, complete, ..." for messages
  struct DomainRules {
    bool enabled = true;
    RatingScale ratings;
  };
  std::unordered_map<std::string, DomainRules> domains_;
  std::string known_domains_;  // enabled ones, for messages
  std::int64_t max_metadata_bytes_;
};

}  // namespace mxn::tracking
