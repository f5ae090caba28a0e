// The cpu plugin's own entries of its strata_backend_api table (backend_entries.cpp); the
// rest are strata::host_plugin's, and entry.cpp puts them together.
#pragma once

#include <strata/backend.h>

namespace strata_cpu_plugin {

strata_status* probe(uint32_t* out_device_count);
strata_status* backend_create(strata_backend** out_backend);
void backend_destroy(strata_backend* backend);
strata_status* device_count(strata_backend* backend, uint32_t* out_count);
strata_status* device_get(strata_backend* backend, uint32_t index, strata_device** out_device);

}  // namespace strata_cpu_plugin
