#pragma once
// Builds the text encoder a domain's embedding model is configured with (domains.<d>.models.embedding).

#include <memory>

#include "core/model_params.h"
#include "text/text_encoder.h"

namespace mxn::text {

/// "hashing" -> HashingEncoder with params.dim (not fitted); "minilm" -> MiniLmEncoder loaded from
/// params.model_path. Error{kInvalidArgument, field "encoder"} for another name or a bad dim,
/// field "model_path" when minilm has none; loading errors as MiniLmEncoder reports them.
std::unique_ptr<TextEncoder> make_text_encoder(const EmbeddingParams& params);

}  // namespace mxn::text
