// The ops each kind of unit submits for one step of T tokens: the one description the Session
// runs and the planners ask devices about (Device::supports) before a unit may go there.
#pragma once

#include <strata/device.hpp>
#include <strata/model_graph.hpp>
#include <strata/ops.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace strata::detail {

// One sequence's rows of a step that runs several (batched decode): `tokens` consecutive rows, at
// positions n_past .. n_past + tokens - 1 of that sequence's KV cache.
struct SequenceRows {
  std::int64_t sequence = 0;
  std::int64_t tokens = 0;
  std::int64_t n_past = 0;
};

struct Step {
  std::int64_t tokens = 0;  // T
  std::int64_t n_past = 0;  // tokens already in the caches
  std::int64_t rows = 0;    // rows the final norm and lm_head compute: the last `rows` of T
  // The sequences the T rows belong to, in row order. Empty: all of them are sequence 0's, at
  // n_past. The matrix products run once over all T rows (a weight read serves every sequence);
  // each sequence's keys, values and attention use its own cache.
  std::span<const SequenceRows> sequences{};
};

// The sequences of `step`, with the one-sequence form spelled out.
std::vector<SequenceRows> step_sequences(const Step& step);

// The working tensors a device keeps for steps, each viewed whole: [capacity, width] (ids and
// positions [capacity]). A view's buffer is null when the ops are only described.
struct StepBuffers {
  TensorView hidden;     // the residual stream, updated in place
  TensorView normed;     // [capacity, hidden]
  TensorView scratch;    // [capacity, hidden]: projections back to the residual width
  TensorView query;      // [capacity, heads * head_dim]
  TensorView attended;   // [capacity, heads * head_dim]
  TensorView gate;       // [capacity, intermediate]
  TensorView up;         // [capacity, intermediate]
  TensorView key_f32;    // [capacity, kv_heads * head_dim], only with a 16-bit cache
  TensorView value_f32;  // [capacity, kv_heads * head_dim], only with a 16-bit cache
  TensorView ids;        // [capacity] I32
  TensorView positions;  // [capacity] I32
  TensorView logits;     // [capacity, vocab]
  // [2, rotary_dim / 2] F32, only where config.rope_needs_table(): the inverse frequencies of the
  // full layers, then of the sliding ones (rope_table_rows below).
  TensorView rope_frequencies;
};

// The rows of StepBuffers::rope_frequencies, as rope_inverse_frequencies gives them.
std::vector<float> rope_table_rows(const ModelConfig& config);

// A unit's own tensors on its device.
struct UnitTensors {
  const std::map<std::string, TensorView, std::less<>>* weights = nullptr;  // by parameter name
  // Each sequence's KV cache, [context, kv_heads, head_dim], by sequence number (one for a
  // session of one sequence; none for units without a cache).
  std::span<const TensorView> key_caches{};
  std::span<const TensorView> value_caches{};
};

// Whether the ops of `unit` are known: not a custom unit (its executor's work), and every
// parameter of the Llama layout there with its shape (a hand-built graph may have others).
bool has_known_ops(const ModelConfig& config, const Unit& unit);

// The ops `unit` submits for `step`, in order. A custom unit's work is its executor's: none.
std::vector<Op> unit_step_ops(const ModelConfig& config, const Unit& unit, const UnitTensors& tensors,
                              const StepBuffers& buffers, const Step& step);

// The dtype a weight stored as `source` in the checkpoint has on `device`: its own when the
// device stores it (or the device, described by hand, lists no dtypes), else the first of f32,
// bf16, f16 the device stores (the loader converts).
// Throws Error(unsupported) for a device that stores no floating-point dtype.
DType weight_storage_dtype(const DeviceInfo& device, DType source);

// The KV cache dtype a device keeps when `requested` is asked for: that one, or f32 where the
// device does not store it.
DType kv_storage_dtype(const DeviceInfo& device, DType requested);

// The same ops with shapes and dtypes only (null buffers), as they would run on `device` (weights
// and KV cache in the dtypes it stores them in) with a cache of `context` tokens: what
// Device::supports is asked.
std::vector<Op> describe_unit_ops(const ModelConfig& config, const Unit& unit, const DeviceInfo& device, DType kv_dtype,
                                  std::int64_t context, const Step& step);

// "rope (f32 x [1, 8, 64], i32 x [1])": an op as an error message names it.
std::string describe_op(const Op& op);

// The first op of `unit` that `supports` refuses, described, at the steps a device must run: a
// prompt piece of `capacity` tokens with all its logits, one token at the end of a `context`
// long cache, and, for more than one sequence, a batched decode step of one token from each of
// min(sequences, capacity) of them. nullopt when every op runs (a custom unit's work is its
// executor's).
std::optional<std::string> first_refused_op(const ModelConfig& config, const Unit& unit, const DeviceInfo& device,
                                            DType kv_dtype, std::int64_t context, std::int64_t capacity,
                                            const std::function<bool(const Op&)>& supports, std::int64_t sequences = 1);

}  // namespace strata::detail
