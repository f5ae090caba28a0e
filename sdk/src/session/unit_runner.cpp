#include "unit_runner.hpp"

#include "allocation.hpp"
#include "model/llama_layout.hpp"

#include <strata/error.hpp>
#include <strata/ops.hpp>

#include <fmt/format.h>

#include <cmath>
#include <span>
#include <vector>

namespace strata::detail {
namespace {

constexpr std::uint64_t f32_size = 4;

// A tensor the slot may not have allocated: a view with no buffer then.
TensorView view_of(const Tensor& tensor) {
  return tensor.buffer() ? tensor.view() : TensorView{nullptr, 0, tensor.dtype(), tensor.shape()};
}

StepBuffers step_buffers(const DeviceSlot& slot) {
  return {view_of(slot.hidden),          view_of(slot.normed), view_of(slot.scratch),   view_of(slot.query),
          view_of(slot.attended),        view_of(slot.gate),   view_of(slot.up),        view_of(slot.key_f32),
          view_of(slot.value_f32),       view_of(slot.ids),    view_of(slot.positions), view_of(slot.logits),
          view_of(slot.rope_frequencies)};
}

}  // namespace

void prepare_slot(DeviceSlot& slot, const ModelConfig& config, const std::vector<UnitState>& units,
                  const BeforeAllocate& before_allocate) {
  bool layers = false, embedding = false, head = false, custom = false;
  for (const UnitState& unit : units) {
    if (unit.slot != &slot) continue;
    const UnitKind kind = unit.unit().kind;
    layers = layers || kind == UnitKind::decoder_layer;
    embedding = embedding || kind == UnitKind::embedding;
    head = head || kind == UnitKind::lm_head;
    custom = custom || kind == UnitKind::custom;
  }
  const std::int64_t b = slot.capacity;
  const Device& device = slot.device;
  auto make = [&](DType dtype, Shape shape) { return allocate_tensor(before_allocate, device, dtype, shape); };
  slot.hidden = make(DType::f32, {b, config.hidden_size});
  if (layers || custom) slot.scratch = make(DType::f32, {b, config.hidden_size});
  if (layers) {
    const std::int64_t q_width = config.num_attention_heads * config.head_dim;
    const std::int64_t kv_width = config.num_key_value_heads * config.head_dim;
    slot.normed = make(DType::f32, {b, config.hidden_size});
    slot.query = make(DType::f32, {b, q_width});
    slot.attended = make(DType::f32, {b, q_width});
    slot.gate = make(DType::f32, {b, config.intermediate_size});
    slot.up = make(DType::f32, {b, config.intermediate_size});
    slot.positions = make(DType::i32, {b});
    if (slot.kv_dtype != DType::f32) {
      slot.key_f32 = make(DType::f32, {b, kv_width});
      slot.value_f32 = make(DType::f32, {b, kv_width});
    }
    if (config.rope_needs_table()) {
      const std::vector<float> table = rope_table_rows(config);
      slot.rope_frequencies = make(DType::f32, {2, config.rotary_dimensions() / 2});
      slot.queue.write(slot.rope_frequencies.buffer(), 0, std::as_bytes(std::span(table)));
    }
  }
  if (embedding) slot.ids = make(DType::i32, {b});
  if (head) slot.logits = make(DType::f32, {b, config.vocab_size});
}

void allocate_kv_cache(UnitState& unit, const ModelConfig& config, std::int64_t context,
                       const BeforeAllocate& before_allocate) {
  const Shape shape{context, config.num_key_value_heads, config.head_dim};
  unit.key_cache = allocate_tensor(before_allocate, unit.slot->device, unit.slot->kv_dtype, shape);
  unit.value_cache = allocate_tensor(before_allocate, unit.slot->device, unit.slot->kv_dtype, shape);
}

void run_unit(const ModelConfig& config, UnitState& unit, const Step& step) {
  DeviceSlot& slot = *unit.slot;
  const LoadedUnit& loaded = *unit.loaded;
  if (loaded.unit->kind != UnitKind::custom) {
    const UnitTensors tensors{&loaded.weights, view_of(unit.key_cache), view_of(unit.value_cache)};
    slot.queue.submit(unit_step_ops(config, *loaded.unit, tensors, step_buffers(slot), step));
    return;
  }
  const std::int64_t hidden = config.hidden_size;
  const TensorView in{&slot.hidden.buffer(), 0, DType::f32, {step.tokens, hidden}};
  const TensorView out{&slot.scratch.buffer(), 0, DType::f32, {step.tokens, hidden}};
  unit.custom(CustomUnitContext{*loaded.unit, slot.device, slot.queue, loaded.weights, in, out, step.n_past});
  slot.queue.copy(slot.scratch.buffer(), 0, slot.hidden.buffer(), 0,
                  static_cast<std::uint64_t>(step.tokens * hidden) * f32_size);
}

}  // namespace strata::detail
