#include "automation/catalog_fields.h"

#include <gtest/gtest.h>

namespace mxn::automation {
namespace {

TEST(CatalogFieldsTest, ReadsWhatIsThereAndNothingElse) {
  const auto meta = nlohmann::json::parse(
      R"({"artist": "Neon Foxes", "priority": 2, "estimate": "45", "bad": "4x", "genres": ["Drama", 3, "Romance"],
          "year": 1999.0, "nested": {"a": 1}})");
  EXPECT_EQ(string_field(meta, "artist"), "Neon Foxes");
  EXPECT_EQ(string_field(meta, "priority"), std::nullopt);
  EXPECT_EQ(string_field(meta, "missing"), std::nullopt);
  EXPECT_EQ(number_field(meta, "priority"), 2.0);
  EXPECT_EQ(number_field(meta, "estimate"), 45.0);
  EXPECT_EQ(number_field(meta, "bad"), std::nullopt);
  EXPECT_EQ(number_field(meta, "nested"), std::nullopt);
  EXPECT_EQ(number_field(meta, "year"), 1999.0);
  EXPECT_EQ(string_list_field(meta, "genres"), (std::vector<std::string>{"Drama", "Romance"}));
  EXPECT_TRUE(string_list_field(meta, "artist").empty());
  EXPECT_EQ(string_field(nlohmann::json::array(), "artist"), std::nullopt);
}

}  // namespace
}  // namespace mxn::automation
