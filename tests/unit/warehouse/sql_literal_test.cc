#include "warehouse/sql_literal.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "unit/warehouse/warehouse_test_util.h"

namespace mxn::warehouse {
namespace {

TEST(SqlLiteralTest, DoublesEmbeddedQuotes) {
  EXPECT_EQ(quote_literal("plain"), "'plain'");
  EXPECT_EQ(quote_literal("it's"), "'it''s'");
  EXPECT_EQ(quote_literal("'; DROP TABLE users; --"), "'''; DROP TABLE users; --'");
  EXPECT_EQ(quote_identifier("a\"b"), "\"a\"\"b\"");
}

TEST(SqlLiteralTest, RejectsNulBytes) {
  EXPECT_THROW(quote_literal(std::string("a\0b", 3)), Error);
}

TEST(SqlLiteralTest, QuotedValueRoundTripsThroughDuckDb) {
  testing::TempDir dir;
  Warehouse w(testing::warehouse_config(dir));
  auto c = w.connections().acquire();
  const std::string nasty = "x'); DROP TABLE users; --\\ \"q\" \xE2\x82\xAC";
  auto chunk = c->query("SELECT " + quote_literal(nasty)).next_chunk();
  ASSERT_TRUE(chunk.has_value());
  EXPECT_EQ(chunk->varchar(0, 0), nasty);
  EXPECT_EQ(testing::scalar(w, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'users'"), 1);
}

}  // namespace
}  // namespace mxn::warehouse
