// Which minor version of the backend ABI an op needs. A plugin of an older minor version does
// not know the fields appended after it and would silently ignore them, so the host keeps such
// ops away from it (Device::supports answers false, Queue::submit throws).
#pragma once

#include <strata/backend.h>

#include <cstdint>
#include <optional>

namespace strata::detail {

struct OpAbiNeed {
  std::uint32_t minor;  // the ABI minor version the op needs
  const char* feature;  // what in the op needs it, for messages
};

// The newest feature the op uses, or nullopt when a 1.0 plugin understands it. Fields that are
// zero mean "off", as in ops built before they existed.
std::optional<OpAbiNeed> op_abi_need(const strata_op& op);

struct DeviceState;

// Whether the device's plugin negotiated an ABI that has every feature `op` uses.
bool plugin_understands(const DeviceState& device, const strata_op& op);
// Throws Error(unsupported) naming the device, the op and the plugin's ABI when it does not.
void require_plugin_understands(const DeviceState& device, const strata_op& op);

}  // namespace strata::detail
