#include "planning/plan_report.hpp"

#include <fmt/format.h>

namespace strata::detail {

PlanResult make_result(const PlanProblem& problem, const Assignment& assignment, std::string strategy,
                       std::vector<std::string> notes) {
  const PlanView view = problem.view();
  const MemoryLoads loads(view, assignment);
  const Evaluation evaluation = evaluate(view, assignment);

  PlanResult result;
  for (std::uint32_t u = 0; u < view.unit_count(); ++u) result.targets.push_back(problem.device_names[assignment[u]]);
  result.map = DeviceMap::from_targets(*problem.graph, result.targets);

  PlanReport& report = result.report;
  report.strategy = std::move(strategy);
  report.workload = problem.workload;
  for (std::uint32_t d = 0; d < view.device_count(); ++d) {
    DevicePlan device;
    device.name = problem.device_names[d];
    device.kind = problem.device_kinds[d];
    device.offload_tier = view.is_offload(d);
    device.weight_bytes = loads.load(d).weights;
    device.kv_bytes = loads.load(d).kv;
    device.workspace_bytes = loads.load(d).workspace;
    device.budget_bytes = view.device(d).budget_bytes;
    device.ms_per_token = evaluation.device_seconds[d] * 1e3;
    double compute = 0;
    double memory = 0;
    for (std::uint32_t u = 0; u < view.unit_count(); ++u) {
      if (assignment[u] != d) continue;
      device.units.push_back(problem.unit_names[u]);
      (problem.compute_bound[static_cast<std::size_t>(u) * view.device_count() + d] ? compute : memory) +=
          view.seconds(u, d);
    }
    if (!device.units.empty()) device.bound = compute > memory ? "compute" : "memory";
    report.devices.push_back(std::move(device));
  }
  const double batch = static_cast<double>(problem.workload.batch_size);
  report.latency_ms = evaluation.latency * 1e3;
  report.transfer_ms = evaluation.transfer * 1e3;
  report.bottleneck_ms = evaluation.bottleneck * 1e3;
  report.bottleneck = evaluation.bottleneck_from == evaluation.bottleneck_to
                          ? problem.device_names[evaluation.bottleneck_from]
                          : fmt::format("{}->{}", problem.device_names[evaluation.bottleneck_from],
                                        problem.device_names[evaluation.bottleneck_to]);
  report.tokens_per_second = evaluation.latency > 0 ? batch / evaluation.latency : 0;
  report.pipelined_tokens_per_second = evaluation.bottleneck > 0 ? batch / evaluation.bottleneck : 0;
  report.notes = problem.notes;
  for (std::string& note : notes) report.notes.push_back(std::move(note));
  return result;
}

}  // namespace strata::detail
