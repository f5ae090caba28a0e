#include "model/unit_ops.hpp"

#include "model/llama_layout.hpp"
#include "model/rope_config.hpp"

#include <strata/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>

namespace strata::detail {
namespace {

// Rows [first, first + count) of a [capacity, width] view, seen as `shape`.
TensorView rows(const TensorView& whole, std::int64_t first, Shape shape) {
  const std::int64_t width = whole.shape.rank() > 1 ? whole.shape[1] : 1;
  return {whole.buffer, whole.offset + static_cast<std::uint64_t>(first * width) * dtype_size(whole.dtype), whole.dtype,
          shape};
}

struct LayerWeights {
  TensorView input_norm, q, k, v, o, post_norm, gate, up, down;
  std::optional<TensorView> q_bias, k_bias, v_bias, o_bias, gate_bias, up_bias, down_bias, q_norm, k_norm;
  std::optional<TensorView> pre_feedforward_norm, post_feedforward_norm;  // Gemma's sandwich
};

// "model.layers.7" -> 7; -1 for a unit named otherwise (a graph built by hand).
std::int64_t layer_index(const Unit& unit) {
  constexpr std::string_view prefix = "model.layers.";
  if (!unit.name.starts_with(prefix)) return -1;
  std::int64_t index = -1;
  const char* first = unit.name.data() + prefix.size();
  const char* last = unit.name.data() + unit.name.size();
  const auto [end, error] = std::from_chars(first, last, index);
  return error == std::errc() && end == last ? index : -1;
}

// Rows [first, first + count) of a weight matrix [N, K]: one of the projections a fused weight
// stacks (Phi-3), read in place.
TensorView weight_rows(const TensorView& matrix, std::int64_t first, std::int64_t count) {
  const std::int64_t columns = matrix.shape[1];
  return {matrix.buffer, matrix.offset + static_cast<std::uint64_t>(first * columns) * dtype_size(matrix.dtype),
          matrix.dtype, Shape{count, columns}};
}

LayerWeights layer_weights(const ModelConfig& config, const Unit& unit,
                           const std::map<std::string, TensorView, std::less<>>& weights) {
  namespace p = layer_parameter;
  auto get = [&](std::string_view suffix) -> std::optional<TensorView> {
    const auto it = weights.find(unit.name + std::string(suffix));
    if (it == weights.end()) return std::nullopt;
    return it->second;
  };
  auto need = [&](std::string_view suffix) {
    if (auto view = get(suffix)) return *view;
    throw Error(StatusCode::internal, fmt::format("unit '{}' has no parameter '{}{}'", unit.name, unit.name, suffix));
  };
  LayerWeights w;
  w.input_norm = need(p::input_norm);
  w.o = need(p::o_weight);
  w.post_norm = need(p::post_norm);
  w.down = need(p::down_weight);
  if (config.fused_projections) {
    const std::int64_t q_width = config.num_attention_heads * config.head_dim;
    const std::int64_t kv_width = config.num_key_value_heads * config.head_dim;
    const TensorView qkv = need(p::qkv_weight);
    w.q = weight_rows(qkv, 0, q_width);
    w.k = weight_rows(qkv, q_width, kv_width);
    w.v = weight_rows(qkv, q_width + kv_width, kv_width);
    const TensorView gate_up = need(p::gate_up_weight);
    w.gate = weight_rows(gate_up, 0, config.intermediate_size);
    w.up = weight_rows(gate_up, config.intermediate_size, config.intermediate_size);
  } else {
    w.q = need(p::q_weight);
    w.k = need(p::k_weight);
    w.v = need(p::v_weight);
    w.gate = need(p::gate_weight);
    w.up = need(p::up_weight);
  }
  w.q_bias = get(p::q_bias);
  w.k_bias = get(p::k_bias);
  w.v_bias = get(p::v_bias);
  w.o_bias = get(p::o_bias);
  w.gate_bias = get(p::gate_bias);
  w.up_bias = get(p::up_bias);
  w.down_bias = get(p::down_bias);
  w.q_norm = get(p::q_norm);
  w.k_norm = get(p::k_norm);
  w.pre_feedforward_norm = get(p::pre_feedforward_norm);
  w.post_feedforward_norm = get(p::post_feedforward_norm);
  return w;
}

std::vector<Op> decoder_layer_ops(const ModelConfig& config, const Unit& unit, const UnitTensors& tensors,
                                  const StepBuffers& b, const Step& step) {
  const LayerWeights w = layer_weights(config, unit, *tensors.weights);
  const std::int64_t t = step.tokens;
  const std::int64_t hidden = config.hidden_size;
  const std::int64_t heads = config.num_attention_heads;
  const std::int64_t kv_heads = config.num_key_value_heads;
  const std::int64_t head_dim = config.head_dim;
  const std::int64_t inner = config.intermediate_size;
  const auto eps = static_cast<float>(config.rms_norm_eps);
  const auto offset = static_cast<float>(config.norm_weight_offset);
  const auto theta = static_cast<float>(config.rope_theta);
  const auto rotary = static_cast<int>(config.rotary_dimensions());
  const std::int64_t layer = layer_index(unit);
  const bool sliding = config.is_sliding_layer(layer);
  const std::vector<SequenceRows> sequences = step_sequences(step);
  if (tensors.key_caches.empty() || tensors.value_caches.size() != tensors.key_caches.size())
    throw Error(StatusCode::internal, fmt::format("unit '{}' runs without its KV caches", unit.name));
  for (const SequenceRows& sequence : sequences)
    if (sequence.sequence < 0 || static_cast<std::size_t>(sequence.sequence) >= tensors.key_caches.size())
      throw Error(StatusCode::internal,
                  fmt::format("unit '{}' has no KV cache for sequence {}", unit.name, sequence.sequence));
  // A window no narrower than the cache changes nothing: leave it off, so that devices of plugins
  // before ABI 1.2 run such layers too.
  const std::int64_t context = tensors.key_caches.front().shape[0];
  const std::int64_t window = sliding && *config.sliding_window < context ? *config.sliding_window : 0;

  const TensorView x = rows(b.hidden, 0, {t, hidden});
  const TensorView xn = rows(b.normed, 0, {t, hidden});
  const TensorView out = rows(b.scratch, 0, {t, hidden});
  const TensorView positions{b.positions.buffer, b.positions.offset, DType::i32, {t}};
  const TensorView q_flat = rows(b.query, 0, {t, heads * head_dim});
  const TensorView q = rows(b.query, 0, {t, heads, head_dim});
  const TensorView attended_flat = rows(b.attended, 0, {t, heads * head_dim});
  const TensorView gate = rows(b.gate, 0, {t, inner});
  const TensorView up = rows(b.up, 0, {t, inner});

  // Rows n_past .. n_past + count - 1 of a sequence's cache.
  const DType kv_dtype = tensors.key_caches.front().dtype;
  const std::uint64_t cache_row = static_cast<std::uint64_t>(kv_heads * head_dim) * dtype_size(kv_dtype);
  auto cache_rows = [&](const TensorView& cache, const SequenceRows& sequence) {
    return TensorView{cache.buffer, cache.offset + static_cast<std::uint64_t>(sequence.n_past) * cache_row, kv_dtype,
                      Shape{sequence.tokens, kv_heads, head_dim}};
  };
  // This step's keys and values land in each sequence's cache rows n_past .. n_past + T - 1:
  // straight from the projection when one sequence runs and the cache is F32, else through the
  // F32 staging buffers (a 16-bit cache, or rows bound for several caches).
  const SequenceRows& first = sequences.front();
  const bool staged = kv_dtype != DType::f32 || sequences.size() > 1;
  const TensorView key_rows = staged ? rows(b.key_f32, 0, {t, kv_heads, head_dim})
                                     : cache_rows(tensors.key_caches[static_cast<std::size_t>(first.sequence)], first);
  const TensorView value_rows = staged
                                    ? rows(b.value_f32, 0, {t, kv_heads, head_dim})
                                    : cache_rows(tensors.value_caches[static_cast<std::size_t>(first.sequence)], first);
  const TensorView key_flat{key_rows.buffer, key_rows.offset, DType::f32, Shape{t, kv_heads * head_dim}};
  const TensorView value_flat{value_rows.buffer, value_rows.offset, DType::f32, Shape{t, kv_heads * head_dim}};

  std::vector<Op> work = {
      ops::rms_norm(x, w.input_norm, xn, eps, offset),
      ops::matmul(xn, w.q, w.q_bias, q_flat),
      ops::matmul(xn, w.k, w.k_bias, key_flat),
      ops::matmul(xn, w.v, w.v_bias, value_flat),
  };
  if (w.q_norm && w.k_norm) {  // over each head's features, in place
    work.push_back(ops::rms_norm(q, *w.q_norm, q, eps, offset));
    work.push_back(ops::rms_norm(key_rows, *w.k_norm, key_rows, eps, offset));
  }
  // Each row's position comes from `positions`: the rows of several sequences rotate in one op.
  if (config.rope_needs_table()) {
    const std::int64_t half = rotary / 2;
    const TensorView frequencies = rows(b.rope_frequencies, sliding ? 1 : 0, {half});
    work.push_back(ops::rope(q, positions, frequencies, q, rotary));
    work.push_back(ops::rope(key_rows, positions, frequencies, key_rows, rotary));
  } else {
    work.push_back(ops::rope(q, positions, q, theta, rotary));
    work.push_back(ops::rope(key_rows, positions, key_rows, theta, rotary));
  }
  const double scaled_by = config.query_pre_attn_scalar.value_or(static_cast<double>(head_dim));
  const auto scale = static_cast<float>(1.0 / std::sqrt(scaled_by));
  std::int64_t row = 0;
  for (const SequenceRows& sequence : sequences) {
    const auto index = static_cast<std::size_t>(sequence.sequence);
    const TensorView& key_cache = tensors.key_caches[index];
    const TensorView& value_cache = tensors.value_caches[index];
    if (staged) {
      work.push_back(
          ops::copy(rows(b.key_f32, row, {sequence.tokens, kv_heads, head_dim}), cache_rows(key_cache, sequence)));
      work.push_back(
          ops::copy(rows(b.value_f32, row, {sequence.tokens, kv_heads, head_dim}), cache_rows(value_cache, sequence)));
    }
    work.push_back(ops::attention(rows(b.query, row, {sequence.tokens, heads, head_dim}), key_cache, value_cache,
                                  rows(b.attended, row, {sequence.tokens, heads, head_dim}), sequence.n_past, scale,
                                  true, window, static_cast<float>(config.attn_logit_softcapping)));
    row += sequence.tokens;
  }
  work.push_back(ops::matmul(attended_flat, w.o, w.o_bias, out));
  // Llama's post_attention_layernorm is the MLP's input norm; Gemma's normalizes the attention's
  // output, and pre_/post_feedforward_layernorm wrap the MLP.
  const bool sandwich = w.pre_feedforward_norm && w.post_feedforward_norm;
  if (sandwich) work.push_back(ops::rms_norm(out, w.post_norm, out, eps, offset));
  work.push_back(ops::add(x, out, x));
  work.push_back(ops::rms_norm(x, sandwich ? *w.pre_feedforward_norm : w.post_norm, xn, eps, offset));
  work.push_back(ops::matmul(xn, w.gate, w.gate_bias, gate));
  work.push_back(ops::matmul(xn, w.up, w.up_bias, up));
  if (config.hidden_act == "gelu_pytorch_tanh") {
    work.push_back(ops::gelu(gate, gate, true));
    work.push_back(ops::mul(gate, up, gate));
  } else {
    work.push_back(ops::silu_mul(gate, up, gate));
  }
  work.push_back(ops::matmul(gate, w.down, w.down_bias, out));
  if (sandwich) work.push_back(ops::rms_norm(out, *w.post_feedforward_norm, out, eps, offset));
  work.push_back(ops::add(x, out, x));
  return work;
}

TensorView single_weight(const Unit& unit, const UnitTensors& tensors) {
  const auto it = tensors.weights->find(single_weight_name(unit));
  if (it == tensors.weights->end())
    throw Error(StatusCode::internal,
                fmt::format("unit '{}' has no parameter '{}'", unit.name, single_weight_name(unit)));
  return it->second;
}

// A [capacity, width] view with no buffer, for descriptions.
TensorView shaped(DType dtype, std::int64_t capacity, std::int64_t width) {
  return {nullptr, 0, dtype, Shape{capacity, width}};
}

}  // namespace

std::vector<SequenceRows> step_sequences(const Step& step) {
  if (step.sequences.empty()) return {SequenceRows{0, step.tokens, step.n_past}};
  return {step.sequences.begin(), step.sequences.end()};
}

bool has_known_ops(const ModelConfig& config, const Unit& unit) {
  if (unit.kind == UnitKind::custom) return false;
  try {
    for (const ExpectedParameter& expected : expected_parameters(config, unit)) {
      const ParameterInfo* parameter = unit.find_parameter(expected.name);
      if (!parameter || !(parameter->shape == expected.shape)) return false;
    }
  } catch (const Error&) {
    return false;
  }
  return true;
}

std::vector<Op> unit_step_ops(const ModelConfig& config, const Unit& unit, const UnitTensors& tensors,
                              const StepBuffers& buffers, const Step& step) {
  const std::int64_t hidden = config.hidden_size;
  switch (unit.kind) {
    case UnitKind::embedding: {
      const TensorView x = rows(buffers.hidden, 0, {step.tokens, hidden});
      std::vector<Op> work = {
          ops::embedding(single_weight(unit, tensors),
                         TensorView{buffers.ids.buffer, buffers.ids.offset, DType::i32, {step.tokens}}, x)};
      if (config.embedding_scale != 1.0) work.push_back(ops::scale(x, x, static_cast<float>(config.embedding_scale)));
      return work;
    }
    case UnitKind::decoder_layer:
      return decoder_layer_ops(config, unit, tensors, buffers, step);
    case UnitKind::final_norm: {
      const TensorView x = rows(buffers.hidden, step.tokens - step.rows, {step.rows, hidden});
      return {ops::rms_norm(x, single_weight(unit, tensors), x, static_cast<float>(config.rms_norm_eps),
                            static_cast<float>(config.norm_weight_offset))};
    }
    case UnitKind::lm_head: {
      const TensorView logits = rows(buffers.logits, 0, {step.rows, config.vocab_size});
      std::vector<Op> work = {ops::matmul(rows(buffers.hidden, step.tokens - step.rows, {step.rows, hidden}),
                                          single_weight(unit, tensors), std::nullopt, logits)};
      if (config.final_logit_softcapping > 0)
        work.push_back(ops::softcap(logits, logits, static_cast<float>(config.final_logit_softcapping)));
      return work;
    }
    case UnitKind::custom:
      return {};
  }
  return {};
}

DType weight_storage_dtype(const DeviceInfo& device, DType source) {
  if (device.dtypes.empty()) return source;  // a device described by hand, without its dtypes
  for (DType dtype : {source, DType::f32, DType::bf16, DType::f16})
    if (device.stores(dtype)) return dtype;
  throw Error(StatusCode::unsupported, fmt::format("{} stores no floating-point dtype", device.name));
}

DType kv_storage_dtype(const DeviceInfo& device, DType requested) {
  return device.dtypes.empty() || device.stores(requested) ? requested : DType::f32;
}

std::vector<Op> describe_unit_ops(const ModelConfig& config, const Unit& unit, const DeviceInfo& device, DType kv_dtype,
                                  std::int64_t context, const Step& step) {
  std::map<std::string, TensorView, std::less<>> weights;
  for (const ParameterInfo& parameter : unit.parameters)
    weights[parameter.name] = TensorView{nullptr, 0, weight_storage_dtype(device, parameter.dtype), parameter.shape};
  kv_dtype = kv_storage_dtype(device, kv_dtype);
  const Shape shape{context, config.num_key_value_heads, config.head_dim};
  std::int64_t sequences = 1;
  for (const SequenceRows& sequence : step.sequences) sequences = std::max(sequences, sequence.sequence + 1);
  const std::vector<TensorView> caches(static_cast<std::size_t>(sequences), TensorView{nullptr, 0, kv_dtype, shape});
  const UnitTensors tensors{&weights, caches, caches};
  const std::int64_t t = step.tokens;
  const std::int64_t q_width = config.num_attention_heads * config.head_dim;
  const std::int64_t kv_width = config.num_key_value_heads * config.head_dim;
  StepBuffers buffers;
  buffers.hidden = shaped(DType::f32, t, config.hidden_size);
  buffers.normed = shaped(DType::f32, t, config.hidden_size);
  buffers.scratch = shaped(DType::f32, t, config.hidden_size);
  buffers.query = shaped(DType::f32, t, q_width);
  buffers.attended = shaped(DType::f32, t, q_width);
  buffers.gate = shaped(DType::f32, t, config.intermediate_size);
  buffers.up = shaped(DType::f32, t, config.intermediate_size);
  buffers.key_f32 = shaped(DType::f32, t, kv_width);
  buffers.value_f32 = shaped(DType::f32, t, kv_width);
  buffers.ids = {nullptr, 0, DType::i32, Shape{t}};
  buffers.positions = {nullptr, 0, DType::i32, Shape{t}};
  buffers.logits = shaped(DType::f32, t, config.vocab_size);
  buffers.rope_frequencies = shaped(DType::f32, 2, config.rotary_dimensions() / 2);
  return unit_step_ops(config, unit, tensors, buffers, step);
}

std::vector<float> rope_table_rows(const ModelConfig& config) {
  std::vector<float> table = rope_inverse_frequencies(config, false);
  const std::vector<float> sliding = rope_inverse_frequencies(config, true);
  table.insert(table.end(), sliding.begin(), sliding.end());
  return table;
}

std::string describe_op(const Op& op) {
  const strata_op& raw = op.raw;
  std::string inputs;
  for (std::uint32_t i = 0; i < raw.n_inputs && i < STRATA_MAX_OP_INPUTS; ++i) {
    const strata_tensor& tensor = raw.inputs[i];
    std::string dims;
    for (std::uint32_t d = 0; d < tensor.rank && d < STRATA_MAX_RANK; ++d)
      dims += fmt::format("{}{}", d ? ", " : "", tensor.shape[d]);
    const auto dtype = static_cast<DType>(tensor.dtype);
    inputs += fmt::format(
        "{}{} x [{}]", i ? ", " : "",
        tensor.dtype >= 0 && tensor.dtype < STRATA_DTYPE_COUNT ? std::string(to_string(dtype)) : std::string("unknown"),
        dims);
  }
  return fmt::format("{} ({})", strata_op_kind_name(raw.kind), inputs);
}

std::optional<std::string> first_refused_op(const ModelConfig& config, const Unit& unit, const DeviceInfo& device,
                                            DType kv_dtype, std::int64_t context, std::int64_t capacity,
                                            const std::function<bool(const Op&)>& supports, std::int64_t sequences) {
  const Step prompt_piece{capacity, 0, capacity};
  const Step last_token{1, context - 1, 1};
  std::vector<Step> steps{prompt_piece, last_token};
  // One token of each of several sequences: the copies into their caches and attention per
  // sequence are ops the one-sequence steps may not ask for.
  const std::int64_t together = std::min(sequences, capacity);
  std::vector<SequenceRows> batched;
  for (std::int64_t s = 0; s < together && together > 1; ++s) batched.push_back({s, 1, context - 1});
  if (!batched.empty()) steps.push_back(Step{together, 0, together, batched});
  for (const Step& step : steps)
    for (const Op& op : describe_unit_ops(config, unit, device, kv_dtype, context, step))
      if (!supports(op)) return describe_op(op);
  return std::nullopt;
}

}  // namespace strata::detail
