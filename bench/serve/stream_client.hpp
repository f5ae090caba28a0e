// One streaming completion request, timed as a client sees it (Boost.Beast, kept out of this
// header): when the head came, when each piece of text came, how many tokens the server counted.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace strata::bench {

struct ServerAddress {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
};

// "http://HOST:PORT" (the line `strata serve` prints, less its "listening on "); throws
// std::runtime_error for anything else.
ServerAddress parse_url(const std::string& url);

struct StreamTiming {
  int status = 0;                      // 0: no answer (error says why)
  std::string error;                   // empty when the stream ended with [DONE]
  double first_text_seconds = 0;       // from sending the request to its first piece of text
  double last_text_seconds = 0;        // ... to its last
  std::int64_t completion_tokens = 0;  // the usage the server reported
};

// POSTs `body` (a completion request with "stream": true and stream_options.include_usage) to
// /v1/completions and reads the events to the end, within `deadline`.
StreamTiming run_stream(const ServerAddress& address, const std::string& body, std::chrono::seconds deadline);

}  // namespace strata::bench
