#include "text/encoder_factory.h"

#include "core/error.h"
#include "text/hashing_encoder.h"
#include "text/minilm_encoder.h"

namespace mxn::text {

std::unique_ptr<TextEncoder> make_text_encoder(const EmbeddingParams& params) {
  if (params.encoder == "hashing") {
    if (params.dim < 1) throw Error(Code::kInvalidArgument, "must be >= 1", "dim");
    HashingEncoderOptions options;
    options.dim = static_cast<std::size_t>(params.dim);
    return std::make_unique<HashingEncoder>(options);
  }
  if (params.encoder == "minilm") {
    if (params.model_path.empty()) {
      throw Error(Code::kInvalidArgument, "the minilm encoder needs a model folder", "model_path");
    }
    return std::make_unique<MiniLmEncoder>(params.model_path);
  }
  throw Error(Code::kInvalidArgument, "unknown encoder '" + params.encoder + "' (hashing, minilm)", "encoder");
}

}  // namespace mxn::text
