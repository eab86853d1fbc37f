#include "models/model_reader.h"

#include <cstring>

#include "core/error.h"
#include "models/model_writer.h"

namespace mxn::models {

namespace {
std::string hex(std::uint64_t v) {
  static const char* digits = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) s[static_cast<std::size_t>(i)] = digits[v & 0xf];
  return s;
}
}  // namespace

ModelReader::ModelReader(std::istream& in, std::optional<std::uint64_t> expected_id_map_checksum) : in_(in) {
  char magic[sizeof(kModelMagic)] = {};
  in.read(magic, sizeof(magic));
  if (in.gcount() != sizeof(magic) || std::memcmp(magic, kModelMagic, sizeof(magic)) != 0) {
    throw Error(Code::kCorrupt, "not an mxn model file (bad magic)");
  }
  const auto container = in_.read<std::uint32_t>("model container version");
  if (container != kModelContainerVersion) {
    throw Error(Code::kCorrupt, "model container version " + std::to_string(container) +
                                    " is not supported (this build reads " +
                                    std::to_string(kModelContainerVersion) + ")");
  }
  header_.type_name = in_.read_string("model type name");
  header_.format_version = in_.read<std::uint32_t>("model format version");
  header_.params_text = in_.read_string("model params");
  header_.id_map_checksum = in_.read<std::uint64_t>("id map checksum");
  if (expected_id_map_checksum && *expected_id_map_checksum != header_.id_map_checksum) {
    throw Error(Code::kCorrupt,
                "model '" + header_.type_name + "' was trained against another id map (file checksum " +
                    hex(header_.id_map_checksum) + ", expected " + hex(*expected_id_map_checksum) + ")");
  }
}

void ModelReader::expect(std::string_view type_name, std::uint32_t max_format_version) const {
  if (header_.type_name != type_name) {
    throw Error(Code::kCorrupt, "model file holds type '" + header_.type_name + "', expected '" +
                                    std::string(type_name) + "'");
  }
  if (header_.format_version == 0 || header_.format_version > max_format_version) {
    throw Error(Code::kCorrupt, "model '" + header_.type_name + "' has format version " +
                                    std::to_string(header_.format_version) + ", this build reads up to " +
                                    std::to_string(max_format_version));
  }
}

void ModelReader::end() {
  char magic[sizeof(kModelEndMagic)] = {};
  in_.stream().read(magic, sizeof(magic));
  if (in_.stream().gcount() != sizeof(magic) || std::memcmp(magic, kModelEndMagic, sizeof(magic)) != 0) {
    throw Error(Code::kCorrupt,
                "model '" + header_.type_name + "' file has no valid end marker (truncated or damaged)");
  }
}

}  // namespace mxn::models
