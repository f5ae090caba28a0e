// A small HTTP/1.1 client for the `strata serve` tests (Boost.Beast, kept out of this header):
// whole requests, streams of server-sent events read one event at a time, and raw bytes for the
// requests a real client would not send. Every wait has a deadline, so a server that hangs fails
// the test instead of stalling it.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace serve_test {

inline constexpr std::chrono::seconds default_deadline{60};

struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;

  std::string header(const std::string& lower_case_name) const {
    const auto found = headers.find(lower_case_name);
    return found == headers.end() ? std::string() : found->second;
  }
};

// One request on a connection of its own (to 127.0.0.1). Throws std::runtime_error when the
// connection fails or the deadline passes.
Response request(std::uint16_t port, const std::string& method, const std::string& target, const std::string& body = {},
                 std::chrono::milliseconds deadline = default_deadline);

// A request whose answer is read as it comes: the head first, then one server-sent event at a
// time.
class Stream {
 public:
  // Sends a POST of `body` (JSON) and reads the response's head.
  Stream(std::uint16_t port, const std::string& target, const std::string& body);
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  const Response& head() const;  // status and headers; the body is what rest() reads
  // The data of the next event ("data: X" gives X); nullopt once the body has ended.
  std::optional<std::string> next_event(std::chrono::milliseconds deadline = default_deadline);
  // Every event left, up to the end of the body.
  std::vector<std::string> all_events(std::chrono::milliseconds deadline = default_deadline);
  // The rest of a body that is not a stream (an error's JSON).
  std::string rest(std::chrono::milliseconds deadline = default_deadline);
  // Drops the connection, as a client that goes away does.
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct RawOutcome {
  std::string received;
  bool closed_by_server = false;  // false: the deadline passed first
  double seconds = 0;             // until the close or the deadline
};

// Sends `bytes` as they are, then reads until the server closes the connection or `deadline`.
RawOutcome raw_exchange(std::uint16_t port, const std::string& bytes, std::chrono::milliseconds deadline);

}  // namespace serve_test
