// DeviceMap::resolve: Hugging Face's prefix keys to one target per unit, with errors that say
// what is wrong and what would be valid.
#include "planning/name_lists.hpp"

#include <strata/device_map.hpp>
#include <strata/error.hpp>

#include <strata_safe_io/printable.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>

namespace strata {
namespace {

// Modules transformers lists in hf_device_map that hold buffers but no weights.
constexpr std::array<std::string_view, 1> weightless_modules{"model.rotary_emb"};

bool is_weightless(std::string_view key) {
  for (std::string_view module : weightless_modules)
    if (key == module || (key.size() > module.size() && key.starts_with(module) && key[module.size()] == '.'))
      return true;
  return false;
}

bool under(std::string_view name, std::string_view prefix) {
  return name.size() > prefix.size() && name.starts_with(prefix) && name[prefix.size()] == '.';
}

// The unit's own parameters (a tied lm_head also lists the embedding's weight, which belongs to
// the embedding's name space, not to this unit's).
std::vector<std::string_view> own_parameters(const Unit& unit) {
  std::vector<std::string_view> names;
  for (const ParameterInfo& parameter : unit.parameters)
    if (under(parameter.name, unit.name)) names.push_back(parameter.name);
  return names;
}

}  // namespace

std::vector<std::string> DeviceMap::resolve(const ModelGraph& graph) const {
  // Every name a key may be: unit names, their dotted prefixes, and prefixes of parameter names.
  std::set<std::string, std::less<>> valid;
  for (const Unit& unit : graph.units) {
    for (std::string_view prefix : detail::boundary_prefixes(unit.name)) valid.emplace(prefix);
    for (std::string_view parameter : own_parameters(unit))
      for (std::string_view prefix : detail::boundary_prefixes(parameter)) valid.emplace(prefix);
  }

  std::vector<std::string> unknown;
  for (const auto& [key, target] : entries_)
    if (!valid.contains(key) && !is_weightless(key)) unknown.push_back(safe_io::printable(key));

  auto longest_key = [this](std::string_view name,
                            std::size_t min_length) -> const std::pair<const std::string, std::string>* {
    const std::vector<std::string_view> prefixes = detail::boundary_prefixes(name);
    for (auto it = prefixes.rbegin(); it != prefixes.rend(); ++it) {
      if (it->size() < min_length) break;
      const auto found = entries_.find(std::string(*it));
      if (found != entries_.end()) return &*found;
    }
    return nullptr;
  };

  std::vector<std::string> targets(graph.units.size());
  std::vector<std::string> missing;
  std::vector<std::string> split;
  for (std::size_t index = 0; index < graph.units.size(); ++index) {
    const Unit& unit = graph.units[index];
    const auto* unit_key = longest_key(unit.name, 0);
    // Where each own parameter goes: a key inside the unit, else the unit's key.
    std::map<std::string, std::vector<std::string>> by_target;  // target -> the keys that send there
    bool uncovered = false;
    for (std::string_view parameter : own_parameters(unit)) {
      const auto* inner = longest_key(parameter, unit.name.size() + 1);
      const auto* key = inner ? inner : unit_key;
      if (!key) {
        uncovered = true;
        continue;
      }
      auto& keys = by_target[key->second];
      const std::string shown = key->first.empty() ? "\"\"" : safe_io::printable(key->first);
      if (std::find(keys.begin(), keys.end(), shown) == keys.end()) keys.push_back(shown);
    }
    if (own_parameters(unit).empty() && unit_key)
      by_target[unit_key->second].push_back(safe_io::printable(unit_key->first));

    if (by_target.size() > 1) {
      std::string parts;
      for (const auto& [target, keys] : by_target)
        parts +=
            fmt::format("{}{} -> {}", parts.empty() ? "" : "; ", fmt::join(keys, ", "), safe_io::printable(target));
      split.push_back(fmt::format("{} ({})", unit.name, parts));
    } else if (by_target.empty() || uncovered) {
      missing.push_back(unit.name);
    } else {
      targets[index] = by_target.begin()->first;
    }
  }

  if (unknown.empty() && missing.empty() && split.empty()) return targets;

  std::vector<std::string> unit_names;
  for (const Unit& unit : graph.units) unit_names.push_back(unit.name);
  std::string message = "device map:";
  if (!unknown.empty())
    message += fmt::format(
        " unknown key{} {} (the model's units are {}, and any prefix of them ending at a '.', "
        "or \"\" for the whole model);",
        unknown.size() == 1 ? "" : "s", detail::summarize_names(unknown), detail::summarize_names(unit_names));
  if (!split.empty())
    message += fmt::format(" unit{} split across devices, but units are never split: {};", split.size() == 1 ? "" : "s",
                           fmt::join(split, ", "));
  if (!missing.empty())
    message += fmt::format(" no target for {} (add a key for {}, or \"\" for everything else);",
                           detail::summarize_names(missing), missing.size() == 1 ? "it" : "them");
  message.pop_back();
  throw Error(StatusCode::invalid_argument, message);
}

}  // namespace strata
