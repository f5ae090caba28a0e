// A model loaded once: each unit's weights on the device its target names. Sessions made from it
// (strata::Session) share these weights and add only what one sequence needs: its KV caches,
// working buffers and queues. Nothing changes a loaded model, so sessions on several threads may
// read it at once.
#pragma once

#include <strata/export.hpp>

#include <strata/cancel.hpp>

#include <strata/checkpoint.hpp>
#include <strata/device.hpp>
#include <strata/device_map.hpp>
#include <strata/model.hpp>
#include <strata/model_graph.hpp>
#include <strata/runtime.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

struct STRATA_API LoadProgress {
  std::uint64_t bytes_done = 0;
  std::uint64_t bytes_total = 0;
  std::size_t parameters_done = 0;
  std::size_t parameters_total = 0;
  std::string_view parameter;  // the one just loaded
  std::string_view target;     // where it went: "cpu", "opencl:0", "disk", ...
};

// Called before a device allocation; throwing from it fails the work there (tests use this to
// prove that a failure releases everything).
using BeforeAllocate = std::function<void(const Device& device, std::uint64_t bytes)>;

struct STRATA_API LoadOptions {
  std::function<void(const LoadProgress&)> on_progress;
  // Cancels the load from another thread: the constructor throws Error(cancelled) at its next
  // weight and releases everything. Keep a copy to call cancel() on.
  CancelToken cancel;
  // Called before every device allocation the load makes.
  BeforeAllocate before_allocate;
};

// One target of a placement. A loaded model reports its weights; a session adds its KV caches.
struct STRATA_API TargetPlacement {
  std::string target;  // as the device map says: "cpu", "disk", "opencl:0"
  std::string device;  // the device that computes: "cpu" for "disk"
  std::vector<std::string> units;
  std::uint64_t weight_bytes = 0;  // in device memory
  std::uint64_t mapped_bytes = 0;  // read through the checkpoint's mmap ("disk")
  std::uint64_t kv_bytes = 0;      // 0 for a loaded model: each session has its own caches
};

// A handle to loaded weights. Copies are cheap and share the same weights, which are freed when
// the last handle and the last session made from them are gone. The weights never change after
// the constructor returns, so handles and sessions may be used on any threads at once. It keeps
// what it reads alive (the devices' plugins, the mapped files of "disk" units): the Checkpoint
// and the WeightSource may go once the constructor returns.
class STRATA_API LoadedModel {
 public:
  // `targets` holds one entry per unit of `graph`, in order: "cpu", "disk" or a device name of
  // `runtime`. `weights` must outlive the constructor (mapped regions are kept alive by their
  // owners). Throws Error naming the unit, parameter and device when the load fails; whatever
  // was allocated is released.
  LoadedModel(const Runtime& runtime, ModelGraph graph, const WeightSource& weights, std::vector<std::string> targets,
              LoadOptions options = {});
  LoadedModel(const Runtime& runtime, const Checkpoint& checkpoint, std::vector<std::string> targets,
              LoadOptions options = {});
  LoadedModel(const Runtime& runtime, const Checkpoint& checkpoint, const DeviceMap& device_map,
              LoadOptions options = {});
  // No move operations: moving copies, so a handle is never empty.
  LoadedModel(const LoadedModel&) = default;
  LoadedModel& operator=(const LoadedModel&) = default;
  ~LoadedModel() = default;

  const ModelGraph& graph() const;
  const std::vector<std::string>& targets() const;
  // Weight and mapped bytes per target, in the order the units first name it; kv_bytes is 0.
  std::vector<TargetPlacement> placement() const;

  struct State;
  // For the SDK itself.
  const std::shared_ptr<const State>& state() const { return state_; }

 private:
  std::shared_ptr<const State> state_;
};

}  // namespace strata
