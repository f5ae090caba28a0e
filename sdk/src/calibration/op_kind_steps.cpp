// The fixed cost of each kind of small op a model's layers submit (norms, rope, the SwiGLU
// gate, the KV-cache copy, attention of one query and of a prompt's 32 over a short cache, an
// embedding row): on software devices
// these differ tenfold (PoCL's rope costs more than ten adds), so one figure for all would not do.
#include "calibration/host_pattern.hpp"
#include "calibration/measurement_steps.hpp"
#include "calibration/timed_rounds.hpp"
#include "core/log.hpp"

#include <strata/ops.hpp>

#include <array>
#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace strata::detail {
namespace {

// Each op in the batch waits for the one before (in place, or the same output), as a layer's do.
constexpr int ops_per_submit = 64;

// The tensors one small op reads and writes, filled with normal numbers.
class SmallOp {
 public:
  explicit SmallOp(const StepContext& context) : context_(context) {}

  TensorView tensor(DType dtype, Shape shape) {
    tensors_.push_back(std::make_unique<Tensor>(context_.device, dtype, shape));
    const Tensor& made = *tensors_.back();
    if (dtype == DType::i32) {
      std::vector<std::int32_t> values(static_cast<std::size_t>(shape.elements()), 3);
      context_.queue.write(made.buffer(), 0, std::as_bytes(std::span(values)));
    } else {
      fill_buffer(context_.queue, made.buffer(), made.bytes(), host_pattern(dtype, made.bytes()));
    }
    return made.view();
  }

 private:
  const StepContext& context_;
  std::vector<std::unique_ptr<Tensor>> tensors_;
};

struct Kind {
  const char* name;
  std::function<Op(SmallOp&)> make;
};

std::vector<Kind> kinds(const Device& device) {
  constexpr std::int64_t cache = DeviceMeasurements::attention_cache;
  const DType half = device.info().stores(DType::f16) ? DType::f16 : DType::f32;
  return {
      {"add",
       [](SmallOp& t) {
         const TensorView a = t.tensor(DType::f32, {1, 1024});
         return ops::add(a, t.tensor(DType::f32, {1, 1024}), a);
       }},
      {"rms_norm",
       [](SmallOp& t) {
         const TensorView x = t.tensor(DType::f32, {1, 1024});
         return ops::rms_norm(x, t.tensor(DType::f32, {1024}), x, 1e-5f);
       }},
      {"rope",
       [](SmallOp& t) {
         const TensorView x = t.tensor(DType::f32, {1, 8, 64});
         return ops::rope(x, t.tensor(DType::i32, {1}), x, 10000.0f, 64);
       }},
      {"silu_mul",
       [](SmallOp& t) {
         const TensorView gate = t.tensor(DType::f32, {1, 2048});
         return ops::silu_mul(gate, t.tensor(DType::f32, {1, 2048}), gate);
       }},
      {"copy",
       [half](SmallOp& t) {
         return ops::copy(t.tensor(DType::f32, {1, 512}), t.tensor(half, {1, 512}));
       }},
      {"attention",
       [cache](SmallOp& t) {
         return ops::attention(t.tensor(DType::f32, {1, 8, 64}), t.tensor(DType::f32, {cache, 4, 64}),
                               t.tensor(DType::f32, {cache, 4, 64}), t.tensor(DType::f32, {1, 8, 64}), cache - 1,
                               0.125f);
       }},
      {"attention_prompt",
       [cache](SmallOp& t) {
         const std::int64_t tokens = DeviceMeasurements::prompt_tokens;
         return ops::attention(t.tensor(DType::f32, {tokens, 8, 64}), t.tensor(DType::f32, {cache, 4, 64}),
                               t.tensor(DType::f32, {cache, 4, 64}), t.tensor(DType::f32, {tokens, 8, 64}), 0, 0.125f);
       }},
      {"embedding",
       [](SmallOp& t) {
         return ops::embedding(t.tensor(DType::f32, {256, 1024}), t.tensor(DType::i32, {1}),
                               t.tensor(DType::f32, {1, 1024}));
       }},
  };
}

}  // namespace

std::map<std::string, double> measure_op_kind_seconds(const StepContext& context) {
  std::map<std::string, double> seconds;
  for (const Kind& kind : kinds(context.device)) {
    SmallOp tensors(context);
    const DrainOnExit drain(context.queue);
    const Op op = kind.make(tensors);
    context.queue.finish();
    if (!context.device.supports(op)) {
      logger().debug("{}: {} not measured: the device does not support it", context.device.name(), kind.name);
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
