#include "models/quantized_factors.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/cpu.h"
#include "core/error.h"
#include "models/top_k.h"

namespace mxn::models {

using detail::kGroup;
using detail::kPanel;

namespace {

constexpr std::size_t kGroupBytes = kPanel * kGroup;  // one group of a panel: one VNNI product

/// x rounded to the nearest integer in [-127, 127].
std::int32_t quantize(float x) { return static_cast<std::int32_t>(std::clamp(std::lrint(x), -127L, 127L)); }

}  // namespace

namespace {

void panel_dot_portable(const std::uint8_t* user, const std::int8_t* panel, std::size_t groups,
                        std::int32_t* acc) {
  std::fill(acc, acc + kPanel, 0);
  for (std::size_t g = 0; g < groups; ++g) {
    const std::int8_t* block = panel + g * kGroupBytes;
    for (std::size_t l = 0; l < kPanel; ++l) {
      for (std::size_t j = 0; j < kGroup; ++j) acc[l] += std::int32_t{user[g * kGroup + j]} * block[l * kGroup + j];
    }
  }
}

#if defined(__x86_64__)
// Compiled for AVX-512 VNNI whatever the build's level (both functions: a lambda would not inherit the
// target); called only on a CPU that has it.
#define MXN_VNNI __attribute__((target("avx512f,avx512vnni")))

/// The 4 bytes of one group of the user's factors in every 32-bit lane.
MXN_VNNI __m512i user_word(const std::uint8_t* user, std::size_t g) {
  std::int32_t w;
  std::memcpy(&w, user + g * kGroup, sizeof w);
  return _mm512_set1_epi32(w);
}

MXN_VNNI void panel_dot_vnni(const std::uint8_t* user, const std::int8_t* panel, std::size_t groups,
                             std::int32_t* acc) {
  __m512i a0 = _mm512_setzero_si512();
  __m512i a1 = _mm512_setzero_si512();  // two chains, so that consecutive products overlap
  std::size_t g = 0;
  for (; g + 1 < groups; g += 2) {
    a0 = _mm512_dpbusd_epi32(a0, user_word(user, g), _mm512_loadu_si512(panel + g * kGroupBytes));
    a1 = _mm512_dpbusd_epi32(a1, user_word(user, g + 1), _mm512_loadu_si512(panel + (g + 1) * kGroupBytes));
  }
  if (g < groups)
    a0 = _mm512_dpbusd_epi32(a0, user_word(user, g), _mm512_loadu_si512(panel + g * kGroupBytes));
  _mm512_storeu_si512(acc, _mm512_add_epi32(a0, a1));
}
#endif

}  // namespace

namespace detail {

void panel_dot(const std::uint8_t* user, const std::int8_t* panel, std::size_t groups, std::int32_t* acc,
               bool portable) {
#if defined(__x86_64__)
  if (!portable && cpu::has_avx512_vnni()) return panel_dot_vnni(user, panel, groups, acc);
#endif
  panel_dot_portable(user, panel, groups, acc);
}

}  // namespace detail

QuantizedFactors::QuantizedFactors(const FactorMatrix& items)
    : rows_(items.rows()), cols_(items.cols()), groups_((static_cast<std::size_t>(cols_) + kGroup - 1) / kGroup) {
  const auto n = static_cast<std::size_t>(rows_);
  const auto k = static_cast<std::size_t>(cols_);
  const std::size_t padded = (n + kPanel - 1) / kPanel * kPanel;
  values_.assign(padded * groups_ * kGroup, 0);
  scale_.assign(padded, 0.0f);
  l1_.assign(padded, 0.0f);
  sum_.assign(padded, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const float* v = items.data() + i * k;
    float top = 0;
    bool finite = true;
    for (std::size_t f = 0; f < k; ++f) {
      finite = finite && std::isfinite(v[f]);
      top = std::max(top, std::abs(v[f]));
    }
    if (!finite) {  // NaN scale: top_k() scores such a row in float, as the bound cannot cover it
      scale_[i] = std::numeric_limits<float>::quiet_NaN();
      continue;
    }
    if (top == 0) continue;  // the zero vector: q = 0, s = 0, exact
    const float s = top / 127;
    std::int8_t* panel = values_.data() + i / kPanel * groups_ * kGroupBytes;
    double l1 = 0;
    for (std::size_t f = 0; f < k; ++f) {
      const std::int32_t q = quantize(v[f] / s);
      panel[f / kGroup * kGroupBytes + i % kPanel * kGroup + f % kGroup] = static_cast<std::int8_t>(q);
      sum_[i] += q;
      l1 += std::abs(q);
    }
    scale_[i] = s;
    l1_[i] = static_cast<float>(l1 * s);
  }
}

std::vector<ScoredItem> QuantizedFactors::top_k(const FactorMatrix& items, std::span<const float> user,
                                                std::span<const float> bias, std::size_t k,
                                                const ItemFilter& exclude) const {
  MXN_CHECK(items.rows() == rows_ && items.cols() == cols_, "QuantizedFactors: not the matrix it was made from");
  MXN_CHECK(static_cast<Eigen::Index>(user.size()) == cols_, "user vector size");
  MXN_CHECK(bias.empty() || static_cast<Eigen::Index>(bias.size()) == rows_, "bias size");
  const auto n = static_cast<std::size_t>(rows_);
  if (k == 0 || n == 0) return {};
  float top = 0, l1 = 0;
  for (float x : user) {
    top = std::max(top, std::abs(x));
    l1 += std::abs(x);
  }
  const float t = top / 127;
  std::vector<std::uint8_t> p(groups_ * kGroup, 128);  // t·(p − 128) ≈ user; padding factors are 0
  for (std::size_t f = 0; t > 0 && f < user.size(); ++f) p[f] = static_cast<std::uint8_t>(quantize(user[f] / t) + 128);

  // The error bound per item, widened for float rounding. The dot product scored again in float is off by
  // at most cols·2⁻²⁴·Σ|u_f·v_f| ≤ cols·2⁻¹⁷·s·‖u‖₁ (|v_f| ≤ 127.5·s), which the widening by cols·2⁻¹⁴ of
  // s/2·‖u‖₁ covers four times; it also covers the rounding of ‖u‖₁ and of the bound itself. The last term
  // covers the rounding of the approximate score and of adding the bias. The bound needs finite values and
  // products in the normal range: a user vector that is not finite or is tiny (t below the smallest normal
  // float while not 0), and any item whose bounds come out otherwise, is scored again in float whatever its
  // bounds (lo NaN, so it sets no bar; hi +inf, so it is always a candidate).
  const bool user_bounded = std::isfinite(l1) && (top == 0 || t >= std::numeric_limits<float>::min());
  const float widen = 1 + static_cast<float>(cols_) * 0x1p-14f;
  const float half_l1 = l1 / 2 * widen;
  const float half_t = t / 2 * widen;
  constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
  constexpr float kInf = std::numeric_limits<float>::infinity();
  std::vector<float> bounds(2 * n);
  float* lo = bounds.data();
  float* hi = lo + n;
  alignas(64) std::int32_t acc[kPanel];
  for (std::size_t first = 0; first < n; first += kPanel) {
    detail::panel_dot(p.data(), values_.data() + first / kPanel * groups_ * kGroupBytes, groups_, acc);
    const std::size_t count = std::min(kPanel, n - first);
    for (std::size_t l = 0; l < count; ++l) {
      const std::size_t i = first + l;
      const float st = scale_[i] * t;
      const float product = static_cast<float>(acc[l] - 128 * sum_[i]) * st;
      const float x = bias.empty() ? product : product + bias[i];
      const float margin = scale_[i] * half_l1 + l1_[i] * half_t + (std::abs(product) + std::abs(x)) * 0x1p-20f;
      const bool bounded = user_bounded && std::abs(x) + margin <= std::numeric_limits<float>::max() &&
                           (st >= std::numeric_limits<float>::min() || scale_[i] == 0);
      lo[i] = bounded ? x - margin : kNaN;
      hi[i] = bounded ? x + margin : kInf;
    }
  }

  // The k best lower bounds set the bar; whatever reaches it is scored again exactly (into hi).
  const std::span<const float> lower(lo, n), upper(hi, n);
  const auto best_lower = models::top_k(lower, k, exclude);
  const float bar = best_lower.size() == k ? best_lower.back().score : -std::numeric_limits<float>::infinity();
  Eigen::Map<const Eigen::VectorXf> u(user.data(), cols_);
  std::vector<ItemIndex> candidates;
  candidates.reserve(std::min(2 * k, n));
  for_each_at_or_above(upper, block_maxima(upper), bar, [&](std::size_t i) {
    hi[i] = items.row(static_cast<Eigen::Index>(i)).dot(u) + (bias.empty() ? 0.0f : bias[i]);
    candidates.push_back(static_cast<ItemIndex>(i));
  });
  return top_k_of(candidates, upper, k, exclude);
}

}  // namespace mxn::models
