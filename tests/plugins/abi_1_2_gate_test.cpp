// The host keeps what ABI 1.2 added away from plugins of older minor versions, which would
// silently ignore the new fields. The test plugin says ABI 1.1 and claims every op, and counts
// how often the host calls its supports_op and queue_submit: for an op using a 1.2 feature,
// supports() must answer false without calling it, and a submit must fail before reaching it.
#include <strata/strata.hpp>

#include <gtest/gtest.h>

#include <dlfcn.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

strata::Runtime runtime_with_the_1_1_plugin() {
  strata::RuntimeOptions options;
  options.load_installed_plugins = false;
  options.load_environment_plugins = false;
  options.plugin_files = {STRATA_CLAIMS_ALL_1_1_PLUGIN};
  return strata::Runtime(options);
}

// The plugin's call counter `name`, from the copy the runtime loaded.
std::uint32_t& counter(const char* name) {
  void* library = dlopen(STRATA_CLAIMS_ALL_1_1_PLUGIN, RTLD_NOW | RTLD_NOLOAD);
  if (library == nullptr) throw std::runtime_error("the runtime has not loaded the test plugin");
  auto* value = static_cast<std::uint32_t*>(dlsym(library, name));
  dlclose(library);  // the runtime keeps its own reference
  if (value == nullptr) throw std::runtime_error(std::string("the test plugin has no ") + name);
  return *value;
}

struct Tensors {
  strata::Tensor x, positions, frequencies, weight, q, cache, out, heads_out;

  explicit Tensors(const strata::Device& device)
      : x(device, strata::DType::f32, {2, 1, 8}),
        positions(device, strata::DType::i32, {2}),
        frequencies(device, strata::DType::f32, {4}),
        weight(device, strata::DType::f32, {8}),
        q(device, strata::DType::f32, {2, 1, 8}),
        cache(device, strata::DType::f32, {4, 1, 8}),
        out(device, strata::DType::f32, {2, 8}),
        heads_out(device, strata::DType::f32, {2, 1, 8}) {}
};

struct NamedOp {
  std::string what;
  strata::Op op;
};

// One op per ABI 1.2 feature.
std::vector<NamedOp> ops_of_1_2(const Tensors& t) {
  const strata::TensorView rows{t.x.view().buffer, 0, strata::DType::f32, strata::Shape{2, 8}};
  return {
      {"scale", strata::ops::scale(rows, t.out, 2.0f)},
      {"softcap", strata::ops::softcap(rows, t.out, 30.0f)},
      {"rope with inverse frequencies", strata::ops::rope(t.x, t.positions, t.frequencies, t.heads_out, 8)},
      {"attention with a window", strata::ops::attention(t.q, t.cache, t.cache, t.heads_out, 2, 0.35f, true, 2)},
      {"attention with a softcap", strata::ops::attention(t.q, t.cache, t.cache, t.heads_out, 2, 0.35f, true, 0, 50)},
      {"rms_norm with weight_offset", strata::ops::rms_norm(rows, t.weight, t.out, 1e-6f, 1.0f)},
  };
}

TEST(Abi12Gate, SupportsAnswersNoWithoutAskingAnOlderPlugin) {
  const strata::Runtime runtime = runtime_with_the_1_1_plugin();
  ASSERT_EQ(runtime.devices().size(), 1u);
  const strata::Device device = runtime.devices().front();
  const Tensors tensors(device);
  std::uint32_t& calls = counter("strata_test_supports_op_calls");
  for (const NamedOp& named : ops_of_1_2(tensors)) {
    const std::uint32_t before = calls;
    EXPECT_FALSE(device.supports(named.op)) << named.what;
    EXPECT_EQ(calls, before) << named.what << ": the plugin was asked";
  }
  // The same ops without their 1.2 fields go to the plugin, which claims them.
  const strata::TensorView rows{tensors.x.view().buffer, 0, strata::DType::f32, strata::Shape{2, 8}};
  const std::uint32_t before = calls;
  EXPECT_TRUE(device.supports(strata::ops::rms_norm(rows, tensors.weight, tensors.out, 1e-6f)));
  EXPECT_TRUE(device.supports(strata::ops::rope(tensors.x, tensors.positions, tensors.heads_out, 10000.0f, 8)));
  EXPECT_TRUE(device.supports(
      strata::ops::attention(tensors.q, tensors.cache, tensors.cache, tensors.heads_out, 2, 0.35f, true, 0, 0.0f)));
  EXPECT_EQ(calls, before + 3);
}

TEST(Abi12Gate, SubmitThrowsUnsupportedNamingDeviceOpAndAbi) {
  const strata::Runtime runtime = runtime_with_the_1_1_plugin();
  const strata::Device device = runtime.devices().front();
  const Tensors tensors(device);
  strata::Queue queue = device.create_queue();
  std::uint32_t& submits = counter("strata_test_submit_calls");
  for (const NamedOp& named : ops_of_1_2(tensors)) {
    const std::uint32_t before = submits;
    try {
      queue.submit(named.op);
      ADD_FAILURE() << named.what << " was submitted to an ABI 1.1 plugin";
    } catch (const strata::Error& error) {
      EXPECT_EQ(error.code(), strata::StatusCode::unsupported) << named.what;
      const std::string message = error.what();
      EXPECT_NE(message.find(device.name()), std::string::npos) << message;
      EXPECT_NE(message.find(strata_op_kind_name(named.op.raw.kind)), std::string::npos) << message;
      EXPECT_NE(message.find("ABI 1.1"), std::string::npos) << message;
      EXPECT_NE(message.find("ABI 1.2"), std::string::npos) << message;
    }
    EXPECT_EQ(submits, before) << named.what << ": the plugin saw the op";
  }
}

}  // namespace
