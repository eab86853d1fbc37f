#include "text/text_encoder.h"

#include <cmath>

namespace mxn::text {

void TextEncoder::fit(std::span<const std::string> /*texts*/) {}

std::vector<float> TextEncoder::encode_one(std::string_view text) const {
  const std::string owned(text);
  EmbeddingMatrix m = encode(std::span<const std::string>(&owned, 1));
  return std::move(m.data);
}

void l2_normalize_rows(EmbeddingMatrix& m) {
  for (std::size_t i = 0; i < m.rows; ++i) {
    auto row = m.row(i);
    double sum = 0.0;
    for (float v : row) sum += static_cast<double>(v) * v;
    const double norm = std::sqrt(sum);
    if (norm < 1e-12) continue;
    const auto inv = static_cast<float>(1.0 / norm);
    for (float& v : row) v *= inv;
  }
}

}  // namespace mxn::text
