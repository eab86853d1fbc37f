#pragma once
// The default text encoder: needs no files. A text is normalised (Unicode NFKC, case folded, accents and
// other marks stripped), split into words (runs of letters/digits; each CJK ideograph is a word), and
// turned into features: word unigrams, word bigrams and character trigrams of " w1 w2 ... ". Each feature
// is hashed to one of dim() columns with a hashed sign (signed feature hashing) and weighted by sublinear
// TF (1 + ln tf) x IDF; the row is L2-normalised. The IDF is learned by fit() over a catalog and kept
// per feature hash bucket (2^idf_bits buckets, independent of dim); before fit() every IDF is 1.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "text/text_encoder.h"

namespace mxn::text {

struct HashingEncoderOptions {
  std::size_t dim = 384;     // output columns
  int idf_bits = 20;         // IDF table size 2^idf_bits (8..26)
  bool word_bigrams = true;
  bool char_trigrams = true;
  /// Throws Error{kInvalidArgument} naming the bad field.
  void validate() const;
  bool operator==(const HashingEncoderOptions&) const = default;
};

class HashingEncoder final : public TextEncoder {
 public:
  explicit HashingEncoder(HashingEncoderOptions options = {});

  std::string_view name() const override { return "hashing"; }
  std::size_t dim() const override { return options_.dim; }
  /// "hashing:v1:dim=384:idf_bits=20:bigrams=1:trigrams=1:docs=<n>:idf=<hash or none>".
  std::string fingerprint() const override;
  /// Parallel over texts (OpenMP).
  EmbeddingMatrix encode(std::span<const std::string> texts) const override;
  /// Replaces the IDF table with one learned from `texts` (document frequency of each feature bucket):
  /// idf = ln((1 + n) / (1 + df)) + 1.
  void fit(std::span<const std::string> texts) override;
  /// Options, document count and the non-zero document frequencies.
  void save(BinaryWriter& out) const override;
  /// Replaces options and IDF with the saved ones.
  void load(BinaryReader& in) override;

  /// The normalised words of a text, in order (diagnostics and tests).
  std::vector<std::string> words(std::string_view text) const;
  /// Texts the IDF was learned from (0 = not fitted).
  std::uint64_t documents() const { return documents_; }
  const HashingEncoderOptions& options() const { return options_; }

 private:
  struct Scratch {
    std::vector<char32_t> cps;             // normalised code points
    std::vector<std::int32_t> utf32;       // utf8proc work buffer
    std::vector<std::pair<std::size_t, std::size_t>> words;  // [begin, end) into cps
    std::vector<std::uint64_t> features;   // one hash per feature occurrence
  };
  void normalize(std::string_view text, Scratch& s) const;
  void extract_features(std::string_view text, Scratch& s) const;
  void encode_row(std::string_view text, Scratch& s, std::span<float> row) const;
  void set_document_frequencies(std::uint64_t documents, std::vector<std::uint32_t> df);

  HashingEncoderOptions options_;
  std::uint64_t documents_ = 0;
  std::vector<std::uint32_t> df_;   // 2^idf_bits document frequencies; empty when not fitted
  std::vector<float> idf_;          // 2^idf_bits; empty when not fitted (IDF 1)
  std::uint64_t idf_hash_ = 0;
};

}  // namespace mxn::text
