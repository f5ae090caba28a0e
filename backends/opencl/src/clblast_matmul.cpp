#include "clblast_matmul.hpp"

#include <strata_plugin/host.hpp>

#include <clblast_c.h>
#include <dlfcn.h>

#include <mutex>

namespace strata_opencl {
namespace {

struct Symbols {
  decltype(&CLBlastSgemm) sgemm = nullptr;
  decltype(&CLBlastSgemv) sgemv = nullptr;
};

// Loaded once per process and never unloaded: CLBlast keeps compiled kernels in static caches.
const Symbols* symbols() {
  static Symbols loaded;
  static bool ok = false;
  static std::once_flag once;
  std::call_once(once, [] {
    void* library = dlopen("libclblast.so.1", RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) return;
    loaded.sgemm = reinterpret_cast<decltype(&CLBlastSgemm)>(dlsym(library, "CLBlastSgemm"));
    loaded.sgemv = reinterpret_cast<decltype(&CLBlastSgemv)>(dlsym(library, "CLBlastSgemv"));
    ok = loaded.sgemm != nullptr && loaded.sgemv != nullptr;
  });
  return ok ? &loaded : nullptr;
}

}  // namespace

std::unique_ptr<ClblastMatmul> ClblastMatmul::load() {
  if (symbols() == nullptr) return nullptr;
  return std::make_unique<ClblastMatmul>();
}

void ClblastMatmul::matmul(cl::CommandQueue& queue, const cl::Buffer& x, std::size_t x_offset, const cl::Buffer& w,
                           std::size_t w_offset, const cl::Buffer& out, std::size_t out_offset, std::size_t m,
                           std::size_t n, std::size_t k) {
  const Symbols* s = symbols();
  cl_command_queue q = queue();
  CLBlastStatusCode status;
  if (m == 1) {
    // y[n] = W[n, k] x: a row-major, non-transposed GEMV.
    status = s->sgemv(CLBlastLayoutRowMajor, CLBlastTransposeNo, n, k, 1.0f, w(), w_offset, k, x(), x_offset, 1, 0.0f,
                      out(), out_offset, 1, &q, nullptr);
  } else {
    status = s->sgemm(CLBlastLayoutRowMajor, CLBlastTransposeNo, CLBlastTransposeYes, m, n, k, 1.0f, x(), x_offset, k,
                      w(), w_offset, k, 0.0f, out(), out_offset, n, &q, nullptr);
  }
  if (status != CLBlastSuccess)
    strata_plugin::fail(STRATA_STATUS_INTERNAL, "opencl: CLBlast {} failed with status {}", m == 1 ? "sgemv" : "sgemm",
                        static_cast<int>(status));
}

}  // namespace strata_opencl
