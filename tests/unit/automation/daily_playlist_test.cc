#include "automation/daily_playlist.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>

#include "core/time.h"
#include "trained_engine.h"

namespace mxn::automation {
namespace {

data::SeedOptions music_seed() {
  data::SeedOptions o;
  o.users = 50;
  o.items = 150;
  o.interactions = 6000;
  o.domains = {"music"};
  return o;
}

class DailyPlaylistTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { env = std::make_unique<testing::TrainedEngine>(music_seed()); }
  static void TearDownTestSuite() { env.reset(); }

  DailyPlaylist playlist(const std::string& user, config::DailyPlaylistConfig c = {}) const {
    return daily_playlist(env->engine, c, {.user_id = user, .now_us = now});
  }

  static inline std::unique_ptr<testing::TrainedEngine> env;
  const std::int64_t now = mxn::now_us();
};

TEST_F(DailyPlaylistTest, HasTopKDistinctSongsRankedWithTheirArtistAlbumAndGenre) {
  const auto list = playlist("user1");
  EXPECT_EQ(list.user_id, "user1");
  EXPECT_EQ(list.domain, "music");
  EXPECT_FALSE(list.cold_start);
  ASSERT_EQ(list.items.size(), 20u);
  std::set<std::string> ids;
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    const auto& s = list.items[i];
    EXPECT_EQ(s.rank, static_cast<int>(i + 1));
    EXPECT_TRUE(ids.insert(s.item_id).second) << s.item_id << " twice";
    EXPECT_FALSE(s.title.empty());
    EXPECT_FALSE(s.artist.empty());
    EXPECT_FALSE(s.album.empty());
    EXPECT_FALSE(s.genre.empty());
    EXPECT_FALSE(s.reason.empty());
    EXPECT_TRUE(s.duration_s.has_value());
  }
  config::DailyPlaylistConfig small;
  small.top_k = 5;
  EXPECT_EQ(playlist("user1", small).items.size(), 5u);
}

TEST_F(DailyPlaylistTest, NoArtistExceedsTheCap) {
  config::DailyPlaylistConfig one;
  one.max_per_artist = 1;
  std::map<std::string, int> per_artist;
  const auto list = playlist("user2", one);
  EXPECT_EQ(list.items.size(), 20u);
  for (const auto& s : list.items) EXPECT_EQ(++per_artist[s.artist], 1) << s.artist;
}

TEST_F(DailyPlaylistTest, TheCapHoldsWhenOneArtistDominatesTheCandidates) {
  // Credit every song of an uncapped playlist to one artist: the capped playlist keeps two of them and fills
  // the rest from further candidates. The catalog entries are put back afterwards.
  config::DailyPlaylistConfig uncapped;
  uncapped.max_per_artist = 1000;
  const auto before = playlist("user4", uncapped);
  ASSERT_EQ(before.items.size(), 20u);
  std::vector<warehouse::CatalogItem> originals;
  for (const auto& s : before.items) {
    auto entry = env->engine.catalog().get("music", s.item_id);
    ASSERT_NE(entry, nullptr);
    warehouse::CatalogItem item{.domain = "music", .item_id = s.item_id, .title = entry->title,
                                .tags = entry->tags, .metadata = entry->metadata.dump()};
    originals.push_back(item);
    auto meta = entry->metadata;
    meta["artist"] = "The Only Band";
    item.metadata = meta.dump();
    env->engine.observe_item(item);
  }
  config::DailyPlaylistConfig capped;
  capped.max_per_artist = 2;
  const auto after = playlist("user4", capped);
  for (const auto& item : originals) env->engine.observe_item(item);

  EXPECT_EQ(after.items.size(), 20u);
  int only_band = 0;
  for (const auto& s : after.items) only_band += s.artist == "The Only Band";
  EXPECT_EQ(only_band, 2);
}

