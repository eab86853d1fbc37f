#pragma once
// QuantizedFactors: an 8-bit copy of an item factor matrix, so that serving scores every item from a
// quarter of the memory, and the exact top k on top of it.
//
// Item row v is stored as s·q, with q integers in [-127, 127] and s = max|v| / 127; the user vector u is
// quantised the same way at query time, u ≈ t·p. The integer product p·q (AVX-512 VNNI when the CPU
// has it) times s·t approximates u·v within
//     |u·v − s·t·p·q| ≤ s/2 · ‖u‖₁ + t/2 · ‖s·q‖₁    (from |v − s·q| ≤ s/2 and |u − t·p| ≤ t/2 per factor),
// widened a little for float rounding. That bound keeps top_k() exact: with L the k-th best lower bound,
// every other item whose upper bound is below L scores below k items, so only the items whose upper bound
// reaches L are scored again in float, and the k best of those are the k best of all.
// Rows are stored in panels of 16 items × 4 factors, so that one 64-byte load feeds one VNNI instruction.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "models/factors.h"
#include "models/item_filter.h"
#include "models/recommender.h"

namespace mxn::models {

namespace detail {

inline constexpr std::size_t kPanel = 16;  // items per panel
inline constexpr std::size_t kGroup = 4;   // factors per group: one 32-bit lane of a VNNI product

/// acc[l] = Σ_f user[f] · q(item l, factor f) over the 16 items of one panel (`user`: groups × 4 unsigned
/// bytes; `panel`: groups × 16 items × 4 signed bytes). On a CPU with AVX-512 VNNI (cpu::has_avx512_vnni(),
/// at run time), one instruction per group unless `portable`; the portable loop otherwise. Integer sums: both
/// give the same result (tests check that they do).
void panel_dot(const std::uint8_t* user, const std::int8_t* panel, std::size_t groups, std::int32_t* acc,
               bool portable = false);

}  // namespace detail

class QuantizedFactors {
 public:
  QuantizedFactors() = default;
  explicit QuantizedFactors(const FactorMatrix& items);

  /// The k best items by items.row(i)·user + bias[i] (bias may be empty) as scored in float, best first,
  /// ties by lower index, skipping excluded items and NaN scores: the same as top_k() over every item's
  /// float score, whatever the values (those the bound cannot cover are scored in float). `items` must be
  /// the matrix this copy was made from.
  std::vector<ScoredItem> top_k(const FactorMatrix& items, std::span<const float> user,
                                std::span<const float> bias, std::size_t k, const ItemFilter& exclude) const;

 private:
  Eigen::Index rows_ = 0;
  Eigen::Index cols_ = 0;
  std::size_t groups_ = 0;            // factors in groups of 4, the last padded with zeros
  std::vector<std::int8_t> values_;   // panel, group, item in panel, 4 factors
  std::vector<float> scale_;          // s per item (padded to whole panels with zeros)
  std::vector<float> l1_;             // ‖s·q‖₁ per item
  std::vector<std::int32_t> sum_;     // Σ q per item (undoes the +128 that makes the user's values unsigned)
};

}  // namespace mxn::models
