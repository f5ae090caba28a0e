// The cost model corrects its per-op sum over a decoder layer by the device's reference layer,
// measured whole: every layer then costs what the reference layer measured beyond its own sum.
#include "planning_fixtures.hpp"

#include <strata/model.hpp>
#include <strata/planner.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <map>

namespace strata {
namespace {

constexpr std::int64_t layers = 4;

// A measured GPU: every figure the cost model reads, and the reference layer (by tokens) as given.
DeviceInfo measured_gpu(std::map<std::int64_t, double> layer_seconds) {
  DeviceInfo info = testing::gpu("opencl:0", 16 * testing::GiB);
  info.caps.exact_speeds = false;
  DeviceMeasurements m;
  for (DType dtype : {DType::f32, DType::f16}) {
    m.matvec_bandwidth[dtype] = 500e9;
    m.matmul_flops[dtype] = 20e12;
    m.small_matmul_flops[dtype] = 5e12;
  }
  m.host_to_device = m.device_to_host = 10e9;
  m.op_seconds = 3e-6;
  m.round_trip_seconds = 20e-6;
  m.op_kind_seconds = {{"add", 3e-6},  {"rms_norm", 4e-6},   {"rope", 4e-6},      {"silu_mul", 4e-6},
                       {"copy", 3e-6}, {"attention", 12e-6}, {"embedding", 3e-6}, {"attention_prompt", 15e-6}};
  m.layer_seconds = std::move(layer_seconds);
  info.measured = m;
  return info;
}

PlanReport report_on(const DeviceInfo& device) {
  PlanOptions options;
  options.workload.context_length = 256;
  options.workload.max_batch_tokens = 64;
  options.workload.prompt_tokens = 64;  // one piece of 64 tokens
  return plan(testing::small_llama(layers, 1024), {device}, device.name, options).report;
}

double prefill_seconds(const PlanReport& report) { return 64.0 / report.prefill_tokens_per_second; }

TEST(LayerCorrection, EachLayerCostsWhatTheReferenceLayerMeasuredBeyondItsSum) {
  const PlanReport base = report_on(measured_gpu({{1, 200e-6}, {32, 400e-6}, {128, 900e-6}}));
  const PlanReport slower = report_on(measured_gpu({{1, 230e-6}, {32, 460e-6}, {128, 1020e-6}}));
  ASSERT_TRUE(std::isfinite(base.latency_ms) && std::isfinite(slower.latency_ms));
  // 30 µs more per layer at one token; a 64-token piece lies a third of the way from 32 tokens
  // (60 µs more) to 128 (120 µs more): 80 µs more per layer.
  EXPECT_NEAR(slower.latency_ms - base.latency_ms, layers * 30e-3, 1e-9);
  EXPECT_NEAR(prefill_seconds(slower) - prefill_seconds(base), layers * 80e-6, 1e-12);
}

TEST(LayerCorrection, BeyondTheLargestPieceTheErrorPerTokenStays) {
  PlanOptions options;
  options.workload.context_length = 512;
  options.workload.max_batch_tokens = 256;
  options.workload.prompt_tokens = 256;  // one piece, twice the largest measured
  const ModelGraph graph = testing::small_llama(layers, 1024);
  auto prefill = [&](std::map<std::int64_t, double> layer) {
    const DeviceInfo device = measured_gpu(std::move(layer));
    return 256.0 / plan(graph, {device}, device.name, options).report.prefill_tokens_per_second;
  };
  const double base = prefill({{1, 200e-6}, {32, 400e-6}, {128, 900e-6}});
  const double slower = prefill({{1, 200e-6}, {32, 400e-6}, {128, 1000e-6}});
  EXPECT_NEAR(slower - base, layers * 200e-6, 1e-12);  // 100 µs more at 128 tokens, twice at 256
}

TEST(LayerCorrection, AFastReferenceLayerMakesLayersFasterThanTheirOpsTimedAlone) {
  const PlanReport alone = report_on(measured_gpu({}));
  const PlanReport together = report_on(measured_gpu({{1, 1e-6}, {32, 2e-6}, {128, 3e-6}}));
  EXPECT_LT(together.latency_ms, alone.latency_ms);
  EXPECT_GT(together.prefill_tokens_per_second, alone.prefill_tokens_per_second);
}

TEST(LayerCorrection, NeverPredictsALayerFasterThanItsWeightsStream) {
  // A reference layer measured at next to no time: each layer still reads its weights.
  const ModelGraph graph = testing::small_llama(layers, 1024);
  const PlanReport report = report_on(measured_gpu({{1, 1e-12}, {32, 1e-12}, {128, 1e-12}}));
  double layer_bytes = 0;
  for (const Unit& unit : graph.units)
    if (unit.kind == UnitKind::decoder_layer) layer_bytes += static_cast<double>(unit.weight_bytes_read_per_token);
  EXPECT_GE(report.latency_ms, 1e3 * layer_bytes / 500e9);
}

}  // namespace
}  // namespace strata
