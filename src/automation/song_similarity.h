#pragma once
// How alike two songs are, for ordering a playlist so that neighbouring songs flow (similarity_order.h):
//
//   similarity = 0.6 * [same genre]                       (metadata "genre"; unknown genres never match)
//              + 0.2 * Jaccard(tags a, tags b)            (the catalog tags: main and second genre)
//              + 0.2 * [engine neighbours]                (either song is among the other's
//                                                          RecommendationEngine::similar_items)
//
// In [0, 1]. Any same-genre pair (>= 0.6) outranks any cross-genre pair (<= 0.4), so the greedy order plays
// each genre as one run; within a genre, shared tags and the models' item-item neighbours decide.

#include <string>
#include <vector>

namespace mxn::automation {

inline constexpr double kSameGenreWeight = 0.6;
inline constexpr double kTagOverlapWeight = 0.2;
inline constexpr double kEngineNeighbourWeight = 0.2;

struct SongTraits {
  std::string genre;              // empty when unknown
  std::vector<std::string> tags;
};

double song_similarity(const SongTraits& a, const SongTraits& b, bool engine_neighbours);

}  // namespace mxn::automation
