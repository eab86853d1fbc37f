#pragma once
// The CPU this binary was built for and the one it runs on. Portable builds (the default) compile all code
// for one x86-64 level (MXN_ARCH, x86-64-v3 unless set) and pick the 8-bit scan kernel at run time
// (models/quantized_factors.cc); -DMXN_NATIVE=ON builds for the build machine's CPU only.
// A CPU that lacks an instruction set the build assumes stops the program (the mxn binary, the Python
// module) at start with a message naming them, instead of crashing on an illegal instruction: a constructor
// in cpu.cc, compiled for the x86-64 baseline, checks before the other constructors run.

#include <string>

namespace mxn::cpu {

/// The instruction sets the compiler was allowed to use (-march), e.g. "sse4.2 popcnt avx avx2 fma bmi bmi2".
std::string compiled_features();

/// Whether this CPU runs AVX-512 VNNI (the 8-bit scan's fast kernel).
bool has_avx512_vnni();

}  // namespace mxn::cpu
