#include "planning/cost_model.hpp"

#include "model/unit_ops.hpp"

#include <strata/error.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace strata::detail {
namespace {

constexpr double f32_bytes = 4.0;

// The ops a unit submits per step on a device; one for a unit the runtime cannot describe (a
// custom unit's executor, or a hand-built graph without the Llama layout).
std::uint32_t count_ops(const ModelConfig& config, const Unit& unit, const DeviceInfo& device, DType kv_dtype) {
  if (unit.kind == UnitKind::custom) return 1;
  try {
    const auto ops = describe_unit_ops(config, unit, device, kv_dtype, 1, Step{1, 0, 1});
    return static_cast<std::uint32_t>(std::max<std::size_t>(ops.size(), 1));
  } catch (const Error&) {
    return 1;
  }
}

// How many times larger a unit's weights are on `device` than in the checkpoint (a device that
// does not store bf16 holds it as f32).
double storage_scale(const Unit& unit, const DeviceInfo& device, DType& stored) {
  stored = unit.parameters.empty() ? DType::f32 : unit.parameters.front().dtype;
  const DType source = stored;
  try {
    stored = weight_storage_dtype(device, source);
  } catch (const Error&) {
    return 1.0;
  }
  return static_cast<double>(dtype_size(stored)) / static_cast<double>(dtype_size(source));
}

}  // namespace

CostModel::CostModel(const ModelGraph& graph, DType kv_dtype, std::vector<CostDevice> devices,
                     double fixed_transfer_seconds)
    : graph_(&graph),
      kv_dtype_(kv_dtype),
      devices_(std::move(devices)),
      fixed_transfer_seconds_(fixed_transfer_seconds) {
  op_counts_.resize(graph.units.size() * devices_.size());
  for (std::size_t u = 0; u < graph.units.size(); ++u)
    for (std::size_t d = 0; d < devices_.size(); ++d)
      op_counts_[u * devices_.size() + d] = count_ops(graph.config, graph.units[u], devices_[d].info, kv_dtype);
}

CostModel::Parts CostModel::parts(std::uint32_t u, std::uint32_t d, const StepShape& step) const {
  const Unit& unit = graph_->units[u];
  const CostDevice& device = devices_[d];
  const DeviceFigures& figures = device.figures;
  if (step.rows == 0 && (unit.kind == UnitKind::final_norm || unit.kind == UnitKind::lm_head)) return {};
  const auto batch = static_cast<double>(step.batch);
  const auto tokens = static_cast<double>(step.tokens);
  const auto context = static_cast<double>(step.context);

  DType stored = DType::f32;
  const double scale = storage_scale(unit, device.info, stored);
  // An embedding reads one row per token; every other unit reads its weights once per step.
  const double weight_bytes = static_cast<double>(unit.weight_bytes_read_per_token) * scale *
                              (unit.kind == UnitKind::embedding ? tokens * batch : 1.0);
  const double weight_bandwidth = device.disk ? device.disk_bandwidth : figures.bandwidth(stored);
  const DType kv_stored = kv_storage_dtype(device.info, kv_dtype_);
  const double kv_bytes = static_cast<double>(unit.kv_bytes_per_token) * static_cast<double>(dtype_size(kv_stored)) /
                          f32_bytes * context * batch;
  const double kv_time = kv_bytes > 0 ? kv_bytes / figures.bandwidth(kv_stored) : 0.0;

  Parts parts;
  parts.memory = (weight_bytes > 0 ? weight_bytes / weight_bandwidth : 0.0) + kv_time;
  const double flops = (unit.flops_per_token + unit.flops_per_token_per_context * context) * tokens * batch;
  parts.compute = flops > 0 ? flops / figures.flops(stored) : 0.0;
  const double op = figures.op_seconds.value_or(0.0);
  parts.fixed = static_cast<double>(op_counts_[static_cast<std::size_t>(u) * devices_.size() + d]) * op;
  if (unit.kind == UnitKind::embedding) parts.fixed += op;  // writing the token ids
  if (unit.kind == UnitKind::lm_head) {
    const double logits = static_cast<double>(step.rows) * batch * static_cast<double>(unit.activation_bytes);
    parts.fixed += figures.round_trip_seconds.value_or(0.0) + logits / figures.device_to_host;
  }
  return parts;
}

double CostModel::seconds(std::uint32_t u, std::uint32_t d, const StepShape& step) const {
  const Parts p = parts(u, d, step);
  if (std::isnan(p.compute) || std::isnan(p.memory) || std::isnan(p.fixed)) return unknown_figure;
  return std::max(p.compute, p.memory) + p.fixed;
}

bool CostModel::compute_bound(std::uint32_t u, std::uint32_t d, const StepShape& step) const {
  const Parts p = parts(u, d, step);
  return p.compute >= p.memory;
}

double CostModel::transfer_bandwidth(std::uint32_t a, std::uint32_t b) const {
  if (devices_[a].queue == devices_[b].queue) return std::numeric_limits<double>::infinity();
  // Through host memory: read back from a, then written to b.
  return 1.0 / (1.0 / devices_[a].figures.device_to_host + 1.0 / devices_[b].figures.host_to_device);
}

double CostModel::transfer_latency(std::uint32_t a, std::uint32_t b) const {
  if (devices_[a].queue == devices_[b].queue) return 0.0;
  const DeviceFigures& from = devices_[a].figures;
  const DeviceFigures& to = devices_[b].figures;
  if (!from.round_trip_seconds) return fixed_transfer_seconds_;
  return *from.round_trip_seconds + to.op_seconds.value_or(0.0);
}

}  // namespace strata::detail
