#include "planning/device_selection.hpp"

#include "planning/plan_view.hpp"

#include <strata/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

namespace strata::detail {
namespace {

[[noreturn]] void bad_option(const std::string& message) { throw Error(StatusCode::invalid_argument, message); }

bool is_accelerator(const DeviceInfo& info) { return info.kind != DeviceKind::cpu; }

std::uint64_t default_budget(const DeviceInfo& info, const PlanOptions& options, std::vector<std::string>& notes) {
  const std::optional<std::uint64_t> available = info.memory_free ? info.memory_free : info.memory_total;
  if (!available) {
    notes.push_back(
        fmt::format("{} does not report its memory: it gets no budget (give it one with max_memory)", info.name));
    return 0;
  }
  if (!info.memory_free)
    notes.push_back(
        fmt::format("{} does not report free memory: planning with its total, {}", info.name, size_text(*available)));
  const std::uint64_t total = info.memory_total.value_or(*available);
  const auto fraction = static_cast<std::uint64_t>(options.reserve_fraction * static_cast<double>(total));
  const std::uint64_t reserve = std::max(options.reserve_min_bytes, fraction);
  return *available > reserve ? *available - reserve : 0;
}

// What names a piece of hardware several devices may be views of: the host's cores, or a
// physical GPU seen through two APIs; "" for a device of its own.
std::string hardware_of(const SelectedDevice& device) {
  if (device.disk) return {};
  if (device.info.shares_host_cores()) return "the host's cores";
  return device.info.physical_id();
}

// The better-measured view of a GPU: the one that streams weights faster, else the first.
double streaming_speed(const DeviceInfo& info) {
  double best = 0;
  if (info.measured)
    for (const auto& entry : info.measured->matvec_bandwidth) best = std::max(best, entry.second);
  return best;
}

// Groups the views of each piece of hardware; with `one_view`, keeps one of each (the CPU device
// of the host's cores, the fastest measured view of a GPU) for planners that do not choose.
void group_views(DeviceSelection& selection, bool one_view) {
  std::map<std::string, std::vector<std::size_t>> groups;  // hardware -> devices, in order
  for (std::size_t i = 0; i < selection.devices.size(); ++i)
    if (const std::string hardware = hardware_of(selection.devices[i]); !hardware.empty())
      groups[hardware].push_back(i);
  std::vector<std::string> dropped;
  for (const auto& [hardware, members] : groups) {
    if (members.size() < 2) continue;
    std::vector<std::string> names;
    for (std::size_t i : members) names.push_back(selection.devices[i].name());
    if (!one_view) {
      const auto id = static_cast<std::uint32_t>(selection.hardware_names.size());
      selection.hardware_names.push_back(hardware);
      for (std::size_t i : members) selection.devices[i].hardware = id;
      selection.notes.push_back(fmt::format("{} are views of {}: a plan uses one of them", fmt::join(names, ", "),
                                            hardware == "the host's cores" ? hardware : "one GPU (" + hardware + ")"));
      continue;
    }
    std::size_t keep = members.front();
    for (std::size_t i : members) {
      const SelectedDevice& device = selection.devices[i];
      const bool host_cpu = hardware == "the host's cores" && device.name() == "cpu";
      if (host_cpu || (hardware != "the host's cores" &&
                       streaming_speed(device.info) > streaming_speed(selection.devices[keep].info)))
        keep = i;
    }
    const std::string kept = selection.devices[keep].name();
    for (std::size_t i : members) {
      if (i == keep) continue;
      dropped.push_back(selection.devices[i].name());
      selection.left_out.emplace_back(selection.devices[i].name(),
                                      fmt::format("it is a view of the same hardware as {} ({})", kept, hardware));
    }
    selection.notes.push_back(fmt::format(
        "{} are views of {}: this strategy uses {} (latency and throughput choose "
        "among them)",
        fmt::join(names, ", "), hardware == "the host's cores" ? hardware : "one GPU (" + hardware + ")", kept));
  }
  std::erase_if(selection.devices, [&](const SelectedDevice& device) {
    return std::find(dropped.begin(), dropped.end(), device.name()) != dropped.end();
  });
}

}  // namespace

DeviceSelection select_devices(const std::vector<DeviceInfo>& infos, const PlanOptions& options, bool one_view) {
  DeviceSelection selection;

  std::vector<const DeviceInfo*> unique;
  std::set<std::string> names;
  for (const DeviceInfo& info : infos) {
    if (!names.insert(info.name).second) bad_option(fmt::format("planning: device '{}' is listed twice", info.name));
    unique.push_back(&info);
  }
  // GPU ordinals number physical GPUs, as transformers numbers CUDA devices: one GPU seen through
  // two APIs is one ordinal, and its limit applies to every view of it.
  std::vector<const DeviceInfo*> gpus;
  std::set<std::string> physical_seen;
  for (const DeviceInfo* info : unique) {
    const std::string physical = info->physical_id();
    if (is_accelerator(*info) && (physical.empty() || physical_seen.insert(physical).second)) gpus.push_back(info);
  }

  // max_memory keys: device names, "disk", or GPU ordinals as transformers numbers them.
  std::map<std::string, std::uint64_t> limits;
  std::optional<std::uint64_t> disk_limit = options.disk_budget;
  for (const auto& entry : options.max_memory) {
    // Named, not structured bindings: clang 14 cannot capture those in the lambdas below.
    const std::string& key = entry.first;
    const std::uint64_t bytes = entry.second;
    if (key == "disk") {
      disk_limit = bytes;
      continue;
    }
    std::string name = key;
    std::uint64_t ordinal = 0;
    const auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), ordinal);
    if (error == std::errc() && end == key.data() + key.size() && !key.empty()) {
      if (ordinal >= gpus.size())
        bad_option(fmt::format(
            "max_memory: GPU {} does not exist; the GPUs are {}", key, gpus.empty() ? std::string("none") : [&] {
              std::string list;
              for (std::size_t i = 0; i < gpus.size(); ++i)
                list += fmt::format("{}{} = {}", i ? ", " : "", i, gpus[i]->name);
              return list;
            }()));
      name = gpus[ordinal]->name;
      const std::string physical = gpus[ordinal]->physical_id();
      for (const DeviceInfo* view : unique)
        if (!physical.empty() && view != gpus[ordinal] && view->physical_id() == physical)
          limits.emplace(view->name, bytes);
    } else if (std::none_of(unique.begin(), unique.end(), [&](const DeviceInfo* info) { return info->name == key; })) {
      std::vector<std::string> valid;
      for (const DeviceInfo* info : unique) valid.push_back(info->name);
      valid.emplace_back("disk");
      bad_option(fmt::format("max_memory: no device '{}'; the devices are {} (or GPU ordinals 0..{})", key,
                             fmt::join(valid, ", "), gpus.empty() ? 0 : gpus.size() - 1));
    }
    if (!limits.emplace(name, bytes).second)
      bad_option(fmt::format("max_memory: {} is given twice (by name and by ordinal)", name));
  }
  const bool restricted = !limits.empty();

  auto add = [&](const DeviceInfo& info) {
    SelectedDevice device;
    device.info = info;
    device.offload = !is_accelerator(info);
    const auto limit = limits.find(info.name);
    if (limit != limits.end()) {
      device.budget = limit->second;
      if (info.memory_free && *info.memory_free < device.budget) {
        selection.notes.push_back(fmt::format("max_memory gives {} {}, but it has {} free: planning with {}", info.name,
                                              size_text(device.budget), size_text(*info.memory_free),
                                              size_text(*info.memory_free)));
        device.budget = *info.memory_free;
      }
    } else {
      device.budget = default_budget(info, options, selection.notes);
    }
    selection.devices.push_back(std::move(device));
  };
  for (const DeviceInfo* info : unique) {
    if (restricted && !limits.contains(info->name)) {
      selection.left_out.emplace_back(info->name, "not listed in max_memory");
      continue;
    }
    if (is_accelerator(*info)) add(*info);
  }
  for (const DeviceInfo* info : unique)
    if (!is_accelerator(*info) && (!restricted || limits.contains(info->name))) add(*info);
  group_views(selection, one_view);

  // Disk units compute on a CPU and keep their KV cache and workspace in its memory: when
  // max_memory leaves the CPU out, it holds just those.
  if (options.allow_disk) {
    // The Session runs disk units on the device named "cpu".
    auto cpu = std::find_if(selection.devices.begin(), selection.devices.end(),
                            [](const SelectedDevice& device) { return device.name() == "cpu"; });
    const auto host =
        std::find_if(unique.begin(), unique.end(), [](const DeviceInfo* info) { return info->name == "cpu"; });
    if (cpu == selection.devices.end() && host != unique.end()) {
      SelectedDevice holder;
      holder.info = **host;
      holder.offload = true;
      holder.memory_only = true;
      holder.budget = default_budget(**host, options, selection.notes);
      selection.notes.push_back(fmt::format(
          "max_memory lists no {0}: disk units compute on {0} and keep their KV cache and workspace in its free "
          "memory ({1}), and it takes no units of its own",
          holder.name(), size_text(holder.budget)));
      std::erase_if(selection.left_out, [&](const auto& entry) { return entry.first == holder.name(); });
      selection.devices.push_back(std::move(holder));
      cpu = selection.devices.end() - 1;
    }
    if (cpu == selection.devices.end()) {
      selection.notes.emplace_back("no CPU device to plan on, so no disk tier (disk units compute on the CPU)");
    } else {
      SelectedDevice disk;
      disk.info = cpu->info;
      disk.info.name = "disk";
      disk.offload = true;
      disk.disk = true;
      disk.budget = disk_limit.value_or(UINT64_MAX);
      selection.devices.push_back(std::move(disk));
    }
  }
  if (selection.devices.empty())
    bad_option(restricted ? "planning: max_memory leaves no device to plan on" : "planning: there are no devices");
  return selection;
}

}  // namespace strata::detail
