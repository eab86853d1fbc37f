#include "models/model_writer.h"

#include <string>

#include "core/error.h"

namespace mxn::models {

ModelWriter::ModelWriter(std::ostream& out, std::uint64_t id_map_checksum)
    : out_(out), checksum_(id_map_checksum) {}

void ModelWriter::begin(std::string_view type_name, std::uint32_t format_version,
                        std::string_view params_text) {
  MXN_CHECK(state_ == State::kNew, "ModelWriter::begin called twice");
  out_.stream().write(kModelMagic, sizeof(kModelMagic));
  out_.write<std::uint32_t>(kModelContainerVersion);
  out_.write_string(type_name);
  out_.write<std::uint32_t>(format_version);
  out_.write_string(params_text);
  out_.write<std::uint64_t>(checksum_);
  state_ = State::kBody;
}

BinaryWriter& ModelWriter::body() {
  MXN_CHECK(state_ == State::kBody, "ModelWriter::body outside begin/end");
  return out_;
}

void ModelWriter::end() {
  MXN_CHECK(state_ == State::kBody, "ModelWriter::end without begin");
  out_.stream().write(kModelEndMagic, sizeof(kModelEndMagic));
  out_.stream().flush();
  if (!out_.stream()) throw Error(Code::kFailedPrecondition, "writing the model file failed");
  state_ = State::kEnded;
}

}  // namespace mxn::models
