#pragma once
// Little-endian binary serialisation used by model files: fixed-size scalars, strings and vectors of
// trivially copyable values, each vector/string prefixed by its length (uint64). A reader that runs out
// of bytes or meets an implausible length throws Error{kCorrupt} naming what it was reading.

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/error.h"

namespace mxn {

class BinaryWriter {
 public:
  explicit BinaryWriter(std::ostream& out) : out_(out) {}

  template <class T>
    requires std::is_trivially_copyable_v<T>
  void write(const T& value) {
    out_.write(reinterpret_cast<const char*>(&value), sizeof(T));
  }
  void write_string(std::string_view s) {
    write<std::uint64_t>(s.size());
    out_.write(s.data(), static_cast<std::streamsize>(s.size()));
  }
  template <class T>
    requires std::is_trivially_copyable_v<T>
  void write_vector(const std::vector<T>& v) {
    write<std::uint64_t>(v.size());
    out_.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(T)));
  }
  void write_strings(const std::vector<std::string>& v) {
    write<std::uint64_t>(v.size());
    for (const auto& s : v) write_string(s);
  }
  std::ostream& stream() { return out_; }

 private:
  std::ostream& out_;
};

class BinaryReader {
 public:
  explicit BinaryReader(std::istream& in) : in_(in) {}

  template <class T>
    requires std::is_trivially_copyable_v<T>
  T read(std::string_view what) {
    T value{};
    read_bytes(reinterpret_cast<char*>(&value), sizeof(T), what);
    return value;
  }
  std::string read_string(std::string_view what) {
    std::string s(read_length(what, 1), '\0');
    read_bytes(s.data(), s.size(), what);
    return s;
  }
  template <class T>
    requires std::is_trivially_copyable_v<T>
  std::vector<T> read_vector(std::string_view what) {
    std::vector<T> v(read_length(what, sizeof(T)));
    read_bytes(reinterpret_cast<char*>(v.data()), v.size() * sizeof(T), what);
    return v;
  }
  std::vector<std::string> read_strings(std::string_view what) {
    std::vector<std::string> v(read_length(what, sizeof(std::uint64_t)));
    for (auto& s : v) s = read_string(what);
    return v;
  }
  std::istream& stream() { return in_; }

 private:
  // A length is implausible when its bytes could not fit in what is left of a 64 GiB file.
  std::size_t read_length(std::string_view what, std::size_t element_size) {
    auto n = read<std::uint64_t>(what);
    if (n > (std::uint64_t{1} << 36) / element_size) {
      throw Error(Code::kCorrupt, "implausible length " + std::to_string(n) + " while reading " + std::string(what));
    }
    return static_cast<std::size_t>(n);
  }
  void read_bytes(char* dst, std::size_t n, std::string_view what) {
    in_.read(dst, static_cast<std::streamsize>(n));
    if (static_cast<std::size_t>(in_.gcount()) != n) {
      throw Error(Code::kCorrupt, "file ends early while reading " + std::string(what));
    }
  }
  std::istream& in_;
};

}  // namespace mxn
