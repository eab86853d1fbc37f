#pragma once
// Reader and writer of the safetensors format (Hugging Face): an 8-byte little-endian header length N,
// N bytes of JSON {"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}},
// then the tensor bytes (offsets relative to the end of the header), row-major, little-endian.
// The reader memory-maps the file (read-only) for as long as the SafetensorsFile lives.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mxn::text {

struct TensorInfo {
  std::string name;
  std::string dtype;                 // "F32", "F16", "BF16", "I64", ...
  std::vector<std::int64_t> shape;   // row-major; empty for a scalar
  std::size_t begin = 0;             // byte offsets into the data section
  std::size_t end = 0;
  std::int64_t numel() const;
};

/// "[30522, 384]"
std::string shape_string(std::span<const std::int64_t> shape);

class SafetensorsFile {
 public:
  /// Maps and validates the file: Error{kNotFound} when it does not exist, Error{kCorrupt} when the header
  /// is not valid JSON, a tensor lies outside the file, or a tensor's byte size does not match its shape.
  explicit SafetensorsFile(const std::filesystem::path& path);
  ~SafetensorsFile();
  SafetensorsFile(SafetensorsFile&& other) noexcept;
  SafetensorsFile& operator=(SafetensorsFile&& other) noexcept;
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::size_t file_size() const { return size_; }
  /// Tensors in header order.
  const std::vector<TensorInfo>& tensors() const { return tensors_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  /// nullptr when absent.
  const TensorInfo* find(std::string_view name) const;

  /// Values of a tensor as float32 (F32 copied, F16 and BF16 widened). Error{kNotFound} naming the tensor
  /// when absent; Error{kCorrupt} naming the tensor, the expected and the actual shape when the shape
  /// differs; Error{kNotSupported} for other dtypes.
  std::vector<float> read_f32(std::string_view name, std::span<const std::int64_t> expected_shape) const;

  /// Raw bytes of a tensor (inside the mapping).
  std::span<const std::byte> bytes(const TensorInfo& tensor) const;

 private:
  void unmap();

  std::filesystem::path path_;
  const std::byte* data_ = nullptr;  // whole mapped file
  std::size_t size_ = 0;
  std::size_t data_offset_ = 0;      // 8 + header length
  std::vector<TensorInfo> tensors_;
  std::map<std::string, std::string> metadata_;
};

/// A float32 tensor to write; `values` must hold product(shape) numbers.
struct TensorToWrite {
  std::string name;
  std::vector<std::int64_t> shape;
  std::span<const float> values;
};

enum class StoredType { kF32, kF16 };

/// Writes a safetensors file (tensors stored in name order, header padded with spaces to a multiple of 8).
/// Error{kInvalidArgument} when a tensor's value count does not match its shape or names repeat.
void write_safetensors(const std::filesystem::path& path, std::span<const TensorToWrite> tensors,
                       StoredType stored = StoredType::kF32,
                       const std::map<std::string, std::string>& metadata = {{"format", "pt"}});

/// IEEE 754 binary16 <-> binary32 (round to nearest even; overflow to infinity; NaN kept).
float half_to_float(std::uint16_t h);
std::uint16_t float_to_half(float f);
/// bfloat16 (upper half of a binary32) to float.
float bfloat16_to_float(std::uint16_t b);

}  // namespace mxn::text
