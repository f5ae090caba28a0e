#include "host_system.hpp"

#include <fstream>
#include <sstream>

namespace strata_cpu_plugin {
namespace {

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  const auto last = text.find_last_not_of(" \t\r\n");
  return first == std::string::npos ? std::string{} : text.substr(first, last - first + 1);
}

// The value of the first "key<spaces>: value" line of a /proc file.
std::optional<std::string> proc_value(const char* path, const std::string& key) {
  std::ifstream file(path);
  std::string line;
  while (std::getline(file, line)) {
    const auto colon = line.find(':');
    if (colon != std::string::npos && trim(line.substr(0, colon)) == key) return trim(line.substr(colon + 1));
  }
  return std::nullopt;
}

std::optional<std::uint64_t> meminfo_bytes(const std::string& key) {
  const auto value = proc_value("/proc/meminfo", key);  // "24567892 kB"
  if (!value) return std::nullopt;
  std::istringstream in(*value);
  std::uint64_t kib = 0;
  if (!(in >> kib)) return std::nullopt;
  return kib * 1024;
}

}  // namespace

std::string cpu_model_name() {
  for (const char* key : {"model name", "Hardware", "CPU part"}) {
    const auto value = proc_value("/proc/cpuinfo", key);
    if (value && !value->empty()) return *value;
  }
  return "CPU";
}

HostMemory host_memory() { return {meminfo_bytes("MemTotal"), meminfo_bytes("MemAvailable")}; }

}  // namespace strata_cpu_plugin
