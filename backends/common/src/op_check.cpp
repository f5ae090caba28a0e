#include <strata_plugin/dtype.hpp>
#include <strata_plugin/host.hpp>
#include <strata_plugin/op_check.hpp>

#include <cmath>
#include <string>

namespace strata_plugin {
namespace {

[[noreturn]] void invalid(const strata_op& op, const std::string& why) {
  fail(STRATA_STATUS_INVALID_ARGUMENT, "{}: {}", op_name(op.kind), why);
}

std::string shape_text(const strata_tensor& t) {
  std::string text = "[";
  for (std::uint32_t i = 0; i < t.rank && i < STRATA_MAX_RANK; ++i) {
    if (i != 0) text += ", ";
    text += std::to_string(t.shape[i]);
  }
  return text + "] " + dtype_name(t.dtype);
}

bool is_float(strata_dtype dtype) {
  return dtype == STRATA_DTYPE_F32 || dtype == STRATA_DTYPE_F16 || dtype == STRATA_DTYPE_BF16;
}

void check_tensor(const strata_op& op, const strata_tensor& t, const char* role, bool check_buffers) {
  if (t.rank < 1 || t.rank > STRATA_MAX_RANK) invalid(op, fmt::format("{} has rank {}, expected 1..4", role, t.rank));
  if (dtype_size(t.dtype) == 0) invalid(op, fmt::format("{} has unknown dtype {}", role, t.dtype));
  for (std::uint32_t i = 0; i < t.rank; ++i)
    if (t.shape[i] <= 0) invalid(op, fmt::format("{} has a dimension <= 0: {}", role, shape_text(t)));
  if (t.offset % dtype_size(t.dtype) != 0)
    invalid(op, fmt::format("{} offset {} is not a multiple of its element size", role, t.offset));
  if (check_buffers && t.buffer == nullptr) invalid(op, fmt::format("{} has no buffer", role));
}

void need_inputs(const strata_op& op, std::uint32_t low, std::uint32_t high) {
  if (op.n_inputs < low || op.n_inputs > high)
    invalid(op, low == high ? fmt::format("takes {} inputs, got {}", low, op.n_inputs)
                            : fmt::format("takes {} to {} inputs, got {}", low, high, op.n_inputs));
}

void need_dtype(const strata_op& op, const strata_tensor& t, const char* role, strata_dtype dtype) {
  if (t.dtype != dtype) invalid(op, fmt::format("{} must be {}, got {}", role, dtype_name(dtype), dtype_name(t.dtype)));
}

void need_float(const strata_op& op, const strata_tensor& t, const char* role) {
  if (!is_float(t.dtype)) invalid(op, fmt::format("{} must be f32, f16 or bf16, got {}", role, dtype_name(t.dtype)));
}

void need_same_shape(const strata_op& op, const strata_tensor& a, const char* a_role, const strata_tensor& b,
                     const char* b_role) {
  bool same = a.rank == b.rank;
  for (std::uint32_t i = 0; same && i < a.rank; ++i) same = a.shape[i] == b.shape[i];
  if (!same)
    invalid(op, fmt::format("{} {} and {} {} must have the same shape", a_role, shape_text(a), b_role, shape_text(b)));
}

void need_rank(const strata_op& op, const strata_tensor& t, const char* role, std::uint32_t rank) {
  if (t.rank != rank) invalid(op, fmt::format("{} must have rank {}, got {}", role, rank, shape_text(t)));
}

void check_binary(const strata_op& op) {
  need_inputs(op, 2, 2);
  const strata_tensor& a = op.inputs[0];
  const strata_tensor& b = op.inputs[1];
  need_dtype(op, a, "input", STRATA_DTYPE_F32);
  need_float(op, b, "second input");
  need_dtype(op, op.output, "output", STRATA_DTYPE_F32);
  need_same_shape(op, a, "input", op.output, "output");
  const std::int64_t n = element_count(b);
  if (n != element_count(a) && n != row_length(a))
    invalid(op, fmt::format("second input {} must match input {} or its last dimension", shape_text(b), shape_text(a)));
}

void check_unary(const strata_op& op) {
  need_inputs(op, 1, 1);
  need_dtype(op, op.inputs[0], "input", STRATA_DTYPE_F32);
  need_dtype(op, op.output, "output", STRATA_DTYPE_F32);
  need_same_shape(op, op.inputs[0], "input", op.output, "output");
}

void check_vector_param(const strata_op& op, const strata_tensor& v, const char* role, std::int64_t n) {
  need_float(op, v, role);
  if (element_count(v) != n) invalid(op, fmt::format("{} {} must have {} elements", role, shape_text(v), n));
}

void check_norm(const strata_op& op, std::uint32_t max_inputs) {
  need_inputs(op, 2, max_inputs);
  const strata_tensor& x = op.inputs[0];
  need_dtype(op, x, "input", STRATA_DTYPE_F32);
  need_dtype(op, op.output, "output", STRATA_DTYPE_F32);
  need_same_shape(op, x, "input", op.output, "output");
  check_vector_param(op, op.inputs[1], "weight", row_length(x));
  if (op.n_inputs == 3) check_vector_param(op, op.inputs[2], "bias", row_length(x));
  if (!(op.params.norm.eps >= 0.0f)) invalid(op, "eps must be >= 0");
  // ABI 1.2 defines weight_offset for RMS_NORM only; elsewhere a nonzero value would be ignored.
  if (op.kind != STRATA_OP_RMS_NORM && op.params.norm.weight_offset != 0.0f)
    invalid(op, "weight_offset must be 0 (it applies to rms_norm only)");
}

void check_rope(const strata_op& op) {
  need_inputs(op, 2, 3);
  const strata_tensor& x = op.inputs[0];
  need_dtype(op, x, "input", STRATA_DTYPE_F32);
  need_rank(op, x, "input", 3);
  need_dtype(op, op.inputs[1], "positions", STRATA_DTYPE_I32);
  need_same_shape(op, x, "input", op.output, "output");
  need_dtype(op, op.output, "output", STRATA_DTYPE_F32);
  if (element_count(op.inputs[1]) != x.shape[0])
    invalid(op, fmt::format("positions {} must have one entry per token ({})", shape_text(op.inputs[1]), x.shape[0]));
  const std::int32_t rotary = op.params.rope.rotary_dim;
  if (rotary <= 0 || rotary % 2 != 0 || rotary > x.shape[2])
    invalid(op, fmt::format("rotary_dim {} must be even and in 2..{}", rotary, x.shape[2]));
  if (op.n_inputs == 3) {  // ABI 1.2: inverse frequencies replace theta
    const strata_tensor& inv_freq = op.inputs[2];
    need_dtype(op, inv_freq, "inverse frequencies", STRATA_DTYPE_F32);
    need_rank(op, inv_freq, "inverse frequencies", 1);
    if (inv_freq.shape[0] != rotary / 2)
      invalid(op, fmt::format("inverse frequencies {} must have rotary_dim / 2 = {} elements", shape_text(inv_freq),
                              rotary / 2));
  } else if (!(op.params.rope.theta > 0.0f)) {
    invalid(op, "theta must be > 0");
  }
}

void check_matmul(const strata_op& op) {
  need_inputs(op, 2, 3);
  const strata_tensor& x = op.inputs[0];
  const strata_tensor& w = op.inputs[1];
  need_dtype(op, x, "x", STRATA_DTYPE_F32);
  need_rank(op, x, "x", 2);
  need_float(op, w, "weight");
  need_rank(op, w, "weight", 2);
  need_dtype(op, op.output, "output", STRATA_DTYPE_F32);
  need_rank(op, op.output, "output", 2);
  if (x.shape[1] != w.shape[1])
    invalid(op, fmt::format("x {} and weight {} disagree on K", shape_text(x), shape_text(w)));
  if (op.output.shape[0] != x.shape[0] || op.output.shape[1] != w.shape[0])
    invalid(op, fmt::format("output {} must be [{}, {}]", shape_text(op.output), x.shape[0], w.shape[0]));
  if (op.n_inputs == 3) check_vector_param(op, op.inputs[2], "bias", w.shape[0]);
}

void check_attention(const strata_op& op) {
  need_inputs(op, 3, 3);
  const strata_tensor& q = op.inputs[0];
  const strata_tensor& k = op.inputs[1];
  const strata_tensor& v = op.inputs[2];
  need_dtype(op, q, "q", STRATA_DTYPE_F32);
  need_rank(op, q, "q", 3);
  need_rank(op, k, "k cache", 3);
  need_same_shape(op, k, "k cache", v, "v cache");
  if (k.dtype != STRATA_DTYPE_F32 && k.dtype != STRATA_DTYPE_F16) invalid(op, "k cache must be f32 or f16");
  if (v.dtype != k.dtype) invalid(op, "k and v caches must share a dtype");
  need_dtype(op, op.output, "output", STRATA_DTYPE_F32);
  need_same_shape(op, q, "q", op.output, "output");
  if (q.shape[2] != k.shape[2])
    invalid(op, fmt::format("q {} and k cache {} disagree on head_dim", shape_text(q), shape_text(k)));
  if (q.shape[1] % k.shape[1] != 0)
    invalid(op, fmt::format("{} query heads are not a multiple of {} kv heads", q.shape[1], k.shape[1]));
  const std::int64_t n_past = op.params.attention.n_past;
  if (n_past < 0) invalid(op, "n_past must be >= 0");
  if (n_past + q.shape[0] > k.shape[0])
    invalid(op, fmt::format("n_past {} + {} tokens exceeds the cache length {}", n_past, q.shape[0], k.shape[0]));
  const std::int64_t window = op.params.attention.window;
  if (window < 0) invalid(op, fmt::format("window {} must be >= 0 (0: no window)", window));
  if (window > 0 && op.params.attention.causal == 0) invalid(op, "a sliding window needs causal attention");
  const float softcap = op.params.attention.softcap;
  if (!(softcap >= 0.0f) || !std::isfinite(softcap))
    invalid(op, fmt::format("softcap {} must be finite and >= 0 (0: none)", softcap));
}

void check_softcap(const strata_op& op) {
  check_unary(op);
  const float cap = op.params.softcap.cap;
  if (!(cap > 0.0f) || !std::isfinite(cap)) invalid(op, fmt::format("cap {} must be finite and > 0", cap));
}

void check_embedding(const strata_op& op) {
  need_inputs(op, 2, 2);
  const strata_tensor& table = op.inputs[0];
  const strata_tensor& ids = op.inputs[1];
  need_float(op, table, "table");
  need_rank(op, table, "table", 2);
  need_dtype(op, ids, "ids", STRATA_DTYPE_I32);
  need_dtype(op, op.output, "output", STRATA_DTYPE_F32);
  need_rank(op, op.output, "output", 2);
  if (op.output.shape[0] != element_count(ids) || op.output.shape[1] != table.shape[1])
    invalid(op, fmt::format("output {} must be [{}, {}]", shape_text(op.output), element_count(ids), table.shape[1]));
}

void check_copy(const strata_op& op) {
  need_inputs(op, 1, 1);
  const strata_tensor& in = op.inputs[0];
  if (element_count(in) != element_count(op.output))
    invalid(op, fmt::format("input {} and output {} differ in element count", shape_text(in), shape_text(op.output)));
  const bool ints = in.dtype == STRATA_DTYPE_I32 || op.output.dtype == STRATA_DTYPE_I32;
  if (ints && in.dtype != op.output.dtype) invalid(op, "i32 copies only to i32");
}

}  // namespace

std::int64_t element_count(const strata_tensor& tensor) {
  std::int64_t n = 1;
  for (std::uint32_t i = 0; i < tensor.rank && i < STRATA_MAX_RANK; ++i) n *= tensor.shape[i];
  return n;
}

std::uint64_t byte_size(const strata_tensor& tensor) {
  return static_cast<std::uint64_t>(element_count(tensor)) * dtype_size(tensor.dtype);
}

std::int64_t row_length(const strata_tensor& tensor) { return tensor.rank == 0 ? 1 : tensor.shape[tensor.rank - 1]; }

std::int64_t row_count(const strata_tensor& tensor) {
  const std::int64_t len = row_length(tensor);
  return len == 0 ? 0 : element_count(tensor) / len;
}

const char* op_name(strata_op_kind kind) { return strata_op_kind_name(kind); }

void validate_op(const strata_op& op, bool check_buffers) {
  if (op.kind < 0 || op.kind >= STRATA_OP_KIND_COUNT) fail(STRATA_STATUS_UNSUPPORTED, "unknown op kind {}", op.kind);
  if (op.n_inputs > STRATA_MAX_OP_INPUTS)
    invalid(op, fmt::format("{} inputs is more than {}", op.n_inputs, STRATA_MAX_OP_INPUTS));
  static const char* const roles[STRATA_MAX_OP_INPUTS] = {"input 0", "input 1", "input 2", "input 3"};
  for (std::uint32_t i = 0; i < op.n_inputs; ++i) check_tensor(op, op.inputs[i], roles[i], check_buffers);
  check_tensor(op, op.output, "output", check_buffers);
  switch (op.kind) {
    case STRATA_OP_COPY:
      check_copy(op);
      break;
    case STRATA_OP_ADD:
    case STRATA_OP_MUL:
      check_binary(op);
      break;
    case STRATA_OP_SILU:
    case STRATA_OP_GELU:
    case STRATA_OP_SOFTMAX:
    case STRATA_OP_SCALE:
      check_unary(op);
      break;
    case STRATA_OP_SOFTCAP:
      check_softcap(op);
      break;
    case STRATA_OP_SILU_MUL:
      need_inputs(op, 2, 2);
      need_dtype(op, op.inputs[0], "gate", STRATA_DTYPE_F32);
      need_dtype(op, op.inputs[1], "up", STRATA_DTYPE_F32);
      need_dtype(op, op.output, "output", STRATA_DTYPE_F32);
      need_same_shape(op, op.inputs[0], "gate", op.inputs[1], "up");
      need_same_shape(op, op.inputs[0], "gate", op.output, "output");
      break;
    case STRATA_OP_RMS_NORM:
      check_norm(op, 2);
      break;
    case STRATA_OP_LAYER_NORM:
      check_norm(op, 3);
      break;
    case STRATA_OP_ROPE:
      check_rope(op);
      break;
    case STRATA_OP_MATMUL:
      check_matmul(op);
      break;
    case STRATA_OP_ATTENTION:
      check_attention(op);
      break;
    case STRATA_OP_EMBEDDING:
      check_embedding(op);
      break;
    default:
      break;
  }
}

void check_fits(const strata_tensor& tensor, std::uint64_t buffer_size, const char* what) {
  const std::uint64_t bytes = byte_size(tensor);
  if (tensor.offset > buffer_size || bytes > buffer_size - tensor.offset)
    fail(STRATA_STATUS_INVALID_ARGUMENT, "{}: {} bytes at offset {} overrun its buffer of {} bytes", what, bytes,
         tensor.offset, buffer_size);
}

}  // namespace strata_plugin
