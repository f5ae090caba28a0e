#include "unit_runner.hpp"

#include "model/llama_layout.hpp"
#include "weight_loader.hpp"

#include <strata/error.hpp>
#include <strata/ops.hpp>

#include <fmt/format.h>

#include <cmath>

namespace strata::detail {
namespace {

constexpr std::uint64_t f32_size = 4;

// Rows [first, first + count) of a [capacity, width] tensor, viewed as `shape`.
TensorView rows(const Tensor& tensor, std::int64_t first, Shape shape) {
  const std::int64_t width = tensor.shape()[1];
  return {&tensor.buffer(), static_cast<std::uint64_t>(first * width) * dtype_size(tensor.dtype()), tensor.dtype(),
          shape};
}

struct LayerWeights {
  TensorView input_norm, q, k, v, o, post_norm, gate, up, down;
  std::optional<TensorView> q_bias, k_bias, v_bias, o_bias, gate_bias, up_bias, down_bias;
};

LayerWeights layer_weights(const UnitState& unit) {
  namespace p = layer_parameter;
  const std::string& base = unit.unit->name;
  auto get = [&](std::string_view suffix) -> std::optional<TensorView> {
    auto it = unit.weights.find(base + std::string(suffix));
    if (it == unit.weights.end()) return std::nullopt;
    return it->second;
  };
  auto need = [&](std::string_view suffix) {
    if (auto view = get(suffix)) return *view;
    throw Error(StatusCode::internal, fmt::format("unit '{}' has no parameter '{}{}'", base, base, suffix));
  };
  return {need(p::input_norm),  need(p::q_weight),  need(p::k_weight),    need(p::v_weight),
          need(p::o_weight),    need(p::post_norm), need(p::gate_weight), need(p::up_weight),
          need(p::down_weight), get(p::q_bias),     get(p::k_bias),       get(p::v_bias),
          get(p::o_bias),       get(p::gate_bias),  get(p::up_bias),      get(p::down_bias)};
}

void run_decoder_layer(const ModelConfig& config, UnitState& unit, const Step& step) {
  DeviceSlot& slot = *unit.slot;
  const LayerWeights w = layer_weights(unit);
  const std::int64_t t = step.tokens;
  const std::int64_t hidden = config.hidden_size;
  const std::int64_t heads = config.num_attention_heads;
  const std::int64_t kv_heads = config.num_key_value_heads;
  const std::int64_t head_dim = config.head_dim;
  const std::int64_t inner = config.intermediate_size;
  const auto eps = static_cast<float>(config.rms_norm_eps);
  const auto theta = static_cast<float>(config.rope_theta);
  const auto rotary = static_cast<int>(head_dim);

  const TensorView x = rows(slot.hidden, 0, {t, hidden});
  const TensorView xn = rows(slot.normed, 0, {t, hidden});
  const TensorView out = rows(slot.scratch, 0, {t, hidden});
  const TensorView positions{&slot.positions.buffer(), 0, DType::i32, {t}};
  const TensorView q_flat = rows(slot.query, 0, {t, heads * head_dim});
  const TensorView q = rows(slot.query, 0, {t, heads, head_dim});
  const TensorView attended = rows(slot.attended, 0, {t, heads, head_dim});
  const TensorView attended_flat = rows(slot.attended, 0, {t, heads * head_dim});
  const TensorView gate = rows(slot.gate, 0, {t, inner});
  const TensorView up = rows(slot.up, 0, {t, inner});

  // This step's keys and values land in the cache rows n_past .. n_past + T - 1: straight from
  // the projection when the cache is F32, through an F32 staging buffer when it is F16.
  const DType kv_dtype = unit.key_cache.dtype();
  const std::uint64_t cache_row = static_cast<std::uint64_t>(kv_heads * head_dim) * dtype_size(kv_dtype);
  const TensorView key_rows_cache{&unit.key_cache.buffer(), static_cast<std::uint64_t>(step.n_past) * cache_row,
                                  kv_dtype, Shape{t, kv_heads, head_dim}};
  const TensorView value_rows_cache{&unit.value_cache.buffer(), static_cast<std::uint64_t>(step.n_past) * cache_row,
                                    kv_dtype, Shape{t, kv_heads, head_dim}};
  const bool staged = kv_dtype != DType::f32;
  const TensorView key_rows = staged ? rows(slot.key_f32, 0, {t, kv_heads, head_dim}) : key_rows_cache;
  const TensorView value_rows = staged ? rows(slot.value_f32, 0, {t, kv_heads, head_dim}) : value_rows_cache;
  const TensorView key_flat{key_rows.buffer, key_rows.offset, DType::f32, Shape{t, kv_heads * head_dim}};
  const TensorView value_flat{value_rows.buffer, value_rows.offset, DType::f32, Shape{t, kv_heads * head_dim}};

  std::vector<Op> work = {
      ops::rms_norm(x, w.input_norm, xn, eps),   ops::matmul(xn, w.q, w.q_bias, q_flat),
      ops::matmul(xn, w.k, w.k_bias, key_flat),  ops::matmul(xn, w.v, w.v_bias, value_flat),
      ops::rope(q, positions, q, theta, rotary), ops::rope(key_rows, positions, key_rows, theta, rotary),
  };
  if (staged) {
    work.push_back(ops::copy(key_rows, key_rows_cache));
    work.push_back(ops::copy(value_rows, value_rows_cache));
  }
  const TensorView key_cache = unit.key_cache;
  const TensorView value_cache = unit.value_cache;
  const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
  work.push_back(ops::attention(q, key_cache, value_cache, attended, step.n_past, scale, true));
  work.push_back(ops::matmul(attended_flat, w.o, w.o_bias, out));
  work.push_back(ops::add(x, out, x));
  work.push_back(ops::rms_norm(x, w.post_norm, xn, eps));
  work.push_back(ops::matmul(xn, w.gate, w.gate_bias, gate));
  work.push_back(ops::matmul(xn, w.up, w.up_bias, up));
  work.push_back(ops::silu_mul(gate, up, gate));
  work.push_back(ops::matmul(gate, w.down, w.down_bias, out));
  work.push_back(ops::add(x, out, x));
  slot.queue.submit(work);
}

TensorView single_weight(const UnitState& unit) { return unit.weights.at(single_weight_name(*unit.unit)); }

}  // namespace

void prepare_slot(DeviceSlot& slot, const ModelConfig& config, const std::vector<UnitState>& units,
                  const SessionOptions& options) {
  bool layers = false, embedding = false, head = false, custom = false;
  for (const UnitState& unit : units) {
    if (unit.slot != &slot) continue;
    layers = layers || unit.unit->kind == UnitKind::decoder_layer;
    embedding = embedding || unit.unit->kind == UnitKind::embedding;
    head = head || unit.unit->kind == UnitKind::lm_head;
    custom = custom || unit.unit->kind == UnitKind::custom;
  }
  const std::int64_t b = slot.capacity;
  const Device& device = slot.device;
  auto make = [&](DType dtype, Shape shape) { return allocate_tensor(options, device, dtype, shape); };
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
  }
  if (embedding) slot.ids = make(DType::i32, {b});
  if (head) slot.logits = make(DType::f32, {b, config.vocab_size});
}

