// The fixed cost of each kind of small op a model's layers submit (norms, rope, the SwiGLU
// gate, the KV-cache copy, attention of one query and of a prompt's 32 over a short cache, an
// embedding row): on software devices
// these differ tenfold (PoCL's rope costs more than ten adds), so one figure for all would not do.
#include "calibration/host_pattern.hpp"
#include "calibration/measurement_steps.hpp"
#include "calibration/timed_rounds.hpp"
#include "core/log.hpp"

#include <strata/ops.hpp>

#include <functional>
#include <vector>

namespace strata::detail {
namespace {

// Each op in the batch waits for the one before (in place, or the same output), as a layer's do.
constexpr int ops_per_submit = 64;

struct Kind {
  const char* name;
  std::function<Op(FilledTensors&)> make;
};

std::vector<Kind> kinds(const Device& device) {
  constexpr std::int64_t cache = DeviceMeasurements::attention_cache;
  const DType half = device.info().stores(DType::f16) ? DType::f16 : DType::f32;
  return {
      {"add",
       [](FilledTensors& t) {
         const TensorView a = t.make(DType::f32, {1, 1024});
         return ops::add(a, t.make(DType::f32, {1, 1024}), a);
       }},
      {"rms_norm",
       [](FilledTensors& t) {
         const TensorView x = t.make(DType::f32, {1, 1024});
         return ops::rms_norm(x, t.make(DType::f32, {1024}), x, 1e-5f);
       }},
      {"rope",
       [](FilledTensors& t) {
         const TensorView x = t.make(DType::f32, {1, 8, 64});
         return ops::rope(x, t.make(DType::i32, {1}), x, 10000.0f, 64);
       }},
      {"silu_mul",
       [](FilledTensors& t) {
         const TensorView gate = t.make(DType::f32, {1, 2048});
         return ops::silu_mul(gate, t.make(DType::f32, {1, 2048}), gate);
       }},
      {"copy",
       [half](FilledTensors& t) {
         return ops::copy(t.make(DType::f32, {1, 512}), t.make(half, {1, 512}));
       }},
      {"attention",
       [cache](FilledTensors& t) {
         return ops::attention(t.make(DType::f32, {1, 8, 64}), t.make(DType::f32, {cache, 4, 64}),
                               t.make(DType::f32, {cache, 4, 64}), t.make(DType::f32, {1, 8, 64}), cache - 1, 0.125f);
       }},
      {"attention_prompt",
       [cache](FilledTensors& t) {
         const std::int64_t tokens = DeviceMeasurements::prompt_tokens;
         return ops::attention(t.make(DType::f32, {tokens, 8, 64}), t.make(DType::f32, {cache, 4, 64}),
                               t.make(DType::f32, {cache, 4, 64}), t.make(DType::f32, {tokens, 8, 64}), 0, 0.125f);
       }},
      {"embedding",
       [](FilledTensors& t) {
         return ops::embedding(t.make(DType::f32, {256, 1024}), t.make(DType::i32, {1}), t.make(DType::f32, {1, 1024}));
       }},
  };
}

}  // namespace

std::map<std::string, double> measure_op_kind_seconds(const StepContext& context) {
  std::map<std::string, double> seconds;
  for (const Kind& kind : kinds(context.device)) {
    FilledTensors tensors(context.device, context.queue);
    const DrainOnExit drain(context.queue);
    const Op op = kind.make(tensors);
    context.queue.finish();
    if (!context.device.supports(op)) {
      log_debug("{}: {} not measured: the device does not support it", context.device.name(), kind.name);
      continue;
    }
    const std::vector<Op> batch(ops_per_submit, op);
    const double per_submit = best_seconds_per_unit(context.budget_seconds / 4, 1, [&](int count) {
      for (int i = 0; i < count; ++i) context.queue.submit(batch);
      context.queue.finish();
    });
    seconds[kind.name] = per_submit / ops_per_submit;
  }
  return seconds;
}

}  // namespace strata::detail
