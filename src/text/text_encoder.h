#pragma once
// A TextEncoder turns texts into dense, L2-normalised vectors so that inner product = cosine
// similarity. Implementations: HashingEncoder ("hashing", needs no files) and MiniLmEncoder ("minilm",
// a sentence-transformers BERT folder). Encoders are immutable during encode(): encode() is thread-safe;
// fit() and load() are not and must not run concurrently with anything else.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/binary_io.h"

namespace mxn::text {

/// Row-major float matrix: rows = texts, cols = encoder dim(); row i is data[i * cols, (i + 1) * cols).
struct EmbeddingMatrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<float> data;

  EmbeddingMatrix() = default;
  EmbeddingMatrix(std::size_t rows, std::size_t cols) : rows(rows), cols(cols), data(rows * cols, 0.0f) {}
  std::span<float> row(std::size_t i) { return {data.data() + i * cols, cols}; }
  std::span<const float> row(std::size_t i) const { return {data.data() + i * cols, cols}; }
};

class TextEncoder {
 public:
  virtual ~TextEncoder() = default;

  /// "hashing", "minilm".
  virtual std::string_view name() const = 0;
  /// Output dimension (columns of encode()).
  virtual std::size_t dim() const = 0;
  /// Changes whenever the output of encode() could change (name, dim, learned tables, weights, tokenizer):
  /// stored next to embeddings so stale vectors are recomputed.
  virtual std::string fingerprint() const = 0;

  /// texts: n UTF-8 strings (invalid bytes are tolerated). Returns n x dim(), each row with L2 norm 1, or
  /// all zeros for a text without any feature (hashing encoder: empty or only punctuation).
  virtual EmbeddingMatrix encode(std::span<const std::string> texts) const = 0;

  /// Learns from a catalog of texts (hashing: the IDF table). Optional: encoders with nothing to learn
  /// keep this default, which does nothing.
  virtual void fit(std::span<const std::string> texts);

  /// Writes what a later load() needs to reproduce this encoder's output (hashing: options and IDF;
  /// minilm: its fingerprint, the weights stay in the model folder).
  virtual void save(BinaryWriter& out) const = 0;
  /// Restores state written by save() of the same encoder type: Error{kCorrupt} for a bad or foreign
  /// stream, Error{kFailedPrecondition} when a minilm folder no longer matches the saved fingerprint.
  virtual void load(BinaryReader& in) = 0;

  /// One text: dim() floats.
  std::vector<float> encode_one(std::string_view text) const;
};

/// Scales each row of `m` to unit L2 norm (rows with norm below 1e-12 are left as they are).
void l2_normalize_rows(EmbeddingMatrix& m);

}  // namespace mxn::text
