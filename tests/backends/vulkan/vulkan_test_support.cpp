#include "vulkan_test_support.hpp"

#include <strata_plugin/dtype.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>
#include <span>
#include <string_view>

namespace vulkan_test {
namespace {

constexpr std::uint64_t guard_bytes = 64;
constexpr std::byte guard_pattern{0xa5};

template <typename T>
void put(std::vector<std::byte>& bytes, std::size_t index, T value) {
  std::memcpy(bytes.data() + index * sizeof(T), &value, sizeof(T));
}

template <typename T>
T get(const std::vector<std::byte>& bytes, std::size_t index) {
  T value;
  std::memcpy(&value, bytes.data() + index * sizeof(T), sizeof(T));
  return value;
}

std::vector<std::byte> buffer_image(const HostTensor& tensor) {
  std::vector<std::byte> image(tensor.offset + tensor.bytes.size() + guard_bytes, guard_pattern);
  std::copy(tensor.bytes.begin(), tensor.bytes.end(), image.begin() + static_cast<std::ptrdiff_t>(tensor.offset));
  return image;
}

}  // namespace

strata::Runtime make_runtime() {
  strata::RuntimeOptions options;
  options.load_installed_plugins = false;
  options.load_environment_plugins = false;
  options.plugin_files = {STRATA_CPU_PLUGIN_FILE, STRATA_VULKAN_PLUGIN_FILE};
  return strata::Runtime(options);
}

bool vulkan_absence_is_failure() {
  const char* ci = std::getenv("CI");
  const char* validation = std::getenv("STRATA_VULKAN_VALIDATION");
  return (ci != nullptr && std::string_view(ci) == "true") ||
         (validation != nullptr && std::string_view(validation) != "" && std::string_view(validation) != "0");
}

std::optional<strata::Device> find_vulkan(const strata::Runtime& runtime, std::string& why_missing) {
  if (auto device = runtime.find_device("vulkan:0")) return device;
  why_missing = "no Vulkan device here";
  for (const strata::PluginReport& report : runtime.plugins())
    if (!report.loaded) why_missing += "; " + report.path.string() + ": " + report.reason;
  return std::nullopt;
}

std::vector<double> decode(strata::DType dtype, const std::vector<std::byte>& bytes) {
  std::vector<double> values(bytes.size() / strata::dtype_size(dtype));
  for (std::size_t i = 0; i < values.size(); ++i) {
    switch (dtype) {
      case strata::DType::f32:
        values[i] = get<float>(bytes, i);
        break;
      case strata::DType::f16:
        values[i] = strata_plugin::f16_to_f32(get<std::uint16_t>(bytes, i));
        break;
      case strata::DType::bf16:
        values[i] = strata_plugin::bf16_to_f32(get<std::uint16_t>(bytes, i));
        break;
      case strata::DType::i32:
        values[i] = get<std::int32_t>(bytes, i);
        break;
    }
  }
  return values;
}

std::vector<double> HostTensor::values() const { return decode(dtype, bytes); }

HostTensor random_tensor(strata::DType dtype, strata::Shape shape, std::uint32_t seed, double scale,
                         std::uint64_t offset_elements) {
  HostTensor tensor;
  tensor.dtype = dtype;
  tensor.shape = shape;
  tensor.offset = offset_elements * strata::dtype_size(dtype);
  const auto n = static_cast<std::size_t>(shape.elements());
  tensor.bytes.resize(n * strata::dtype_size(dtype));
  std::mt19937 generator(seed);
  std::uniform_real_distribution<float> uniform(-static_cast<float>(scale), static_cast<float>(scale));
  for (std::size_t i = 0; i < n; ++i) {
    const float value = uniform(generator);
    switch (dtype) {
      case strata::DType::f32:
        put(tensor.bytes, i, value);
        break;
      case strata::DType::f16:
        put(tensor.bytes, i, strata_plugin::f32_to_f16(value));
        break;
      case strata::DType::bf16:
        put(tensor.bytes, i, strata_plugin::f32_to_bf16(value));
        break;
      case strata::DType::i32:
        put(tensor.bytes, i, static_cast<std::int32_t>(value * 100));
        break;
    }
  }
  return tensor;
}

HostTensor int_tensor(std::vector<std::int32_t> values, std::uint64_t offset_elements) {
  HostTensor tensor;
  tensor.dtype = strata::DType::i32;
  tensor.shape = strata::Shape{static_cast<std::int64_t>(values.size())};
  tensor.offset = offset_elements * 4;
  tensor.bytes.resize(values.size() * 4);
  std::memcpy(tensor.bytes.data(), values.data(), tensor.bytes.size());
  return tensor;
}

HostTensor zero_tensor(strata::DType dtype, strata::Shape shape, std::uint64_t offset_elements) {
  HostTensor tensor;
  tensor.dtype = dtype;
  tensor.shape = shape;
  tensor.offset = offset_elements * strata::dtype_size(dtype);
  tensor.bytes.assign(static_cast<std::size_t>(shape.elements()) * strata::dtype_size(dtype), std::byte{0});
  return tensor;
}

std::vector<std::byte> run_op(const strata::Device& device, const OpRun& run) {
  strata::Queue queue = device.create_queue();
  std::vector<strata::Buffer> buffers;
  std::vector<std::vector<std::byte>> images;
  std::vector<strata::TensorView> views;
  auto place = [&](const HostTensor& tensor) {
    images.push_back(buffer_image(tensor));
    buffers.push_back(device.allocate(images.back().size()));
    queue.write(buffers.back(), 0, std::span<const std::byte>(images.back()));
  };
  for (const HostTensor& input : run.inputs) place(input);
  if (run.out_over_input0) {
    // Same buffer, offset and shape as inputs[0]; its contents are the input's.
    EXPECT_EQ(run.output.offset, run.inputs[0].offset);
    EXPECT_EQ(run.output.bytes.size(), run.inputs[0].bytes.size());
  } else {
    place(run.output);
  }
  for (std::size_t i = 0; i < run.inputs.size(); ++i)
    views.push_back({&buffers[i], run.inputs[i].offset, run.inputs[i].dtype, run.inputs[i].shape});
  const std::size_t out_index = run.out_over_input0 ? 0 : run.inputs.size();
  const strata::TensorView out{&buffers[out_index], run.output.offset, run.output.dtype, run.output.shape};
  queue.submit(run.build(views, out));

  std::vector<std::byte> after(images[out_index].size());
  queue.read(buffers[out_index], 0, std::span<std::byte>(after));
  for (std::size_t i = 0; i < after.size(); ++i) {
    const bool inside = i >= run.output.offset && i < run.output.offset + run.output.bytes.size();
    if (!inside && after[i] != images[out_index][i]) {
      ADD_FAILURE() << device.name() << ": byte " << i << " outside the output (" << run.output.offset << " + "
                    << run.output.bytes.size() << ") was overwritten";
      break;
    }
  }
  // Inputs other than the output are never written.
  for (std::size_t b = 0; b < run.inputs.size(); ++b) {
    if (b == out_index) continue;
    std::vector<std::byte> input(images[b].size());
    queue.read(buffers[b], 0, std::span<std::byte>(input));
    EXPECT_TRUE(input == images[b]) << device.name() << ": input " << b << " changed";
  }
  return {after.begin() + static_cast<std::ptrdiff_t>(run.output.offset),
          after.begin() + static_cast<std::ptrdiff_t>(run.output.offset + run.output.bytes.size())};
}

void expect_same_output(const strata::Device& vulkan, const strata::Device& cpu, const OpRun& run, double tolerance,
                        bool exact) {
  const std::vector<std::byte> got_bytes = run_op(vulkan, run);
  const std::vector<std::byte> want_bytes = run_op(cpu, run);
  ASSERT_EQ(got_bytes.size(), want_bytes.size());
  const std::vector<double> got = decode(run.output.dtype, got_bytes);
  const std::vector<double> want = decode(run.output.dtype, want_bytes);
  if (exact) {
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
      const bool same = std::memcmp(got_bytes.data() + i * strata::dtype_size(run.output.dtype),
                                    want_bytes.data() + i * strata::dtype_size(run.output.dtype),
                                    strata::dtype_size(run.output.dtype)) == 0;
      if (!same && mismatches++ < 5) ADD_FAILURE() << "element " << i << ": vulkan " << got[i] << ", cpu " << want[i];
    }
    EXPECT_EQ(mismatches, 0u);
    return;
  }
  double scale = 1.0;
  for (double w : want)
    if (std::isfinite(w)) scale = std::max(scale, std::abs(w));
  std::size_t bad = 0;
  double worst = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(want[i])) continue;
    const double error = std::abs(got[i] - want[i]);
    const bool ok = std::isfinite(got[i]) == std::isfinite(want[i]) &&
                    (!std::isfinite(want[i]) ? got[i] == want[i] : error <= tolerance * scale);
    if (std::isfinite(error)) worst = std::max(worst, error / scale);
    if (!ok && bad++ < 5) ADD_FAILURE() << "element " << i << ": vulkan " << got[i] << ", cpu " << want[i];
  }
  EXPECT_EQ(bad, 0u) << "worst relative error " << worst;
}

}  // namespace vulkan_test
