// Device maps the parity tests run the sample models on: all on the CPU, part on "disk", and
// split over the other devices this machine has (OpenCL on PoCL, Vulkan on lavapipe, simulated
// devices).
#pragma once

#include <strata/model_graph.hpp>
#include <strata/runtime.hpp>

#include <optional>
#include <string>
#include <vector>

namespace strata::test {

// The placement called `name` for `graph`, or nullopt when this machine lacks its devices:
//   "cpu"       every unit on the CPU
//   "cpu_disk"  the first half of the units on "disk", the rest on the CPU
//   "opencl", "vulkan", "sim"   the first half on the first device of that backend, the rest on
//               the CPU (the tied lm_head of Qwen2 then lives apart from its embedding)
//   "all"       contiguous blocks over every device found, in the Runtime's order (needs >= 2)
std::optional<std::vector<std::string>> make_placement(const std::string& name, const ModelGraph& graph,
                                                       const Runtime& runtime);

}  // namespace strata::test
