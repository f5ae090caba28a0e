// The decoder layer calibration times whole, as the Session submits it: its ops one after the
// other in one submit, each in its own working buffer. What a layer's ops cost together differs
// from the sum of each kind timed alone (a device overlaps the products that read the same input,
// records and submits many ops at once, or pays for barriers that a chain of one kind does not
// show), so the cost model corrects its per-op sum by what this layer measures.
#pragma once

#include "model/unit_ops.hpp"

#include <strata/model_graph.hpp>

#include <array>
#include <cstdint>

namespace strata::detail {

// A small Llama layer (hidden 256, 4 heads of 64, 2 KV heads, intermediate 704, f16 weights):
// small enough that fixed costs are most of its time on every device.
ModelConfig reference_layer_config();

// The one-layer graph of reference_layer_config(); its decoder layer is units[1].
const ModelGraph& reference_layer_graph();
const Unit& reference_layer();

// The steps measured: one token at the end of a 64-token context, and prompt pieces of 32 and of
// 128 tokens (the default max_batch_tokens), with a KV cache of reference_layer_context tokens.
inline constexpr std::int64_t reference_layer_context = 256;
inline constexpr std::array<Step, 3> reference_layer_steps{{{1, 63, 0}, {32, 0, 0}, {128, 0, 0}}};

}  // namespace strata::detail
