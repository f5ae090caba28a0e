#include "plugin/shared_library.hpp"

#include "plugin/trusted_file.hpp"

#include <strata/error.hpp>

#include <dlfcn.h>

namespace strata::detail {

std::shared_ptr<SharedLibrary> SharedLibrary::open(const std::filesystem::path& path) {
  if (std::string why = untrusted_plugin_file(path); !why.empty())
    throw Error(StatusCode::unavailable, "not loaded: " + why);
  // RTLD_LOCAL keeps each plugin's symbols to itself, so two plugins may use different
  // versions of the same helper library. RTLD_NODELETE keeps the code mapped after dlclose:
  // drivers and thread pools (TBB, OpenBLAS, GPU runtimes) leave threads running in it.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (handle == nullptr) {
    const char* why = dlerror();
    throw Error(StatusCode::unavailable, why != nullptr ? why : "dlopen failed");
  }
  return std::shared_ptr<SharedLibrary>(new SharedLibrary(handle, path));
}

SharedLibrary::~SharedLibrary() { dlclose(handle_); }

void* SharedLibrary::symbol(const char* name) const { return dlsym(handle_, name); }

}  // namespace strata::detail
