// What a LoadedModel holds: the weights of every unit on its device, and the checkpoint files
// "disk" units read through their mappings. Nothing here changes once the load has returned;
// sessions only read it, from any thread.
#pragma once

#include "mapped_files.hpp"

#include <strata/loaded_model.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace strata::detail {

// A weight on a device: a view into a buffer owned alone, shared with a tied unit, or imported
// from a memory-mapped checkpoint file.
struct DeviceWeight {
  std::shared_ptr<const Buffer> buffer;
  std::uint64_t offset = 0;
  DType dtype = DType::f32;
  Shape shape;
  bool mapped = false;  // read through the checkpoint's mapping ("disk")

  TensorView view() const { return {buffer.get(), offset, dtype, shape}; }
};

// The weights one device holds, each loaded once however many units name it (a tied lm_head
// reuses the embedding's).
struct DeviceWeights {
  Device device;
  std::map<std::string, DeviceWeight, std::less<>> weights;  // by parameter name
  // Mapped checkpoint regions imported into this device, by their start address.
  std::map<const void*, std::shared_ptr<const Buffer>> imported;

  explicit DeviceWeights(Device d) : device(std::move(d)) {}
};

struct LoadedUnit {
  const Unit* unit = nullptr;  // in LoadedModel::State::graph
  std::string target;
  const DeviceWeights* device = nullptr;                   // the device that computes the unit
  std::map<std::string, TensorView, std::less<>> weights;  // by parameter name
  std::vector<DeviceWeight> held;                          // keeps the buffers behind `weights`
};

}  // namespace strata::detail

namespace strata {

struct LoadedModel::State {
  ModelGraph graph;
  std::vector<std::string> targets;
  // Destroyed in reverse: units, then the devices' weights, then the mappings they read.
  detail::MappedFiles mapped_files;
  std::vector<std::unique_ptr<detail::DeviceWeights>> devices;
  std::vector<detail::LoadedUnit> units;
};

namespace detail {

// Weight and mapped bytes per target, in the order the units first name it (kv_bytes 0).
std::vector<TargetPlacement> weight_placement(const LoadedModel::State& model);

}  // namespace detail
}  // namespace strata
