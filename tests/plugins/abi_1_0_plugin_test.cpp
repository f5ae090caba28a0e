// A plugin built for ABI 1.0 keeps working with this host: the sample backend compiled against
// the frozen 1.0 header (abi_1_0/strata/backend.h). It knows nothing of driver_version, sharing
// or exact speeds; the host must leave them "not said" and infer the sharing. Nor does it know
// what ABI 1.2 added to the op set: the host must keep those ops from it.
#include <strata/strata.hpp>

#include <gtest/gtest.h>

#include <span>
#include <string>
#include <vector>

namespace {

strata::Runtime runtime_with_only_the_1_0_plugin() {
  strata::RuntimeOptions options;
  options.load_installed_plugins = false;
  options.load_environment_plugins = false;
  options.plugin_files = {STRATA_ABI_1_0_PLUGIN};
  return strata::Runtime(options);
}

TEST(Abi10Plugin, LoadsAndIsReportedAsAbi10) {
  const strata::Runtime runtime = runtime_with_only_the_1_0_plugin();
  ASSERT_EQ(runtime.plugins().size(), 1u);
  const strata::PluginReport& report = runtime.plugins().front();
  ASSERT_TRUE(report.loaded) << report.reason;
  EXPECT_EQ(report.abi_version, STRATA_MAKE_VERSION(1, 0));
  EXPECT_LT(report.abi_version, STRATA_BACKEND_ABI_VERSION) << "this host must be newer than the plugin";
  EXPECT_EQ(report.name, "sample");
  EXPECT_EQ(report.device_count, 1u);
}

TEST(Abi10Plugin, HostInfersWhatTheDeviceShares) {
  const strata::Runtime runtime = runtime_with_only_the_1_0_plugin();
  const strata::DeviceInfo& info = runtime.device("sample:0").info();
  EXPECT_EQ(info.kind, strata::DeviceKind::cpu);
  EXPECT_TRUE(info.sharing_inferred);
  EXPECT_EQ(info.sharing, strata::DeviceSharing::host_cores);  // a CPU-kind device: the host's cores
  EXPECT_TRUE(info.shares_host_cores());
}

TEST(Abi10Plugin, FieldsOf11AreLeftNotSaid) {
  const strata::Runtime runtime = runtime_with_only_the_1_0_plugin();
  const strata::DeviceInfo& info = runtime.device("sample:0").info();
  EXPECT_EQ(info.driver, "");
  EXPECT_FALSE(info.caps.exact_speeds);
  EXPECT_EQ(info.plugin_version, "1.0.0");
  // The fields 1.0 has are read as before.
  EXPECT_EQ(info.stable_id, "sample-0");
  EXPECT_EQ(info.memory_total, std::optional<std::uint64_t>(1ull << 30));
  EXPECT_TRUE(info.caps.events && info.caps.host_visible && info.caps.unified_memory);
}

TEST(Abi10Plugin, RunsOps) {
  const strata::Runtime runtime = runtime_with_only_the_1_0_plugin();
  const strata::Device device = runtime.device("sample:0");
  strata::Queue queue = device.create_queue();
  strata::Tensor a(device, strata::DType::f32, {2, 3});
  strata::Tensor b(device, strata::DType::f32, {2, 3});
  strata::Tensor sum(device, strata::DType::f32, {2, 3});
  const std::vector<float> x{1, 2, 3, 4, 5, 6};
  const std::vector<float> y{0.5f, -2, 10, 0, 1, -6};
  queue.write(a.view(), std::span<const float>(x));
  queue.write(b.view(), std::span<const float>(y));
  queue.submit(strata::ops::add(a, b, sum));
  std::vector<float> back(6);
  queue.read(sum.view(), std::span<float>(back));
  EXPECT_EQ(back, (std::vector<float>{1.5f, 0, 13, 4, 6, 0}));
}

// The sample runs rms_norm, so the 1.0 build would claim one with a weight_offset it cannot
// see and compute without it: the host must answer for it, and refuse the submit.
TEST(Abi10Plugin, OpsOf12AreRefusedByTheHost) {
  const strata::Runtime runtime = runtime_with_only_the_1_0_plugin();
  const strata::Device device = runtime.device("sample:0");
  strata::Tensor x(device, strata::DType::f32, {2, 4});
  strata::Tensor weight(device, strata::DType::f32, {4});
  strata::Tensor out(device, strata::DType::f32, {2, 4});
  EXPECT_TRUE(device.supports(strata::ops::rms_norm(x, weight, out, 1e-6f)));
  const strata::Op offset_norm = strata::ops::rms_norm(x, weight, out, 1e-6f, 1.0f);
  EXPECT_FALSE(device.supports(offset_norm));
  EXPECT_FALSE(device.supports(strata::ops::scale(x, out, 2.0f)));
  EXPECT_FALSE(device.supports(strata::ops::softcap(x, out, 30.0f)));
  strata::Queue queue = device.create_queue();
  try {
    queue.submit(offset_norm);
    ADD_FAILURE() << "rms_norm with weight_offset reached an ABI 1.0 plugin";
  } catch (const strata::Error& error) {
    EXPECT_EQ(error.code(), strata::StatusCode::unsupported);
    EXPECT_NE(std::string(error.what()).find("ABI 1.0"), std::string::npos) << error.what();
  }
}

}  // namespace
