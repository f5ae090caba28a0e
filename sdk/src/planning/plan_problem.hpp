// The host's side of planning: from a ModelGraph, the devices and the options to a
// strata_plan_request (planner.h), with the storage its pointers point into.
#pragma once

#include "planning/cost_model.hpp"
#include "planning/plan_view.hpp"

#include <strata/planner.h>
#include <strata/planner.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace strata::detail {

struct PlanProblem {
  PlanProblem() = default;
  PlanProblem(const PlanProblem&) = delete;
  PlanProblem& operator=(const PlanProblem&) = delete;

  const ModelGraph* graph = nullptr;
  Workload workload;  // context, KV dtype and prompt resolved
  std::vector<std::string> unit_names;
  std::vector<std::string> device_names;
  std::vector<DeviceKind> device_kinds;
  std::vector<strata_plan_unit> units;
  std::vector<strata_plan_device> devices;
  std::vector<double> unit_seconds;
  std::vector<bool> compute_bound;  // per unit x device: compute time >= memory time
  // Per unit x device: "" when the device runs every op of the unit, else why not (the op).
  std::vector<std::string> refusals;
  std::vector<double> link_bandwidth;
  std::vector<double> link_latencies;
  std::unique_ptr<CostModel> costs;
  double disk_bandwidth = 0;  // assumed, not measured: noted when a plan puts units on disk
  std::string options_json;
  strata_plan_request request{};
  std::vector<std::string> notes;
  // Device names of the input that are not planned on (merged, left out by max_memory), with why.
  std::vector<std::pair<std::string, std::string>> left_out;
  std::vector<std::string> hardware_names;  // of strata_plan_device::hardware

  PlanView view() const { return PlanView(request); }
  std::uint32_t device_index(std::string_view name) const;  // device_count() when absent
  const std::string& refusal(std::uint32_t u, std::uint32_t d) const {
    return refusals[static_cast<std::size_t>(u) * device_names.size() + d];
  }
};

// `one_view`: keep one view of each piece of hardware (for planners without
// STRATA_PLANNER_CHOOSES_AMONG_VIEWS; explicit maps and device names may use any view).
std::unique_ptr<PlanProblem> build_problem(const ModelGraph& graph, const std::vector<DeviceInfo>& devices,
                                           const PlanOptions& options, bool one_view);

}  // namespace strata::detail
