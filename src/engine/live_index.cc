#include "engine/live_index.h"

#include <algorithm>
#include <cmath>
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
  for (const auto& c : it->second) out.push_back(entry_of(c));
  return out;
}

LiveEntry LiveIndex::entry_of(const Cell& c) const {
  const double value = c.implicit + (c.has_rating ? ratings_.value(c.rating) : 0.0);
  const double preference = c.implicit + (c.has_rating ? ratings_.weight(c.rating) : 0.0);
  return {c.item, static_cast<float>(value), c.last_us, preference < 0};
}

std::vector<SimilarUser> LiveIndex::similar_users(const std::string& user_id, std::size_t k) const {
  std::shared_lock lock(mutex_);
  auto me = users_.find(user_id);
  if (me == users_.end()) return {};
  const auto liked = [this](const Cell& c) {
    const LiveEntry e = entry_of(c);
    return e.disliked || e.weight <= 0 ? 0.0 : static_cast<double>(e.weight);
  };
  std::vector<double> mine(items_.size(), 0.0);  // the user's liked weights by live item index
  double my_norm = 0;
  for (const auto& c : me->second) {
    mine[c.item] = liked(c);
    my_norm += mine[c.item] * mine[c.item];
  }
  if (my_norm == 0) return {};
  struct Candidate {
    const std::string* id;
    double score;
    std::size_t in_common;
  };
  std::vector<Candidate> candidates;
  for (auto other = users_.begin(); other != users_.end(); ++other) {
    if (other == me) continue;
    double dot = 0;
    double norm = 0;
    std::size_t in_common = 0;
    for (const auto& c : other->second) {
      const double w = liked(c);
      norm += w * w;
      if (w > 0 && mine[c.item] > 0) {
        dot += w * mine[c.item];
        ++in_common;
      }
    }
    if (dot > 0) candidates.push_back({&other->first, dot / std::sqrt(my_norm * norm), in_common});
  }
  const auto better = [](const Candidate& a, const Candidate& b) {
    return a.score != b.score ? a.score > b.score : *a.id < *b.id;
  };
  const auto end = candidates.begin() + static_cast<std::ptrdiff_t>(std::min(k, candidates.size()));
  std::partial_sort(candidates.begin(), end, candidates.end(), better);
  std::vector<SimilarUser> out;
  for (auto c = candidates.begin(); c != end; ++c) {
    out.push_back({*c->id, static_cast<float>(std::min(1.0, c->score)), c->in_common});
  }
  return out;
}

}  // namespace mxn::engine
