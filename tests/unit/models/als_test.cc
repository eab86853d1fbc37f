// GCC 12 reports a false -Wmaybe-uninitialized inside its AVX-512 intrinsics when Eigen's double
// reductions are inlined (GCC bug 105593).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "models/als.h"

#include <gtest/gtest.h>

#include <Eigen/Dense>

#include "core/error.h"
#include "data/rng.h"
#include "models/als_solver.h"
#include "planted.h"

namespace mxn::models {
namespace {

/// Dense reference of one implicit row: A = Σ_i c_i y_i y_iᵀ + λI over ALL rows of Y (c = 1 off the
/// row), b = Σ_i c_i p_i y_i — built without the YᵀY shortcut the kernels use.
Eigen::VectorXd reference_implicit(const FactorMatrix& y, const std::vector<std::int32_t>& idx,
                                   const std::vector<float>& w, double lambda, double alpha) {
  const auto k = y.cols();
  std::vector<double> c(static_cast<std::size_t>(y.rows()), 1.0), p(static_cast<std::size_t>(y.rows()), 0.0);
  for (std::size_t j = 0; j < idx.size(); ++j) {
    c[static_cast<std::size_t>(idx[j])] = 1.0 + alpha * std::fabs(w[j]);
    p[static_cast<std::size_t>(idx[j])] = w[j] > 0 ? 1.0 : 0.0;
  }
  Eigen::MatrixXd a = lambda * Eigen::MatrixXd::Identity(k, k);
  Eigen::VectorXd b = Eigen::VectorXd::Zero(k);
  for (Eigen::Index i = 0; i < y.rows(); ++i) {
    const Eigen::VectorXd yi = y.row(i).transpose().cast<double>();
    a += c[static_cast<std::size_t>(i)] * yi * yi.transpose();
    b += c[static_cast<std::size_t>(i)] * p[static_cast<std::size_t>(i)] * yi;
  }
  return a.llt().solve(b);
}

struct RandomRow {
  FactorMatrix y;
  std::vector<std::int32_t> idx;
  std::vector<float> w;
};

RandomRow random_row(int n, int k, int nnz, std::uint64_t seed) {
  RandomRow r;
  r.y = random_factors(n, k, 1.0f, seed, 0);
  data::Rng rng(seed, 1);
  for (int i = 0; i < n && static_cast<int>(r.idx.size()) < nnz; ++i) {
    if (rng.below(static_cast<std::uint32_t>(n)) < static_cast<std::uint32_t>(2 * nnz)) {
      r.idx.push_back(i);
      r.w.push_back(rng.below(5) == 0 ? -1.0f : 0.5f + rng.uniform_float() * 3.0f);
    }
  }
  return r;
}

class AlsSolverTest : public ::testing::TestWithParam<int> {};

TEST_P(AlsSolverTest, ConjugateGradientMatchesDenseCholesky) {
  const int k = GetParam();
  const auto r = random_row(200, k, 30, static_cast<std::uint64_t>(k));
  const float lambda = 0.5f, alpha = 4.0f;
  const FactorMatrix g = gram(r.y, lambda, 1);
  const AlsRow row{r.y.data(), k, r.idx, r.w};
  const Eigen::VectorXd expected = reference_implicit(r.y, r.idx, r.w, lambda, alpha);

  // Enough CG steps from zero solve the system; a few warm-started steps repeated converge to it too.
  Eigen::VectorXf x = Eigen::VectorXf::Zero(k);
  std::vector<float> work;
  als_cg_implicit(row, g.data(), alpha, 2 * k, x.data(), work);
  EXPECT_LT((x.cast<double>() - expected).norm() / expected.norm(), 1e-3);

  Eigen::VectorXf warm = Eigen::VectorXf::Zero(k);
  for (int round = 0; round < 40; ++round) als_cg_implicit(row, g.data(), alpha, 3, warm.data(), work);
  EXPECT_LT((warm.cast<double>() - expected).norm() / expected.norm(), 1e-3);

  Eigen::VectorXf exact(k);
  als_exact_implicit(row, g.data(), alpha, exact.data());
  EXPECT_LT((exact.cast<double>() - expected).norm() / expected.norm(), 1e-4);
}

TEST_P(AlsSolverTest, ExplicitSolvesMatchDenseReference) {
  const int k = GetParam();
  const auto r = random_row(100, k, 40, 99 + static_cast<std::uint64_t>(k));
  const float lambda = 0.1f;
  Eigen::MatrixXd a = lambda * static_cast<double>(r.idx.size()) * Eigen::MatrixXd::Identity(k, k);
  Eigen::VectorXd b = Eigen::VectorXd::Zero(k);
  for (std::size_t j = 0; j < r.idx.size(); ++j) {
    const Eigen::VectorXd yj = r.y.row(r.idx[j]).transpose().cast<double>();
    a += yj * yj.transpose();
    b += static_cast<double>(r.w[j]) * yj;
  }
  const Eigen::VectorXd expected = a.llt().solve(b);
  const AlsRow row{r.y.data(), k, r.idx, r.w};
  Eigen::VectorXf x = Eigen::VectorXf::Zero(k);
  std::vector<float> work;
  als_cg_explicit(row, lambda, 2 * k, x.data(), work);
  EXPECT_LT((x.cast<double>() - expected).norm() / expected.norm(), 1e-3);
  Eigen::VectorXf exact(k);
  als_exact_explicit(row, lambda, exact.data());
  EXPECT_LT((exact.cast<double>() - expected).norm() / expected.norm(), 1e-4);
}

// 8 and 24 take the runtime-k path; 16, 32, 64 the compile-time ones.
INSTANTIATE_TEST_SUITE_P(FactorCounts, AlsSolverTest, ::testing::Values(8, 16, 24, 32, 64));

TEST(AlsSolverTest, LossTermsSumToTheFullObjective) {
  const int k = 8;
  const auto r = random_row(50, k, 12, 5);
  const float lambda = 0.3f, alpha = 2.0f;
  const FactorMatrix g = gram(r.y, lambda, 1);
  const Eigen::VectorXf x = Eigen::VectorXf::Random(k);
  const AlsRow row{r.y.data(), k, r.idx, r.w};
  // Brute force over every item: Σ c (p - x·y)² + λ|x|².
  double expected = lambda * x.cast<double>().squaredNorm();
  for (Eigen::Index i = 0; i < r.y.rows(); ++i) {
    double c = 1, p = 0;
    for (std::size_t j = 0; j < r.idx.size(); ++j) {
      if (r.idx[j] == i) {
        c = 1 + alpha * std::fabs(r.w[j]);
        p = r.w[j] > 0 ? 1 : 0;
      }
    }
    const double d = r.y.row(i).cast<double>().dot(x.cast<double>());
    expected += c * (p - d) * (p - d);
  }
  EXPECT_NEAR(als_loss_implicit(row, g.data(), alpha, x.data()), expected, 1e-3 * expected);
}

class AlsTest : public ::testing::Test {
 protected:
  static AlsParams params(const std::string& feedback) {
    AlsParams p;
    p.factors = 8;
    p.iterations = 12;
    p.regularization = 0.1;
    p.alpha = 5;
    p.feedback = feedback;
    return p;
  }
  static FitOptions threads(int n) {
    FitOptions o;
    o.threads = n;
    return o;
  }
};

TEST_F(AlsTest, ImplicitLossDecreasesEveryIteration) {
  const auto data = testing::planted(6, 10, 12, false);
  Als als(params("implicit"));
  std::vector<double> reported;
  FitOptions o = threads(2);
  o.progress = [&](int, int, double loss) { reported.push_back(loss); };
  als.fit(data.matrix, o);
  ASSERT_EQ(als.loss_history().size(), 12u);
  EXPECT_EQ(reported, als.loss_history());
  EXPECT_FALSE(als.is_explicit());
  for (std::size_t i = 1; i < als.loss_history().size(); ++i) {
    EXPECT_LE(als.loss_history()[i], als.loss_history()[i - 1] * (1 + 1e-6)) << "iteration " << i + 1;
  }
  EXPECT_LT(als.loss_history().back(), 0.5 * als.loss_history().front());
}

TEST_F(AlsTest, ExplicitLossDecreasesEveryIteration) {
  const auto data = testing::planted(6, 10, 12, true);
  Als als(params("explicit"));
  als.fit(data.matrix, threads(2));
  EXPECT_TRUE(als.is_explicit());
  for (std::size_t i = 1; i < als.loss_history().size(); ++i) {
    EXPECT_LE(als.loss_history()[i], als.loss_history()[i - 1] * (1 + 1e-6)) << "iteration " << i + 1;
  }
}

TEST_F(AlsTest, FoldingInATrainingRowReproducesItsFactors) {
  for (const std::string mode : {"implicit", "explicit"}) {
    const auto data = testing::planted(6, 10, 12, mode == "explicit");
    AlsParams p = params(mode);
    p.iterations = 40;
    Als als(p);
    als.fit(data.matrix, threads(2));
    for (UserIndex u = 0; u < data.matrix.n_users(); u += 7) {
      const Eigen::VectorXf trained = als.user_factors().row(u).transpose();
      const Eigen::VectorXf folded = als.fold_in(data.matrix.row(u));
      EXPECT_LT((folded - trained).norm(), 0.05 * trained.norm()) << mode << " user " << u;
    }
  }
}

TEST_F(AlsTest, ResultDoesNotDependOnThreadCount) {
  // Large enough that the half-iterations run in parallel.
  const auto data = testing::planted(50, 40, 100, false);
  AlsParams p = params("implicit");
  p.factors = 16;
  p.iterations = 3;
  Als one(p), two(p);
  one.fit(data.matrix, threads(1));
  two.fit(data.matrix, threads(2));
  EXPECT_EQ(one.item_factors(), two.item_factors());
  EXPECT_EQ(one.user_factors(), two.user_factors());
  EXPECT_EQ(one.loss_history(), two.loss_history());
}

TEST_F(AlsTest, InvalidParamsNameTheField) {
  AlsParams p;
  p.cg_steps = 0;
  try {
    Als als(p, "models.collab.als");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kInvalidArgument);
    EXPECT_EQ(e.field(), "models.collab.als.cg_steps");
  }
}

TEST_F(AlsTest, HandlesUsersAndItemsWithoutInteractions) {
  const auto m =
      data::InteractionMatrix::from_triplets({{0, 0, 1.0f, 0, false}, {2, 3, 2.0f, 0, false}}, 4, 6);
  for (const std::string mode : {"implicit", "explicit"}) {
    Als als(params(mode));
    als.fit(m, threads(2));
    EXPECT_TRUE(als.item_factors().allFinite());
    EXPECT_TRUE(als.user_factors().allFinite());
  }
}

TEST_F(AlsTest, ARowWhoseWeightsAreAllZeroFoldsInToZero) {
  // Interactions can cancel out (a like and a dislike of one item): the row lists items, none weighs anything.
  // 64 factors: Eigen's blocked product, which divides by the number of rows, is used from this size on.
  const auto data = testing::planted(6, 10, 12, false);
  AlsParams p = params("implicit");
  p.factors = 64;
  Als als(p);
  als.fit(data.matrix, threads(2));
  const std::vector<ItemIndex> items{0, 3};
  const std::vector<float> weights{0.0f, 0.0f};
  const data::SparseRow row{items, weights};
  EXPECT_TRUE(als.fold_in(row).isZero(0));
  EXPECT_TRUE(als.recommend(row, 5, {}).empty());
}

}  // namespace
}  // namespace mxn::models
