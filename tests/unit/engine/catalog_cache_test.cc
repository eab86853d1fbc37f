#include "engine/catalog_cache.h"

#include <gtest/gtest.h>

#include "unit/warehouse/warehouse_test_util.h"
#include "warehouse/warehouse.h"

namespace mxn::engine {
namespace {

warehouse::CatalogItem item(const std::string& domain, const std::string& id,
                            std::vector<std::string> tags = {}) {
  return {.domain = domain, .item_id = id, .title = id, .tags = std::move(tags)};
}

/// The changed items' ids, each with whether it is still in the catalog.
std::vector<std::pair<std::string, bool>> ids(const CatalogCache::Changes& changes) {
  std::vector<std::pair<std::string, bool>> out;
  for (const auto& [id, entry] : changes.items) out.emplace_back(id, entry != nullptr);
  return out;
}

// A domain's version moves with its own changes only, and what changed since a version is each changed
// item once, as it is now.
TEST(CatalogCacheTest, EachDomainCountsItsOwnChanges) {
  CatalogCache cache;
  cache.upsert(item("movies", "m1"));
  cache.upsert(item("movies", "m2"));
  const std::uint64_t movies = cache.version("movies");
  EXPECT_EQ(movies, 2u);
  cache.upsert(item("tasks", "t1"));
  cache.erase("tasks", "t1");
  EXPECT_EQ(cache.version("movies"), movies) << "tasks changed, movies did not";
  EXPECT_EQ(cache.version("tasks"), 2u);
  cache.erase("movies", "not-there");
  EXPECT_EQ(cache.version("movies"), movies) << "erasing nothing changes nothing";

  cache.upsert(item("movies", "m1", {"Drama"}));
  cache.upsert(item("movies", "m3"));
  cache.erase("movies", "m2");
  cache.upsert(item("movies", "m1", {"Comedy"}));
  const auto changes = cache.changes_since("movies", movies);
  ASSERT_TRUE(changes);
  EXPECT_EQ(changes->version, cache.version("movies"));
  EXPECT_EQ(ids(*changes),
            (std::vector<std::pair<std::string, bool>>{{"m1", true}, {"m3", true}, {"m2", false}}));
  EXPECT_EQ(changes->items[0].second->tags, std::vector<std::string>{"Comedy"}) << "as it is now";
  EXPECT_TRUE(cache.changes_since("movies", changes->version)->items.empty());
}

TEST(CatalogCacheTest, ChangesLongAgoAreNotKnown) {
  CatalogCache cache;
  cache.upsert(item("movies", "first"));
  const std::uint64_t start = cache.version("movies");
  for (std::size_t i = 0; i < CatalogCache::kKeptChanges; ++i)
    cache.upsert(item("movies", "m" + std::to_string(i)));
  EXPECT_TRUE(cache.changes_since("movies", start)) << "exactly kKeptChanges ago";
  cache.upsert(item("movies", "one-more"));
  EXPECT_FALSE(cache.changes_since("movies", start)) << "the engine scans the catalog instead";
  EXPECT_TRUE(cache.changes_since("movies", start + 1));
  EXPECT_FALSE(cache.changes_since("movies", cache.version("movies") + 1)) << "a version not reached yet";
}

TEST(CatalogCacheTest, ALoadChangesEverything) {
  testing::TempDir dir;
  warehouse::Warehouse w(testing::warehouse_config(dir));
  w.upsert_item(item("movies", "stored"));
  CatalogCache cache;
  cache.upsert(item("movies", "m1"));
  const std::uint64_t before = cache.version("movies");
  cache.load(w, "movies");
  EXPECT_GT(cache.version("movies"), before);
  EXPECT_FALSE(cache.changes_since("movies", before)) << "any item may differ after a load";
  EXPECT_TRUE(cache.changes_since("movies", cache.version("movies"))->items.empty());
  EXPECT_TRUE(cache.get("movies", "stored"));
  EXPECT_FALSE(cache.get("movies", "m1"));
}

}  // namespace
}  // namespace mxn::engine
