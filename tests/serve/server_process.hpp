// `strata serve` as a child process of a test: started on a free port (--port 0), with the tests'
// own calibration cache and no plugin from the environment; its port read from the line it
// prints on stdout, its stderr (the request log) kept in a file.
#pragma once

#include <strata_test/temp_dir.hpp>

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace serve_test {

class ServerProcess {
 public:
  // Runs `strata serve --port 0 --device-map cpu ARGUMENTS...` and waits (up to two minutes)
  // for its "listening on http://127.0.0.1:PORT" line. Throws std::runtime_error, with what the
  // server wrote to stderr, when it exits or says nothing.
  explicit ServerProcess(const std::vector<std::string>& arguments);
  ~ServerProcess();  // kills it when it still runs
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::uint16_t port() const { return port_; }
  const std::string& listening_line() const { return line_; }
  // What it wrote to stderr so far.
  std::string log() const;

  void send_signal(int signal) const;
  // Its exit status once it has exited; -1 when it did not exit normally, or not within
  // `deadline` (it is killed then).
  int wait_exit(std::chrono::seconds deadline = std::chrono::seconds(30));
  int stop(int signal, std::chrono::seconds deadline = std::chrono::seconds(30)) {
    send_signal(signal);
    return wait_exit(deadline);
  }

 private:
  strata_test::TempDir scratch_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string line_;
  std::uint16_t port_ = 0;
};

}  // namespace serve_test