void allocate_kv_cache(UnitState& unit, const ModelConfig& config, std::int64_t context,
                       const SessionOptions& options) {
  const Shape shape{context, config.num_key_value_heads, config.head_dim};
  unit.key_cache = allocate_tensor(options, unit.slot->device, unit.slot->kv_dtype, shape);
  unit.value_cache = allocate_tensor(options, unit.slot->device, unit.slot->kv_dtype, shape);
}

void run_unit(const ModelConfig& config, UnitState& unit, const Step& step) {
  DeviceSlot& slot = *unit.slot;
  const std::int64_t hidden = config.hidden_size;
  switch (unit.unit->kind) {
    case UnitKind::embedding:
      slot.queue.submit(ops::embedding(single_weight(unit),
                                       TensorView{&slot.ids.buffer(), 0, DType::i32, {step.tokens}},
                                       rows(slot.hidden, 0, {step.tokens, hidden})));
      return;
    case UnitKind::decoder_layer:
      run_decoder_layer(config, unit, step);
      return;
    case UnitKind::final_norm: {
      const TensorView x = rows(slot.hidden, step.tokens - step.rows, {step.rows, hidden});
      slot.queue.submit(ops::rms_norm(x, single_weight(unit), x, static_cast<float>(config.rms_norm_eps)));
      return;
    }
    case UnitKind::lm_head:
      slot.queue.submit(ops::matmul(rows(slot.hidden, step.tokens - step.rows, {step.rows, hidden}),
                                    single_weight(unit), std::nullopt,
                                    rows(slot.logits, 0, {step.rows, config.vocab_size})));
      return;
    case UnitKind::custom: {
      const TensorView in = rows(slot.hidden, 0, {step.tokens, hidden});
      const TensorView out = rows(slot.scratch, 0, {step.tokens, hidden});
      unit.custom(CustomUnitContext{*unit.unit, slot.device, slot.queue, unit.weights, in, out, step.n_past});
      slot.queue.copy(slot.scratch.buffer(), 0, slot.hidden.buffer(), 0,
                      static_cast<std::uint64_t>(step.tokens * hidden) * f32_size);
      return;
    }
  }
}

}  // namespace strata::detail
