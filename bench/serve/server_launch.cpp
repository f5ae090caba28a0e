#include "server_launch.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

extern char** environ;

namespace strata::bench {

LaunchedServer::LaunchedServer(const std::string& strata, const std::vector<std::string>& arguments, bool show_log) {
  std::vector<std::string> argv = {strata, "serve", "--port", "0"};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  std::vector<char*> pointers;
  for (std::string& text : argv) pointers.push_back(text.data());
  pointers.push_back(nullptr);
  int out[2] = {-1, -1};
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  if (!show_log) posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  const int spawned = ::posix_spawn(&pid_, strata.c_str(), &actions, nullptr, pointers.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  stdout_fd_ = out[0];
  if (spawned != 0) {
    pid_ = -1;
    throw std::runtime_error("cannot start " + strata + ": " + std::strerror(spawned));
  }
  std::string line;
  char c = 0;
  while (::read(stdout_fd_, &c, 1) == 1 && c != '\n') line.push_back(c);
  constexpr std::string_view prefix = "listening on ";
  if (!line.starts_with(prefix)) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    ::close(stdout_fd_);
    throw std::runtime_error("strata serve did not start (run with --server-log to see why)" +
                             (line.empty() ? std::string() : ": " + line));
  }
  url_ = line.substr(prefix.size());
}

LaunchedServer::~LaunchedServer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
}

}  // namespace strata::bench
