// Uses the installed SDK: finds its plugins relative to the installed library, runs one op.
#include <strata/strata.hpp>

#include <cstdio>
#include <vector>

int main() {
  strata::Runtime runtime;
  strata::Device cpu = runtime.device("cpu");
  strata::Queue queue = cpu.create_queue();
  strata::Tensor x(cpu, strata::DType::f32, {4});
  strata::Tensor y(cpu, strata::DType::f32, {4});
  const std::vector<float> values{-2.0f, -0.5f, 0.5f, 2.0f};
  queue.write(x.view(), std::span<const float>(values));
  queue.submit(strata::ops::silu(x, y));
  std::vector<float> out(4);
  queue.read(y.view(), std::span<float>(out));
  // silu(2) = 2 / (1 + e^-2) = 1.7616
  if (out[3] < 1.76f || out[3] > 1.77f) {
    std::printf("wrong result %f\n", static_cast<double>(out[3]));
    return 1;
  }
  std::printf("installed SDK works: %zu device(s), silu(2) = %.4f\n", runtime.devices().size(),
              static_cast<double>(out[3]));
  return 0;
}
