// Benchmarks of the CPU kernels on the shapes of a 1.1 B-parameter Llama (hidden 2048,
// intermediate 8192, 32/8 heads of 64, vocab 32000): decode (M = 1) matmuls in each weight
// dtype, the streaming-versus-sgemm crossover that sets gemm_min_rows, attention over a long
// KV cache, and the row-wise ops. Arguments select the ISA variant where it matters
// (0 = generic, 1 = avx2).
#include <strata_cpu/isa.hpp>
#include <strata_cpu/kernels.hpp>

#include <benchmark/benchmark.h>
#include <tbb/global_control.h>

#include "matmul.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <vector>

namespace {

// Host memory whose address serves as its buffer handle.
struct Memory {
  std::vector<std::byte> bytes;
  explicit Memory(std::size_t size, float fill = 0.01f) : bytes(size) {
    // A small value in every dtype: 0x3c00 is 1.0 in f16, 0x3f80 1.0 in bf16.
    for (std::size_t i = 0; i + 4 <= size; i += 4) std::memcpy(bytes.data() + i, &fill, 4);
  }
  strata_buffer* handle() { return reinterpret_cast<strata_buffer*>(bytes.data()); }
};

const strata_cpu::ResolveBuffer resolve = [](strata_buffer* b) { return reinterpret_cast<std::byte*>(b); };

strata_tensor tensor(Memory& m, strata_dtype dtype, std::initializer_list<std::int64_t> shape) {
  strata_tensor t{};
  t.buffer = m.handle();
  t.dtype = dtype;
  t.rank = static_cast<std::uint32_t>(shape.size());
  std::size_t i = 0;
  for (auto d : shape) t.shape[i++] = d;
  return t;
}

std::size_t size_of(strata_dtype dtype) { return dtype == STRATA_DTYPE_F16 || dtype == STRATA_DTYPE_BF16 ? 2 : 4; }

bool select_isa(benchmark::State& state, std::int64_t arg) {
  const auto isa = arg == 0 ? strata_cpu::Isa::generic : strata_cpu::Isa::avx2;
  if (!strata_cpu::force_isa(isa)) {
    state.SkipWithError("ISA variant not available on this CPU");
    return false;
  }
  state.SetLabel(std::string(strata_cpu::to_string(isa)));
  return true;
}

// args: M, K, N, weight dtype, isa
void BM_Matmul(benchmark::State& state) {
  const std::int64_t m = state.range(0), k = state.range(1), n = state.range(2);
  const auto dtype = static_cast<strata_dtype>(state.range(3));
  if (!select_isa(state, state.range(4))) return;
  Memory x(static_cast<std::size_t>(m * k) * 4), w(static_cast<std::size_t>(n * k) * size_of(dtype)),
      out(static_cast<std::size_t>(m * n) * 4);
  strata_op op{};
  op.kind = STRATA_OP_MATMUL;
  op.n_inputs = 2;
  op.inputs[0] = tensor(x, STRATA_DTYPE_F32, {m, k});
  op.inputs[1] = tensor(w, dtype, {n, k});
  op.output = tensor(out, STRATA_DTYPE_F32, {m, n});
  for (auto _ : state) strata_cpu::execute(op, resolve);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(w.bytes.size()));
  state.counters["GFLOP/s"] = benchmark::Counter(
      static_cast<double>(2 * m * n * k) * static_cast<double>(state.iterations()) * 1e-9, benchmark::Counter::kIsRate);
}

// The two matmul paths side by side for few rows of x: args M, weight dtype, path (0 =
// streaming, 1 = sgemm). gemm_min_rows is where the second overtakes the first.
void BM_MatmulPath(benchmark::State& state) {
  const strata_cpu::MatmulShape shape{state.range(0), 2048, 2048};
  const auto dtype = static_cast<strata_dtype>(state.range(1));
  Memory x(static_cast<std::size_t>(shape.m * shape.k) * 4),
      w(static_cast<std::size_t>(shape.n * shape.k) * size_of(dtype)),
      out(static_cast<std::size_t>(shape.m * shape.n) * 4);
  const auto* xp = reinterpret_cast<const float*>(x.bytes.data());
  auto* op = reinterpret_cast<float*>(out.bytes.data());
  for (auto _ : state) {
    if (state.range(2) == 0)
      strata_cpu::matmul_streaming(shape, xp, w.bytes.data(), dtype, op);
    else
      strata_cpu::matmul_gemm(shape, xp, w.bytes.data(), dtype, op);
  }
  state.SetLabel(state.range(2) == 0 ? "streaming" : "sgemm");
  state.counters["GFLOP/s"] = benchmark::Counter(
      static_cast<double>(2 * shape.m * shape.n * shape.k) * static_cast<double>(state.iterations()) * 1e-9,
      benchmark::Counter::kIsRate);
}

// args: cache length S, kv dtype, T, sliding window (0: none; ABI 1.2)
void BM_Attention(benchmark::State& state) {
  const std::int64_t s = state.range(0), t = state.range(2), hq = 32, hkv = 8, d = 64, window = state.range(3);
  const auto dtype = static_cast<strata_dtype>(state.range(1));
  Memory q(static_cast<std::size_t>(t * hq * d) * 4), k(static_cast<std::size_t>(s * hkv * d) * size_of(dtype)),
      v(static_cast<std::size_t>(s * hkv * d) * size_of(dtype)), out(static_cast<std::size_t>(t * hq * d) * 4);
  strata_op op{};
  op.kind = STRATA_OP_ATTENTION;
  op.n_inputs = 3;
  op.inputs[0] = tensor(q, STRATA_DTYPE_F32, {t, hq, d});
  op.inputs[1] = tensor(k, dtype, {s, hkv, d});
  op.inputs[2] = tensor(v, dtype, {s, hkv, d});
  op.output = tensor(out, STRATA_DTYPE_F32, {t, hq, d});
  op.params.attention.n_past = s - t;
  op.params.attention.scale = 0.125f;
  op.params.attention.causal = 1;
  op.params.attention.window = window;
  for (auto _ : state) strata_cpu::execute(op, resolve);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(k.bytes.size() + v.bytes.size()));
}

