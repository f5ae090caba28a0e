#include "objects.hpp"

#include <strata_plugin/host.hpp>

namespace strata_opencl {

Buffer* from_handle(strata_buffer* handle) {
  auto* buffer = reinterpret_cast<Buffer*>(handle);
  if (buffer == nullptr || buffer->magic != Buffer::kMagic)
    strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "opencl: not a buffer of this plugin");
  return buffer;
}

}  // namespace strata_opencl
