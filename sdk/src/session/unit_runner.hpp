// The ops each kind of unit submits to its device's queue for one step of T tokens.
#pragma once

#include "session_state.hpp"

namespace strata::detail {

struct Step {
  std::int64_t tokens = 0;  // T
  std::int64_t n_past = 0;  // tokens already in the caches
  std::int64_t rows = 0;    // rows the final norm and lm_head compute: the last `rows` of T
};

// Allocates the working buffers the units on `slot` need for steps of up to slot.capacity tokens.
void prepare_slot(DeviceSlot& slot, const ModelConfig& config, const std::vector<UnitState>& units,
                  const SessionOptions& options);

// Allocates a decoder layer's KV cache on its device.
void allocate_kv_cache(UnitState& unit, const ModelConfig& config, std::int64_t context, const SessionOptions& options);

// Submits the unit's work; reads slot.hidden (slot.ids for the embedding) and writes slot.hidden
// (slot.logits for the lm_head).
void run_unit(const ModelConfig& config, UnitState& unit, const Step& step);

}  // namespace strata::detail
