#include "automation/weekly_movies.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "automation/catalog_fields.h"
#include "automation/engine_limits.h"
#include "automation/jaccard.h"
#include "automation/mmr.h"
#include "core/error.h"
#include "core/log.h"
#include "engine/recommendation_engine.h"

namespace mxn::automation {

namespace {

const std::string kMovies = "movies";
constexpr std::size_t kMinCandidates = 50;

WeeklyMovie make_movie(const engine::CatalogCache& catalog, const std::string& domain,
                       const engine::RecommendedItem& rec) {
  WeeklyMovie m;
  m.item_id = rec.item_id;
  m.title = rec.title;
  m.score = rec.score;
  m.reason = rec.reason;
  if (auto entry = catalog.get(domain, rec.item_id)) {
    if (m.title.empty()) m.title = entry->title;
    if (auto year = number_field(entry->metadata, "year")) m.year = static_cast<int>(std::lround(*year));
    m.genres = string_list_field(entry->metadata, "genres");
    if (m.genres.empty()) m.genres = entry->tags;
  }
  return m;
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

}  // namespace

nlohmann::json WeeklyMovies::to_json() const {
  nlohmann::json movies = nlohmann::json::array();
  for (const auto& m : items) {
    nlohmann::json j = listed_item_json(m);
    j["year"] = m.year ? nlohmann::json(*m.year) : nlohmann::json(nullptr);
    j["genres"] = m.genres;
    j["relevance"] = m.relevance;
    movies.push_back(std::move(j));
  }
  nlohmann::json out = envelope_json(user_id, generated_at_us, domain, std::move(movies));
  out["cold_start"] = cold_start;
  return out;
}

WeeklyMovies weekly_movies(const engine::RecommendationEngine& engine, const config::WeeklyMoviesConfig& config,
                           const AutomationRequest& request) {
  request.validate();
  MXN_CHECK(config.top_k > 0 && config.mmr_lambda >= 0 && config.mmr_lambda <= 1,
            "weekly_movies config must be validated");
  const std::string& domain = request.domain_or(kMovies);
  const auto top_k = static_cast<std::size_t>(config.top_k);
  WeeklyMovies out{.user_id = request.user_id, .domain = domain, .generated_at_us = request.resolved_now_us()};

  engine::RecommendRequest ask{.user_id = request.user_id, .domain = domain, .filters = request.filters};
  ask.top_k = std::min(kEngineMaxTopK, std::max(kMinCandidates, kCandidateFactor * top_k));
  const engine::LiveIndex& live = engine.live(domain);
  for (const auto& e : live.row(request.user_id)) ask.filters.exclude_items.insert(live.item_name(e.item));
  const engine::Recommendations recs = engine.recommend(ask);
  out.cold_start = recs.cold_start;

  std::vector<WeeklyMovie> candidates;
  candidates.reserve(recs.items.size());
  for (const auto& rec : recs.items) candidates.push_back(make_movie(engine.catalog(), domain, rec));
  if (candidates.empty()) return out;

  const auto [lo, hi] = std::minmax_element(candidates.begin(), candidates.end(),
                                            [](const auto& a, const auto& b) { return a.score < b.score; });
  const double low = lo->score, span = hi->score - lo->score;
  std::vector<double> relevance;
  relevance.reserve(candidates.size());
  for (auto& c : candidates) {
    c.relevance = span > 0 ? (c.score - low) / span : 1.0;
    relevance.push_back(c.relevance);
  }
  const auto picked = mmr_select(relevance, top_k, config.mmr_lambda, [&](std::size_t a, std::size_t b) {
    return jaccard(candidates[a].genres, candidates[b].genres);
  });

  std::set<std::string> genres_so_far;
  int rank = 0;
  for (std::size_t i : picked) {
    WeeklyMovie movie = std::move(candidates[i]);
    std::vector<std::string> fresh;
    for (const auto& g : movie.genres) {
      if (!genres_so_far.count(g) && std::find(fresh.begin(), fresh.end(), g) == fresh.end()) fresh.push_back(g);
    }
    // Candidates are best first, so an index at or past top_k is one that relevance alone would have left out.
    if (i >= top_k && !fresh.empty()) movie.reason += "; adds " + join(fresh) + " to the week";
    genres_so_far.insert(movie.genres.begin(), movie.genres.end());
    movie.rank = ++rank;
    out.items.push_back(std::move(movie));
  }
  log::debug("automation.weekly_movies", "user", request.user_id, "domain", domain, "movies", out.items.size(),
             "candidates", candidates.size(), "cold_start", out.cold_start);
  return out;
}

}  // namespace mxn::automation
