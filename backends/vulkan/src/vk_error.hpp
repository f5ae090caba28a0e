// VkResult -> Strata status: every failing Vulkan call becomes a strata_plugin::Error naming the
// call, with the status code a caller can act on (out of memory, device lost, unavailable).
#pragma once

#include <strata/backend.h>
#include <vulkan/vulkan.h>

namespace strata_vulkan {

const char* result_name(VkResult result);
strata_status_code status_for(VkResult result);

// Throws strata_plugin::Error when `result` is an error; `what` names the Vulkan call.
void check_vk(VkResult result, const char* what);

}  // namespace strata_vulkan
