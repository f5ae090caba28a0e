// What a Session holds: one slot per device (its queue and working buffers) and one state per
// unit (its weights and, for decoder layers, its KV cache on the same device).
#pragma once

#include <strata/session.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace strata::detail {

// A weight on a device: a view into a buffer owned alone, shared with a tied unit, or imported
// from a memory-mapped checkpoint file.
struct DeviceWeight {
  std::shared_ptr<const Buffer> buffer;
  std::uint64_t offset = 0;
  DType dtype = DType::f32;
  Shape shape;
  bool mapped = false;  // read through the checkpoint's mapping ("disk")

  TensorView view() const { return {buffer.get(), offset, dtype, shape}; }
};

// A checkpoint file "disk" units read through its mapping: kept mapped by `owner`, and checked
// around every step (`check` throws Error naming the file once it has changed).
struct MappedFile {
  std::shared_ptr<const void> owner;
  std::function<void()> check;
};

struct DeviceSlot {
  Device device;
  Queue queue;
  std::int64_t capacity = 0;  // tokens one step may run (the session's batch size)
  DType kv_dtype = DType::f32;
  // Working buffers, allocated only where a unit on this device needs them.
  Tensor hidden;            // [capacity, hidden]: the residual stream, updated in place
  Tensor normed;            // [capacity, hidden]
  Tensor scratch;           // [capacity, hidden]: projections back to the residual width
  Tensor query;             // [capacity, heads * head_dim]
  Tensor attended;          // [capacity, heads * head_dim]
  Tensor gate;              // [capacity, intermediate]
  Tensor up;                // [capacity, intermediate]
  Tensor key_f32;           // [capacity, kv_heads * head_dim], only with an F16 cache
  Tensor value_f32;         // [capacity, kv_heads * head_dim], only with an F16 cache
  Tensor ids;               // [capacity] I32
  Tensor positions;         // [capacity] I32
  Tensor logits;            // [capacity, vocab]
  Tensor rope_frequencies;  // [2, rotary_dim / 2], where the config's rotation needs a table
  // Weights already on this device, by parameter name (a tied lm_head reuses the embedding's).
  std::map<std::string, DeviceWeight, std::less<>> weights;
  // Mapped checkpoint regions imported into this device, by their start address.
  std::map<const void*, std::shared_ptr<const Buffer>> imported;

  explicit DeviceSlot(Device d) : device(std::move(d)), queue(device.create_queue()) {}
};

struct UnitState {
  const Unit* unit = nullptr;
  std::string target;
  DeviceSlot* slot = nullptr;
  std::map<std::string, TensorView, std::less<>> weights;  // by parameter name
  std::vector<DeviceWeight> held;                          // keeps the buffers behind `weights`
  Tensor key_cache;                                        // [context, kv_heads, head_dim]
  Tensor value_cache;
  CustomUnitFunction custom;
};

}  // namespace strata::detail

namespace strata {

struct Session::State {
  ModelGraph graph;
  SessionOptions options;
  std::vector<std::string> targets;
  std::int64_t context = 0;
  std::int64_t batch = 0;
  std::int64_t position = 0;
  DType kv_dtype = DType::f32;  // as asked, or the model's default
  // Destroyed in reverse: units, then slots, then the mappings; ~State drains every queue
  // first, so no buffer is freed under work still queued.
  std::vector<detail::MappedFile> mapped_files;  // keep "disk" files mapped
  std::vector<std::unique_ptr<detail::DeviceSlot>> slots;
  std::vector<detail::UnitState> units;

  ~State();
};

}  // namespace strata
