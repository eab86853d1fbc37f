#include "text/hashing_encoder.h"

#include <utf8proc.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/model_params.h"
#include "text/char_class.h"
#include "text/hash.h"
#include "text/utf8.h"

namespace mxn::text {

namespace {

constexpr std::uint32_t kFormatVersion = 1;
constexpr std::uint64_t kUnigramSeed = 0x756e69;  // "uni"
constexpr std::uint64_t kBigramSeed = 0x6269;     // "bi"
constexpr std::uint64_t kTrigramSeed = 0x747269;  // "tri"

constexpr auto kNormalizeOptions = static_cast<utf8proc_option_t>(
    UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK |
    UTF8PROC_IGNORE | UTF8PROC_STRIPCC);

std::uint64_t hash_code_points(const char32_t* begin, const char32_t* end) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char32_t* p = begin; p != end; ++p) {
    h ^= static_cast<std::uint64_t>(*p);
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace

void HashingEncoderOptions::validate() const {
  std::vector<FieldError> problems;
  constexpr std::size_t kMaxDim = EmbeddingParams::kMaxHashingDim;
  if (dim < 1 || dim > kMaxDim) {
    problems.push_back({"dim", "must be in 1.." + std::to_string(kMaxDim) + ", got " + std::to_string(dim)});
  }
  if (idf_bits < 8 || idf_bits > 26) {
    problems.push_back({"idf_bits", "must be in 8..26, got " + std::to_string(idf_bits)});
  }
  if (!problems.empty()) throw Error(std::move(problems));
}

HashingEncoder::HashingEncoder(HashingEncoderOptions options) : options_(options) { options_.validate(); }

std::string HashingEncoder::fingerprint() const {
  return "hashing:v" + std::to_string(kFormatVersion) + ":dim=" + std::to_string(options_.dim) +
         ":idf_bits=" + std::to_string(options_.idf_bits) + ":bigrams=" + (options_.word_bigrams ? "1" : "0") +
         ":trigrams=" + (options_.char_trigrams ? "1" : "0") + ":docs=" + std::to_string(documents_) +
         ":idf=" + (idf_.empty() ? std::string("none") : hex64(idf_hash_));
}

void HashingEncoder::normalize(std::string_view text, Scratch& s) const {
  s.cps.clear();
  if (is_ascii(text)) {
    for (char c : text) {
      const auto u = static_cast<unsigned char>(c);
      s.cps.push_back(u >= 'A' && u <= 'Z' ? u + 32 : u);
    }
    return;
  }
  std::string sanitized;
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  auto length = static_cast<utf8proc_ssize_t>(text.size());
  for (int attempt = 0; attempt < 3; ++attempt) {
    s.utf32.resize(text.size() * 2 + 16);
    utf8proc_ssize_t n = utf8proc_decompose(bytes, length, s.utf32.data(),
                                            static_cast<utf8proc_ssize_t>(s.utf32.size()), kNormalizeOptions);
    if (n > static_cast<utf8proc_ssize_t>(s.utf32.size())) {
      s.utf32.resize(static_cast<std::size_t>(n));
      n = utf8proc_decompose(bytes, length, s.utf32.data(), n, kNormalizeOptions);
    }
    if (n == UTF8PROC_ERROR_INVALIDUTF8 && sanitized.empty()) {
      // Replace invalid bytes by U+FFFD and try again.
      std::vector<char32_t> cps;
      decode_utf8(text, cps);
      sanitized = encode_utf8(cps.data(), cps.data() + cps.size());
      bytes = reinterpret_cast<const utf8proc_uint8_t*>(sanitized.data());
      length = static_cast<utf8proc_ssize_t>(sanitized.size());
      continue;
    }
    if (n < 0) break;
    n = utf8proc_normalize_utf32(s.utf32.data(), n, kNormalizeOptions);
    if (n < 0) break;
    for (utf8proc_ssize_t i = 0; i < n; ++i) s.cps.push_back(static_cast<char32_t>(s.utf32[static_cast<std::size_t>(i)]));
    return;
  }
  // Normalisation failed (cannot happen for valid UTF-8): fall back to the decoded code points.
  decode_utf8(text, s.cps);
}

void HashingEncoder::extract_features(std::string_view text, Scratch& s) const {
  normalize(text, s);
  s.words.clear();
  s.features.clear();
  const std::size_t n = s.cps.size();
  std::size_t i = 0;
  while (i < n) {
    if (is_cjk_ideograph(s.cps[i])) {
      s.words.emplace_back(i, i + 1);
      ++i;
    } else if (is_word_char(s.cps[i])) {
      std::size_t j = i + 1;
      while (j < n && is_word_char(s.cps[j]) && !is_cjk_ideograph(s.cps[j])) ++j;
      s.words.emplace_back(i, j);
      i = j;
    } else {
      ++i;
    }
  }
  std::uint64_t previous = 0;
  for (std::size_t w = 0; w < s.words.size(); ++w) {
    const auto [b, e] = s.words[w];
    const std::uint64_t word = mix64(hash_code_points(s.cps.data() + b, s.cps.data() + e) ^ kUnigramSeed);
    s.features.push_back(word);
    if (options_.word_bigrams && w > 0) s.features.push_back(hash_combine(previous ^ kBigramSeed, word));
    previous = word;
  }
  if (options_.char_trigrams && !s.words.empty()) {
    // Trigrams of " w1 w2 ... wn ": every word with its boundaries, and the joins between words.
    char32_t a = ' ';
    char32_t b = 0;
    std::size_t seen = 1;
    auto push = [&](char32_t c) {
      if (seen >= 2) {
        const std::uint64_t packed = static_cast<std::uint64_t>(a) | (static_cast<std::uint64_t>(b) << 21) |
                                     (static_cast<std::uint64_t>(c) << 42);
        s.features.push_back(mix64(packed ^ mix64(kTrigramSeed)));
      }
      if (seen == 1) {
        b = c;
      } else {
        a = b;
        b = c;
      }
      ++seen;
    };
    for (std::size_t w = 0; w < s.words.size(); ++w) {
      if (w > 0) push(' ');
      for (std::size_t k = s.words[w].first; k < s.words[w].second; ++k) push(s.cps[k]);
    }
    push(' ');
  }
}

void HashingEncoder::encode_row(std::string_view text, Scratch& s, std::span<float> row) const {
  extract_features(text, s);
  std::sort(s.features.begin(), s.features.end());
  const std::size_t n = s.features.size();
  const int shift = 64 - options_.idf_bits;
  double sum_sq = 0.0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i + 1;
    while (j < n && s.features[j] == s.features[i]) ++j;
    const std::uint64_t f = s.features[i];
    const double tf = 1.0 + std::log(static_cast<double>(j - i));
    const double idf = idf_.empty() ? 1.0 : idf_[static_cast<std::size_t>(f >> shift)];
    const auto weight = static_cast<float>(tf * idf);
    const std::uint64_t g = mix64(f);
    float& cell = row[static_cast<std::size_t>(g % options_.dim)];
    cell += (f & 1u) ? -weight : weight;
    i = j;
  }
  for (float v : row) sum_sq += static_cast<double>(v) * v;
  if (sum_sq > 0.0) {
    const auto inv = static_cast<float>(1.0 / std::sqrt(sum_sq));
    for (float& v : row) v *= inv;
  }
}

EmbeddingMatrix HashingEncoder::encode(std::span<const std::string> texts) const {
  EmbeddingMatrix out(texts.size(), options_.dim);
  const auto n = static_cast<std::ptrdiff_t>(texts.size());
#pragma omp parallel if (n >= 64)
  {
    Scratch scratch;
#pragma omp for schedule(dynamic, 64)
    for (std::ptrdiff_t i = 0; i < n; ++i) {
      encode_row(texts[static_cast<std::size_t>(i)], scratch, out.row(static_cast<std::size_t>(i)));
    }
  }
  return out;
}

void HashingEncoder::fit(std::span<const std::string> texts) {
  const std::size_t buckets = std::size_t{1} << options_.idf_bits;
  const int shift = 64 - options_.idf_bits;
  std::vector<std::uint32_t> df(buckets, 0);
  const auto n = static_cast<std::ptrdiff_t>(texts.size());
#pragma omp parallel if (n >= 256)
  {
    Scratch scratch;
    std::vector<std::uint32_t> local(buckets, 0);
    std::vector<std::uint32_t> seen;
#pragma omp for schedule(dynamic, 256)
    for (std::ptrdiff_t i = 0; i < n; ++i) {
      extract_features(texts[static_cast<std::size_t>(i)], scratch);
      seen.clear();
      for (std::uint64_t f : scratch.features) seen.push_back(static_cast<std::uint32_t>(f >> shift));
      std::sort(seen.begin(), seen.end());
      seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
      for (std::uint32_t b : seen) ++local[b];
    }
#pragma omp critical(mxn_hashing_fit)
    for (std::size_t b = 0; b < buckets; ++b) df[b] += local[b];
  }
  set_document_frequencies(texts.size(), std::move(df));
}

void HashingEncoder::set_document_frequencies(std::uint64_t documents, std::vector<std::uint32_t> df) {
  documents_ = documents;
  df_ = std::move(df);
  idf_.resize(df_.size());
  for (std::size_t b = 0; b < df_.size(); ++b) {
    idf_[b] = static_cast<float>(std::log((1.0 + static_cast<double>(documents)) / (1.0 + df_[b])) + 1.0);
  }
  idf_hash_ = hash_combine(hash_memory(df_.data(), df_.size() * sizeof(std::uint32_t)), documents);
}

void HashingEncoder::save(BinaryWriter& out) const {
  out.write_string("hashing");
  out.write<std::uint32_t>(kFormatVersion);
  out.write<std::uint64_t>(options_.dim);
  out.write<std::int32_t>(options_.idf_bits);
  out.write<std::uint8_t>(options_.word_bigrams ? 1 : 0);
  out.write<std::uint8_t>(options_.char_trigrams ? 1 : 0);
  out.write<std::uint8_t>(idf_.empty() ? 0 : 1);
  out.write<std::uint64_t>(documents_);
  std::vector<std::uint32_t> buckets;
  std::vector<std::uint32_t> counts;
  for (std::size_t b = 0; b < df_.size(); ++b) {
    if (df_[b] != 0) {
      buckets.push_back(static_cast<std::uint32_t>(b));
      counts.push_back(df_[b]);
    }
  }
  out.write_vector(buckets);
  out.write_vector(counts);
}

void HashingEncoder::load(BinaryReader& in) {
  const std::string kind = in.read_string("hashing encoder name");
  if (kind != "hashing") throw Error(Code::kCorrupt, "expected a hashing encoder, found '" + kind + "'");
  const auto version = in.read<std::uint32_t>("hashing encoder version");
  if (version != kFormatVersion) {
    throw Error(Code::kCorrupt, "hashing encoder format version " + std::to_string(version) + " is not supported");
  }
  HashingEncoderOptions options;
  options.dim = static_cast<std::size_t>(in.read<std::uint64_t>("hashing encoder dim"));
  options.idf_bits = in.read<std::int32_t>("hashing encoder idf_bits");
  options.word_bigrams = in.read<std::uint8_t>("hashing encoder bigrams") != 0;
  options.char_trigrams = in.read<std::uint8_t>("hashing encoder trigrams") != 0;
  const bool fitted = in.read<std::uint8_t>("hashing encoder fitted") != 0;
  const auto documents = in.read<std::uint64_t>("hashing encoder documents");
  const auto buckets = in.read_vector<std::uint32_t>("hashing encoder idf buckets");
  const auto counts = in.read_vector<std::uint32_t>("hashing encoder idf counts");
  try {
    options.validate();
  } catch (const Error& e) {
    throw Error(Code::kCorrupt, std::string("saved hashing encoder: ") + e.what());
  }
  const std::size_t size = std::size_t{1} << options.idf_bits;
  if (buckets.size() != counts.size()) throw Error(Code::kCorrupt, "hashing encoder IDF table is inconsistent");
  std::vector<std::uint32_t> df(fitted ? size : 0, 0);
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    if (!fitted || buckets[i] >= size || counts[i] > documents) {
      throw Error(Code::kCorrupt, "hashing encoder IDF entry out of range");
    }
    df[buckets[i]] = counts[i];
  }
  options_ = options;
  if (fitted) {
    set_document_frequencies(documents, std::move(df));
  } else {
    documents_ = 0;
    df_.clear();
    idf_.clear();
    idf_hash_ = 0;
  }
}

std::vector<std::string> HashingEncoder::words(std::string_view text) const {
  Scratch s;
  extract_features(text, s);
  std::vector<std::string> out;
  out.reserve(s.words.size());
  for (const auto& [b, e] : s.words) out.push_back(encode_utf8(s.cps.data() + b, s.cps.data() + e));
  return out;
}

}  // namespace mxn::text
