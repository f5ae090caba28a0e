#include "calibration/host_pattern.hpp"
#include "calibration/measurement_steps.hpp"
#include "calibration/timed_rounds.hpp"

#include <strata/ops.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <tuple>
#include <vector>

namespace strata::detail {
namespace {

// A few ops back to back per round, so an asynchronous device overlaps submitting with work.
constexpr int ops_per_round = 4;
constexpr std::size_t fill_chunk_bytes = 1 << 20;
constexpr std::size_t chain_length = 16;

// y[M,N] = x[M,K] (f32) x W[N,K]^T: the product of a layer's Linear.
struct MatmulCase {
  Tensor x;
  Tensor weights;
  Tensor out;
  Op op;
};

// Whether `device` takes the MATMUL of make_case's shapes (asked before anything is allocated).
bool supports_matmul(const Device& device, std::int64_t rows, std::int64_t n, std::int64_t k, DType weight_dtype) {
  const TensorView x{nullptr, 0, DType::f32, Shape{rows, k}};
  const TensorView weights{nullptr, 0, weight_dtype, Shape{n, k}};
  const TensorView out{nullptr, 0, DType::f32, Shape{rows, n}};
  return device.supports(ops::matmul(x, weights, std::nullopt, out));
}

void require_support(const Device& device, std::int64_t rows, std::int64_t n, std::int64_t k, DType weight_dtype) {
  if (!supports_matmul(device, rows, n, k, weight_dtype))
    throw StepRefused(
        fmt::format("it does not support a {}x{} f32 by {}x{} {} matmul", rows, k, n, k, to_string(weight_dtype)));
}

MatmulCase make_case(const StepContext& context, std::int64_t rows, std::int64_t n, std::int64_t k,
                     DType weight_dtype) {
  require_support(context.device, rows, n, k, weight_dtype);
  MatmulCase made{Tensor(context.device, DType::f32, Shape{rows, k}), Tensor(context.device, weight_dtype, Shape{n, k}),
                  Tensor(context.device, DType::f32, Shape{rows, n}), Op{}};
  made.op = ops::matmul(made.x, made.weights, std::nullopt, made.out);
  const DrainOnExit drain(context.queue);
  const auto weight_chunk = host_pattern(
      weight_dtype, static_cast<std::size_t>(std::min<std::uint64_t>(fill_chunk_bytes, made.weights.bytes())));
  fill_buffer(context.queue, made.weights.buffer(), made.weights.bytes(), weight_chunk);
  fill_buffer(context.queue, made.x.buffer(), made.x.bytes(), host_pattern(DType::f32, made.x.bytes()));
  return made;
}

double seconds_per_op(const StepContext& context, const Op& op) {
  return best_seconds_per_unit(context.budget_seconds, ops_per_round, [&](int count) {
    for (int i = 0; i < count; ++i) context.queue.submit(op);
    context.queue.finish();
  });
}

// The K and N of the matmul figures: sizes.matmul_dim (1024 on a device that works in host
// memory, where software GPUs are slow), doubled while one product takes under
// fast_product_seconds, up to a GPU's 4096. A host of many cores runs 1024-wide products well below
// the rate it reaches on a large model's (2048 to 8192 wide).
std::int64_t saturating_matmul_dim(const StepContext& context, DType weight_dtype) {
  constexpr std::int64_t largest = 4096;
  constexpr double fast_product_seconds = 2e-3;
  const std::int64_t rows = context.sizes.matmul_rows;
  std::int64_t dim = context.sizes.matmul_dim;
  for (; dim < largest; dim *= 2) {
    if (!supports_matmul(context.device, rows, 2 * dim, 2 * dim, weight_dtype)) break;
    const MatmulCase probe = make_case(context, rows, dim, dim, weight_dtype);
    const DrainOnExit drain(context.queue);
    context.queue.submit(probe.op);  // first use
    context.queue.finish();
    const auto start = std::chrono::steady_clock::now();
    context.queue.submit(probe.op);
    context.queue.finish();
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >= fast_product_seconds) break;
  }
  return dim;
}

// A small op as a layer runs it: among others in one submit, each waiting for the one before
// (the same output, so the device must order them: on some devices that costs more than the op).
double seconds_per_dependent_op(const StepContext& context, const Op& op) {
  const std::vector<Op> chain(chain_length, op);
  return best_seconds_per_unit(context.budget_seconds, 1,
                               [&](int count) {
                                 for (int i = 0; i < count; ++i) context.queue.submit(chain);
                                 context.queue.finish();
                               }) /
         static_cast<double>(chain_length);
}

}  // namespace

