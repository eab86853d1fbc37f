#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/time.h"
#include "unit/warehouse/warehouse_test_util.h"
#include "warehouse/warehouse.h"

namespace mxn::warehouse {
namespace {

using testing::interaction;
using testing::numbered;
using testing::scalar;
using testing::TempDir;
using testing::warehouse_config;

constexpr std::int64_t kT0 = 1'700'000'000'000'000;

CsvImportOptions import_options() {
  CsvImportOptions o;
  o.type_weights = {{"view", 1.0}, {"like", 4.0}, {"rating", 0.0}, {"skip", -1.0}};
  o.domains = {{"movies", {}}, {"music", {}}};
  return o;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

class WarehouseIngestTest : public ::testing::Test {
 protected:
  TempDir dir_;
  Warehouse w_{warehouse_config(dir_)};
};

TEST_F(WarehouseIngestTest, AppendAssignsConsecutiveIdsAndCreatesUsersAndItemsOnFirstSight) {
  std::vector<InteractionRecord> rows = {interaction("ann", "movies", "m1", "view", 1.0, kT0),
                                         interaction("ann", "movies", "m2", "like", 4.0, kT0 + 10),
                                         interaction("bob", "music", "m1", "play", 1.0, kT0 + 5)};
  w_.append_interactions(rows);
  EXPECT_EQ(rows[0].id, 1);
  EXPECT_EQ(rows[1].id, 2);
  EXPECT_EQ(rows[2].id, 3);
  EXPECT_EQ(scalar(w_, "SELECT count(*) FROM user_interactions"), 3);
  EXPECT_EQ(scalar(w_, "SELECT count(*) FROM users"), 2);
  EXPECT_EQ(scalar(w_, "SELECT count(*) FROM items_catalog"), 3);  // (movies,m1) (movies,m2) (music,m1)
  auto ann = w_.get_user("ann");
  ASSERT_TRUE(ann.has_value());
  EXPECT_EQ(ann->first_seen_us, kT0);
  EXPECT_EQ(ann->last_seen_us, kT0 + 10);
  auto item = w_.get_item("music", "m1");
  ASSERT_TRUE(item.has_value());
  EXPECT_EQ(item->title, "");
  EXPECT_EQ(item->description, "");
  EXPECT_FALSE(item->embedding.has_value());

  constexpr std::int64_t kMinute = 60'000'000;
  std::vector<InteractionRecord> more = {interaction("ann", "movies", "m1", "view", 1.0, kT0 - 2 * kMinute),
                                         interaction("ann", "movies", "m3", "view", 1.0, kT0 + 5 * kMinute)};
  w_.append_interactions(more);
  EXPECT_EQ(more[0].id, 4);
  ann = w_.get_user("ann");
  EXPECT_EQ(ann->first_seen_us, kT0 - 2 * kMinute);
  EXPECT_EQ(ann->last_seen_us, kT0 + 5 * kMinute);
  EXPECT_EQ(scalar(w_, "SELECT count(*) FROM users"), 2);
  EXPECT_EQ(scalar(w_, "SELECT count(*) FROM items_catalog"), 4);
}

TEST_F(WarehouseIngestTest, SeenSpanMovesOnlyBeyondItsResolution) {
  std::vector<InteractionRecord> first = {interaction("ann", "movies", "m1", "view", 1.0, kT0)};
  w_.append_interactions(first);
  const std::int64_t within = Warehouse::kSeenResolutionUs / 2;
  std::vector<InteractionRecord> close = {interaction("ann", "movies", "m1", "view", 1.0, kT0 + within)};
  w_.append_interactions(close);
  EXPECT_EQ(w_.get_user("ann")->last_seen_us, kT0);  // not rewritten for a move within the resolution
  std::vector<InteractionRecord> far = {
      interaction("ann", "movies", "m1", "view", 1.0, kT0 + Warehouse::kSeenResolutionUs + 1)};
  w_.append_interactions(far);
  EXPECT_EQ(w_.get_user("ann")->last_seen_us, kT0 + Warehouse::kSeenResolutionUs + 1);
  EXPECT_EQ(w_.get_user("ann")->first_seen_us, kT0);
}

TEST_F(WarehouseIngestTest, FirstSightKnowsRowsWrittenBeforeThisProcess) {
  TempDir other;
  const auto config = warehouse_config(other);
  {
    Warehouse first(config);
    std::vector<InteractionRecord> rows = {interaction("ann", "movies", "m1", "view", 1.0, kT0)};
    first.append_interactions(rows);
    CatalogItem item;
    item.domain = "movies";
    item.item_id = "m2";
    item.title = "Upserted";
    first.upsert_item(item);
  }
  Warehouse reopened(config);  // a new process would start the same way: mirror loaded from the tables
  std::vector<InteractionRecord> rows = {interaction("ann", "movies", "m1", "view", 1.0, kT0 + 1),
                                         interaction("ann", "movies", "m2", "view", 1.0, kT0 + 2),
                                         interaction("bob", "movies", "m3", "view", 1.0, kT0 + 3)};
  reopened.append_interactions(rows);  // no duplicate-key error for ann, m1 or m2
  EXPECT_EQ(scalar(reopened, "SELECT count(*) FROM users"), 2);
  EXPECT_EQ(scalar(reopened, "SELECT count(*) FROM items_catalog"), 3);
  EXPECT_EQ(reopened.get_item("movies", "m2")->title, "Upserted");
}

TEST_F(WarehouseIngestTest, WritesAfterAnImportKnowItsUsersAndItems) {
  const std::string csv = dir_.file("i.csv");
  {
    std::ofstream out(csv);
    out << "user_id,domain,item_id,interaction_type\nann,movies,m1,view\n";
  }
  std::vector<InteractionRecord> before = {interaction("zed", "movies", "m0", "view", 1.0, kT0)};
  w_.append_interactions(before);  // the mirror is loaded now
  CsvImportOptions options;
  options.type_weights = {{"view", 1.0}};
  options.domains = {{"movies", {}}};
  w_.import_interactions_csv(csv, options);
  std::vector<InteractionRecord> rows = {interaction("ann", "movies", "m1", "view", 1.0, kT0)};
  w_.append_interactions(rows);
  EXPECT_EQ(scalar(w_, "SELECT count(*) FROM users"), 2);
  EXPECT_EQ(scalar(w_, "SELECT count(*) FROM items_catalog"), 2);
}

TEST(WarehouseDeletionTest, InteractionIdsAreNeverReusedAfterADeletionAndARestart) {
  TempDir dir;
  const auto config = warehouse_config(dir);
  {
    Warehouse first(config);
    std::vector<InteractionRecord> rows = {interaction("ann", "movies", "m1", "view", 1.0, kT0),
                                           interaction("bob", "movies", "m2", "view", 1.0, kT0),
                                           interaction("cat", "movies", "m3", "view", 1.0, kT0)};
    first.append_interactions(rows);
    ASSERT_EQ(rows[2].id, 3);
    EXPECT_EQ(first.delete_interaction(3)->user_id, "cat");
    EXPECT_FALSE(first.delete_interaction(3));
    EXPECT_EQ(first.delete_user("bob").interactions, 1);  // id 2
  }
  Warehouse reopened(config);  // ids restart from the table: max(id) is 1 now
  std::vector<InteractionRecord> rows = {interaction("dan", "movies", "m1", "view", 1.0, kT0 + 1)};
  reopened.append_interactions(rows);
  EXPECT_EQ(rows[0].id, 4) << "ids 2 and 3 named interactions that were deleted";
  EXPECT_EQ(reopened.delete_item("movies", "m1"), 2);  // ann's and dan's
  EXPECT_EQ(reopened.deleted_items("movies"), std::vector<std::string>{"m1"});
  EXPECT_FALSE(reopened.delete_item("movies", "never-there"));
}

TEST_F(WarehouseIngestTest, FailedAppendWritesNothingAndResetsIds) {
  std::vector<InteractionRecord> ok = {interaction("ann", "movies", "m1", "view", 1.0, kT0)};
  w_.append_interactions(ok);
  {
    auto c = w_.connections().acquire();
    // The catalog append, the last step of the transaction, will no longer match its table.
    c->execute("ALTER TABLE items_catalog ADD COLUMN extra INTEGER");
  }
  std::vector<InteractionRecord> rows = {interaction("bob", "movies", "m2", "view", 1.0, kT0)};
  EXPECT_THROW(w_.append_interactions(rows), Error);
  EXPECT_EQ(rows[0].id, 0);
  EXPECT_EQ(scalar(w_, "SELECT count(*) FROM user_interactions"), 1);
  EXPECT_EQ(scalar(w_, "SELECT count(*) FROM users"), 1);
  EXPECT_EQ(scalar(w_, "SELECT count(*) FROM items_catalog"), 1);
}

TEST_F(WarehouseIngestTest, FirstSightNeverOverwritesACatalogRow) {
  CatalogItem item;
  item.domain = "movies";
  item.item_id = "m1";
  item.title = "Heat";
  w_.upsert_item(item);
  std::vector<InteractionRecord> rows = {interaction("ann", "movies", "m1", "view", 1.0, kT0)};
  w_.append_interactions(rows);
  EXPECT_EQ(w_.get_item("movies", "m1")->title, "Heat");
}

TEST_F(WarehouseIngestTest, IdsContinueAfterReopening) {
  {
    std::vector<InteractionRecord> rows = {interaction("a", "movies", "m1", "view", 1.0, kT0),
                                           interaction("a", "movies", "m2", "view", 1.0, kT0)};
    w_.append_interactions(rows);
  }
  TempDir other;
  auto config = warehouse_config(other);
  {
    Warehouse first(config);
    std::vector<InteractionRecord> rows(3, interaction("a", "movies", "m1", "view", 1.0, kT0));
    first.append_interactions(rows);
    EXPECT_EQ(rows[2].id, 3);
  }
  Warehouse reopened(config);
  std::vector<InteractionRecord> rows = {interaction("b", "movies", "m1", "view", 1.0, kT0)};
  reopened.append_interactions(rows);
  EXPECT_EQ(rows[0].id, 4);
}

TEST_F(WarehouseIngestTest, AppendOfManyRowsSpansChunksAndKeepsEveryValue) {
  std::vector<InteractionRecord> rows;
  for (int i = 0; i < 10000; ++i) {
    rows.push_back(interaction(numbered("user-", i % 300), "movies", numbered("a-rather-long-item-id-", i % 700),
                               i % 2 ? "view" : "rating", i % 2 ? 1.0 : 0.5, kT0 + i,
                               i % 2 ? std::nullopt : std::optional<double>(3.5)));
  }
  w_.append_interactions(rows);
  EXPECT_EQ(rows.back().id, 10000);
  EXPECT_EQ(scalar(w_, "SELECT count(*) FROM user_interactions"), 10000);
  EXPECT_EQ(scalar(w_, "SELECT count(*) FROM user_interactions WHERE rating IS NULL"), 5000);
  EXPECT_EQ(scalar(w_, "SELECT count(DISTINCT id) FROM user_interactions"), 10000);
  EXPECT_EQ(scalar(w_, "SELECT CAST(sum(weight) * 10 AS BIGINT) FROM user_interactions"), 75000);
  EXPECT_EQ(scalar(w_, "SELECT count(*) FROM users"), 300);
  EXPECT_EQ(scalar(w_, "SELECT count(*) FROM items_catalog"), 700);
}

TEST_F(WarehouseIngestTest, ImportLoadsACsvComputingWeightsAndTimes) {
  const std::string csv = dir_.file("in.csv");
  write_file(csv,
             "user_id,domain,item_id,interaction_type,rating,timestamp,metadata\n"
             "ann,movies,m1,view,,2024-05-01T12:30:00Z,\n"
             "ann,movies,m2,rating,4.5,2024-05-01T14:30:00+02:00,\"{\"\"device\"\":\"\"tv\"\"}\"\n"
             "bob,music,s1,skip,,1714566600,\n"
             "bob,music,s2,like,,2024-05-01 12:30:00,\n"
             "cy,movies,\"m,3\",like,,,\n");
  std::vector<InteractionRecord> before = {interaction("zed", "movies", "m0", "view", 1.0, kT0)};
  w_.append_interactions(before);

  const auto started = now_us();
  EXPECT_EQ(w_.import_interactions_csv(csv, import_options()), 5);
  auto ann = w_.user_history("ann", {.domain = "movies", .limit = 10});
  ASSERT_EQ(ann.size(), 2u);
  const std::int64_t t = parse_iso8601("2024-05-01T12:30:00Z");
  EXPECT_EQ(ann[0].item_id, "m2");
  EXPECT_EQ(ann[0].timestamp_us, t);  // 14:30 at +02:00
  EXPECT_DOUBLE_EQ(ann[0].weight, 1.5);
  EXPECT_EQ(ann[0].rating, 4.5);
  EXPECT_EQ(ann[0].metadata, R"({"device":"tv"})");
  EXPECT_EQ(ann[1].timestamp_us, t);
  EXPECT_DOUBLE_EQ(ann[1].weight, 1.0);
  EXPECT_EQ(ann[1].metadata, "");
  auto bob = w_.user_history("bob", {.limit = 10});
  ASSERT_EQ(bob.size(), 2u);
  EXPECT_EQ(bob[0].timestamp_us, t);
  EXPECT_EQ(bob[1].timestamp_us, t);
  EXPECT_DOUBLE_EQ(bob[1].weight, -1.0);
  auto cy = w_.user_history("cy", {.limit = 10});
  ASSERT_EQ(cy.size(), 1u);
  EXPECT_EQ(cy[0].item_id, "m,3");
  EXPECT_GE(cy[0].timestamp_us, started);  // no timestamp: now

  EXPECT_EQ(scalar(w_, "SELECT min(id) FROM user_interactions WHERE user_id <> 'zed'"), before[0].id + 1);
  EXPECT_EQ(scalar(w_, "SELECT max(id) FROM user_interactions"), before[0].id + 5);
  EXPECT_EQ(w_.get_user("ann")->first_seen_us, t);
  EXPECT_TRUE(w_.get_item("movies", "m,3").has_value());
  EXPECT_TRUE(w_.get_item("music", "s2").has_value());

  // The id counter moved past the import.
  std::vector<InteractionRecord> after = {interaction("zed", "movies", "m0", "view", 1.0, kT0)};
  w_.append_interactions(after);
  EXPECT_EQ(after[0].id, before[0].id + 6);
}

TEST_F(WarehouseIngestTest, ImportWithOnlyRequiredColumnsAndAQuoteInThePath) {
  std::filesystem::create_directory(dir_.path() / "it's here");
  const std::string csv = (dir_.path() / "it's here" / "x.csv").string();
  write_file(csv, "interaction_type,item_id,domain,user_id\nlike,m1,movies,ann\n");
  EXPECT_EQ(w_.import_interactions_csv(csv, import_options()), 1);
  auto h = w_.user_history("ann", {.domain = "movies", .limit = 1});
  ASSERT_EQ(h.size(), 1u);
  EXPECT_DOUBLE_EQ(h[0].weight, 4.0);
}

void expect_import_error(Warehouse& w, const std::string& csv, const std::string& fragment) {
  try {
    w.import_interactions_csv(csv, import_options());
    FAIL() << "imported " << csv;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
  EXPECT_EQ(scalar(w, "SELECT count(*) FROM user_interactions"), 0) << "a failed import wrote rows";
  EXPECT_EQ(scalar(w, "SELECT count(*) FROM users"), 0);
}

TEST_F(WarehouseIngestTest, ImportRejectsTheWholeFileOnABadRow) {
  const std::string header = "user_id,domain,item_id,interaction_type,rating,timestamp\n";
  const std::string good = "ann,movies,m1,view,,2024-01-01T00:00:00Z\n";
  const std::string csv = dir_.file("bad.csv");
  write_file(csv, header + good + "bob,movies,m2,teleport,,2024-01-01T00:00:00Z\n");
  expect_import_error(w_, csv, "line 3: interaction_type \"teleport\" is unknown");
  write_file(csv, header + good + "bob,books,m2,view,,\n");
  expect_import_error(w_, csv, "line 3: domain \"books\" is unknown or disabled");
  write_file(csv, header + good + "bob,movies,m2,rating,,\n");
  expect_import_error(w_, csv, "rating is required");
  write_file(csv, header + good + "bob,movies,m2,rating,9,\n");
  expect_import_error(w_, csv, "line 3: rating 9.0 is outside [0.5, 5.0]");
  write_file(csv, header + good + "bob,movies,m2,view,,yesterday\n");
  expect_import_error(w_, csv, "timestamp \"yesterday\" is neither ISO-8601 nor epoch seconds");
  write_file(csv, header + good + "bob,movies,m2,view,,2999-01-01T00:00:00Z\n");
  expect_import_error(w_, csv, "more than a day in the future");
  write_file(csv, header + good + ",movies,m2,view,,\n");
  expect_import_error(w_, csv, "line 3: user_id must be 1 to 256 bytes");
  write_file(csv, header + ",movies,m2,view,,\n" + good + "bob,movies,m2,rating,,\n");
  expect_import_error(w_, csv, "line 2: user_id must be 1 to 256 bytes; line 4: rating is required");
  write_file(csv, header + good + "bob,movies,m2,view,lots,\n");
  expect_import_error(w_, csv, "rating");
  write_file(csv, "user_id,domain,item_id,interaction_type,metadata\nbob,movies,m2,view,[1]\n");
  expect_import_error(w_, csv, "metadata must be a JSON object");
}

TEST_F(WarehouseIngestTest, EachDistinctProblemIsReportedOnceWithItsRowsLinesAndTheKnownValues) {
  std::string text = "user_id,domain,item_id,interaction_type\n";
  for (int i = 0; i < 25; ++i) text += "u" + std::to_string(i) + ",movies,m1,wink\n";
  text += "bob,books,m1,view\n";
  const std::string csv = dir_.file("many.csv");
  write_file(csv, text);
  try {
    w_.import_interactions_csv(csv, import_options());
    FAIL();
  } catch (const Error& e) {
    ASSERT_EQ(e.problems().size(), 2u) << e.what();
    EXPECT_EQ(e.problems()[0].field, "25 rows, lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, ...");
    EXPECT_THAT(e.problems()[0].message,
                ::testing::StartsWith("interaction_type \"wink\" is unknown (known: "));
    EXPECT_THAT(e.problems()[0].message, ::testing::HasSubstr("view"));
    EXPECT_EQ(e.problems()[1].field, "line 27");
    EXPECT_THAT(e.problems()[1].message, ::testing::HasSubstr("(known: movies"));
  }
  CsvImportOptions few = import_options();
  few.max_reported_rows = 1;
  try {
    w_.import_interactions_csv(csv, few);
    FAIL();
  } catch (const Error& e) {
    ASSERT_EQ(e.problems().size(), 2u);
    EXPECT_EQ(e.problems()[1].message,
              "1 more bad rows with other problems (26 in all); nothing was imported");
  }
}

TEST_F(WarehouseIngestTest, ATabSeparatedFileWithoutHeaderIsReadByColumnPosition) {
  const std::string data = dir_.file("u.data");  // MovieLens 100K: user item rating timestamp, tab-separated
  write_file(data, "196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t377\t1\t878887116\n");
  CsvImportOptions o = import_options();
  o.format.delimiter = '\t';
  o.format.header = false;
  o.fixed_domain = "movies";
  o.fixed_type = "rating";
  o.user_col = "1";
  o.item_col = "2";
  o.rating_col = "3";
  o.time_col = "4";
  o.metadata_col = "";
  ASSERT_EQ(w_.import_interactions_csv(data, o), 3);
  auto h = w_.user_history("196", {.domain = "movies", .limit = 1});
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].item_id, "242");
  EXPECT_EQ(h[0].rating, 3.0);
  EXPECT_EQ(h[0].timestamp_us, 881250949LL * 1000000);
  write_file(data, "196\t242\t3\t881250949\n186\t302\t9\t891717742\n");
  EXPECT_THROW(w_.import_interactions_csv(data, import_options()), Error)
      << "by default columns are named by header";
  o.item_col = "7";
  try {
    w_.import_interactions_csv(data, o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("lacks column(s) 7 (it has: columns 1 to 4, no header)"));
  }
  o.item_col = "2";
  try {
    w_.import_interactions_csv(data, o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("line 2: rating 9.0 is outside")) << "lines count from 1";
  }
}

TEST_F(WarehouseIngestTest, ImportedCountsMultiplyTheTypesWeightAndAreChecked) {
  CsvImportOptions o = import_options();
  o.count_col = "plays";
  const std::string csv = dir_.file("plays.csv");
  write_file(csv, "user_id,domain,item_id,interaction_type,plays\nann,music,s1,view,12\nann,music,s2,skip,3\n"
                  "ann,music,s3,view,\n");
  ASSERT_EQ(w_.import_interactions_csv(csv, o), 3);
  EXPECT_EQ(scalar(w_, "SELECT CAST(sum(weight) AS BIGINT) FROM user_interactions WHERE item_id = 's1'"), 12);
  EXPECT_EQ(scalar(w_, "SELECT CAST(sum(weight) AS BIGINT) FROM user_interactions WHERE item_id = 's2'"), -3);
  EXPECT_EQ(scalar(w_, "SELECT CAST(sum(weight) AS BIGINT) FROM user_interactions WHERE item_id = 's3'"), 1);
  for (const auto& [row, fragment] : std::vector<std::pair<std::string, std::string>>{
           {"bob,music,s1,view,0", "line 2: count 0.0 must be > 0"},
           {"bob,music,s1,view,many", "line 2: count \"many\" is not a number"},
           {"bob,music,s1,rating,2", "line 2: rating is required"}}) {
    write_file(csv, "user_id,domain,item_id,interaction_type,plays\n" + row + "\n");
    try {
      w_.import_interactions_csv(csv, o);
      FAIL() << "imported " << row;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  }
  write_file(csv, "user_id,domain,item_id,interaction_type,rating,plays\nbob,movies,m1,rating,4,2\n");
  try {
    w_.import_interactions_csv(csv, o);
    FAIL() << "imported a rating with a count";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("a rating takes no count"), std::string::npos) << e.what();
  }
  o.count_col = "listens";
  EXPECT_THROW(w_.import_interactions_csv(csv, o), Error) << "a named count column the file lacks";
}

TEST_F(WarehouseIngestTest, RatingsAreCheckedAgainstTheirDomainsScale) {
  CsvImportOptions o = import_options();
  o.domains.at("movies") = {.min = 0, .max = 10, .neutral = 6};
  const std::string csv = dir_.file("r.csv");
  write_file(csv, "user_id,domain,item_id,interaction_type,rating\nann,movies,m1,rating,9\n");
  ASSERT_EQ(w_.import_interactions_csv(csv, o), 1);
  EXPECT_EQ(scalar(w_, "SELECT CAST(weight AS BIGINT) FROM user_interactions"), 3);  // 9 - neutral 6
  write_file(csv, "user_id,domain,item_id,interaction_type,rating\nann,music,s1,rating,9\n");
  EXPECT_THROW(w_.import_interactions_csv(csv, o), Error) << "music keeps the default 0.5 to 5";
}

TEST_F(WarehouseIngestTest, ImportRestoresTheSessionSettingsOfItsPooledConnection) {
  // The import turns preserve_insertion_order off for its own statements only; whoever gets the connection
  // next (here: scalar(), single-threaded, so the same connection) sees the default again.
  const std::string order = "SELECT CAST(current_setting('preserve_insertion_order') AS BIGINT)";
  const std::string csv = dir_.file("s.csv");
  write_file(csv, "user_id,domain,item_id,interaction_type\nann,movies,m1,view\n");
  EXPECT_EQ(w_.import_interactions_csv(csv, import_options()), 1);
  EXPECT_EQ(scalar(w_, order), 1);
  write_file(csv, "user_id,domain,item_id,interaction_type\nann,movies,m1,teleport\n");
  EXPECT_THROW(w_.import_interactions_csv(csv, import_options()), Error);
  EXPECT_EQ(scalar(w_, order), 1);
  EXPECT_EQ(scalar(w_, "SELECT count(*) FROM user_interactions"), 1);
}

TEST_F(WarehouseIngestTest, ImportMapsColumnsOfAMovieLensFile) {
  const std::string csv = dir_.file("ratings.csv");
  write_file(csv, "userId,movieId,rating,timestamp,extra\n1,31,2.5,1260759144,x\n1,1029,3.0,1260759179,y\n"
                  "7,31,5.0,1260759182,z\n");
  CsvImportOptions o = import_options();
  o.user_col = "userId";
  o.item_col = "movieId";
  o.time_col = "timestamp";
  o.fixed_domain = "movies";
  o.fixed_type = "rating";
  EXPECT_EQ(w_.import_interactions_csv(csv, o), 3);
  auto h = w_.user_history("7", {.domain = "movies", .limit = 10});
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].item_id, "31");
  EXPECT_EQ(h[0].rating, 5.0);
  EXPECT_EQ(h[0].timestamp_us, 1260759182LL * 1000000);
  EXPECT_EQ(h[0].type, "rating");
}

