#include "op_launch.hpp"

#include "queue.hpp"

#include <strata_plugin/dtype.hpp>
#include <strata_plugin/host.hpp>
#include <strata_plugin/op_check.hpp>

#include <limits>

namespace strata_opencl {
namespace {

using strata_plugin::dtype_size;
using strata_plugin::element_count;
using strata_plugin::row_count;
using strata_plugin::row_length;

// Kernel-side codes (kernels/*.cl).
constexpr cl_int kBinaryAdd = 0;
constexpr cl_int kBinaryMul = 1;
constexpr cl_int kUnarySilu = 0;
constexpr cl_int kUnaryGeluErf = 1;
constexpr cl_int kUnaryGeluTanh = 2;
constexpr cl_int kScalarScale = 0;
constexpr cl_int kScalarSoftcap = 1;
constexpr std::size_t kElementwiseGroup = 256;

// A tensor as kernels take it: its buffer and its offset counted in elements.
struct Arg {
  const cl::Buffer& memory;
  cl_ulong offset;
};

Buffer& buffer_of(const strata_tensor& t) { return *from_handle(t.buffer); }

Arg arg(const strata_tensor& t) { return {buffer_of(t).memory, t.offset / dtype_size(t.dtype)}; }

cl_ulong count(const strata_tensor& t) { return static_cast<cl_ulong>(element_count(t)); }

cl_uint u32(std::int64_t value) { return static_cast<cl_uint>(value); }

std::size_t round_up(std::uint64_t n, std::size_t multiple) {
  return static_cast<std::size_t>((n + multiple - 1) / multiple * multiple);
}

void run_1d(Queue& queue, cl::Kernel& kernel, std::uint64_t items, std::size_t group) {
  queue.cl_queue().enqueueNDRangeKernel(kernel, cl::NullRange, cl::NDRange(round_up(items, group)), cl::NDRange(group));
}

// One work-group per row.
void run_rows(Queue& queue, cl::Kernel& kernel, std::int64_t rows, std::size_t group) {
  queue.cl_queue().enqueueNDRangeKernel(kernel, cl::NullRange, cl::NDRange(static_cast<std::size_t>(rows) * group),
                                        cl::NDRange(group));
}

bool overlaps(const strata_tensor& a, const strata_tensor& b) {
  if (a.buffer != b.buffer) return false;
  const std::uint64_t a_end = a.offset + strata_plugin::byte_size(a);
  const std::uint64_t b_end = b.offset + strata_plugin::byte_size(b);
  return a.offset < b_end && b.offset < a_end;
}

void need_u32(const strata_op& op, std::int64_t value, const char* what) {
  if (value > std::numeric_limits<cl_uint>::max())
    strata_plugin::fail(STRATA_STATUS_UNSUPPORTED, "opencl: {}: {} = {} is beyond this backend's 32-bit limit",
                        strata_plugin::op_name(op.kind), what, value);
}

void enqueue_convert(Queue& queue, const cl::Buffer& in, cl_ulong in_offset, strata_dtype in_dtype,
                     const cl::Buffer& out, cl_ulong out_offset, strata_dtype out_dtype, cl_ulong n) {
  cl::Kernel& k = queue.kernels().convert_copy;
  set_args(k, in, in_offset, cl_int{in_dtype}, out, out_offset, cl_int{out_dtype}, n);
  run_1d(queue, k, n, kElementwiseGroup);
}

void launch_copy(Queue& queue, const strata_op& op) {
  const strata_tensor& in = op.inputs[0];
  const strata_tensor& out = op.output;
  if (in.buffer == out.buffer && in.offset == out.offset && in.dtype == out.dtype) return;
  if (in.dtype == out.dtype) {
    queue.copy(buffer_of(in), in.offset, buffer_of(out), out.offset, strata_plugin::byte_size(in));
    return;
  }
  const Arg src = arg(in);
  const Arg dst = arg(out);
  if (!overlaps(in, out)) {
    enqueue_convert(queue, src.memory, src.offset, in.dtype, dst.memory, dst.offset, out.dtype, count(in));
    return;
  }
  // Converting in place between sizes would let work-items overwrite each other's input:
  // convert into scratch, then copy over.
  const std::uint64_t bytes = strata_plugin::byte_size(out);
  const cl::Buffer& tmp = queue.scratch(bytes);
  enqueue_convert(queue, src.memory, src.offset, in.dtype, tmp, 0, out.dtype, count(in));
  queue.cl_queue().enqueueCopyBuffer(tmp, dst.memory, 0, out.offset, bytes);
}

void launch_binary(Queue& queue, const strata_op& op, cl_int code) {
  const strata_tensor& a = op.inputs[0];
  const strata_tensor& b = op.inputs[1];
  const cl_ulong n = count(a);
  const cl_ulong b_len = count(b) == n ? n : static_cast<cl_ulong>(row_length(a));
  const Arg aa = arg(a), bb = arg(b), out = arg(op.output);
  cl::Kernel& k = queue.kernels().binary_op;
  set_args(k, aa.memory, aa.offset, bb.memory, bb.offset, cl_int{b.dtype}, b_len, out.memory, out.offset, n, code);
  run_1d(queue, k, n, kElementwiseGroup);
}

void launch_unary(Queue& queue, const strata_op& op, cl_int code) {
  const Arg in = arg(op.inputs[0]), out = arg(op.output);
  const cl_ulong n = count(op.inputs[0]);
  cl::Kernel& k = queue.kernels().unary_op;
  set_args(k, in.memory, in.offset, out.memory, out.offset, n, code);
  run_1d(queue, k, n, kElementwiseGroup);
}

void launch_scalar(Queue& queue, const strata_op& op, cl_int code, float value) {
  const Arg in = arg(op.inputs[0]), out = arg(op.output);
  const cl_ulong n = count(op.inputs[0]);
  cl::Kernel& k = queue.kernels().scalar_op;
  set_args(k, in.memory, in.offset, out.memory, out.offset, n, code, cl_float{value});
  run_1d(queue, k, n, kElementwiseGroup);
}

void launch_silu_mul(Queue& queue, const strata_op& op) {
  const Arg gate = arg(op.inputs[0]), up = arg(op.inputs[1]), out = arg(op.output);
  const cl_ulong n = count(op.inputs[0]);
  cl::Kernel& k = queue.kernels().silu_mul;
  set_args(k, gate.memory, gate.offset, up.memory, up.offset, out.memory, out.offset, n);
  run_1d(queue, k, n, kElementwiseGroup);
}

void launch_rms_norm(Queue& queue, const strata_op& op) {
  const strata_tensor& x = op.inputs[0];
  const Arg xx = arg(x), w = arg(op.inputs[1]), out = arg(op.output);
  cl::Kernel& k = queue.kernels().rms_norm;
  set_args(k, xx.memory, xx.offset, w.memory, w.offset, cl_int{op.inputs[1].dtype}, out.memory, out.offset,
           u32(row_length(x)), cl_float{op.params.norm.eps}, cl_float{op.params.norm.weight_offset});
  run_rows(queue, k, row_count(x), queue.device().config().row_wg);
}

void launch_layer_norm(Queue& queue, const strata_op& op) {
  const strata_tensor& x = op.inputs[0];
  const bool has_bias = op.n_inputs == 3;
  const strata_tensor& bias = has_bias ? op.inputs[2] : op.inputs[1];  // unused stand-in without bias
  const Arg xx = arg(x), w = arg(op.inputs[1]), b = arg(bias), out = arg(op.output);
  cl::Kernel& k = queue.kernels().layer_norm;
  set_args(k, xx.memory, xx.offset, w.memory, w.offset, cl_int{op.inputs[1].dtype}, b.memory, b.offset,
           cl_int{bias.dtype}, cl_int{has_bias ? 1 : 0}, out.memory, out.offset, u32(row_length(x)),
           cl_float{op.params.norm.eps});
  run_rows(queue, k, row_count(x), queue.device().config().row_wg);
}

void launch_rope(Queue& queue, const strata_op& op) {
  const strata_tensor& x = op.inputs[0];
  const cl_uint heads = u32(x.shape[1]);
  const cl_uint dim = u32(x.shape[2]);
  const cl_uint rotary = static_cast<cl_uint>(op.params.rope.rotary_dim);
  const cl_ulong items = static_cast<cl_ulong>(x.shape[0]) * heads * (dim - rotary / 2);
  const bool has_inv_freq = op.n_inputs == 3;
  const strata_tensor& inv_freq = has_inv_freq ? op.inputs[2] : x;  // unused stand-in without them
  const Arg xx = arg(x), pos = arg(op.inputs[1]), freq = arg(inv_freq), out = arg(op.output);
  cl::Kernel& k = queue.kernels().rope;
  set_args(k, xx.memory, xx.offset, pos.memory, pos.offset, out.memory, out.offset, heads, dim, rotary,
           cl_float{op.params.rope.theta}, freq.memory, freq.offset, cl_int{has_inv_freq ? 1 : 0}, items);
  run_1d(queue, k, items, kElementwiseGroup);
}

void launch_softmax(Queue& queue, const strata_op& op) {
  const strata_tensor& x = op.inputs[0];
  const Arg xx = arg(x), out = arg(op.output);
  cl::Kernel& k = queue.kernels().softmax;
  set_args(k, xx.memory, xx.offset, out.memory, out.offset, u32(row_length(x)), cl_float{op.params.softmax.scale});
  run_rows(queue, k, row_count(x), queue.device().config().row_wg);
}

void launch_embedding(Queue& queue, const strata_op& op) {
  const strata_tensor& table = op.inputs[0];
  const Arg t = arg(table), ids = arg(op.inputs[1]), out = arg(op.output);
  const cl_ulong n = count(op.output);
  cl::Kernel& k = queue.kernels().embedding;
  set_args(k, t.memory, t.offset, cl_int{table.dtype}, ids.memory, ids.offset, out.memory, out.offset,
           u32(table.shape[1]), u32(table.shape[0]), n, queue.error_flag());
  run_1d(queue, k, n, kElementwiseGroup);
}

void launch_attention(Queue& queue, const strata_op& op) {
  const strata_tensor& q = op.inputs[0];
  const strata_tensor& kc = op.inputs[1];
  const Arg qq = arg(q), kk = arg(kc), vv = arg(op.inputs[2]), out = arg(op.output);
  const std::size_t group = queue.device().config().att_wg;
  const std::size_t head_bytes = static_cast<std::size_t>(q.shape[2]) * sizeof(cl_float);
  // Aligned 16-byte loads of cache rows need head_dim and both cache offsets to be multiples of 8.
  const cl_int vec = (q.shape[2] % 8 == 0 && kk.offset % 8 == 0 && vv.offset % 8 == 0) ? 1 : 0;
  cl::Kernel& k = queue.kernels().attention;
  set_args(k, qq.memory, qq.offset, kk.memory, kk.offset, vv.memory, vv.offset,
           cl_int{kc.dtype == STRATA_DTYPE_F16 ? 1 : 0}, vec, out.memory, out.offset, u32(q.shape[0]), u32(q.shape[1]),
           u32(kc.shape[1]), u32(q.shape[2]), static_cast<cl_ulong>(op.params.attention.n_past),
           cl_float{op.params.attention.scale}, cl_int{op.params.attention.causal != 0 ? 1 : 0},
           static_cast<cl_ulong>(op.params.attention.window), cl_float{op.params.attention.softcap},
           cl::Local(head_bytes), cl::Local(head_bytes));
  run_rows(queue, k, q.shape[0] * q.shape[1], group);
}

void launch_matmul_clblast(Queue& queue, const strata_op& op) {
  const strata_tensor& x = op.inputs[0];
  const strata_tensor& w = op.inputs[1];
  const std::size_t m = static_cast<std::size_t>(x.shape[0]);
  const std::size_t k = static_cast<std::size_t>(x.shape[1]);
  const std::size_t n = static_cast<std::size_t>(w.shape[0]);
  const Arg xx = arg(x), ww = arg(w), out = arg(op.output);
  if (w.dtype == STRATA_DTYPE_F32) {
    queue.clblast()->matmul(queue.cl_queue(), xx.memory, xx.offset, ww.memory, ww.offset, out.memory, out.offset, m, n,
                            k);
  } else {
    // CLBlast has no mixed-precision GEMM (and its half GEMM needs cl_khr_fp16, which NVIDIA
    // lacks): widen the weights to f32 first, which costs a full extra pass over them.
    const cl::Buffer& wide = queue.scratch(static_cast<std::uint64_t>(count(w)) * sizeof(cl_float));
    enqueue_convert(queue, ww.memory, ww.offset, w.dtype, wide, 0, STRATA_DTYPE_F32, count(w));
    queue.clblast()->matmul(queue.cl_queue(), xx.memory, xx.offset, wide, 0, out.memory, out.offset, m, n, k);
  }
  if (op.n_inputs == 3) {
    const Arg bias = arg(op.inputs[2]);
    cl::Kernel& add = queue.kernels().binary_op;
    const cl_ulong total = static_cast<cl_ulong>(m * n);
    set_args(add, out.memory, out.offset, bias.memory, bias.offset, cl_int{op.inputs[2].dtype}, cl_ulong{n}, out.memory,
             out.offset, total, kBinaryAdd);
    run_1d(queue, add, total, kElementwiseGroup);
  }
}

void launch_matmul(Queue& queue, const strata_op& op) {
  if (queue.matmul_engine() == MatmulEngine::clblast) {
    launch_matmul_clblast(queue, op);
    return;
  }
  const strata_tensor& x = op.inputs[0];
  const strata_tensor& w = op.inputs[1];
  const cl_uint m = u32(x.shape[0]);
  const cl_uint k_dim = u32(x.shape[1]);
  const cl_uint n = u32(w.shape[0]);
  const bool has_bias = op.n_inputs == 3;
  const strata_tensor& bias = has_bias ? op.inputs[2] : w;  // unused stand-in without bias
  const Arg xx = arg(x), ww = arg(w), b = arg(bias), out = arg(op.output);
  const KernelConfig& config = queue.device().config();
  const std::size_t dtype = static_cast<std::size_t>(w.dtype);
  // Few rows (decode, batched decode) stream the weights once per gemv_m rows of x; the tiled
  // kernel would pad them to a whole tile of rows.
  if (m <= gemv_max_rows || !config.gemm_usable) {
    cl::Kernel& k = queue.kernels().gemv[dtype];
    const cl_int vec = (k_dim % 8 == 0 && ww.offset % 8 == 0 && xx.offset % 4 == 0) ? 1 : 0;
    set_args(k, xx.memory, xx.offset, ww.memory, ww.offset, b.memory, b.offset, cl_int{bias.dtype},
             cl_int{has_bias ? 1 : 0}, out.memory, out.offset, k_dim, n, vec, m);
    const std::size_t groups = (n + config.gemv_rows - 1) / config.gemv_rows;
    const std::size_t x_groups = (m + config.gemv_m - 1) / config.gemv_m;
    queue.cl_queue().enqueueNDRangeKernel(k, cl::NullRange, cl::NDRange(groups * config.gemv_wg, x_groups),
                                          cl::NDRange(config.gemv_wg, 1));
    return;
  }
  cl::Kernel& k = queue.kernels().gemm[dtype];
  set_args(k, xx.memory, xx.offset, ww.memory, ww.offset, b.memory, b.offset, cl_int{bias.dtype},
           cl_int{has_bias ? 1 : 0}, out.memory, out.offset, m, n, k_dim);
  const std::size_t tile = 16 * config.gemm_wpt;
  queue.cl_queue().enqueueNDRangeKernel(
      k, cl::NullRange, cl::NDRange((n + tile - 1) / tile * 16, (m + tile - 1) / tile * 16), cl::NDRange(16, 16));
}

}  // namespace

void check_op_shape(const strata_op& op, const Device& device) {
  strata_plugin::validate_op(op, false);
  // Kernels index rows, heads and features with 32-bit integers (element counts are 64-bit).
  const strata_tensor& in = op.inputs[0];
  switch (op.kind) {
    case STRATA_OP_RMS_NORM:
    case STRATA_OP_LAYER_NORM:
    case STRATA_OP_SOFTMAX:
      need_u32(op, row_length(in), "row length");
      break;
    case STRATA_OP_ROPE:
      need_u32(op, in.shape[1] * in.shape[2], "heads x head_dim");
      break;
    case STRATA_OP_MATMUL:
      need_u32(op, in.shape[0], "M");
      need_u32(op, in.shape[1], "K");
      need_u32(op, op.inputs[1].shape[0], "N");
      break;
    case STRATA_OP_EMBEDDING:
      need_u32(op, in.shape[0], "vocabulary");
      need_u32(op, in.shape[1], "row length");
      break;
    case STRATA_OP_ATTENTION: {
      need_u32(op, in.shape[0] * in.shape[1] * in.shape[2], "q elements");
      const std::uint64_t local = 2 * static_cast<std::uint64_t>(in.shape[2]) * sizeof(float) +
                                  2 * std::uint64_t{device.config().att_wg} * sizeof(float);
      if (local > device.description().local_memory)
        strata_plugin::fail(STRATA_STATUS_UNSUPPORTED,
                            "opencl: attention: head_dim {} needs more local memory than {} has", in.shape[2],
                            device.description().name);
      break;
    }
    default:
      break;
  }
}

void check_op_for_device(const strata_op& op, const Device& device) {
  strata_plugin::validate_op(op, true);
  check_op_shape(op, device);
  const auto check = [&](const strata_tensor& t, const char* what) {
    const Buffer& buffer = buffer_of(t);
    if (buffer.device != &device)
      strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "opencl: {}: {} is a buffer of another device",
                          strata_plugin::op_name(op.kind), what);
    strata_plugin::check_fits(t, buffer.size, what);
  };
  static const char* const roles[STRATA_MAX_OP_INPUTS] = {"input 0", "input 1", "input 2", "input 3"};
  for (std::uint32_t i = 0; i < op.n_inputs; ++i) check(op.inputs[i], roles[i]);
  check(op.output, "output");
}

