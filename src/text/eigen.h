#pragma once
// Eigen for text/: dense matrices plus the vectorised erf. GCC 12 reports a false -Wmaybe-uninitialized
// inside its own AVX-512 intrinsics when Eigen's GEMM packing is inlined (GCC bug 105593, fixed in 12.3);
// the warning is disabled for these headers only, so -Werror builds work on AVX-512 machines.

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <Eigen/Core>
#include <unsupported/Eigen/SpecialFunctions>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
