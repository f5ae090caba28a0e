// What ABI 1.1 added to the device's self-description: the driver, what the device shares with
// the host, and exact speeds. Checked through what the host read: it reads driver_version
// bounded by its 64 bytes, and infers sharing when the plugin's value is not one of the enum's,
// so a 64-character driver means no NUL, and an inferred sharing means UNKNOWN or a stray value.
#include "check_support.hpp"
#include "device_checks.hpp"

#include <strata/backend.h>

#include <cstddef>
#include <string>
#include <vector>

namespace strata_cts {
namespace {

constexpr std::size_t driver_capacity = sizeof(strata_device_properties::driver_version);

}  // namespace

void check_properties_1_1(const TestContext& context) {
  const std::uint32_t minor = STRATA_VERSION_MINOR(context.abi_version);
  if (minor < 1)
    throw CheckSkipped(
        fmt::format("the plugin is built for ABI 1.{}: driver_version, sharing and exact speeds came "
                    "with 1.1; the host infers what the device shares",
                    minor));
  const strata::DeviceInfo& info = context.device.info();
  expect(info.driver.size() < driver_capacity,
         "driver_version has no NUL within its {} bytes: end the text inside the field", driver_capacity);
  expect(!info.sharing_inferred,
         "sharing is not STRATA_SHARING_NONE, _HOST_MEMORY or _HOST_CORES (it is UNKNOWN or out of range): an ABI "
         "1.1 plugin says what the device shares with the host");
  expect(!(info.kind == strata::DeviceKind::cpu && info.sharing == strata::DeviceSharing::none),
         "a device of kind CPU claims sharing NONE: it computes on the host's cores, so report "
         "STRATA_SHARING_HOST_CORES");
  if (!info.caps.exact_speeds) return;
  std::vector<std::string> missing;
  if (!(info.peak_flops > 0)) missing.emplace_back("peak_flops");
  if (!(info.memory_bandwidth > 0)) missing.emplace_back("memory_bandwidth");
  if (!(info.host_link_bandwidth > 0)) missing.emplace_back("host_link_bandwidth");
  expect(missing.empty(),
         "STRATA_CAP_EXACT_SPEEDS with {} not above 0: the SDK plans with exact speeds as given, so report all three "
         "figures, or leave the flag off and let the SDK measure the device",
         fmt::join(missing, ", "));
}

}  // namespace strata_cts
