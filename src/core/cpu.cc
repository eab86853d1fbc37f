#include "core/cpu.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace mxn::cpu {

namespace {

// Everything here is compiled for the x86-64 baseline and calls only C functions, so that it runs on a CPU
// that lacks what the rest of the binary was built for.
#if defined(__x86_64__)
#define MXN_BASELINE __attribute__((target("arch=x86-64")))
#else
#define MXN_BASELINE
#endif

struct Features {
  char compiled[256] = "";  // the instruction sets the compiler was allowed to use, space-separated
  char missing[256] = "";   // those of them this CPU lacks
};

MXN_BASELINE void note(Features& f, const char* name, bool present) {
  std::strcat(f.compiled, f.compiled[0] ? " " : "");
  std::strcat(f.compiled, name);
  if (!present) {
    std::strcat(f.missing, f.missing[0] ? " " : "");
    std::strcat(f.missing, name);
  }
}

// __builtin_cpu_supports takes literal names: one line per feature a build may assume.
#define MXN_FEATURE(name) note(f, name, __builtin_cpu_supports(name) != 0)

MXN_BASELINE Features features() {
  Features f;
#if defined(__x86_64__)
  __builtin_cpu_init();  // may run before libgcc's own constructor does it
#if defined(__SSE4_2__)
  MXN_FEATURE("sse4.2");
#endif
#if defined(__POPCNT__)
  MXN_FEATURE("popcnt");
#endif
#if defined(__AVX__)
  MXN_FEATURE("avx");
#endif
#if defined(__AVX2__)
  MXN_FEATURE("avx2");
#endif
#if defined(__FMA__)
  MXN_FEATURE("fma");
#endif
#if defined(__BMI__)
  MXN_FEATURE("bmi");
#endif
#if defined(__BMI2__)
  MXN_FEATURE("bmi2");
#endif
#if defined(__AVX512F__)
  MXN_FEATURE("avx512f");
#endif
#if defined(__AVX512BW__)
  MXN_FEATURE("avx512bw");
#endif
#if defined(__AVX512DQ__)
  MXN_FEATURE("avx512dq");
#endif
#if defined(__AVX512VL__)
  MXN_FEATURE("avx512vl");
#endif
#if defined(__AVX512VNNI__)
  MXN_FEATURE("avx512vnni");
#endif
#endif
  return f;
}

// Runs before the constructors of default priority of the program or shared object it is linked into.
__attribute__((constructor(101))) MXN_BASELINE void require_compiled_features() {
  const Features f = features();
  if (!f.missing[0]) return;
  std::fprintf(
      stderr,
      "mxn: error: this mxn was built for instruction sets this CPU lacks: %s. Build it for this machine "
      "(make CMAKE_ARGS=-DMXN_ARCH=x86-64-v2, or CMAKE_ARGS=-DMXN_NATIVE=ON on it).\n",
      f.missing);
  std::_Exit(1);
}

}  // namespace

std::string compiled_features() {
  const Features f = features();
  return f.compiled[0] ? f.compiled : "baseline";
}

bool has_avx512_vnni() {
#if defined(__x86_64__)
  static const bool yes = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vnni");
  return yes;
#else
  return false;
#endif
}

}  // namespace mxn::cpu
