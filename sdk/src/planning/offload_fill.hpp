// Hugging Face's rule, kept by the strategies that place by memory (sequential, balanced): no unit
// stays on an offload tier ("cpu", "disk") while an accelerator that runs it still has room for
// it, and none stays on "disk" while "cpu" has room - unless the move would not make the
// predicted time per token shorter (a norm moved to a GPU between two disk units only adds two
// transfers).
#pragma once

#include "planning/plan_view.hpp"

#include <cstddef>

namespace strata::detail {

// Moves such units, in execution order, each to the device with room that gives the lowest
// predicted latency, when it is lower than before. Returns how many moved. One pass over accelerators suffices (a move
// only takes room away from them); disk -> cpu repeats until nothing moves (see the .cpp).
std::size_t fill_offload_gaps(const PlanView& view, Assignment& assignment);

// Whether the rule holds; used by the host to check plugins' answers in debug runs and by tests.
bool offload_rule_holds(const PlanView& view, const Assignment& assignment);

}  // namespace strata::detail
