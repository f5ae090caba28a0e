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
    // Keys and values are staged in F32 on their way to a 16-bit cache, or to several caches.
    if (slot.kv_dtype != DType::f32 || slot.sequences > 1) {
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

void allocate_kv_caches(UnitState& unit, const ModelConfig& config, std::int64_t context, std::int64_t sequences,
                        const BeforeAllocate& before_allocate) {
  const Shape shape{context, config.num_key_value_heads, config.head_dim};
  for (std::int64_t s = 0; s < sequences; ++s) {
    unit.key_caches.push_back(allocate_tensor(before_allocate, unit.slot->device, unit.slot->kv_dtype, shape));
    unit.value_caches.push_back(allocate_tensor(before_allocate, unit.slot->device, unit.slot->kv_dtype, shape));
  }
}

void run_unit(const ModelConfig& config, UnitState& unit, const Step& step) {
  DeviceSlot& slot = *unit.slot;
  const LoadedUnit& loaded = *unit.loaded;
  if (loaded.unit->kind != UnitKind::custom) {
    std::vector<TensorView> keys, values;
    for (const Tensor& cache : unit.key_caches) keys.push_back(cache.view());
    for (const Tensor& cache : unit.value_caches) values.push_back(cache.view());
    const UnitTensors tensors{&loaded.weights, keys, values};
    slot.queue.submit(unit_step_ops(config, *loaded.unit, tensors, step_buffers(slot), step));
    return;
  }
  // A custom unit sees one sequence at a time: its rows, and the tokens before them.
  const std::int64_t hidden = config.hidden_size;
  const std::uint64_t row_bytes = static_cast<std::uint64_t>(hidden) * f32_size;
  std::int64_t row = 0;
  for (const SequenceRows& sequence : step_sequences(step)) {
    const std::uint64_t offset = static_cast<std::uint64_t>(row) * row_bytes;
    const TensorView in{&slot.hidden.buffer(), offset, DType::f32, {sequence.tokens, hidden}};
    const TensorView out{&slot.scratch.buffer(), offset, DType::f32, {sequence.tokens, hidden}};
    unit.custom(CustomUnitContext{*loaded.unit, slot.device, slot.queue, loaded.weights, in, out, sequence.n_past,
                                  sequence.sequence});
    row += sequence.tokens;
  }
  slot.queue.copy(slot.scratch.buffer(), 0, slot.hidden.buffer(), 0,
                  static_cast<std::uint64_t>(step.tokens) * row_bytes);
}

}  // namespace strata::detail
