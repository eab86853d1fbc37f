#pragma once
// LiveIndex: the current interaction state of every user of one domain, in memory, so that recommendations
// react to behaviour committed a moment ago without retraining. Rebuilt from the warehouse at start, then
// updated by the tracker's commit observer. Aggregation follows InteractionMatrix and the snapshot: implicit
// weights sum, the latest rating wins and counts by its value on the domain's scale (RatingScale), negative
// totals stay. Items get dense "live" indices in a grow-only map. Thread-safe: many readers, one writer at a
// time.

#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/id_map.h"
#include "core/rating_scale.h"
#include "warehouse/records.h"

namespace mxn::engine {

/// One item in a user's live row.
struct LiveEntry {
  ItemIndex item = 0;           // live index
  float weight = 0;             // what models read: implicit sum + the latest rating's value
  std::int64_t last_us = 0;     // latest interaction with the item
  bool disliked = false;        // stored preference below zero: implicit sum + (latest rating - neutral) < 0
  bool operator==(const LiveEntry&) const = default;
};

/// Another user of the domain and how alike their rows are.
struct SimilarUser {
  std::string user_id;
  float score = 0;            // cosine of the two rows' liked items (weights as models read them), in (0, 1]
  std::size_t in_common = 0;  // liked items both have
};

class LiveIndex {
 public:
  explicit LiveIndex(RatingScale ratings = {}) : ratings_(ratings) {}

  /// Applies committed rows (rows of other domains are the caller's to filter out).
  void apply(std::span<const warehouse::InteractionRecord> rows);
  /// Deletion: the user's row is gone (false when there was none).
  bool remove_user(const std::string& user_id);
  /// Deletion: the item leaves every user's row (its live index stays, unused).
  void remove_item(std::string_view item_id);
  /// The user's cell of `item_id` rebuilt from `rows`, all that remain of the user's interactions with it
  /// (after one was deleted); no rows: the cell is gone.
  void replace_cell(const std::string& user_id, std::string_view item_id,
                    std::span<const warehouse::InteractionRecord> rows);
  /// The live index of `item_id`, added when new.
  ItemIndex item_index(std::string_view item_id);
  std::optional<ItemIndex> find_item(std::string_view item_id) const;
  /// The item id of a live index (checked).
  std::string item_name(ItemIndex item) const;
  std::size_t n_items() const;
  std::size_t n_users() const;
  /// The user's row sorted by live item index; empty for an unknown user.
  std::vector<LiveEntry> row(const std::string& user_id) const;
  /// The `k` users whose liked items are most like `user_id`'s (cosine over the items each likes, with the
  /// weights of row()), best first, ties by user id; only users with an item in common. One pass over every
  /// row: cost grows with the domain's interactions, not with k.
  std::vector<SimilarUser> similar_users(const std::string& user_id, std::size_t k) const;

 private:
  struct Cell {
    ItemIndex item;
    float implicit = 0;
    float rating = 0;  // the latest rating, raw
    bool has_rating = false;
    std::int64_t rating_us = 0;
    std::int64_t last_us = 0;
  };
  void apply_locked(std::span<const warehouse::InteractionRecord> rows);
  LiveEntry entry_of(const Cell& cell) const;
  static void erase_cell(std::vector<Cell>& cells, ItemIndex item);

  RatingScale ratings_;
  mutable std::shared_mutex mutex_;
  IdMap items_;
  std::unordered_map<std::string, std::vector<Cell>> users_;  // cells sorted by item
};

}  // namespace mxn::engine
