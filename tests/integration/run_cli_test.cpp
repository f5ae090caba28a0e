// `strata run` end to end, as `make run` uses it: the demo model placed by measured speed, the
// text on stdout and the reports on stderr, predicted beside measured speeds in --json, and a
// partial backend in the plugin folder that changes nothing but the plan's notes.
#include "golden.hpp"

#include <strata_test/shell.hpp>
#include <strata_test/temp_dir.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace strata {
namespace {

struct Outcome {
  int status = 0;
  std::string out;
  std::string err;
};

class RunCommand : public ::testing::Test {
 protected:
  // The calibration cache ctest fills once for these tests (run_cli.calibrate); what it lacks
  // (this program run alone) is measured here, quickly, so each run plans from measured figures.
  static void SetUpTestSuite() {
    scratch_ = std::make_unique<strata_test::TempDir>();
    const Outcome calibrated = run("calibrate --seconds-per-step 0.02", true);
    ASSERT_EQ(calibrated.status, 0) << calibrated.err;
  }
  static void TearDownTestSuite() { scratch_.reset(); }

  static Outcome run(const std::string& arguments, bool with_partial_plugin = false) {
    const std::filesystem::path err_file = scratch_->path() / "stderr.txt";
    const std::string environment =
        "STRATA_CACHE_DIR='" + std::string(STRATA_RUN_CLI_CACHE) + "' STRATA_PLUGIN_PATH='" +
        (with_partial_plugin ? std::string(STRATA_PARTIAL_PLUGIN_DIR) : std::string()) + "' ";
    const std::string command =
        environment + std::string(STRATA_CLI) + " " + arguments + " 2>'" + err_file.string() + "'";
    const strata_test::ShellOutcome shell = strata_test::run_shell(command);
    Outcome outcome{shell.status, shell.out, {}};
    std::ifstream stream(err_file);
    std::stringstream text;
    text << stream.rdbuf();
    outcome.err = text.str();
    return outcome;
  }

  static std::string ids_text(const std::vector<std::int32_t>& ids) {
    std::string text;
    for (std::int32_t id : ids) text += (text.empty() ? "" : ",") + std::to_string(id);
    return text;
  }

  static std::unique_ptr<strata_test::TempDir> scratch_;
};
std::unique_ptr<strata_test::TempDir> RunCommand::scratch_;

const test::GoldenCase& class_foo() {
  static const std::vector<test::GoldenCase> cases = test::read_golden(test::sample_model("tiny-llama-pystdlib"));
  for (const test::GoldenCase& golden : cases)
    if (golden.prompt.starts_with("class Foo")) return golden;
  return cases.front();
}

TEST_F(RunCommand, ReportsPredictedBesideMeasuredSpeedsAndGeneratesTheGoldenText) {
  const test::GoldenCase& golden = class_foo();
  const Outcome outcome = run("run --device-map latency --json --prompt-ids " + ids_text(golden.prompt_ids) +
                              " --max-new-tokens " + std::to_string(golden.greedy_new_ids.size()));
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  const nlohmann::json result = nlohmann::json::parse(outcome.out);
  EXPECT_EQ(result["generated_ids"].get<std::vector<std::int32_t>>(), golden.greedy_new_ids);
  for (const char* phase : {"prefill", "decode"}) {
    SCOPED_TRACE(phase);
    EXPECT_GT(result[phase]["tokens_per_second"].get<double>(), 0);
    // Every device was measured, so the plan predicts both phases.
    ASSERT_TRUE(result["predicted"][std::string(phase) + "_tokens_per_second"].is_number()) << result.dump(2);
    EXPECT_GT(result["predicted"][std::string(phase) + "_tokens_per_second"].get<double>(), 0);
  }
  EXPECT_FALSE(outcome.err.find("measuring") != std::string::npos) << "the cache should have served: " << outcome.err;
}

TEST_F(RunCommand, PrintsTheTextOnStdoutAndTheReportsOnStderr) {
  const Outcome outcome = run("run --device-map latency --max-new-tokens 8");
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_TRUE(outcome.out.starts_with("class Foo:")) << outcome.out;
  for (const char* report : {"placement", "predicted", "prefill:", "decode:", "loading"})
    EXPECT_EQ(outcome.out.find(report), std::string::npos) << report << " on stdout: " << outcome.out;
  for (const char* report : {"placement (device map: latency)", "predicted: prefill", "decode:"})
    EXPECT_NE(outcome.err.find(report), std::string::npos) << report << " missing from stderr: " << outcome.err;
}

TEST_F(RunCommand, ThePlacementNamesOnlyRangesOfLayersThatFollowEachOther) {
  const std::filesystem::path map = scratch_->path() / "ranges.json";
  std::ofstream(map) << R"({"": "cpu", "model.layers.2": "disk", "model.layers.3": "disk", "model.layers.4": "disk",
                            "model.layers.6": "disk"})";
  const Outcome outcome = run("run --max-new-tokens 2 --device-map " + map.string());
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_NE(outcome.err.find("model.layers.2-4, model.layers.6"), std::string::npos) << outcome.err;
  EXPECT_NE(outcome.err.find("model.layers.0-1, model.layers.5, model.layers.7"), std::string::npos) << outcome.err;
}

