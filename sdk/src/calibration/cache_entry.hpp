// One cache entry: a device's measurements as JSON, with the key that says which device,
// plugin and driver they were taken on.
#pragma once

#include <strata/device.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace strata::detail {

// 4: small-op figures (three one-row products), matmuls of 32 and 128 rows, op costs by kind.
// 5: the reference layer timed whole (layer_seconds, by tokens).
// 6: streamed weights in narrow rows too (narrow_matvec_bandwidth).
inline constexpr int cache_entry_version = 6;
inline constexpr std::size_t cache_entry_max_bytes = 64 * 1024;

// "<16 hex digits of a hash of the key>.json": the same device, plugin version and driver give
// the same name; the key itself is stored inside and compared on read.
std::string cache_entry_file_name(const DeviceInfo& device);

std::string encode_cache_entry(const DeviceInfo& device, const DeviceMeasurements& measurements);

// The measurements of `text` when it is a well-formed entry of this version for `device`'s
// key; otherwise nullopt with the reason in `why`, and `outdated` set when the entry is sound but
// of another format version or for another plugin version or driver (what an upgrade leaves).
std::optional<DeviceMeasurements> decode_cache_entry(std::string_view text, const DeviceInfo& device, std::string& why,
                                                     bool& outdated);

}  // namespace strata::detail
