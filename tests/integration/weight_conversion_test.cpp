// Weights keep their checkpoint dtype where the device stores it and are converted on the host,
// piece by piece, where it does not: read back from a device that stores only F32, bf16 and f16
// weights hold the values their bits encode.
#include "golden.hpp"
#include "session/weight_loader.hpp"

#include <strata/checkpoint.hpp>
#include <strata/model.hpp>
#include <strata/queue.hpp>
#include <strata/runtime.hpp>

#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <limits>

namespace strata {
namespace {

Runtime counted_runtime() {
  RuntimeOptions options;
  options.load_installed_plugins = false;
  options.load_environment_plugins = false;
  options.plugin_files.push_back(STRATA_COUNTED_PLUGIN);
  return Runtime(options);
}

std::vector<float> read_back(const Device& device, const detail::DeviceWeight& weight) {
  std::vector<float> values(static_cast<std::size_t>(weight.shape.elements()));
  Queue queue = device.create_queue();
  queue.read(*weight.buffer, weight.offset, std::as_writable_bytes(std::span(values)));
  return values;
}

TEST(WeightConversion, Bf16CheckpointWeightsBecomeF32OnADeviceWithoutBf16) {
  const Runtime runtime = counted_runtime();
  const Device device = runtime.device("counted:0");
  ASSERT_FALSE(device.info().stores(DType::bf16));
  const Checkpoint checkpoint = Checkpoint::open(test::sample_model("tiny-llama-pystdlib"));
  const CheckpointWeights weights(checkpoint);
  detail::MappedFiles owners;
  const LoadOptions options;
  detail::WeightLoader loader(weights, options, owners, 0, 0);
  detail::DeviceWeights on_device(device);

  const ParameterInfo& parameter =
      *checkpoint.graph().find("model.layers.3")->find_parameter("model.layers.3.mlp.down_proj.weight");
  const detail::DeviceWeight weight = loader.load(on_device, parameter, "counted:0");
  loader.finish();
  EXPECT_EQ(weight.dtype, DType::f32);
  EXPECT_EQ(weight.buffer->size(), parameter.bytes() * 2);
  const std::vector<float> values = read_back(device, weight);
  // bf16 is the top half of an f32: the expected value is the stored bits shifted up.
  const Checkpoint::Entry entry = checkpoint.at(parameter.name);
  const std::span<const std::byte> stored = entry.file->data(*entry.tensor);
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::uint16_t bits = 0;
    std::memcpy(&bits, stored.data() + 2 * i, 2);
    ASSERT_EQ(std::bit_cast<std::uint32_t>(values[i]), static_cast<std::uint32_t>(bits) << 16) << i;
  }
  // The same parameter again is the same buffer: loaded once per device.
  EXPECT_EQ(loader.load(on_device, parameter, "counted:0").buffer, weight.buffer);
}

TEST(WeightConversion, F16HostWeightsBecomeTheValuesTheirBitsEncode) {
  const Runtime runtime = counted_runtime();
  const std::vector<std::uint16_t> halves = {0x3C00, 0xC000, 0x3555, 0x7BFF, 0x0001, 0x8000, 0x7C00, 0x0400};
  const std::vector<float> expected = {1.0f,
                                       -2.0f,
                                       0.333251953125f,
                                       65504.0f,
                                       5.9604644775390625e-8f,
                                       -0.0f,
                                       std::numeric_limits<float>::infinity(),
                                       6.103515625e-5f};
  HostWeights weights;
  std::vector<std::byte> bytes(halves.size() * 2);
  std::memcpy(bytes.data(), halves.data(), bytes.size());
  weights.set("w", bytes);
  detail::MappedFiles owners;
  const LoadOptions options;
  detail::WeightLoader loader(weights, options, owners, 0, 0);
  detail::DeviceWeights on_device(runtime.device("counted:0"));
  const detail::DeviceWeight weight = loader.load(
      on_device, ParameterInfo{"w", DType::f16, Shape{static_cast<std::int64_t>(halves.size())}}, "counted:0");
  loader.finish();
  EXPECT_EQ(weight.dtype, DType::f32);
  const std::vector<float> values = read_back(on_device.device, weight);
  for (std::size_t i = 0; i < values.size(); ++i)
    EXPECT_EQ(std::bit_cast<std::uint32_t>(values[i]), std::bit_cast<std::uint32_t>(expected[i])) << i;
}

}  // namespace
}  // namespace strata
