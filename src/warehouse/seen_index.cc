#include "warehouse/seen_index.h"

#include "warehouse/connection.h"

namespace mxn::warehouse {

void SeenIndex::load(Connection& connection) {
  invalidate();
  auto users = connection.query("SELECT user_id, first_seen, last_seen FROM users");
  for (auto chunk = users.next_chunk(); chunk; chunk = users.next_chunk()) {
    for (std::size_t row = 0; row < chunk->size(); ++row) {
      users_.emplace(chunk->varchar(0, row), Span{chunk->int64(1, row), chunk->int64(2, row)});
    }
  }
  auto items = connection.query("SELECT domain, item_id FROM items_catalog");
  for (auto chunk = items.next_chunk(); chunk; chunk = items.next_chunk()) {
    for (std::size_t row = 0; row < chunk->size(); ++row) add_item(chunk->varchar(0, row), chunk->varchar(1, row));
  }
  loaded_ = true;
}

void SeenIndex::invalidate() {
  loaded_ = false;
  users_.clear();
  items_.clear();
}

const SeenIndex::Span* SeenIndex::user(std::string_view user_id) const {
  auto it = users_.find(user_id);
  return it == users_.end() ? nullptr : &it->second;
}

bool SeenIndex::has_item(std::string_view domain, std::string_view item_id) const {
  auto it = items_.find(domain);
  return it != items_.end() && it->second.find(item_id) != it->second.end();
}

void SeenIndex::set_user(std::string_view user_id, Span span) {
  auto it = users_.find(user_id);
  if (it == users_.end()) {
    users_.emplace(std::string(user_id), span);
  } else {
    it->second = span;
  }
}

void SeenIndex::add_item(std::string_view domain, std::string_view item_id) {
  auto it = items_.find(domain);
  if (it == items_.end()) it = items_.emplace(std::string(domain), Set{}).first;
  if (it->second.find(item_id) == it->second.end()) it->second.emplace(item_id);
}

}  // namespace mxn::warehouse
