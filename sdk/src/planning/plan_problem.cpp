#include "planning/plan_problem.hpp"

#include "model/unit_ops.hpp"
#include "planning/device_selection.hpp"

#include <strata/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <set>

namespace strata::detail {
namespace {

[[noreturn]] void bad_option(const std::string& message) { throw Error(StatusCode::invalid_argument, message); }

std::uint64_t times(std::uint64_t value, double factor) {
  const double product = std::ceil(static_cast<double>(value) * factor);
  return product >= 1.8e19 ? UINT64_MAX : static_cast<std::uint64_t>(product);
}

Workload resolve_workload(const ModelGraph& graph, const PlanOptions& options) {
  Workload workload = options.workload;
  if (workload.batch_size < 1)
    bad_option(fmt::format("planning: batch size must be >= 1, not {}", workload.batch_size));
  if (workload.micro_batches < 1)
    bad_option(fmt::format("planning: micro-batches must be >= 1, not {}", workload.micro_batches));
  if (workload.max_batch_tokens < 1)
    bad_option(fmt::format("planning: max batch tokens must be >= 1, not {}", workload.max_batch_tokens));
  if (!workload.kv_dtype) workload.kv_dtype = graph.config.default_kv_dtype();
  if (*workload.kv_dtype != DType::f32 && *workload.kv_dtype != DType::f16 && *workload.kv_dtype != DType::bf16)
    bad_option("planning: the KV cache dtype must be f32, f16 or bf16");
  const std::int64_t limit = graph.config.context_limit();
  if (workload.context_length < 0)
    bad_option(fmt::format("planning: context length must be >= 1, not {}", workload.context_length));
  if (workload.context_length == 0) workload.context_length = limit > 0 ? std::min<std::int64_t>(4096, limit) : 4096;
  if (limit > 0 && workload.context_length > limit)
    bad_option(fmt::format("planning: context length {} is beyond the model's limit of {} tokens",
                           workload.context_length, limit));
  if (workload.prompt_tokens < 0)
    bad_option(fmt::format("planning: prompt tokens must be >= 0, not {}", workload.prompt_tokens));
  if (workload.prompt_tokens == 0)
    workload.prompt_tokens = std::min(workload.max_batch_tokens, workload.context_length);
  if (workload.prompt_tokens > workload.context_length)
    bad_option(fmt::format("planning: a prompt of {} tokens does not fit a context of {}", workload.prompt_tokens,
                           workload.context_length));
  return workload;
}

// Bytes of `unit`'s parameters that `partner` holds under the same names.
std::uint64_t shared_bytes(const Unit& unit, const Unit& partner) {
  std::uint64_t bytes = 0;
  for (const ParameterInfo& parameter : unit.parameters)
    if (partner.find_parameter(parameter.name)) bytes += parameter.bytes();
  return bytes;
}

// Asks `supports` about each distinct op once per device (the layers of a model ask the same).
class SupportCache {
 public:
  explicit SupportCache(const PlanOptions::Supports& supports) : supports_(supports) {}
  bool operator()(const std::string& device, const Op& op) {
    std::string key(device);
    key.append(reinterpret_cast<const char*>(&op.raw), sizeof(op.raw));
    const auto [it, inserted] = answers_.try_emplace(std::move(key), false);
    if (inserted) it->second = supports_(device, op);
    return it->second;
  }

