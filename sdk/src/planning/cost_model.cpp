#include "planning/cost_model.hpp"

#include "calibration/reference_layer.hpp"
#include "model/unit_ops.hpp"

#include <strata/error.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

namespace strata::detail {
namespace {

constexpr double f32_bytes = 4.0;

double tensor_bytes(const strata_tensor& tensor) {
  double elements = 1;
  for (std::uint32_t i = 0; i < tensor.rank && i < STRATA_MAX_RANK; ++i)
    elements *= static_cast<double>(tensor.shape[i]);
  return elements * static_cast<double>(dtype_size(static_cast<DType>(tensor.dtype)));
}

double elements(const strata_tensor& tensor, std::uint32_t from = 0) {
  double count = 1;
  for (std::uint32_t i = from; i < tensor.rank && i < STRATA_MAX_RANK; ++i)
    count *= static_cast<double>(tensor.shape[i]);
  return count;
}

// The ops a unit submits on a device for a step; nullopt for a unit whose ops are not known.
std::optional<std::vector<Op>> ops_of(const ModelConfig& config, const Unit& unit, const DeviceInfo& device,
                                      DType kv_dtype, const StepShape& step) {
  try {
    const std::int64_t n_past = std::max<std::int64_t>(step.context - step.tokens, 0);
    return describe_unit_ops(config, unit, device, kv_dtype, std::max(step.context, step.tokens),
                             Step{step.tokens, n_past, step.rows});
  } catch (const Error&) {
    return std::nullopt;
  }
}

// The scalar type of the storage a unit's weights have on `device`.
DType stored_weight_dtype(const Unit& unit, const DeviceInfo& device) {
  const DType source = unit.parameters.empty() ? DType::f32 : unit.parameters.front().dtype;
  try {
    return weight_storage_dtype(device, source);
  } catch (const Error&) {
    return source;
  }
}

}  // namespace

CostModel::CostModel(const ModelGraph& graph, DType kv_dtype, std::vector<CostDevice> devices,
                     double fixed_transfer_seconds)
    : graph_(&graph),
      described_(graph.units.size()),
      working_set_(static_cast<double>(graph.weight_bytes_read_per_token())),
      kv_dtype_(kv_dtype),
      devices_(std::move(devices)),
      fixed_transfer_seconds_(fixed_transfer_seconds) {
  for (std::size_t u = 0; u < graph.units.size(); ++u) described_[u] = has_known_ops(graph.config, graph.units[u]);
  for (std::uint32_t d = 0; d < devices_.size(); ++d) layer_corrections_.push_back(layer_correction(d));
}

double CostModel::LayerCorrection::at(std::int64_t tokens) const {
  const auto t = static_cast<double>(tokens);
  const auto above = by_tokens.lower_bound(tokens);
  if (above == by_tokens.begin()) return above->second;
  if (above == by_tokens.end()) {
    // Beyond the largest piece measured, its error per token persists.
    const auto& [last_tokens, last] = *by_tokens.rbegin();
    return last * t / static_cast<double>(last_tokens);
  }
  const auto below = std::prev(above);
  const double position = (t - static_cast<double>(below->first)) / static_cast<double>(above->first - below->first);
  return below->second + position * (above->second - below->second);
}

std::optional<CostModel::LayerCorrection> CostModel::layer_correction(std::uint32_t d) const {
  const CostDevice& device = devices_[d];
  const DeviceFigures& figures = device.figures;
  if (device.disk) return std::nullopt;
  const ModelGraph& reference = reference_layer_graph();
  const auto working_set = static_cast<double>(reference.weight_bytes_read_per_token());
  LayerCorrection correction;
  for (const Step& step : reference_layer_steps) {
    const auto measured = figures.layer_seconds.find(step.tokens);
    if (measured == figures.layer_seconds.end()) return std::nullopt;
    std::vector<Op> ops;
    try {
      ops = describe_unit_ops(reference.config, reference_layer(), device.info, reference.config.default_kv_dtype(),
                              reference_layer_context, step);
    } catch (const Error&) {
      return std::nullopt;
    }
    const Parts modelled =
        op_parts(ops, d, StepShape{step.tokens, step.n_past + step.tokens, step.rows, 1}, working_set);
    const double sum = modelled.busy + modelled.fixed;
    if (ops.empty() || !std::isfinite(sum)) return std::nullopt;
    correction.by_tokens[step.tokens] = (measured->second - sum) / static_cast<double>(ops.size());
  }
  return correction;
}

CostModel::Parts CostModel::op_parts(const std::vector<Op>& ops, std::uint32_t d, const StepShape& step,
                                     double working_set) const {
  const CostDevice& device = devices_[d];
  const DeviceFigures& figures = device.figures;
  Parts parts;
  const auto batch = static_cast<double>(step.batch);
  for (const Op& op : ops) {
    const strata_op& raw = op.raw;
    switch (raw.kind) {
      case STRATA_OP_MATMUL: {
        const strata_tensor& weights = raw.inputs[1];
        const auto dtype = static_cast<DType>(weights.dtype);
        const double weight_bytes = tensor_bytes(weights);
        const double flops = 2.0 * elements(raw.inputs[0]) * static_cast<double>(weights.shape[0]) * batch;
        MatvecModel matvec = figures.matvec_of(dtype);
        const double rows = static_cast<double>(weights.shape[0]);
        // The model's weights stream from the caches when they fit there.
        matvec.bandwidth =
            device.disk ? device.disk_bandwidth : matvec.bandwidth * figures.working_set_scale(working_set);
        const double memory = matvec.seconds(rows, weight_bytes);
        parts.add(flops / figures.flops(dtype, static_cast<double>(raw.inputs[0].shape[0])), memory);
        break;
      }
      case STRATA_OP_EMBEDDING: {
        const strata_tensor& table = raw.inputs[0];
        const double rows = elements(raw.inputs[1]) * batch;
        const double bytes = rows * static_cast<double>(table.shape[1]) *
                             static_cast<double>(dtype_size(static_cast<DType>(table.dtype)));
        parts.fixed += figures.op_cost("embedding");
        parts.add(0.0, bytes / (device.disk ? device.disk_bandwidth : figures.bandwidth(DType::f32)));
        break;
      }
      case STRATA_OP_ATTENTION: {
        const strata_tensor& q = raw.inputs[0];
        const strata_tensor& keys = raw.inputs[1];
        // A sliding window reads only its own keys: at most window + T - 1 of them per step.
        const std::int64_t window = raw.params.attention.window;
        const std::int64_t all_keys = raw.params.attention.n_past + q.shape[0];
        const double attended =
            static_cast<double>(window > 0 ? std::min(all_keys, window + q.shape[0] - 1) : all_keys);
        const double kv_bytes = 2.0 * attended * elements(keys, 1) *
                                static_cast<double>(dtype_size(static_cast<DType>(keys.dtype))) * batch;
        const double flops = 4.0 * elements(q) * attended * batch;
        // Each sequence of a batch attends over its own cache: one op per sequence.
        parts.fixed += figures.attention_cost(static_cast<double>(q.shape[0])) * batch;
        parts.add(flops / figures.flops(DType::f32, static_cast<double>(q.shape[0])),
                  kv_bytes / figures.bandwidth(static_cast<DType>(keys.dtype)));
        break;
      }
      default: {
        double bytes = tensor_bytes(raw.output);
        for (std::uint32_t i = 0; i < raw.n_inputs && i < STRATA_MAX_OP_INPUTS; ++i)
          bytes += tensor_bytes(raw.inputs[i]);
        parts.fixed += figures.op_cost(strata_op_kind_name(raw.kind));
        parts.add(0.0, bytes * batch / figures.bandwidth(DType::f32));
        break;
      }
    }
  }
  return parts;
}

// For units whose ops are not known: the roofline of the unit's own FLOPs and bytes read.
CostModel::Parts CostModel::roofline_parts(std::uint32_t u, std::uint32_t d, const StepShape& step) const {
  const Unit& unit = graph_->units[u];
  const CostDevice& device = devices_[d];
  const DeviceFigures& figures = device.figures;
  const auto batch = static_cast<double>(step.batch);
  const auto tokens = static_cast<double>(step.tokens);
  const auto context = static_cast<double>(step.context);
  const DType stored = stored_weight_dtype(unit, device.info);
  const DType source = unit.parameters.empty() ? stored : unit.parameters.front().dtype;
  const double scale = static_cast<double>(dtype_size(stored)) / static_cast<double>(dtype_size(source));
  // An embedding reads one row per token; every other unit reads its weights once per step.
  const double weight_bytes = static_cast<double>(unit.weight_bytes_read_per_token) * scale *
                              (unit.kind == UnitKind::embedding ? tokens * batch : 1.0);
  const DType kv_stored = kv_storage_dtype(device.info, kv_dtype_);
  const double kv_bytes = static_cast<double>(unit.kv_bytes_per_token) * static_cast<double>(dtype_size(kv_stored)) /
                          f32_bytes * context * batch;
  double memory = 0;
  if (weight_bytes > 0) memory += weight_bytes / (device.disk ? device.disk_bandwidth : figures.bandwidth(stored));
  if (kv_bytes > 0) memory += kv_bytes / figures.bandwidth(kv_stored);
  const double flops = (unit.flops_per_token + unit.flops_per_token_per_context * context) * tokens * batch;
  Parts parts;
  parts.add(flops > 0 ? flops / figures.flops(stored, tokens) : 0.0, memory);
  parts.fixed = figures.op_seconds.value_or(0.0);
  return parts;
}

CostModel::Parts CostModel::parts(std::uint32_t u, std::uint32_t d, const StepShape& step) const {
  const Unit& unit = graph_->units[u];
  if (step.rows == 0 && (unit.kind == UnitKind::final_norm || unit.kind == UnitKind::lm_head)) return {};
  const std::optional<std::vector<Op>> ops =
      described_[u] ? ops_of(graph_->config, unit, devices_[d].info, kv_dtype_, step) : std::nullopt;
  Parts parts = ops ? op_parts(*ops, d, step, working_set_) : roofline_parts(u, d, step);
  const DeviceFigures& figures = devices_[d].figures;
  if (ops && unit.kind == UnitKind::decoder_layer && layer_corrections_[d]) {
    // What the layer's ops cost together, not one kind at a time; never below its roofline.
    const double corrected =
        parts.busy + parts.fixed + layer_corrections_[d]->at(step.tokens) * static_cast<double>(ops->size());
    parts.fixed = std::max(corrected, std::max(parts.compute, parts.memory)) - parts.busy;
  }
  if (unit.kind == UnitKind::embedding) parts.fixed += figures.op_seconds.value_or(0.0);  // writing the token ids
  if (unit.kind == UnitKind::lm_head) {
    const double logits = static_cast<double>(step.rows * step.batch) * static_cast<double>(unit.activation_bytes);
    parts.fixed += figures.round_trip_seconds.value_or(0.0) + logits / figures.device_to_host;
  }
  return parts;
}

CostModel::Estimate CostModel::estimate(std::uint32_t u, std::uint32_t d, const StepShape& step) const {
  const Parts p = parts(u, d, step);
  const bool unknown = std::isnan(p.compute) || std::isnan(p.memory) || std::isnan(p.fixed);
  return {unknown ? unknown_figure : p.busy + p.fixed, p.compute >= p.memory};
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
