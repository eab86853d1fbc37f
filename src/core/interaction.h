#pragma once
// An interaction as it arrives at the edge (API, CLI import, seed): external string ids, a type from
// config, optional rating, count, timestamp and metadata. The tracker validates it and computes its weight.

#include <cstdint>
#include <optional>
#include <string>

namespace mxn {

struct Interaction {
  std::string user_id;
  std::string domain;
  std::string item_id;
  std::string type;                          // a key of config interactions.types
  std::optional<double> rating;              // required for type "rating", on the domain's scale
  std::optional<double> count;               // how many times (e.g. plays): weight = type weight x count
  std::optional<std::int64_t> timestamp_us;  // epoch microseconds; empty = now
  std::string metadata;                      // a JSON object as text, or empty
};

}  // namespace mxn
