#include "text/minilm_encoder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "minilm_fixture.h"

namespace mxn::text {
namespace {

using mxn::testing::minilm_tiny_dir;
using mxn::testing::read_reference_lines;
using mxn::testing::ReferenceLine;
using mxn::testing::TempDir;

constexpr float kTolerance = 1e-5f;

// Largest absolute difference between a row and a reference embedding.
float max_abs_diff(std::span<const float> row, const std::vector<float>& expected) {
  EXPECT_EQ(row.size(), expected.size());
  float worst = 0.0f;
  for (std::size_t j = 0; j < std::min(row.size(), expected.size()); ++j) {
    worst = std::max(worst, std::abs(row[j] - expected[j]));
  }
  return worst;
}

class MiniLmEncoderTest : public ::testing::Test {
 protected:
  static std::vector<ReferenceLine> reference() { return read_reference_lines(minilm_tiny_dir() / "reference.jsonl"); }

  // Copies the fixture folder into a temporary one, so a test can break it.
  static void copy_fixture(const std::filesystem::path& to) {
    std::filesystem::copy(minilm_tiny_dir(), to, std::filesystem::copy_options::recursive);
    for (const auto& entry : std::filesystem::recursive_directory_iterator(to)) {
      std::filesystem::permissions(entry.path(), std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
    }
  }
};

TEST_F(MiniLmEncoderTest, LoadsTheFixtureFolder) {
  MXN_REQUIRE_MINILM_FIXTURE();
  const MiniLmEncoder encoder(minilm_tiny_dir());
  EXPECT_EQ(encoder.name(), "minilm");
  EXPECT_EQ(encoder.dim(), 32u);
  EXPECT_EQ(encoder.pooling(), PoolingMode::kMean);
  EXPECT_EQ(encoder.model().config().num_hidden_layers, 2);
  EXPECT_EQ(encoder.tokenizer().options().max_length, 256u);
  EXPECT_EQ(encoder.fingerprint().rfind("minilm:v1:dim=32:pool=mean", 0), 0u) << encoder.fingerprint();
}

TEST_F(MiniLmEncoderTest, MatchesReferenceEmbeddingsOneTextAtATime) {
  MXN_REQUIRE_MINILM_FIXTURE();
  const MiniLmEncoder encoder(minilm_tiny_dir());
  const auto lines = reference();
  ASSERT_EQ(lines.size(), 88u);
  float worst = 0.0f;
  for (const auto& line : lines) {
    ASSERT_EQ(line.embedding.size(), 32u);
    const auto row = encoder.encode_one(line.text);
    const float diff = max_abs_diff(row, line.embedding);
    worst = std::max(worst, diff);
    EXPECT_LE(diff, kTolerance) << "reference.jsonl line " << line.line << " (" << line.tag << ")";
  }
  std::ostringstream worst_text;
  worst_text << std::scientific << worst;
  RecordProperty("max_abs_diff", worst_text.str());
}

TEST_F(MiniLmEncoderTest, MatchesReferenceEmbeddingsFromStoredIds) {
  MXN_REQUIRE_MINILM_FIXTURE();
  const MiniLmEncoder encoder(minilm_tiny_dir());
  for (const auto& line : reference()) {
    const std::vector<std::vector<std::int32_t>> ids = {line.input_ids};
    const EmbeddingMatrix m = encoder.encode_ids(ids);
    ASSERT_EQ(m.rows, 1u);
    EXPECT_LE(max_abs_diff(m.row(0), line.embedding), kTolerance)
        << "reference.jsonl line " << line.line << " (" << line.tag << ")";
  }
}

TEST_F(MiniLmEncoderTest, MatchesReferenceEmbeddingsInOnePaddedBatch) {
  MXN_REQUIRE_MINILM_FIXTURE();
  MiniLmOptions options;
  options.batch_size = 128;  // all 88 texts in one batch, padded to the longest (256 ids)
  const MiniLmEncoder encoder(minilm_tiny_dir(), options);
  const auto lines = reference();
  std::vector<std::string> texts;
  for (const auto& line : lines) texts.push_back(line.text);
  const EmbeddingMatrix m = encoder.encode(texts);
  ASSERT_EQ(m.rows, lines.size());
  ASSERT_EQ(m.cols, 32u);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_LE(max_abs_diff(m.row(i), lines[i].embedding), kTolerance)
        << "reference.jsonl line " << lines[i].line << " (" << lines[i].tag << ")";
  }
}

TEST_F(MiniLmEncoderTest, SmallBatchesGiveTheSameRowsInInputOrder) {
  MXN_REQUIRE_MINILM_FIXTURE();
  MiniLmOptions options;
  options.batch_size = 5;
  const MiniLmEncoder encoder(minilm_tiny_dir(), options);
  const auto lines = reference();
  std::vector<std::string> texts;
  for (const auto& line : lines) texts.push_back(line.text);
  const EmbeddingMatrix m = encoder.encode(texts);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_LE(max_abs_diff(m.row(i), lines[i].embedding), kTolerance) << "line " << lines[i].line;
  }
}

TEST_F(MiniLmEncoderTest, RowsHaveUnitNorm) {
  MXN_REQUIRE_MINILM_FIXTURE();
  const MiniLmEncoder encoder(minilm_tiny_dir());
  const std::vector<std::string> texts = {"", "a", "The Matrix (1999)", "Action|Sci-Fi|Thriller"};
  const EmbeddingMatrix m = encoder.encode(texts);
  for (std::size_t i = 0; i < m.rows; ++i) {
    double sum = 0;
    for (float v : m.row(i)) sum += static_cast<double>(v) * v;
    EXPECT_NEAR(std::sqrt(sum), 1.0, 1e-5);
  }
}

TEST_F(MiniLmEncoderTest, EmptyBatchGivesNoRows) {
  MXN_REQUIRE_MINILM_FIXTURE();
  const MiniLmEncoder encoder(minilm_tiny_dir());
  const EmbeddingMatrix m = encoder.encode(std::span<const std::string>());
  EXPECT_EQ(m.rows, 0u);
  EXPECT_EQ(m.cols, 32u);
}

TEST_F(MiniLmEncoderTest, RejectsIdsOutsideTheVocabulary) {
  MXN_REQUIRE_MINILM_FIXTURE();
  const MiniLmEncoder encoder(minilm_tiny_dir());
  const std::vector<std::vector<std::int32_t>> ids = {{101, 30522, 102}};
  EXPECT_THROW(encoder.encode_ids(ids), Error);
}

TEST_F(MiniLmEncoderTest, MissingFolderIsNotFound) {
  TempDir dir;
  try {
    MiniLmEncoder encoder(dir.path() / "no-such-model");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kNotFound);
    EXPECT_NE(std::string(e.what()).find("no-such-model"), std::string::npos) << e.what();
  }
}

