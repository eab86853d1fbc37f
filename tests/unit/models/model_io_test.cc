// ModelWriter / ModelReader: the self-describing header and every way a file can fail to match.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "core/error.h"
#include "models/model_reader.h"
#include "models/model_writer.h"
#include "models/popularity.h"
#include "models/registry.h"

namespace mxn::models {
namespace {

std::string saved_popularity(std::uint64_t checksum) {
  Popularity pop;
  pop.fit(data::InteractionMatrix::from_triplets({{0, 1, 1.0f, 0, false}}, 1, 3), {});
  std::stringstream out;
  ModelWriter writer(out, checksum);
  pop.save(writer);
  return out.str();
}

Error load_error(const std::string& bytes, std::optional<std::uint64_t> checksum,
                 std::string_view as_type = {}) {
  try {
    std::stringstream in(bytes);
    ModelReader reader(in, checksum);
    auto model =
        make_empty_recommender(as_type.empty() ? std::string_view(reader.header().type_name) : as_type);
    model->load(reader);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "expected an Error";
  return Error(Code::kInternal, "none");
}

TEST(ModelIoTest, HeaderDescribesTheModel) {
  const auto bytes = saved_popularity(42);
  std::stringstream in(bytes);
  ModelReader reader(in, 42);
  EXPECT_EQ(reader.header().type_name, "popularity");
  EXPECT_EQ(reader.header().format_version, Popularity::kFormatVersion);
  EXPECT_EQ(reader.header().params_text, "half_life_days=0");
  EXPECT_EQ(reader.header().id_map_checksum, 42u);
  Popularity loaded;
  loaded.load(reader);
  EXPECT_EQ(loaded.scores(), (std::vector<float>{0, 1, 0}));
}

TEST(ModelIoTest, IdMapChecksumMismatchIsCorrupt) {
  const auto e = load_error(saved_popularity(42), 43);
  EXPECT_EQ(e.code(), Code::kCorrupt);
  EXPECT_THAT(e.what(), ::testing::HasSubstr("another id map"));
}

TEST(ModelIoTest, WrongTypeIsCorrupt) {
  const auto e = load_error(saved_popularity(1), std::nullopt, "als");
  EXPECT_EQ(e.code(), Code::kCorrupt);
  EXPECT_THAT(e.what(), ::testing::HasSubstr("holds type 'popularity', expected 'als'"));
}

TEST(ModelIoTest, BadMagicIsCorrupt) {
  auto bytes = saved_popularity(1);
  bytes[0] = 'X';
  EXPECT_EQ(load_error(bytes, 1).code(), Code::kCorrupt);
  EXPECT_EQ(load_error("", 1).code(), Code::kCorrupt);
}

TEST(ModelIoTest, NewerFormatVersionIsCorrupt) {
  auto bytes = saved_popularity(1);
  // Format version follows magic (8), container version (4), type name (8 + 10).
  const std::size_t at = 8 + 4 + 8 + std::string("popularity").size();
  bytes[at] = static_cast<char>(Popularity::kFormatVersion + 1);
  const auto e = load_error(bytes, 1);
  EXPECT_EQ(e.code(), Code::kCorrupt);
  EXPECT_THAT(e.what(), ::testing::HasSubstr("format version"));
}

TEST(ModelIoTest, TruncatedFileIsCorrupt) {
  const auto bytes = saved_popularity(1);
  for (std::size_t cut : {bytes.size() - 1, bytes.size() - 9, bytes.size() / 2}) {
    EXPECT_EQ(load_error(bytes.substr(0, cut), 1).code(), Code::kCorrupt) << "cut at " << cut;
  }
}

TEST(ModelIoTest, ALengthBeyondTheFileIsCorruptBeforeAnythingIsAllocated) {
  // A damaged length field of 16 GiB in a 20-byte stream (found by fuzz/model_file.cc: it was allocated).
  std::ostringstream out;
  BinaryWriter w(out);
  w.write<std::uint64_t>(std::uint64_t{1} << 34);
  w.write<std::uint64_t>(7);
  std::istringstream in(out.str() + "abcd");
  BinaryReader r(in);
  try {
    r.read_string("the type name");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kCorrupt);
    EXPECT_THAT(e.what(), ::testing::HasSubstr("only 12 bytes are left"));
  }
}

TEST(ModelIoTest, UnknownTypeIsCorrupt) {
  EXPECT_EQ(load_error(saved_popularity(1), 1, "svd++").code(), Code::kCorrupt);
}

}  // namespace
}  // namespace mxn::models
