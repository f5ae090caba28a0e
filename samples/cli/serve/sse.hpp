// Server-sent events as OpenAI streams them: each chunk one event, "data: {json}" and a blank
// line, and "data: [DONE]" last.
#pragma once

#include <string>
#include <string_view>

namespace strata::cli::serve {

inline constexpr std::string_view sse_content_type = "text/event-stream";

// One event carrying `data` (JSON text, which holds no line break).
inline std::string sse_event(std::string_view data) {
  std::string event;
  event.reserve(data.size() + 8);
  event += "data: ";
  event += data;
  event += "\n\n";
  return event;
}

inline std::string sse_done() { return "data: [DONE]\n\n"; }

}  // namespace strata::cli::serve
