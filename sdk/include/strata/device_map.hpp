// Which device each unit of a model runs on, in Hugging Face's device_map form: keys are
// module-name prefixes ("" = the whole model), values are Strata device names ("opencl:0",
// "cpu") or the offload tier "disk".
#pragma once

#include <strata/model_graph.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

inline constexpr std::string_view disk_tier = "disk";

class DeviceMap {
 public:
  DeviceMap() = default;
  explicit DeviceMap(std::map<std::string, std::string> entries) : entries_(std::move(entries)) {}

  const std::map<std::string, std::string>& entries() const { return entries_; }
  void set(std::string prefix, std::string target) { entries_[std::move(prefix)] = std::move(target); }

  // One target per unit of `graph`, in execution order, by the longest matching prefix
  // (a prefix matches "model.layers.1" only at a '.' boundary, never "model.layers.10").
  // Throws Error(invalid_argument) listing unknown keys, units left without a target, and
  // keys that overlap with the same length.
  std::vector<std::string> resolve(const ModelGraph& graph) const;

  // Hugging Face's JSON: {"model.embed_tokens": "opencl:0", "lm_head": "cpu", ...}. Integer
  // values (transformers' GPU ordinals) are read as the n-th GPU device name given in
  // `gpu_names`. Throws Error(invalid_argument) naming what is malformed.
  static DeviceMap from_json(std::string_view json, const std::vector<std::string>& gpu_names = {});
  std::string to_json() const;

 private:
  std::map<std::string, std::string> entries_;
};

}  // namespace strata
