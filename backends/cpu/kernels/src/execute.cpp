// The one entry point of the kernels: validate, resolve memory, make overlapping inputs safe,
// then hand the op to its family.
#include <strata_cpu/kernels.hpp>

#include <strata_plugin/dtype.hpp>
#include <strata_plugin/host.hpp>
#include <strata_plugin/op_check.hpp>

#include "op_families.hpp"

#include <cstdint>
#include <cstring>
#include <vector>

namespace strata_cpu {
namespace {

// Ops whose kernels read each element (or row) of inputs[0] before writing the same element
// (or row) of the output, so backend.h lets their output sit exactly on inputs[0].
bool runs_in_place(strata_op_kind kind) {
  switch (kind) {
    case STRATA_OP_COPY:
    case STRATA_OP_ADD:
    case STRATA_OP_MUL:
    case STRATA_OP_SILU:
    case STRATA_OP_GELU:
    case STRATA_OP_SILU_MUL:
    case STRATA_OP_RMS_NORM:
    case STRATA_OP_LAYER_NORM:
    case STRATA_OP_ROPE:
    case STRATA_OP_SOFTMAX:
    case STRATA_OP_SCALE:
    case STRATA_OP_SOFTCAP:
      return true;
    default:
      return false;
  }
}

bool same_layout(const strata_tensor& a, const strata_tensor& b) {
  if (a.dtype != b.dtype || a.rank != b.rank) return false;
  for (std::uint32_t i = 0; i < a.rank; ++i)
    if (a.shape[i] != b.shape[i]) return false;
  return true;
}

bool overlaps(const std::byte* a, std::uint64_t a_bytes, const std::byte* b, std::uint64_t b_bytes) {
  const auto a0 = reinterpret_cast<std::uintptr_t>(a);
  const auto b0 = reinterpret_cast<std::uintptr_t>(b);
  return a0 < b0 + b_bytes && b0 < a0 + a_bytes;
}

std::byte* locate(const strata_op& op, const strata_tensor& t, const char* role, const ResolveBuffer& resolve) {
  std::byte* base = resolve(t.buffer);
  if (base == nullptr)
    strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "{}: {} has no host memory", strata_plugin::op_name(op.kind),
                        role);
  std::byte* p = base + t.offset;
  // Typed loads need natural alignment; buffers are allocated 64-byte aligned, so only an
  // oddly aligned imported host pointer can trip this.
  if (reinterpret_cast<std::uintptr_t>(p) % strata_plugin::dtype_size(t.dtype) != 0)
    strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "{}: {} at host address {} is not aligned to its element size",
                        strata_plugin::op_name(op.kind), role, static_cast<const void*>(p));
  return p;
}

}  // namespace

void execute(const strata_op& op, const ResolveBuffer& resolve) {
  strata_plugin::validate_op(op, true);

  static const char* const roles[STRATA_MAX_OP_INPUTS] = {"input 0", "input 1", "input 2", "input 3"};
  OpMemory mem;
  mem.out = locate(op, op.output, "output", resolve);
  const std::uint64_t out_bytes = strata_plugin::byte_size(op.output);

  // An input that overlaps the output in any way other than the in-place case is read from a
  // snapshot, so every op behaves as if all inputs were read before the output was written.
  std::vector<std::byte> snapshots[STRATA_MAX_OP_INPUTS];
  for (std::uint32_t i = 0; i < op.n_inputs; ++i) {
    const strata_tensor& t = op.inputs[i];
    const std::byte* p = locate(op, t, roles[i], resolve);
    const std::uint64_t bytes = strata_plugin::byte_size(t);
    const bool in_place = i == 0 && p == mem.out && runs_in_place(op.kind) && same_layout(t, op.output);
    if (!in_place && overlaps(p, bytes, mem.out, out_bytes)) {
      snapshots[i].resize(bytes);
      std::memcpy(snapshots[i].data(), p, bytes);
      p = snapshots[i].data();
    }
    mem.in[i] = p;
  }

  switch (op.kind) {
    case STRATA_OP_COPY:
      return run_copy(op, mem);
    case STRATA_OP_ADD:
    case STRATA_OP_MUL:
      return run_binary(op, mem);
    case STRATA_OP_SILU:
    case STRATA_OP_GELU:
    case STRATA_OP_SILU_MUL:
      return run_activation(op, mem);
    case STRATA_OP_RMS_NORM:
    case STRATA_OP_LAYER_NORM:
      return run_norm(op, mem);
    case STRATA_OP_ROPE:
      return run_rope(op, mem);
    case STRATA_OP_SOFTMAX:
      return run_softmax(op, mem);
    case STRATA_OP_MATMUL:
      return run_matmul(op, mem);
    case STRATA_OP_ATTENTION:
      return run_attention(op, mem);
    case STRATA_OP_EMBEDDING:
      return run_embedding(op, mem);
    case STRATA_OP_SCALE:
    case STRATA_OP_SOFTCAP:
      return run_scaling(op, mem);
    default:
      strata_plugin::fail(STRATA_STATUS_UNSUPPORTED, "{}: not implemented by the CPU kernels",
                          strata_plugin::op_name(op.kind));
  }
}

}  // namespace strata_cpu
