#include "text/safetensors.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>

#include "core/error.h"
#include "minilm_fixture.h"
#include "text/minilm_encoder.h"

namespace mxn::text {
namespace {

using mxn::testing::minilm_tiny_dir;
using mxn::testing::TempDir;

// Writes a raw safetensors file from a header string and a data section.
void write_raw(const std::filesystem::path& path, const std::string& header, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  const std::uint64_t n = header.size();
  out.write(reinterpret_cast<const char*>(&n), sizeof(n));
  out << header << data;
}

template <class F>
Error capture_error(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "expected an mxn::Error";
  return Error(Code::kInternal, "no error");
}

TEST(SafetensorsTest, RoundTripsF32Tensors) {
  TempDir dir;
  const std::vector<float> a = {1.0f, -2.5f, 3.25f, 0.0f, 1e-30f, 7.0f};
  const std::vector<float> b = {42.0f};
  const std::vector<TensorToWrite> tensors = {{"b.bias", {1}, b}, {"a.weight", {2, 3}, a}};
  write_safetensors(dir.file("m.safetensors"), tensors);

  const SafetensorsFile file(dir.file("m.safetensors"));
  ASSERT_EQ(file.tensors().size(), 2u);
  EXPECT_EQ(file.tensors()[0].name, "a.weight");  // stored in name order
  EXPECT_EQ(file.metadata().at("format"), "pt");
  const std::vector<std::int64_t> shape = {2, 3};
  EXPECT_EQ(file.read_f32("a.weight", shape), a);
  EXPECT_EQ(file.read_f32("b.bias", std::vector<std::int64_t>{1}), b);
  std::uint64_t header_len = 0;
  std::ifstream(dir.file("m.safetensors"), std::ios::binary).read(reinterpret_cast<char*>(&header_len), 8);
  EXPECT_EQ(header_len % 8, 0u);
}

TEST(SafetensorsTest, HalfPrecisionConversionIsExact) {
  EXPECT_EQ(float_to_half(1.0f), 0x3C00);
  EXPECT_EQ(float_to_half(-2.0f), 0xC000);
  EXPECT_EQ(float_to_half(65504.0f), 0x7BFF);
  EXPECT_EQ(float_to_half(1e6f), 0x7C00);  // overflow to infinity
  EXPECT_EQ(float_to_half(std::ldexp(1.0f, -24)), 0x0001);  // smallest subnormal
  EXPECT_EQ(float_to_half(1.0f + std::ldexp(1.0f, -11)), 0x3C00);  // tie rounds to even
  EXPECT_EQ(float_to_half(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3C02);  // tie rounds to even (up)
  EXPECT_EQ(half_to_float(0x3555), 0.333251953125f);
  EXPECT_EQ(half_to_float(0x0001), std::ldexp(1.0f, -24));
  EXPECT_EQ(half_to_float(0x8000), -0.0f);
  EXPECT_TRUE(std::isinf(half_to_float(0xFC00)));
  EXPECT_TRUE(std::isnan(half_to_float(float_to_half(std::numeric_limits<float>::quiet_NaN()))));
  for (std::uint32_t h = 0; h < 0x7C00; ++h) {  // every finite positive half survives a round trip
    ASSERT_EQ(float_to_half(half_to_float(static_cast<std::uint16_t>(h))), h) << h;
  }
  EXPECT_EQ(bfloat16_to_float(0x3F80), 1.0f);
}

TEST(SafetensorsTest, ReadsF16TensorsAsFloat) {
  TempDir dir;
  const std::vector<float> values = {0.5f, -1.25f, 3.0f, 1.0f / 3.0f, 1000.0f, -0.0001f};
  const std::vector<TensorToWrite> tensors = {{"w", {3, 2}, values}};
  write_safetensors(dir.file("h.safetensors"), tensors, StoredType::kF16);
  const SafetensorsFile file(dir.file("h.safetensors"));
  EXPECT_EQ(file.find("w")->dtype, "F16");
  const auto read = file.read_f32("w", std::vector<std::int64_t>{3, 2});
  ASSERT_EQ(read.size(), values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(read[i], half_to_float(float_to_half(values[i])));
    EXPECT_NEAR(read[i], values[i], std::abs(values[i]) * 1e-3);
  }
}

TEST(SafetensorsTest, MissingFileIsNotFound) {
  TempDir dir;
  const Error e = capture_error([&] { SafetensorsFile file(dir.file("absent.safetensors")); });
  EXPECT_EQ(e.code(), Code::kNotFound);
  EXPECT_NE(std::string(e.what()).find("absent.safetensors"), std::string::npos) << e.what();
}

TEST(SafetensorsTest, WrongShapeNamesTensorAndBothShapes) {
  TempDir dir;
  const std::vector<float> values(6, 1.0f);
  const std::vector<TensorToWrite> tensors = {{"layer.weight", {2, 3}, values}};
  write_safetensors(dir.file("m.safetensors"), tensors);
  const SafetensorsFile file(dir.file("m.safetensors"));
  const Error e = capture_error([&] { file.read_f32("layer.weight", std::vector<std::int64_t>{3, 2}); });
  const std::string message = e.what();
  EXPECT_EQ(e.code(), Code::kCorrupt);
  EXPECT_NE(message.find("layer.weight"), std::string::npos) << message;
  EXPECT_NE(message.find("[2, 3]"), std::string::npos) << message;
  EXPECT_NE(message.find("[3, 2]"), std::string::npos) << message;
}

TEST(SafetensorsTest, MissingTensorIsNamed) {
  TempDir dir;
  const std::vector<float> values(2, 1.0f);
  const std::vector<TensorToWrite> tensors = {{"x", {2}, values}};
  write_safetensors(dir.file("m.safetensors"), tensors);
  const SafetensorsFile file(dir.file("m.safetensors"));
  const Error e = capture_error([&] { file.read_f32("y", std::vector<std::int64_t>{2}); });
  EXPECT_EQ(e.code(), Code::kNotFound);
  EXPECT_NE(std::string(e.what()).find("'y'"), std::string::npos) << e.what();
}

TEST(SafetensorsTest, RejectsMalformedFiles) {
  TempDir dir;
  struct Case {
    const char* name;
    std::string header;
    std::string data;
  };
  const std::vector<Case> cases = {
      {"not_json", "{\"a\": ", ""},
      {"outside", R"({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}})", std::string(8, '\0')},
      {"size_mismatch", R"({"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}})", std::string(8, '\0')},
      {"no_offsets", R"({"a": {"dtype": "F32", "shape": [2]}})", std::string(8, '\0')},
  };
  for (const auto& c : cases) {
    write_raw(dir.file(c.name), c.header, c.data);
    const Error e = capture_error([&] { SafetensorsFile file(dir.file(c.name)); });
    EXPECT_EQ(e.code(), Code::kCorrupt) << c.name << ": " << e.what();
  }
  std::ofstream(dir.file("tiny"), std::ios::binary) << "abc";
  EXPECT_EQ(capture_error([&] { SafetensorsFile file(dir.file("tiny")); }).code(), Code::kCorrupt);
  // A header length larger than the file.
  {
    std::ofstream out(dir.file("long_header"), std::ios::binary);
    const std::uint64_t n = 1000;
    out.write(reinterpret_cast<const char*>(&n), 8);
    out << "{}";
  }
  EXPECT_EQ(capture_error([&] { SafetensorsFile file(dir.file("long_header")); }).code(), Code::kCorrupt);
}

TEST(SafetensorsTest, UnsupportedDtypeIsNamed) {
  TempDir dir;
  write_raw(dir.file("i64"), R"({"position_ids": {"dtype": "I64", "shape": [2], "data_offsets": [0, 16]}})",
            std::string(16, '\0'));
  const SafetensorsFile file(dir.file("i64"));
  const Error e = capture_error([&] { file.read_f32("position_ids", std::vector<std::int64_t>{2}); });
  EXPECT_EQ(e.code(), Code::kNotSupported);
  EXPECT_NE(std::string(e.what()).find("I64"), std::string::npos) << e.what();
}

// Rewrites the fixture checkpoint (F16 and/or with a "bert." prefix) in a copy of the model folder.
std::filesystem::path rewrite_fixture(const TempDir& dir, StoredType stored, const std::string& prefix) {
  const auto model = dir.path() / "model";
  std::filesystem::copy(minilm_tiny_dir(), model, std::filesystem::copy_options::recursive);
  for (const auto& entry : std::filesystem::recursive_directory_iterator(model)) {
    std::filesystem::permissions(entry.path(), std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
  }
  std::vector<std::vector<float>> storage;
  std::vector<TensorToWrite> tensors;
  {
    const SafetensorsFile original(minilm_tiny_dir() / "model.safetensors");
    storage.reserve(original.tensors().size());
    for (const auto& t : original.tensors()) {
      storage.push_back(original.read_f32(t.name, t.shape));
      tensors.push_back({prefix + t.name, t.shape, storage.back()});
    }
  }
  std::filesystem::remove(model / "model.safetensors");
  write_safetensors(model / "model.safetensors", tensors, stored);
  return model;
}

TEST(SafetensorsTest, EncoderLoadsF16Checkpoints) {
  MXN_REQUIRE_MINILM_FIXTURE();
  TempDir dir;
  const auto model = rewrite_fixture(dir, StoredType::kF16, "");
  const MiniLmEncoder encoder(model);
  const auto lines = mxn::testing::read_reference_lines(minilm_tiny_dir() / "reference.jsonl");
  double worst = 0.0;
  for (const auto& line : lines) {
    const auto row = encoder.encode_one(line.text);
    for (std::size_t j = 0; j < row.size(); ++j) worst = std::max(worst, std::abs(double(row[j]) - line.embedding[j]));
  }
  // F16 weights round to 11 significant bits: close to the F32 reference, but not equal.
  EXPECT_LT(worst, 2e-2);
  EXPECT_GT(worst, 1e-6);
}

TEST(SafetensorsTest, EncoderAcceptsBertPrefixedNames) {
  MXN_REQUIRE_MINILM_FIXTURE();
  TempDir dir;
  const auto model = rewrite_fixture(dir, StoredType::kF32, "bert.");
  const MiniLmEncoder prefixed(model);
  const MiniLmEncoder plain(minilm_tiny_dir());
  EXPECT_EQ(prefixed.encode_one("Hello world"), plain.encode_one("Hello world"));
  EXPECT_EQ(prefixed.fingerprint(), plain.fingerprint());
}

}  // namespace
}  // namespace mxn::text
