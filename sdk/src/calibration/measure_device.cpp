// measure_device: the steps in order, each announced, timed within its budget, and either
// measured, refused (the figure stays absent, logged) or failed (an Error naming the step).
#include "calibration/measurement_steps.hpp"
#include "core/log.hpp"

#include <strata/calibration.hpp>
#include <strata/error.hpp>

#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <functional>
#include <string>
#include <vector>

namespace strata {
namespace {

using Clock = std::chrono::steady_clock;

std::string utc_now_iso8601() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

struct Step {
  std::string name;
  std::function<void(const detail::StepContext&)> run;
};

// The weight dtypes worth measuring: those of the three a checkpoint holds that the device stores.
std::vector<DType> weight_dtypes(const DeviceInfo& device) {
  std::vector<DType> dtypes;
  for (DType dtype : {DType::f32, DType::f16, DType::bf16}) {
    if (device.stores(dtype))
      dtypes.push_back(dtype);
    else
      detail::log_debug("{}: matvec and matmul {} not measured: the device does not store {}", device.name,
                        to_string(dtype), to_string(dtype));
  }
  return dtypes;
}

std::vector<Step> plan_steps(const DeviceInfo& device, DeviceMeasurements& m) {
  std::vector<Step> steps;
  steps.push_back({"copies", [&m](const detail::StepContext& context) {
                     const detail::CopyBandwidth copies = detail::measure_copy_bandwidth(context);
                     m.host_to_device = copies.host_to_device;
                     m.device_to_host = copies.device_to_host;
                   }});
  const std::vector<DType> dtypes = weight_dtypes(device);
  for (DType dtype : dtypes)
    steps.push_back({fmt::format("matvec {}", to_string(dtype)), [&m, dtype](const detail::StepContext& context) {
                       const detail::MatvecFigures matvec = detail::measure_matvec(context, dtype);
                       m.matvec_bandwidth[dtype] = matvec.bandwidth;
                       if (matvec.narrow_bandwidth > 0) m.narrow_matvec_bandwidth[dtype] = matvec.narrow_bandwidth;
                       m.matvec_weight_bytes = matvec.weight_bytes;
                       m.small_matvec_seconds[dtype] = matvec.small_seconds;
                       m.tall_matvec_seconds[dtype] = matvec.tall_seconds;
                       m.wide_matvec_seconds[dtype] = matvec.wide_seconds;
                       if (dtype == DType::f32) m.f32_matvec_bandwidth_by_size = matvec.bandwidth_by_size;
                     }});
  for (DType dtype : dtypes)
    steps.push_back({fmt::format("matmul {}", to_string(dtype)), [&m, dtype](const detail::StepContext& context) {
                       const detail::MatmulFigures matmul = detail::measure_matmul(context, dtype);
                       m.matmul_flops[dtype] = matmul.flops;
                       m.matmul_op_flops = matmul.op_flops;
                       m.small_matmul_flops[dtype] = matmul.small_flops;
                     }});
  steps.push_back(
      {"op cost", [&m](const detail::StepContext& context) { m.op_seconds = detail::measure_op_seconds(context); }});
  steps.push_back({"small ops", [&m](const detail::StepContext& context) {
                     m.op_kind_seconds = detail::measure_op_kind_seconds(context);
                   }});
  steps.push_back({"reference layer", [&m](const detail::StepContext& context) {
                     m.layer_seconds = detail::measure_layer_seconds(context);
                   }});
  steps.push_back({"round trip", [&m](const detail::StepContext& context) {
                     m.round_trip_seconds = detail::measure_round_trip_seconds(context);
                   }});
  return steps;
}

void run_step(const Step& step, const detail::StepContext& context) {
  const std::string& device = context.device.name();
  try {
    step.run(context);
  } catch (const detail::StepRefused& refused) {
    detail::log_debug("{}: {} not measured: {}", device, step.name, refused.what());
  } catch (const Error& error) {
    // Memory the device cannot give is a refusal too: the figure stays absent.
    if (error.code() != StatusCode::out_of_memory)
      throw Error(error.code(), fmt::format("measuring {} failed at step '{}': {} (the device accepted the work but "
                                            "could not do it: check its driver, or leave it out with --device)",
                                            device, step.name, error.what()));
    detail::log_debug("{}: {} not measured: {}", device, step.name, error.what());
  }
}

}  // namespace

DeviceMeasurements measure_device(const Device& device, const CalibrationOptions& options) {
  const Clock::time_point start = Clock::now();
  DeviceMeasurements measurements;
  measurements.measured_at = utc_now_iso8601();
  const detail::MeasureSizes sizes = detail::measure_sizes(device.info());
  Queue queue = device.create_queue();
  const detail::StepContext context{device, queue, sizes, options.seconds_per_step};
  const std::vector<Step> steps = plan_steps(device.info(), measurements);
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (options.on_progress) options.on_progress({device.name(), steps[i].name, i, steps.size()});
    run_step(steps[i], context);
  }
  queue.finish();
  measurements.seconds_taken = std::chrono::duration<double>(Clock::now() - start).count();
  detail::log_info("{}: measured in {:.2f} s", device.name(), measurements.seconds_taken);
  return measurements;
}

}  // namespace strata
