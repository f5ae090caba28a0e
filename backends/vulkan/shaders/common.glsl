// Shared by every shader: dtype codes (strata_dtype values), 16-bit unpacking and packing, and the
// 2-D group index that lets a dispatch exceed the 65535-groups-per-dimension limit.
#ifndef STRATA_COMMON_GLSL
#define STRATA_COMMON_GLSL

#define DT_F32 0u
#define DT_F16 1u
#define DT_BF16 2u

uint linear_group() { return gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x; }

// tanh without overflow: GLSL's tanh may build on exp(2y) and return NaN for large |y|.
float stable_tanh(float y) {
  float e = exp(-2.0 * abs(y));
  return sign(y) * (1.0 - e) / (1.0 + e);
}

// Soft-capping (ABI 1.2): cap * tanh(x / cap), cap > 0.
float soft_cap(float x, float cap) { return cap * stable_tanh(x / cap); }

float bf16_bits_to_float(uint bits) { return uintBitsToFloat(bits << 16); }
float f16_bits_to_float(uint bits) { return unpackHalf2x16(bits).x; }
// The two bf16 values of a word, low half first.
vec2 unpack_bf16x2(uint word) { return vec2(uintBitsToFloat(word << 16), uintBitsToFloat(word & 0xffff0000u)); }

// 16-bit tensors are bound as uint words (no 16-bit storage feature needed); element e lives in
// word e / 2, low half first (little endian).
uint half_of_word(uint word, uint e) { return (e & 1u) != 0u ? (word >> 16) : (word & 0xffffu); }

float half_to_float(uint bits, uint dtype) {
  return dtype == DT_BF16 ? bf16_bits_to_float(bits) : f16_bits_to_float(bits);
}

// Round to nearest even, NaN stays NaN: bit-exact with the host's f32_to_bf16.
uint float_to_bf16_bits(float value) {
  uint bits = floatBitsToUint(value);
  if ((bits & 0x7fffffffu) > 0x7f800000u) return ((bits >> 16) | 0x40u) & 0xffffu;
  return (bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16;
}

// Round to nearest even, overflow to infinity: done in integers because packHalf2x16's rounding
// is implementation-defined, and the CPU reference rounds to nearest even.
uint float_to_f16_bits(float value) {
  uint bits = floatBitsToUint(value);
  uint sign = (bits >> 16) & 0x8000u;
  uint magnitude = bits & 0x7fffffffu;
  if (magnitude > 0x7f800000u) return sign | 0x7e00u;
  if (magnitude >= 0x477ff000u) return sign | 0x7c00u;
  if (magnitude < 0x38800000u) {
    if (magnitude < 0x33000000u) return sign;
    uint exponent = magnitude >> 23;
    uint mantissa = (magnitude & 0x7fffffu) | 0x800000u;
    uint shift = 126u - exponent;
    uint result = mantissa >> shift;
    uint remainder = mantissa & ((1u << shift) - 1u);
    uint halfway = 1u << (shift - 1u);
    if (remainder > halfway || (remainder == halfway && (result & 1u) != 0u)) result += 1u;
    return sign | result;
  }
  uint result = (magnitude - 0x38000000u) >> 13;
  uint remainder = magnitude & 0x1fffu;
  if (remainder > 0x1000u || (remainder == 0x1000u && (result & 1u) != 0u)) result += 1u;
  return sign | result;
}

uint float_to_half_bits(float value, uint dtype) {
  return dtype == DT_BF16 ? float_to_bf16_bits(value) : float_to_f16_bits(value);
}

// A reader for a binding that may hold f32, f16 or bf16, chosen at run time by a push constant.
// FARR and UARR are the float and uint views of the same binding.
#define DEFINE_FLOAT_LOADER(FUNC, FARR, UARR)                        \
  float FUNC(uint e, uint dtype) {                                   \
    if (dtype == DT_F32) return FARR[e];                             \
    return half_to_float(half_of_word(UARR[e >> 1u], e), dtype);     \
  }

#endif
