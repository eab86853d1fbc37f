// Filters in POST /recommendations through the real server: every item returned passes, and a list has
// top_k items whenever that many items pass that the user has not consumed (the models take their top k
// among the passing items, not a top k that is then thinned out).

#include <algorithm>
#include <cctype>
#include <functional>
#include <set>
#include <string>

#include "core/time.h"
#include "integration/api_fixture.h"

namespace mxn::api {
namespace {

class FilterTest : public ApiTest {
 protected:
  /// The items of the list, checked against `passes`, and how many it should have held.
  void expect_filtered(const json& filter, const std::function<bool(const warehouse::CatalogItem&)>& passes,
                       const json& models = json::array(), std::size_t top_k = 10) {
    json ask = {{"user_id", "user3"}, {"domain", "movies"}, {"top_k", top_k}, {"filter", filter}};
    if (!models.empty()) ask["model_types"] = models;
    const json list = post("/recommendations", ask, 200);
    std::set<std::string> consumed;
    for (const auto& x : seeded.warehouse->user_history("user3", {.domain = "movies"}))
      consumed.insert(x.item_id);
    std::size_t available = 0;
    std::map<std::string, bool> pass;
    for (const auto& item : seeded.warehouse->list_items("movies")) {
      pass[item.item_id] = passes(item);
      if (pass[item.item_id] && !consumed.contains(item.item_id)) ++available;
    }
    ASSERT_GT(available, 0u) << filter.dump() << ": the test needs items that pass";
    EXPECT_EQ(list["items"].size(), std::min(top_k, available)) << filter.dump() << " " << models.dump();
    for (const auto& x : list["items"])
      EXPECT_TRUE(pass[x["item_id"]]) << filter.dump() << ": " << x["item_id"];
  }
  static json metadata(const warehouse::CatalogItem& item) { return json::parse(item.metadata); }
  static bool tagged(const warehouse::CatalogItem& item, const std::string& tag) {
    return std::find(item.tags.begin(), item.tags.end(), tag) != item.tags.end();
  }
};

TEST_F(FilterTest, TagsAnyAndAllCaseInsensitive) {
  for (const json& models : {json::array(), json{"knn"}, json{"collab"}, json{"embedding"}}) {
    expect_filtered(
        {{"tags_any", {"drama", "COMEDY"}}},
        [](const auto& i) { return tagged(i, "Drama") || tagged(i, "Comedy"); }, models);
  }
  expect_filtered({{"tags_all", {"Drama"}}, {"tags_any", {"Comedy", "Romance", "Drama"}}},
                  [](const auto& i) { return tagged(i, "Drama"); });
}

TEST_F(FilterTest, MetadataEqualityAndRanges) {
  expect_filtered({{"metadata", {{"year", {{"gte", 1980}, {"lt", 2000}}}}}}, [](const auto& i) {
    const int year = metadata(i)["year"];
    return year >= 1980 && year < 2000;
  });
  expect_filtered({{"metadata", {{"genres", "Horror"}}}}, [](const auto& i) { return tagged(i, "Horror"); });
  std::set<std::string> consumed;
  for (const auto& x : seeded.warehouse->user_history("user3", {.domain = "movies"}))
    consumed.insert(x.item_id);
  int year = 0;  // of an item user3 has not seen
  for (const auto& item : seeded.warehouse->list_items("movies")) {
    if (!consumed.contains(item.item_id)) year = metadata(item)["year"];
  }
  expect_filtered({{"metadata", {{"year", {{"eq", year}}}}}},
                  [&](const auto& i) { return metadata(i)["year"] == year; });
}

TEST_F(FilterTest, DatesCompareAsInstants) {
  const json plan = post(
      "/recommendations",
      {{"user_id", "user1"},
       {"domain", "tasks"},
       {"top_k", 50},
       {"filter", {{"metadata", {{"due_date", {{"gte", "2020-01-01"}, {"lte", "2099-12-31T23:59Z"}}}}}}}},
      200);
  EXPECT_FALSE(plan["items"].empty());
  const std::string today = format_iso8601(now_us()).substr(0, 10);
  const json later = post("/recommendations",
                          {{"user_id", "user1"},
                           {"domain", "tasks"},
                           {"top_k", 50},
                           {"filter", {{"metadata", {{"due_date", {{"gt", today}}}}}}}},
                          200);
  for (const auto& x : later["items"]) {
    const auto item = seeded.warehouse->get_item("tasks", x["item_id"]);
    EXPECT_GT(json::parse(item->metadata)["due_date"].get<std::string>(), today);
  }
  EXPECT_LT(later["items"].size(), plan["items"].size());
}

TEST_F(FilterTest, IncludeAndExcludeIds) {
  std::set<std::string> consumed;
  for (const auto& x : seeded.warehouse->user_history("user3", {.domain = "movies"}))
    consumed.insert(x.item_id);
  json include = json::array();
  for (const auto& item : seeded.warehouse->list_items("movies")) {
    if (!consumed.contains(item.item_id) && include.size() < 6) include.push_back(item.item_id);
  }
  ASSERT_EQ(include.size(), 6u);
  const std::set<std::string> wanted(include.begin(), include.end());
  expect_filtered({{"include_ids", include}}, [&](const auto& i) { return wanted.contains(i.item_id); });
  const std::string top = post("/recommendations", {{"user_id", "user3"}, {"domain", "movies"}, {"top_k", 1}},
                               200)["items"][0]["item_id"];
  expect_filtered({{"exclude_ids", {top}}}, [&](const auto& i) { return i.item_id != top; });
}

// The engine keeps a filter's matching items between requests: a change of the catalog must show at once.
TEST_F(FilterTest, ARepeatedFilterFollowsCatalogChanges) {
  const json ask = {
      {"user_id", "user3"}, {"domain", "movies"}, {"top_k", 5}, {"filter", {{"tags_any", {"memo-tag"}}}}};
  EXPECT_TRUE(post("/recommendations", ask, 200)["items"].empty()) << "no item has the tag yet";
  const std::string top = post("/recommendations", {{"user_id", "user3"}, {"domain", "movies"}, {"top_k", 1}},
                               200)["items"][0]["item_id"];
  patch("/items/movies/" + top, {{"tags", {"memo-tag"}}}, 200);
  json list = post("/recommendations", ask, 200)["items"];
  ASSERT_EQ(list.size(), 1u) << "the item tagged since is served";
  EXPECT_EQ(list[0]["item_id"], top);
  patch("/items/movies/" + top, {{"tags", json::array()}}, 200);
  EXPECT_TRUE(post("/recommendations", ask, 200)["items"].empty()) << "and not once the tag is gone";
}

// A filter the engine keeps is brought up to date by matching the changed items again: after each change,
// it gives the same list as a filter asked for the first time (new rules, the same items: a whole scan).
TEST_F(FilterTest, AKeptFilterMatchesAFreshScanAfterEachChange) {
  const json rules = {{"tags_any", {"Drama"}}, {"metadata", {{"year", {{"gte", 1990}}}}}};
  auto list = [&](const json& filter) {
    return post("/recommendations",
                {{"user_id", "user3"}, {"domain", "movies"}, {"top_k", 1000}, {"filter", filter}},
                200)["items"];
  };
  int fresh = 0;
  auto expect_kept_equals_fresh = [&](const std::string& after) {
    json other = rules;  // a tag no item has: another key, the same items
    other["tags_any"].push_back("no-such-tag-" + std::to_string(++fresh));
    const json kept = list(rules);
    EXPECT_EQ(kept, list(other)) << "after " << after;
    return kept;
  };
  const json before = expect_kept_equals_fresh("nothing");
  ASSERT_GE(before.size(), 3u);
  const std::string first = before[0]["item_id"], second = before[1]["item_id"];
  std::string outsider;  // an item the filter does not pass, that user3 would be served without it
  for (const auto& x : list(json::object())) {
    if (!tagged(*seeded.warehouse->get_item("movies", x["item_id"]), "Drama")) outsider = x["item_id"];
  }
  ASSERT_FALSE(outsider.empty());

  patch("/items/movies/" + first, {{"tags", {"Horror"}}}, 200);
  const json dropped = expect_kept_equals_fresh("a tag removed");
  EXPECT_EQ(
      std::count_if(dropped.begin(), dropped.end(), [&](const json& x) { return x["item_id"] == first; }), 0);
  patch("/items/movies/" + second, {{"metadata", {{"year", 1950}}}}, 200);
  expect_kept_equals_fresh("a year moved out of the range");
  patch("/items/movies/" + outsider, {{"tags", {"drama"}}, {"metadata", {{"year", 2001}}}}, 200);
  const json added = expect_kept_equals_fresh("an item that now passes");
  EXPECT_EQ(
      std::count_if(added.begin(), added.end(), [&](const json& x) { return x["item_id"] == outsider; }), 1)
      << outsider << " is unseen by user3 and passes now";
  // A deleted item comes back with a new interaction, but without its catalog entry it passes no filter.
  const std::string gone = before[2]["item_id"];
  del("/items/movies/" + gone, 200);
  post("/interactions",
       {{"user_id", "user4"}, {"domain", "movies"}, {"item_id", gone}, {"interaction_type", "like"}}, 201);
  const json back = expect_kept_equals_fresh("a deletion, and the item back without its catalog entry");
  EXPECT_EQ(std::count_if(back.begin(), back.end(), [&](const json& x) { return x["item_id"] == gone; }), 0);
  post("/items",
       {{"domain", "movies"},
        {"item_id", first},
        {"title", "Back"},
        {"tags", {"Drama"}},
        {"metadata", {{"year", 1999}}}},
       200);
  post("/items", {{"domain", "music"}, {"item_id", "song_1"}, {"title", "Elsewhere"}, {"tags", {"Drama"}}},
       200);
  expect_kept_equals_fresh("a replacement and a change in another domain");
}

TEST_F(FilterTest, BadFiltersNameTheirField) {
  auto field = [&](const json& filter) {
    return post("/recommendations", {{"user_id", "user3"}, {"domain", "movies"}, {"filter", filter}},
                422)["error"]["field"];
  };
  EXPECT_EQ(field("dramas"), "filter");
  EXPECT_EQ(field({{"colour", "red"}}), "filter.colour");
  EXPECT_EQ(field({{"tags_any", "Drama"}}), "filter.tags_any");
  EXPECT_EQ(field({{"tags_all", {1}}}), "filter.tags_all[0]");
  EXPECT_EQ(field({{"metadata", {{"year", {{"between", 1}}}}}}), "filter.metadata.year.between");
  EXPECT_EQ(field({{"metadata", {{"year", {{"gt", "soon"}}}}}}), "filter.metadata.year.gt");
  EXPECT_EQ(field({{"metadata", {{"year", nullptr}}}}), "filter.metadata.year");
  EXPECT_EQ(field({{"metadata", {{"year", {{"gt", 1}, {"lt", "2020-01-01"}}}}}}), "filter.metadata.year");
  EXPECT_EQ(field({{"metadata", {{"year", {{"eq", {1, 2}}}}}}}), "filter.metadata.year.eq");
  EXPECT_EQ(field({{"include_ids", 5}}), "filter.include_ids");
}

/// `text` percent-encoded for a query string.
std::string encoded(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out += static_cast<char>(c);
    } else {
      constexpr char kHex[] = "0123456789ABCDEF";
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

TEST_F(FilterTest, AutomationListsTakeTheSameFilter) {
  const json drama = {{"tags_any", {"drama"}}};
  const json weekly = get("/automation/weekly-movies/user3?filter=" + encoded(drama.dump()));
  ASSERT_FALSE(weekly["items"].empty());
  for (const auto& x : weekly["items"]) {
    EXPECT_TRUE(tagged(*seeded.warehouse->get_item("movies", x["item_id"]), "Drama")) << x["item_id"];
  }

  const json unfiltered = get("/automation/daily-playlist/user3");
  ASSERT_FALSE(unfiltered["items"].empty());
  const auto first = seeded.warehouse->get_item("music", unfiltered["items"][0]["item_id"]);
  ASSERT_TRUE(first && !first->tags.empty());
  const json genre = {{"tags_all", {first->tags[0]}}, {"exclude_ids", {first->item_id}}};
  const json playlist = get("/automation/daily-playlist/user3?filter=" + encoded(genre.dump()));
  ASSERT_FALSE(playlist["items"].empty());
  for (const auto& x : playlist["items"]) {
    EXPECT_NE(x["item_id"], first->item_id);
    EXPECT_TRUE(tagged(*seeded.warehouse->get_item("music", x["item_id"]), first->tags[0])) << x["item_id"];
  }

  const json plan = get("/automation/task-prioritization/user1");
  ASSERT_GE(plan["items"].size(), 2u);
  const std::string top_task = plan["items"][0]["item_id"];
  const json without = {{"exclude_ids", {top_task}}};
  const json rest = get("/automation/task-prioritization/user1?filter=" + encoded(without.dump()));
  EXPECT_EQ(rest["open_tasks"].get<int>(), plan["open_tasks"].get<int>() - 1);
  for (const auto& x : rest["items"]) EXPECT_NE(x["item_id"], top_task);

  EXPECT_EQ(
      get("/automation/weekly-movies/user3?filter=" + encoded("{\"tags_any\": 3}"), 422)["error"]["field"],
      "filter.tags_any");
  EXPECT_EQ(get("/automation/weekly-movies/user3?filter=" + encoded("{nope"), 400)["error"]["field"],
            "filter");
  EXPECT_EQ(
      get("/automation/weekly-movies/user3?filter=" + encoded(std::string(40, '[')), 400)["error"]["field"],
      "filter");
}

}  // namespace
}  // namespace mxn::api
