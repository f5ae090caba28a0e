// Picks the vector-kernel variant once per process: CPUID, then STRATA_CPU_ISA.
#include <strata_cpu/isa.hpp>

#include <strata_plugin/host.hpp>

#include "vec_kernels.hpp"

#include <atomic>
#include <cstdlib>
#include <string>

namespace strata_cpu {
namespace {

bool cpu_has_avx2() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && avx2_kernels() != nullptr &&
         __builtin_cpu_supports("f16c");
#else
  return false;
#endif
}

Isa initial_isa() {
  const char* forced = std::getenv("STRATA_CPU_ISA");
  if (forced != nullptr && std::string(forced) == "generic") return Isa::generic;
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