 private:
  const PlanOptions::Supports& supports_;
  std::map<std::string, bool> answers_;
};

void check_options(const ModelGraph& graph, const PlanOptions& options) {
  if (graph.units.empty()) bad_option("planning: the model graph has no units");
  if (graph.units.size() >= STRATA_PLAN_NONE) bad_option("planning: too many units");
  if (!(options.workspace_factor >= 0) || !(options.disk_bandwidth > 0) || !(options.link_latency >= 0) ||
      !(options.reserve_fraction >= 0 && options.reserve_fraction < 1))
    bad_option(
        "planning: workspace factor, link latency and reserve fraction must be >= 0 (reserve < 1), disk "
        "bandwidth > 0");
}

}  // namespace

std::uint32_t PlanProblem::device_index(std::string_view name) const {
  for (std::uint32_t d = 0; d < device_names.size(); ++d)
    if (device_names[d] == name) return d;
  return static_cast<std::uint32_t>(device_names.size());
}

std::unique_ptr<PlanProblem> build_problem(const ModelGraph& graph, const std::vector<DeviceInfo>& infos,
                                           const PlanOptions& options, bool one_view) {
  check_options(graph, options);
  auto problem = std::make_unique<PlanProblem>();
  problem->graph = &graph;
  problem->workload = resolve_workload(graph, options);
  problem->disk_bandwidth = options.disk_bandwidth;
  const Workload& workload = problem->workload;
  const DType kv_dtype = *workload.kv_dtype;
  const auto batch = static_cast<double>(workload.batch_size);
  const auto sequences = static_cast<double>(workload.batch_size * workload.micro_batches);
  const auto context = static_cast<double>(workload.context_length);
  const double kv_scale = static_cast<double>(dtype_size(kv_dtype)) / 4.0;
  const auto step_tokens = static_cast<double>(std::min(workload.max_batch_tokens, workload.context_length)) * batch;

  DeviceSelection selection = select_devices(infos, options, one_view);
  problem->notes = std::move(selection.notes);
  problem->left_out = std::move(selection.left_out);
  problem->hardware_names = selection.hardware_names;

  // Units. The KV cache holds every sequence of the workload; a step runs one batch.
  std::set<std::string_view> seen;
  for (const Unit& unit : graph.units) {
    if (!seen.insert(unit.name).second) bad_option(fmt::format("planning: unit '{}' appears twice", unit.name));
    problem->unit_names.push_back(unit.name);
  }
  for (std::size_t u = 0; u < graph.units.size(); ++u) {
    const Unit& unit = graph.units[u];
    strata_plan_unit out{};
    out.kind = static_cast<strata_plan_unit_kind>(unit.kind);
    out.tied_to = STRATA_PLAN_NONE;
    out.weight_bytes = unit.parameter_bytes();
    if (!unit.tied_to.empty()) {
      const auto partner = std::find(problem->unit_names.begin(), problem->unit_names.end(), unit.tied_to);
      if (partner == problem->unit_names.end() || *partner == unit.name)
        bad_option(fmt::format("planning: unit '{}' is tied to '{}', which is not another unit of the model", unit.name,
                               unit.tied_to));
      out.tied_to = static_cast<std::uint32_t>(partner - problem->unit_names.begin());
      out.shared_weight_bytes = shared_bytes(unit, graph.units[out.tied_to]);
    }
    const std::uint64_t kv_per_token = times(unit.kv_bytes_per_token, kv_scale);
    out.kv_bytes = times(kv_per_token, context * sequences);
    const double workspace_tokens =
        unit.kind == UnitKind::lm_head ? step_tokens : step_tokens * options.workspace_factor;
    out.workspace_bytes = times(unit.activation_bytes, workspace_tokens);
    out.activation_bytes = times(unit.activation_bytes, batch);
    out.flops = (unit.flops_per_token + unit.flops_per_token_per_context * context) * batch;
    out.bytes_read = unit.weight_bytes_read_per_token + times(kv_per_token, context * batch);
    problem->units.push_back(out);
  }
  for (std::size_t u = 0; u < graph.units.size(); ++u) problem->units[u].name = problem->unit_names[u].c_str();

  // Devices, and what the cost model knows of each.
  const auto device_count = static_cast<std::uint32_t>(selection.devices.size());
  std::uint32_t cpu_index = STRATA_PLAN_NONE;
  for (std::uint32_t d = 0; d < device_count; ++d)
    if (selection.devices[d].name() == "cpu" && !selection.devices[d].disk) cpu_index = d;
  std::vector<CostDevice> cost_devices;
  for (std::uint32_t d = 0; d < device_count; ++d) {
    const SelectedDevice& device = selection.devices[d];
    problem->device_names.push_back(device.name());
    problem->device_kinds.push_back(device.info.kind);
    CostDevice cost;
    cost.name = device.name();
    cost.info = device.info;
    cost.disk = device.disk;
    cost.disk_bandwidth = options.disk_bandwidth;
    cost.queue = device.disk ? std::string("cpu") : device.name();
    std::vector<std::string> figure_notes;
    cost.figures = figures_of(device.info, figure_notes);
    if (!device.disk) problem->notes.insert(problem->notes.end(), figure_notes.begin(), figure_notes.end());
    strata_plan_device out{};
    out.kind = static_cast<strata_device_kind>(device.info.kind);
    out.flags = (device.offload ? static_cast<std::uint32_t>(STRATA_PLAN_DEVICE_OFFLOAD) : 0u) |
                (device.disk ? static_cast<std::uint32_t>(STRATA_PLAN_DEVICE_DISK) : 0u);
    out.hardware = device.hardware < selection.hardware_names.size() ? device.hardware : STRATA_PLAN_NONE;
    out.budget_bytes = device.budget;
    out.memory_device = device.disk ? cpu_index : d;
    const DType model_dtype = graph.config.dtype;
    auto known = [](double value) { return std::isfinite(value) ? value : 0.0; };
    out.peak_flops = known(cost.figures.flops(model_dtype));
    out.memory_bandwidth = known(device.disk ? options.disk_bandwidth : cost.figures.bandwidth(model_dtype));
    out.host_link_bandwidth = known(std::min(cost.figures.host_to_device, cost.figures.device_to_host));
    problem->devices.push_back(out);
    cost_devices.push_back(std::move(cost));
  }
  for (std::uint32_t d = 0; d < device_count; ++d) problem->devices[d].name = problem->device_names[d].c_str();
  problem->costs = std::make_unique<CostModel>(graph, kv_dtype, std::move(cost_devices), options.link_latency);
  const CostModel& costs = *problem->costs;

  // What each device runs: every op of the unit, asked with the shapes of this workload and the
  // dtypes the device would store. A unit goes nowhere it cannot run (unit_seconds = INFINITY).
  const auto unit_count = static_cast<std::uint32_t>(graph.units.size());
  problem->refusals.assign(static_cast<std::size_t>(unit_count) * device_count, std::string());
  if (options.supports) {
    SupportCache supports(options.supports);
    const std::int64_t capacity = std::min(workload.max_batch_tokens, workload.context_length);
    for (std::uint32_t d = 0; d < device_count; ++d) {
      const CostDevice& device = costs.device(d);
      for (std::uint32_t u = 0; u < unit_count; ++u) {
        // A hand-built graph without the Llama layout: its ops are not known, so not asked.
        if (!has_known_ops(graph.config, graph.units[u])) continue;
        const std::optional<std::string> refused = first_refused_op(
            graph.config, graph.units[u], device.info, kv_dtype, workload.context_length, capacity,
            [&](const Op& op) { return supports(device.queue, op); }, workload.batch_size);
        if (refused) problem->refusals[static_cast<std::size_t>(u) * device_count + d] = *refused;
      }
    }
  }
  for (std::uint32_t d = 0; d < device_count; ++d)
    if (selection.devices[d].memory_only)
      for (std::uint32_t u = 0; u < unit_count; ++u)
        problem->refusals[static_cast<std::size_t>(u) * device_count + d] =
            "nothing: max_memory does not list it (it holds the disk units' KV cache)";

  // Predicted time of each unit on each device, per decode step of one batch at a full context.
  const StepShape decode{1, workload.context_length, 1, workload.batch_size};
  problem->unit_seconds.resize(static_cast<std::size_t>(unit_count) * device_count);
  problem->compute_bound.resize(problem->unit_seconds.size());
  for (std::uint32_t u = 0; u < unit_count; ++u) {
    for (std::uint32_t d = 0; d < device_count; ++d) {
      const std::size_t at = static_cast<std::size_t>(u) * device_count + d;
      const CostModel::Estimate estimate = costs.estimate(u, d, decode);
      problem->unit_seconds[at] =
          problem->refusals[at].empty() ? estimate.seconds : std::numeric_limits<double>::infinity();
      problem->compute_bound[at] = estimate.compute_bound;
    }
  }

  // Links: a direct one where given; else through host memory (read back, then written).
  problem->link_bandwidth.assign(static_cast<std::size_t>(device_count) * device_count, 0.0);
  problem->link_latencies.assign(problem->link_bandwidth.size(), 0.0);
  for (std::uint32_t a = 0; a < device_count; ++a) {
    for (std::uint32_t b = 0; b < device_count; ++b) {
      if (a == b) continue;
      const std::size_t at = static_cast<std::size_t>(a) * device_count + b;
      problem->link_bandwidth[at] = costs.transfer_bandwidth(a, b);
      problem->link_latencies[at] = costs.transfer_latency(a, b);
    }
  }
  std::set<std::string> all_names;
  for (const DeviceInfo& info : infos) all_names.insert(info.name);
  for (const Link& link : options.links) {
    if (!(link.bandwidth > 0))
      bad_option(fmt::format("planning: the link {} <-> {} needs a bandwidth > 0", link.a, link.b));
    for (const std::string& end : {link.a, link.b})
      if (!all_names.contains(end))
        bad_option(fmt::format("planning: the link {} <-> {} names '{}', which is not a device", link.a, link.b, end));
    const std::uint32_t a = problem->device_index(link.a);
    const std::uint32_t b = problem->device_index(link.b);
    if (a >= device_count || b >= device_count || a == b) continue;  // left out of this plan
    problem->link_bandwidth[static_cast<std::size_t>(a) * device_count + b] = link.bandwidth;
    problem->link_bandwidth[static_cast<std::size_t>(b) * device_count + a] = link.bandwidth;
  }

  problem->options_json = options.planner_options_json.empty() ? "{}" : options.planner_options_json;
  strata_plan_request& request = problem->request;
  request.struct_size = sizeof(strata_plan_request);
  request.unit_struct_size = sizeof(strata_plan_unit);
  request.device_struct_size = sizeof(strata_plan_device);
  request.unit_count = unit_count;
  request.device_count = device_count;
  request.units = problem->units.data();
  request.devices = problem->devices.data();
  request.unit_seconds = problem->unit_seconds.data();
  request.link_bandwidth = problem->link_bandwidth.data();
  double largest_latency = 0;
  for (double latency : problem->link_latencies) largest_latency = std::max(largest_latency, latency);
  request.link_latency = largest_latency;
  request.batch_size = workload.batch_size;
  request.context_length = workload.context_length;
  request.options_json = problem->options_json.c_str();
  request.link_latencies = problem->link_latencies.data();
  request.micro_batches = workload.micro_batches;
  return problem;
}

}  // namespace strata::detail
