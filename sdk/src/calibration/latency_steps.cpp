#include "calibration/host_pattern.hpp"
#include "calibration/measurement_steps.hpp"
#include "calibration/timed_rounds.hpp"

#include <strata/ops.hpp>

#include <fmt/format.h>
#include <array>
#include <span>
#include <vector>

namespace strata::detail {
namespace {

constexpr std::int64_t small_elements = 64;
constexpr std::size_t ops_per_submit = 256;
constexpr int round_trip_samples = 21;

// out = a + b on 64 floats: an op whose work is nothing next to its fixed cost.
struct SmallAdd {
  Tensor a;
  Tensor b;
  Tensor out;
  Op op;
};

SmallAdd make_small_add(const StepContext& context) {
  const TensorView view{nullptr, 0, DType::f32, Shape{small_elements}};
  if (!context.device.supports(ops::add(view, view, view)))
    throw StepRefused(fmt::format("it does not support an add of {} f32 values", small_elements));
  SmallAdd made{Tensor(context.device, DType::f32, Shape{small_elements}),
                Tensor(context.device, DType::f32, Shape{small_elements}),
                Tensor(context.device, DType::f32, Shape{small_elements}), Op{}};
  made.op = ops::add(made.a, made.b, made.out);
  const DrainOnExit drain(context.queue);
  const auto values = host_pattern(DType::f32, made.a.bytes());
  fill_buffer(context.queue, made.a.buffer(), made.a.bytes(), values);
  fill_buffer(context.queue, made.b.buffer(), made.b.bytes(), values);
  return made;
}

}  // namespace

double measure_op_seconds(const StepContext& context) {
  const SmallAdd add = make_small_add(context);
  const DrainOnExit drain(context.queue);
  const std::vector<Op> batch(ops_per_submit, add.op);
  const double per_submit = best_seconds_per_unit(context.budget_seconds, 1, [&](int count) {
    for (int i = 0; i < count; ++i) context.queue.submit(batch);
    context.queue.finish();
  });
  return per_submit / static_cast<double>(ops_per_submit);
}

double measure_round_trip_seconds(const StepContext& context) {
  const SmallAdd add = make_small_add(context);
  const DrainOnExit drain(context.queue);
  std::array<std::byte, 4> result{};
  return median_seconds(context.budget_seconds, round_trip_samples, [&] {
    context.queue.submit(add.op);
    context.queue.read(add.out.buffer(), 0, result);
  });
}

}  // namespace strata::detail
