#include "automation/daily_playlist.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <unordered_set>

#include "automation/catalog_fields.h"
#include "automation/engine_limits.h"
#include "automation/similarity_order.h"
#include "automation/song_similarity.h"
#include "core/error.h"
#include "core/log.h"
#include "core/time.h"
#include "engine/recommendation_engine.h"

namespace mxn::automation {

namespace {

const std::string kMusic = "music";
constexpr std::size_t kNeighbours = 50;  // engine neighbours per song, for song_similarity

struct Candidate {
  PlaylistSong song;
  SongTraits traits;
};

Candidate make_candidate(const engine::CatalogCache& catalog, const std::string& domain,
                         const engine::RecommendedItem& rec) {
  Candidate c;
  c.song.item_id = rec.item_id;
  c.song.title = rec.title;
  c.song.score = rec.score;
  c.song.reason = rec.reason;
  if (auto entry = catalog.get(domain, rec.item_id)) {
    if (c.song.title.empty()) c.song.title = entry->title;
    c.song.artist = string_field(entry->metadata, "artist").value_or("");
    c.song.album = string_field(entry->metadata, "album").value_or("");
    c.song.genre = string_field(entry->metadata, "genre").value_or(entry->tags.empty() ? "" : entry->tags.front());
    if (auto d = number_field(entry->metadata, "duration_s")) c.song.duration_s = static_cast<int>(std::lround(*d));
    c.traits.tags = entry->tags;
  }
  c.traits.genre = c.song.genre;
  return c;
}

/// Songs with any interaction in the `days` days before `now` (none when days <= 0).
std::set<std::string> recently_played(const engine::LiveIndex& live, const std::string& user_id, int days,
                                      std::int64_t now) {
  std::set<std::string> out;
  if (days <= 0) return out;
  const std::int64_t cutoff = now - static_cast<std::int64_t>(days) * kMicrosPerDay;
  for (const auto& e : live.row(user_id)) {
    if (e.last_us > cutoff) out.insert(live.item_name(e.item));
  }
  return out;
}

}  // namespace

nlohmann::json DailyPlaylist::to_json() const {
  nlohmann::json songs = nlohmann::json::array();
  for (const auto& s : items) {
    nlohmann::json j = listed_item_json(s);
    j["artist"] = s.artist;
    j["album"] = s.album;
    j["genre"] = s.genre;
    j["duration_s"] = s.duration_s ? nlohmann::json(*s.duration_s) : nlohmann::json(nullptr);
    songs.push_back(std::move(j));
  }
  nlohmann::json out = envelope_json(user_id, generated_at_us, domain, std::move(songs));
  out["cold_start"] = cold_start;
  return out;
}

DailyPlaylist daily_playlist(const engine::RecommendationEngine& engine, const config::DailyPlaylistConfig& config,
                             const AutomationRequest& request) {
  request.validate();
  MXN_CHECK(config.top_k > 0 && config.max_per_artist > 0, "daily_playlist config must be validated");
  const std::string& domain = request.domain_or(kMusic);
  const std::int64_t now = request.resolved_now_us();
  const auto top_k = static_cast<std::size_t>(config.top_k);

  DailyPlaylist out{.user_id = request.user_id, .domain = domain, .generated_at_us = now};
  engine::RecommendRequest ask{.user_id = request.user_id, .domain = domain, .filters = request.filters};
  ask.filters.exclude_items.merge(
      recently_played(engine.live(domain), request.user_id, config.exclude_played_days, now));
  ask.filters.include_consumed = true;

  // Candidates best first; the artist cap may skip many of them, so ask again for more while the engine
  // still has some.
  std::vector<Candidate> chosen;
  std::size_t want = std::min(kEngineMaxTopK, kCandidateFactor * top_k);
  for (;;) {
    ask.top_k = want;
    const engine::Recommendations recs = engine.recommend(ask);
    out.cold_start = recs.cold_start;
    chosen.clear();
    std::map<std::string, int> per_artist;
    for (const auto& rec : recs.items) {
      if (chosen.size() == top_k) break;
      Candidate c = make_candidate(engine.catalog(), domain, rec);
      if (!c.song.artist.empty() && ++per_artist[c.song.artist] > config.max_per_artist) continue;
      chosen.push_back(std::move(c));
    }
    if (chosen.size() == top_k || recs.items.size() < want || want == kEngineMaxTopK) break;
    want = std::min(kEngineMaxTopK, want * 4);
  }

  // Which chosen songs the engine considers neighbours of which.
  std::vector<std::unordered_set<std::string>> neighbours(chosen.size());
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    try {
      for (const auto& n : engine.similar_items(domain, chosen[i].song.item_id, kNeighbours)) {
        neighbours[i].insert(n.item_id);
      }
    } catch (const Error& e) {
      if (e.code() != Code::kNotFound) throw;  // a song no model and no catalog row knows: no neighbours
    }
  }
  auto similarity = [&](std::size_t a, std::size_t b) {
    const bool linked =
        neighbours[a].count(chosen[b].song.item_id) > 0 || neighbours[b].count(chosen[a].song.item_id) > 0;
    return song_similarity(chosen[a].traits, chosen[b].traits, linked);
  };
  int rank = 0;
  for (std::size_t i : order_by_similarity(chosen.size(), similarity)) {
    PlaylistSong song = std::move(chosen[i].song);
    song.rank = ++rank;
    out.items.push_back(std::move(song));
  }
  log::debug("automation.daily_playlist", "user", request.user_id, "domain", domain, "songs", out.items.size(),
             "excluded_recent", ask.filters.exclude_items.size(), "cold_start", out.cold_start);
  return out;
}

}  // namespace mxn::automation
