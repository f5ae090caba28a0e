// Which ops this device runs. The shape rules are backend.h's; the sample only narrows the
// dtypes (f32, and i32 for ids) and leaves out GELU, LAYER_NORM, ROPE and ATTENTION, which its
// supports_op answers with "no". Of what ABI 1.2 added it runs the cheap parts (SCALE, SOFTCAP,
// RMS_NORM's weight_offset); rope's inverse frequencies and attention's window and softcap
// belong to ops it refuses anyway. Built against an older backend.h, the #if leaves 1.2 out.
#include "sample.hpp"

#include <cmath>
#include <string>

namespace sample {

std::size_t dtype_size(strata_dtype dtype) {
  switch (dtype) {
    case STRATA_DTYPE_F32:
    case STRATA_DTYPE_I32:
      return 4;
    case STRATA_DTYPE_F16:
    case STRATA_DTYPE_BF16:
      return 2;
    default:
      return 0;
  }
}

std::int64_t element_count(const strata_tensor& tensor) {
  std::int64_t n = 1;
  for (uint32_t i = 0; i < tensor.rank && i < STRATA_MAX_RANK; ++i) n *= tensor.shape[i];
  return n;
}

namespace {

std::int64_t last_dim(const strata_tensor& t) { return t.shape[t.rank - 1]; }

bool same_shape(const strata_tensor& a, const strata_tensor& b) {
  if (a.rank != b.rank) return false;
  for (uint32_t i = 0; i < a.rank; ++i)
    if (a.shape[i] != b.shape[i]) return false;
  return true;
}

std::string check_tensor(const strata_tensor& t) {
  if (t.rank < 1 || t.rank > STRATA_MAX_RANK) return "a tensor has rank " + std::to_string(t.rank);
  if (dtype_size(t.dtype) == 0) return "a tensor has an unknown dtype";
  for (uint32_t i = 0; i < t.rank; ++i)
    if (t.shape[i] <= 0) return "a tensor has a dimension <= 0";
  if (t.offset % dtype_size(t.dtype) != 0) return "a tensor's offset is not a multiple of its element size";
  return {};
}

// The op-specific shape rules of backend.h, for the kinds this device runs.
std::string check_shapes(const strata_op& op) {
  const strata_tensor& in = op.inputs[0];
  const strata_tensor& out = op.output;
  switch (op.kind) {
    case STRATA_OP_COPY:
      return element_count(in) == element_count(out) ? "" : "copy: element counts differ";
    case STRATA_OP_ADD:
    case STRATA_OP_MUL: {
      const std::int64_t n = element_count(op.inputs[1]);
      if (!same_shape(in, out)) return "add/mul: output shape differs from input 0";
      return n == element_count(in) || n == last_dim(in) ? "" : "add/mul: input 1 is neither full size nor one row";
    }
    case STRATA_OP_SILU:
    case STRATA_OP_SOFTMAX:
#if STRATA_BACKEND_ABI_MINOR >= 2
    case STRATA_OP_SCALE:
#endif
      return same_shape(in, out) ? "" : "output shape differs from the input";
#if STRATA_BACKEND_ABI_MINOR >= 2
    case STRATA_OP_SOFTCAP:
      if (!same_shape(in, out)) return "softcap: output shape differs from the input";
      return op.params.softcap.cap > 0.0f && std::isfinite(op.params.softcap.cap) ? "" : "softcap: cap must be > 0";
#endif
    case STRATA_OP_SILU_MUL:
      return same_shape(in, out) && same_shape(op.inputs[1], out) ? "" : "silu_mul: shapes differ";
    case STRATA_OP_RMS_NORM:
      if (!same_shape(in, out)) return "rms_norm: output shape differs from the input";
      if (element_count(op.inputs[1]) != last_dim(in)) return "rms_norm: weight length differs from rows";
      return op.params.norm.eps >= 0.0f ? "" : "rms_norm: eps < 0";
    case STRATA_OP_MATMUL: {
      const strata_tensor& w = op.inputs[1];
      if (in.rank != 2 || w.rank != 2 || out.rank != 2) return "matmul: x, weight and output must be 2-D";
      if (in.shape[1] != w.shape[1]) return "matmul: x and weight disagree on K";
      if (out.shape[0] != in.shape[0] || out.shape[1] != w.shape[0]) return "matmul: output must be [M, N]";
      if (op.n_inputs == 3 && element_count(op.inputs[2]) != w.shape[0]) return "matmul: bias must have N elements";
      return {};
    }
    case STRATA_OP_EMBEDDING:
      if (in.rank != 2 || out.rank != 2) return "embedding: table and output must be 2-D";
      if (out.shape[0] != element_count(op.inputs[1]) || out.shape[1] != in.shape[1])
        return "embedding: output must be [T, D]";
      return {};
    default:
      return {};
  }
}

struct Rule {
  uint32_t min_inputs, max_inputs;
};

// Inputs per kind; {0, 0} marks a kind this device does not run.
Rule rule_for(strata_op_kind kind) {
  switch (kind) {
    case STRATA_OP_COPY:
    case STRATA_OP_SILU:
    case STRATA_OP_SOFTMAX:
#if STRATA_BACKEND_ABI_MINOR >= 2
    case STRATA_OP_SCALE:
    case STRATA_OP_SOFTCAP:
#endif
      return {1, 1};
    case STRATA_OP_ADD:
    case STRATA_OP_MUL:
    case STRATA_OP_SILU_MUL:
    case STRATA_OP_RMS_NORM:
    case STRATA_OP_EMBEDDING:
      return {2, 2};
    case STRATA_OP_MATMUL:
      return {2, 3};
    default:
      return {0, 0};
  }
}

// The dtype each tensor must have here: ids are i32, a copy keeps its dtype, all else is f32.
bool dtypes_supported(const strata_op& op) {
  for (uint32_t i = 0; i < op.n_inputs; ++i) {
    const bool ids = op.kind == STRATA_OP_EMBEDDING && i == 1;
    const bool int_copy = op.kind == STRATA_OP_COPY && op.inputs[i].dtype == STRATA_DTYPE_I32;
    if (op.inputs[i].dtype != (ids || int_copy ? STRATA_DTYPE_I32 : STRATA_DTYPE_F32)) return false;
  }
  if (op.kind == STRATA_OP_COPY) return op.output.dtype == op.inputs[0].dtype;
  return op.output.dtype == STRATA_DTYPE_F32;
}

}  // namespace

std::string check_op(const strata_op& op, bool& unsupported) {
  const Rule rule = rule_for(op.kind);
  unsupported = true;
  if (rule.max_inputs == 0) return "this device does not run op kind " + std::to_string(op.kind);
  unsupported = false;
  if (op.n_inputs < rule.min_inputs || op.n_inputs > rule.max_inputs) return "wrong number of inputs";
  for (uint32_t i = 0; i < op.n_inputs; ++i)
    if (std::string problem = check_tensor(op.inputs[i]); !problem.empty()) return problem;
  if (std::string problem = check_tensor(op.output); !problem.empty()) return problem;
  if (!dtypes_supported(op)) {
    unsupported = true;
    return "this device runs that op on f32 (and i32 ids) only";
  }
  return check_shapes(op);
}

void check_buffers(const strata_op& op) {
  const auto fits = [](const strata_tensor& t) {
    if (t.buffer == nullptr) throw Failure(STRATA_STATUS_INVALID_ARGUMENT, "sample: a tensor has no buffer");
    const std::uint64_t bytes = static_cast<std::uint64_t>(element_count(t)) * dtype_size(t.dtype);
    if (t.offset > t.buffer->size || bytes > t.buffer->size - t.offset)
      throw Failure(STRATA_STATUS_INVALID_ARGUMENT, "sample: a tensor overruns its buffer");
  };
  for (uint32_t i = 0; i < op.n_inputs; ++i) fits(op.inputs[i]);
  fits(op.output);
}

}  // namespace sample
