#pragma once
// Little-endian binary serialisation used by model files: fixed-size scalars, strings and vectors of
// trivially copyable values, each vector/string prefixed by its length (uint64). A reader that runs out
// of bytes or meets a length longer than what is left of the stream throws Error{kCorrupt} naming what it
// was reading, before it allocates anything for it.

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
  explicit BinaryReader(std::istream& in) : in_(in) {
    const auto here = in_.tellg();
    if (here != std::streampos(-1) && in_.seekg(0, std::ios::end)) {
      end_ = in_.tellg();
      in_.seekg(here);
    }
    in_.clear();
  }

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
  /// Throws Error{kCorrupt} unless `count` elements of `element_size` bytes fit in what is left of the
  /// stream (a stream that cannot tell: 64 GiB). For sizes read from the file, before allocating for them.
  void expect_left(std::uint64_t count, std::size_t element_size, std::string_view what) {
    std::uint64_t left = std::uint64_t{1} << 36;
    if (const auto here = in_.tellg(); end_ != std::streampos(-1) && here != std::streampos(-1)) {
      left = static_cast<std::uint64_t>(end_ - here);
    }
    if (count > left / element_size) {
      throw Error(Code::kCorrupt, "length " + std::to_string(count) + " while reading " + std::string(what) +
                                      ", but only " + std::to_string(left) + " bytes are left");
    }
  }

 private:
  std::size_t read_length(std::string_view what, std::size_t element_size) {
    auto n = read<std::uint64_t>(what);
    expect_left(n, element_size, what);
    return static_cast<std::size_t>(n);
  }
  void read_bytes(char* dst, std::size_t n, std::string_view what) {
    in_.read(dst, static_cast<std::streamsize>(n));
    if (static_cast<std::size_t>(in_.gcount()) != n) {
      throw Error(Code::kCorrupt, "file ends early while reading " + std::string(what));
    }
  }
  std::istream& in_;
  std::streampos end_ = std::streampos(-1);  // the stream's end, when it can tell
};

}  // namespace mxn
