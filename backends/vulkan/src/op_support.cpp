#include "op_support.hpp"

#include "buffer.hpp"

#include <strata_plugin/host.hpp>
#include <strata_plugin/op_check.hpp>

#include <fmt/format.h>

namespace strata_vulkan {
namespace {

// The attention shader keeps up to 4 output features per invocation of a 64-wide workgroup.
constexpr std::int64_t max_attention_head_dim = 256;
// Shaders index with 32-bit integers.
constexpr std::int64_t max_index = std::int64_t{1} << 31;

}  // namespace

std::string unsupported_reason(const Device& device, const strata_op& op) {
  // A binding starts up to (alignment - 1) bytes before its tensor and rounds up to 16 bytes.
  const std::uint64_t slack = device.binding_alignment() + 16;
  const std::uint64_t max_range = device.max_binding_range();
  auto too_large = [&](const strata_tensor& tensor) {
    return strata_plugin::byte_size(tensor) + slack > max_range || strata_plugin::element_count(tensor) >= max_index;
  };
  for (std::uint32_t i = 0; i < op.n_inputs; ++i)
    if (too_large(op.inputs[i]))
      return fmt::format("input {} of {} bytes is larger than the {} bytes one storage binding of {} may span", i,
                         strata_plugin::byte_size(op.inputs[i]), max_range, device.physical().name);
  if (too_large(op.output))
    return fmt::format("the output of {} bytes is larger than the {} bytes one storage binding of {} may span",
                       strata_plugin::byte_size(op.output), max_range, device.physical().name);
  if (op.kind == STRATA_OP_ATTENTION) {
    if (op.inputs[0].shape[2] > max_attention_head_dim)
      return fmt::format("attention head_dim {} is above the {} this backend's shader handles", op.inputs[0].shape[2],
                         max_attention_head_dim);
    if (op.params.attention.n_past + op.inputs[0].shape[0] >= max_index) return "attention: n_past is too large";
    if (op.params.attention.window >= max_index) return "attention: the window is too large";
  }
  return {};
}

void check_op_for_submit(const Device& device, const strata_op& op) {
  strata_plugin::validate_op(op, true);
  auto check_tensor = [&](const strata_tensor& tensor, const char* role) {
    const Buffer* buffer = from_handle(tensor.buffer);
    if (buffer->device != &device)
      strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "{}: the {} buffer belongs to another device",
                          strata_plugin::op_name(op.kind), role);
    strata_plugin::check_fits(tensor, buffer->size, role);
  };
  static const char* const roles[] = {"input 0", "input 1", "input 2", "input 3"};
  for (std::uint32_t i = 0; i < op.n_inputs; ++i) check_tensor(op.inputs[i], roles[i]);
  check_tensor(op.output, "output");
  const std::string reason = unsupported_reason(device, op);
  if (!reason.empty())
    strata_plugin::fail(STRATA_STATUS_UNSUPPORTED, "{}: {}", strata_plugin::op_name(op.kind), reason);
}

}  // namespace strata_vulkan