void launch_op(Queue& queue, const strata_op& op) {
  switch (op.kind) {
    case STRATA_OP_COPY:
      return launch_copy(queue, op);
    case STRATA_OP_ADD:
      return launch_binary(queue, op, kBinaryAdd);
    case STRATA_OP_MUL:
      return launch_binary(queue, op, kBinaryMul);
    case STRATA_OP_SILU:
      return launch_unary(queue, op, kUnarySilu);
    case STRATA_OP_GELU:
      return launch_unary(queue, op, op.params.gelu.approximate != 0 ? kUnaryGeluTanh : kUnaryGeluErf);
    case STRATA_OP_SILU_MUL:
      return launch_silu_mul(queue, op);
    case STRATA_OP_RMS_NORM:
      return launch_rms_norm(queue, op);
    case STRATA_OP_LAYER_NORM:
      return launch_layer_norm(queue, op);
    case STRATA_OP_ROPE:
      return launch_rope(queue, op);
    case STRATA_OP_SOFTMAX:
      return launch_softmax(queue, op);
    case STRATA_OP_MATMUL:
      return launch_matmul(queue, op);
    case STRATA_OP_ATTENTION:
      return launch_attention(queue, op);
    case STRATA_OP_EMBEDDING:
      return launch_embedding(queue, op);
    case STRATA_OP_SCALE:
      return launch_scalar(queue, op, kScalarScale, op.params.scale.factor);
    case STRATA_OP_SOFTCAP:
      return launch_scalar(queue, op, kScalarSoftcap, op.params.softcap.cap);
    default:
      strata_plugin::fail(STRATA_STATUS_UNSUPPORTED, "opencl: op kind {} is not implemented", op.kind);
  }
}

}  // namespace strata_opencl