// The rows of a one-row MATMUL by weights of at most `bytes`, halved until the device takes it
// (a binding may span less than the memory holds: lavapipe's 128 MiB); 0 when none from 16 MiB.
std::int64_t matvec_rows(const StepContext& context, DType weight_dtype, std::uint64_t bytes) {
  const std::int64_t k = context.sizes.matvec_columns;
  for (; bytes >= (16ull << 20); bytes /= 2) {
    const auto n = static_cast<std::int64_t>(bytes / (dtype_size(weight_dtype) * static_cast<std::uint64_t>(k)));
    if (supports_matmul(context.device, 1, n, k, weight_dtype)) return n;
  }
  return 0;
}

// Bytes of weights per second through a one-row MATMUL by `rows` x `columns` weights.
double matvec_bandwidth(const StepContext& context, DType weight_dtype, std::int64_t rows, std::int64_t columns) {
  const MatmulCase matvec = make_case(context, 1, rows, columns, weight_dtype);
  const DrainOnExit drain(context.queue);
  return static_cast<double>(matvec.weights.bytes()) / seconds_per_op(context, matvec.op);
}

MatvecFigures measure_matvec(const StepContext& context, DType weight_dtype) {
  MatvecFigures figures;
  const std::int64_t rows = matvec_rows(context, weight_dtype, context.sizes.weight_bytes);
  if (rows == 0)
    throw StepRefused(
        fmt::format("it does not support a one-row matmul by 16 MiB of {} weights", to_string(weight_dtype)));
  figures.weight_bytes =
      static_cast<double>(rows * context.sizes.matvec_columns) * static_cast<double>(dtype_size(weight_dtype));
  const std::int64_t row_length = context.sizes.matvec_columns;
  figures.bandwidth = matvec_bandwidth(context, weight_dtype, rows, row_length);
  // The same bytes in shorter rows: what a row costs beyond its bytes. A device that refuses four
  // times the rows (a dispatch limit) still has its other figures; this one stays absent.
  constexpr std::int64_t narrow = DeviceMeasurements::narrow_columns;
  try {
    figures.narrow_bandwidth = matvec_bandwidth(context, weight_dtype, rows * row_length / narrow, narrow);
  } catch (const StepRefused&) {
    figures.narrow_bandwidth = 0;
  }
  // How caches serve smaller models: the same product on fewer f32 weights.
  if (weight_dtype == DType::f32)
    for (const std::uint64_t bytes : {4ull << 20, 32ull << 20, 256ull << 20})
      if (static_cast<double>(bytes) < figures.weight_bytes)
        figures.bandwidth_by_size[static_cast<std::int64_t>(bytes)] =
            matvec_bandwidth(context, weight_dtype, static_cast<std::int64_t>(bytes / 4) / row_length, row_length);
  constexpr std::int64_t dim = DeviceMeasurements::small_dim;
  const std::array<std::tuple<std::int64_t, std::int64_t, double*>, 3> shapes{
      {{dim, dim, &figures.small_seconds},
       {DeviceMeasurements::tall_rows, dim, &figures.tall_seconds},
       {dim, DeviceMeasurements::wide_columns, &figures.wide_seconds}}};
  for (const auto& [rows_of_case, columns, seconds] : shapes) {
    const MatmulCase small = make_case(context, 1, rows_of_case, columns, weight_dtype);
    const DrainOnExit drain(context.queue);
    *seconds = seconds_per_dependent_op(context, small.op);
  }
  return figures;
}

MatmulFigures measure_matmul(const StepContext& context, DType weight_dtype) {
  auto flops_of = [](std::int64_t rows, std::int64_t dim) {
    return 2.0 * static_cast<double>(rows) * static_cast<double>(dim) * static_cast<double>(dim);
  };
  MatmulFigures figures;
  const std::int64_t dim = saturating_matmul_dim(context, weight_dtype);
  {
    const std::int64_t rows = context.sizes.matmul_rows;
    const MatmulCase matmul = make_case(context, rows, dim, dim, weight_dtype);
    const DrainOnExit drain(context.queue);
    figures.op_flops = flops_of(rows, dim);
    figures.flops = figures.op_flops / seconds_per_op(context, matmul.op);
  }
  // The same product for a short prompt's piece: GEMM kernels are less efficient on fewer rows.
  const std::int64_t rows = DeviceMeasurements::small_matmul_rows;
  const MatmulCase small = make_case(context, rows, dim, dim, weight_dtype);
  const DrainOnExit drain(context.queue);
  figures.small_flops = flops_of(rows, dim) / seconds_per_op(context, small.op);
  return figures;
}

}  // namespace strata::detail
