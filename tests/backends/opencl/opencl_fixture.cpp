#include "opencl_fixture.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string_view>

namespace opencl_test {
namespace {

constexpr std::byte kSentinel{0xa5};

bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string_view(ci) == "true";
}

}  // namespace

strata::RuntimeOptions test_runtime_options(bool with_cpu) {
  strata::RuntimeOptions options;
  options.load_installed_plugins = false;
  options.load_environment_plugins = false;
  const std::filesystem::path dir = strata::Runtime::installed_plugin_dir();
  options.plugin_files.push_back(dir / "libstrata_backend_opencl.so");
  if (with_cpu && std::filesystem::exists(dir / "libstrata_backend_cpu.so"))
    options.plugin_files.push_back(dir / "libstrata_backend_cpu.so");
  return options;
}

std::optional<strata::Device> first_opencl_device(const strata::Runtime& runtime) {
  for (const strata::Device& device : runtime.devices())
    if (device.info().backend == "opencl") return device;
  return std::nullopt;
}

void OpenCLTest::SetUp() {
  runtime_ = std::make_unique<strata::Runtime>(test_runtime_options());
  device_ = first_opencl_device(*runtime_);
  if (!device_) {
    if (in_ci()) FAIL() << "CI=true but no OpenCL device was found (CI runs PoCL)";
    GTEST_SKIP() << "no OpenCL device here";
  }
  cpu_ = runtime_->find_device("cpu");
}

HostTensor run_case(const strata::Device& device, const OpCase& c) {
  strata::Queue queue = device.create_queue();
  std::vector<strata::Buffer> buffers;
  std::vector<strata::TensorView> views;
  for (const HostTensor& t : c.inputs) {
    std::vector<std::byte> image(c.margin, kSentinel);
    image.insert(image.end(), t.bytes.begin(), t.bytes.end());
    image.insert(image.end(), c.margin, kSentinel);
    buffers.push_back(device.allocate(image.size()));
    queue.write(buffers.back(), 0, image);
  }
  for (std::size_t i = 0; i < c.inputs.size(); ++i)
    views.push_back({&buffers[i], c.margin, c.inputs[i].dtype, c.inputs[i].shape});

  HostTensor out;
  out.dtype = c.in_place ? c.inputs.at(0).dtype : c.out_dtype;
  out.shape = c.in_place ? c.inputs.at(0).shape : c.out_shape;
  out.bytes.resize(static_cast<std::size_t>(out.shape.elements()) * strata::dtype_size(out.dtype));
  strata::Buffer out_buffer;
  strata::TensorView out_view = c.in_place ? views.at(0) : strata::TensorView{};
  const strata::Buffer* out_storage = c.in_place ? &buffers[0] : &out_buffer;
  if (!c.in_place) {
    out_buffer = device.allocate(out.bytes.size() + 2 * c.margin);
    std::vector<std::byte> image(out.bytes.size() + 2 * c.margin, kSentinel);
    queue.write(out_buffer, 0, image);
    out_view = {&out_buffer, c.margin, out.dtype, out.shape};
  }
  queue.submit(c.make(views, out_view));
  std::vector<std::byte> image(out.bytes.size() + 2 * c.margin);
  queue.read(*out_storage, 0, image);
  for (std::size_t i = 0; i < c.margin; ++i) {
    EXPECT_EQ(image[i], kSentinel) << c.name << ": " << device.name() << " wrote before the output";
    EXPECT_EQ(image[image.size() - 1 - i], kSentinel) << c.name << ": " << device.name() << " wrote past the output";
  }
  std::memcpy(out.bytes.data(), image.data() + c.margin, out.bytes.size());
  return out;
}

void expect_close(const std::vector<double>& got, const std::vector<double>& want, double tolerance,
                  const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  double worst = 0;
  std::size_t worst_at = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    ASSERT_FALSE(std::isnan(got[i])) << what << ": NaN at " << i;
    const double error = std::abs(got[i] - want[i]) / std::max(1.0, std::abs(want[i]));
    if (error > worst) {
      worst = error;
      worst_at = i;
    }
  }
  EXPECT_LE(worst, tolerance) << what << ": worst element " << worst_at << " is " << got[worst_at] << ", expected "
                              << want[worst_at];
}

void OpenCLTest::check(const OpCase& c, const std::vector<double>& want, double tolerance) const {
  const std::vector<double> got = run_case(device(), c).values();
  expect_close(got, want, tolerance, c.name + " vs the scalar reference");
  if (!cpu_) return;
  std::vector<double> on_cpu;
  try {
    on_cpu = run_case(*cpu_, c).values();
  } catch (const strata::Error& error) {
    if (error.code() != strata::StatusCode::unsupported) throw;
    return;  // the cpu backend does not run this op: the scalar reference still checked it
  }
  expect_close(got, on_cpu, tolerance, c.name + " vs the cpu backend");
}

}  // namespace opencl_test
