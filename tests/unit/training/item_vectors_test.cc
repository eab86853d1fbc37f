#include "training/item_vectors.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>

#include "../text/minilm_fixture.h"
#include "data/snapshot.h"
#include "seeded_warehouse.h"
#include "text/hashing_encoder.h"
#include "text/minilm_encoder.h"
#include "warehouse/warehouse.h"

namespace mxn::training {
namespace {

/// Counts the texts that reach encode() of the encoder it wraps.
class CountingEncoder final : public text::TextEncoder {
 public:
  explicit CountingEncoder(std::unique_ptr<text::TextEncoder> inner) : inner_(std::move(inner)) {}
  std::string_view name() const override { return inner_->name(); }
  std::size_t dim() const override { return inner_->dim(); }
  std::string fingerprint() const override { return inner_->fingerprint(); }
  text::EmbeddingMatrix encode(std::span<const std::string> texts) const override {
    encoded += texts.size();
    return inner_->encode(texts);
  }
  void fit(std::span<const std::string> texts) override { inner_->fit(texts); }
  void save(BinaryWriter& out) const override { inner_->save(out); }
  void load(BinaryReader& in) override { inner_->load(in); }

  mutable std::atomic<std::size_t> encoded{0};

 private:
  std::unique_ptr<text::TextEncoder> inner_;
};

CountingEncoder hashing() { return CountingEncoder(std::make_unique<text::HashingEncoder>()); }

class ItemVectorsTest : public ::testing::Test {
 protected:
  ItemVectorsTest() : seeded(testing::small_seed(40, 60, 1500, {"movies"})) {}

  IdMap items() const { return data::snapshot_domain(*seeded.warehouse, "movies", RatingScale{}, 1).items; }

  testing::SeededWarehouse seeded;
};

TEST(ItemText, JoinsTitleDescriptionAndTags) {
  warehouse::CatalogItem item{.title = "Alien", .description = "In space no one can hear you scream",
                              .tags = {"Sci-Fi", "", "Horror"}};
  EXPECT_EQ(item_text(item), "Alien. In space no one can hear you scream. Sci-Fi, Horror");
  EXPECT_EQ(item_text({.tags = {"Drama"}}), "Drama");
  EXPECT_EQ(item_text({}), "");
}

TEST_F(ItemVectorsTest, RetrainingWithoutCatalogChangesEncodesNothing) {
  const IdMap map = items();
  CountingEncoder first = hashing();
  const ItemVectors built = build_item_vectors(*seeded.warehouse, "movies", map, first);
  EXPECT_EQ(first.encoded, map.size());
  EXPECT_EQ(built.encoded, map.size());
  EXPECT_EQ(built.reused, 0u);
  EXPECT_EQ(built.blank, 0u);

  // The vectors were stored with their text hash and the encoder's fingerprint...
  const auto stored = seeded.warehouse->get_item("movies", map.name(0));
  ASSERT_TRUE(stored && stored->embedding);
  EXPECT_EQ(stored->encoder_fingerprint, first.fingerprint());
  EXPECT_EQ(stored->text_hash.size(), 16u);

  // ...so a second run (a fresh encoder fitted on the same catalog) encodes nothing and gives the same vectors.
  CountingEncoder second = hashing();
  const ItemVectors again = build_item_vectors(*seeded.warehouse, "movies", map, second);
  EXPECT_EQ(second.encoded, 0u);
  EXPECT_EQ(again.reused, map.size());
  EXPECT_EQ(again.vectors.data, built.vectors.data);
}

TEST_F(ItemVectorsTest, ItemsWithoutTextGetZeroRows) {
  IdMap map = items();
  map.get_or_add("movie_not_in_catalog");
  CountingEncoder encoder = hashing();
  const ItemVectors built = build_item_vectors(*seeded.warehouse, "movies", map, encoder);
  EXPECT_EQ(built.blank, 1u);
  EXPECT_EQ(encoder.encoded, map.size() - 1);
  for (float x : built.vectors.row(map.size() - 1)) ASSERT_EQ(x, 0.0f);
}

TEST_F(ItemVectorsTest, OnlyChangedItemsAreReencodedByAnEncoderThatLearnsNothing) {
  MXN_REQUIRE_MINILM_FIXTURE();
  const IdMap map = items();
  CountingEncoder first(std::make_unique<text::MiniLmEncoder>(testing::minilm_tiny_dir()));
  build_item_vectors(*seeded.warehouse, "movies", map, first);
  EXPECT_EQ(first.encoded, map.size());

  auto changed = *seeded.warehouse->get_item("movies", map.name(3));
  changed.title += " (director's cut)";
  seeded.warehouse->upsert_item(changed);

  CountingEncoder second(std::make_unique<text::MiniLmEncoder>(testing::minilm_tiny_dir()));
  const ItemVectors again = build_item_vectors(*seeded.warehouse, "movies", map, second);
  EXPECT_EQ(second.encoded, 1u);
  EXPECT_EQ(again.encoded, 1u);
  EXPECT_EQ(again.reused, map.size() - 1);
  const auto expected = second.encode_one(item_text(changed));
  const auto row = again.vectors.row(3);
  EXPECT_EQ(std::vector<float>(row.begin(), row.end()), expected);
}

}  // namespace
}  // namespace mxn::training
