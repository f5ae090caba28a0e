// The simulated-devices file: what it accepts and how it says what is wrong.
#include "device_spec.hpp"

#include <strata_plugin/host.hpp>
#include <strata_test/scoped_env.hpp>
#include <strata_test/temp_dir.hpp>

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace {

std::string error_of(std::string_view json) {
  try {
    strata_sim::parse_devices(json);
  } catch (const strata_plugin::Error& error) {
    EXPECT_EQ(error.code(), STRATA_STATUS_INVALID_ARGUMENT);
    return error.what();
  }
  return "(no error)";
}

TEST(SimSpec, ReadsDevicesWithUnitsInTheirNames) {
  const auto devices = strata_sim::parse_devices(R"({"devices": [
      {"name": "big", "memory_gib": 24, "tflops": 80, "memory_gbps": 900, "link_gbps": 25, "count": 2},
      {"name": "host", "kind": "cpu", "memory_gib": 0.5, "pci_bus_id": "0000:01:00.0"}],
    "links": [{"between": ["sim:0", "sim:1"], "gbps": 300}]})");
  ASSERT_EQ(devices.size(), 3u);
  EXPECT_EQ(devices[0].description, "big");
  EXPECT_EQ(devices[1].description, "big");
  EXPECT_EQ(devices[0].kind, STRATA_DEVICE_GPU);
  EXPECT_EQ(devices[0].memory, 24ull << 30);
  EXPECT_DOUBLE_EQ(devices[0].peak_flops, 80e12);
  EXPECT_DOUBLE_EQ(devices[0].memory_bandwidth, 900e9);
  EXPECT_DOUBLE_EQ(devices[0].host_link_bandwidth, 25e9);
  EXPECT_EQ(devices[2].kind, STRATA_DEVICE_CPU);
  EXPECT_EQ(devices[2].memory, 512ull << 20);
  EXPECT_EQ(devices[2].pci_bus_id, "0000:01:00.0");
  EXPECT_DOUBLE_EQ(devices[2].peak_flops, 0);                // unknown
  EXPECT_TRUE(devices[0].exact_speeds);                      // all three figures given
  EXPECT_FALSE(devices[2].exact_speeds);                     // none given: measured like a real device
  EXPECT_EQ(devices[0].sharing, STRATA_SHARING_NONE);        // four 24 GiB GPUs stay four devices
  EXPECT_EQ(devices[2].sharing, STRATA_SHARING_HOST_CORES);  // a "cpu" entry is the host's cores
}

TEST(SimSpec, SharesSaysWhatTheDeviceSharesWithTheHost) {
  const auto devices = strata_sim::parse_devices(R"({"devices": [
      {"name": "a", "memory_gib": 1, "shares": "none"},
      {"name": "b", "kind": "igpu", "memory_gib": 1, "shares": "host_memory"},
      {"name": "c", "memory_gib": 1, "shares": "host_cores"},
      {"name": "d", "kind": "cpu", "memory_gib": 1, "shares": "host_memory"}]})");
  ASSERT_EQ(devices.size(), 4u);
  EXPECT_EQ(devices[0].sharing, STRATA_SHARING_NONE);
  EXPECT_EQ(devices[1].sharing, STRATA_SHARING_HOST_MEMORY);
  EXPECT_EQ(devices[2].sharing, STRATA_SHARING_HOST_CORES);
  EXPECT_EQ(devices[3].sharing, STRATA_SHARING_HOST_MEMORY);
}

