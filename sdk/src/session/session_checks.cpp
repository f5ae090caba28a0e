#include "session_checks.hpp"

#include "model/unit_ops.hpp"

#include <strata/error.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace strata::detail {
namespace {

[[noreturn]] void invalid(const std::string& message) { throw Error(StatusCode::invalid_argument, message); }

}  // namespace

void check_targets(const ModelGraph& graph, const std::vector<std::string>& targets) {
  if (targets.size() != graph.units.size())
    invalid(
        fmt::format("{} targets for {} units; give one target per unit, in order", targets.size(), graph.units.size()));
}

Device device_of(const Runtime& runtime, std::string_view target) {
  return runtime.device(target == disk_tier ? std::string_view("cpu") : target);
}

SessionSizes session_sizes(const ModelGraph& graph, const SessionOptions& options) {
  const std::int64_t limit = graph.config.context_limit();
  if (options.context_length < 0 || options.context_length > limit)
    invalid(fmt::format("session: context_length {} is outside the model's limit of {} tokens", options.context_length,
                        limit));
  if (options.max_batch_tokens <= 0)
    invalid(fmt::format("session: max_batch_tokens must be positive, got {}", options.max_batch_tokens));
  if (options.sequences <= 0) invalid(fmt::format("session: sequences must be positive, got {}", options.sequences));
  if (options.micro_batches <= 0)
    invalid(fmt::format("session: micro_batches must be positive (1: no pipelining), got {}", options.micro_batches));
  const DType kv_dtype = options.kv_dtype.value_or(graph.config.default_kv_dtype());
  if (kv_dtype != DType::f32 && kv_dtype != DType::f16)
    invalid(fmt::format("session: the KV cache is f32 or f16, not {}", to_string(kv_dtype)));
  for (const Unit& unit : graph.units)
    if (unit.kind == UnitKind::custom && !options.custom_units.contains(unit.name))
      invalid(fmt::format("session: custom unit '{}' has no executor in SessionOptions::custom_units", unit.name));
  const std::int64_t context = options.context_length > 0 ? options.context_length : limit;
  return {context, std::min(options.max_batch_tokens, context), options.sequences, kv_dtype};
}

void check_devices_run_their_units(const ModelGraph& graph, const std::vector<std::string>& targets,
                                   std::span<const Device> devices, const SessionSizes& sizes) {
  for (std::size_t index = 0; index < graph.units.size(); ++index) {
    const Unit& unit = graph.units[index];
    const Device& device = devices[index];
    const auto refused = first_refused_op(
        graph.config, unit, device.info(), sizes.kv_dtype, sizes.context, sizes.batch,
        [&](const Op& op) { return device.supports(op); }, sizes.sequences);
    if (refused)
      throw Error(StatusCode::unsupported,
                  fmt::format("session: {} cannot run on {}: the device does not support {}; place it on another "
                              "device",
                              unit.name, targets[index], *refused));
  }
}

}  // namespace strata::detail
