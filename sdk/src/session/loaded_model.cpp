// LoadedModel: loads every unit's weights onto the device its target names, once; sessions made
// from it add their own caches and buffers.
#include "model_state.hpp"
#include "session_checks.hpp"
#include "weight_loader.hpp"

#include <strata/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <span>
#include <tuple>

namespace strata {
namespace {

using detail::DeviceWeights;

DeviceWeights& weights_on(LoadedModel::State& state, const Device& device) {
  for (auto& weights : state.devices)
    if (weights->device == device) return *weights;
  return *state.devices.emplace_back(std::make_unique<DeviceWeights>(device));
}

// The device of every unit, found before anything is allocated: an unknown name fails first.
std::vector<Device> devices_of(const Runtime& runtime, const ModelGraph& graph,
                               const std::vector<std::string>& targets) {
  std::vector<Device> devices;
  devices.reserve(targets.size());
  for (std::size_t index = 0; index < targets.size(); ++index) {
    try {
      devices.push_back(detail::device_of(runtime, targets[index]));
    } catch (const Error& error) {
      throw Error(error.code(),
                  fmt::format("loading unit '{}' onto {}: {}", graph.units[index].name, targets[index], error.what()));
    }
  }
  return devices;
}

void load_units(LoadedModel::State& state, std::span<const Device> devices, const WeightSource& weights,
                const LoadOptions& options) {
  std::uint64_t bytes_total = 0;
  std::size_t parameters_total = 0;
  for (const Unit& unit : state.graph.units) {
    bytes_total += unit.parameter_bytes();
    parameters_total += unit.parameters.size();
  }
  detail::WeightLoader loader(weights, options, state.mapped_files, bytes_total, parameters_total);
  state.units.reserve(state.graph.units.size());
  for (std::size_t index = 0; index < state.graph.units.size(); ++index) {
    const Unit& unit = state.graph.units[index];
    const std::string& target = state.targets[index];
    try {
      detail::LoadedUnit& loaded = state.units.emplace_back();
      loaded.unit = &unit;
      loaded.target = target;
      DeviceWeights& device = weights_on(state, devices[index]);
      loaded.device = &device;
      for (const ParameterInfo& parameter : unit.parameters) {
        detail::DeviceWeight weight = loader.load(device, parameter, target);
        loaded.weights[parameter.name] = weight.view();
        loaded.held.push_back(std::move(weight));
      }
    } catch (const Error& error) {
      throw Error(error.code(), fmt::format("loading unit '{}' onto {}: {}", unit.name, target, error.what()));
    }
  }
  loader.finish();  // a failed upload reports here, not at a session's first step
}

}  // namespace

LoadedModel::LoadedModel(const Runtime& runtime, ModelGraph graph, const WeightSource& weights,
                         std::vector<std::string> targets, LoadOptions options) {
  validate_model_graph(graph);
  detail::check_targets(graph, targets);
  // Built whole before any handle shares it: once shared, nothing changes it.
  auto state = std::make_shared<State>();
  state->graph = std::move(graph);
  state->targets = std::move(targets);
  load_units(*state, devices_of(runtime, state->graph, state->targets), weights, options);
  state_ = std::move(state);
}

LoadedModel::LoadedModel(const Runtime& runtime, const Checkpoint& checkpoint, std::vector<std::string> targets,
                         LoadOptions options)
    : LoadedModel(runtime, checkpoint.graph(), CheckpointWeights(checkpoint), std::move(targets), std::move(options)) {}

LoadedModel::LoadedModel(const Runtime& runtime, const Checkpoint& checkpoint, const DeviceMap& device_map,
                         LoadOptions options)
    : LoadedModel(runtime, checkpoint, device_map.resolve(checkpoint.graph()), std::move(options)) {}

const ModelGraph& LoadedModel::graph() const { return state_->graph; }
const std::vector<std::string>& LoadedModel::targets() const { return state_->targets; }
std::vector<TargetPlacement> LoadedModel::placement() const { return detail::weight_placement(*state_); }

namespace detail {

std::vector<TargetPlacement> weight_placement(const LoadedModel::State& model) {
  std::vector<TargetPlacement> placements;
  // A weight shared by two units (tied embeddings) counts once per target.
  std::set<std::tuple<std::string, const Buffer*, std::uint64_t>> counted;
  for (const LoadedUnit& unit : model.units) {
    auto it = std::find_if(placements.begin(), placements.end(),
                           [&](const TargetPlacement& p) { return p.target == unit.target; });
    if (it == placements.end()) {
      placements.push_back({unit.target, unit.device->device.name(), {}, 0, 0, 0});
      it = placements.end() - 1;
    }
    it->units.push_back(unit.unit->name);
    for (const DeviceWeight& weight : unit.held) {
      if (!counted.insert({unit.target, weight.buffer.get(), weight.offset}).second) continue;
      (weight.mapped ? it->mapped_bytes : it->weight_bytes) += weight.view().bytes();
    }
  }
  return placements;
}

}  // namespace detail
}  // namespace strata
