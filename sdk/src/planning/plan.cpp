// strata::plan and strata::plan_with_map: build the request, run the strategy, check the answer
// against the budgets and what each device runs, keep the offload rule, and report.
#include "planning/offload_fill.hpp"
#include "planning/plan_problem.hpp"
#include "planning/plan_report.hpp"
#include "planning/planner_registry.hpp"
#include "planning/shortfall.hpp"
#include "runtime/skipped_plugins.hpp"

#include <strata/error.hpp>
#include <strata/planner.hpp>
#include <strata/runtime.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace strata {
namespace {

using detail::Assignment;

[[noreturn]] void does_not_fit(const std::string& message) { throw Error(StatusCode::out_of_memory, message); }

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Why unit u may not go to device d, as an error names it; "" when it may.
std::string refusal_message(const detail::PlanProblem& problem, std::uint32_t u, std::uint32_t d) {
  const std::string& why = problem.refusal(u, d);
  if (why.empty()) return {};
  if (why.starts_with("nothing")) return fmt::format("{} runs {}", problem.device_names[d], why);
  return fmt::format("{} cannot run on {}: the device does not support {}", problem.unit_names[u],
                     problem.device_names[d], why);
}

// A unit no device runs: nothing can be planned.
void check_every_unit_runs_somewhere(const detail::PlanProblem& problem) {
  const detail::PlanView view = problem.view();
  for (std::uint32_t u = 0; u < view.unit_count(); ++u) {
    std::vector<std::string> reasons;
    for (std::uint32_t d = 0; d < view.device_count() && reasons.size() == d; ++d)
      if (!view.runs(u, d))
        reasons.push_back(fmt::format("{} does not support {}", problem.device_names[d], problem.refusal(u, d)));
    if (reasons.size() == view.device_count())
      throw Error(StatusCode::unsupported,
                  fmt::format("planning: no device runs {}: {}", problem.unit_names[u], fmt::join(reasons, "; ")));
  }
}

// Every unit on one device; fails with what is missing there.
Assignment single_device(const detail::PlanProblem& problem, std::uint32_t device) {
  const detail::PlanView view = problem.view();
  Assignment assignment(view.unit_count(), device);
  for (std::uint32_t u = 0; u < view.unit_count(); ++u)
    if (const std::string why = refusal_message(problem, u, device); !why.empty())
      throw Error(StatusCode::unsupported, fmt::format("planning: {}", why));
  const detail::MemoryLoads loads(view, assignment);
  if (loads.first_over_budget() < view.device_count())
    does_not_fit(fmt::format("the model does not fit on {}: {}", problem.device_names[device],
                             detail::over_budget_message(view, loads)));
  return assignment;
}

void check_answer(const detail::PlanProblem& problem, const Assignment& assignment, std::string_view planner) {
  const detail::PlanView view = problem.view();
  for (std::uint32_t u = 0; u < view.unit_count(); ++u) {
    if (assignment[u] >= view.device_count())
      throw Error(StatusCode::internal, fmt::format("planner {} left unit {} without a valid device (index {})",
                                                    planner, problem.unit_names[u], assignment[u]));
    if (const std::string why = refusal_message(problem, u, assignment[u]); !why.empty())
      throw Error(StatusCode::internal, fmt::format("planner {} placed a unit where it cannot run: {}", planner, why));
  }
  const detail::MemoryLoads loads(view, assignment);
  if (loads.first_over_budget() < view.device_count())
    throw Error(StatusCode::internal, fmt::format("planner {} returned a plan over budget: {}", planner,
                                                  detail::over_budget_message(view, loads)));
}

std::string strategies_text(const detail::PlanProblem& problem) {
  std::vector<std::string> names{"auto"};
  for (const PlannerInfo& info : planners()) names.push_back(info.name);
  return fmt::format("the strategies are {}, or one device: {}", fmt::join(names, ", "),
                     fmt::join(problem.device_names, ", "));
}

}  // namespace

