// Planning through the C API: a strategy or a Hugging Face device map, on the runtime's devices.
#include "c_api/handles.hpp"
#include "c_api/kv_cache_dtype.hpp"
#include "c_api/status.hpp"
#include "c_api/versioned.hpp"

#include <strata/strata.h>
#include <strata/device_map.hpp>
#include <strata/planner.hpp>

#include <fmt/format.h>

#include <memory>
#include <set>
#include <string>

namespace strata::c_api {
namespace {

constexpr std::size_t plan_options_size_1_0 = 88;

strata_plan_options default_plan_options() {
  const Workload workload;
  strata_plan_options options{};
  options.struct_size = sizeof(options);
  options.strategy = "auto";
  options.batch_size = workload.batch_size;
  options.micro_batches = workload.micro_batches;
  options.max_batch_tokens = workload.max_batch_tokens;
  options.kv_dtype = STRATA_KV_CACHE_MODEL;
  return options;
}

// GPU ordinals as transformers numbers them, and as max_memory reads them: the devices of another
// kind than CPU in the runtime's order, one GPU seen through two APIs counted once.
std::vector<std::string> gpu_ordinal_names(const Runtime& runtime) {
  std::vector<std::string> names;
  std::set<std::string> physical_seen;
  for (const Device& device : runtime.devices()) {
    const DeviceInfo& info = device.info();
    if (info.kind == DeviceKind::cpu) continue;
    const std::string physical = info.physical_id();
    if (physical.empty() || physical_seen.insert(physical).second) names.push_back(info.name);
  }
  return names;
}

PlanOptions to_cpp(const strata_plan_options& given) {
  check_flags(given.flags, STRATA_PLAN_NO_DISK, "strata_plan_options.flags");
  PlanOptions options;
  options.workload.context_length = given.context_length;
  options.workload.prompt_tokens = given.prompt_tokens;
  options.workload.batch_size = given.batch_size;
  options.workload.micro_batches = given.micro_batches;
  options.workload.max_batch_tokens = given.max_batch_tokens;
  options.workload.kv_dtype = kv_cache_dtype(given.kv_dtype);
  options.allow_disk = (given.flags & STRATA_PLAN_NO_DISK) == 0;
  if (given.max_memory != nullptr && *given.max_memory != '\0') options.max_memory = parse_max_memory(given.max_memory);
  if (given.planner_options_json != nullptr) options.planner_options_json = given.planner_options_json;
  return options;
}

}  // namespace
}  // namespace strata::c_api

using namespace strata::c_api;

extern "C" {

void strata_plan_options_init(strata_plan_options* options, size_t struct_size) {
  init_options(options, struct_size, default_plan_options());
}

strata_status_code strata_plan_create(const strata_runtime* runtime, const strata_checkpoint* checkpoint,
                                      const strata_plan_options* options, strata_plan** out_plan) {
  return guarded("strata_plan_create", [&] {
    const strata::Runtime& devices = required(runtime, "runtime").runtime;
    const strata::ModelGraph& graph = required(checkpoint, "checkpoint").checkpoint.graph();
    strata_plan*& out = required(out_plan, "out_plan");
    const strata_plan_options given =
        read_options(options, default_plan_options(), plan_options_size_1_0, "strata_plan_options");
    const strata::PlanOptions plan_options = to_cpp(given);
    auto plan = std::make_unique<strata_plan>();
    if (given.device_map_json != nullptr) {
      const strata::DeviceMap map = strata::DeviceMap::from_json(given.device_map_json, gpu_ordinal_names(devices));
      plan->result = strata::plan_with_map(graph, devices, map, plan_options);
    } else {
      plan->result = strata::plan(graph, devices, required_text(given.strategy, "options->strategy"), plan_options);
    }
    plan->device_map_json = plan->result.map.to_json();
    plan->report_json = strata::plan_to_json(plan->result);
    out = plan.release();
  });
}

void strata_plan_destroy(strata_plan* plan) { delete plan; }

size_t strata_plan_target_count(const strata_plan* plan) { return plan == nullptr ? 0 : plan->result.targets.size(); }

const char* strata_plan_target(const strata_plan* plan, size_t unit_index) {
  if (plan == nullptr || unit_index >= plan->result.targets.size()) return nullptr;
  return plan->result.targets[unit_index].c_str();
}

const char* strata_plan_device_map_json(const strata_plan* plan) {
  return plan == nullptr ? nullptr : plan->device_map_json.c_str();
}

const char* strata_plan_report_json(const strata_plan* plan) {
  return plan == nullptr ? nullptr : plan->report_json.c_str();
}

}  // extern "C"
