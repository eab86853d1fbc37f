#include "warehouse/migrations.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "unit/warehouse/warehouse_test_util.h"
#include "warehouse/connection.h"

namespace mxn::warehouse {
namespace {

using testing::numbered;
using testing::scalar;
using testing::TempDir;
using testing::warehouse_config;

TEST(MigrationsTest, FirstOpenCreatesEveryTableAndRecordsTheVersion) {
  TempDir dir;
  Warehouse w(warehouse_config(dir));
  EXPECT_EQ(w.schema_version(), latest_schema_version());
  for (const char* table : {"user_interactions", "users", "items_catalog", "recommendations", "training_history",
                            "schema_version"}) {
    EXPECT_EQ(scalar(w, std::string("SELECT count(*) FROM duckdb_tables() WHERE table_name = '") + table + "'"), 1)
        << table;
  }
  EXPECT_EQ(scalar(w, "SELECT count(*) FROM schema_version"), latest_schema_version());
}

TEST(MigrationsTest, UserInteractionsHasNoIndexButLookupTablesHaveKeys) {
  TempDir dir;
  Warehouse w(warehouse_config(dir));
  EXPECT_EQ(scalar(w, "SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'user_interactions' "
                      "AND constraint_type IN ('PRIMARY KEY', 'UNIQUE')"),
            0);
  EXPECT_EQ(scalar(w, "SELECT count(*) FROM duckdb_indexes() WHERE table_name = 'user_interactions'"), 0);
  for (const char* table : {"users", "items_catalog", "training_history"}) {
    EXPECT_EQ(scalar(w, std::string("SELECT count(*) FROM duckdb_constraints() WHERE table_name = '") + table +
                            "' AND constraint_type = 'PRIMARY KEY'"),
              1)
        << table;
  }
}

TEST(MigrationsTest, ReopeningACurrentFileChangesNothing) {
  TempDir dir;
  {
    Warehouse w(warehouse_config(dir));
    auto c = w.connections().acquire();
    c->execute("INSERT INTO users VALUES ('kept', TIMESTAMP '2024-01-01', TIMESTAMP '2024-01-02')");
  }
  Warehouse again(warehouse_config(dir));
  EXPECT_EQ(again.schema_version(), latest_schema_version());
  EXPECT_EQ(scalar(again, "SELECT count(*) FROM schema_version"), latest_schema_version());
  EXPECT_EQ(scalar(again, "SELECT count(*) FROM users WHERE user_id = 'kept'"), 1);
}

TEST(MigrationsTest, FileWithNewerSchemaIsRefusedNamingBothVersions) {
  TempDir dir;
  const int newer = latest_schema_version() + 41;
  {
    Warehouse w(warehouse_config(dir));
    auto c = w.connections().acquire();
    c->execute(numbered("INSERT INTO schema_version VALUES (", newer) + ", 'from the future', now())");
  }
  try {
    Warehouse w(warehouse_config(dir));
    FAIL() << "a newer schema was opened";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kFailedPrecondition);
    const std::string message = e.what();
    EXPECT_NE(message.find(numbered("schema version ", newer)), std::string::npos) << message;
    EXPECT_NE(message.find(numbered("version ", latest_schema_version())), std::string::npos) << message;
    EXPECT_NE(message.find("warehouse.duckdb"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace mxn::warehouse
