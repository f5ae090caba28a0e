#version 450
// COPY between float dtypes (f32 <-> f16 <-> bf16). Same-dtype copies never get here: they are
// buffer copies. A 16-bit output is written a word (two elements) per invocation; a word the
// tensor only half covers is updated with atomics so the neighbouring half stays untouched.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(local_size_x = 256) in;

layout(push_constant) uniform Params {
  uint n;
  uint in_off;
  uint out_off;
  uint in_dtype;
  uint out_dtype;
} p;

layout(set = 0, binding = 0, std430) readonly buffer InF { float in_f[]; };
layout(set = 0, binding = 0, std430) readonly buffer InU { uint in_u[]; };
layout(set = 0, binding = 3, std430) buffer OutF { float out_f[]; };
layout(set = 0, binding = 3, std430) buffer OutU { uint out_u[]; };

DEFINE_FLOAT_LOADER(load_in, in_f, in_u)

void main() {
  uint i = linear_group() * 256u + gl_LocalInvocationID.x;
  if (p.out_dtype == DT_F32) {
    if (i < p.n) out_f[p.out_off + i] = load_in(p.in_off + i, p.in_dtype);
    return;
  }
  uint word = (p.out_off >> 1) + i;
  uint end = p.out_off + p.n;  // one past the last element
  if (word > ((end - 1u) >> 1)) return;
  uint e0 = word * 2u;
  uint e1 = e0 + 1u;
  bool low = e0 >= p.out_off && e0 < end;
  bool high = e1 >= p.out_off && e1 < end;
  uint low_bits = low ? float_to_half_bits(load_in(p.in_off + (e0 - p.out_off), p.in_dtype), p.out_dtype) : 0u;
  uint high_bits = high ? float_to_half_bits(load_in(p.in_off + (e1 - p.out_off), p.in_dtype), p.out_dtype) : 0u;
  if (low && high) {
    out_u[word] = low_bits | (high_bits << 16);
  } else if (low) {
    atomicAnd(out_u[word], 0xffff0000u);
    atomicOr(out_u[word], low_bits);
  } else {
    atomicAnd(out_u[word], 0x0000ffffu);
    atomicOr(out_u[word], high_bits << 16);
  }
}
