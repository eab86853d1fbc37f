#pragma once
// Character classes of the BERT normaliser and pre-tokenizer, defined as the Hugging Face `tokenizers`
// Rust implementation defines them (see shared/fixtures/minilm-tiny/README.md), with Unicode
// properties from utf8proc.

namespace mxn::text {

/// Rust char::is_whitespace (Unicode White_Space), which includes tab, LF and CR.
bool is_bert_whitespace(char32_t cp);

/// Removed by the BERT "clean text" step: categories Cc, Cf, Co, Cs except tab, LF and CR.
/// Unassigned code points (Cn) are not controls.
bool is_bert_control(char32_t cp);

/// ASCII punctuation or any Unicode P* category; each becomes a word of its own.
bool is_bert_punctuation(char32_t cp);

/// CJK ideograph ranges of the Rust BertNormalizer (note the gap U+2B820-U+2B91F).
bool is_cjk_ideograph(char32_t cp);

/// Unicode category Mn (nonspacing mark), dropped when accents are stripped.
bool is_nonspacing_mark(char32_t cp);

/// Unicode canonical combining class (0 for starters).
int combining_class(char32_t cp);

/// Letter (L*), number (N*) or mark (M*): the characters words are made of (hashing encoder).
bool is_word_char(char32_t cp);

}  // namespace mxn::text
