// What the benchmark places: every strategy and every single device, each planned for the same
// workload; placements that two candidates share are measured once.
#pragma once

#include <strata/planner.hpp>
#include <strata/runtime.hpp>

#include <optional>
#include <string>
#include <vector>

namespace strata::bench {

struct Candidate {
  std::string name;                  // "latency", "cpu", ...
  bool single_device = false;        // a device name rather than a strategy
  std::optional<PlanResult> plan;    // nullopt: it could not be planned (why says why)
  std::string why;                   // the planner's error
  std::size_t placement = SIZE_MAX;  // index into the distinct placements
};

struct Candidates {
  std::vector<Candidate> candidates;
  std::vector<std::vector<std::string>> placements;  // distinct targets, one per unit
};

// A split given on the command line: decoder layers per device, in order; the embedding goes with
// the first device, the final norm and the lm_head with the last ("cpu=7,vulkan:0=9").
struct LayerSplit {
  std::string device;
  std::int64_t layers = 0;
};

// Parses "cpu=7,vulkan:0=9"; throws std::runtime_error saying what is wrong.
std::vector<LayerSplit> parse_layer_split(const std::string& text);

struct CandidateOptions {
  std::vector<std::string> strategies;
  std::vector<std::string> devices;  // the single devices; empty: every device
  std::vector<LayerSplit> split;     // empty: none
  bool allow_disk = true;            // false for weights that are not a checkpoint's mapped files
};

// Plans `graph` on `runtime` with each strategy and each single device for `workload`, one
// explicit map that splits the units evenly over those devices in order ("even split": what a
// placement that ignores speed does), so that a split placement and its transfers are measured and
// predicted too, and the command line's split, when given.
Candidates plan_candidates(const ModelGraph& graph, const Runtime& runtime, const Workload& workload,
                           const CandidateOptions& options);

// "cpu: model.embed_tokens .. lm_head" as a short text.
std::string placement_text(const std::vector<std::string>& targets);

}  // namespace strata::bench
