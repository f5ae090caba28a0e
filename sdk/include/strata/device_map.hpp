// Which device each unit of a model runs on, in Hugging Face's device_map form: keys are
// module-name prefixes ("" = the whole model), values are Strata device names ("opencl:0",
// "cpu") or the offload tier "disk".
#pragma once

#include <strata/export.hpp>

#include <strata/model_graph.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

inline constexpr std::string_view disk_tier = "disk";

class STRATA_API DeviceMap {
 public:
  DeviceMap() = default;
  explicit DeviceMap(std::map<std::string, std::string> entries) : entries_(std::move(entries)) {}

  // The shortest map that gives each unit of `graph` its target (one per unit, in order): a
  // prefix stands for all units under it when they share a target, as transformers'
  // hf_device_map does ({"": "opencl:0"} when everything is on one device).
  static DeviceMap from_targets(const ModelGraph& graph, const std::vector<std::string>& targets);

  const std::map<std::string, std::string>& entries() const { return entries_; }
  void set(std::string prefix, std::string target) { entries_[std::move(prefix)] = std::move(target); }

  // One target per unit of `graph`, in execution order, by the longest matching prefix
  // (a prefix matches "model.layers.1" only at a '.' boundary, never "model.layers.10").
  // Keys deeper than a unit ("model.layers.3.mlp", as accelerate writes when it splits a
  // layer) are matched against the unit's parameter names; they are accepted when the whole
  // unit still lands on one target, since units are never split. Module names that hold no
  // weights in transformers ("model.rotary_emb") are accepted and ignored.
  // Throws Error(invalid_argument) listing unknown keys (with the valid names), units left
  // without a target, and units that the keys would split across targets.
  std::vector<std::string> resolve(const ModelGraph& graph) const;

  // Hugging Face's JSON: {"model.embed_tokens": "opencl:0", "lm_head": "cpu", ...}. Integer
  // values (transformers' GPU ordinals) and "cuda:N" are read as the n-th GPU device name
  // given in `gpu_names`. Throws Error(invalid_argument) naming what is malformed, including a
  // key given twice.
  static DeviceMap from_json(std::string_view json, const std::vector<std::string>& gpu_names = {});
  // Keys in natural order ("model.layers.2" before "model.layers.10").
  std::string to_json() const;

 private:
  std::map<std::string, std::string> entries_;
};

}  // namespace strata
