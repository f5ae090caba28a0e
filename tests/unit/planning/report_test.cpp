// What `strata plan` shows: the table, the JSON and the SVG picture agree with the plan.
#include "planning_fixtures.hpp"

#include <strata/planner.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace strata {
namespace {

using testing::GiB;
using testing::UnitSpec;

PlanResult sample_plan() {
  std::vector<UnitSpec> specs(10, UnitSpec{GiB, 1e9, GiB, 4096, 4096});
  const ModelGraph graph = testing::chain_graph(specs);
  PlanOptions options;
  options.max_memory = {{"0", 4 * GiB}, {"1", 4 * GiB}, {"cpu", 64 * GiB}};
  options.workload.context_length = 1024;
  return plan(graph, {testing::gpu("opencl:0", 80 * GiB), testing::gpu("vulkan:0", 80 * GiB), testing::cpu(64 * GiB)},
              "sequential", options);
}

TEST(PlanReportFormats, JsonCarriesTheMapAndThePredictions) {
  const PlanResult result = sample_plan();
  const nlohmann::json document = nlohmann::json::parse(plan_to_json(result));
  EXPECT_EQ(DeviceMap::from_json(document["device_map"].dump()).entries(), result.map.entries());
  const auto& report = document["report"];
  EXPECT_EQ(report["strategy"], "sequential");
  EXPECT_EQ(report["context_length"], 1024);
  ASSERT_EQ(report["devices"].size(), result.report.devices.size());
  EXPECT_EQ(report["devices"][0]["name"], "opencl:0");
  EXPECT_EQ(report["devices"][0]["units"].size(), result.report.devices[0].units.size());
  EXPECT_EQ(report["devices"][0]["kv_bytes"], result.report.devices[0].kv_bytes);
  EXPECT_TRUE(report["devices"].back()["budget_bytes"].is_null());  // disk: unlimited
  EXPECT_DOUBLE_EQ(report["latency_ms"].get<double>(), result.report.latency_ms);
}

TEST(PlanReportFormats, TableHasARowPerDevice) {
  const PlanResult result = sample_plan();
  const std::string table = format_plan_table(result.report);
  for (const DevicePlan& device : result.report.devices) EXPECT_NE(table.find(device.name), std::string::npos);
  EXPECT_NE(table.find("model.layers.2..4"), std::string::npos) << table;
  EXPECT_NE(table.find("ms per token"), std::string::npos);
}

TEST(PlanReportFormats, SvgDrawsEveryUnitAndEveryDevice) {
  const PlanResult result = sample_plan();
  const std::string svg = plan_to_svg(result, "10 x 1 GiB <test>");
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_NE(svg.find("10 x 1 GiB &lt;test&gt;"), std::string::npos);  // escaped
  for (const DevicePlan& device : result.report.devices)
    EXPECT_NE(svg.find(">" + device.name + "<"), std::string::npos);
  // One cell per unit in the strip, in the colour of its device.
  std::size_t cells = 0;
  for (std::size_t at = svg.find("height=\"26\""); at != std::string::npos; at = svg.find("height=\"26\"", at + 1))
    ++cells;
  EXPECT_EQ(cells, result.targets.size());
}

}  // namespace
}  // namespace strata
