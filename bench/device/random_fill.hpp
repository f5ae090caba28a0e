// Fast deterministic random weights for benchmarks (billions of values: no std::mt19937).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace bench {

// f16 bit patterns of magnitude 2^-8 .. 2^-5 with random signs and mantissas: small enough
// that 16 layers of random weights stay finite.
std::vector<std::byte> random_f16(std::size_t count, std::uint64_t seed);
std::vector<std::byte> random_f32(std::size_t count, std::uint64_t seed);
// `count` copies of one f16 value given by its bits (1.0 is 0x3c00).
std::vector<std::byte> constant_f16(std::size_t count, std::uint16_t bits);

}  // namespace bench
