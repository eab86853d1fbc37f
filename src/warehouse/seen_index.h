#pragma once
// The write path's in-memory mirror of what the users and items_catalog tables hold: each user's stored
// first_seen/last_seen and every catalog key. With it, a batch of interactions inserts its new users and items
// with plain appends and touches known users only when their stored span must move, instead of running an
// INSERT ... ON CONFLICT for every batch (which costs DuckDB milliseconds). Loaded from the tables on the first
// write, updated only after a successful commit, dropped (and reloaded) after anything it cannot follow.
// Not thread-safe: guarded by the Database's write mutex, like every write.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace mxn::warehouse {

class Connection;

class SeenIndex {
 public:
  struct Span {
    std::int64_t first_us = 0;
    std::int64_t last_us = 0;
  };

  bool loaded() const { return loaded_; }
  /// Reads users and items_catalog (inside the caller's transaction, if any).
  void load(Connection& connection);
  void invalidate();

  /// The stored span of a user; nullptr when the user is not in the table.
  const Span* user(std::string_view user_id) const;
  bool has_item(std::string_view domain, std::string_view item_id) const;
  void set_user(std::string_view user_id, Span span);
  void add_item(std::string_view domain, std::string_view item_id);

 private:
  // Deliberately not noexcept: libstdc++ then caches each key's hash in its node, so a lookup compares hashes
  // instead of rehashing every string in the bucket chain.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Set = std::unordered_set<std::string, Hash, std::equal_to<>>;

  bool loaded_ = false;
  std::unordered_map<std::string, Span, Hash, std::equal_to<>> users_;
  std::unordered_map<std::string, Set, Hash, std::equal_to<>> items_;  // domain -> item ids
};

}  // namespace mxn::warehouse
