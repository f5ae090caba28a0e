// An HTTP/1.1 server on one thread (Boost.Beast over Boost.Asio, kept out of this header): it
// reads each request within a deadline and a size limit, hands it to a Handler with a Reply,
// writes what the Reply is given (whole responses, or chunked streams), notices clients that go
// away, and stops on SIGINT or SIGTERM.
#pragma once

#include "http_types.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace strata::cli::serve {

struct ServerConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: a free port, chosen by the system
  // A request's line, headers and body must all arrive within this time from the moment the
  // server starts reading it (or the connection sits idle between requests): otherwise the
  // connection is closed.
  std::chrono::milliseconds read_timeout{30'000};
  std::chrono::milliseconds write_timeout{60'000};  // each write to a client
  // After SIGINT or SIGTERM, how long the last replies may take to reach their clients.
  std::chrono::milliseconds shutdown_grace{5'000};
  std::uint32_t max_header_bytes = 16 * 1024;      // larger: 431
  std::uint64_t max_body_bytes = 4 * 1024 * 1024;  // larger: 413
  std::size_t max_connections = 1024;              // more are closed as soon as they are accepted
  // The body of the errors the server answers itself (413, 431, a malformed request).
  std::function<HttpResponse(int status, std::string_view message)> error_response;
};

class HttpServer {
 public:
  // Listens on config.host:config.port; throws std::runtime_error saying why it cannot (an
  // address in use, a host that does not resolve).
  HttpServer(ServerConfig config, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  std::uint16_t port() const;  // the real one when config.port was 0
  std::string url() const;     // "http://127.0.0.1:8080", "http://[::1]:8080"

  // Serves on the calling thread until SIGINT or SIGTERM. Then it stops accepting, calls
  // `on_stop` (which must end the work the replies wait for), lets every reply finish within
  // shutdown_grace, closes idle connections and returns. A second signal returns at once.
  void run(const std::function<void()>& on_stop);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::cli::serve
