// Hand-built graphs and devices for the planning tests, and an accounting of memory and time
// written from the documented rules (docs/planner-guide.md), independent of the SDK's own.
#pragma once

#include <strata/device.hpp>
#include <strata/model_graph.hpp>
#include <strata/planner.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace strata::testing {

inline constexpr std::uint64_t MiB = 1ull << 20;
inline constexpr std::uint64_t GiB = 1ull << 30;

struct UnitSpec {
  std::uint64_t weight_bytes = 0;  // a multiple of 4
  double flops = 0;
  std::uint64_t weight_read = 0;
  std::uint64_t activation = 0;
  std::uint64_t kv_per_token = 0;
};

// model.embed_tokens, model.layers.0 .. n-3, model.norm, lm_head when `llama_names`, else
// custom units "block.0" .. ; each unit one f32 parameter "<unit>.weight" of the given size.
ModelGraph chain_graph(const std::vector<UnitSpec>& specs, bool llama_names = true);

// A plain Llama of `layers` layers, hidden 512 (8 heads, 4 KV heads of 64), intermediate 1408,
// f16: the reference layer's ops, at a size whose figures are easy to follow.
ModelGraph small_llama(std::int64_t layers, std::int64_t vocab);

DeviceInfo gpu(const std::string& name, std::uint64_t memory, double flops = 10e12, double bandwidth = 300e9,
               double host_link = 16e9, const std::string& pci = "");
DeviceInfo cpu(std::uint64_t memory, double flops = 200e9, double bandwidth = 20e9);

// The documented memory rule, per target: weights (a tied unit's shared bytes once per device),
// KV bytes per token x context x batch x (kv dtype / 4), and the largest workspace of the units
// that keep memory there (workspace_factor x activation x min(max_batch_tokens, context) x batch;
// lm_head without the factor). Disk units' KV cache and workspace count on "cpu".
struct Usage {
  std::uint64_t weights = 0;
  std::uint64_t kv = 0;
  std::uint64_t workspace = 0;
  std::uint64_t total() const { return weights + kv + workspace; }
};
std::map<std::string, Usage> memory_by_target(const ModelGraph& graph, const std::vector<std::string>& targets,
                                              const Workload& workload, double workspace_factor = 8.0);

// Every device within the budget the report states; returns "" or what is over.
std::string over_budget(const PlanResult& result, const ModelGraph& graph, double workspace_factor = 8.0);

// The predicted latency (ms per token) of a placement, one target per unit.
using LatencyOf = std::function<double(const std::vector<std::string>& targets)>;
// plan_with_map's prediction on `devices` with `options`.
LatencyOf latency_of(const ModelGraph& graph, const std::vector<DeviceInfo>& devices, const PlanOptions& options);

// The offload rule of the memory-driven strategies: no unit on "cpu"/"disk" that would fit in an
// accelerator's room (or on "disk" fitting on "cpu"), by the independent accounting - unless, when
// `latency` is given, the move would not make the predicted latency lower. Returns "" or the
// first violation.
std::string offload_violation(const PlanResult& result, const ModelGraph& graph, double workspace_factor = 8.0,
                              const LatencyOf& latency = {});

}  // namespace strata::testing
