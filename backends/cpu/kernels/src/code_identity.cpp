// Asks the libraries loaded now rather than the headers built against: a distribution upgrade
// of OpenBLAS or TBB changes the speed without rebuilding the plugin.
#include <strata_cpu/code_identity.hpp>
#include <strata_cpu/isa.hpp>

#include <cblas.h>
#include <fmt/format.h>
#include <oneapi/tbb/version.h>

#include <sstream>

namespace strata_cpu {
namespace {

// "OpenBLAS 0.3.21" from openblas_get_config()'s "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH ...".
std::string openblas_version() {
  std::istringstream config(openblas_get_config());
  std::string name, version;
  config >> name >> version;
  return version.empty() ? std::string("OpenBLAS") : name + " " + version;
}

}  // namespace

std::string code_identity() {
  // The core name is the kernel set OpenBLAS dispatched to on this CPU (DYNAMIC_ARCH builds).
  return fmt::format("{} kernels, {} {}, oneTBB {}", to_string(active_isa()), openblas_version(),
                     openblas_get_corename(), TBB_runtime_version());
}

}  // namespace strata_cpu
