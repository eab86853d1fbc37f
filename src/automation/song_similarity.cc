#include "automation/song_similarity.h"

#include "automation/jaccard.h"

namespace mxn::automation {

double song_similarity(const SongTraits& a, const SongTraits& b, bool engine_neighbours) {
  const bool same_genre = !a.genre.empty() && a.genre == b.genre;
  return (same_genre ? kSameGenreWeight : 0.0) + kTagOverlapWeight * jaccard(a.tags, b.tags) +
         (engine_neighbours ? kEngineNeighbourWeight : 0.0);
}

}  // namespace mxn::automation
