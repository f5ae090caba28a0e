// What a Session holds: the loaded model it reads (shared with other sessions), one slot per
// device (its queue and working buffers) and one state per unit (for decoder layers, the KV cache
// on the unit's device). Everything but the model is this session's alone.
#pragma once

#include "model_state.hpp"

#include <strata/session.hpp>

#include <memory>
#include <string>
#include <vector>

namespace strata::detail {

// A target's device, queue and working buffers. "disk" units compute on the CPU with a slot of
// their own, so that they and the "cpu" units can be two stages of a pipeline.
struct DeviceSlot {
  std::string target;
  Device device;
  Queue queue;
  std::int64_t capacity = 0;   // tokens one step may run (the session's batch size)
  std::int64_t sequences = 1;  // sequences the session holds
  DType kv_dtype = DType::f32;
  // Working buffers, allocated only where a unit on this device needs them.
  Tensor hidden;            // [capacity, hidden]: the residual stream, updated in place
  Tensor normed;            // [capacity, hidden]
  Tensor scratch;           // [capacity, hidden]: projections back to the residual width
  Tensor query;             // [capacity, heads * head_dim]
  Tensor attended;          // [capacity, heads * head_dim]
  Tensor gate;              // [capacity, intermediate]
  Tensor up;                // [capacity, intermediate]
  Tensor key_f32;           // [capacity, kv_heads * head_dim], with an F16 cache or several sequences
  Tensor value_f32;         // [capacity, kv_heads * head_dim], with an F16 cache or several sequences
  Tensor ids;               // [capacity] I32
  Tensor positions;         // [capacity] I32
  Tensor logits;            // [capacity, vocab]
  Tensor rope_frequencies;  // [2, rotary_dim / 2], where the config's rotation needs a table

  DeviceSlot(std::string t, Device d) : target(std::move(t)), device(std::move(d)), queue(device.create_queue()) {}
};

struct UnitState {
  const LoadedUnit* loaded = nullptr;  // the unit and its weights, in the model
  DeviceSlot* slot = nullptr;
  std::vector<Tensor> key_caches;  // [context, kv_heads, head_dim] per sequence
  std::vector<Tensor> value_caches;
  CustomUnitFunction custom;

  const Unit& unit() const { return *loaded->unit; }
};

// A run of consecutive units on one slot (one target): units [first_unit, end_unit) of the session.
struct Stage {
  DeviceSlot* slot = nullptr;
  std::size_t first_unit = 0;
  std::size_t end_unit = 0;
};

}  // namespace strata::detail

namespace strata {

struct Session::State {
  // The weights: declared first, so released last, after every queue that reads them.
  std::shared_ptr<const LoadedModel::State> model;
  SessionOptions options;
  std::int64_t context = 0;
  std::int64_t batch = 0;
  std::vector<std::int64_t> positions;  // per sequence: tokens in its caches
  DType kv_dtype = DType::f32;          // as asked, or the model's default
  // Destroyed in reverse: units, then slots; ~State drains every queue first, so no buffer is
  // freed under work still queued.
  std::vector<std::unique_ptr<detail::DeviceSlot>> slots;
  std::vector<detail::UnitState> units;
  std::vector<detail::Stage> stages;  // the units, slot by slot

  const ModelGraph& graph() const { return model->graph; }
  ~State();
};

}  // namespace strata