TEST_F(DailyPlaylistTest, LeavesOutSongsPlayedInTheLastDaysButOlderPlaysMayReturn) {
  const std::string user = "user3";
  const auto first = playlist(user);
  ASSERT_FALSE(first.items.empty());
  const std::string played = first.items[0].item_id;
  env->observe(user, "music", played, "play", 1.0, now - 2 * kMicrosPerDay);
  const auto second = playlist(user);
  EXPECT_EQ(second.items.size(), 20u);
  for (const auto& s : second.items) EXPECT_NE(s.item_id, played);

  // Nothing in the list was touched in the last 7 days; some of it was played before that.
  const auto& live = env->engine.live("music");
  std::map<std::string, std::int64_t> last_played;
  for (const auto& e : live.row(user)) last_played[live.item_name(e.item)] = e.last_us;
  std::size_t older_plays = 0;
  for (const auto& s : second.items) {
    auto it = last_played.find(s.item_id);
    if (it == last_played.end()) continue;
    EXPECT_LE(it->second, now - 7 * kMicrosPerDay) << s.item_id << " was played recently";
    ++older_plays;
  }
  EXPECT_GT(older_plays, 0u);

  // With a zero-day window the fresh play no longer keeps the song out.
  config::DailyPlaylistConfig no_window;
  no_window.exclude_played_days = 0;
  std::set<std::string> ids;
  for (const auto& s : playlist(user, no_window).items) ids.insert(s.item_id);
  EXPECT_TRUE(ids.count(played));
}

TEST_F(DailyPlaylistTest, OpensWithTheBestSongAndPlaysEachGenreAsOneRun) {
  for (const std::string user : {"user1", "user5", "user6", "someone-new"}) {
    const auto list = playlist(user);
    ASSERT_FALSE(list.items.empty());
    double best = 0;
    for (const auto& s : list.items) best = std::max(best, s.score);
    EXPECT_DOUBLE_EQ(list.items[0].score, best) << user;
    // Neighbours share the genre wherever they can: the number of genre changes is the least possible.
    std::set<std::string> genres;
    std::size_t changes = 0;
    for (std::size_t i = 0; i < list.items.size(); ++i) {
      genres.insert(list.items[i].genre);
      if (i > 0 && list.items[i].genre != list.items[i - 1].genre) ++changes;
    }
    EXPECT_EQ(changes, genres.size() - 1) << user;
    EXPECT_GT(genres.size(), 1u) << user << ": the ordering property is not exercised";
  }
}

TEST_F(DailyPlaylistTest, UnknownUsersGetPopularSongsAndBadInputNamesTheField) {
  const auto list = playlist("someone-new");
  EXPECT_TRUE(list.cold_start);
  EXPECT_EQ(list.items.size(), 20u);
  try {
    playlist("");
    FAIL() << "no error for an empty user id";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kInvalidArgument);
    EXPECT_EQ(e.field(), "user_id");
  }
  try {
    daily_playlist(env->engine, {}, {.user_id = "user1", .domain = "books", .now_us = now});
    FAIL() << "no error for an unknown domain";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kNotFound);
    EXPECT_EQ(e.field(), "domain");
  }
}

TEST_F(DailyPlaylistTest, JsonCanBeForwardedAsItIs) {
  const auto list = playlist("user1");
  const auto j = list.to_json();
  EXPECT_EQ(j.at("user_id"), "user1");
  EXPECT_EQ(j.at("domain"), "music");
  EXPECT_EQ(j.at("generated_at"), format_iso8601(now));
  EXPECT_EQ(parse_iso8601(j.at("generated_at").get<std::string>()), now);
  EXPECT_EQ(j.at("count"), list.items.size());
  EXPECT_EQ(j.at("cold_start"), false);
  ASSERT_TRUE(j.at("items").is_array());
  ASSERT_EQ(j.at("items").size(), list.items.size());
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    const auto& item = j.at("items")[i];
    for (const char* key : {"item_id", "title", "rank", "score", "reason", "artist", "album", "genre", "duration_s"}) {
      EXPECT_TRUE(item.contains(key)) << key;
    }
    EXPECT_EQ(item.at("item_id"), list.items[i].item_id);
    EXPECT_EQ(item.at("rank"), i + 1);
  }
}

}  // namespace
}  // namespace mxn::automation
