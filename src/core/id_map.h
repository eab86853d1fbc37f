#pragma once
// IdMap: the one mapping between external string ids (user or item ids) and dense int32 indices.
// Indices are 0..size()-1 in order of first appearance. A model trained against a map records its
// checksum(), so a model file is never read against a different numbering.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/binary_io.h"

namespace mxn {

/// Dense indices of users and items inside mxn (external ids exist only at the edges).
using UserIndex = std::int32_t;
using ItemIndex = std::int32_t;

class IdMap {
 public:
  IdMap() = default;

  /// The index of `id`, adding it at the end when new. Empty ids are an Error{kInvalidArgument}.
  std::int32_t get_or_add(std::string_view id);
  /// The index of `id`, or nullopt when unknown.
  std::optional<std::int32_t> find(std::string_view id) const;
  std::size_t size() const { return names_.size(); }
  bool empty() const { return names_.empty(); }
  /// The external id of `index`; out of range is an Error{kNotFound, field "index"}.
  const std::string& name(std::int32_t index) const;
  /// All ids in index order.
  const std::vector<std::string>& names() const { return names_; }

  /// 64-bit FNV-1a over the ids in index order (each prefixed by its length): equal iff same numbering
  /// (up to hash collisions). The empty map has the FNV offset basis.
  std::uint64_t checksum() const { return checksum_; }

  /// Writes count, ids and checksum; load() recomputes the checksum and throws Error{kCorrupt} on mismatch.
  void save(BinaryWriter& out) const;
  static IdMap load(BinaryReader& in);

  bool operator==(const IdMap& other) const { return names_ == other.names_; }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<std::string> names_;
  std::unordered_map<std::string, std::int32_t, Hash, std::equal_to<>> index_;
  std::uint64_t checksum_ = 0xcbf29ce484222325ULL;
};

}  // namespace mxn