TEST_F(RunCommand, APartialBackendInThePluginFolderBreaksNoStrategy) {
  const test::GoldenCase& golden = class_foo();
  for (const char* strategy : {"latency", "throughput", "auto", "sequential"}) {
    SCOPED_TRACE(strategy);
    const Outcome outcome = run(std::string("run --json --device-map ") + strategy + " --kv-dtype f32 --prompt-ids " +
                                    ids_text(golden.prompt_ids) + " --max-new-tokens 16",
                                true);
    ASSERT_EQ(outcome.status, 0) << outcome.err;
    const nlohmann::json result = nlohmann::json::parse(outcome.out);
    const std::vector<std::int32_t> first(golden.greedy_new_ids.begin(), golden.greedy_new_ids.begin() + 16);
    EXPECT_EQ(result["generated_ids"].get<std::vector<std::int32_t>>(), first);
    for (const auto& target : result["placement"]) {
      if (target["target"] != "sample:0") continue;
      for (const auto& unit : target["units"])
        EXPECT_EQ(unit.get<std::string>().find("model.layers."), std::string::npos) << unit;
    }
  }
}

TEST_F(RunCommand, AMapThatSendsALayerWhereItCannotRunFailsBeforeLoading) {
  const std::filesystem::path map = scratch_->path() / "map.json";
  std::ofstream(map) << R"({"": "cpu", "model.layers.3": "sample:0"})";
  const Outcome outcome = run("run --device-map " + map.string(), true);
  EXPECT_NE(outcome.status, 0);
  for (const char* part : {"model.layers.3", "sample:0", "does not support", "rope"})
    EXPECT_NE(outcome.err.find(part), std::string::npos) << part << " missing from: " << outcome.err;
  EXPECT_EQ(outcome.err.find("loading:"), std::string::npos) << "it loaded before refusing: " << outcome.err;
}

TEST_F(RunCommand, TokenCountsThatCannotFitFailBeforeAnythingLoads) {
  // INT64_MAX once wrapped into a negative context; with --context the check was skipped and the
  // run failed halfway through its output.
  for (const char* arguments : {"run --max-new-tokens 9223372036854775807", "run --context 100 --max-new-tokens 90"}) {
    const Outcome outcome = run(arguments);
    EXPECT_NE(outcome.status, 0) << arguments;
    EXPECT_NE(outcome.err.find("do not fit the context of"), std::string::npos) << arguments << ": " << outcome.err;
    EXPECT_EQ(outcome.err.find("loading:"), std::string::npos) << "it loaded before refusing: " << outcome.err;
    EXPECT_TRUE(outcome.out.empty()) << outcome.out;
  }
  const Outcome negative = run("run --context -5");
  EXPECT_NE(negative.status, 0);
  EXPECT_NE(negative.err.find("--context"), std::string::npos) << negative.err;
}

}  // namespace
}  // namespace strata
