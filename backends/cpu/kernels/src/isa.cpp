// Picks the vector-kernel variant once per process: CPUID, then STRATA_CPU_ISA.
#include <strata_cpu/isa.hpp>

#include <strata_plugin/host.hpp>
#include <strata_safe_io/environment.hpp>

#include "vec_kernels.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#endif

#include <atomic>
#include <cstdlib>
#include <string>

namespace strata_cpu {
namespace {

// CPUID, read directly: compilers disagree on which names __builtin_cpu_supports knows.
bool cpu_has_avx2() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (avx2_kernels() == nullptr || !__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return false;
  const bool fma = (ecx >> 12) & 1u, osxsave = (ecx >> 27) & 1u, avx = (ecx >> 28) & 1u, f16c = (ecx >> 29) & 1u;
  if (!(fma && osxsave && avx && f16c)) return false;
  // The OS must save the ymm registers (XCR0 bits 1 and 2).
  unsigned xcr0_low = 0, xcr0_high = 0;
  __asm__("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
  if ((xcr0_low & 0x6u) != 0x6u) return false;
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
  return (ebx >> 5) & 1u;  // AVX2
#else
  return false;
#endif
}

Isa initial_isa() {
  if (strata::safe_io::environment_variable("STRATA_CPU_ISA") == "generic") return Isa::generic;
  return best_isa();
}

std::atomic<Isa>& selected() {
  static std::atomic<Isa> isa{initial_isa()};
  return isa;
}

}  // namespace

std::string_view to_string(Isa isa) { return isa == Isa::avx2 ? "avx2" : "generic"; }

Isa best_isa() {
  static const Isa best = cpu_has_avx2() ? Isa::avx2 : Isa::generic;
  return best;
}

Isa active_isa() { return selected().load(std::memory_order_relaxed); }

bool force_isa(Isa isa) {
  if (isa == Isa::avx2 && best_isa() != Isa::avx2) return false;
  selected().store(isa, std::memory_order_relaxed);
  return true;
}

const VecKernels& vec() { return active_isa() == Isa::avx2 ? *avx2_kernels() : generic_kernels(); }

}  // namespace strata_cpu
