// The host's cost model: what one unit of the model costs on one device for a step, and what
// moving its output to another device costs, from each device's measured figures. The planners
// see its decode times (strata_plan_request::unit_seconds); the report also predicts prefill.
//
// A unit's time on a device is the sum over the ops it submits (model/unit_ops, with the shapes
// and dtypes they would have there):
//  - a matrix product: the larger of its FLOPs at the device's matrix-product rate and its weight
//    bytes at the device's matrix-vector bandwidth, both for the weights' dtype and interpolated
//    between the small and the large op measured (fixed costs weigh on small ops), or the disk's
//    read bandwidth for "disk";
//  - attention, an embedding and every other op: the measured cost of a small op of its kind,
//    plus the bytes it reads and writes beyond that at the device's bandwidth.
// A decoder layer's sum is then corrected by what the device's reference layer measured whole
// (calibration/reference_layer.hpp): the difference between that layer's measured time and the
// same sum over its ops, per op, at the step's tokens (measured at 1, 32 and 128 tokens, linear
// between them, in proportion beyond 128), times the layer's ops. Timed alone, each kind of op hides what a layer's ops
// do together: a GPU overlaps the products that read one input and records many ops per submit, a GEMM kernel is slow
// on narrow matrices. The sum never goes below the layer's larger of its compute and memory times. The embedding unit
// also writes the token ids; the lm_head waits for its queue and reads the logits back. A unit whose ops are not known
// (a custom unit) takes the roofline of its FLOPs and bytes read. A transfer waits for the producer's queue (a round
// trip), then copies the activation through host memory (device-to-host, then host-to-device) or over a direct link.
#pragma once

#include "planning/device_figures.hpp"

#include <strata/model_graph.hpp>
#include <strata/ops.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
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

  struct Estimate {
    double seconds = 0;          // NaN when a figure it needs is missing
    bool compute_bound = false;  // its compute time is at least its memory time
  };
  // What unit u costs on device d for `step`.
  Estimate estimate(std::uint32_t u, std::uint32_t d, const StepShape& step) const;
  double seconds(std::uint32_t u, std::uint32_t d, const StepShape& step) const { return estimate(u, d, step).seconds; }

  // Moving an activation from device a to device b: bytes/s (a direct link where `direct` holds
  // one, > 0) and the fixed seconds.
  double transfer_bandwidth(std::uint32_t a, std::uint32_t b) const;
  double transfer_latency(std::uint32_t a, std::uint32_t b) const;

 private:
  struct Parts {
    double compute = 0;  // all ops' compute time
    double memory = 0;   // all ops' memory time
    double busy = 0;     // the sum over ops of the larger of the two
    double fixed = 0;

    void add(double op_compute, double op_memory) {
      compute += op_compute;
      memory += op_memory;
      busy += std::max(op_compute, op_memory);
    }
  };
  Parts parts(std::uint32_t u, std::uint32_t d, const StepShape& step) const;

  // `working_set`: the bytes of weights a token reads (what the caches would have to hold).
  Parts op_parts(const std::vector<Op>& ops, std::uint32_t d, const StepShape& step, double working_set) const;
  Parts roofline_parts(std::uint32_t u, std::uint32_t d, const StepShape& step) const;

  const ModelGraph* graph_;
  std::vector<bool> described_;  // per unit: its ops are known (the Llama layout's units)
  double working_set_ = 0;       // the weights one token reads: what a device's caches would have to hold
  DType kv_dtype_;
  std::vector<CostDevice> devices_;
  double fixed_transfer_seconds_;

  // Per device: the reference layer's measured time minus its modelled one, per op, by the tokens
  // of the step; nullopt where the reference layer was not measured.
  struct LayerCorrection {
    std::map<std::int64_t, double> by_tokens;  // 1, 32, 128: never empty
    // Linear in the tokens between the steps measured; beyond the largest, in proportion to it.
    double at(std::int64_t tokens) const;
  };
  std::vector<std::optional<LayerCorrection>> layer_corrections_;
  std::optional<LayerCorrection> layer_correction(std::uint32_t d) const;
};

}  // namespace strata::detail
