// The options every `strata` command takes (--plugin-path, --quiet), its exit statuses, and where
// its output goes: results on stdout, progress and reports on stderr, errors always.
#include <strata_test/shell.hpp>
#include <strata_test/temp_dir.hpp>

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

namespace {

struct Outcome {
  int exit_status = -1;  // -1: it did not exit normally
  std::string out;
  std::string err;
};

class CommandLine : public ::testing::Test {
 protected:
  // A calibration cache of these tests' own (STRATA_CLI_CACHE, in the build tree), measured
  // quickly by the first test program that finds it lacking, so that the commands plan from
  // measured figures without measuring anything themselves.
  static void SetUpTestSuite() {
    scratch_ = std::make_unique<strata_test::TempDir>();
    const Outcome calibrated = run("calibrate --device cpu --device sample:0 --seconds-per-step 0.01 --plugin-path " +
                                   std::string(STRATA_PARTIAL_PLUGIN_DIR));
    ASSERT_EQ(calibrated.exit_status, 0) << calibrated.err;
  }
  static void TearDownTestSuite() { scratch_.reset(); }

  // Runs `strata ARGUMENTS` with no plugin from the environment, from `directory` when given.
  static Outcome run(const std::string& arguments, const std::string& environment = "",
                     const std::filesystem::path& directory = {}) {
    const std::filesystem::path err_file = scratch_->path() / "stderr.txt";
    const std::string command = (directory.empty() ? "" : "cd '" + directory.string() + "' && ") +
                                "STRATA_PLUGIN_PATH= STRATA_CACHE_DIR='" + std::string(STRATA_CLI_CACHE) + "' " +
                                environment + " " + STRATA_CLI + " " + arguments + " 2>'" + err_file.string() + "'";
    const strata_test::ShellOutcome shell = strata_test::run_shell(command);
    Outcome outcome;
    outcome.exit_status = WIFEXITED(shell.status) ? WEXITSTATUS(shell.status) : -1;
    outcome.out = shell.out;
    std::ifstream stream(err_file);
    std::stringstream text;
    text << stream.rdbuf();
    outcome.err = text.str();
    return outcome;
  }

  static std::filesystem::path scratch() { return scratch_->path(); }

