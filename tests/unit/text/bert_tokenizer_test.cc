#include "text/bert_tokenizer.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "minilm_fixture.h"

namespace mxn::text {
namespace {

using mxn::testing::minilm_tiny_dir;
using mxn::testing::read_reference_lines;

std::string ids_to_string(const std::vector<std::int32_t>& ids) {
  std::string s = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) s += (i ? ", " : "") + std::to_string(ids[i]);
  return s + "]";
}

class BertTokenizerTest : public ::testing::Test {
 protected:
  static BertTokenizer load() {
    return BertTokenizer::from_vocab_file(minilm_tiny_dir() / "vocab.txt", BertTokenizerOptions{});
  }
  void expect_parity(const std::filesystem::path& file, std::size_t expected_lines) {
    const BertTokenizer tokenizer = load();
    const auto lines = read_reference_lines(file);
    ASSERT_EQ(lines.size(), expected_lines) << file;
    int mismatches = 0;
    for (const auto& line : lines) {
      const auto ids = tokenizer.encode(line.text);
      if (ids != line.input_ids) {
        ++mismatches;
        ADD_FAILURE() << file.filename() << " line " << line.line << " (" << line.tag << ")\n  got      "
                      << ids_to_string(ids) << "\n  expected " << ids_to_string(line.input_ids);
      }
    }
    EXPECT_EQ(mismatches, 0);
  }
};

TEST_F(BertTokenizerTest, ReproducesReferenceIds) {
  MXN_REQUIRE_MINILM_FIXTURE();
  expect_parity(minilm_tiny_dir() / "reference.jsonl", 88);
}

TEST_F(BertTokenizerTest, ReproducesTokenizerCases) {
  MXN_REQUIRE_MINILM_FIXTURE();
  expect_parity(minilm_tiny_dir() / "tokenizer_cases.jsonl", 415);
}
// A tiny vocabulary for behaviour tests that need no fixture.
BertTokenizer tiny(std::size_t max_length = 256) {
  BertTokenizerOptions options;
  options.max_length = max_length;
  return BertTokenizer({"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able", "hello", "world",
                        "!", "cafe", "a", "b", "##a"},
                       options);
}

TEST(BertTokenizerBehaviourTest, SplitsWordPiecesGreedily) {
  const BertTokenizer t = tiny();
  EXPECT_EQ(t.tokenize("unaffable"), (std::vector<std::string>{"un", "##aff", "##able"}));
  EXPECT_EQ(t.tokenize("Hello, World!"), (std::vector<std::string>{"hello", "[UNK]", "world", "!"}));
  EXPECT_EQ(t.tokenize("unaffablex"), (std::vector<std::string>{"[UNK]"}));  // no full split: one [UNK]
  EXPECT_EQ(t.tokenize("CAFÉ"), (std::vector<std::string>{"cafe"}));
  EXPECT_EQ(t.encode("hello"), (std::vector<std::int32_t>{2, 8, 3}));
}

TEST(BertTokenizerBehaviourTest, MatchesSpecialTokensVerbatimOnly) {
  const BertTokenizer t = tiny();
  EXPECT_EQ(t.encode("hello[SEP]world"), (std::vector<std::int32_t>{2, 8, 3, 9, 3}));
  EXPECT_EQ(t.encode("[MASK][PAD]"), (std::vector<std::int32_t>{2, 4, 0, 3}));
  EXPECT_EQ(t.tokenize("[sep]"), (std::vector<std::string>{"[UNK]", "[UNK]", "[UNK]"}));
}

TEST(BertTokenizerBehaviourTest, TruncatesToMaxLengthKeepingSep) {
  const BertTokenizer t = tiny(5);
  EXPECT_EQ(t.encode("a b a b a b"), (std::vector<std::int32_t>{2, 12, 13, 12, 3}));
  EXPECT_EQ(t.encode("a b a"), (std::vector<std::int32_t>{2, 12, 13, 12, 3}));
  EXPECT_EQ(t.encode(""), (std::vector<std::int32_t>{2, 3}));
}

TEST(BertTokenizerBehaviourTest, LongWordsBecomeUnknown) {
  const BertTokenizer t = tiny();
  EXPECT_EQ(t.tokenize(std::string(100, 'a')).size(), 100u);  // "a" then 99 x "##a"
  EXPECT_EQ(t.tokenize(std::string(101, 'a')), (std::vector<std::string>{"[UNK]"}));
}

TEST(BertTokenizerBehaviourTest, RequiresClsSepUnk) {
  try {
    BertTokenizer t({"[PAD]", "hello"}, BertTokenizerOptions{});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("[CLS]"), std::string::npos) << e.what();
  }
}

TEST(BertTokenizerBehaviourTest, MissingVocabularyFileIsNamed) {
  try {
    BertTokenizer::from_vocab_file("/nonexistent/dir/vocab.txt", BertTokenizerOptions{});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kNotFound);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/dir/vocab.txt"), std::string::npos) << e.what();
  }
}

TEST_F(BertTokenizerTest, NormalisesLikeTheRustBertNormalizer) {
  MXN_REQUIRE_MINILM_FIXTURE();
  const BertTokenizer t = load();
  EXPECT_EQ(t.normalize("Ca\u0301fÉ\tNaïve"), "cafe naive");
  EXPECT_EQ(t.normalize("a\u200bb\u00a0c"), "ab c");
  EXPECT_EQ(t.normalize("ΟΔΟΣ"), "οδοσ");  // per-character lowercase: no final sigma
  EXPECT_EQ(t.normalize("爱x"), " 爱 x");
  EXPECT_EQ(t.normalize("İ"), "i");
  EXPECT_EQ(t.encode("爱"), (std::vector<std::int32_t>{101, 100, 102}));
}
}  // namespace
}  // namespace mxn::text
