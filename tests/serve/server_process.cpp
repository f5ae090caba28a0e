#include "server_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace serve_test {
namespace {

constexpr std::string_view listening_prefix = "listening on http://";

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& text : strings) out.push_back(text.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

ServerProcess::ServerProcess(const std::vector<std::string>& arguments) {
  std::vector<std::string> argv = {STRATA_CLI, "serve", "--port", "0"};
  // On the CPU unless the test gives a map of its own.
  if (std::find(arguments.begin(), arguments.end(), "--device-map") == arguments.end())
    argv.insert(argv.end(), {"--device-map", "cpu"});
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  // The environment, with the tests' calibration cache and no plugin folder of its own.
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    if (!text.starts_with("STRATA_CACHE_DIR=") && !text.starts_with("STRATA_PLUGIN_PATH=")) env.emplace_back(text);
  }
  env.push_back(std::string("STRATA_CACHE_DIR=") + STRATA_SERVE_CACHE);
  env.push_back("STRATA_PLUGIN_PATH=");

  int out[2] = {-1, -1};
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  const std::string err_path = (scratch_.path() / "stderr.txt").string();
  const int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
  std::vector<char*> argv_pointers = pointers(argv);
  std::vector<char*> env_pointers = pointers(env);
  const int spawned =
      ::posix_spawn(&pid_, argv[0].c_str(), &actions, nullptr, argv_pointers.data(), env_pointers.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  ::close(err_fd);
  stdout_fd_ = out[0];
  if (spawned != 0) {
    pid_ = -1;
    throw std::runtime_error(std::string("cannot start ") + STRATA_CLI + ": " + std::strerror(spawned));
  }

  // The first line on stdout, within two minutes (a loaded machine, a cold page cache).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  while (line_.find('\n') == std::string::npos) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd entry{stdout_fd_, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&entry, 1, static_cast<int>(left.count())) <= 0)
      throw std::runtime_error("strata serve printed no \"listening on\" line in time; its stderr:\n" + log());
    char buffer[256];
    const ssize_t got = ::read(stdout_fd_, buffer, sizeof buffer);
    if (got <= 0) throw std::runtime_error("strata serve exited before it listened; its stderr:\n" + log());
    line_.append(buffer, static_cast<std::size_t>(got));
  }
  line_.erase(line_.find('\n'));
  const std::size_t colon = line_.rfind(':');
  if (!line_.starts_with(listening_prefix) || colon == std::string::npos)
    throw std::runtime_error("unexpected first line from strata serve: " + line_);
  port_ = static_cast<std::uint16_t>(std::stoi(line_.substr(colon + 1)));
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
}

std::string ServerProcess::log() const {
  std::ifstream stream(scratch_.path() / "stderr.txt");
  std::stringstream text;
  text << stream.rdbuf();
  return text.str();
}

void ServerProcess::send_signal(int signal) const {
  if (pid_ > 0) ::kill(pid_, signal);
}

int ServerProcess::wait_exit(std::chrono::seconds deadline) {
  if (pid_ <= 0) return -1;
  const auto end = std::chrono::steady_clock::now() + deadline;
  int status = 0;
  while (true) {
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) break;
    if (done < 0 || std::chrono::steady_clock::now() > end) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace serve_test