PlanResult plan(const ModelGraph& graph, const std::vector<DeviceInfo>& devices, std::string_view strategy_name,
                const PlanOptions& options) {
  std::string strategy = lower(strategy_name);
  if (strategy == "auto") strategy = "balanced";
  const std::optional<detail::RegisteredPlanner> planner = detail::PlannerRegistry::instance().find(strategy);
  // Planners that do not choose among the views of one piece of hardware get one of each.
  const bool one_view = planner && !planner->chooses_among_views();
  const std::unique_ptr<detail::PlanProblem> problem = detail::build_problem(graph, devices, options, one_view);
  const detail::PlanView view = problem->view();

  // A device name puts everything there, as device_map="cuda:0" does.
  const std::uint32_t device = problem->device_index(strategy_name);
  if (!planner && device < view.device_count())
    return detail::make_result(*problem, single_device(*problem, device), std::string(strategy_name), {});
  for (const auto& [name, why] : problem->left_out)
    if (!planner && name == strategy_name)
      throw Error(StatusCode::invalid_argument, fmt::format("planning: {} is not planned on: {}", name, why));
  if (!planner)
    throw Error(StatusCode::invalid_argument,
                fmt::format("planning: unknown strategy '{}'; {}", strategy_name, strategies_text(*problem)));

  check_every_unit_runs_somewhere(*problem);
  if (const std::string shortfall = detail::capacity_shortfall(view); !shortfall.empty()) does_not_fit(shortfall);
  Assignment assignment = detail::run_planner(*planner, problem->request);
  check_answer(*problem, assignment, strategy);

  // The offload rule is Hugging Face's memory rule; a planner that places by speed over every
  // device keeps its answer (moving a unit it kept on purpose could only make the plan slower).
  std::vector<std::string> notes;
  if (options.fill_offload_gaps && !planner->chooses_among_views()) {
    const std::size_t moved = detail::fill_offload_gaps(view, assignment);
    if (moved > 0)
      notes.push_back(fmt::format("moved {} unit{} from an offload tier into room left on a faster device", moved,
                                  moved == 1 ? "" : "s"));
  }
  return detail::make_result(*problem, assignment, strategy, std::move(notes));
}

PlanResult plan_with_map(const ModelGraph& graph, const std::vector<DeviceInfo>& devices, const DeviceMap& map,
                         const PlanOptions& options) {
  const std::unique_ptr<detail::PlanProblem> problem = detail::build_problem(graph, devices, options, false);
  const detail::PlanView view = problem->view();
  const std::vector<std::string> targets = map.resolve(graph);
  Assignment assignment(view.unit_count());
  for (std::uint32_t u = 0; u < view.unit_count(); ++u) {
    const std::uint32_t device = problem->device_index(targets[u]);
    if (device >= view.device_count()) {
      std::string why = "it does not exist";
      for (const auto& [name, reason] : problem->left_out)
        if (name == targets[u]) why = reason;
      throw Error(StatusCode::invalid_argument,
                  fmt::format("device map: {} goes to '{}', but {}; the devices are {}", problem->unit_names[u],
                              targets[u], why, fmt::join(problem->device_names, ", ")));
    }
    if (const std::string why = refusal_message(*problem, u, device); !why.empty())
      throw Error(StatusCode::unsupported,
                  fmt::format("device map: {}; send {} to another device", why, problem->unit_names[u]));
    assignment[u] = device;
  }
  const detail::MemoryLoads loads(view, assignment);
  if (loads.first_over_budget() < view.device_count())
    does_not_fit(fmt::format("the device map does not fit: {}", detail::over_budget_message(view, loads)));
  return detail::make_result(*problem, assignment, "map", {});
}

namespace {

// `error` again, with a note for each named device that is missing because its plugin was skipped.
[[noreturn]] void rethrow_with_skipped_plugins(const Error& error, const Runtime& runtime,
                                               const std::vector<std::string>& names) {
  std::string notes;
  for (const std::string& name : names)
    if (!runtime.find_device(name)) notes += detail::skipped_plugin_note(runtime.plugins(), name);
  if (notes.empty()) throw error;
  throw Error(error.code(), error.what() + notes);
}

std::vector<DeviceInfo> infos_of(const Runtime& runtime) {
  std::vector<DeviceInfo> infos;
  for (const Device& device : runtime.devices()) infos.push_back(device.info());
  return infos;
}

}  // namespace

PlanOptions::Supports device_support(const Runtime& runtime) {
  return [&runtime](const std::string& name, const Op& op) {
    const std::optional<Device> device = runtime.find_device(name);
    return device && device->supports(op);
  };
}

PlanResult plan(const ModelGraph& graph, const Runtime& runtime, std::string_view strategy, PlanOptions options) {
  if (!options.supports) options.supports = device_support(runtime);
  try {
    return plan(graph, infos_of(runtime), strategy, options);
  } catch (const Error& error) {
    rethrow_with_skipped_plugins(error, runtime, {std::string(strategy)});
  }
}

PlanResult plan_with_map(const ModelGraph& graph, const Runtime& runtime, const DeviceMap& map, PlanOptions options) {
  if (!options.supports) options.supports = device_support(runtime);
  try {
    return plan_with_map(graph, infos_of(runtime), map, options);
  } catch (const Error& error) {
    std::vector<std::string> targets;
    for (const auto& [prefix, target] : map.entries()) targets.push_back(target);
    rethrow_with_skipped_plugins(error, runtime, targets);
  }
}

}  // namespace strata
