#include "planning/plan_report.hpp"

#include "planning/name_lists.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace strata::detail {
namespace {

// Seconds of one step of `step`'s rows (tokens x batch) through every unit on `assignment`, one
// after another, with the transfers between devices; a step that wants no logits (rows 0) moves
// nothing into the final norm and lm_head.
double step_seconds(const PlanProblem& problem, const Assignment& assignment, const StepShape& step) {
  const PlanView view = problem.view();
  double total = 0;
  for (std::uint32_t u = 0; u < view.unit_count(); ++u) {
    total += problem.costs->seconds(u, assignment[u], step);
    if (u + 1 == view.unit_count() || assignment[u + 1] == assignment[u]) continue;
    const UnitKind next = problem.graph->units[u + 1].kind;
    if (step.rows == 0 && (next == UnitKind::final_norm || next == UnitKind::lm_head)) continue;
    const double bytes =
        static_cast<double>(problem.graph->units[u].activation_bytes) * static_cast<double>(step.tokens * step.batch);
    total += view.latency(assignment[u], assignment[u + 1]) + bytes / view.bandwidth(assignment[u], assignment[u + 1]);
  }
  return total;
}

// Seconds to prefill the workload's prompt on `assignment`: the prompt in pieces of at most
// max_batch_tokens, each a step (the final norm and lm_head only for the last piece's last token).
double prefill_seconds(const PlanProblem& problem, const Assignment& assignment) {
  const Workload& workload = problem.workload;
  const std::int64_t piece = std::min(workload.max_batch_tokens, workload.context_length);
  double total = 0;
  for (std::int64_t start = 0; start < workload.prompt_tokens; start += piece) {
    const std::int64_t tokens = std::min(piece, workload.prompt_tokens - start);
    const bool last = start + tokens == workload.prompt_tokens;
    total += step_seconds(problem, assignment, StepShape{tokens, start + tokens, last ? 1 : 0, workload.batch_size});
  }
  return total;
}

// Whether a Session pipelines micro-batches over `assignment`: two or more runs of consecutive
// units, each on a device of its own ("disk" counts as a device: its units have a slot of their own).
bool session_pipelines(const PlanView& view, const Assignment& assignment) {
  std::vector<std::uint32_t> runs;
  for (std::uint32_t u = 0; u < view.unit_count(); ++u)
    if (runs.empty() || runs.back() != assignment[u]) runs.push_back(assignment[u]);
  std::vector<std::uint32_t> sorted = runs;
  std::sort(sorted.begin(), sorted.end());
  return runs.size() > 1 && std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end();
}

// "sample:0 does not run model.layers.0-7 (rope (...))": why a device was passed over.
std::vector<std::string> refusal_notes(const PlanProblem& problem) {
  std::vector<std::string> notes;
  const PlanView view = problem.view();
  for (std::uint32_t d = 0; d < view.device_count(); ++d) {
    std::vector<std::string> units;
    std::string first_reason;
    for (std::uint32_t u = 0; u < view.unit_count(); ++u) {
      const std::string& why = problem.refusal(u, d);
      if (why.empty() || why.starts_with("nothing")) continue;
      units.push_back(problem.unit_names[u]);
      if (first_reason.empty()) first_reason = why;
    }
    if (!units.empty())
      notes.push_back(fmt::format("{} does not run {} (it does not support {}{})", problem.device_names[d],
                                  summarize_names(units), first_reason, units.size() > 1 ? ", among others" : ""));
  }
  return notes;
}

}  // namespace

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
  std::map<std::uint32_t, std::vector<std::string>> views_used;  // hardware -> its views that hold units
  for (std::uint32_t d = 0; d < view.device_count(); ++d) {
    DevicePlan device;
    device.name = problem.device_names[d];
    device.kind = problem.device_kinds[d];
    device.offload_tier = view.is_offload(d);
    const std::uint32_t hardware = view.hardware(d);
    if (hardware < problem.hardware_names.size()) device.hardware = problem.hardware_names[hardware];
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
    if (!device.units.empty()) {
      device.bound = compute > memory ? "compute" : "memory";
      if (hardware < problem.hardware_names.size()) views_used[hardware].push_back(device.name);
    }
    report.devices.push_back(std::move(device));
  }
  const double batch = static_cast<double>(problem.workload.batch_size);
  const double micro_batches = static_cast<double>(problem.workload.micro_batches);
  report.latency_ms = evaluation.latency * 1e3;
  report.transfer_ms = evaluation.transfer * 1e3;
  report.bottleneck_ms = evaluation.bottleneck * 1e3;
  if (evaluation.bottleneck_hardware != STRATA_PLAN_NONE && views_used[evaluation.bottleneck_hardware].size() > 1)
    report.bottleneck = fmt::format("{}", fmt::join(views_used[evaluation.bottleneck_hardware], "+"));
  else if (evaluation.bottleneck_from == evaluation.bottleneck_to)
    report.bottleneck = problem.device_names[evaluation.bottleneck_from];
  else
    report.bottleneck = fmt::format("{}->{}", problem.device_names[evaluation.bottleneck_from],
                                    problem.device_names[evaluation.bottleneck_to]);
  // Micro-batches in flight need a pipeline; where a session cannot pipeline (one device, or a
  // device in two places) it decodes every sequence in one batched step instead.
  const double cycle = problem.workload.micro_batches > 1 && !session_pipelines(view, assignment)
                           ? step_seconds(problem, assignment,
                                          StepShape{1, problem.workload.context_length, 1,
                                                    problem.workload.batch_size * problem.workload.micro_batches})
                           : evaluation.cycle(problem.workload.micro_batches);
  report.tokens_per_second = cycle > 0 ? batch * micro_batches / cycle : 0;
  report.pipelined_tokens_per_second = evaluation.bottleneck > 0 ? batch / evaluation.bottleneck : 0;
  const double prefill = prefill_seconds(problem, assignment);
  report.prefill_tokens_per_second =
      prefill > 0 ? static_cast<double>(problem.workload.prompt_tokens) * batch / prefill : 0;
  if (std::isnan(prefill) || std::isnan(cycle)) {
    report.tokens_per_second = report.prefill_tokens_per_second = std::nan("");
    if (std::isnan(evaluation.bottleneck)) report.pipelined_tokens_per_second = std::nan("");
  }
  report.notes = problem.notes;
  for (std::string& note : refusal_notes(problem)) report.notes.push_back(std::move(note));
  for (std::uint32_t u = 0; u < view.unit_count(); ++u) {
    if (!view.is_disk(assignment[u])) continue;
    report.notes.push_back(
        fmt::format("disk reads are predicted at {:g} GB/s, an assumption "
                    "(PlanOptions::disk_bandwidth), not a measurement",
                    problem.disk_bandwidth / 1e9));
    break;
  }
  for (const auto& [hardware, names] : views_used)
    if (names.size() > 1)
      report.notes.push_back(fmt::format("{} are views of {}: their times add up, in a pipeline too",
                                         fmt::join(names, ", "), problem.hardware_names[hardware]));
  for (std::string& note : notes) report.notes.push_back(std::move(note));
  return result;
}

}  // namespace strata::detail
