#version 450
// ADD, MUL and SILU_MUL: out[i] = a[i] (op) b[i mod b_n]; b may be f32, f16 or bf16 and either
// matches a's element count or its last dimension (broadcast over rows). In place over a is fine:
// each invocation reads its element before writing it.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(local_size_x = 256) in;

#define OP_ADD 0u
#define OP_MUL 1u
#define OP_SILU_MUL 2u

layout(push_constant) uniform Params {
  uint n;
  uint b_n;
  uint a_off;
  uint b_off;
  uint out_off;
  uint b_dtype;
  uint op;
} p;

layout(set = 0, binding = 0, std430) readonly buffer A { float a[]; };
layout(set = 0, binding = 1, std430) readonly buffer BF { float b_f[]; };
layout(set = 0, binding = 1, std430) readonly buffer BU { uint b_u[]; };
layout(set = 0, binding = 3, std430) writeonly buffer Out { float out_f[]; };

DEFINE_FLOAT_LOADER(load_b, b_f, b_u)

void main() {
  uint i = linear_group() * 256u + gl_LocalInvocationID.x;
  if (i >= p.n) return;
  float x = a[p.a_off + i];
  float y = load_b(p.b_off + (p.b_n == p.n ? i : i % p.b_n), p.b_dtype);
  float result;
  if (p.op == OP_ADD) {
    result = x + y;
  } else if (p.op == OP_MUL) {
    result = x * y;
  } else {
    result = x / (1.0 + exp(-x)) * y;
  }
  out_f[p.out_off + i] = result;
}
