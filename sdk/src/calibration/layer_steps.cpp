// The reference layer (calibration/reference_layer.hpp) timed as the Session runs a layer: its ops
// described for the step and submitted at once, layer after layer, the queue waited for once per
// round.
#include "calibration/host_pattern.hpp"
#include "calibration/measurement_steps.hpp"
#include "calibration/reference_layer.hpp"
#include "calibration/timed_rounds.hpp"

#include <strata/ops.hpp>

#include <fmt/format.h>

#include <map>
#include <numeric>
#include <span>
#include <string>
#include <vector>

namespace strata::detail {
namespace {

// Layers submitted before the queue is waited for: a model's worth, as in one token's step.
constexpr int layers_per_round = 16;

}  // namespace

std::map<std::int64_t, double> measure_layer_seconds(const StepContext& context) {
  const ModelConfig config = reference_layer_config();
  const Unit& layer = reference_layer();
  const DeviceInfo& info = context.device.info();
  const std::int64_t capacity = reference_layer_steps.back().tokens;
  const std::int64_t q_width = config.num_attention_heads * config.head_dim;
  const std::int64_t kv_width = config.num_key_value_heads * config.head_dim;
  const DType kv_dtype = kv_storage_dtype(info, config.default_kv_dtype());

  FilledTensors tensors(context.device, context.queue);
  const DrainOnExit drain(context.queue);
  std::map<std::string, TensorView, std::less<>> weights;
  for (const ParameterInfo& parameter : layer.parameters)
    weights[parameter.name] = tensors.make(weight_storage_dtype(info, parameter.dtype), parameter.shape);
  const Shape cache{reference_layer_context, config.num_key_value_heads, config.head_dim};
  const TensorView key_cache = tensors.make(kv_dtype, cache);
  const TensorView value_cache = tensors.make(kv_dtype, cache);
  const UnitTensors own{&weights, std::span(&key_cache, 1), std::span(&value_cache, 1)};
  auto rows = [&](std::int64_t width) { return tensors.make(DType::f32, {capacity, width}); };
  StepBuffers buffers;
  buffers.hidden = rows(config.hidden_size);
  buffers.normed = rows(config.hidden_size);
  buffers.scratch = rows(config.hidden_size);
  buffers.query = rows(q_width);
  buffers.attended = rows(q_width);
  buffers.gate = rows(config.intermediate_size);
  buffers.up = rows(config.intermediate_size);
  if (kv_dtype != DType::f32) {
    buffers.key_f32 = rows(kv_width);
    buffers.value_f32 = rows(kv_width);
  }
  buffers.positions = tensors.make(DType::i32, {capacity});

  for (const Step& step : reference_layer_steps)
    for (const Op& op : unit_step_ops(config, layer, own, buffers, step))
      if (!context.device.supports(op)) throw StepRefused(fmt::format("it does not support {}", describe_op(op)));
  std::map<std::int64_t, double> seconds;
  // A whole step's budget for each size: the layer is the figure the cost model leans on most,
  // and a software device's rounds vary by a third on a loaded host.
  const double budget = context.budget_seconds;
  for (const Step& step : reference_layer_steps) {
    std::vector<std::int32_t> positions(static_cast<std::size_t>(step.tokens));
    std::iota(positions.begin(), positions.end(), static_cast<std::int32_t>(step.n_past));
    context.queue.write(*buffers.positions.buffer, 0, std::as_bytes(std::span(positions)));
    // The ops are described anew for each layer, as the Session does: on a device that runs them
    // as they come, that host time is part of the layer's.
    seconds[step.tokens] = best_seconds_per_unit(budget, layers_per_round, [&](int count) {
      for (int i = 0; i < count; ++i) context.queue.submit(unit_step_ops(config, layer, own, buffers, step));
      context.queue.finish();
    });
  }
  return seconds;
}

}  // namespace strata::detail
