// measure_device on the cpu device: every figure positive and finite, the steps announced in
// order, nothing cached. Small budgets keep it quick; the figures' accuracy is the benchmarks'.
#include <strata/calibration.hpp>
#include <strata/runtime.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace strata {
namespace {

constexpr double quick_step_seconds = 0.01;

Runtime cpu_runtime() {
  RuntimeOptions options;
  options.load_installed_plugins = false;
  options.load_environment_plugins = false;
  options.read_calibration_cache = false;
  options.plugin_files = {STRATA_CPU_PLUGIN};
  return Runtime(options);
}

bool positive_finite(double value) { return std::isfinite(value) && value > 0; }

TEST(MeasureDevice, GivesEveryFigureOfTheCpuDevice) {
  const Runtime runtime = cpu_runtime();
  const Device cpu = runtime.device("cpu");
  CalibrationOptions options;
  options.seconds_per_step = quick_step_seconds;
  std::vector<std::string> steps;
  options.on_progress = [&](const CalibrationProgress& progress) {
    EXPECT_EQ(progress.device, "cpu");
    EXPECT_EQ(progress.step_index, steps.size());
    steps.emplace_back(progress.step);
    EXPECT_GT(progress.step_count, progress.step_index);
  };
  const DeviceMeasurements m = measure_device(cpu, options);
  for (DType dtype : {DType::f32, DType::f16, DType::bf16}) {
    ASSERT_TRUE(m.matvec_bandwidth.contains(dtype)) << to_string(dtype);
    ASSERT_TRUE(m.matmul_flops.contains(dtype)) << to_string(dtype);
    EXPECT_TRUE(positive_finite(m.matvec_bandwidth.at(dtype))) << to_string(dtype);
    ASSERT_TRUE(m.narrow_matvec_bandwidth.contains(dtype)) << to_string(dtype);
    EXPECT_TRUE(positive_finite(m.narrow_matvec_bandwidth.at(dtype))) << to_string(dtype);
    EXPECT_TRUE(positive_finite(m.matmul_flops.at(dtype))) << to_string(dtype);
    ASSERT_TRUE(m.small_matvec_seconds.contains(dtype) && m.tall_matvec_seconds.contains(dtype) &&
                m.wide_matvec_seconds.contains(dtype) && m.small_matmul_flops.contains(dtype))
        << to_string(dtype);
    EXPECT_TRUE(positive_finite(m.small_matvec_seconds.at(dtype))) << to_string(dtype);
    EXPECT_TRUE(positive_finite(m.tall_matvec_seconds.at(dtype))) << to_string(dtype);
    EXPECT_TRUE(positive_finite(m.wide_matvec_seconds.at(dtype))) << to_string(dtype);
    EXPECT_TRUE(positive_finite(m.small_matmul_flops.at(dtype))) << to_string(dtype);
  }
  // The sizes the large figures belong to: larger than the small ones.
  EXPECT_GT(m.matvec_weight_bytes,
            static_cast<double>(DeviceMeasurements::small_dim * DeviceMeasurements::small_dim * 4));
  EXPECT_GT(m.matmul_op_flops, 2.0 * DeviceMeasurements::small_matmul_rows * DeviceMeasurements::small_dim *
                                   DeviceMeasurements::small_dim);
  // The cpu runs every op the layers submit: each kind has its cost.
  for (const char* kind :
       {"add", "rms_norm", "rope", "silu_mul", "copy", "attention", "attention_prompt", "embedding"}) {
    ASSERT_TRUE(m.op_kind_seconds.contains(kind)) << kind;
    EXPECT_TRUE(positive_finite(m.op_kind_seconds.at(kind))) << kind;
  }
  EXPECT_FALSE(m.matvec_bandwidth.contains(DType::i32));
  ASSERT_TRUE(m.host_to_device && m.device_to_host && m.op_seconds && m.round_trip_seconds);
  EXPECT_TRUE(positive_finite(*m.host_to_device));
  EXPECT_TRUE(positive_finite(*m.device_to_host));
  EXPECT_TRUE(positive_finite(*m.op_seconds));
  EXPECT_TRUE(positive_finite(*m.round_trip_seconds));
  // The reference layer, run whole, at each of its steps (how the times compare is for the
  // benchmarks: times on a loaded machine are no test).
  ASSERT_EQ(m.layer_seconds.size(), 3u);
  for (const std::int64_t tokens : {1, 32, 128}) {
    ASSERT_TRUE(m.layer_seconds.contains(tokens)) << tokens;
    EXPECT_TRUE(positive_finite(m.layer_seconds.at(tokens))) << tokens;
  }
  EXPECT_TRUE(positive_finite(m.seconds_taken));
  // UTC, ISO 8601: 2025-06-01T12:00:00Z.
  ASSERT_EQ(m.measured_at.size(), 20u) << m.measured_at;
  EXPECT_EQ(m.measured_at[10], 'T');
  EXPECT_EQ(m.measured_at.back(), 'Z');
  const std::vector<std::string> expected = {"copies",     "matvec f32",      "matvec f16",  "matvec bf16",
                                             "matmul f32", "matmul f16",      "matmul bf16", "op cost",
                                             "small ops",  "reference layer", "round trip"};
  EXPECT_EQ(steps, expected);
}

}  // namespace
}  // namespace strata
