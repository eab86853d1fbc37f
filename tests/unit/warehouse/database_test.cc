#include "warehouse/database.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/error.h"
#include "unit/warehouse/child_process.h"
#include "unit/warehouse/warehouse_test_util.h"

namespace mxn::warehouse {
namespace {

using testing::interaction;
using testing::numbered;
using testing::scalar;
using testing::TempDir;
using testing::warehouse_config;

TEST(DatabaseTest, OpeningTheSameFileTwiceReturnsTheSameDatabase) {
  TempDir dir;
  auto config = warehouse_config(dir);
  auto first = Database::open(config);
  auto other_spelling = config;
  other_spelling.path = (dir.path() / "." / "sub" / ".." / "warehouse.duckdb").string();
  std::filesystem::create_directory(dir.path() / "sub");
  auto second = Database::open(other_spelling);
  EXPECT_EQ(first.get(), second.get());
  EXPECT_EQ(first->path(), std::filesystem::weakly_canonical(config.path).string());
}

TEST(DatabaseTest, DifferentFilesGetDifferentDatabases) {
  TempDir dir;
  auto a = Database::open(warehouse_config(dir, "a.duckdb"));
  auto b = Database::open(warehouse_config(dir, "b.duckdb"));
  EXPECT_NE(a.get(), b.get());
}

TEST(DatabaseTest, DatabaseClosesWithItsLastUserAndReopens) {
  TempDir dir;
  std::weak_ptr<Database> weak;
  {
    auto db = Database::open(warehouse_config(dir));
    weak = db;
  }
  EXPECT_TRUE(weak.expired());
  auto again = Database::open(warehouse_config(dir));
  EXPECT_NE(again, nullptr);
}

TEST(DatabaseTest, InMemoryDatabasesAreNotShared) {
  config::WarehouseConfig config;
  config.path = ":memory:";
  auto a = Database::open(config);
  auto b = Database::open(config);
  EXPECT_NE(a.get(), b.get());
}

TEST(DatabaseTest, CreatesTheMissingParentDirectory) {
  TempDir dir;
  auto config = warehouse_config(dir);
  config.path = dir.file("data/nested/warehouse.duckdb");
  Warehouse w(config);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "data" / "nested"));
}

TEST(DatabaseTest, TwoWarehousesOnOneFileSeeEachOthersWrites) {
  TempDir dir;
  Warehouse a(warehouse_config(dir));
  Warehouse b(warehouse_config(dir));
  std::vector<InteractionRecord> rows = {interaction("u1", "movies", "m1", "view", 1.0, 1'700'000'000'000'000)};
  a.append_interactions(rows);
  EXPECT_EQ(b.domain_stats("movies").n_interactions, 1);

  CatalogItem item;
  item.domain = "movies";
  item.item_id = "m2";
  item.title = "Written through b";
  b.upsert_item(item);
  auto seen = a.get_item("movies", "m2");
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->title, "Written through b");

  // Ids continue across both: they share one counter.
  std::vector<InteractionRecord> more = {interaction("u2", "movies", "m1", "view", 1.0, 1'700'000'000'000'001)};
  b.append_interactions(more);
  EXPECT_EQ(more[0].id, rows[0].id + 1);
}

TEST(DatabaseTest, InvalidMemoryLimitIsAnErrorNamingTheSetting) {
  TempDir dir;
  auto config = warehouse_config(dir);
  config.memory_limit = "lots";
  try {
    Database::open(config);
    FAIL() << "accepted memory_limit 'lots'";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("lots"), std::string::npos) << e.what();
  }
}

TEST(DatabaseTest, FileHeldByAnotherProcessNamesItAndPointsAtTheApi) {
  TempDir dir;
  auto config = warehouse_config(dir);
  testing::ChildProcess holder(MXN_LOCK_HOLDER, {config.path});
  ASSERT_EQ(holder.read_line(), "ready");
  try {
    Warehouse w(config);
    FAIL() << "opened a file another process holds";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kFailedPrecondition);
    const std::string message = e.what();
    EXPECT_NE(message.find(config.path + numbered(" is in use by process ", holder.pid())),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("mxn_warehouse_lock_holder"), std::string::npos) << message;  // its command line
    EXPECT_NE(message.find("use the running server's API"), std::string::npos) << message;
  }
  holder.close_stdin();
  EXPECT_EQ(holder.wait(), 0);
  Warehouse after(config);  // free again once the holder exits
  EXPECT_GT(after.schema_version(), 0);
}

}  // namespace
}  // namespace mxn::warehouse
