// What every test of one device needs: the device, what to compare with, and the options.
#pragma once

#include "options.hpp"

#include <strata/device.hpp>

#include <cstdint>
#include <optional>

namespace strata_cts {

struct TestContext {
  strata::Device device;
  std::optional<strata::Device> reference;  // the cpu device; none: the suite's host reference
  const Options& options;
  std::uint32_t abi_version = 0;  // the backend ABI the device's plugin was built for
};

}  // namespace strata_cts
