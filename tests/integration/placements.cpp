#include "placements.hpp"

namespace strata::test {

std::optional<std::vector<std::string>> make_placement(const std::string& name, const ModelGraph& graph,
                                                       const Runtime& runtime) {
  const std::size_t count = graph.units.size();
  const std::size_t half = count / 2;
  std::vector<std::string> targets(count, "cpu");
  if (name == "cpu") return targets;
  if (name == "cpu_disk") {
    for (std::size_t i = 0; i < half; ++i) targets[i] = "disk";
    return targets;
  }
  if (name == "all") {
    const std::vector<Device>& devices = runtime.devices();
    if (devices.size() < 2) return std::nullopt;
    for (std::size_t i = 0; i < count; ++i) targets[i] = devices[i * devices.size() / count].name();
    return targets;
  }
  for (const Device& device : runtime.devices()) {
    if (device.info().backend != name) continue;
    for (std::size_t i = 0; i < half; ++i) targets[i] = device.name();
    return targets;
  }
  return std::nullopt;
}

}  // namespace strata::test
