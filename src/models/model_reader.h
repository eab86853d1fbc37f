#pragma once
// ModelReader: reads a file written by ModelWriter. The constructor reads and checks the header (magic,
// container version and, when the caller knows it, the id-map checksum), so the model store can read
// header().type_name to build an empty model of the right type, then call model->load(reader).
// Every mismatch is an Error{kCorrupt} whose message says what was expected and what was found.

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>

#include "core/binary_io.h"

namespace mxn::models {

struct ModelHeader {
  std::string type_name;  // "als", "item_knn", ...
  std::uint32_t format_version = 0;
  std::string params_text;  // "factors=64 regularization=0.05 ..."
  std::uint64_t id_map_checksum = 0;
};

class ModelReader {
 public:
  /// Reads the header. expected_id_map_checksum: the checksum of the IdMap the caller will use with the
  /// model (nullopt: not checked).
  ModelReader(std::istream& in, std::optional<std::uint64_t> expected_id_map_checksum);

  const ModelHeader& header() const { return header_; }
  /// Called by a model's load(): the file must hold `type_name` at a format version <= max_format_version.
  void expect(std::string_view type_name, std::uint32_t max_format_version) const;
  BinaryReader& body() { return in_; }
  /// Reads and checks the trailer (a truncated or over-long body fails here).
  void end();

 private:
  BinaryReader in_;
  ModelHeader header_;
};

}  // namespace mxn::models
