// A `strata serve` started by the benchmark: on a free port, its "listening on" line read from
// stdout, stopped with SIGTERM at the end.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace strata::bench {

class LaunchedServer {
 public:
  // Runs `STRATA serve --port 0 ARGUMENTS...`; its stderr goes to this program's stderr only
  // with `show_log`. Throws std::runtime_error when it exits before it listens.
  LaunchedServer(const std::string& strata, const std::vector<std::string>& arguments, bool show_log);
  ~LaunchedServer();  // SIGTERM, and a wait for the exit
  LaunchedServer(const LaunchedServer&) = delete;
  LaunchedServer& operator=(const LaunchedServer&) = delete;

  const std::string& url() const { return url_; }

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string url_;
};

}  // namespace strata::bench
