// The measurements measure_device takes, one function each. Each allocates what it needs and
// frees it when it returns or throws.
#pragma once

#include "calibration/measure_sizes.hpp"

#include <strata/queue.hpp>

#include <map>
#include <stdexcept>
#include <string>

namespace strata::detail {

struct StepContext {
  const Device& device;
  Queue& queue;
  const MeasureSizes& sizes;
  double budget_seconds = 0.2;
};

// Waits for the queue when a step ends, before the step's buffers are freed, even when it ends
// by an exception while work is in flight. Declare it after the buffers.
class DrainOnExit {
 public:
  explicit DrainOnExit(Queue& queue) : queue_(queue) {}
  ~DrainOnExit() {
    try {
      queue_.finish();
    } catch (...) {
      // The step's own error is the one to report.
    }
  }
  DrainOnExit(const DrainOnExit&) = delete;
  DrainOnExit& operator=(const DrainOnExit&) = delete;

 private:
  Queue& queue_;
};

// The device cannot do this step (an op it does not support): its figure stays absent.
struct StepRefused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A one-row MATMUL by `weight_dtype` weights: bytes of weights per second on large weights, and
// the seconds of the small and the tall one (DeviceMeasurements' shapes).
struct MatvecFigures {
  double bandwidth = 0;
  double narrow_bandwidth = 0;  // the same bytes in rows of DeviceMeasurements::narrow_columns; 0: refused
  double weight_bytes = 0;      // of the large one
  double small_seconds = 0;
  double tall_seconds = 0;
  double wide_seconds = 0;
  std::map<std::int64_t, double> bandwidth_by_size;  // smaller weights (4, 32, 256 MiB), f32 only
};
MatvecFigures measure_matvec(const StepContext& context, DType weight_dtype);

// FLOP/s of a MATMUL of sizes.matmul_rows rows of f32 by `weight_dtype` weights, and of the same
// with DeviceMeasurements::small_matmul_rows rows.
struct MatmulFigures {
  double flops = 0;
  double op_flops = 0;  // of the large one
  double small_flops = 0;
};
MatmulFigures measure_matmul(const StepContext& context, DType weight_dtype);

// Seconds per small op of each kind the layers of a model submit, many submitted together; kinds
// the device refuses are left out.
std::map<std::string, double> measure_op_kind_seconds(const StepContext& context);

struct CopyBandwidth {
  double host_to_device = 0;  // bytes/s
  double device_to_host = 0;
};
CopyBandwidth measure_copy_bandwidth(const StepContext& context);

// Seconds of the reference layer (calibration/reference_layer.hpp) at each of its steps, by the
// step's tokens, many layers submitted before the queue is waited for.
std::map<std::int64_t, double> measure_layer_seconds(const StepContext& context);

// Seconds per small op when many are submitted together.
double measure_op_seconds(const StepContext& context);
// Seconds from submitting one small op to having read its result back.
double measure_round_trip_seconds(const StepContext& context);

}  // namespace strata::detail
