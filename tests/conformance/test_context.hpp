// What every test of one device needs: the device, what to compare with, and the options.
#pragma once

#include "options.hpp"

#include <strata/device.hpp>

#include <optional>

namespace strata_cts {

struct TestContext {
  strata::Device device;
  std::optional<strata::Device> reference;  // the cpu device; none: the suite's host reference
  const Options& options;
};

}  // namespace strata_cts
