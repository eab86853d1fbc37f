#pragma once
// Deterministic demo data for the four domains: catalogs that read like real ones and interactions
// sampled from a planted latent-preference model, so that a good recommender can learn them.
//
// The planted model: every item has one main genre (and maybe a second), every user a taste over
// genres concentrated on two or three of them. A user's interaction picks a genre from the user's
// taste (or, with a small probability, any genre), then an item of that genre by a power-law
// popularity. Ratings, skips and likes follow the user's affinity for the item's genres.
// Same SeedOptions (including seed) -> the same data, independent of thread count.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/interaction.h"
#include "warehouse/records.h"

namespace mxn::data {

struct SeedOptions {
  int users = 1000;
  int items = 1000;                  // per domain
  std::int64_t interactions = 200000;  // in all domains together
  std::uint64_t seed = 42;
  std::int64_t now_us = 0;           // timestamps fall in the 90 days before this (0 = current time)
  std::vector<std::string> domains = {"movies", "music", "tasks", "notes"};
  void validate() const;             // Error naming the option on a bad value
};

class SeedGenerator {
 public:
  explicit SeedGenerator(SeedOptions options);

  /// The catalog of one domain: `options.items` items with ids <prefix>_1 .. <prefix>_N.
  std::vector<warehouse::CatalogItem> catalog(const std::string& domain) const;
  /// Every interaction, in chunks of at most `chunk_size`, in a fixed order; the callback owns nothing.
  void interactions(std::size_t chunk_size, const std::function<void(std::vector<Interaction>&)>& sink) const;
  /// The item id prefix of a domain: movie, song, task, note (or the domain name).
  static std::string item_prefix(const std::string& domain);

  const SeedOptions& options() const { return options_; }

 private:
  SeedOptions options_;
};

}  // namespace mxn::data
