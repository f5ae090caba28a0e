// `strata calibrate` and `strata devices` end to end, with STRATA_CACHE_DIR pointing at a
// private temporary folder: devices measures nothing; calibrate writes an entry that devices
// then shows.
#include <strata_test/scoped_env.hpp>
#include <strata_test/shell.hpp>
#include <strata_test/temp_dir.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace {

namespace fs = std::filesystem;

using Outcome = strata_test::ShellOutcome;

// stdout only: JSON must parse without the progress lines.
Outcome strata(const std::string& arguments) {
  return strata_test::run_shell(std::string(STRATA_CLI) + " " + arguments + " 2>/dev/null");
}

const nlohmann::json* find_device(const nlohmann::json& document, const std::string& name) {
  for (const auto& device : document["devices"])
    if (device["name"] == name) return &device;
  return nullptr;
}

TEST(CalibrateCommand, CachesTheCpuFiguresThatDevicesThenShows) {
  const strata_test::TempDir dir;
  const strata_test::ScopedEnv cache_dir("STRATA_CACHE_DIR", dir.path().string());

  // Listing devices measures nothing and writes nothing.
  const Outcome before = strata("devices --json");
  ASSERT_EQ(before.status, 0) << before.out;
  const nlohmann::json listed_before = nlohmann::json::parse(before.out);
  const nlohmann::json* cpu_before = find_device(listed_before, "cpu");
  ASSERT_NE(cpu_before, nullptr) << before.out;
  EXPECT_TRUE((*cpu_before)["measured"].is_null());
  EXPECT_TRUE(fs::is_empty(dir.path()));

  const Outcome calibrated = strata("calibrate --json --device cpu --seconds-per-step 0.01");
  ASSERT_EQ(calibrated.status, 0) << calibrated.out;
  const nlohmann::json result = nlohmann::json::parse(calibrated.out);
  ASSERT_EQ(result["devices"].size(), 1u) << calibrated.out;
  EXPECT_EQ(result["devices"][0]["source"], "measured");
  EXPECT_GT(result["devices"][0]["measured"]["matvec_bandwidth"]["f32"].get<double>(), 0);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path() / "calibration"), fs::directory_iterator()), 1);

  const Outcome after = strata("devices --json");
  ASSERT_EQ(after.status, 0) << after.out;
  const nlohmann::json listed_after = nlohmann::json::parse(after.out);
  const nlohmann::json* cpu_after = find_device(listed_after, "cpu");
  ASSERT_NE(cpu_after, nullptr) << after.out;
  const nlohmann::json& measured = (*cpu_after)["measured"];
  ASSERT_TRUE(measured.is_object()) << after.out;
  EXPECT_EQ(measured["source"], "cache");
  EXPECT_EQ(measured["matvec_bandwidth"], result["devices"][0]["measured"]["matvec_bandwidth"]);
  EXPECT_EQ(measured["measured_at"], result["devices"][0]["measured"]["measured_at"]);
}

TEST(CalibrateCommand, AnUnknownDeviceFailsNamingTheDevices) {
  const strata_test::TempDir dir;
  const strata_test::ScopedEnv cache_dir("STRATA_CACHE_DIR", dir.path().string());
  const Outcome outcome = strata_test::run_shell(std::string(STRATA_CLI) + " calibrate --device nosuch:3 2>&1");
  EXPECT_NE(outcome.status, 0);
  EXPECT_NE(outcome.out.find("no device named 'nosuch:3'"), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("cpu"), std::string::npos) << outcome.out;
}

TEST(DevicesCommand, VerboseSaysWhatIsReportedAndWhatIsNotMeasured) {
  const strata_test::TempDir dir;
  const strata_test::ScopedEnv cache_dir("STRATA_CACHE_DIR", dir.path().string());
  const Outcome outcome = strata("devices --verbose");
  ASSERT_EQ(outcome.status, 0) << outcome.out;
  EXPECT_NE(outcome.out.find("reported:"), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("not measured (run strata calibrate)"), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("plugin version"), std::string::npos) << outcome.out;
}

}  // namespace
