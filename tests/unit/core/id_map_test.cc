#include "core/id_map.h"

#include <gtest/gtest.h>

#include <sstream>

#include "core/error.h"

namespace mxn {
namespace {

TEST(IdMapTest, AssignsDenseIndicesInOrderOfFirstAppearance) {
  IdMap map;
  EXPECT_EQ(map.get_or_add("b"), 0);
  EXPECT_EQ(map.get_or_add("a"), 1);
  EXPECT_EQ(map.get_or_add("b"), 0);
  EXPECT_EQ(map.size(), 2u);
  EXPECT_EQ(map.find("a"), 1);
  EXPECT_EQ(map.find("zzz"), std::nullopt);
  EXPECT_EQ(map.name(1), "a");
  EXPECT_THROW(map.name(2), Error);
  EXPECT_THROW(map.get_or_add(""), Error);
}

TEST(IdMapTest, ChecksumDependsOnIdsAndOrder) {
  IdMap a, b, c, d;
  a.get_or_add("x");
  a.get_or_add("y");
  b.get_or_add("x");
  b.get_or_add("y");
  c.get_or_add("y");
  c.get_or_add("x");
  d.get_or_add("xy");
  EXPECT_EQ(a.checksum(), b.checksum());
  EXPECT_NE(a.checksum(), c.checksum());
  EXPECT_NE(a.checksum(), d.checksum());
  EXPECT_NE(a.checksum(), IdMap().checksum());
}

TEST(IdMapTest, SaveLoadRoundTrips) {
  IdMap map;
  for (int i = 0; i < 100; ++i) map.get_or_add("item_" + std::to_string(i * 7));
  std::stringstream buffer;
  BinaryWriter w(buffer);
  map.save(w);
  BinaryReader r(buffer);
  const IdMap loaded = IdMap::load(r);
  EXPECT_EQ(loaded, map);
  EXPECT_EQ(loaded.checksum(), map.checksum());
  EXPECT_EQ(loaded.find("item_14"), 2);
}

TEST(IdMapTest, LoadDetectsDamage) {
  IdMap map;
  map.get_or_add("alpha");
  map.get_or_add("beta");
  std::stringstream buffer;
  BinaryWriter w(buffer);
  map.save(w);
  std::string bytes = buffer.str();
  bytes[bytes.find("beta")] = 'z';  // "zeta": the stored checksum no longer matches
  std::stringstream damaged(bytes);
  BinaryReader r(damaged);
  try {
    IdMap::load(r);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kCorrupt);
  }
  std::stringstream truncated(buffer.str().substr(0, 10));
  BinaryReader rt(truncated);
  EXPECT_THROW(IdMap::load(rt), Error);
}

}  // namespace
}  // namespace mxn
