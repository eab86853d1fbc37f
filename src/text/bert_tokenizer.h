#pragma once
// BERT WordPiece tokenizer, bit-exact with the Hugging Face `tokenizers` (Rust) pipeline that
// sentence-transformers uses for BERT models such as all-MiniLM-L6-v2:
//   special tokens matched verbatim in the raw text -> BertNormalizer (clean text, CJK padding,
//   NFD + drop Mn, per-character lowercase) -> BertPreTokenizer (whitespace, punctuation) ->
//   WordPiece (greedy longest match, "##" continuations, [UNK]) -> [CLS] ... [SEP], truncated.
// Immutable after construction; encode() is thread-safe.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mxn::text {

struct BertTokenizerOptions {
  bool lowercase = true;                    // BertNormalizer lowercase (tokenizer_config do_lower_case)
  bool strip_accents = true;                // NFD + drop Mn; tokenizer_config strip_accents null = lowercase
  bool handle_chinese_chars = true;         // pad CJK ideographs with spaces
  bool clean_text = true;                   // drop controls, turn whitespace into spaces
  std::size_t max_length = 256;             // ids in total, [CLS] and [SEP] included (>= 2)
  std::size_t max_input_chars_per_word = 100;  // longer words (code points) become [UNK]
};

class BertTokenizer {
 public:
  /// vocab: token strings in id order (id = position). Must contain [UNK], [CLS] and [SEP];
  /// [PAD] and [MASK] are optional. Throws Error{kInvalidArgument} otherwise.
  BertTokenizer(std::vector<std::string> vocab, BertTokenizerOptions options);

  /// Reads vocab.txt (one token per line, id = line number - 1). Throws Error{kNotFound} naming the file
  /// when it cannot be read, Error{kCorrupt} when it is empty or lacks a required token.
  static BertTokenizer from_vocab_file(const std::filesystem::path& vocab_txt, BertTokenizerOptions options);

  /// Token ids of one text: [CLS], word pieces (at most max_length - 2), [SEP].
  std::vector<std::int32_t> encode(std::string_view text) const;

  /// Word pieces of one text as strings, without [CLS]/[SEP] and without truncation (diagnostics).
  std::vector<std::string> tokenize(std::string_view text) const;

  /// The normalised text the pre-tokenizer sees (diagnostics; special tokens are not treated apart).
  std::string normalize(std::string_view text) const;

  std::size_t vocab_size() const { return vocab_.size(); }
  const std::string& token(std::int32_t id) const { return vocab_.at(static_cast<std::size_t>(id)); }
  /// Id of an exact vocabulary entry, or -1.
  std::int32_t find(std::string_view token) const;
  std::int32_t cls_id() const { return cls_id_; }
  std::int32_t sep_id() const { return sep_id_; }
  std::int32_t unk_id() const { return unk_id_; }
  /// Id of [PAD], or 0 when the vocabulary has none.
  std::int32_t pad_id() const { return pad_id_; }
  const BertTokenizerOptions& options() const { return options_; }
  /// 64-bit hash of the vocabulary and options; part of the encoder fingerprint.
  std::uint64_t hash() const;

 private:
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using TokenMap = std::unordered_map<std::string, std::int32_t, StringHash, std::equal_to<>>;
  struct Special {
    std::string text;
    std::int32_t id;
  };

  // Appends the ids of raw text (special tokens split out first) to `ids`.
  void append_ids(std::string_view text, std::vector<std::int32_t>& ids) const;
  // Normalises, pre-tokenizes and word-pieces a text segment that holds no special token.
  void append_segment_ids(std::string_view segment, std::vector<std::int32_t>& ids) const;
  void normalize_into(std::string_view segment, std::vector<char32_t>& out) const;
  void append_word_ids(const char32_t* begin, const char32_t* end, std::vector<std::int32_t>& ids) const;

  std::vector<std::string> vocab_;
  TokenMap words_;          // pieces that may start a word
  TokenMap continuations_;  // "##x" entries, keyed without the "##"
  std::vector<Special> specials_;
  BertTokenizerOptions options_;
  std::int32_t cls_id_ = -1;
  std::int32_t sep_id_ = -1;
  std::int32_t unk_id_ = -1;
  std::int32_t pad_id_ = 0;
};

}  // namespace mxn::text
