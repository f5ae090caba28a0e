#include "runtime/op_abi.hpp"

#include "runtime/state.hpp"

#include <strata/error.hpp>

#include <fmt/format.h>

namespace strata::detail {
namespace {

std::uint32_t plugin_minor(const DeviceState& device) { return STRATA_VERSION_MINOR(device.api().abi_version); }

}  // namespace

std::optional<OpAbiNeed> op_abi_need(const strata_op& op) {
  switch (op.kind) {
    case STRATA_OP_SCALE:
      return OpAbiNeed{2, "the scale op"};
    case STRATA_OP_SOFTCAP:
      return OpAbiNeed{2, "the softcap op"};
    case STRATA_OP_ROPE:
      if (op.n_inputs == 3) return OpAbiNeed{2, "inverse frequencies"};
      break;
    case STRATA_OP_ATTENTION:
      if (op.params.attention.window != 0) return OpAbiNeed{2, "a sliding window"};
      if (op.params.attention.softcap != 0.0f) return OpAbiNeed{2, "a softcap"};
      break;
    case STRATA_OP_RMS_NORM:
    case STRATA_OP_LAYER_NORM:
      if (op.params.norm.weight_offset != 0.0f) return OpAbiNeed{2, "weight_offset"};
      break;
    default:
      break;
  }
  return std::nullopt;
}

bool plugin_understands(const DeviceState& device, const strata_op& op) {
  const std::optional<OpAbiNeed> need = op_abi_need(op);
  return !need || plugin_minor(device) >= need->minor;
}

void require_plugin_understands(const DeviceState& device, const strata_op& op) {
  const std::optional<OpAbiNeed> need = op_abi_need(op);
  if (!need || plugin_minor(device) >= need->minor) return;
  const std::uint32_t version = device.api().abi_version;
  throw Error(StatusCode::unsupported,
              fmt::format("{}: {} uses {} (backend ABI {}.{}), but the {} plugin {} speaks ABI {}.{}, which would "
                          "ignore it; run the op on another device or update the plugin",
                          device.info.name, strata_op_kind_name(op.kind), need->feature, STRATA_BACKEND_ABI_MAJOR,
                          need->minor, device.info.backend, device.info.plugin_version, STRATA_VERSION_MAJOR(version),
                          STRATA_VERSION_MINOR(version)));
}

}  // namespace strata::detail
