// OpenCL error codes as Strata statuses: names for messages, and the guard every C entry of
// this plugin runs in (cl::Error -> strata_plugin::Error -> status).
#pragma once

#include "cl.hpp"

#include <strata_plugin/host.hpp>

namespace strata_opencl {

const char* cl_error_name(cl_int code);
strata_status_code status_for_cl_error(cl_int code);

// Throws strata_plugin::Error for a failed OpenCL call.
[[noreturn]] void fail_cl(cl_int code, const char* what);

template <typename Body>
strata_status* guard(Body&& body) noexcept {
  return strata_plugin::guard([&] {
    try {
      body();
    } catch (const cl::Error& error) {
      fail_cl(error.err(), error.what());
    }
  });
}

// For the entries that return void (destroy, free, release): no status can be handed back
// (and one made would leak), so an error is logged instead.
template <typename Body>
void guard_void(const char* what, Body&& body) noexcept {
  try {
    try {
      body();
    } catch (const cl::Error& error) {
      fail_cl(error.err(), error.what());
    }
  } catch (const std::exception& error) {
    strata_plugin::log(STRATA_LOG_ERROR, std::string("opencl: ") + what + ": " + error.what());
  } catch (...) {
    strata_plugin::log(STRATA_LOG_ERROR, std::string("opencl: ") + what + ": unknown error");
  }
}

}  // namespace strata_opencl
