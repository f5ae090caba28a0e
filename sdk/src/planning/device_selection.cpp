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

// Devices that run on the host's cores are views of the same cores and memory: a planner that does
// not choose among them gets one, the CPU device when it is there.
void keep_one_host_device(DeviceSelection& selection) {
  auto& devices = selection.devices;
  auto keep = std::find_if(devices.begin(), devices.end(),
                           [](const SelectedDevice& d) { return d.shares_host_cores() && d.info.backend == "cpu"; });
  if (keep == devices.end())
    keep = std::find_if(devices.begin(), devices.end(), [](const SelectedDevice& d) { return d.shares_host_cores(); });
  if (keep == devices.end()) return;
  const std::string kept = keep->name();
  std::vector<std::string> dropped;
  for (const SelectedDevice& device : devices) {
    if (!device.shares_host_cores() || device.name() == kept) continue;
    dropped.push_back(device.name());
    selection.left_out.emplace_back(device.name(), fmt::format("it runs on the host's cores, as {} does", kept));
  }
  if (dropped.empty()) return;
  std::erase_if(devices, [&](const SelectedDevice& d) { return d.shares_host_cores() && d.name() != kept; });
  selection.notes.push_back(
      fmt::format("{} run{} on the host's cores, as {} does: this strategy uses {} alone "
                  "(latency and throughput choose among them)",
                  fmt::join(dropped, ", "), dropped.size() == 1 ? "s" : "", kept, kept));
}

}  // namespace

DeviceSelection select_devices(const std::vector<DeviceInfo>& infos, const PlanOptions& options, bool one_host_device) {
  DeviceSelection selection;

  // One physical GPU seen through two backends is one pool of memory: keep the first name.
  std::vector<const DeviceInfo*> unique;
  std::map<std::string, std::string> owner_of_physical;
  std::set<std::string> names;
  for (const DeviceInfo& info : infos) {
    if (!names.insert(info.name).second) bad_option(fmt::format("planning: device '{}' is listed twice", info.name));
    const std::string physical = info.physical_id();
    if (!physical.empty()) {
      const auto [it, inserted] = owner_of_physical.emplace(physical, info.name);
      if (!inserted) {
        selection.left_out.emplace_back(info.name, fmt::format("the same device as {} ({})", it->second, physical));
        selection.notes.push_back(fmt::format("{} is the same device as {} ({}): its memory is counted once, under {}",
                                              info.name, it->second, physical, it->second));
        continue;
      }
    }
    unique.push_back(&info);
  }
  std::vector<const DeviceInfo*> gpus;
  for (const DeviceInfo* info : unique)
    if (is_accelerator(*info)) gpus.push_back(info);

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
  if (one_host_device) keep_one_host_device(selection);

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
