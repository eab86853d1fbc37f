#pragma once
// Small, stable 64-bit hashes for feature hashing and fingerprints. The values are part of saved model
// files and fingerprints, so they must never change: FNV-1a over bytes followed by the MurmurHash3
// 64-bit finaliser, which spreads every input bit over the whole word.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace mxn::text {

/// MurmurHash3 fmix64 finaliser.
constexpr std::uint64_t mix64(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

/// FNV-1a of the bytes, seeded, then finalised.
constexpr std::uint64_t hash_bytes(std::string_view bytes, std::uint64_t seed = 0) {
  std::uint64_t h = 0xcbf29ce484222325ULL ^ mix64(seed);
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return mix64(h);
}

/// Order-dependent combination of two hashes.
constexpr std::uint64_t hash_combine(std::uint64_t a, std::uint64_t b) {
  return mix64(a ^ (b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2)));
}

/// Hash of a block of memory read 8 bytes at a time (fast enough for model weights: several GB/s).
inline std::uint64_t hash_memory(const void* data, std::size_t bytes, std::uint64_t seed = 0) {
  const auto* p = static_cast<const unsigned char*>(data);
  std::uint64_t h = mix64(seed ^ bytes);
  std::size_t i = 0;
  for (; i + 8 <= bytes; i += 8) {
    std::uint64_t w = 0;
    std::memcpy(&w, p + i, 8);
    h = (h ^ mix64(w)) * 0x9e3779b97f4a7c15ULL;
    h ^= h >> 29;
  }
  std::uint64_t tail = 0;
  if (i < bytes) std::memcpy(&tail, p + i, bytes - i);
  return mix64(h ^ mix64(tail + 1));
}

/// Hex digits of a 64-bit value (16 characters), for fingerprints.
inline std::string hex64(std::uint64_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) out[static_cast<std::size_t>(i)] = kDigits[v & 0xF];
  return out;
}

}  // namespace mxn::text
