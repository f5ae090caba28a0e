// Why a device is missing: the plugin that would have provided it was skipped. Errors that name an
// unknown device add this, so `strata run --device-map vulkan:0` on a machine whose Vulkan plugin
// failed says so instead of "no such device".
#pragma once

#include <strata/runtime.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace strata::detail {

// "; the vulkan plugin (PATH) was skipped: REASON" for each skipped plugin whose backend name is
// the device name's prefix ("vulkan" for "vulkan:0"); empty when there is none.
std::string skipped_plugin_note(const std::vector<PluginReport>& plugins, std::string_view device_name);

}  // namespace strata::detail