// args: op kind, rows, row length
void BM_RowOp(benchmark::State& state) {
  const auto kind = static_cast<strata_op_kind>(state.range(0));
  const std::int64_t rows = state.range(1), n = state.range(2);
  Memory x(static_cast<std::size_t>(rows * n) * 4), y(static_cast<std::size_t>(rows * n) * 4, 0.5f),
      out(static_cast<std::size_t>(rows * n) * 4);
  strata_op op{};
  op.kind = kind;
  op.n_inputs = kind == STRATA_OP_SOFTMAX || kind == STRATA_OP_SILU ? 1 : 2;
  op.inputs[0] = tensor(x, STRATA_DTYPE_F32, {rows, n});
  op.inputs[1] = kind == STRATA_OP_RMS_NORM ? tensor(y, STRATA_DTYPE_F32, {n}) : tensor(y, STRATA_DTYPE_F32, {rows, n});
  op.output = tensor(out, STRATA_DTYPE_F32, {rows, n});
  op.params.norm.eps = 1e-6f;
  if (kind == STRATA_OP_SOFTMAX) op.params.softmax.scale = 1.0f;
  for (auto _ : state) strata_cpu::execute(op, resolve);
  state.SetBytesProcessed(state.iterations() * rows * n * 4 * (op.n_inputs + 1));
  state.SetLabel(kind == STRATA_OP_RMS_NORM   ? "rms_norm"
                 : kind == STRATA_OP_SOFTMAX  ? "softmax"
                 : kind == STRATA_OP_SILU_MUL ? "silu_mul"
                                              : "op");
}

// args: from dtype, to dtype, isa
void BM_Convert(benchmark::State& state) {
  const auto from = static_cast<strata_dtype>(state.range(0)), to = static_cast<strata_dtype>(state.range(1));
  if (!select_isa(state, state.range(2))) return;
  constexpr std::int64_t n = 8 << 20;
  Memory in(n * size_of(from)), out(n * size_of(to));
  strata_op op{};
  op.kind = STRATA_OP_COPY;
  op.n_inputs = 1;
  op.inputs[0] = tensor(in, from, {n});
  op.output = tensor(out, to, {n});
  for (auto _ : state) strata_cpu::execute(op, resolve);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(in.bytes.size() + out.bytes.size()));
}

constexpr std::int64_t f32 = STRATA_DTYPE_F32, f16 = STRATA_DTYPE_F16, bf16 = STRATA_DTYPE_BF16;

BENCHMARK(BM_Matmul)
    ->ArgNames({"M", "K", "N", "dtype", "isa"})
    ->ArgsProduct({{1}, {2048}, {2048, 8192}, {f32, f16, bf16}, {0, 1}})
    ->Args({1, 2048, 32000, f16, 1})
    ->Args({128, 2048, 2048, f32, 1})
    ->Args({128, 2048, 2048, f16, 1})
    ->Args({512, 2048, 8192, bf16, 1})
    ->UseRealTime();
BENCHMARK(BM_MatmulPath)
    ->ArgNames({"M", "dtype", "path"})
    ->ArgsProduct({{4, 8, 12, 16, 24, 32}, {f32, f16}, {0, 1}})
    ->UseRealTime();
BENCHMARK(BM_Attention)
    ->ArgNames({"S", "dtype", "T", "window"})
    ->ArgsProduct({{512, 4096}, {f32, f16}, {1}, {0}})
    ->Args({512, f16, 128, 0})
    ->Args({4096, f16, 1, 512})  // a window reads only its keys: about the cost of S = 512
    ->Args({4096, f16, 128, 512})
    ->UseRealTime();
BENCHMARK(BM_RowOp)
    ->ArgNames({"kind", "rows", "n"})
    ->Args({STRATA_OP_RMS_NORM, 1, 2048})
    ->Args({STRATA_OP_RMS_NORM, 128, 2048})
    ->Args({STRATA_OP_SOFTMAX, 1, 32000})
    ->Args({STRATA_OP_SILU_MUL, 1, 8192})
    ->Args({STRATA_OP_SILU_MUL, 128, 8192})
    ->UseRealTime();
BENCHMARK(BM_Convert)
    ->ArgNames({"from", "to", "isa"})
    ->ArgsProduct({{f32}, {f16, bf16}, {0, 1}})
    ->Args({f16, f32, 1})
    ->UseRealTime();

}  // namespace

// STRATA_BENCH_THREADS=n limits TBB to n threads: with 1 and CPU time, kernel variants can be
// compared on a machine that other work keeps busy.
int main(int argc, char** argv) {
  const char* threads = std::getenv("STRATA_BENCH_THREADS");
  const std::size_t limit = threads != nullptr ? std::strtoul(threads, nullptr, 10) : 0;
  std::optional<tbb::global_control> control;
  if (limit > 0) control.emplace(tbb::global_control::max_allowed_parallelism, limit);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