TEST_F(WarehouseIngestTest, ImportItemsMapsColumnsSplitsTagsAndLastRowWins) {
  const std::string csv = dir_.file("movies.csv");
  write_file(csv, "movieId,title,genres\n1,Toy Story (1995),Adventure|Animation|Children\n"
                  "2,Jumanji (1995),Adventure\n1,Toy Story (1995),Animation\n");
  ItemImportOptions o{.domain = "movies", .item_col = "movieId", .tags_col = "genres"};
  EXPECT_EQ(w_.import_items(csv, o), 2);
  auto toy = w_.get_item("movies", "1");
  ASSERT_TRUE(toy.has_value());
  EXPECT_EQ(toy->title, "Toy Story (1995)");
  EXPECT_EQ(toy->tags, std::vector<std::string>{"Animation"});
  write_file(csv, "movieId,title,genres\n3,Heat (1995),Action\n,No id,Drama\n");
  try {
    w_.import_items(csv, o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.problems().front().field, "line 3");
  }
  EXPECT_FALSE(w_.get_item("movies", "3").has_value()) << "nothing of a bad file is written";
}

TEST_F(WarehouseIngestTest, ImportChecksTheHeader) {
  const std::string csv = dir_.file("h.csv");
  write_file(csv, "user_id,domain,item\nann,movies,m1\n");
  expect_import_error(w_, csv, "lacks column(s) item_id, interaction_type (it has: user_id, domain, item)");
  try {
    w_.import_interactions_csv(dir_.file("missing.csv"), import_options());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kNotFound);
  }
}

}  // namespace
}  // namespace mxn::warehouse
