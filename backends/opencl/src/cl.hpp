// The one place that includes the OpenCL C++ bindings (the version macros come from CMake).
#pragma once

#include <CL/opencl.hpp>
