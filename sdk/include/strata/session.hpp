// A loaded model: each unit's weights on the device its target names, a KV cache per decoder
// layer on that layer's device, one queue per device. forward() runs tokens through the units in
// order and moves the activations between devices.
#pragma once

#include <strata/export.hpp>

#include <strata/cancel.hpp>

#include <strata/checkpoint.hpp>
#include <strata/device.hpp>
#include <strata/device_map.hpp>
#include <strata/model.hpp>
#include <strata/model_graph.hpp>
#include <strata/queue.hpp>
#include <strata/runtime.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
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

// What a unit of kind `custom` gets: its weights on its device, the activation [T, hidden]
// to read and the one [T, hidden] to write (both F32), through the device's queue.
struct STRATA_API CustomUnitContext {
  const Unit& unit;
  const Device& device;
  Queue& queue;
  const std::map<std::string, TensorView, std::less<>>& weights;  // by parameter name
  TensorView input;
  TensorView output;
  std::int64_t n_past = 0;  // tokens before this batch
};
using CustomUnitFunction = std::function<void(const CustomUnitContext&)>;

struct STRATA_API SessionOptions {
  // Tokens the KV caches hold; 0: the model's limit (ModelConfig::context_limit()).
  std::int64_t context_length = 0;
  // Longest batch one step runs; longer prompts are run in pieces of this size, so the
  // activation memory is fixed when the session is made.
  std::int64_t max_batch_tokens = 128;
  // F32 or F16; nullopt: the model's own width (ModelConfig::default_kv_dtype()). A device that
  // does not store the dtype keeps its layers' caches in F32.
  std::optional<DType> kv_dtype;
  std::function<void(const LoadProgress&)> on_progress;
  // Cancels, from another thread, the load (the constructor throws Error(cancelled) and releases
  // everything) and any forward pass of the session (it throws Error(cancelled) and the session
  // stays at the position it had before the call). Keep a copy to call cancel() on; reset() it
  // before the session runs again.
  CancelToken cancel;
  // An executor for every unit of kind `custom`, by unit name.
  std::map<std::string, CustomUnitFunction, std::less<>> custom_units;
  // Called before every device allocation the session makes; throwing from it fails the load
  // there (tests use this to prove a failed load releases everything).
  std::function<void(const Device& device, std::uint64_t bytes)> before_allocate;
};

// One target of the session's placement.
struct STRATA_API TargetPlacement {
  std::string target;  // as the device map says: "cpu", "disk", "opencl:0"
  std::string device;  // the device that computes: "cpu" for "disk"
  std::vector<std::string> units;
  std::uint64_t weight_bytes = 0;  // in device memory
  std::uint64_t mapped_bytes = 0;  // read through the checkpoint's mmap ("disk")
  std::uint64_t kv_bytes = 0;
};

class STRATA_API Session {
 public:
  // `targets` holds one entry per unit of `graph`, in order: "cpu", "disk" or a device name of
  // `runtime`. `weights` must outlive the constructor (mapped regions are kept alive by their
  // owners). Throws Error naming the unit, parameter and device when the load fails; whatever
  // was allocated is released.
  Session(const Runtime& runtime, ModelGraph graph, const WeightSource& weights, std::vector<std::string> targets,
          SessionOptions options = {});
  Session(const Runtime& runtime, const Checkpoint& checkpoint, std::vector<std::string> targets,
          SessionOptions options = {});
  Session(const Runtime& runtime, const Checkpoint& checkpoint, const DeviceMap& device_map,
          SessionOptions options = {});
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;
  ~Session();

  enum class Logits { last, all };

  // Runs `tokens` at positions position() .. position() + size - 1, appends their keys and values
  // to the caches, and returns the logits of the last token ([vocab]) or of every token
  // ([size, vocab], row-major). Throws Error(invalid_argument) when the context would overflow
  // or a token id is outside the vocabulary, Error(unavailable) naming the file when a
  // checkpoint file "disk" units read has changed since it was opened (the step's result is
  // discarded then), and Error(cancelled) when SessionOptions::cancel is set (checked between
  // units); the position stays as it was when it throws.
  std::vector<float> forward(std::span<const std::int32_t> tokens, Logits which = Logits::last);

  // Forgets the cache from `position` on (0: start over).
  void reset(std::int64_t position = 0);
  std::int64_t position() const;
  std::int64_t context_length() const;

  const ModelGraph& graph() const;
  const std::vector<std::string>& targets() const;
  // The token SessionOptions::cancel gave: cancel() on a copy stops the running forward pass.
  const CancelToken& cancel_token() const;
  std::vector<TargetPlacement> placement() const;

  struct State;

 private:
  std::unique_ptr<State> state_;
};

}  // namespace strata
