#include "core/log.hpp"

#include <strata/log.hpp>

#include <strata_safe_io/environment.hpp>

#include <spdlog/sinks/sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>
#include <string>

namespace strata {
namespace {

spdlog::level::level_enum to_spdlog(LogLevel level) {
  switch (level) {
    case LogLevel::debug:
      return spdlog::level::debug;
    case LogLevel::info:
      return spdlog::level::info;
    case LogLevel::warning:
      return spdlog::level::warn;
    case LogLevel::error:
      return spdlog::level::err;
    case LogLevel::off:
      return spdlog::level::off;
  }
  return spdlog::level::warn;
}

LogLevel from_spdlog(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return LogLevel::debug;
    case spdlog::level::info:
      return LogLevel::info;
    case spdlog::level::warn:
      return LogLevel::warning;
    case spdlog::level::err:
    case spdlog::level::critical:
      return LogLevel::error;
    default:
      return LogLevel::off;
  }
}

// Where messages go: stderr, or the integrator's sink. One sink for the logger's whole life, so
// swapping the destination never races with a message being logged. The mutex is recursive so
// that a sink that logs passes its own message on instead of deadlocking.
class SwitchableSink final : public spdlog::sinks::sink {
 public:
  SwitchableSink() : stderr_(std::make_shared<spdlog::sinks::stderr_color_sink_mt>()) {}

  void log(const spdlog::details::log_msg& message) override {
    std::lock_guard lock(mutex_);
    // A copy, so that a sink replacing itself while it runs is not destroyed under its own call.
    const std::shared_ptr<const LogSink> destination = sink_;
    if (!destination) {
      stderr_->log(message);
      return;
    }
    (*destination)(from_spdlog(message.level), std::string_view(message.payload.data(), message.payload.size()));
  }
  void flush() override { stderr_->flush(); }
  void set_pattern(const std::string& pattern) override { stderr_->set_pattern(pattern); }
  void set_formatter(std::unique_ptr<spdlog::formatter> formatter) override {
    stderr_->set_formatter(std::move(formatter));
  }

  void set_sink(LogSink replacement) {
    std::lock_guard lock(mutex_);
    sink_ = replacement ? std::make_shared<const LogSink>(std::move(replacement)) : nullptr;
  }

 private:
  std::recursive_mutex mutex_;
  std::shared_ptr<spdlog::sinks::sink> stderr_;
  std::shared_ptr<const LogSink> sink_;
};

const std::shared_ptr<SwitchableSink>& switchable_sink() {
  static const std::shared_ptr<SwitchableSink> instance = std::make_shared<SwitchableSink>();
  return instance;
}

// $STRATA_LOG_LEVEL, or warning. A value that is no level keeps warning and says so, rather than
// silencing everything (spdlog reads an unknown name as "off").
LogLevel starting_level(std::string& complaint) {
  const std::optional<std::string> text = safe_io::environment_variable("STRATA_LOG_LEVEL");
  if (!text || text->empty()) return LogLevel::warning;
  if (const std::optional<LogLevel> level = parse_log_level(*text)) return *level;
  complaint = "STRATA_LOG_LEVEL='" + *text + "' is not a level (debug, info, warning, error, off): using warning";
  return LogLevel::warning;
}

spdlog::logger& logger() {
  static const std::shared_ptr<spdlog::logger> instance = [] {
    auto made = std::make_shared<spdlog::logger>("strata", switchable_sink());
    std::string complaint;
    made->set_level(to_spdlog(starting_level(complaint)));
    made->set_pattern("[strata %l] %v");
    if (!complaint.empty()) made->warn("{}", complaint);
    return made;
  }();
  return *instance;
}

}  // namespace

namespace detail {

bool log_enabled(LogLevel level) { return logger().should_log(to_spdlog(level)); }

void log_message(LogLevel level, std::string_view message) { logger().log(to_spdlog(level), "{}", message); }

}  // namespace detail

std::string_view to_string(LogLevel level) {
  switch (level) {
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warning:
      return "warning";
    case LogLevel::error:
      return "error";
    case LogLevel::off:
      return "off";
  }
  return "unknown";
}

std::optional<LogLevel> parse_log_level(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "debug" || lower == "trace") return LogLevel::debug;
  if (lower == "info") return LogLevel::info;
  if (lower == "warning" || lower == "warn") return LogLevel::warning;
  if (lower == "error" || lower == "err" || lower == "critical") return LogLevel::error;
  if (lower == "off") return LogLevel::off;
  return std::nullopt;
}

void set_log_level(LogLevel level) { logger().set_level(to_spdlog(level)); }

LogLevel log_level() { return from_spdlog(logger().level()); }

void set_log_sink(LogSink sink) {
  logger();  // the level from the environment is read first, whichever call comes first
  switchable_sink()->set_sink(std::move(sink));
}

}  // namespace strata
