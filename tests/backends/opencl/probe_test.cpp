// Without any OpenCL driver (the ICD loader pointed at an empty vendor list) the plugin
// reports no devices: no crash, no hang. Runs in a child process, so the loader's one-time
// scan of the vendor list happens under the test's environment.
#include "opencl_fixture.hpp"

#include <cstdlib>

namespace opencl_test {
namespace {

int opencl_devices_without_drivers() {
  setenv("OCL_ICD_VENDORS", "/nonexistent/strata-test-no-icd", 1);
  strata::Runtime runtime(test_runtime_options(false));
  int count = 0;
  for (const strata::Device& device : runtime.devices()) count += device.info().backend == "opencl" ? 1 : 0;
  return count;
}

TEST(OpenCLProbe, NoDriverMeansNoDevices) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");  // a fresh process: the ICD loader scans once
  EXPECT_EXIT(std::exit(opencl_devices_without_drivers()), ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace opencl_test
