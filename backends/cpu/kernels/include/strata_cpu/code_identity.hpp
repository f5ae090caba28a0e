// Which code runs the ops on this machine: the vector-kernel variant and the OpenBLAS and TBB
// libraries loaded, e.g. "avx2 kernels, OpenBLAS 0.3.21 Haswell, oneTBB 2021.8.0". The cpu
// device reports it as its driver_version, so measurements cached for the device are taken
// again when any of them changes.
#pragma once

#include <string>

namespace strata_cpu {

std::string code_identity();

}  // namespace strata_cpu
