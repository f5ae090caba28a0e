// DeviceMap::from_targets: the shortest Hugging Face-style map for a placement.
#include "planning/name_lists.hpp"

#include <strata/device_map.hpp>
#include <strata/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace strata {
namespace {

bool covers(std::string_view prefix, std::string_view name) {
  return prefix.empty() || name == prefix ||
         (name.size() > prefix.size() && name.starts_with(prefix) && name[prefix.size()] == '.');
}

}  // namespace

DeviceMap DeviceMap::from_targets(const ModelGraph& graph, const std::vector<std::string>& targets) {
  if (targets.size() != graph.units.size())
    throw Error(StatusCode::invalid_argument,
                fmt::format("device map: {} targets for {} units", targets.size(), graph.units.size()));
  // Walk the candidate prefixes shortest first; a prefix becomes a key when every unit under it
  // shares one target and no shorter key already covers it. Each unit ends up under exactly one
  // key, so resolve() gives back `targets`.
  std::set<std::string, std::less<>> candidates;
  for (const Unit& unit : graph.units)
    for (std::string_view prefix : detail::boundary_prefixes(unit.name)) candidates.emplace(prefix);
  std::vector<std::string> ordered(candidates.begin(), candidates.end());
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const std::string& a, const std::string& b) { return a.size() < b.size(); });

  DeviceMap map;
  std::vector<bool> placed(graph.units.size(), false);
  for (const std::string& prefix : ordered) {
    const std::string* target = nullptr;
    bool uniform = true;
    bool any_open = false;
    for (std::size_t index = 0; index < graph.units.size() && uniform; ++index) {
      if (!covers(prefix, graph.units[index].name)) continue;
      if (placed[index]) {
        uniform = false;  // a shorter key already took part of this subtree
        break;
      }
      any_open = true;
      if (target && *target != targets[index]) uniform = false;
      target = &targets[index];
    }
    if (!uniform || !any_open) continue;
    map.set(prefix, *target);
    for (std::size_t index = 0; index < graph.units.size(); ++index)
      if (covers(prefix, graph.units[index].name)) placed[index] = true;
  }
  return map;
}

}  // namespace strata
