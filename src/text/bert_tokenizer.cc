#include "text/bert_tokenizer.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <fstream>

#include "core/error.h"
#include "text/char_class.h"
#include "text/hash.h"
#include "text/utf8.h"

namespace mxn::text {

namespace {

constexpr std::array<std::string_view, 5> kSpecialTokens = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};

// Rust char::to_lowercase for one code point, appended to out (U+0130 maps to two code points).
void append_lowercase(char32_t cp, std::vector<char32_t>& out) {
  if (cp < 0x80) {
    out.push_back(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
    return;
  }
  if (cp == 0x130) {
    out.push_back('i');
    out.push_back(0x307);
    return;
  }
  out.push_back(static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp))));
}

// Canonical decomposition (NFD) of `in`, including the canonical reordering of combining marks.
void nfd(const std::vector<char32_t>& in, std::vector<char32_t>& out) {
  out.clear();
  out.reserve(in.size() + in.size() / 4);
  std::array<utf8proc_int32_t, 32> buf{};
  for (char32_t cp : in) {
    if (cp < 0xC0) {
      out.push_back(cp);
      continue;
    }
    const auto n = utf8proc_decompose_char(static_cast<utf8proc_int32_t>(cp), buf.data(),
                                           static_cast<utf8proc_ssize_t>(buf.size()), UTF8PROC_DECOMPOSE, nullptr);
    if (n <= 0 || n > static_cast<utf8proc_ssize_t>(buf.size())) {
      out.push_back(cp);
      continue;
    }
    for (utf8proc_ssize_t i = 0; i < n; ++i) out.push_back(static_cast<char32_t>(buf[static_cast<std::size_t>(i)]));
  }
  // Canonical ordering: stable sort of each run of non-starters by combining class.
  std::size_t i = 0;
  while (i < out.size()) {
    if (combining_class(out[i]) == 0) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < out.size() && combining_class(out[j]) != 0) ++j;
    if (j - i > 1) {
      std::stable_sort(out.begin() + static_cast<std::ptrdiff_t>(i), out.begin() + static_cast<std::ptrdiff_t>(j),
                       [](char32_t a, char32_t b) { return combining_class(a) < combining_class(b); });
    }
    i = j;
  }
}

}  // namespace

BertTokenizer::BertTokenizer(std::vector<std::string> vocab, BertTokenizerOptions options)
    : vocab_(std::move(vocab)), options_(options) {
  if (options_.max_length < 2) {
    throw Error(Code::kInvalidArgument, "max_length must be at least 2 ([CLS] and [SEP])", "max_length");
  }
  words_.reserve(vocab_.size());
  for (std::size_t i = 0; i < vocab_.size(); ++i) {
    const auto id = static_cast<std::int32_t>(i);
    const std::string& token = vocab_[i];
    // Later duplicates win, as in the reference vocabulary readers.
    if (token.size() > 2 && token[0] == '#' && token[1] == '#') {
      continuations_.insert_or_assign(token.substr(2), id);
    }
    words_.insert_or_assign(token, id);
  }
  for (std::string_view special : kSpecialTokens) {
    const std::int32_t id = find(special);
    if (id >= 0) specials_.push_back({std::string(special), id});
  }
  // Longest first, so that a longer special token wins over a shorter one at the same position.
  std::stable_sort(specials_.begin(), specials_.end(),
                   [](const Special& a, const Special& b) { return a.text.size() > b.text.size(); });
  cls_id_ = find("[CLS]");
  sep_id_ = find("[SEP]");
  unk_id_ = find("[UNK]");
  pad_id_ = std::max<std::int32_t>(find("[PAD]"), 0);
  std::vector<std::string> missing;
  if (cls_id_ < 0) missing.emplace_back("[CLS]");
  if (sep_id_ < 0) missing.emplace_back("[SEP]");
  if (unk_id_ < 0) missing.emplace_back("[UNK]");
  if (!missing.empty()) {
    std::string names;
    for (const auto& m : missing) names += (names.empty() ? "" : ", ") + m;
    throw Error(Code::kInvalidArgument, "vocabulary lacks required token(s) " + names, "vocab");
  }
}

BertTokenizer BertTokenizer::from_vocab_file(const std::filesystem::path& vocab_txt, BertTokenizerOptions options) {
  std::ifstream in(vocab_txt, std::ios::binary);
  if (!in) throw Error(Code::kNotFound, "cannot read vocabulary file " + vocab_txt.string());
  std::vector<std::string> vocab;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    vocab.push_back(line);
  }
  if (vocab.empty()) throw Error(Code::kCorrupt, "vocabulary file is empty: " + vocab_txt.string());
  try {
    return BertTokenizer(std::move(vocab), options);
  } catch (const Error& e) {
    throw Error(Code::kCorrupt, vocab_txt.string() + ": " + e.problems().front().message);
  }
}

std::int32_t BertTokenizer::find(std::string_view token) const {
  auto it = words_.find(token);
  return it == words_.end() ? -1 : it->second;
}

std::vector<std::int32_t> BertTokenizer::encode(std::string_view text) const {
  std::vector<std::int32_t> ids;
  ids.reserve(text.size() / 3 + 4);
  ids.push_back(cls_id_);
  append_ids(text, ids);
  const std::size_t max_pieces = options_.max_length - 2;
  if (ids.size() - 1 > max_pieces) ids.resize(max_pieces + 1);
  ids.push_back(sep_id_);
  return ids;
}

