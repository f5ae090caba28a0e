// Placement planning: which device each unit of a model runs on, for a stated workload.
//
//   strata::PlanResult result = strata::plan(graph, runtime_device_infos, "balanced", options);
//   strata::Session session(runtime, checkpoint, result.map);
//
// Strategies: the built-in planners "sequential", "balanced" (also "auto"), "balanced_low_0",
// "latency", "throughput"; planner plugins loaded with load_planner_plugin(); a single device
// name ("opencl:0", "cpu"); and explicit device maps through plan_with_map(). See
// docs/planner-guide.md for what each does and the cost model behind the predictions.
#pragma once

#include <strata/export.hpp>

#include <strata/device.hpp>
#include <strata/device_map.hpp>
#include <strata/model_graph.hpp>
#include <strata/ops.hpp>
#include <strata/types.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

class Runtime;

// What the plan must leave room for, and what its predictions are for.
struct STRATA_API Workload {
  std::int64_t batch_size = 1;  // sequences decoded together in one step
  // Batches in flight through the stages of a split model at once (pipelined micro-batches): the
  // workload holds batch_size x micro_batches sequences. With one, the stage times add up and a
  // pipeline buys nothing, so "throughput" gives the "latency" plan.
  std::int64_t micro_batches = 1;
  std::int64_t context_length = 0;      // tokens each KV cache holds; 0: min(4096, the model's limit)
  std::int64_t max_batch_tokens = 128;  // tokens one step runs at most (sets the workspace)
  std::int64_t prompt_tokens = 0;       // the prompt the prefill prediction is for; 0: max_batch_tokens
  // The KV cache's dtype; nullopt: the model's (f16 for a 16-bit checkpoint, as transformers keeps
  // the cache in the model's own width; f32 for an f32 one).
  std::optional<DType> kv_dtype;
};

// A direct link between two devices (NVLink, a shared PCIe switch), both directions.
struct STRATA_API Link {
  std::string a;
  std::string b;
  double bandwidth = 0;  // bytes/s
};

struct STRATA_API PlanOptions {
  Workload workload;
  // Hugging Face's max_memory: device name (or GPU ordinal "0", "1", ...) -> bytes. When given,
  // only the listed devices are used, plus "disk" when allow_disk. See parse_max_memory().
  std::map<std::string, std::uint64_t> max_memory;
  // Without max_memory, each device keeps back max(reserve_min_bytes, reserve_fraction x total)
  // of its free memory for the driver and other programs.
  double reserve_fraction = 0.05;
  std::uint64_t reserve_min_bytes = 256ull << 20;
  // The "disk" tier (weights read through mmap of the checkpoint, computed on the CPU).
  bool allow_disk = true;
  std::optional<std::uint64_t> disk_budget;  // weights on disk; unlimited by default
  double disk_bandwidth = 2e9;               // bytes/s read from the checkpoint files
  std::vector<Link> links;                   // direct links; other pairs go through the host
  double link_latency = 10e-6;               // seconds per transfer
  // A device's workspace: workspace_factor x activation bytes x max_batch_tokens x batch.
  double workspace_factor = 8.0;
  // After an automatic strategy, move every unit left on "cpu"/"disk" that fits in an
  // accelerator's remaining room there (and from "disk" to "cpu"). Off only to study a
  // planner's raw answer (the tests that prove the DP planners exact turn it off).
  bool fill_offload_gaps = true;
  // Options of the strategy itself, as a JSON object ("{}" when none).
  std::string planner_options_json = "{}";
  // Whether a device runs an op: asked for every op of a unit, with the workload's shapes and the
  // dtypes the device stores, before the unit may go there. Empty: every device runs every op
  // (devices described by hand). plan(graph, runtime, ...) asks the runtime's devices.
  using Supports = std::function<bool(const std::string& device, const Op& op)>;
  Supports supports;
};

// One device's share of a plan.
struct STRATA_API DevicePlan {
  std::string name;
  DeviceKind kind = DeviceKind::cpu;
  bool offload_tier = false;  // "cpu" or "disk"
  std::vector<std::string> units;
  std::uint64_t weight_bytes = 0;     // in this device's memory ("disk": in the files)
  std::uint64_t kv_bytes = 0;         // KV cache kept here (for "cpu": with the disk units')
  std::uint64_t workspace_bytes = 0;  // working memory kept here
  std::uint64_t budget_bytes = 0;     // UINT64_MAX: unlimited
  double ms_per_token = 0;            // time of its units per decode step; NaN: unknown (no measured speed)
  std::string bound;                  // "compute", "memory" or "" when it holds nothing
  // The hardware this device is one view of ("the host's cores", "pci:0000:65:00.0"), "" when it
  // is hardware of its own: views share memory and time, and a strategy's plan uses one of them.
  std::string hardware;

  std::uint64_t used_bytes() const { return weight_bytes + kv_bytes + workspace_bytes; }
};

