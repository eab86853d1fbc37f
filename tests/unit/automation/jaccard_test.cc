#include "automation/jaccard.h"

#include <gtest/gtest.h>

#include "automation/song_similarity.h"

namespace mxn::automation {
namespace {

TEST(JaccardTest, SharedOverUnionOfDistinctTags) {
  EXPECT_DOUBLE_EQ(jaccard({"Drama", "Romance"}, {"Romance", "Comedy"}), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(jaccard({"Drama"}, {"Drama", "Drama"}), 1.0);
  EXPECT_DOUBLE_EQ(jaccard({"Drama"}, {"Horror"}), 0.0);
  EXPECT_DOUBLE_EQ(jaccard({}, {}), 0.0);
  EXPECT_DOUBLE_EQ(jaccard({"Drama"}, {}), 0.0);
}

TEST(SongSimilarityTest, SameGenreOutranksAnythingAcrossGenres) {
  const SongTraits rock{"rock", {"rock"}}, rock_pop{"rock", {"rock", "pop"}}, pop_rock{"pop", {"pop", "rock"}};
  const SongTraits unknown{"", {}};
  const double same_genre_least = song_similarity(rock, rock_pop, false);
  const double cross_genre_most = song_similarity(rock_pop, pop_rock, true);
  EXPECT_GT(same_genre_least, cross_genre_most);
  EXPECT_DOUBLE_EQ(song_similarity(rock, rock, true), 1.0);
  EXPECT_DOUBLE_EQ(song_similarity(unknown, unknown, false), 0.0);
  EXPECT_GT(song_similarity(rock, rock_pop, true), song_similarity(rock, rock_pop, false));
}

}  // namespace
}  // namespace mxn::automation
