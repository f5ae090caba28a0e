// Streams each parameter from its source straight into a device buffer (converting on the host,
// piece by piece, only when the device does not store the source dtype), or, for "disk" units,
// wraps the checkpoint's own mapping without copying.
#pragma once

#include "mapped_files.hpp"
#include "model_state.hpp"

#include <strata/model.hpp>
#include <strata/queue.hpp>

#include <set>
#include <string>
#include <vector>

namespace strata::detail {

class WeightLoader {
 public:
  WeightLoader(const WeightSource& source, const LoadOptions& options, MappedFiles& mapped_files,
               std::uint64_t bytes_total, std::size_t parameters_total);
  // Waits for the uploads still queued, so that no buffer they write is freed under them.
  ~WeightLoader();
  WeightLoader(const WeightLoader&) = delete;
  WeightLoader& operator=(const WeightLoader&) = delete;

  // `parameter` on `device`: loaded, or reused when an earlier unit on that device has it.
  DeviceWeight load(DeviceWeights& device, const ParameterInfo& parameter, std::string_view target);

  // Waits for every upload: a failed one throws here, naming its device, not at a later step.
  void finish();

 private:
  std::optional<DeviceWeight> map(DeviceWeights& device, const ParameterInfo& parameter);
  DeviceWeight upload(const Device& device, const ParameterInfo& parameter);
  // The queue uploads to `device` go through, made at its first upload.
  Queue& queue_for(const Device& device);
  void report(const ParameterInfo& parameter, std::string_view target);
  void check_cancelled(const ParameterInfo& parameter) const;
  // Says, once per reason, that a weight placed on "disk" is copied into host memory instead.
  void note_disk_copy(const ParameterInfo& parameter, const std::string& reason);

  const WeightSource& source_;
  const LoadOptions& options_;
  MappedFiles& mapped_files_;
  std::vector<Queue> queues_;
  LoadProgress progress_;
  std::set<std::string> disk_copy_reasons_;
};

}  // namespace strata::detail
