// Calibration, kept well under 100 ms on an idle machine by giving each measurement a time
// budget (15 ms of FLOP rounds, 20 ms of bandwidth passes after one warm-up pass; a busy
// machine stretches each round, and the result is then pessimistic as well):
//  - peak_flops: every TBB worker runs its own 256 x 256 x 256 f32 MATMUL through the
//    backend's kernels (tiled sgemm) at the same time; best of a few rounds. This is the
//    rate a compute-bound op (prefill) reaches on all cores.
//  - memory_bandwidth: a 1 x K by N x K MATMUL over 32 MiB of f32 weights, the decode path
//    itself: bytes of weights streamed per second; best of a few passes after one warm-up
//    pass (filling the weights has faulted the pages in). On CPUs whose last-level cache holds much of 32 MiB the
//    figure is partly cache bandwidth; a larger buffer would not fit the time budget.
#include "calibration.hpp"

#include <strata_cpu/kernels.hpp>

#include <strata_plugin/host.hpp>

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

namespace strata_cpu_plugin {
namespace {

using Clock = std::chrono::steady_clock;

// The kernels only need host addresses: here a "buffer handle" is the address itself.
strata_buffer* handle(std::vector<float>& memory) { return reinterpret_cast<strata_buffer*>(memory.data()); }

strata_tensor matrix(std::vector<float>& memory, std::int64_t rows, std::int64_t cols) {
  strata_tensor t{};
  t.buffer = handle(memory);
  t.dtype = STRATA_DTYPE_F32;
  t.rank = 2;
  t.shape[0] = rows;
  t.shape[1] = cols;
  return t;
}

strata_op matmul_op(std::vector<float>& x, std::vector<float>& w, std::vector<float>& out, std::int64_t m,
                    std::int64_t n, std::int64_t k) {
  strata_op op{};
  op.kind = STRATA_OP_MATMUL;
  op.n_inputs = 2;
  op.inputs[0] = matrix(x, m, k);
  op.inputs[1] = matrix(w, n, k);
  op.output = matrix(out, m, n);
  return op;
}

const strata_cpu::ResolveBuffer resolve = [](strata_buffer* b) { return reinterpret_cast<std::byte*>(b); };

// Runs `round` until `budget` has passed (at least `min_rounds` times); the fastest round.
template <typename Round>
double best_seconds(Round&& round, std::chrono::milliseconds budget, int min_rounds, int max_rounds) {
  const auto start = Clock::now();
  double best = 0;
  for (int i = 0; i < max_rounds; ++i) {
    const auto t0 = Clock::now();
    round();
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    best = i == 0 ? seconds : std::min(best, seconds);
    if (i + 1 >= min_rounds && Clock::now() - start > budget) break;
  }
  return best;
}

double measure_flops() {
  constexpr std::int64_t n = 256;
  const int workers = tbb::this_task_arena::max_concurrency();
  struct Problem {
    std::vector<float> x, w, out;
  };
  std::vector<Problem> problems(static_cast<std::size_t>(workers));
  for (Problem& p : problems) {
    p.x.assign(n * n, 0.5f);
    p.w.assign(n * n, 0.25f);
    p.out.assign(n * n, 0.0f);
  }
  tbb::parallel_for(0, workers, [](int) {});  // start the workers outside the timing
  const double seconds = best_seconds(
      [&] {
        tbb::parallel_for(0, workers, [&](int i) {
          Problem& p = problems[static_cast<std::size_t>(i)];
          strata_cpu::execute(matmul_op(p.x, p.w, p.out, n, n, n), resolve);
        });
      },
      std::chrono::milliseconds(15), 1, 20);
  return seconds > 0 ? 2.0 * n * n * n * workers / seconds : 0.0;
}

double measure_bandwidth() {
  constexpr std::int64_t k = 4096;
  constexpr std::int64_t n = (32ll << 20) / (k * 4);
  std::vector<float> x(k, 1.0f), w(static_cast<std::size_t>(n * k), 0.5f), out(n);
  const strata_op op = matmul_op(x, w, out, 1, n, k);
  strata_cpu::execute(op, resolve);  // warm: caches, TBB workers
  const double seconds = best_seconds([&] { strata_cpu::execute(op, resolve); }, std::chrono::milliseconds(20), 1, 10);
  return seconds > 0 ? static_cast<double>(n * k * 4) / seconds : 0.0;
}

SpeedProfile measure() {
  const char* setting = std::getenv("STRATA_CPU_CALIBRATE");
  if (setting != nullptr && std::strcmp(setting, "0") == 0) return {};
  const auto start = Clock::now();
  const SpeedProfile profile{measure_flops(), measure_bandwidth()};
  strata_plugin::log(STRATA_LOG_DEBUG,
                     fmt::format("cpu: calibrated in {:.1f} ms: {:.1f} GFLOP/s f32, {:.1f} GB/s streaming",
                                 std::chrono::duration<double, std::milli>(Clock::now() - start).count(),
                                 profile.peak_flops * 1e-9, profile.memory_bandwidth * 1e-9));
  return profile;
}

}  // namespace

const SpeedProfile& speed_profile() {
  static std::once_flag once;
  static SpeedProfile profile;
  std::call_once(once, [] { profile = measure(); });
  return profile;
}

}  // namespace strata_cpu_plugin
