#include "text/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

#include "core/error.h"

namespace mxn::text {

static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian");

namespace {

constexpr std::uint64_t kMaxHeaderBytes = 100ull << 20;

// Bytes per element, or 0 for a dtype this reader does not know.
std::size_t dtype_size(std::string_view dtype) {
  if (dtype == "F64" || dtype == "I64" || dtype == "U64") return 8;
  if (dtype == "F32" || dtype == "I32" || dtype == "U32") return 4;
  if (dtype == "F16" || dtype == "BF16" || dtype == "I16" || dtype == "U16") return 2;
  if (dtype == "I8" || dtype == "U8" || dtype == "BOOL" || dtype == "F8_E4M3" || dtype == "F8_E5M2") return 1;
  return 0;
}

Error corrupt(const std::filesystem::path& path, const std::string& what) {
  return Error(Code::kCorrupt, path.string() + ": " + what);
}

}  // namespace

std::int64_t TensorInfo::numel() const {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

std::string shape_string(std::span<const std::int64_t> shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

SafetensorsFile::SafetensorsFile(const std::filesystem::path& path) : path_(path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    throw Error(err == ENOENT ? Code::kNotFound : Code::kFailedPrecondition,
                "cannot open " + path.string() + ": " + std::strerror(err));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    throw Error(Code::kFailedPrecondition, "cannot stat " + path.string() + ": " + std::strerror(err));
  }
  size_ = static_cast<std::size_t>(st.st_size);
  if (size_ < 8) {
    ::close(fd);
    throw corrupt(path, "file too small for a safetensors header (" + std::to_string(size_) + " bytes)");
  }
  void* map = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) {
    throw Error(Code::kFailedPrecondition, "cannot map " + path.string() + ": " + std::strerror(errno));
  }
  data_ = static_cast<const std::byte*>(map);

  try {
    std::uint64_t header_len = 0;
    std::memcpy(&header_len, data_, sizeof(header_len));
    if (header_len > kMaxHeaderBytes || header_len > size_ - 8) {
      throw corrupt(path, "header length " + std::to_string(header_len) + " does not fit in the file (" +
                              std::to_string(size_) + " bytes)");
    }
    data_offset_ = 8 + static_cast<std::size_t>(header_len);
    const std::size_t data_size = size_ - data_offset_;
    nlohmann::json header;
    try {
      header = nlohmann::json::parse(reinterpret_cast<const char*>(data_ + 8),
                                     reinterpret_cast<const char*>(data_ + data_offset_));
    } catch (const nlohmann::json::exception& e) {
      throw corrupt(path, std::string("header is not valid JSON: ") + e.what());
    }
    if (!header.is_object()) throw corrupt(path, "header is not a JSON object");
    for (const auto& [name, entry] : header.items()) {
      if (name == "__metadata__") {
        if (entry.is_object()) {
          for (const auto& [key, value] : entry.items()) {
            metadata_[key] = value.is_string() ? value.get<std::string>() : value.dump();
          }
        }
        continue;
      }
      if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") ||
          !entry.contains("data_offsets")) {
        throw corrupt(path, "tensor '" + name + "' lacks dtype, shape or data_offsets");
      }
      TensorInfo info;
      info.name = name;
      const auto& offsets = entry.at("data_offsets");
      const auto& shape = entry.at("shape");
      if (!entry.at("dtype").is_string() || !shape.is_array() || !offsets.is_array() || offsets.size() != 2 ||
          !offsets[0].is_number_unsigned() || !offsets[1].is_number_unsigned()) {
        throw corrupt(path, "tensor '" + name + "' has a malformed header entry");
      }
      info.dtype = entry.at("dtype").get<std::string>();
      for (const auto& d : shape) {
        if (!d.is_number_unsigned()) throw corrupt(path, "tensor '" + name + "' has a malformed shape");
        info.shape.push_back(d.get<std::int64_t>());
      }
      info.begin = offsets[0].get<std::size_t>();
      info.end = offsets[1].get<std::size_t>();
      if (info.begin > info.end || info.end > data_size) {
        throw corrupt(path, "tensor '" + name + "' lies outside the file (bytes " + std::to_string(info.begin) +
                                ".." + std::to_string(info.end) + " of " + std::to_string(data_size) + ")");
      }
      if (const std::size_t elem = dtype_size(info.dtype); elem != 0) {
        const auto expected = static_cast<std::size_t>(info.numel()) * elem;
        if (expected != info.end - info.begin) {
          throw corrupt(path, "tensor '" + name + "' holds " + std::to_string(info.end - info.begin) +
                                  " bytes but its shape " + shape_string(info.shape) + " of " + info.dtype +
                                  " needs " + std::to_string(expected));
        }
      }
      tensors_.push_back(std::move(info));
    }
    std::sort(tensors_.begin(), tensors_.end(),
              [](const TensorInfo& a, const TensorInfo& b) { return a.begin < b.begin; });
  } catch (...) {
    unmap();
    throw;
  }
}

