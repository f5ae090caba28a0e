#include "random_fill.hpp"

#include <cstring>

namespace bench {
namespace {

// xorshift64*: plenty for benchmark weights.
struct Generator {
  std::uint64_t state;
  explicit Generator(std::uint64_t seed) : state(seed * 0x9e3779b97f4a7c15ull + 1) {}
  std::uint64_t next() {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545f4914f6cdd1dull;
  }
};

}  // namespace

std::vector<std::byte> random_f16(std::size_t count, std::uint64_t seed) {
  std::vector<std::byte> bytes(count * 2);
  Generator gen(seed);
  for (std::size_t i = 0; i < count; i += 4) {
    std::uint64_t r = gen.next();
    for (std::size_t j = i; j < count && j < i + 4; ++j, r >>= 16) {
      // sign | exponent 7..10 (2^-8 .. 2^-5) | mantissa
      const auto bits = static_cast<std::uint16_t>((r & 0x8000u) | ((7u + ((r >> 10) & 3u)) << 10) | (r & 0x3ffu));
      std::memcpy(bytes.data() + j * 2, &bits, 2);
    }
  }
  return bytes;
}

std::vector<std::byte> random_f32(std::size_t count, std::uint64_t seed) {
  std::vector<std::byte> bytes(count * 4);
  Generator gen(seed);
  for (std::size_t i = 0; i < count; ++i) {
    const float value = (static_cast<float>(gen.next() >> 40) / static_cast<float>(1 << 24) - 0.5f) * 0.0625f;
    std::memcpy(bytes.data() + i * 4, &value, 4);
  }
  return bytes;
}

std::vector<std::byte> constant_f16(std::size_t count, std::uint16_t bits) {
  std::vector<std::byte> bytes(count * 2);
  for (std::size_t i = 0; i < count; ++i) std::memcpy(bytes.data() + i * 2, &bits, 2);
  return bytes;
}

}  // namespace bench
