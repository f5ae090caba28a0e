// Streams each parameter from its source straight into a device buffer (converting on the host,
// piece by piece, only when the device does not store the source dtype), or, for "disk" units,
// wraps the checkpoint's own mapping without copying.
#pragma once

#include "model/unit_ops.hpp"
#include "session_state.hpp"

#include <strata/model.hpp>

#include <set>
#include <string>

namespace strata::detail {

// Device memory through the session's allocation hook, so tests can fail any allocation.
Buffer allocate_buffer(const SessionOptions& options, const Device& device, std::uint64_t bytes);
Tensor allocate_tensor(const SessionOptions& options, const Device& device, DType dtype, Shape shape);

class WeightLoader {
 public:
  WeightLoader(const WeightSource& source, const SessionOptions& options, std::vector<MappedFile>& mapped_files,
               std::uint64_t bytes_total, std::size_t parameters_total);

  // `parameter` on `slot`: loaded, or reused when an earlier unit on that device has it.
  DeviceWeight load(DeviceSlot& slot, const ParameterInfo& parameter, std::string_view target);

 private:
  std::optional<DeviceWeight> map(DeviceSlot& slot, const ParameterInfo& parameter);
  DeviceWeight upload(DeviceSlot& slot, const ParameterInfo& parameter);
  void report(const ParameterInfo& parameter, std::string_view target);
  void check_cancelled(const ParameterInfo& parameter) const;
  // Says, once per reason, that a weight placed on "disk" is copied into host memory instead.
  void note_disk_copy(const ParameterInfo& parameter, const std::string& reason);

  const WeightSource& source_;
  const SessionOptions& options_;
  std::vector<MappedFile>& mapped_files_;
  LoadProgress progress_;
  std::set<std::string> disk_copy_reasons_;
};

}  // namespace strata::detail