SafetensorsFile::~SafetensorsFile() { unmap(); }

SafetensorsFile::SafetensorsFile(SafetensorsFile&& other) noexcept
    : path_(std::move(other.path_)),
      data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      data_offset_(other.data_offset_),
      tensors_(std::move(other.tensors_)),
      metadata_(std::move(other.metadata_)) {}

SafetensorsFile& SafetensorsFile::operator=(SafetensorsFile&& other) noexcept {
  if (this != &other) {
    unmap();
    path_ = std::move(other.path_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    data_offset_ = other.data_offset_;
    tensors_ = std::move(other.tensors_);
    metadata_ = std::move(other.metadata_);
  }
  return *this;
}

void SafetensorsFile::unmap() {
  if (data_ != nullptr) {
    ::munmap(const_cast<std::byte*>(data_), size_);
    data_ = nullptr;
  }
}

const TensorInfo* SafetensorsFile::find(std::string_view name) const {
  for (const auto& t : tensors_) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::span<const std::byte> SafetensorsFile::bytes(const TensorInfo& tensor) const {
  return {data_ + data_offset_ + tensor.begin, tensor.end - tensor.begin};
}

std::vector<float> SafetensorsFile::read_f32(std::string_view name, std::span<const std::int64_t> expected_shape) const {
  const TensorInfo* t = find(name);
  if (t == nullptr) throw Error(Code::kNotFound, path_.string() + ": no tensor '" + std::string(name) + "'");
  if (!std::equal(t->shape.begin(), t->shape.end(), expected_shape.begin(), expected_shape.end())) {
    throw Error(Code::kCorrupt, path_.string() + ": tensor '" + t->name + "' has shape " + shape_string(t->shape) +
                                    ", expected " + shape_string(expected_shape));
  }
  const auto raw = bytes(*t);
  const auto n = static_cast<std::size_t>(t->numel());
  std::vector<float> out(n);
  if (t->dtype == "F32") {
    std::memcpy(out.data(), raw.data(), n * sizeof(float));
  } else if (t->dtype == "F16" || t->dtype == "BF16") {
    const bool half = t->dtype == "F16";
    for (std::size_t i = 0; i < n; ++i) {
      std::uint16_t v = 0;
      std::memcpy(&v, raw.data() + 2 * i, 2);
      out[i] = half ? half_to_float(v) : bfloat16_to_float(v);
    }
  } else {
    throw Error(Code::kNotSupported,
                path_.string() + ": tensor '" + t->name + "' has dtype " + t->dtype + " (supported: F32, F16, BF16)");
  }
  return out;
}

void write_safetensors(const std::filesystem::path& path, std::span<const TensorToWrite> tensors, StoredType stored,
                       const std::map<std::string, std::string>& metadata) {
  std::vector<const TensorToWrite*> order;
  for (const auto& t : tensors) {
    std::int64_t n = 1;
    for (auto d : t.shape) {
      if (d < 0) throw Error(Code::kInvalidArgument, "tensor '" + t.name + "' has a negative dimension");
      n *= d;
    }
    if (static_cast<std::size_t>(n) != t.values.size()) {
      throw Error(Code::kInvalidArgument, "tensor '" + t.name + "' has " + std::to_string(t.values.size()) +
                                              " values for shape " + shape_string(t.shape));
    }
    order.push_back(&t);
  }
  std::sort(order.begin(), order.end(), [](const auto* a, const auto* b) { return a->name < b->name; });
  for (std::size_t i = 1; i < order.size(); ++i) {
    if (order[i]->name == order[i - 1]->name) {
      throw Error(Code::kInvalidArgument, "tensor name '" + order[i]->name + "' repeats");
    }
  }
  const std::size_t elem = stored == StoredType::kF32 ? 4 : 2;
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::size_t offset = 0;
  for (const auto* t : order) {
    const std::size_t bytes = t->values.size() * elem;
    header[t->name] = {{"dtype", stored == StoredType::kF32 ? "F32" : "F16"},
                       {"shape", t->shape},
                       {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string json = header.dump();
  while (json.size() % 8 != 0) json.push_back(' ');

  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error(Code::kFailedPrecondition, "cannot write " + path.string());
  const std::uint64_t header_len = json.size();
  out.write(reinterpret_cast<const char*>(&header_len), sizeof(header_len));
  out.write(json.data(), static_cast<std::streamsize>(json.size()));
  for (const auto* t : order) {
    if (stored == StoredType::kF32) {
      out.write(reinterpret_cast<const char*>(t->values.data()), static_cast<std::streamsize>(t->values.size() * 4));
    } else {
      std::vector<std::uint16_t> half(t->values.size());
      std::transform(t->values.begin(), t->values.end(), half.begin(), float_to_half);
      out.write(reinterpret_cast<const char*>(half.data()), static_cast<std::streamsize>(half.size() * 2));
    }
  }
  out.flush();
  if (!out) throw Error(Code::kFailedPrecondition, "error while writing " + path.string());
}

float half_to_float(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const std::uint32_t exp = (h >> 10) & 0x1Fu;
  const std::uint32_t mant = h & 0x3FFu;
  if (exp == 0) {
    const float magnitude = std::ldexp(static_cast<float>(mant), -24);  // zero or subnormal
    return sign ? -magnitude : magnitude;
  }
  if (exp == 31) return std::bit_cast<float>(sign | 0x7F800000u | (mant << 13));
  return std::bit_cast<float>(sign | ((exp + 112) << 23) | (mant << 13));
}

std::uint16_t float_to_half(float f) {
  const auto bits = std::bit_cast<std::uint32_t>(f);
  const auto sign = static_cast<std::uint16_t>((bits >> 16) & 0x8000u);
  const std::uint32_t exp = (bits >> 23) & 0xFFu;
  std::uint32_t mant = bits & 0x7FFFFFu;
  if (exp == 0xFF) {  // infinity or NaN (keep NaN quiet and non-zero)
    return static_cast<std::uint16_t>(sign | 0x7C00u | (mant != 0 ? 0x200u | (mant >> 13) : 0u));
  }
  const int e = static_cast<int>(exp) - 127 + 15;
  if (e >= 31) return static_cast<std::uint16_t>(sign | 0x7C00u);
  if (e <= 0) {
    if (e < -10) return sign;  // below half the smallest subnormal: signed zero
    mant |= 0x800000u;
    const int shift = 14 - e;
    std::uint32_t h = mant >> shift;
    const std::uint32_t rem = mant & ((1u << shift) - 1);
    const std::uint32_t halfway = 1u << (shift - 1);
    if (rem > halfway || (rem == halfway && (h & 1u))) ++h;
    return static_cast<std::uint16_t>(sign | h);
  }
  std::uint32_t h = (static_cast<std::uint32_t>(e) << 10) | (mant >> 13);
  const std::uint32_t rem = mant & 0x1FFFu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) ++h;  // may carry into the exponent: correct
  return static_cast<std::uint16_t>(sign | h);
}

float bfloat16_to_float(std::uint16_t b) { return std::bit_cast<float>(static_cast<std::uint32_t>(b) << 16); }

}  // namespace mxn::text
