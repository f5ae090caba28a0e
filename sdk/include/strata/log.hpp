// The SDK's log: where its messages go and from which level. By default, messages of level
// warning and above go to stderr as "[strata warning] ..."; $STRATA_LOG_LEVEL (debug, info,
// warning, error, off) sets the starting level.
//
//   strata::set_log_level(strata::LogLevel::info);
//   strata::set_log_sink([](strata::LogLevel level, std::string_view message) { my_log(level, message); });
#pragma once

#include <strata/export.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

namespace strata {

// The values of backend.h's strata_log_level, plus off.
enum class LogLevel : std::int32_t { debug = 0, info = 1, warning = 2, error = 3, off = 4 };

STRATA_API std::string_view to_string(LogLevel level);
// "debug", "info", "warning", "error", "off", in any case, and spdlog's names ("trace" is debug,
// "warn" warning, "err" and "critical" error); nullopt otherwise.
STRATA_API std::optional<LogLevel> parse_log_level(std::string_view text);

// Messages below `level` are dropped before they are formatted.
STRATA_API void set_log_level(LogLevel level);
STRATA_API LogLevel log_level();

// Receives each message that passes the level, without the "[strata level]" prefix. Calls are
// serialized; the sink runs on the thread that logs, and may itself log (the message is passed
// on in turn).
using LogSink = std::function<void(LogLevel level, std::string_view message)>;
// Sends the messages to `sink` instead of stderr; an empty sink sends them to stderr again. Once
// it returns, the previous sink is no longer called.
STRATA_API void set_log_sink(LogSink sink);

}  // namespace strata
