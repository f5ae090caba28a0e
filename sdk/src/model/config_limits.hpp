// The ranges config values must lie in, shared by config.json's reader and the checks of a graph
// built by hand: wide enough for every real model, narrow enough that no product of sizes
// overflows and no value fails only once the op set meets it.
#pragma once

#include <cstdint>

namespace strata::detail::config_limits {

inline constexpr std::int64_t max_vocab = std::int64_t{1} << 24;
inline constexpr std::int64_t max_width = std::int64_t{1} << 20;
inline constexpr std::int64_t max_layers = 4096;
inline constexpr std::int64_t max_heads = 4096;
inline constexpr std::int64_t max_positions = std::int64_t{1} << 26;
// rope_theta of real models runs from 10^4 to a few 10^9 (contexts stretched to millions of
// tokens); below 1 the rotation frequencies grow instead of fall. The op set takes it as a float.
inline constexpr double min_rope_theta = 1.0;
inline constexpr double max_rope_theta = 1e12;
// rms_norm_eps is 1e-5 or 1e-6 in practice; the floor keeps it a normal float once the op set
// takes it as one (a zero would divide an all-zero row by zero).
inline constexpr double min_norm_eps = 1e-30;
inline constexpr double max_norm_eps = 0.5;

}  // namespace strata::detail::config_limits
