#pragma once
// Weekly movies (domain "movies" unless the request names another): top_k movies the user has not seen,
// diversified across genres.
//
//   1. Candidates: engine.recommend(top_k = max(50, 5 x list size), exclude_items = every movie in the
//      user's live row), so "unseen" holds whatever the domain's repeat cool-down; best first.
//   2. Relevance = the engine's score min-max normalised over the candidates (all 1 when they tie).
//   3. MMR (mmr.h) with lambda = mmr_lambda and similarity = Jaccard of the two movies' genres (metadata
//      "genres", else the catalog tags).
//
// Unknown users get popular movies (cold_start). Empty user id: Error{kInvalidArgument, "user_id"}; unknown
// or disabled domain: Error{kNotFound, "domain"}.
//
// JSON (listed_item.h envelope) adds "cold_start"; items in MMR pick order, rank = position, score = the
// engine's blended score, reason = the engine's explanation (plus, for a movie MMR brought in from below
// the relevance top_k, which new genres it adds), plus "year" (number or null) and "genres" (array).

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "automation/automation_request.h"
#include "automation/listed_item.h"
#include "core/config.h"

namespace mxn::engine {
class RecommendationEngine;
}

namespace mxn::automation {

struct WeeklyMovie : ListedItem {
  std::optional<int> year;
  std::vector<std::string> genres;
  double relevance = 0;  // the normalised engine score MMR used, in [0, 1]
};

struct WeeklyMovies {
  std::string user_id;
  std::string domain;
  std::int64_t generated_at_us = 0;
  bool cold_start = false;
  std::vector<WeeklyMovie> items;  // in MMR pick order

  nlohmann::json to_json() const;
};

WeeklyMovies weekly_movies(const engine::RecommendationEngine& engine, const config::WeeklyMoviesConfig& config,
                           const AutomationRequest& request);

}  // namespace mxn::automation
