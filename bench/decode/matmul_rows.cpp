// strata_matmul_rows_bench: one weight matrix multiplied by 1 to 32 rows of x on one device, the
// shape of a batched decode step's products, each row count beside one row in the same run. Shows
// where a backend stops reading the weights once for all rows (its kernel for a few rows of x)
// and where it changes kernels.
//
//   strata_matmul_rows_bench [--device cpu] [--n 8192] [--k 2048] [--dtype f16]
#include <strata/device.hpp>
#include <strata/ops.hpp>
#include <strata/queue.hpp>
#include <strata/runtime.hpp>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <exception>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  std::string device_name = "cpu";
  std::int64_t n = 8192;
  std::int64_t k = 2048;
  std::string dtype_name = "f16";
  CLI::App app{"strata_matmul_rows_bench: a weight matrix times 1 to 32 rows of x"};
  app.add_option("--device", device_name, "the device")->capture_default_str();
  app.add_option("--n", n, "weight rows")->check(CLI::Range(1, 1 << 20))->capture_default_str();
  app.add_option("--k", k, "weight columns")->check(CLI::Range(1, 1 << 20))->capture_default_str();
  app.add_option("--dtype", dtype_name, "the weights' dtype: f32, f16 or bf16")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    const auto dtype = strata::parse_dtype(dtype_name);
    if (!dtype || *dtype == strata::DType::i32) throw std::runtime_error("--dtype is f32, f16 or bf16");
    const strata::Runtime runtime;
    const strata::Device device = runtime.device(device_name);
    strata::Queue queue = device.create_queue();
    const strata::Tensor w(device, *dtype, {n, k});
    constexpr int products = 8;  // submitted at once, as a decode step submits a layer's
    fmt::print("{}: [{}, {}] {} weights; best of 5 rounds of {} products\n\n", device.name(), n, k, dtype_name,
               products);
    fmt::print("| rows of x | ms per product | x one row's time | rows per ms |\n|---:|---:|---:|---:|\n");
    double one_row = 0;
    for (const std::int64_t m : {1, 2, 4, 8, 9, 12, 16, 17, 32}) {
      const strata::Tensor x(device, strata::DType::f32, {m, k});
      const strata::Tensor y(device, strata::DType::f32, {m, n});
      const std::vector<strata::Op> ops(products, strata::ops::matmul(x, w, std::nullopt, y));
      queue.submit(ops);  // kernels built, pages touched
      queue.finish();
      double best = 1e30;
      for (int round = 0; round < 5; ++round) {
        const auto start = std::chrono::steady_clock::now();
        queue.submit(ops);
        queue.finish();
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
        best = std::min(best, took.count() / products);
      }
      if (m == 1) one_row = best;
      fmt::print("| {} | {:.2f} | {:.2f}x | {:.2f} |\n", m, best * 1e3, best / one_row,
                 static_cast<double>(m) / (best * 1e3));
    }
    return 0;
  } catch (const std::exception& error) {
    fmt::print(stderr, "strata_matmul_rows_bench: {}\n", error.what());
    return 1;
  }
}
