// The OpenCL C source of every kernel, embedded at build time from kernels/*.cl.
#pragma once

#include <string>

namespace strata_opencl {

const std::string& kernel_source();

}  // namespace strata_opencl
