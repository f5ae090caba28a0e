#include "planning/plan_view.hpp"

#include <strata/error.hpp>
#include <strata/types.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <map>

namespace strata::detail {

PlanView::PlanView(const strata_plan_request& request) : request_(&request), tied_from_(request.unit_count) {
  for (std::uint32_t u = 0; u < unit_count(); ++u) {
    const std::uint32_t partner = unit(u).tied_to;
    if (partner != STRATA_PLAN_NONE && partner < unit_count() && partner != u) tied_from_[partner].push_back(u);
  }
}

std::uint32_t PlanView::memory_device(std::uint32_t d) const {
  const std::uint32_t holder = device(d).memory_device;
  return holder < device_count() ? holder : d;
}

bool PlanView::runs(std::uint32_t u, std::uint32_t d) const { return !std::isinf(seconds(u, d)); }

std::uint32_t PlanView::hardware(std::uint32_t d) const {
  if (request_->device_struct_size < offsetof(strata_plan_device, hardware) + sizeof(std::uint32_t))
    return STRATA_PLAN_NONE;
  return device(d).hardware;
}
bool PlanView::timed(std::uint32_t u, std::uint32_t d) const { return !std::isnan(seconds(u, d)); }

double PlanView::latency(std::uint32_t from, std::uint32_t to) const {
  if (request_->struct_size >= offsetof(strata_plan_request, link_latencies) + sizeof(void*) &&
      request_->link_latencies != nullptr)
    return request_->link_latencies[static_cast<std::size_t>(from) * device_count() + to];
  return request_->link_latency;
}

double PlanView::transfer_seconds(std::uint32_t u, std::uint32_t from, std::uint32_t to) const {
  if (from == to) return 0;
  const double bytes = static_cast<double>(unit(u).activation_bytes);
  const double rate = bandwidth(from, to);
  return latency(from, to) + (rate > 0 ? bytes / rate : 0);
}

MemoryLoads::MemoryLoads(const PlanView& view) : view_(&view), loads_(view.device_count()) {}

MemoryLoads::MemoryLoads(const PlanView& view, const Assignment& assignment) : MemoryLoads(view) {
  Assignment partial(assignment.size(), STRATA_PLAN_NONE);
  for (std::uint32_t u = 0; u < view.unit_count(); ++u) {
    if (assignment[u] == STRATA_PLAN_NONE) continue;
    partial[u] = assignment[u];
    add(u, assignment[u], partial);
  }
}

std::uint64_t MemoryLoads::room(std::uint32_t d) const {
  const std::uint64_t used = loads_[d].used();
  return used >= budget(d) ? 0 : budget(d) - used;
}

std::uint64_t MemoryLoads::weight_cost(std::uint32_t u, std::uint32_t d, const Assignment& assignment) const {
  const strata_plan_unit& unit = view_->unit(u);
  std::uint64_t bytes = unit.weight_bytes;
  // A tie is discounted on the unit that names its partner, whichever of the two is placed last.
  if (unit.tied_to != STRATA_PLAN_NONE && unit.tied_to < assignment.size() && assignment[unit.tied_to] == d)
    bytes -= std::min(bytes, unit.shared_weight_bytes);
  for (std::uint32_t partner : view_->tied_from(u)) {
    if (assignment[partner] != d) continue;
    const strata_plan_unit& other = view_->unit(partner);
    const std::uint64_t refund = std::min(other.weight_bytes, other.shared_weight_bytes);
    bytes -= std::min(bytes, refund);
  }
  return bytes;
}

bool MemoryLoads::fits(std::uint32_t u, std::uint32_t d, const Assignment& assignment) const {
  const strata_plan_unit& unit = view_->unit(u);
  const std::uint32_t holder = view_->memory_device(d);
  const std::uint64_t weights = weight_cost(u, d, assignment);
  auto within = [](std::uint64_t used, std::uint64_t add, std::uint64_t budget) {
    return add <= budget && used <= budget - add;
  };
  if (holder == d) {
    const DeviceLoad& load = loads_[d];
    const std::uint64_t workspace = std::max(load.workspace, unit.workspace_bytes);
    const std::uint64_t base = load.weights + load.kv;
    if (weights > UINT64_MAX - unit.kv_bytes) return false;
    return within(base + workspace, weights + unit.kv_bytes, budget(d));
  }
  // Disk: weights in the files, KV cache and workspace in the holder's memory.
  if (!within(loads_[d].weights, weights, budget(d))) return false;
  const DeviceLoad& host = loads_[holder];
  const std::uint64_t workspace = std::max(host.workspace, unit.workspace_bytes);
  return within(host.weights + host.kv + workspace, unit.kv_bytes, budget(holder));
}

void MemoryLoads::add(std::uint32_t u, std::uint32_t d, const Assignment& assignment) {
  const strata_plan_unit& unit = view_->unit(u);
  // weight_cost reads only u's partners, so u's own entry may already say d.
  loads_[d].weights += weight_cost(u, d, assignment);
  DeviceLoad& holder = loads_[view_->memory_device(d)];
  holder.kv += unit.kv_bytes;
  holder.workspace = std::max(holder.workspace, unit.workspace_bytes);
}

std::uint32_t MemoryLoads::first_over_budget() const {
  for (std::uint32_t d = 0; d < loads_.size(); ++d)
    if (loads_[d].used() > budget(d)) return d;
  return static_cast<std::uint32_t>(loads_.size());
}

Evaluation evaluate(const PlanView& view, const Assignment& assignment) {
  const std::uint32_t devices = view.device_count();
  Evaluation result;
  result.device_seconds.assign(devices, 0.0);
  result.link_seconds.assign(static_cast<std::size_t>(devices) * devices, 0.0);
  for (std::uint32_t u = 0; u < view.unit_count(); ++u) {
    const std::uint32_t d = assignment[u];
    const double compute = view.seconds(u, d);
    result.device_seconds[d] += compute;
    result.latency += compute;
    if (u + 1 < view.unit_count() && assignment[u + 1] != d) {
      const double move = view.transfer_seconds(u, d, assignment[u + 1]);
      result.link_seconds[static_cast<std::size_t>(d) * devices + assignment[u + 1]] += move;
      result.transfer += move;
      result.latency += move;
    }
  }
  // Disk units compute on the cores of their memory device (the CPU): a pipeline cannot run them
  // beside that device's own units, so their time is that device's too.
  std::vector<double> busy = result.device_seconds;
  for (std::uint32_t d = 0; d < devices; ++d) {
    const std::uint32_t host = view.memory_device(d);
    if (!view.is_disk(d) || host == d || host >= devices) continue;
    busy[host] += busy[d];
    busy[d] = 0;
  }
  // A piece of hardware's time is its views' together; the busiest view names it.
  std::map<std::uint32_t, std::pair<double, std::uint32_t>> hardware_seconds;  // id -> (seconds, busiest view)
  for (std::uint32_t d = 0; d < devices; ++d) {
    const std::uint32_t hardware = view.hardware(d);
    if (hardware == STRATA_PLAN_NONE) {
      if (busy[d] > result.bottleneck) {
        result.bottleneck = busy[d];
        result.bottleneck_from = result.bottleneck_to = d;
      }
      continue;
    }
    auto& [seconds, busiest] = hardware_seconds.try_emplace(hardware, 0.0, d).first->second;
    seconds += busy[d];
    if (busy[d] > busy[busiest]) busiest = d;
  }
  for (const auto& [hardware, time] : hardware_seconds) {
    if (time.first <= result.bottleneck) continue;
    result.bottleneck = time.first;
    result.bottleneck_hardware = hardware;
    result.bottleneck_from = result.bottleneck_to = time.second;
  }
  for (std::uint32_t a = 0; a < devices; ++a)
    for (std::uint32_t b = 0; b < devices; ++b)
      if (result.link_seconds[static_cast<std::size_t>(a) * devices + b] > result.bottleneck) {
        result.bottleneck = result.link_seconds[static_cast<std::size_t>(a) * devices + b];
        result.bottleneck_hardware = STRATA_PLAN_NONE;
        result.bottleneck_from = a;
        result.bottleneck_to = b;
      }
  // A device whose time is unknown leaves the bottleneck unknown too.
  for (std::uint32_t d = 0; d < devices; ++d)
    if (std::isnan(result.device_seconds[d])) {
      result.bottleneck = std::numeric_limits<double>::quiet_NaN();
      result.bottleneck_from = result.bottleneck_to = d;
      result.bottleneck_hardware = STRATA_PLAN_NONE;
    }
  return result;
}

double Evaluation::cycle(std::int64_t micro_batches) const {
  return std::max(latency, static_cast<double>(micro_batches) * bottleneck);
}

std::string size_text(std::uint64_t bytes) { return bytes == UINT64_MAX ? "unlimited" : format_size(bytes); }

std::string figure(double value, const char* format) {
  return std::isnan(value) ? std::string("unknown") : fmt::format(fmt::runtime(format), value);
}

}  // namespace strata::detail
