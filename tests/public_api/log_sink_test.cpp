// The log through the public API: a sink receives the messages at or above the level, without
// the stderr prefix, and stops receiving them once replaced.
#include <strata/log.hpp>
#include <strata/runtime.hpp>

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace {

// A runtime whose calibration cache folder does not exist: it says so at debug level.
void start_runtime_without_cache() {
  strata::RuntimeOptions options;
  options.load_installed_plugins = false;
  options.load_environment_plugins = false;
  options.calibration_cache_dir = "/nonexistent/strata-log-test";
  const strata::Runtime runtime(options);
}

class LogSink : public ::testing::Test {
 protected:
  void SetUp() override { level_before_ = strata::log_level(); }
  void TearDown() override {
    strata::set_log_sink({});
    strata::set_log_level(level_before_);
  }

  std::vector<std::pair<strata::LogLevel, std::string>> received_;

  strata::LogSink collector() {
    return [this](strata::LogLevel level, std::string_view message) { received_.emplace_back(level, message); };
  }

 private:
  strata::LogLevel level_before_ = strata::LogLevel::warning;
};

TEST_F(LogSink, ReceivesTheMessagesAtOrAboveTheLevel) {
  strata::set_log_sink(collector());
  strata::set_log_level(strata::LogLevel::debug);
  EXPECT_EQ(strata::log_level(), strata::LogLevel::debug);
  start_runtime_without_cache();
  ASSERT_FALSE(received_.empty());
  bool cache_noted = false;
  for (const auto& [level, message] : received_) {
    EXPECT_EQ(message.find("[strata"), std::string::npos) << "the sink gets the message alone: " << message;
    if (level == strata::LogLevel::debug && message.find("/nonexistent/strata-log-test") != std::string::npos)
      cache_noted = true;
  }
  EXPECT_TRUE(cache_noted);

  received_.clear();
  strata::set_log_level(strata::LogLevel::warning);
  start_runtime_without_cache();
  EXPECT_TRUE(received_.empty());
}

TEST_F(LogSink, AReplacedSinkHearsNothingMore) {
  strata::set_log_sink(collector());
  strata::set_log_level(strata::LogLevel::debug);
  std::vector<std::string> second;
  strata::set_log_sink([&second](strata::LogLevel, std::string_view message) { second.emplace_back(message); });
  start_runtime_without_cache();
  EXPECT_TRUE(received_.empty());
  EXPECT_FALSE(second.empty());
  strata::set_log_sink({});
  second.clear();
  start_runtime_without_cache();
  EXPECT_TRUE(second.empty());
}

TEST_F(LogSink, ASinkMayLogItself) {
  // The sink logs while it handles a message: the message reaches it in turn, with no deadlock.
  int depth = 0;
  std::vector<std::string> seen;
  strata::set_log_level(strata::LogLevel::debug);
  strata::set_log_sink([&](strata::LogLevel, std::string_view message) {
    seen.emplace_back(message);
    if (depth++ == 0) start_runtime_without_cache();
  });
  start_runtime_without_cache();
  EXPECT_GE(seen.size(), 2u);
}

TEST(LogLevels, ReadAsTheEnvironmentVariableSpellsThem) {
  EXPECT_EQ(strata::parse_log_level("DEBUG"), strata::LogLevel::debug);
  EXPECT_EQ(strata::parse_log_level("warn"), strata::LogLevel::warning);
  EXPECT_EQ(strata::parse_log_level("err"), strata::LogLevel::error);
  EXPECT_EQ(strata::parse_log_level("off"), strata::LogLevel::off);
  EXPECT_EQ(strata::parse_log_level("verbose"), std::nullopt);
  for (strata::LogLevel level : {strata::LogLevel::debug, strata::LogLevel::info, strata::LogLevel::warning,
                                 strata::LogLevel::error, strata::LogLevel::off})
    EXPECT_EQ(strata::parse_log_level(strata::to_string(level)), level);
}

}  // namespace
