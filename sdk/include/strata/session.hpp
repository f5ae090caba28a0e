// Sequences through a loaded model: KV caches per decoder layer on that layer's device (one per
// sequence the session holds), working buffers and one queue per device. forward() runs tokens of
// one sequence through the units in order and moves the activations between devices; decode()
// runs the next token of several sequences in one step. Sessions made from one LoadedModel share
// its weights.
#pragma once

#include <strata/export.hpp>

#include <strata/cancel.hpp>

#include <strata/checkpoint.hpp>
#include <strata/device.hpp>
#include <strata/device_map.hpp>
#include <strata/loaded_model.hpp>
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

// What a unit of kind `custom` gets: its weights on its device, the activation [T, hidden]
// to read and the one [T, hidden] to write (both F32), through the device's queue.
struct STRATA_API CustomUnitContext {
  const Unit& unit;
  const Device& device;
  Queue& queue;
  const std::map<std::string, TensorView, std::less<>>& weights;  // by parameter name
  TensorView input;
  TensorView output;
  std::int64_t n_past = 0;    // tokens of this sequence before these rows
  std::int64_t sequence = 0;  // which of the session's sequences the rows belong to
};
using CustomUnitFunction = std::function<void(const CustomUnitContext&)>;

struct STRATA_API SessionOptions {
  // Tokens the KV caches hold; 0: the model's limit (ModelConfig::context_limit()).
  std::int64_t context_length = 0;
  // Longest batch one step runs; longer prompts are run in pieces of this size, so the
  // activation memory is fixed when the session is made.
  std::int64_t max_batch_tokens = 128;
  // Sequences the session holds at once, each with its own KV caches of context_length tokens:
  // the memory one more sequence costs is its caches. forward(sequence, ...) runs one of them;
  // decode() runs the next token of several in one step, so a weight read serves them all.
  std::int64_t sequences = 1;
  // Pipelined micro-batches: decode() shares its sequences out over this many steps that flow
  // through a split model's devices at once; while one device runs micro-batch i, the next runs
  // i - 1, each device driven by a thread of its own. Every sequence gets the logits it gets
  // unpipelined. 1: one step after another. Pipelining needs each target ("cpu", "disk" or a
  // device) to hold one run of consecutive units; with other placements decode() runs the steps
  // one after another.
  std::int64_t micro_batches = 1;
  // F32 or F16; nullopt: the model's own width (ModelConfig::default_kv_dtype()). A device that
  // does not store the dtype keeps its layers' caches in F32.
  std::optional<DType> kv_dtype;
  // The load's progress, for the constructors that load (LoadOptions::on_progress); a session
  // made from a LoadedModel loads nothing and never calls it.
  std::function<void(const LoadProgress&)> on_progress;
  // Cancels, from another thread, the making of the session and its load, if it loads (the
  // constructor throws Error(cancelled) and releases everything), and any forward pass of the
  // session (it throws Error(cancelled) and the session stays at the position it had before the
  // call). Keep a copy to call cancel() on; reset() it before the session runs again.
  CancelToken cancel;
  // An executor for every unit of kind `custom`, by unit name.
  std::map<std::string, CustomUnitFunction, std::less<>> custom_units;
  // Called before every device allocation the session makes (its KV caches and working buffers,
  // and the weights too for the constructors that load); throwing from it fails the constructor
  // there.
  BeforeAllocate before_allocate;
};

// Use a session from one thread at a time. Sessions made from one LoadedModel may
// run on different threads at once.
class STRATA_API Session {
 public:
  // A session that uses `model`'s weights and allocates only its own KV caches, working buffers
  // and queues. It keeps the weights alive: the LoadedModel handle may go first. Throws
  // Error(invalid_argument) for options the model cannot take, Error(unsupported) naming the unit
  // and device when a device does not run a unit's ops at this session's sizes (both before
  // anything is allocated), and the allocation's Error naming the unit or device when the
  // session does not fit; whatever was allocated is released.
  explicit Session(const LoadedModel& model, SessionOptions options = {});
  // A session with weights of its own: loads a LoadedModel (LoadOptions from `options`), then
  // makes the session from it. The session's checks run before the load. `targets` holds one
  // entry per unit of `graph`, in order: "cpu", "disk" or a device name of `runtime`. `weights`
  // must outlive the constructor (mapped regions are kept alive by their owners). Throws Error
  // naming the unit, parameter and device when the load fails; whatever was allocated is
  // released.
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
  // The same for sequence `sequence` (0 .. sequences() - 1); forward(tokens) runs sequence 0.
  std::vector<float> forward(std::int64_t sequence, std::span<const std::int32_t> tokens, Logits which = Logits::last);

  struct SequenceToken {
    std::int64_t sequence = 0;
    std::int32_t token = 0;
  };
  // Batched decode: the next token of each listed sequence, each at its own position, in one
  // step for up to max_batch_tokens of them (every matrix product reads its weights once for
  // all). Returns their logits, [next.size(), vocab] row-major, in the order given: the same
  // logits forward(sequence, {token}) gives each. Throws as forward() does, and
  // Error(invalid_argument) for a sequence listed twice or out of range (checked before anything
  // runs); when it throws, every sequence keeps its position.
  std::vector<float> decode(std::span<const SequenceToken> next);

  // Forgets sequence 0's cache from `position` on (0: start over).
  void reset(std::int64_t position = 0);
  // The same for sequence `sequence`.
  void reset_sequence(std::int64_t sequence, std::int64_t position = 0);
  // Tokens in sequence 0's caches.
  std::int64_t position() const;
  std::int64_t position_of(std::int64_t sequence) const;
  std::int64_t sequences() const;
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