TEST(SimSpec, NamesWhatIsWrong) {
  EXPECT_NE(error_of("{").find("does not parse"), std::string::npos);
  EXPECT_NE(error_of(R"({"gpus": []})").find("\"devices\" array"), std::string::npos);
  EXPECT_NE(error_of(R"({"devices": [{"memory_gib": 1}]})").find("needs a \"name\""), std::string::npos);
  EXPECT_NE(error_of(R"({"devices": [{"name": "a"}]})").find("needs \"memory_gib\""), std::string::npos);
  EXPECT_NE(error_of(R"({"devices": [{"name": "a", "memory_gib": "24GiB"}]})").find("must be a number"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"devices": [{"name": "a", "memory_gib": -1}]})").find("out of range"), std::string::npos);
  // Found by fuzz_sim_devices: a device of no memory was accepted.
  EXPECT_NE(error_of(R"({"devices": [{"name": "a", "memory_gib": 0}]})").find("holds no memory"), std::string::npos);
  EXPECT_NE(error_of(R"({"devices": [{"name": "a", "memory_gib": 1e-12}]})").find("holds no memory"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"devices": [{"name": "a", "memory_gib": 1, "kind": "tpu"}]})").find("\"kind\" must be"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"devices": [{"name": "a", "memory_gib": 1, "memory": 5}]})").find("unknown field \"memory\""),
            std::string::npos);
  EXPECT_NE(error_of(R"({"devices": [{"name": "a", "memory_gib": 1, "count": 2.5}]})").find("whole number"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"devices": [{"name": "a", "memory_gib": 1, "count": 65}]})").find("whole number"),
            std::string::npos);
  EXPECT_NE(
      error_of(R"({"devices": [{"name": "a", "memory_gib": 1}, {"name": "b", "memory_gib": 1, "shares": "gpu"}]})")
          .find("device entry 1: \"shares\" must be \"none\", \"host_memory\" or \"host_cores\", not \"gpu\""),
      std::string::npos);
  EXPECT_NE(error_of(R"({"devices": [{"name": "a", "kind": "cpu", "memory_gib": 1, "shares": "none"}]})")
                .find("device entry 0: a \"cpu\" device computes on the host's cores"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"devices": [{"name": "a", "memory_gib": 1, "tflops": 80, "link_gbps": 25}]})")
                .find("device entry 0 gives tflops, link_gbps but not memory_gbps"),
            std::string::npos);
}

TEST(SimSpec, TheEnvironmentNamesAFileOrHoldsTheJson) {
  ::unsetenv(strata_sim::environment_variable);
  EXPECT_TRUE(strata_sim::devices_from_environment().empty());
  ::setenv(strata_sim::environment_variable, R"({"devices": [{"name": "a", "memory_gib": 1}]})", 1);
  EXPECT_EQ(strata_sim::devices_from_environment().size(), 1u);
  ::setenv(strata_sim::environment_variable, "/nonexistent/devices.json", 1);
  try {
    strata_sim::devices_from_environment();
    ADD_FAILURE();
  } catch (const strata_plugin::Error& error) {
    EXPECT_EQ(error.code(), STRATA_STATUS_UNAVAILABLE);
  }
  ::unsetenv(strata_sim::environment_variable);
}

// Issue 14: a value nested deep enough overflowed the stack when the message printed it.
TEST(SimSpec, RefusesDeepNestingKeysGivenTwiceAndControlCharacters) {
  const std::string deep = R"({"devices": [{"name": "a", "memory_gib": 1, "kind": )" + std::string(200000, '[') +
                           std::string(200000, ']') + "}]}";
  EXPECT_NE(error_of(deep).find("nest more than 64 levels"), std::string::npos);
  EXPECT_NE(error_of(R"({"devices": [{"name": "a", "memory_gib": 1, "memory_gib": 80}]})")
                .find("the key 'memory_gib' is given twice in the object at /devices/0"),
            std::string::npos);
  const std::string name = error_of(R"({"devices": [{"name": "\u001b]0;x\u0007", "memory_gib": 1}]})");
  EXPECT_NE(name.find("\"name\" \"\\x1b]0;x\\x07\" holds control characters"), std::string::npos) << name;
  EXPECT_EQ(name.find('\x1b'), std::string::npos);
  const std::string kind = error_of(R"({"devices": [{"name": "a", "memory_gib": 1, "kind": "\u009b2J"}]})");
  EXPECT_NE(kind.find("not \"\\u009b2J\""), std::string::npos) << kind;
}

TEST(SimSpec, TheEnvironmentNamesOnlyARegularFile) {
  const strata_test::TempDir dir;
  ASSERT_EQ(::mkfifo((dir.path() / "fifo.json").c_str(), 0600), 0);
  const std::filesystem::path big = dir.path() / "big.json";
  std::ofstream(big).close();
  std::filesystem::resize_file(big, 2 << 20);
  for (const auto& [file, why] : {std::pair{dir.path() / "fifo.json", "it is a named pipe, not a regular file"},
                                  std::pair{std::filesystem::path("/dev/zero"), "it is a character device"},
                                  std::pair{big, "it is 2 MiB (2097152 bytes), more than the 1 MiB"}}) {
    const strata_test::ScopedEnv variable(strata_sim::environment_variable, file.string());
    try {
      strata_sim::devices_from_environment();  // returns at once: never blocks, never reads without end
      ADD_FAILURE() << file;
    } catch (const strata_plugin::Error& error) {
      EXPECT_EQ(error.code(), STRATA_STATUS_UNAVAILABLE);
      EXPECT_NE(std::string(error.what()).find(why), std::string::npos) << error.what();
    }
  }
}

}  // namespace
