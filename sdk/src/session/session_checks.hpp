// The checks a session passes before it allocates anything: its options against the model, and
// every unit's ops on the unit's device at the session's sizes. A Session made from a LoadedModel
// runs them, and so does a Session that loads its own model, before the load.
#pragma once

#include <strata/session.hpp>

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace strata::detail {

// The sizes a session allocates for.
struct SessionSizes {
  std::int64_t context = 0;     // tokens each KV cache holds
  std::int64_t batch = 0;       // tokens one step runs at most
  std::int64_t sequences = 1;   // sequences the session holds, each with its own caches
  DType kv_dtype = DType::f32;  // as asked, or the model's default
};

// One target per unit, in order; throws Error(invalid_argument) otherwise.
void check_targets(const ModelGraph& graph, const std::vector<std::string>& targets);

// The device that computes a unit placed on `target`: the CPU for "disk".
Device device_of(const Runtime& runtime, std::string_view target);

// Checks `options` against `graph` and gives the sizes they ask for; throws
// Error(invalid_argument) naming the option at fault.
SessionSizes session_sizes(const ModelGraph& graph, const SessionOptions& options);

// Every unit's ops must run on its device (devices[i] for unit i) at the step sizes the session
// uses: checked before anything is allocated, so a partial backend fails here with the reason,
// not halfway through a generation (or silently). Throws Error(unsupported).
void check_devices_run_their_units(const ModelGraph& graph, const std::vector<std::string>& targets,
                                   std::span<const Device> devices, const SessionSizes& sizes);

}  // namespace strata::detail
