#include "engine/catalog_filter.h"

#include <gtest/gtest.h>

namespace mxn::engine {
namespace {

CatalogEntry movie(std::vector<std::string> tags, nlohmann::json metadata) {
  return {.item_id = "m", .title = "M", .tags = std::move(tags), .metadata = std::move(metadata)};
}

TEST(CatalogFilterTest, TagsWithoutCaseAndMetadataRanges) {
  const CatalogFilter f{.tags_any = {"drama", "COMEDY"},
                        .metadata = {{.key = "year", .gte = 1980, .lt = 2000}}};
  EXPECT_TRUE(f.matches(movie({"Drama"}, {{"year", 1990}})));
  EXPECT_FALSE(f.matches(movie({"Horror"}, {{"year", 1990}})));
  EXPECT_FALSE(f.matches(movie({"Comedy"}, {{"year", 2000}})));
  EXPECT_FALSE(f.matches(movie({"Comedy"}, nlohmann::json::object()))) << "no year: does not pass";
}

// The engine keeps each filter's matching items under key(): equal rules, equal keys; any difference, a
// different key (else one filter would be served another's items).
TEST(CatalogFilterTest, KeysAreEqualExactlyForEqualRules) {
  const CatalogFilter a{.tags_any = {"Drama"}, .metadata = {{.key = "year", .gte = 1980}}};
  EXPECT_EQ(a.key(),
            (CatalogFilter{.tags_any = {"Drama"}, .metadata = {{.key = "year", .gte = 1980}}}).key());
  for (const CatalogFilter& other : {
           CatalogFilter{.tags_all = {"Drama"}, .metadata = {{.key = "year", .gte = 1980}}},
           CatalogFilter{.tags_any = {"Drama"}, .metadata = {{.key = "year", .gt = 1980}}},
           CatalogFilter{.tags_any = {"Drama"}, .metadata = {{.key = "year", .gte = 1980.5}}},
           CatalogFilter{.tags_any = {"Drama"}, .metadata = {{.key = "released", .gte = 1980}}},
           CatalogFilter{.tags_any = {"Drama"}, .metadata = {{.key = "year", .gte = 1980, .dates = true}}},
           CatalogFilter{.tags_any = {"Drama"}, .metadata = {{.key = "year", .equals = 1980}}},
           CatalogFilter{.tags_any = {"Drama", "Comedy"}, .metadata = {{.key = "year", .gte = 1980}}},
       }) {
    EXPECT_NE(a.key(), other.key()) << other.key();
  }
}

}  // namespace
}  // namespace mxn::engine