struct STRATA_API PlanReport {
  std::string strategy;
  Workload workload;                // as used (context and KV dtype resolved)
  std::vector<DevicePlan> devices;  // every device the planner could use, in its order
  // The predictions, from the devices' measured figures. NaN where a figure they need is missing
  // (the notes say which).
  double latency_ms = 0;   // one decode step of one batch through all units, transfers included
  double transfer_ms = 0;  // the transfers' part of latency_ms
  // The busiest resource of a pipeline: a device (the views of one piece of hardware counted as
  // one), or one link's transfers.
  double bottleneck_ms = 0;
  std::string bottleneck;  // "opencl:1", "opencl:0->cpu", or "cpu+opencl:0" for views of one piece of hardware
  // The workload's decode rate, every sequence together: batch x m / max(latency, m x bottleneck)
  // with m = workload.micro_batches.
  double tokens_per_second = 0;
  double pipelined_tokens_per_second = 0;  // the limit with enough micro-batches in flight: batch / bottleneck
  // The prefill rate of a prompt of workload.prompt_tokens, run in pieces of max_batch_tokens.
  double prefill_tokens_per_second = 0;
  std::vector<std::string> notes;  // merged devices, missing figures, units moved into free room
};

struct STRATA_API PlanResult {
  DeviceMap map;                     // compact: the shortest prefixes that say the same
  std::vector<std::string> targets;  // one per unit, in order (what Session takes)
  PlanReport report;
};

// Places `graph` on `devices` (as the Runtime lists them: one GPU seen through two backends is
// used once) with `strategy`. Throws Error(invalid_argument) for an unknown strategy (listing
// the valid ones) or bad options, Error(out_of_memory) when the model cannot fit, saying how
// much is missing and where.
STRATA_API PlanResult plan(const ModelGraph& graph, const std::vector<DeviceInfo>& devices, std::string_view strategy,
                           const PlanOptions& options = {});

// Checks an explicit map (Hugging Face's device_map; integers mean the n-th GPU) against the
// devices and budgets, and reports on it. Throws Error(invalid_argument) for unknown,
// overlapping or missing names, or a device that does not exist; Error(unsupported) naming the
// unit, the op, its dtype and the device when a unit goes where one of its ops does not run;
// Error(out_of_memory) when a device's share exceeds its budget.
STRATA_API PlanResult plan_with_map(const ModelGraph& graph, const std::vector<DeviceInfo>& devices,
                                    const DeviceMap& map, const PlanOptions& options = {});

// The same, on the devices of `runtime`: their measured figures (see Runtime::calibrate) and
// their own answers to whether they run each op of each unit.
STRATA_API PlanResult plan(const ModelGraph& graph, const Runtime& runtime, std::string_view strategy,
                           PlanOptions options = {});
STRATA_API PlanResult plan_with_map(const ModelGraph& graph, const Runtime& runtime, const DeviceMap& map,
                                    PlanOptions options = {});

// PlanOptions::supports for the devices of `runtime`: asks each device by name (Device::supports).
// The runtime must outlive the function.
STRATA_API PlanOptions::Supports device_support(const Runtime& runtime);

// "opencl:0=10GiB,cpu=30GB,disk=1TB" or the JSON object {"0": "10GiB", "cpu": "30GB"}; sizes as
// parse_size() reads them ("10GiB", "10GB", "500MiB", plain bytes). Throws Error(invalid_argument).
STRATA_API std::map<std::string, std::uint64_t> parse_max_memory(std::string_view text);

// The "links" array of a simulated-devices file: [{"between": ["sim:0", "sim:1"], "gbps": 300}].
// An object without "links" gives none. Throws Error(invalid_argument) naming what is malformed.
STRATA_API std::vector<Link> parse_links_json(std::string_view json);

struct STRATA_API PlannerInfo {
  std::string name;
  std::string description;
  std::string version;
  bool builtin = false;
  std::filesystem::path path;  // the plugin's file; empty for built-in planners
};

// The strategies the registry knows: built-in planners and loaded plugins.
STRATA_API std::vector<PlannerInfo> planners();
// Loads a planner plugin by explicit path and registers it under its name. Throws Error with
// the reason when it cannot be used (no entry symbol, another major version, a name taken).
STRATA_API PlannerInfo load_planner_plugin(const std::filesystem::path& path);

// The report as a table: device, units, weights, KV, budget, predicted ms/token.
STRATA_API std::string format_plan_table(const PlanReport& report);
// The report as JSON: {"device_map": {...}, "report": {...}}.
STRATA_API std::string plan_to_json(const PlanResult& result);
// A picture of the plan: a column per device with a memory bar split into weights / KV /
// workspace / free, and the units as a strip coloured by device.
STRATA_API std::string plan_to_svg(const PlanResult& result, std::string_view title = {});

}  // namespace strata
