#include "text/hashing_encoder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "core/error.h"
#include "text/encoder_factory.h"

namespace mxn::text {
namespace {

double dot(std::span<const float> a, std::span<const float> b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += static_cast<double>(a[i]) * b[i];
  return s;
}

double norm(std::span<const float> a) { return std::sqrt(dot(a, a)); }

std::vector<std::string> catalog() {
  return {"The Matrix (1999) Action|Sci-Fi",
          "The Matrix Reloaded (2003) Action|Sci-Fi|Thriller",
          "Toy Story (1995) Adventure|Animation|Children|Comedy|Fantasy",
          "Toy Story 2 (1999) Adventure|Animation|Children|Comedy|Fantasy",
          "Heat (1995) Action|Crime|Thriller",
          "Bohemian Rhapsody - Queen",
          "Clair de Lune - Claude Debussy",
          "Write the quarterly report for the finance team",
          "Buy groceries: milk, eggs, bread",
          "Café au lait à Paris",
          "東京の天気"};
}

TEST(HashingEncoderTest, IsDeterministic) {
  const HashingEncoder a;
  const HashingEncoder b;
  const auto texts = catalog();
  const EmbeddingMatrix first = a.encode(texts);
  EXPECT_EQ(first.data, a.encode(texts).data);
  EXPECT_EQ(first.data, b.encode(texts).data);
  EXPECT_EQ(a.fingerprint(), b.fingerprint());
}

TEST(HashingEncoderTest, RowsHaveUnitNorm) {
  HashingEncoder encoder;
  encoder.fit(catalog());
  const EmbeddingMatrix m = encoder.encode(catalog());
  ASSERT_EQ(m.rows, catalog().size());
  ASSERT_EQ(m.cols, 384u);
  for (std::size_t i = 0; i < m.rows; ++i) EXPECT_NEAR(norm(m.row(i)), 1.0, 1e-5) << catalog()[i];
}

TEST(HashingEncoderTest, TextWithoutWordsIsAZeroRow) {
  const HashingEncoder encoder;
  for (const std::string text : {"", "   ", "?!. -- ..."}) {
    const auto row = encoder.encode_one(text);
    EXPECT_EQ(norm(row), 0.0) << "'" << text << "'";
  }
}

TEST(HashingEncoderTest, SharedWordsAreMoreSimilarThanUnrelatedTexts) {
  HashingEncoder encoder;
  encoder.fit(catalog());
  const std::vector<std::string> texts = {"The Matrix (1999) Action|Sci-Fi", "The Matrix Reloaded (2003) Action|Sci-Fi",
                                          "Buy groceries: milk, eggs, bread", "quarterly finance report",
                                          "Write the quarterly report for the finance team"};
  const EmbeddingMatrix m = encoder.encode(texts);
  EXPECT_GT(dot(m.row(0), m.row(1)), dot(m.row(0), m.row(2)) + 0.2);
  EXPECT_GT(dot(m.row(3), m.row(4)), dot(m.row(3), m.row(2)) + 0.2);
  EXPECT_GT(dot(m.row(3), m.row(4)), dot(m.row(3), m.row(0)) + 0.2);
}

TEST(HashingEncoderTest, NormalisesCaseAccentsAndCompatibilityForms) {
  const HashingEncoder encoder;
  EXPECT_EQ(encoder.words("Café ÉCOLE naïve"), (std::vector<std::string>{"cafe", "ecole", "naive"}));
  EXPECT_EQ(encoder.words("Cafe\u0301"), (std::vector<std::string>{"cafe"}));
  EXPECT_EQ(encoder.words("ＦＵＬＬ ﬁne Straße"), (std::vector<std::string>{"full", "fine", "strasse"}));
  EXPECT_EQ(encoder.words("don't stop-me now!"), (std::vector<std::string>{"don", "t", "stop", "me", "now"}));
  EXPECT_EQ(encoder.words("東京abc"), (std::vector<std::string>{"東", "京", "abc"}));
  EXPECT_EQ(encoder.words("a\u200bb"), (std::vector<std::string>{"ab"}));  // zero-width space is ignorable
  EXPECT_EQ(encoder.encode_one("THE MATRIX"), encoder.encode_one("the matrix"));
  EXPECT_EQ(encoder.encode_one("Crème Brûlée"), encoder.encode_one("creme brulee"));
}

TEST(HashingEncoderTest, ToleratesInvalidUtf8) {
  const HashingEncoder encoder;
  const std::string bad = std::string("ab\xff\xfe") + "cd é";
  const auto row = encoder.encode_one(bad);
  EXPECT_NEAR(norm(row), 1.0, 1e-5);
}

TEST(HashingEncoderTest, FitChangesWeightsAndFingerprint) {
  HashingEncoder encoder;
  const std::string before_fp = encoder.fingerprint();
  const auto before = encoder.encode_one("The Matrix Action");
  encoder.fit(catalog());
  EXPECT_EQ(encoder.documents(), catalog().size());
  EXPECT_NE(encoder.fingerprint(), before_fp);
  EXPECT_NE(encoder.encode_one("The Matrix Action"), before);

  HashingEncoder other;
  auto texts = catalog();
  texts.push_back("one more text");
  other.fit(texts);
  EXPECT_NE(other.fingerprint(), encoder.fingerprint());
}

TEST(HashingEncoderTest, IdfDownWeightsCommonWords) {
  HashingEncoder encoder;
  std::vector<std::string> texts;
  for (int i = 0; i < 200; ++i) texts.push_back("common item " + std::to_string(i));
  texts.push_back("rare item");
  encoder.fit(texts);
  // "common" appears in 200 documents, "rare" in one: a query for both leans towards "rare".
  const EmbeddingMatrix m = encoder.encode(std::vector<std::string>{"common rare", "common", "rare"});
  EXPECT_GT(dot(m.row(0), m.row(2)), dot(m.row(0), m.row(1)));
}

TEST(HashingEncoderTest, FingerprintChangesWithDimAndOptions) {
  HashingEncoderOptions small;
  small.dim = 128;
  HashingEncoderOptions no_trigrams;
  no_trigrams.char_trigrams = false;
  const HashingEncoder a;
  const HashingEncoder b(small);
  const HashingEncoder c(no_trigrams);
  EXPECT_NE(a.fingerprint(), b.fingerprint());
  EXPECT_NE(a.fingerprint(), c.fingerprint());
  EXPECT_EQ(b.encode_one("hello world").size(), 128u);
}

TEST(HashingEncoderTest, SaveLoadRoundTripGivesIdenticalVectors) {
  HashingEncoderOptions options;
  options.dim = 256;
  options.idf_bits = 16;
  HashingEncoder original(options);
  original.fit(catalog());
  std::stringstream stream;
  BinaryWriter writer(stream);
  original.save(writer);

  HashingEncoder restored;  // default options: load replaces them
  BinaryReader reader(stream);
  restored.load(reader);
  EXPECT_EQ(restored.options(), options);
  EXPECT_EQ(restored.documents(), original.documents());
  EXPECT_EQ(restored.fingerprint(), original.fingerprint());
  const auto texts = catalog();
  EXPECT_EQ(restored.encode(texts).data, original.encode(texts).data);
}

TEST(HashingEncoderTest, SaveLoadOfUnfittedEncoder) {
  const HashingEncoder original;
  std::stringstream stream;
  BinaryWriter writer(stream);
  original.save(writer);
  HashingEncoder restored;
  restored.fit(catalog());
  BinaryReader reader(stream);
  restored.load(reader);
  EXPECT_EQ(restored.fingerprint(), original.fingerprint());
  EXPECT_EQ(restored.documents(), 0u);
}

TEST(HashingEncoderTest, LoadRejectsForeignOrTruncatedStreams) {
  HashingEncoder encoder;
  std::stringstream foreign;
  BinaryWriter writer(foreign);
  writer.write_string("minilm");
  BinaryReader reader(foreign);
  EXPECT_THROW(encoder.load(reader), Error);

  HashingEncoder fitted;
  fitted.fit(catalog());
  std::stringstream full;
  BinaryWriter full_writer(full);
  fitted.save(full_writer);
  std::stringstream truncated(full.str().substr(0, full.str().size() - 3));
  BinaryReader truncated_reader(truncated);
  try {
    encoder.load(truncated_reader);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kCorrupt);
  }
}

TEST(HashingEncoderTest, BatchEqualsOneByOne) {
  HashingEncoder encoder;
  encoder.fit(catalog());
  std::vector<std::string> texts;
  for (int i = 0; i < 300; ++i) texts.push_back(catalog()[static_cast<std::size_t>(i) % catalog().size()] + " #" + std::to_string(i));
  const EmbeddingMatrix m = encoder.encode(texts);  // parallel path
  for (std::size_t i = 0; i < texts.size(); i += 37) {
    const auto row = encoder.encode_one(texts[i]);
    EXPECT_TRUE(std::equal(row.begin(), row.end(), m.row(i).begin())) << i;
  }
}

TEST(HashingEncoderTest, RejectsBadOptions) {
  HashingEncoderOptions options;
  options.dim = 0;
  EXPECT_THROW(HashingEncoder{options}, Error);
  options.dim = 10;
  options.idf_bits = 40;
  EXPECT_THROW(HashingEncoder{options}, Error);
}

TEST(EncoderFactoryTest, BuildsHashingByDefault) {
  EmbeddingParams params;
  params.dim = 64;
  const auto encoder = make_text_encoder(params);
  EXPECT_EQ(encoder->name(), "hashing");
  EXPECT_EQ(encoder->dim(), 64u);
}

TEST(EncoderFactoryTest, RejectsUnknownEncoderAndMissingModelPath) {
  EmbeddingParams params;
  params.encoder = "word2vec";
  try {
    make_text_encoder(params);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), "encoder");
  }
  params.encoder = "minilm";
  try {
    make_text_encoder(params);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), "model_path");
  }
}

}  // namespace
}  // namespace mxn::text
