// Which instruction-set variant of the vector kernels runs. Chosen once from what the CPU
// supports; STRATA_CPU_ISA=generic in the environment forces the portable code. Tests and
// benchmarks switch it to check every variant against the same reference.
#pragma once

#include <string_view>

namespace strata_cpu {

enum class Isa { generic, avx2 };

std::string_view to_string(Isa isa);
// The best variant this CPU runs (ignores STRATA_CPU_ISA and force_isa).
Isa best_isa();
Isa active_isa();
// Selects a variant for the whole process; refuses (returns false) one the CPU cannot run.
// Not safe while ops are running on other threads.
bool force_isa(Isa isa);

}  // namespace strata_cpu
