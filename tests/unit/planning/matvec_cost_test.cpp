// A one-row matrix product's time: a fixed cost, then the larger of its work in the caches (per
// row and per byte, from the three small products calibration times) and its weights streamed
// (the bytes at the bandwidth, each row what narrow rows showed beyond their bytes). The two
// overlap: a device that pays per row (a software device) does not pay it again on weights that
// stream from memory. The model: testing::small_llama, rows of 512 f16 weights (1 KiB).
#include "planning_fixtures.hpp"

#include <strata/model.hpp>
#include <strata/planner.hpp>

#include <gtest/gtest.h>

#include <cmath>

namespace strata {
namespace {

constexpr double fixed = 5e-6;
constexpr double cached_byte = 0.1e-9;  // 10 GB/s from the caches
constexpr double streamed_bandwidth = 1e9;

// The three small f16 products of a device that pays `per_row` for each output row.
DeviceInfo measured_device(double per_row) {
  DeviceInfo info = testing::gpu("vulkan:0", 16 * testing::GiB);
  info.caps.exact_speeds = false;
  auto product = [&](std::int64_t rows, std::int64_t columns) {
    return fixed + static_cast<double>(rows) * per_row + static_cast<double>(rows * columns * 2) * cached_byte;
  };
  constexpr std::int64_t small = DeviceMeasurements::small_dim;
  DeviceMeasurements m;
  m.matvec_bandwidth[DType::f16] = streamed_bandwidth;
  m.small_matvec_seconds[DType::f16] = product(small, small);
  m.tall_matvec_seconds[DType::f16] = product(DeviceMeasurements::tall_rows, small);
  m.wide_matvec_seconds[DType::f16] = product(small, DeviceMeasurements::wide_columns);
  m.matvec_bandwidth[DType::f32] = streamed_bandwidth;  // activations and the KV cache
  for (DType dtype : {DType::f32, DType::f16}) m.matmul_flops[dtype] = m.small_matmul_flops[dtype] = 1e12;
  m.host_to_device = m.device_to_host = 10e9;
  info.measured = m;
  return info;
}

double decode_seconds(const ModelGraph& graph, const DeviceInfo& device) {
  PlanOptions options;
  options.workload.context_length = 256;
  const PlanReport report = plan(graph, {device}, device.name, options).report;
  return report.latency_ms * 1e-3;
}

TEST(MatvecCost, RowsCostNothingMoreWhereTheBytesStreamSlower) {
  // 0.5 µs a row against 1 µs to stream a 512-wide f16 row: the streaming sets the time.
  const ModelGraph graph = testing::small_llama(2, 32000);
  const double without_row_costs = decode_seconds(graph, measured_device(0.0));
  const double with_row_costs = decode_seconds(graph, measured_device(0.5e-6));
  ASSERT_TRUE(std::isfinite(without_row_costs));
  EXPECT_NEAR(with_row_costs, without_row_costs, 1e-9);
}

TEST(MatvecCost, RowsSetTheTimeWhereTheyCostMoreThanStreaming) {
  // 4 µs a row: every product of the model costs its rows, the 32000-row head among them.
  const ModelGraph graph = testing::small_llama(2, 32000);
  const double streaming = decode_seconds(graph, measured_device(0.0));
  const double rows = decode_seconds(graph, measured_device(4e-6));
  EXPECT_GT(rows - streaming, 32000 * (4e-6 - 1e-6) * 0.99);
}

TEST(MatvecCost, StreamedRowsCostWhatNarrowRowsShowedBeyondTheirBytes) {
  // The same bytes in rows of 1024 f16 weights stream at half the speed of rows of 4096: per
  // byte, the narrow rows have 3/8192 more rows and take 1 ns more, so a streamed row costs
  // 8192/3 ns beyond its bytes, and the bytes alone stream at 1 / (1 ns - 1/3 ns) = 1.5 GB/s.
  auto device = [](double narrow_bandwidth) {
    DeviceInfo info = measured_device(0.0);
    info.measured->narrow_matvec_bandwidth[DType::f16] = narrow_bandwidth;
    return info;
  };
  const ModelGraph graph = testing::small_llama(2, 32000);
  const double same = decode_seconds(graph, device(streamed_bandwidth));
  const double narrow_slower = decode_seconds(graph, device(streamed_bandwidth / 2));
  EXPECT_NEAR(same, decode_seconds(graph, measured_device(0.0)), 1e-9) << "equal speeds: no cost per row";
  // The 32000-row head alone (rows of 512 f16 weights: 1 KiB) costs this much more.
  const double per_row = 8192.0 / 3.0 * 1e-9;
  const double head_more = 32000 * (per_row + 1024 / 1.5e9 - 1024 / streamed_bandwidth);
  EXPECT_GT(narrow_slower - same, head_more);
  EXPECT_LT(narrow_slower - same, 2 * head_more) << "the layers' 9216 rows add about a third more";
}

}  // namespace
}  // namespace strata
