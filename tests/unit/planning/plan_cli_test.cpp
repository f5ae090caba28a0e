// `strata plan` end to end: config.json alone, simulated devices from a file, the JSON report,
// --save/--svg files, planner plugins by path, and errors with a non-zero exit.
#include <strata_test/shell.hpp>

#include <strata_test/temp_dir.hpp>

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace {

using Outcome = strata_test::ShellOutcome;

// stdout and stderr together, with a calibration cache of the tests' own: nothing in the user's
// may change what they see.
Outcome strata_plan(const std::string& arguments) {
  return strata_test::run_shell(std::string("STRATA_CACHE_DIR='") + STRATA_TEST_CACHE + "' " + STRATA_CLI + " plan " +
                                arguments + " 2>&1");
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
  ASSERT_EQ(outcome.status, 0) << outcome.out;
  const nlohmann::json document = nlohmann::json::parse(outcome.out);
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
  ASSERT_EQ(outcome.status, 0) << outcome.out;
  EXPECT_NE(outcome.out.find("strategy latency"), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("ms/token"), std::string::npos);
  EXPECT_EQ(read(dir / "plan.svg").rfind("<svg", 0), 0u);
  // The saved map is checked and reported as an explicit map.
  const Outcome again = strata_plan("--config " + config("qwen2-7b") + " --devices " + devices + " --device-map " +
                                    (dir / "map.json").string() + " --json");
  ASSERT_EQ(again.status, 0) << again.out;
  EXPECT_EQ(nlohmann::json::parse(again.out)["report"]["strategy"], "map");
  std::filesystem::remove_all(dir);
}

TEST(PlanCommand, LoadsAPlannerPluginByPath) {
  const Outcome list = strata_plan(std::string("--planner-plugin ") + STRATA_SAMPLE_PLANNER + " --list");
  ASSERT_EQ(list.status, 0) << list.out;
  EXPECT_NE(list.out.find("bandwidth_share"), std::string::npos) << list.out;
  const Outcome outcome =
      strata_plan("--config " + config("llama-2-7b") + " --devices " + devices + " --planner-plugin " +
                  STRATA_SAMPLE_PLANNER + " --strategy bandwidth_share --json");
  ASSERT_EQ(outcome.status, 0) << outcome.out;
  EXPECT_EQ(nlohmann::json::parse(outcome.out)["report"]["strategy"], "bandwidth_share");
}

nlohmann::json plan_json(const std::string& arguments) {
  const Outcome outcome = strata_plan(arguments + " --json");
  EXPECT_EQ(outcome.status, 0) << outcome.out;
  return outcome.status == 0 ? nlohmann::json::parse(outcome.out) : nlohmann::json();
}

TEST(PlanCommand, SequentialNeverHopsBackToAnEarlierGpuWithRoomOnTheCurrentOne) {
  // Llama-2-13B on two 24 GiB GPUs: layers 31-39 fill sim:1, which still has room for model.norm
  // and lm_head; they stay there instead of going back to sim:0.
  const nlohmann::json document = plan_json("--config " + config("llama-2-13b") + " --devices " + STRATA_TEST_DATA +
                                            "/two_gpus.json --strategy sequential --max-memory "
                                            "0=24GiB,1=24GiB,cpu=64GiB");
  const auto& map = document["device_map"];
  ASSERT_TRUE(map.is_object());
  EXPECT_EQ(map.value("model.norm", map.value("", std::string())), "sim:1") << map.dump();
  EXPECT_EQ(map.value("lm_head", map.value("", std::string())), "sim:1") << map.dump();
}

TEST(PlanCommand, SequentialNeverBringsANormBackBetweenTwoDiskUnits) {
  // Llama-3-70B offloaded from two 24 GiB GPUs: once the walk reaches disk, model.norm stays there
  // (it used to hop back to a GPU's leftover room, between two disk units: two transfers for
  // nothing).
  const nlohmann::json document = plan_json("--config " + config("llama-3-70b") + " --devices " + STRATA_TEST_DATA +
                                            "/two_gpus.json --strategy sequential");
  std::map<std::string, std::string> target;
  for (const auto& device : document["report"]["devices"])
    for (const auto& unit : device["units"]) target[unit.get<std::string>()] = device["name"].get<std::string>();
  ASSERT_EQ(target["model.layers.79"], "disk");
  EXPECT_EQ(target["model.norm"], "disk");
  EXPECT_EQ(target["lm_head"], "disk");
}

TEST(PlanCommand, ADiskBudgetWithoutACpuKeyPlansWithTheHostHoldingTheDiskUnitsCache) {
  // accelerate makes a map here: the disk tier was given, so the CPU that computes disk units
  // holds their KV cache and workspace in its free memory.
  const Outcome outcome = strata_plan("--config " + config("llama-3-70b") + " --devices " + STRATA_TEST_DATA +
                                      "/two_gpus.json --strategy sequential --max-memory 0=24GiB,1=24GiB,disk=1TB");
  ASSERT_EQ(outcome.status, 0) << outcome.out;
  EXPECT_NE(outcome.out.find("max_memory lists no cpu"), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("disk "), std::string::npos) << outcome.out;
}

TEST(PlanCommand, AddingACpuBudgetNeverMakesThroughputWorse) {
  // More devices make a larger search space: the plan with the cpu cannot be slower than the one
  // without (the offload rule used to move units after the search and lose the optimum).
  const std::string base = "--config " + config("qwen2-7b") + " --devices " + STRATA_TEST_DATA +
                           "/mixed_gpus.json --strategy throughput --micro-batches 4 --max-memory "
                           "0=24GiB,1=12GiB,2=8GiB";
  const double without = plan_json(base)["report"]["tokens_per_second"].get<double>();
  const double with_cpu = plan_json(base + ",cpu=64GiB")["report"]["tokens_per_second"].get<double>();
  EXPECT_GE(with_cpu, without * (1 - 1e-9));
}

TEST(PlanCommand, ThroughputWithOneMicroBatchIsTheLatencyPlan) {
  const std::string base = "--config " + config("llama-2-13b") + " --devices " + STRATA_TEST_DATA + "/mixed_gpus.json";
  const nlohmann::json latency = plan_json(base + " --strategy latency");
  const nlohmann::json throughput = plan_json(base + " --strategy throughput");
  EXPECT_EQ(latency["device_map"], throughput["device_map"]);
  // With micro-batches in flight it pipelines, and predicts more tokens/s than the latency plan.
  const nlohmann::json pipelined = plan_json(base + " --strategy throughput --micro-batches 3");
  const nlohmann::json latency_3 = plan_json(base + " --strategy latency --micro-batches 3");
  EXPECT_GT(pipelined["report"]["tokens_per_second"].get<double>(),
            latency_3["report"]["tokens_per_second"].get<double>());
}

TEST(PlanCommand, ErrorsExitNonZeroWithTheReason) {
  const Outcome unknown =
      strata_plan("--config " + config("llama-2-7b") + " --devices " + devices + " --strategy fastest");
  EXPECT_NE(unknown.status, 0);
  EXPECT_NE(unknown.out.find("unknown strategy 'fastest'"), std::string::npos) << unknown.out;
  const Outcome too_big =
      strata_plan("--config " + config("qwen2-72b") + " --devices " + devices + " --no-disk --host-memory 8GiB");
  EXPECT_NE(too_big.status, 0);
  EXPECT_NE(too_big.out.find("missing"), std::string::npos) << too_big.out;
  const Outcome no_model = strata_plan("--devices " + devices);
  EXPECT_NE(no_model.status, 0);
  EXPECT_NE(no_model.out.find("--config"), std::string::npos) << no_model.out;
}

TEST(PlanCommand, ANamedPipeGivenAsAFileIsRefusedWithoutBlocking) {
  const strata_test::TempDir dir;
  const std::filesystem::path pipe = dir.path() / "devices.json";
  ASSERT_EQ(::mkfifo(pipe.c_str(), 0600), 0);
  // `timeout` ends a run that blocks on the pipe: that would be the failure (status 124).
  for (const std::string& arguments :
       {"--devices " + pipe.string(), "--devices " + devices + " --device-map " + pipe.string()}) {
    const Outcome outcome = strata_test::run_shell(std::string("timeout 60 ") + STRATA_CLI + " plan --config " +
                                                   config("llama-2-7b") + " " + arguments + " 2>&1");
    EXPECT_NE(outcome.status, 0) << arguments;
    EXPECT_NE(outcome.out.find("named pipe"), std::string::npos) << arguments << ": " << outcome.out;
  }
}

}  // namespace
