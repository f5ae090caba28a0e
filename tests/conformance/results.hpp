// What the suite found, test by test, and the reports made from it.
#pragma once

#include <strata/device.hpp>

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace strata_cts {

enum class Status {
  pass,
  fail,
  unsupported,  // the device refused the op through supports_op: honest, not a failure
  unclaimed,    // the case needs a dtype the device does not store
  skipped,      // the device cannot take part (it does not report free memory, ...)
};

const char* to_string(Status status);

struct Result {
  std::string name{};   // "matmul/f16/7x33x65/bias", "device/queue-order"
  std::string op{};     // op label for op cases; "" for device checks
  std::string dtype{};  // dtype label for op cases
  Status status = Status::pass;
  std::string message{};    // why it failed or was skipped
  std::string reference{};  // "cpu", "host" (op cases)
  double nmse = 0;
  double max_abs = 0;
  double nmse_limit = 0;     // the case's tolerance (op cases), so reports show what was asked
  double max_rel_limit = 0;  // largest error allowed, relative to max(1, the reference's largest |value|)
  double seconds = 0;
};

struct DeviceReport {
  strata::DeviceInfo info{};
  std::string reference{};  // what op results were compared with
  std::vector<Result> results{};

  std::size_t count(Status status) const;
  bool passed() const { return count(Status::fail) == 0; }
};

// The support and result table per op and dtype, then the device checks, then a summary.
void print_report(const DeviceReport& report);

struct RunInfo {
  std::string set;  // "quick" or "full"
  std::uint64_t seed = 0;
  std::vector<std::string> filters;
};

void write_json(const std::filesystem::path& path, const RunInfo& run, const std::vector<DeviceReport>& reports);

}  // namespace strata_cts
