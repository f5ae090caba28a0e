// The rotary embedding's settings of a config.json: its base, scaling and partial factor, at the
// top level (transformers 4: rope_theta, rope_scaling, rope_local_base_freq) or under
// rope_parameters (transformers 5), flat or per layer type (Gemma 3).
#pragma once

#include "model/config_reader.hpp"

#include <strata/model_graph.hpp>

#include <cstdint>
#include <optional>
#include <vector>

namespace strata::detail {

struct RopeSettings {
  double theta = 10000.0;
  RopeScaling scaling;
  double partial_rotary_factor = 1.0;
  std::optional<double> sliding_theta;  // Gemma 3's sliding layers
};

// Throws Error(unsupported) naming the field for a rope type Strata does not run (yarn, dynamic,
// longrope, ...), Error(invalid_argument) for a value out of range.
RopeSettings read_rope_settings(const ConfigReader& reader);

// transformers rotates int(head_dim x partial_rotary_factor) features, in pairs: an odd count or
// none is an error naming partial_rotary_factor.
std::int64_t rotary_dimensions(const ConfigReader& reader, double partial_rotary_factor, std::int64_t head_dim);

// The inverse frequencies a layer rotates with (rotary_dimensions() / 2 of them), as
// transformers computes them: the base's, scaled as the config says; a sliding layer of Gemma 3
// uses its own base, unscaled.
std::vector<float> rope_inverse_frequencies(const ModelConfig& config, bool sliding_layer);

}  // namespace strata::detail
