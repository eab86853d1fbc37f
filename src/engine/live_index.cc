#include "engine/live_index.h"

#include <algorithm>
#include <mutex>

namespace mxn::engine {

void LiveIndex::apply(std::span<const warehouse::InteractionRecord> rows) {
  std::unique_lock lock(mutex_);
  apply_locked(rows);
}

bool LiveIndex::remove_user(const std::string& user_id) {
  std::unique_lock lock(mutex_);
  return users_.erase(user_id) > 0;
}

void LiveIndex::remove_item(std::string_view item_id) {
  std::unique_lock lock(mutex_);
  const auto item = items_.find(item_id);
  if (!item) return;
  for (auto user = users_.begin(); user != users_.end();) {
    erase_cell(user->second, *item);
    user = user->second.empty() ? users_.erase(user) : std::next(user);
  }
}

void LiveIndex::replace_cell(const std::string& user_id, std::string_view item_id,
                             std::span<const warehouse::InteractionRecord> rows) {
  std::unique_lock lock(mutex_);
  const auto item = items_.find(item_id);
  auto user = users_.find(user_id);
  if (item && user != users_.end()) {
    erase_cell(user->second, *item);
    if (user->second.empty()) users_.erase(user);
  }
  apply_locked(rows);
}

void LiveIndex::erase_cell(std::vector<Cell>& cells, ItemIndex item) {
  auto it = std::lower_bound(cells.begin(), cells.end(), item,
                             [](const Cell& c, ItemIndex i) { return c.item < i; });
  if (it != cells.end() && it->item == item) cells.erase(it);
}

void LiveIndex::apply_locked(std::span<const warehouse::InteractionRecord> rows) {
  for (const auto& r : rows) {
    const ItemIndex item = items_.get_or_add(r.item_id);
    auto& cells = users_[r.user_id];
    auto it = std::lower_bound(cells.begin(), cells.end(), item, [](const Cell& c, ItemIndex i) { return c.item < i; });
    if (it == cells.end() || it->item != item) it = cells.insert(it, Cell{.item = item});
    if (r.rating.has_value()) {
      if (!it->has_rating || r.timestamp_us >= it->rating_us) {
        it->rating = static_cast<float>(*r.rating);
        it->rating_us = r.timestamp_us;
        it->has_rating = true;
      }
    } else {
      it->implicit += static_cast<float>(r.weight);
    }
    it->last_us = std::max(it->last_us, r.timestamp_us);
  }
}

ItemIndex LiveIndex::item_index(std::string_view item_id) {
  {
    std::shared_lock lock(mutex_);
    if (auto found = items_.find(item_id)) return *found;
  }
  std::unique_lock lock(mutex_);
  return items_.get_or_add(item_id);
}

std::optional<ItemIndex> LiveIndex::find_item(std::string_view item_id) const {
  std::shared_lock lock(mutex_);
  return items_.find(item_id);
}

std::string LiveIndex::item_name(ItemIndex item) const {
  std::shared_lock lock(mutex_);
  return items_.name(item);
}

std::size_t LiveIndex::n_items() const {
  std::shared_lock lock(mutex_);
  return items_.size();
}

std::size_t LiveIndex::n_users() const {
  std::shared_lock lock(mutex_);
  return users_.size();
}

std::vector<LiveEntry> LiveIndex::row(const std::string& user_id) const {
  std::shared_lock lock(mutex_);
  std::vector<LiveEntry> out;
  auto it = users_.find(user_id);
  if (it == users_.end()) return out;
  out.reserve(it->second.size());
  for (const auto& c : it->second) {
    const double value = c.implicit + (c.has_rating ? ratings_.value(c.rating) : 0.0);
    const double preference = c.implicit + (c.has_rating ? ratings_.weight(c.rating) : 0.0);
    out.push_back({c.item, static_cast<float>(value), c.last_us, preference < 0});
  }
  return out;
}

}  // namespace mxn::engine