 private:
  static std::unique_ptr<strata_test::TempDir> scratch_;
};
std::unique_ptr<strata_test::TempDir> CommandLine::scratch_;

const std::string plugin_dir = STRATA_PARTIAL_PLUGIN_DIR;

TEST_F(CommandLine, HelpListsTheExitStatusesAndTheOptionsOfEveryCommand) {
  const Outcome help = run("--help");
  EXPECT_EQ(help.exit_status, 0);
  for (const char* part :
       {"Exit status: 0", "1 it could not", "2 the command line is wrong", "--plugin-path DIR", "--quiet"})
    EXPECT_NE(help.out.find(part), std::string::npos) << part << " missing from: " << help.out;
}

TEST_F(CommandLine, AWrongCommandLineExitsWith2) {
  for (const char* arguments :
       {"", "devices --no-such-option", "frobnicate", "run --max-new-tokens -3", "run --kv-dtype f64",
        "plan --model a --config b", "devices --plugin-path /nonexistent", "run --prompt-ids 1,x"}) {
    const Outcome outcome = run(arguments);
    EXPECT_EQ(outcome.exit_status, 2) << arguments << ": " << outcome.err;
    EXPECT_FALSE(outcome.err.empty()) << arguments;
  }
}

TEST_F(CommandLine, ACommandThatCannotDoItsWorkExitsWith1) {
  const Outcome outcome = run("run --model /nonexistent/strata-model");
  EXPECT_EQ(outcome.exit_status, 1);
  EXPECT_NE(outcome.err.find("strata: error: /nonexistent/strata-model"), std::string::npos) << outcome.err;
  EXPECT_EQ(run("devices").exit_status, 0);
}

TEST_F(CommandLine, PluginPathLoadsTheFolderForEveryCommand) {
  EXPECT_EQ(run("devices").out.find("sample:0"), std::string::npos) << "the folder is not loaded by default";
  for (const std::string& arguments :
       {"devices --plugin-path " + plugin_dir, "--plugin-path " + plugin_dir + " devices",
        "devices --plugin-path " + plugin_dir + "/libstrata_backend_sample.so"}) {
    const Outcome devices = run(arguments);
    EXPECT_EQ(devices.exit_status, 0) << arguments << ": " << devices.err;
    EXPECT_NE(devices.out.find("sample:0"), std::string::npos) << arguments << ": " << devices.out;
  }
  // A folder named relative to where the command runs.
  const std::filesystem::path folder(plugin_dir);
  const Outcome relative = run("devices --plugin-path " + folder.filename().string(), "", folder.parent_path());
  EXPECT_NE(relative.out.find("sample:0"), std::string::npos) << relative.err;

  // calibrate measured sample:0 in SetUpTestSuite; plan and run see it too.
  const Outcome plan = run("plan --config " + std::string(STRATA_DEMO_MODEL_DIR) + " --devices sample:0,cpu --json " +
                           "--plugin-path " + plugin_dir);
  EXPECT_EQ(plan.exit_status, 0) << plan.err;
  EXPECT_NE(plan.out.find("sample:0"), std::string::npos) << plan.out;
  const Outcome run_there = run("run --device-map sample:0 --max-new-tokens 1 --plugin-path " + plugin_dir);
  EXPECT_EQ(run_there.exit_status, 1);
  EXPECT_NE(run_there.err.find("does not support"), std::string::npos) << "the device was found: " << run_there.err;
}

TEST_F(CommandLine, APluginFolderWithoutPluginsIsAUsageError) {
  const Outcome outcome = run("devices --plugin-path " + scratch().string());
  EXPECT_EQ(outcome.exit_status, 2);
  EXPECT_NE(outcome.err.find("no libstrata_backend_*.so"), std::string::npos) << outcome.err;
}

TEST_F(CommandLine, QuietLeavesTheTextAndTheErrorsOnly) {
  const Outcome quiet = run("run --quiet --device-map cpu --max-new-tokens 4", "STRATA_LOG_LEVEL=debug");
  EXPECT_EQ(quiet.exit_status, 0) << quiet.err;
  EXPECT_TRUE(quiet.out.starts_with("class Foo:")) << quiet.out;
  EXPECT_EQ(quiet.err, "");
  const Outcome loud = run("run --device-map cpu --max-new-tokens 4");
  EXPECT_NE(loud.err.find("placement"), std::string::npos) << "without --quiet the reports are there: " << loud.err;

  const Outcome failed = run("--quiet run --model /nonexistent/strata-model");
  EXPECT_EQ(failed.exit_status, 1);
  EXPECT_NE(failed.err.find("strata: error:"), std::string::npos) << failed.err;
  const Outcome calibrate = run("calibrate --quiet --device cpu --force --seconds-per-step 0.01");
  EXPECT_EQ(calibrate.exit_status, 0);
  EXPECT_EQ(calibrate.err, "");
  EXPECT_NE(calibrate.out.find("measured now"), std::string::npos) << calibrate.out;
}

TEST_F(CommandLine, ProgressGoesToStderrAndResultsToStdout) {
  const Outcome calibrate = run("calibrate --device cpu --force --seconds-per-step 0.01");
  EXPECT_EQ(calibrate.exit_status, 0);
  EXPECT_NE(calibrate.err.find("calibrating cpu"), std::string::npos) << calibrate.err;
  EXPECT_EQ(calibrate.out.find("calibrating"), std::string::npos) << calibrate.out;
  EXPECT_NE(calibrate.out.find("measured now"), std::string::npos) << calibrate.out;
}

TEST_F(CommandLine, TheLogLevelComesFromTheEnvironment) {
  // Below the default level (warning): the sim plugin says at level info why it is skipped.
  const Outcome info = run("devices", "STRATA_LOG_LEVEL=info");
  EXPECT_NE(info.err.find("[strata info] skipping plugin"), std::string::npos) << info.err;
  EXPECT_EQ(run("devices").err.find("[strata info]"), std::string::npos);
  const Outcome unknown = run("devices", "STRATA_LOG_LEVEL=verbose");
  EXPECT_EQ(unknown.exit_status, 0);
  EXPECT_NE(unknown.err.find("STRATA_LOG_LEVEL='verbose' is not a level"), std::string::npos) << unknown.err;
}

}  // namespace
