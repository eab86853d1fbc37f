#include "core/id_map.h"

#include <limits>

namespace mxn {

namespace {
constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;

std::uint64_t fnv_bytes(std::uint64_t h, const void* data, std::size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= kFnvPrime;
  }
  return h;
}

std::uint64_t fnv_id(std::uint64_t h, std::string_view id) {
  const std::uint64_t length = id.size();
  h = fnv_bytes(h, &length, sizeof(length));
  return fnv_bytes(h, id.data(), id.size());
}
}  // namespace

std::int32_t IdMap::get_or_add(std::string_view id) {
  if (auto it = index_.find(id); it != index_.end()) return it->second;
  if (id.empty()) throw Error(Code::kInvalidArgument, "must not be empty", "id");
  if (names_.size() >= static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
    throw Error(Code::kTooLarge, "more than 2^31-1 distinct ids", "id");
  }
  const auto index = static_cast<std::int32_t>(names_.size());
  names_.emplace_back(id);
  index_.emplace(names_.back(), index);
  checksum_ = fnv_id(checksum_, id);
  return index;
}

std::optional<std::int32_t> IdMap::find(std::string_view id) const {
  if (auto it = index_.find(id); it != index_.end()) return it->second;
  return std::nullopt;
}

const std::string& IdMap::name(std::int32_t index) const {
  if (index < 0 || static_cast<std::size_t>(index) >= names_.size()) {
    throw Error(Code::kNotFound, "no id with index " + std::to_string(index), "index");
  }
  return names_[static_cast<std::size_t>(index)];
}

void IdMap::save(BinaryWriter& out) const {
  out.write_strings(names_);
  out.write<std::uint64_t>(checksum_);
}

IdMap IdMap::load(BinaryReader& in) {
  auto names = in.read_strings("id map ids");
  const auto stored = in.read<std::uint64_t>("id map checksum");
  IdMap map;
  map.names_.reserve(names.size());
  for (auto& name : names) {
    if (name.empty()) throw Error(Code::kCorrupt, "id map holds an empty id");
    const auto before = map.names_.size();
    map.get_or_add(name);
    if (map.names_.size() == before) throw Error(Code::kCorrupt, "id map holds '" + name + "' twice");
  }
  if (map.checksum_ != stored) {
    throw Error(Code::kCorrupt, "id map checksum mismatch (stored " + std::to_string(stored) + ", computed " +
                                    std::to_string(map.checksum_) + ")");
  }
  return map;
}

}  // namespace mxn
