// The loader against plugins that are broken in every way the C ABI allows.
#include <strata/strata.hpp>

#include <strata_test/temp_dir.hpp>

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace {

std::filesystem::path plugin(const std::string& mode) {
  return std::filesystem::path(STRATA_TEST_PLUGIN_DIR) / ("libstrata_backend_test_" + mode + ".so");
}

// A runtime that sees only these plugin files.
strata::Runtime runtime_with_files(std::vector<std::filesystem::path> files) {
  strata::RuntimeOptions options;
  options.load_installed_plugins = false;
  options.load_environment_plugins = false;
  options.plugin_files = std::move(files);
  return strata::Runtime(options);
}

// A runtime that sees only the named test plugin.
strata::Runtime runtime_with(const std::string& mode) { return runtime_with_files({plugin(mode)}); }

const strata::PluginReport& only_report(const strata::Runtime& runtime) {
  EXPECT_EQ(runtime.plugins().size(), 1u);
  return runtime.plugins().front();
}

void expect_skipped(const std::string& mode, const std::string& reason_part) {
  strata::Runtime runtime = runtime_with(mode);
  const strata::PluginReport& report = only_report(runtime);
  EXPECT_FALSE(report.loaded) << mode;
  EXPECT_NE(report.reason.find(reason_part), std::string::npos) << "reason was: " << report.reason;
  EXPECT_TRUE(runtime.devices().empty());
}

void expect_round_trip(strata::Device device) {
  strata::Queue queue = device.create_queue();
  strata::Tensor a(device, strata::DType::f32, {2, 3});
  strata::Tensor b(device, strata::DType::f32, {6});
  const std::vector<float> values{1, 2, 3, 4, 5, 6};
  queue.write(a.view(), std::span<const float>(values));
  queue.submit(strata::ops::copy(a, b));
  std::vector<float> back(6);
  queue.read(b.view(), std::span<float>(back));
  EXPECT_EQ(back, values);
}

TEST(PluginLoader, GoodPluginLoadsAndWorks) {
  strata::Runtime runtime = runtime_with("good");
  ASSERT_TRUE(only_report(runtime).loaded) << only_report(runtime).reason;
  ASSERT_EQ(runtime.devices().size(), 1u);
  strata::Device device = runtime.device("test_good:0");
  EXPECT_EQ(device.info().kind, strata::DeviceKind::accel);
  EXPECT_EQ(device.info().backend, "test_good");
  EXPECT_EQ(device.info().memory_total, std::optional<std::uint64_t>(64u << 20));
  EXPECT_TRUE(device.info().stores(strata::DType::f32));
  EXPECT_FALSE(device.info().stores(strata::DType::f16));
  expect_round_trip(device);
}

TEST(PluginLoader, Abi11FieldsAreReadFromAnAbi11Plugin) {
  strata::Runtime runtime = runtime_with("good");
  EXPECT_EQ(only_report(runtime).abi_version, STRATA_BACKEND_ABI_VERSION);
  const strata::DeviceInfo& info = runtime.device("test_good:0").info();
  EXPECT_EQ(info.plugin_version, "0.0-test");
  EXPECT_EQ(info.driver, "test driver test_good");
  EXPECT_EQ(info.sharing, strata::DeviceSharing::none);
  EXPECT_FALSE(info.sharing_inferred);
  EXPECT_FALSE(info.caps.exact_speeds);
}

TEST(PluginLoader, UntrustedAbi11FieldsAreBoundedOrInferred) {
  strata::Runtime runtime = runtime_with("untrusted_properties");
  ASSERT_TRUE(only_report(runtime).loaded) << only_report(runtime).reason;
  const strata::DeviceInfo& info = runtime.device("test_untrusted_properties:0").info();
  // A driver without its NUL is read to the end of its 64 bytes, never beyond.
  EXPECT_EQ(info.driver, std::string(64, 'x'));
  // Sharing 42 is no strata_device_sharing: inferred. Unified memory without a PCI bus id
  // computes on the host's cores.
  EXPECT_TRUE(info.sharing_inferred);
  EXPECT_EQ(info.sharing, strata::DeviceSharing::host_cores);
  // Exact speeds of 0 are kept (and logged): the device is still usable.
  EXPECT_TRUE(info.caps.exact_speeds);
  EXPECT_EQ(info.peak_flops, 0.0);
  expect_round_trip(runtime.device("test_untrusted_properties:0"));
}

TEST(PluginLoader, FieldsOf11AreIgnoredFromAPluginThatSaysAbi10) {
  strata::Runtime runtime = runtime_with("stray_1_1_fields");
  ASSERT_TRUE(only_report(runtime).loaded) << only_report(runtime).reason;
  EXPECT_EQ(only_report(runtime).abi_version, STRATA_MAKE_VERSION(1, 0));
  const strata::DeviceInfo& info = runtime.device("test_stray_1_1_fields:0").info();
  EXPECT_EQ(info.driver, "");
  EXPECT_FALSE(info.caps.exact_speeds);
  EXPECT_TRUE(info.sharing_inferred);
  EXPECT_EQ(info.sharing, strata::DeviceSharing::host_cores);  // its unified memory and no PCI bus id
}

TEST(PluginLoader, MemoryIsReturnedWhenBuffersAreFreed) {
  strata::Runtime runtime = runtime_with("good");
  strata::Device device = runtime.device("test_good:0");
  const auto before = device.memory().free;
  {
    strata::Buffer buffer = device.allocate(1 << 20);
    EXPECT_EQ(*device.memory().free, *before - (1 << 20));
  }
  EXPECT_EQ(device.memory().free, before);
}

TEST(PluginLoader, PluginErrorsBecomeExceptionsWithTheirMessage) {
  strata::Runtime runtime = runtime_with("good");
  strata::Device device = runtime.device("test_good:0");
  try {
    device.allocate(1ull << 40);
    FAIL() << "allocating more than the device has must fail";
  } catch (const strata::Error& error) {
    EXPECT_EQ(error.code(), strata::StatusCode::out_of_memory);
    EXPECT_NE(std::string(error.what()).find("the test device is full"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("test_good:0"), std::string::npos) << error.what();
  }
}

TEST(PluginLoader, UnsupportedOpsAreReportedNotRun) {
  strata::Runtime runtime = runtime_with("good");
  strata::Device device = runtime.device("test_good:0");
  strata::Tensor a(device, strata::DType::f32, {4});
  strata::Tensor b(device, strata::DType::f32, {4});
  EXPECT_TRUE(device.supports(strata::ops::copy(a, b)));
  EXPECT_FALSE(device.supports(strata::ops::silu(a, b)));
  strata::Queue queue = device.create_queue();
  EXPECT_THROW(queue.submit(strata::ops::silu(a, b)), strata::Error);
}

TEST(PluginLoader, MissingEntrySymbolIsSkipped) { expect_skipped("no_entry", "strata_backend_entry"); }

TEST(PluginLoader, NewerMajorVersionIsRefusedNamingBothVersions) {
  strata::Runtime runtime = runtime_with("newer_major");
  const strata::PluginReport& report = only_report(runtime);
  EXPECT_FALSE(report.loaded);
  EXPECT_NE(report.reason.find("built for backend ABI 2.0"), std::string::npos) << report.reason;
  const std::string host_version =
      "speaks ABI " + std::to_string(STRATA_BACKEND_ABI_MAJOR) + "." + std::to_string(STRATA_BACKEND_ABI_MINOR);
  EXPECT_NE(report.reason.find(host_version), std::string::npos) << report.reason;
}

TEST(PluginLoader, NewerMinorVersionLoadsAndWorks) {
  strata::Runtime runtime = runtime_with("newer_minor");
  ASSERT_TRUE(only_report(runtime).loaded) << only_report(runtime).reason;
  EXPECT_EQ(only_report(runtime).abi_version, STRATA_MAKE_VERSION(1, STRATA_BACKEND_ABI_MINOR + 3));
  expect_round_trip(runtime.device("test_newer_minor:0"));
}

TEST(PluginLoader, FailingInitIsSkippedWithThePluginsReason) {
  expect_skipped("failing_init", "the test driver refuses to start");
}

TEST(PluginLoader, PluginThatRefusesTheHostIsSkipped) {
  expect_skipped("refuses_host", "needs a host speaking ABI 1.9");
}

TEST(PluginLoader, MalformedTableIsSkipped) { expect_skipped("malformed_size", "malformed table"); }

TEST(PluginLoader, MissingRequiredEntryIsSkipped) { expect_skipped("missing_entry", "queue_submit"); }

TEST(PluginLoader, NoDevicesIsSkippedNotAnError) { expect_skipped("no_devices", "no device"); }

TEST(PluginLoader, DeviceErrorsReachTheCaller) {
  strata::Runtime runtime = runtime_with("device_errors");
  strata::Device device = runtime.device("test_device_errors:0");
  try {
    device.allocate(1024);
    FAIL() << "the device returns errors";
  } catch (const strata::Error& error) {
    EXPECT_EQ(error.code(), strata::StatusCode::device_lost);
    EXPECT_NE(std::string(error.what()).find("fell off the bus"), std::string::npos);
  }
}

TEST(PluginLoader, NotAPluginAtAllIsSkipped) {
  const auto path = std::filesystem::temp_directory_path() / "libstrata_backend_not_elf.so";
  {
    std::FILE* file = std::fopen(path.c_str(), "w");
    std::fputs("not a shared library", file);
    std::fclose(file);
  }
  strata::RuntimeOptions options;
  options.load_installed_plugins = false;
  options.load_environment_plugins = false;
  options.plugin_files = {path};
  strata::Runtime runtime(options);
  EXPECT_FALSE(only_report(runtime).loaded);
  EXPECT_FALSE(only_report(runtime).reason.empty());
  std::filesystem::remove(path);
}

TEST(PluginLoader, ExplicitLoadThrowsWithTheReason) {
  strata::RuntimeOptions options;
  options.load_installed_plugins = false;
  options.load_environment_plugins = false;
  strata::Runtime runtime(options);
  try {
    runtime.load_plugin(plugin("newer_major"));
    FAIL() << "a newer major must be refused";
  } catch (const strata::Error& error) {
    EXPECT_EQ(error.code(), strata::StatusCode::unavailable);
    EXPECT_NE(std::string(error.what()).find("ABI 2.0"), std::string::npos) << error.what();
  }
  EXPECT_THROW(runtime.load_plugin("relative/libstrata_backend_x.so"), strata::Error);
  runtime.load_plugin(plugin("good"));
  EXPECT_EQ(runtime.devices().size(), 1u);
}

TEST(PluginLoader, SamePluginTwiceIsLoadedOnce) {
  strata::RuntimeOptions options;
  options.load_installed_plugins = false;
  options.load_environment_plugins = false;
  options.plugin_files = {plugin("good"), plugin("good")};
  strata::Runtime runtime(options);
  ASSERT_EQ(runtime.plugins().size(), 2u);
  EXPECT_TRUE(runtime.plugins()[0].loaded);
  EXPECT_FALSE(runtime.plugins()[1].loaded);
  EXPECT_EQ(runtime.devices().size(), 1u);
}

TEST(PluginLoader, EnvironmentPathScansFoldersAndIgnoresRelativeEntries) {
  const std::string value = std::string(STRATA_TEST_PLUGIN_DIR) + ":relative/folder";
  ::setenv("STRATA_PLUGIN_PATH", value.c_str(), 1);
  strata::RuntimeOptions options;
  options.load_installed_plugins = false;
  strata::Runtime runtime(options);
  ::unsetenv("STRATA_PLUGIN_PATH");
  bool saw_good = false;
  bool saw_relative = false;
  for (const auto& report : runtime.plugins()) {
    if (report.name == "test_good") saw_good = report.loaded;
    if (report.path == "relative/folder")
      saw_relative = !report.loaded && report.reason.find("relative") != std::string::npos;
  }
  EXPECT_TRUE(saw_good);
  EXPECT_TRUE(saw_relative);
  EXPECT_TRUE(runtime.find_device("test_good:0").has_value());
  EXPECT_FALSE(runtime.find_device("test_failing_init:0").has_value());
}

TEST(PluginLoader, APluginThatCannotDescribeItsDeviceIsSkippedAlone) {
  const strata::Runtime runtime = runtime_with_files({plugin("properties_fail"), plugin("good")});
  ASSERT_EQ(runtime.plugins().size(), 2u);
  EXPECT_FALSE(runtime.plugins()[0].loaded);
  EXPECT_NE(runtime.plugins()[0].reason.find("the test device has no properties"), std::string::npos)
      << runtime.plugins()[0].reason;
  EXPECT_TRUE(runtime.plugins()[1].loaded);
  ASSERT_EQ(runtime.devices().size(), 1u);
  EXPECT_EQ(runtime.devices()[0].name(), "test_good:0");
}

TEST(PluginLoader, AnUnknownDeviceOfASkippedPluginNamesThePluginAndWhy) {
  const strata::Runtime runtime = runtime_with_files({plugin("failing_init"), plugin("good")});
  try {
    runtime.device("test_failing_init:0");
    FAIL();
  } catch (const strata::Error& error) {
    const std::string text = error.what();
    EXPECT_NE(text.find("the test_failing_init plugin (" + plugin("failing_init").string() + ") was skipped"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("the test driver refuses to start"), std::string::npos) << text;
  }
}

TEST(PluginLoader, UnknownDeviceNameListsTheDevicesThatExist) {
  strata::Runtime runtime = runtime_with("good");
  try {
    runtime.device("opencl:7");
    FAIL();
  } catch (const strata::Error& error) {
    EXPECT_EQ(error.code(), strata::StatusCode::invalid_argument);
    EXPECT_NE(std::string(error.what()).find("test_good:0"), std::string::npos) << error.what();
  }
}

TEST(PluginLoader, ObjectsKeepThePluginAliveAfterTheRuntimeIsGone) {
  strata::Buffer buffer;
  std::optional<strata::Device> device;
  {
    strata::Runtime runtime = runtime_with("good");
    device = runtime.device("test_good:0");
    buffer = device->allocate(256);
  }
  EXPECT_NE(buffer.host_pointer(), nullptr);
  expect_round_trip(*device);
}

// A copy of the good test plugin in a fresh private folder, to change its permissions.
std::filesystem::path copy_of_good_plugin(const strata_test::TempDir& dir) {
  const std::filesystem::path copy = dir.path() / "libstrata_backend_test_copy.so";
  std::filesystem::copy_file(plugin("good"), copy);
  ::chmod(copy.c_str(), 0755);
  return copy;
}

strata::PluginReport load_only(const std::filesystem::path& file) {
  const strata::Runtime runtime = runtime_with_files({file});
  return only_report(runtime);
}

TEST(PluginLoader, AFileOrFolderOthersMayWriteIsNeverLoaded) {
  const strata_test::TempDir dir;
  const std::filesystem::path copy = copy_of_good_plugin(dir);
  ASSERT_TRUE(load_only(copy).loaded) << "the private copy loads";

  ASSERT_EQ(::chmod(copy.c_str(), 0777), 0);
  strata::PluginReport report = load_only(copy);
  EXPECT_FALSE(report.loaded);
  EXPECT_NE(report.reason.find("is writable by other users"), std::string::npos) << report.reason;
  EXPECT_NE(report.reason.find("chmod go-w " + copy.string()), std::string::npos) << "the fix is named";

  ASSERT_EQ(::chmod(copy.c_str(), 0755), 0);
  ASSERT_EQ(::chmod(dir.path().c_str(), 0777), 0);
  report = load_only(copy);
  EXPECT_FALSE(report.loaded);
  EXPECT_NE(report.reason.find("its folder " + dir.path().string()), std::string::npos) << report.reason;
}

TEST(PluginLoader, GroupWriteCountsOnlyForAGroupOtherThanOurOwn) {
  const strata_test::TempDir dir;
  const std::filesystem::path copy = copy_of_good_plugin(dir);
  // umask 002 with user-private groups: writable by the process's own group, which is no one else.
  ASSERT_EQ(::chmod(copy.c_str(), 0775), 0);
  ASSERT_EQ(::chmod(dir.path().c_str(), 0775), 0);
  EXPECT_TRUE(load_only(copy).loaded) << load_only(copy).reason;
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give the file to another group (CI runs the tests as root)";
  ASSERT_EQ(::chown(copy.c_str(), 0, static_cast<gid_t>(::getegid() + 4242)), 0);
  const strata::PluginReport report = load_only(copy);
  EXPECT_FALSE(report.loaded);
  EXPECT_NE(report.reason.find("is writable by other users"), std::string::npos) << report.reason;
}

TEST(PluginLoader, AFolderAboveOthersMayWriteIsRefusedUnlessSticky) {
  const strata_test::TempDir dir;
  const std::filesystem::path inner = dir.path() / "plugins";
  std::filesystem::create_directory(inner);
  ::chmod(inner.c_str(), 0755);
  std::filesystem::copy_file(plugin("good"), inner / "libstrata_backend_test_copy.so");
  ASSERT_EQ(::chmod(dir.path().c_str(), 0777), 0);
  strata::PluginReport report = load_only(inner / "libstrata_backend_test_copy.so");
  EXPECT_FALSE(report.loaded);
  EXPECT_NE(report.reason.find("without the sticky bit"), std::string::npos) << report.reason;
  // Sticky, as /tmp is: others may not replace the folder below, so the plugin loads.
  ASSERT_EQ(::chmod(dir.path().c_str(), 01777), 0);
  EXPECT_TRUE(load_only(inner / "libstrata_backend_test_copy.so").loaded);
}

}  // namespace
