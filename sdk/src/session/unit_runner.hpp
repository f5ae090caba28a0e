// A session's units on their devices: working buffers, KV caches, and each unit's step submitted
// to its device's queue (the ops themselves are model/unit_ops').
#pragma once

#include "model/unit_ops.hpp"
#include "session_state.hpp"

namespace strata::detail {

// Allocates the working buffers the units on `slot` need for steps of up to slot.capacity tokens.
void prepare_slot(DeviceSlot& slot, const ModelConfig& config, const std::vector<UnitState>& units,
                  const BeforeAllocate& before_allocate);

// Allocates a decoder layer's KV caches on its device, one of `context` tokens per sequence.
void allocate_kv_caches(UnitState& unit, const ModelConfig& config, std::int64_t context, std::int64_t sequences,
                        const BeforeAllocate& before_allocate);

// Submits the unit's work; reads slot.hidden (slot.ids for the embedding) and writes slot.hidden
// (slot.logits for the lm_head).
void run_unit(const ModelConfig& config, UnitState& unit, const Step& step);

}  // namespace strata::detail
