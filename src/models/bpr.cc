#include "models/bpr.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/error.h"
#include "core/log.h"
#include "data/rng.h"

namespace mxn::models {

namespace {

constexpr int kMaxNegativeTries = 16;
/// Samples taken per drawn (user, positive) entry: the first uses the drawn positive, the others
/// positives of the same user drawn uniformly. Keeps the user's row and vector in cache for a few
/// updates; every positive entry is still sampled uniformly on average.
constexpr std::uint64_t kSamplesPerDraw = 4;
constexpr std::size_t kFoldInSamplesPerStep = 128;
constexpr std::uint64_t kFoldInStream = 0x5eed'f01d;

template <int K>
inline float margin(const float* pu, const float* pi, const float* pj, float bi, float bj, int kd) {
  const int k = K > 0 ? K : kd;
  float x = 0;
#pragma omp simd reduction(+ : x)
  for (int f = 0; f < k; ++f) x += pu[f] * (pi[f] - pj[f]);
  return x + bi - bj;
}

/// One SGD step on the sample (u, i, j), updating all three vectors and both biases; returns the
/// sample's loss -log σ(x_uij).
template <int K>
float train_step(float* pu, float* pi, float* pj, float* bi, float* bj, float lr, float reg, int kd) {
  const int k = K > 0 ? K : kd;
  const float x = margin<K>(pu, pi, pj, *bi, *bj, k);
  const float e = std::exp(x);
  const float z = 1.0f / (1.0f + e);  // σ(-x)
#pragma omp simd
  for (int f = 0; f < k; ++f) {
    const float uf = pu[f], vi = pi[f], vj = pj[f];
    pu[f] = uf + lr * (z * (vi - vj) - reg * uf);
    pi[f] = vi + lr * (z * uf - reg * vi);
    pj[f] = vj + lr * (-z * uf - reg * vj);
  }
  *bi += lr * (z - reg * *bi);
  *bj += lr * (-z - reg * *bj);
  return std::isfinite(e) ? std::log1p(e) - x : 0.0f;  // -log σ(x) = log(1 + e^x) - x
}

/// One SGD step on the user vector only (fold-in: item factors fixed).
template <int K>
void fold_step(float* pu, const float* pi, const float* pj, float bi, float bj, float lr, float reg, int kd) {
  const int k = K > 0 ? K : kd;
  const float z = 1.0f / (1.0f + std::exp(margin<K>(pu, pi, pj, bi, bj, k)));
#pragma omp simd
  for (int f = 0; f < k; ++f) pu[f] += lr * (z * (pi[f] - pj[f]) - reg * pu[f]);
}

using TrainStep = float (*)(float*, float*, float*, float*, float*, float, float, int);
using FoldStep = void (*)(float*, const float*, const float*, float, float, float, float, int);

template <class Fn, template <int> class Pick>
Fn dispatch(int k) {
  switch (k) {
    case 16:
      return Pick<16>::fn;
    case 32:
      return Pick<32>::fn;
    case 64:
      return Pick<64>::fn;
    case 128:
      return Pick<128>::fn;
    default:
      return Pick<0>::fn;
  }
}
template <int K>
struct PickTrain {
  static constexpr TrainStep fn = &train_step<K>;
};
template <int K>
struct PickFold {
  static constexpr FoldStep fn = &fold_step<K>;
};

/// True when `item` is in the sorted `items` with a positive weight.
inline bool is_positive(const ItemIndex* items, const float* weights, std::size_t n, ItemIndex item) {
  const ItemIndex* it = std::lower_bound(items, items + n, item);
  return it != items + n && *it == item && weights[it - items] > 0;
}

data::SparseRow known_part(const data::SparseRow& row, ItemIndex n_items) {
  const auto end = std::lower_bound(row.items.begin(), row.items.end(), n_items) - row.items.begin();
  const auto n = static_cast<std::size_t>(end);
  return {row.items.first(n), row.weights.first(n)};
}

}  // namespace

Bpr::Bpr(BprParams params, std::string_view field_prefix) : params_(std::move(params)) {
  std::vector<FieldError> problems;
  params_.validate(field_prefix, problems);
  if (!problems.empty()) throw Error(std::move(problems));
}

std::string Bpr::params_text() const {
  std::ostringstream s;
  s << "factors=" << params_.factors << " learning_rate=" << params_.learning_rate
    << " regularization=" << params_.regularization << " epochs=" << params_.epochs
    << " fold_in_steps=" << params_.fold_in_steps << " seed=" << params_.seed;
  return s.str();
}

void Bpr::fit(const data::InteractionMatrix& m, const FitOptions& options) {
  fitted_ = false;
  const int threads = resolve_threads(options.threads);
  const int k = params_.factors;
  const float scale = 0.1f / std::sqrt(static_cast<float>(k));
  users_ = random_factors(m.n_users(), k, scale, params_.seed, 0);
  items_ = random_factors(m.n_items(), k, scale, params_.seed, 1);
  bias_.assign(static_cast<std::size_t>(m.n_items()), 0.0f);
  loss_history_.clear();

  // Positive entries grouped by user (items ascending, so membership is a binary search), and the
  // user of every positive entry (an entry drawn uniformly picks a user in proportion to her positives).
  const auto n_users = static_cast<std::size_t>(m.n_users());
  std::vector<std::int64_t> pos_ptr(n_users + 1, 0);
  std::vector<UserIndex> pos_user;
  std::vector<ItemIndex> pos_item;
  const auto& ptr = m.row_ptr();
  const auto& items = m.row_items();
  const auto& weights = m.row_weights();
  for (std::size_t u = 0; u < n_users; ++u) {
    for (auto e = static_cast<std::size_t>(ptr[u]); e < static_cast<std::size_t>(ptr[u + 1]); ++e) {
      if (weights[e] > 0) {
        pos_user.push_back(static_cast<UserIndex>(u));
        pos_item.push_back(items[e]);
      }
    }
    pos_ptr[u + 1] = static_cast<std::int64_t>(pos_item.size());
  }
  const std::uint64_t n_pos = pos_user.size();
  const auto n_items = static_cast<std::uint32_t>(m.n_items());
  const auto lr = static_cast<float>(params_.learning_rate);
  const auto reg = static_cast<float>(params_.regularization);
  const TrainStep step = dispatch<TrainStep, PickTrain>(k);

  std::vector<data::Rng> rngs;
  for (int t = 0; t < threads; ++t) rngs.emplace_back(params_.seed, static_cast<std::uint64_t>(t));
  std::vector<double> thread_loss(static_cast<std::size_t>(threads));
  std::vector<std::uint64_t> thread_samples(static_cast<std::size_t>(threads));

  for (int epoch = 0; epoch < params_.epochs; ++epoch) {
    if (n_pos > 0 && n_items > 1) {
#pragma omp parallel num_threads(threads)
      {
        const int t = omp_get_thread_num();
        const int team = omp_get_num_threads();
        data::Rng& rng = rngs[static_cast<std::size_t>(t)];
        const std::uint64_t share =
            n_pos / static_cast<std::uint64_t>(team) +
            (static_cast<std::uint64_t>(t) < n_pos % static_cast<std::uint64_t>(team) ? 1 : 0);
        double loss = 0;
        std::uint64_t done = 0;
        // Draws are pipelined: the entry two draws ahead is prefetched, then the user one draw ahead.
        std::uint64_t ahead2 = rng.below64(n_pos);
        __builtin_prefetch(&pos_user[ahead2]);
        std::uint64_t ahead1 = rng.below64(n_pos);
        for (std::uint64_t s = 0; s < share;) {
          const std::uint64_t e = ahead1;
          ahead1 = ahead2;
          ahead2 = rng.below64(n_pos);
          __builtin_prefetch(&pos_user[ahead2]);
          {
            const auto next_user = static_cast<std::size_t>(pos_user[ahead1]);
            const char* next_factors =
                reinterpret_cast<const char*>(users_.data() + static_cast<std::ptrdiff_t>(next_user) * k);
            for (int line = 0; line < k * 4; line += 64) __builtin_prefetch(next_factors + line, 1);
            __builtin_prefetch(&pos_ptr[next_user]);
          }
          const auto u = static_cast<std::size_t>(pos_user[e]);
          const ItemIndex* positives = pos_item.data() + pos_ptr[u];
          const auto n_u = static_cast<std::uint32_t>(pos_ptr[u + 1] - pos_ptr[u]);
          float* pu = users_.data() + static_cast<std::ptrdiff_t>(u) * k;
          const std::uint64_t batch = std::min<std::uint64_t>(kSamplesPerDraw, share - s);
          // Pick the draw's samples first and prefetch their item vectors, then update.
          ItemIndex pick_i[kSamplesPerDraw], pick_j[kSamplesPerDraw];
          for (std::uint64_t q = 0; q < batch; ++q) {
            pick_i[q] = q == 0 ? pos_item[e] : positives[rng.below(n_u)];
            pick_j[q] = -1;
            for (int tries = 0; tries < kMaxNegativeTries; ++tries) {
              const auto candidate = static_cast<ItemIndex>(rng.below(n_items));
              if (!std::binary_search(positives, positives + n_u, candidate)) {
                pick_j[q] = candidate;
                break;
              }
            }
            for (ItemIndex item : {pick_i[q], pick_j[q]}) {
              if (item < 0) continue;
              const char* row =
                  reinterpret_cast<const char*>(items_.data() + static_cast<std::ptrdiff_t>(item) * k);
              for (int line = 0; line < k * 4; line += 64) __builtin_prefetch(row + line, 1);
            }
          }
          for (std::uint64_t q = 0; q < batch; ++q) {
            const ItemIndex i = pick_i[q], j = pick_j[q];
            if (j < 0) continue;
            loss +=
                step(pu, items_.data() + static_cast<std::ptrdiff_t>(i) * k,
                     items_.data() + static_cast<std::ptrdiff_t>(j) * k, &bias_[static_cast<std::size_t>(i)],
                     &bias_[static_cast<std::size_t>(j)], lr, reg, k);
            ++done;
          }
          s += batch;
        }
        thread_loss[static_cast<std::size_t>(t)] = loss;
        thread_samples[static_cast<std::size_t>(t)] = done;
      }
    }
    double loss = 0;
    std::uint64_t samples = 0;
    for (int t = 0; t < threads; ++t) {
      loss += thread_loss[static_cast<std::size_t>(t)];
      samples += thread_samples[static_cast<std::size_t>(t)];
      thread_loss[static_cast<std::size_t>(t)] = 0;
      thread_samples[static_cast<std::size_t>(t)] = 0;
    }
    const double mean = samples > 0 ? loss / static_cast<double>(samples) : 0.0;
    loss_history_.push_back(mean);
    log::debug("bpr.epoch", "epoch", epoch + 1, "loss", mean);
    if (options.progress) options.progress(epoch + 1, params_.epochs, mean);
  }
  item_norms_ = row_norms(items_);
  quantized_ = QuantizedFactors(items_);
  fitted_ = true;
}

Eigen::VectorXf Bpr::fold_in(const data::SparseRow& live_row) const {
  if (!fitted_) throw Error(Code::kFailedPrecondition, "model 'bpr' is not fitted");
  live_row.validate();
  const auto row = known_part(live_row, n_items());
  const int k = static_cast<int>(items_.cols());
  Eigen::VectorXf u = Eigen::VectorXf::Zero(k);
  std::vector<ItemIndex> positives;
  for (std::size_t e = 0; e < row.size(); ++e) {
    if (row.weights[e] > 0) positives.push_back(row.items[e]);
  }
  const auto n_items = static_cast<std::uint32_t>(this->n_items());
  if (positives.empty() || n_items < 2) return u;
  const auto lr = static_cast<float>(params_.learning_rate);
  const auto reg = static_cast<float>(params_.regularization);
  const FoldStep step = dispatch<FoldStep, PickFold>(k);
  data::Rng rng(params_.seed, kFoldInStream);
  const std::size_t per_step = std::min(positives.size(), kFoldInSamplesPerStep);
  const float* item_data = items_.data();
  for (int s = 0; s < params_.fold_in_steps; ++s) {
    for (std::size_t q = 0; q < per_step; ++q) {
      const ItemIndex i = positives.size() <= kFoldInSamplesPerStep
                              ? positives[q]
                              : positives[rng.below(static_cast<std::uint32_t>(positives.size()))];
      ItemIndex j = -1;
      for (int tries = 0; tries < kMaxNegativeTries; ++tries) {
        const auto candidate = static_cast<ItemIndex>(rng.below(n_items));
        if (!is_positive(row.items.data(), row.weights.data(), row.size(), candidate)) {
          j = candidate;
          break;
        }
      }
      if (j < 0) continue;
      step(u.data(), item_data + static_cast<std::ptrdiff_t>(i) * k,
           item_data + static_cast<std::ptrdiff_t>(j) * k, bias_[static_cast<std::size_t>(i)],
           bias_[static_cast<std::size_t>(j)], lr, reg, k);
    }
  }
  return u;
}

std::vector<ScoredItem> Bpr::recommend(const data::SparseRow& row, std::size_t k,
                                       const ItemFilter& exclude) const {
  const Eigen::VectorXf u = fold_in(row);
  if (u.isZero(0)) return {};
  return quantized_.top_k(items_, {u.data(), static_cast<std::size_t>(u.size())}, bias_, k, exclude);
}

std::vector<ScoredItem> Bpr::similar_items(ItemIndex item, std::size_t k) const {
  if (!fitted_) throw Error(Code::kFailedPrecondition, "model 'bpr' is not fitted");
  return similar_by_cosine(items_, item_norms_, item, k);
}

void Bpr::save(ModelWriter& out) const {
  if (!fitted_) throw Error(Code::kFailedPrecondition, "model 'bpr' is not fitted");
  out.begin(kTypeName, kFormatVersion, params_text());
  auto& b = out.body();
  b.write<std::int32_t>(params_.factors);
  b.write<double>(params_.learning_rate);
  b.write<double>(params_.regularization);
  b.write<std::int32_t>(params_.epochs);
  b.write<std::int32_t>(params_.fold_in_steps);
  b.write<std::uint64_t>(params_.seed);
  write_factors(b, items_);
  b.write_vector(bias_);
  b.write_vector(loss_history_);
  out.end();
}

void Bpr::load(ModelReader& in) {
  in.expect(kTypeName, kFormatVersion);
  auto& b = in.body();
  BprParams p;
  p.factors = b.read<std::int32_t>("bpr factors");
  p.learning_rate = b.read<double>("bpr learning_rate");
  p.regularization = b.read<double>("bpr regularization");
  p.epochs = b.read<std::int32_t>("bpr epochs");
  p.fold_in_steps = b.read<std::int32_t>("bpr fold_in_steps");
  p.seed = b.read<std::uint64_t>("bpr seed");
  std::vector<FieldError> problems;
  p.validate("bpr", problems);
  if (!problems.empty())
    throw Error(Code::kCorrupt, "model file holds invalid params: " + std::string(Error(problems).what()));
  FactorMatrix items = read_factors(b, "bpr item factors", -1, p.factors);
  auto bias = b.read_vector<float>("bpr item bias");
  if (static_cast<Eigen::Index>(bias.size()) != items.rows())
    throw Error(Code::kCorrupt, "bpr item bias has the wrong length");
  auto history = b.read_vector<double>("bpr loss history");
  in.end();

  params_ = std::move(p);
  items_ = std::move(items);
  bias_ = std::move(bias);
  users_ = FactorMatrix();
  loss_history_ = std::move(history);
  item_norms_ = row_norms(items_);
  quantized_ = QuantizedFactors(items_);
  fitted_ = true;
}

}  // namespace mxn::models
