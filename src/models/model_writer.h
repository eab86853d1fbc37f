#pragma once
// ModelWriter: writes one self-describing model file. Layout:
//   header  : magic "MXNMODEL", container version (u32), type name (string), model format version (u32),
//             params text (string), id-map checksum (u64)
//   body    : whatever the model writes through body() (its typed params first, then arrays)
//   trailer : magic "MXNEND\0\0"
// A model's save() calls begin(), writes its body, then end(). The caller (model store) owns the stream
// and says which IdMap the model's indices refer to (its checksum).

#include <cstdint>
#include <ostream>
#include <string_view>

#include "core/binary_io.h"

namespace mxn::models {

/// Magic numbers and the container version shared by ModelWriter and ModelReader.
inline constexpr char kModelMagic[8] = {'M', 'X', 'N', 'M', 'O', 'D', 'E', 'L'};
inline constexpr char kModelEndMagic[8] = {'M', 'X', 'N', 'E', 'N', 'D', '\0', '\0'};
inline constexpr std::uint32_t kModelContainerVersion = 1;

class ModelWriter {
 public:
  /// id_map_checksum: IdMap::checksum() of the item map the model's indices refer to.
  ModelWriter(std::ostream& out, std::uint64_t id_map_checksum);

  /// Writes the header; must be the first call, once. format_version: the model type's own layout version.
  void begin(std::string_view type_name, std::uint32_t format_version, std::string_view params_text);
  /// The body writer; only between begin() and end().
  BinaryWriter& body();
  /// Writes the trailer and flushes; a stream in a failed state is an Error{kFailedPrecondition}.
  void end();
  bool finished() const { return state_ == State::kEnded; }

 private:
  enum class State { kNew, kBody, kEnded };
  BinaryWriter out_;
  std::uint64_t checksum_;
  State state_ = State::kNew;
};

}  // namespace mxn::models