TEST_F(MiniLmEncoderTest, MissingFileIsNamed) {
  MXN_REQUIRE_MINILM_FIXTURE();
  for (const char* file : {"vocab.txt", "model.safetensors", "config.json", "1_Pooling/config.json"}) {
    TempDir dir;
    const auto model = dir.path() / "model";
    copy_fixture(model);
    std::filesystem::remove(model / file);
    try {
      MiniLmEncoder encoder(model);
      ADD_FAILURE() << "expected an error without " << file;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Code::kNotFound) << e.what();
      EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
    }
  }
}

TEST_F(MiniLmEncoderTest, BrokenConfigNamesTheFile) {
  MXN_REQUIRE_MINILM_FIXTURE();
  TempDir dir;
  const auto model = dir.path() / "model";
  copy_fixture(model);
  std::ofstream(model / "config.json") << "{\"hidden_size\": 32, \"num_attention_heads\": 5,";
  try {
    MiniLmEncoder encoder(model);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kCorrupt);
    EXPECT_NE(std::string(e.what()).find("config.json"), std::string::npos) << e.what();
  }
}

TEST_F(MiniLmEncoderTest, ConfigShapeDisagreeingWithWeightsNamesTensorAndShapes) {
  MXN_REQUIRE_MINILM_FIXTURE();
  TempDir dir;
  const auto model = dir.path() / "model";
  copy_fixture(model);
  // intermediate_size 48 instead of 64: the first FFN tensor has the wrong shape.
  std::ifstream in(minilm_tiny_dir() / "config.json");
  std::string config((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto pos = config.find("\"intermediate_size\": 64");
  ASSERT_NE(pos, std::string::npos);
  config.replace(pos, std::string("\"intermediate_size\": 64").size(), "\"intermediate_size\": 48");
  std::ofstream(model / "config.json") << config;
  try {
    MiniLmEncoder encoder(model);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_EQ(e.code(), Code::kCorrupt);
    EXPECT_NE(message.find("encoder.layer.0.intermediate.dense.weight"), std::string::npos) << message;
    EXPECT_NE(message.find("[64, 32]"), std::string::npos) << message;
    EXPECT_NE(message.find("[48, 32]"), std::string::npos) << message;
  }
}

TEST_F(MiniLmEncoderTest, SaveLoadChecksTheFingerprint) {
  MXN_REQUIRE_MINILM_FIXTURE();
  MiniLmEncoder encoder(minilm_tiny_dir());
  std::stringstream stream;
  BinaryWriter writer(stream);
  encoder.save(writer);
  BinaryReader reader(stream);
  EXPECT_NO_THROW(encoder.load(reader));

  std::stringstream foreign;
  BinaryWriter foreign_writer(foreign);
  foreign_writer.write_string("minilm");
  foreign_writer.write_string("minilm:v1:dim=32:pool=mean:other");
  BinaryReader foreign_reader(foreign);
  try {
    encoder.load(foreign_reader);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kFailedPrecondition);
  }
}

}  // namespace
}  // namespace mxn::text
