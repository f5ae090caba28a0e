// The host's cost model: what one unit of the model costs on one device for a step, and what
// moving its output to another device costs, from each device's measured figures. The planners
// see its decode times (strata_plan_request::unit_seconds); the report also predicts prefill.
//
// A unit on a device takes the larger of its compute time (FLOPs / the device's matrix-product
// FLOP/s for the weights' dtype) and its memory time (weights read at the device's matrix-vector
// bandwidth for the dtype it stores them in, or the disk's for "disk"; the KV cache likewise),
// plus the fixed cost of every op it submits. The embedding also writes the token ids; the
// lm_head waits for its queue and reads the logits back. A transfer waits for the producer's
// queue (a round trip), then copies the activation through host memory (device-to-host, then
// host-to-device) or over a direct link.
#pragma once

#include "planning/device_figures.hpp"

#include <strata/model_graph.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace strata::detail {

struct CostDevice {
  std::string name;
  DeviceInfo info;  // the device that computes (the cpu's, for "disk")
  DeviceFigures figures;
  bool disk = false;
  double disk_bandwidth = 0;  // bytes/s read from the checkpoint's files ("disk")
  // The device whose queue runs it: its own name, or the cpu's for "disk". Units on two targets
  // with the same queue hand over nothing.
  std::string queue;
};

// One step: `tokens` new tokens of each of `batch` sequences, attending over `context` tokens,
// with `rows` rows of logits wanted (0: the final norm and lm_head do not run).
struct StepShape {
  std::int64_t tokens = 1;
  std::int64_t context = 1;
  std::int64_t rows = 1;
  std::int64_t batch = 1;
};

class CostModel {
 public:
  // `fixed_transfer_seconds`: a transfer's fixed cost where the producer's round trip is not
  // measured (PlanOptions::link_latency).
  CostModel(const ModelGraph& graph, DType kv_dtype, std::vector<CostDevice> devices, double fixed_transfer_seconds);

  std::uint32_t device_count() const { return static_cast<std::uint32_t>(devices_.size()); }
  const CostDevice& device(std::uint32_t d) const { return devices_[d]; }

  // Seconds unit u takes on device d for `step`; NaN when a figure it needs is missing.
  double seconds(std::uint32_t u, std::uint32_t d, const StepShape& step) const;
  // Whether its compute time is at least its memory time there.
  bool compute_bound(std::uint32_t u, std::uint32_t d, const StepShape& step) const;

  // Moving an activation from device a to device b: bytes/s (a direct link where `direct` holds
  // one, > 0) and the fixed seconds.
  double transfer_bandwidth(std::uint32_t a, std::uint32_t b) const;
  double transfer_latency(std::uint32_t a, std::uint32_t b) const;

 private:
  struct Parts {
    double compute = 0;
    double memory = 0;
    double fixed = 0;
  };
  Parts parts(std::uint32_t u, std::uint32_t d, const StepShape& step) const;

  const ModelGraph* graph_;
  DType kv_dtype_;
  std::vector<CostDevice> devices_;
  double fixed_transfer_seconds_;
  std::vector<std::uint32_t> op_counts_;  // [u * devices + d]: ops the unit submits per step there
};

}  // namespace strata::detail
