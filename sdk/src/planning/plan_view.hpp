// A C++ view of a planning request (planner.h), shared by the host and the built-in planners:
// indexed access, the memory each device would hold for an assignment, and the predicted times.
#pragma once

#include <strata/planner.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace strata::detail {

using Assignment = std::vector<std::uint32_t>;  // device index per unit; STRATA_PLAN_NONE = not yet placed

class PlanView {
 public:
  explicit PlanView(const strata_plan_request& request);

  std::uint32_t unit_count() const { return request_->unit_count; }
  std::uint32_t device_count() const { return request_->device_count; }
  const strata_plan_unit& unit(std::uint32_t index) const { return *strata_plan_unit_at(request_, index); }
  const strata_plan_device& device(std::uint32_t index) const { return *strata_plan_device_at(request_, index); }
  std::string_view unit_name(std::uint32_t index) const { return unit(index).name; }
  std::string_view device_name(std::uint32_t index) const { return device(index).name; }
  const strata_plan_request& request() const { return *request_; }

  bool is_offload(std::uint32_t d) const { return (device(d).flags & STRATA_PLAN_DEVICE_OFFLOAD) != 0; }
  bool is_disk(std::uint32_t d) const { return (device(d).flags & STRATA_PLAN_DEVICE_DISK) != 0; }
  // The hardware device d is a view of (strata_plan_device::hardware), or STRATA_PLAN_NONE.
  std::uint32_t hardware(std::uint32_t d) const;
  // The device whose memory holds d's KV cache and workspace (itself, or "cpu" for "disk").
  std::uint32_t memory_device(std::uint32_t d) const;

  double seconds(std::uint32_t u, std::uint32_t d) const {
    return request_->unit_seconds[static_cast<std::size_t>(u) * device_count() + d];
  }
  // Whether device d runs every op of unit u (its time is not INFINITY).
  bool runs(std::uint32_t u, std::uint32_t d) const;
  // Whether unit u's time on device d is known (not NaN: the device has speed figures).
  bool timed(std::uint32_t u, std::uint32_t d) const;
  double bandwidth(std::uint32_t from, std::uint32_t to) const {
    return request_->link_bandwidth[static_cast<std::size_t>(from) * device_count() + to];
  }
  // The fixed cost of a transfer from one device to another (link_latencies, else link_latency).
  double latency(std::uint32_t from, std::uint32_t to) const;
  // Moving unit u's output from device `from` to device `to`: 0 on the same device.
  double transfer_seconds(std::uint32_t u, std::uint32_t from, std::uint32_t to) const;

  // Units tied to unit u (whose tied_to is u).
  const std::vector<std::uint32_t>& tied_from(std::uint32_t u) const { return tied_from_[u]; }

 private:
  const strata_plan_request* request_;
  std::vector<std::vector<std::uint32_t>> tied_from_;
};

// What an assignment keeps in each device's memory.
struct DeviceLoad {
  std::uint64_t weights = 0;
  std::uint64_t kv = 0;
  std::uint64_t workspace = 0;  // the largest of the units that keep it here
  std::uint64_t used() const { return weights + kv + workspace; }
};

class MemoryLoads {
 public:
  explicit MemoryLoads(const PlanView& view);
  // From scratch, for a complete or partial assignment.
  MemoryLoads(const PlanView& view, const Assignment& assignment);

  const DeviceLoad& load(std::uint32_t d) const { return loads_[d]; }
  std::uint64_t budget(std::uint32_t d) const { return view_->device(d).budget_bytes; }
  // Room left on d's own memory (saturates at 0).
  std::uint64_t room(std::uint32_t d) const;

  // Whether placing unit u on d keeps d and d's memory device within budget, given the units
  // already placed in `assignment` (u itself unplaced there).
  bool fits(std::uint32_t u, std::uint32_t d, const Assignment& assignment) const;
  // The bytes unit u would add to device d's own memory.
  std::uint64_t weight_cost(std::uint32_t u, std::uint32_t d, const Assignment& assignment) const;
  // Records unit u on d; `assignment` must already say so.
  void add(std::uint32_t u, std::uint32_t d, const Assignment& assignment);

  // The first device over budget and by how much, or nullopt-like (device_count) when all fit.
  std::uint32_t first_over_budget() const;

 private:
  const PlanView* view_;
  std::vector<DeviceLoad> loads_;
};

// The predictions for a complete assignment.
struct Evaluation {
  double latency = 0;                  // seconds per decode step: every unit in order, plus the transfers
  double transfer = 0;                 // the transfers' share
  std::vector<double> device_seconds;  // per device: its units' time
  // Per ordered pair of devices: the time of the transfers over that link, [from * D + to].
  std::vector<double> link_seconds;
  // The busiest resource: the largest of the devices' times (the views of one piece of hardware
  // counted together: their times add up), and the links'.
  double bottleneck = 0;
  std::uint32_t bottleneck_hardware = STRATA_PLAN_NONE;  // a piece of hardware's views together
  std::uint32_t bottleneck_from = 0;
  std::uint32_t bottleneck_to = 0;  // == bottleneck_from for a device

  // Seconds per step of every batch with `micro_batches` of them in flight: max(latency, m x
  // bottleneck).
  double cycle(std::int64_t micro_batches) const;
};

Evaluation evaluate(const PlanView& view, const Assignment& assignment);

std::string size_text(std::uint64_t bytes);  // format_size, with "unlimited" for UINT64_MAX
// A prediction in `format` ("{:.3f}"), or "unknown" where a figure it needs is missing (NaN).
std::string figure(double value, const char* format);

}  // namespace strata::detail