std::vector<std::string> BertTokenizer::tokenize(std::string_view text) const {
  std::vector<std::int32_t> ids;
  append_ids(text, ids);
  std::vector<std::string> pieces;
  pieces.reserve(ids.size());
  for (std::int32_t id : ids) pieces.push_back(token(id));
  return pieces;
}

std::string BertTokenizer::normalize(std::string_view text) const {
  std::vector<char32_t> cps;
  normalize_into(text, cps);
  return encode_utf8(cps.data(), cps.data() + cps.size());
}

void BertTokenizer::append_ids(std::string_view text, std::vector<std::int32_t>& ids) const {
  std::size_t segment_start = 0;
  std::size_t pos = text.find('[');
  while (pos != std::string_view::npos) {
    const Special* match = nullptr;
    for (const Special& s : specials_) {
      if (text.compare(pos, s.text.size(), s.text) == 0) {
        match = &s;
        break;
      }
    }
    if (match == nullptr) {
      pos = text.find('[', pos + 1);
      continue;
    }
    append_segment_ids(text.substr(segment_start, pos - segment_start), ids);
    ids.push_back(match->id);
    segment_start = pos + match->text.size();
    pos = text.find('[', segment_start);
  }
  append_segment_ids(text.substr(segment_start), ids);
}

void BertTokenizer::normalize_into(std::string_view segment, std::vector<char32_t>& out) const {
  std::vector<char32_t> decoded;
  decoded.reserve(segment.size());
  decode_utf8(segment, decoded);

  std::vector<char32_t> cleaned;
  cleaned.reserve(decoded.size() + 8);
  for (char32_t cp : decoded) {
    if (options_.clean_text) {
      if (cp == 0 || cp == 0xFFFD || is_bert_control(cp)) continue;
      if (is_bert_whitespace(cp)) cp = ' ';
    }
    if (options_.handle_chinese_chars && is_cjk_ideograph(cp)) {
      cleaned.push_back(' ');
      cleaned.push_back(cp);
      cleaned.push_back(' ');
    } else {
      cleaned.push_back(cp);
    }
  }

  const std::vector<char32_t>* current = &cleaned;
  std::vector<char32_t> decomposed;
  if (options_.strip_accents) {
    nfd(cleaned, decomposed);
    std::erase_if(decomposed, [](char32_t cp) { return is_nonspacing_mark(cp); });
    current = &decomposed;
  }
  out.clear();
  out.reserve(current->size());
  if (options_.lowercase) {
    for (char32_t cp : *current) append_lowercase(cp, out);
  } else {
    out.insert(out.end(), current->begin(), current->end());
  }
}

void BertTokenizer::append_segment_ids(std::string_view segment, std::vector<std::int32_t>& ids) const {
  if (segment.empty()) return;
  std::vector<char32_t> cps;
  normalize_into(segment, cps);
  // BertPreTokenizer: whitespace separates words and is dropped; punctuation is a word of its own.
  std::size_t start = 0;
  for (std::size_t i = 0; i <= cps.size(); ++i) {
    const bool at_end = i == cps.size();
    const bool space = !at_end && is_bert_whitespace(cps[i]);
    const bool punct = !at_end && !space && is_bert_punctuation(cps[i]);
    if (at_end || space || punct) {
      if (i > start) append_word_ids(cps.data() + start, cps.data() + i, ids);
      if (punct) append_word_ids(cps.data() + i, cps.data() + i + 1, ids);
      start = i + 1;
    }
  }
}

void BertTokenizer::append_word_ids(const char32_t* begin, const char32_t* end, std::vector<std::int32_t>& ids) const {
  const auto n = static_cast<std::size_t>(end - begin);
  if (n > options_.max_input_chars_per_word) {
    ids.push_back(unk_id_);
    return;
  }
  // UTF-8 of the word with the byte offset of every code point, so pieces are views into one buffer.
  std::string utf8;
  std::vector<std::size_t> offsets;
  offsets.reserve(n + 1);
  for (const char32_t* p = begin; p != end; ++p) {
    offsets.push_back(utf8.size());
    append_utf8(*p, utf8);
  }
  offsets.push_back(utf8.size());

  const std::size_t first_new = ids.size();
  std::size_t start = 0;
  while (start < n) {
    std::size_t stop = n;
    std::int32_t piece = -1;
    const TokenMap& map = start == 0 ? words_ : continuations_;
    while (stop > start) {
      const std::string_view sub(utf8.data() + offsets[start], offsets[stop] - offsets[start]);
      auto it = map.find(sub);
      if (it != map.end()) {
        piece = it->second;
        break;
      }
      --stop;
    }
    if (piece < 0) {
      ids.resize(first_new);
      ids.push_back(unk_id_);
      return;
    }
    ids.push_back(piece);
    start = stop;
  }
}

std::uint64_t BertTokenizer::hash() const {
  std::uint64_t h = hash_bytes("bert-tokenizer-v1");
  for (const auto& token : vocab_) h = hash_combine(h, hash_bytes(token));
  h = hash_combine(h, (options_.lowercase ? 1u : 0u) | (options_.strip_accents ? 2u : 0u) |
                          (options_.handle_chinese_chars ? 4u : 0u) | (options_.clean_text ? 8u : 0u));
  h = hash_combine(h, options_.max_length);
  h = hash_combine(h, options_.max_input_chars_per_word);
  return h;
}

}  // namespace mxn::text
