// `strata plan` end to end: config.json alone, simulated devices from a file, the JSON report,
// --save/--svg files, planner plugins by path, and errors with a non-zero exit.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

struct Outcome {
  int status = 0;
  std::string output;  // stdout and stderr
};

Outcome strata_plan(const std::string& arguments) {
  const std::string command = std::string(STRATA_CLI) + " plan " + arguments + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  Outcome outcome;
  if (!pipe) return {-1, "popen failed"};
  std::array<char, 4096> chunk{};
  while (std::fgets(chunk.data(), chunk.size(), pipe)) outcome.output += chunk.data();
  outcome.status = ::pclose(pipe);
  return outcome;
}

std::string config(const char* model) { return std::string(STRATA_TEST_CONFIGS) + "/" + model + "/config.json"; }
const std::string devices = std::string(STRATA_TEST_DATA) + "/four_gpus.json";

std::string read(const std::filesystem::path& path) {
  std::ifstream stream(path);
  std::stringstream text;
  text << stream.rdbuf();
  return text.str();
}

TEST(PlanCommand, PlansARealShapeOnSimulatedGpusAsJson) {
  const Outcome outcome = strata_plan("--config " + config("llama-2-13b") + " --devices " + devices +
                                      " --strategy balanced --context 4096 --json");
  ASSERT_EQ(outcome.status, 0) << outcome.output;
  const nlohmann::json document = nlohmann::json::parse(outcome.output);
  const auto& report = document["report"];
  EXPECT_EQ(report["strategy"], "balanced");
  EXPECT_EQ(report["context_length"], 4096);
  // 26 GB of weights over four simulated 24 GiB GPUs: all on the GPUs, shared out.
  int gpus_used = 0;
  for (const auto& device : report["devices"]) {
    const std::string name = device["name"];
    if (name.starts_with("sim:")) gpus_used += device["units"].empty() ? 0 : 1;
    if (name == "cpu" || name == "disk") {
      EXPECT_TRUE(device["units"].empty()) << name;
    }
  }
  EXPECT_EQ(gpus_used, 4);
  EXPECT_EQ(document["device_map"]["model.layers.0"], "sim:0");
}

TEST(PlanCommand, SavesTheMapAndDrawsThePicture) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "strata_plan_cli_test";
  std::filesystem::create_directories(dir);
  const Outcome outcome =
      strata_plan("--config " + config("qwen2-7b") + " --devices " + devices + " --strategy latency --save " +
                  (dir / "map.json").string() + " --svg " + (dir / "plan.svg").string());
  ASSERT_EQ(outcome.status, 0) << outcome.output;
  EXPECT_NE(outcome.output.find("strategy latency"), std::string::npos) << outcome.output;
  EXPECT_NE(outcome.output.find("ms/token"), std::string::npos);
  EXPECT_EQ(read(dir / "plan.svg").rfind("<svg", 0), 0u);
  // The saved map is checked and reported as an explicit map.
  const Outcome again = strata_plan("--config " + config("qwen2-7b") + " --devices " + devices + " --device-map " +
                                    (dir / "map.json").string() + " --json");
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_EQ(nlohmann::json::parse(again.output)["report"]["strategy"], "map");
  std::filesystem::remove_all(dir);
}

TEST(PlanCommand, LoadsAPlannerPluginByPath) {
  const Outcome list = strata_plan(std::string("--planner-plugin ") + STRATA_SAMPLE_PLANNER + " --list");
  ASSERT_EQ(list.status, 0) << list.output;
  EXPECT_NE(list.output.find("bandwidth_share"), std::string::npos) << list.output;
  const Outcome outcome =
      strata_plan("--config " + config("llama-2-7b") + " --devices " + devices + " --planner-plugin " +
                  STRATA_SAMPLE_PLANNER + " --strategy bandwidth_share --json");
  ASSERT_EQ(outcome.status, 0) << outcome.output;
  EXPECT_EQ(nlohmann::json::parse(outcome.output)["report"]["strategy"], "bandwidth_share");
}

TEST(PlanCommand, ErrorsExitNonZeroWithTheReason) {
  const Outcome unknown =
      strata_plan("--config " + config("llama-2-7b") + " --devices " + devices + " --strategy fastest");
  EXPECT_NE(unknown.status, 0);
  EXPECT_NE(unknown.output.find("unknown strategy 'fastest'"), std::string::npos) << unknown.output;
  const Outcome too_big =
      strata_plan("--config " + config("qwen2-72b") + " --devices " + devices + " --no-disk --host-memory 8GiB");
  EXPECT_NE(too_big.status, 0);
  EXPECT_NE(too_big.output.find("missing"), std::string::npos) << too_big.output;
  const Outcome no_model = strata_plan("--devices " + devices);
  EXPECT_NE(no_model.status, 0);
  EXPECT_NE(no_model.output.find("--config"), std::string::npos) << no_model.output;
}

}  // namespace
