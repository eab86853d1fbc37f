#pragma once
// The daily playlist (domain "music" unless the request names another): top_k songs for one user, built on
// the RecommendationEngine's blended ranking.
//
//   1. Recently played = every song with any interaction (play, like, skip, ...) whose latest timestamp in
//      the engine's live index is within exclude_played_days before now. Older plays may come back.
//   2. Candidates: engine.recommend(top_k = 5 x playlist size, exclude_items = recently played,
//      include_consumed = true), best first; dislikes stay excluded by the engine. Asks again for more when
//      the artist cap leaves the playlist short.
//   3. Selection: candidates in score order, at most max_per_artist songs per artist (metadata "artist";
//      a song without one is not capped), until top_k.
//   4. Order: greedy nearest neighbour (similarity_order.h) from the best song, by song_similarity.h, so
//      that neighbouring songs are alike (each genre plays as one run).
//
// Unknown users get a playlist from popularity (cold_start). Empty user id: Error{kInvalidArgument,
// "user_id"}; unknown or disabled domain: Error{kNotFound, "domain"}.
//
// JSON (listed_item.h envelope) adds "cold_start"; items in play order, rank = position, score = the
// engine's blended score, reason = the engine's explanation, plus "artist", "album", "genre" (text, "" when
// the catalog does not say) and "duration_s" (number or null).

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

struct PlaylistSong : ListedItem {
  std::string artist;  // empty when the catalog does not say
  std::string album;
  std::string genre;
  std::optional<int> duration_s;
};

struct DailyPlaylist {
  std::string user_id;
  std::string domain;
  std::int64_t generated_at_us = 0;
  bool cold_start = false;          // the user has no positive history: popular songs
  std::vector<PlaylistSong> items;  // in play order

  nlohmann::json to_json() const;
};

DailyPlaylist daily_playlist(const engine::RecommendationEngine& engine, const config::DailyPlaylistConfig& config,
                             const AutomationRequest& request);

}  // namespace mxn::automation
