// Runtime and the calibration cache: a Runtime reads measurements and measures nothing;
// Runtime::calibrate measures what the cache lacks (or everything with force), writes the cache,
// refuses unknown names and never measures a device whose plugin reports exact speeds.
#include <strata_test/temp_dir.hpp>
#include "calibration/calibration_rules.hpp"
#include "runtime/state.hpp"

#include <strata/calibration.hpp>
#include <strata/error.hpp>
#include <strata/runtime.hpp>
#include <strata_test/scoped_env.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>

namespace strata {
namespace {

namespace fs = std::filesystem;

const char* one_sim_gpu = R"({"devices": [{"name": "exact", "memory_gib": 0.0625, "tflops": 10, "memory_gbps": 500,
                                           "link_gbps": 25}]})";

Runtime make_runtime(const fs::path& cache_dir, bool with_sim = false) {
  RuntimeOptions options;
  options.load_installed_plugins = false;
  options.load_environment_plugins = false;
  options.plugin_files = {STRATA_CPU_PLUGIN};
  if (with_sim) options.plugin_files.emplace_back(STRATA_SIM_PLUGIN);
  options.calibration_cache_dir = cache_dir;
  return Runtime(options);
}

CalibrationOptions quick_options(const fs::path& cache_dir, std::set<std::string>* measured = nullptr) {
  CalibrationOptions options;
  options.cache_dir = cache_dir;
  options.seconds_per_step = 0.005;
  if (measured) options.on_progress = [measured](const CalibrationProgress& p) { measured->emplace(p.device); };
  return options;
}

TEST(RuntimeCalibration, AnEmptyCacheGivesNoMeasurementsAndStaysEmpty) {
  const strata_test::TempDir dir;
  const Runtime runtime = make_runtime(dir.path());
  for (const Device& device : runtime.devices()) EXPECT_FALSE(device.info().measured) << device.name();
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(RuntimeCalibration, MeasuresOnceThenReadsTheCache) {
  const strata_test::TempDir dir;
  {
    Runtime runtime = make_runtime(dir.path());
    std::set<std::string> measured;
    runtime.calibrate(quick_options(dir.path(), &measured), {"cpu"});
    EXPECT_EQ(measured, std::set<std::string>{"cpu"});
    ASSERT_TRUE(runtime.device("cpu").info().measured);
    EXPECT_FALSE(fs::is_empty(dir.path()));
    // Measured already: calibrating again measures nothing, unless forced.
    measured.clear();
    runtime.calibrate(quick_options(dir.path(), &measured));
    EXPECT_TRUE(measured.empty());
  }
  Runtime runtime = make_runtime(dir.path());
  const auto& cached = runtime.device("cpu").info().measured;
  ASSERT_TRUE(cached);
  EXPECT_TRUE(cached->matvec_bandwidth.contains(DType::f32));
  std::set<std::string> measured;
  CalibrationOptions force = quick_options(dir.path(), &measured);
  force.force = true;
  runtime.calibrate(force, {"cpu"});
  EXPECT_EQ(measured, std::set<std::string>{"cpu"});
}

TEST(RuntimeCalibration, CalibrateReadsTheCacheItIsGiven) {
  const strata_test::TempDir dir;
  make_runtime(dir.path()).calibrate(quick_options(dir.path()), {"cpu"});
  RuntimeOptions options;
  options.load_installed_plugins = false;
  options.load_environment_plugins = false;
  options.read_calibration_cache = false;
  options.plugin_files = {STRATA_CPU_PLUGIN};
  Runtime runtime(options);
  EXPECT_FALSE(runtime.device("cpu").info().measured);
  std::set<std::string> measured;
  runtime.calibrate(quick_options(dir.path(), &measured));
  EXPECT_TRUE(measured.empty());
  EXPECT_TRUE(runtime.device("cpu").info().measured);
}

TEST(RuntimeCalibration, WithoutTheCacheNothingIsWritten) {
  const strata_test::TempDir dir;
  Runtime runtime = make_runtime(dir.path());
  CalibrationOptions options = quick_options(dir.path());
  options.use_cache = false;
  runtime.calibrate(options, {"cpu"});
  EXPECT_TRUE(runtime.device("cpu").info().measured);
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(RuntimeCalibration, AnUnknownDeviceIsRefusedWithTheDevicesThatExist) {
  const strata_test::TempDir dir;
  Runtime runtime = make_runtime(dir.path());
  try {
    runtime.calibrate(quick_options(dir.path()), {"opencl:7"});
    FAIL() << "calibrating an unknown device must throw";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), StatusCode::invalid_argument);
    EXPECT_NE(std::string(error.what()).find("opencl:7"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("cpu"), std::string::npos) << error.what();
  }
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(RuntimeCalibration, ExactSpeedsAreNeverMeasured) {
  DeviceInfo simulator;
  simulator.caps.exact_speeds = true;
  CalibrationOptions force;
  force.force = true;
  EXPECT_FALSE(detail::should_measure(simulator, force));
  DeviceInfo gpu;
  EXPECT_TRUE(detail::should_measure(gpu, {}));
  gpu.measured = DeviceMeasurements{};
  EXPECT_FALSE(detail::should_measure(gpu, {}));
  EXPECT_TRUE(detail::should_measure(gpu, force));
}

// A sim device marked as reporting exact speeds (as the sim plugin of ABI 1.1 marks its
// devices itself) is skipped by calibrate, even named and forced.
TEST(RuntimeCalibration, CalibrateSkipsADeviceWithExactSpeeds) {
  const strata_test::ScopedEnv sim_devices("STRATA_SIM_DEVICES", one_sim_gpu);
  const strata_test::TempDir dir;
  Runtime runtime = make_runtime(dir.path(), true);
  const Device sim = runtime.device("sim:0");
  sim.state()->info.caps.exact_speeds = true;
  std::set<std::string> measured;
  CalibrationOptions options = quick_options(dir.path(), &measured);
  options.force = true;
  runtime.calibrate(options, {"sim:0"});
  EXPECT_TRUE(measured.empty());
  EXPECT_FALSE(sim.info().measured);
  EXPECT_TRUE(fs::is_empty(dir.path()));
  EXPECT_DOUBLE_EQ(sim.info().memory_bandwidth, 500e9);
}

// Depends on the sim plugin setting STRATA_CAP_EXACT_SPEEDS (ABI 1.1): skipped until it does.
TEST(RuntimeCalibration, TheSimPluginsDevicesAreNotMeasured) {
  const strata_test::ScopedEnv sim_devices("STRATA_SIM_DEVICES", one_sim_gpu);
  const strata_test::TempDir dir;
  Runtime runtime = make_runtime(dir.path(), true);
  if (!runtime.device("sim:0").info().caps.exact_speeds)
    GTEST_SKIP() << "the sim plugin does not report exact speeds yet (STRATA_CAP_EXACT_SPEEDS, ABI 1.1)";
  std::set<std::string> measured;
  runtime.calibrate(quick_options(dir.path(), &measured), {"sim:0"});
  EXPECT_TRUE(measured.empty());
  EXPECT_FALSE(runtime.device("sim:0").info().measured);
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

}  // namespace
}  // namespace strata
